/*
 * Latency from a qtest "outb 0x505 1" to the GUEST_PANICKED event read by
 * a QMP client.
 *
 *   panic-latency [--iters N] [--dir DIR] -- VMM ARGS...
 *
 * The VMM gets a qtest socket and one QMP socket (both as a client, as
 * under libqtest); bench/run passes "-action panic=none" so the VM keeps
 * running and every write panics again.  Each iteration writes the
 * command, then waits for both the qtest "OK" and the event; the
 * latency is write -> event line read.  Prints min/median/p90/max in
 * microseconds.
 */
#include "bench-util.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ITERS 100000

static BenchReader qt, qmp;

/* Wait for the qtest OK and the event; returns when the event arrived. */
static uint64_t one_panic(void)
{
    static const char cmd[] = "outb 0x505 1\n";
    bool got_ok = false, got_event = false;
    uint64_t t_event = 0;

    bench_write_all(qt.fd, cmd, sizeof(cmd) - 1);
    while (!got_ok || !got_event) {
        /* Once the event is in, leave the QMP socket alone: the events
         * after it (a panic record) are read with the next panic. */
        struct pollfd p[2] = {{.fd = qt.fd, .events = POLLIN},
                              {.fd = qmp.fd, .events = got_event ? 0 : POLLIN}};
        char *line;

        while (!got_event && (line = bench_next_buffered_line(&qmp))) {
            if (strstr(line, "\"GUEST_PANICKED\"")) {
                t_event = bench_now_ns();
                got_event = true;
            }
        }
        while (!got_ok && (line = bench_next_buffered_line(&qt))) {
            if (strncmp(line, "OK", 2) != 0) {
                bench_die("qtest replied '%s'", line);
            }
            got_ok = true;
        }
        if (got_ok && got_event) {
            break;
        }
        if (poll(p, 2, 10000) <= 0) {
            bench_die("no GUEST_PANICKED event within 10 s");
        }
        if ((p[0].revents && bench_reader_fill(&qt) == 0) ||
            (p[1].revents && bench_reader_fill(&qmp) == 0)) {
            bench_die("the VMM closed a socket");
        }
    }
    return t_event;
}

int main(int argc, char **argv)
{
    static double lat[MAX_ITERS];
    const char *dir = "/tmp";
    int iters = 2000, i, qlfd, mlfd, status;
    char qpath[400], mpath[400];
    BenchArgv a;
    pid_t pid;

    i = bench_parse_options(
        "panic-latency", argc, argv,
        (const BenchOpt[]){{"--iters", BENCH_OPT_INT, &iters},
                           {"--dir", BENCH_OPT_STR, &dir},
                           {NULL}});
    if (iters < 1 || iters > MAX_ITERS) {
        bench_die("--iters must be 1..%d", MAX_ITERS);
    }
    snprintf(qpath, sizeof(qpath), "%s/lat-%d.qtest", dir, (int)getpid());
    snprintf(mpath, sizeof(mpath), "%s/lat-%d.qmp", dir, (int)getpid());
    qlfd = bench_listen(qpath);
    mlfd = bench_listen(mpath);
    bench_argv_init(&a, argc - i, argv + i);
    bench_argv_add_qtest(&a, qpath);
    bench_argv_add_qmp(&a, mpath, 0);
    pid = bench_spawn(&a);
    bench_reader_init(&qt, bench_accept(qlfd, 10000, "qtest"));
    bench_reader_init(&qmp, bench_accept(mlfd, 10000, "QMP"));
    unlink(qpath);
    unlink(mpath);
    bench_qmp_negotiate(&qmp, 10000);

    for (int k = 0; k < 100; k++) {
        one_panic(); /* warm-up */
    }
    for (int k = 0; k < iters; k++) {
        uint64_t t0 = bench_now_ns();
        lat[k] = (double)(one_panic() - t0) / 1e3;
    }

    kill(pid, SIGTERM);
    status = bench_reap(pid, 10000);
    bench_median(lat, iters); /* sorts */
    printf("{\"median_us\": %.1f, \"min_us\": %.1f, \"p90_us\": %.1f, "
           "\"max_us\": %.1f, \"iters\": %d, \"exit_status\": %d}\n",
           bench_median(lat, iters), lat[0], lat[iters * 9 / 10],
           lat[iters - 1], iters, status);
    return 0;
}
