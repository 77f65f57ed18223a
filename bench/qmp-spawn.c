/*
 * Start-up, idle memory and the full lifecycle of a VMM, as a QMP client
 * sees them.
 *
 *   qmp-spawn [--iters N] [--dir DIR] [--qtest] -- VMM ARGS...
 *
 * Each iteration listens on a unix socket, spawns the VMM with
 * "-chardev socket,path=... -mon chardev=...,mode=control" appended (the
 * VMM connects as a client, as under libqtest), and records:
 *   greeting_ms   spawn -> the QMP greeting line has been read
 *   negotiated_ms spawn -> the reply to qmp_capabilities has been read
 *   rss_kib/hwm_kib  VmRSS/VmHWM right after negotiation
 *   lifecycle_ms  spawn -> greeting -> negotiation -> quit -> exit reaped
 *                 (the time spent reading /proc is taken out)
 * With --qtest a qtest socket is added too (accepted after the greeting).
 * Prints the median of each over the iterations as one JSON object, and
 * the fastest greeting and lifecycle (greeting_min_ms, lifecycle_min_ms).
 */
#include "bench-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define MAX_ITERS 1000

static const char caps[] = "{\"execute\": \"qmp_capabilities\"}\n";
static const char quit[] = "{\"execute\": \"quit\"}\n";

int main(int argc, char **argv)
{
    static double greet[MAX_ITERS], nego[MAX_ITERS], life[MAX_ITERS];
    static double rss[MAX_ITERS], hwm[MAX_ITERS];
    const char *dir = "/tmp";
    bool with_qtest = false;
    int iters = 1, i;
    char qmp_path[400], qtest_path[400];

    i = bench_parse_options(
        "qmp-spawn", argc, argv,
        (const BenchOpt[]){{"--iters", BENCH_OPT_INT, &iters},
                           {"--dir", BENCH_OPT_STR, &dir},
                           {"--qtest", BENCH_OPT_FLAG, &with_qtest},
                           {NULL}});
    if (iters < 1 || iters > MAX_ITERS) {
        bench_die("--iters must be 1..%d", MAX_ITERS);
    }
    snprintf(qmp_path, sizeof(qmp_path), "%s/spawn-%d.qmp", dir, (int)getpid());
    snprintf(qtest_path, sizeof(qtest_path), "%s/spawn-%d.qtest", dir,
             (int)getpid());

    for (int it = 0; it < iters; it++) {
        static BenchReader r;
        BenchArgv a;
        int lfd = bench_listen(qmp_path), qlfd = -1, qfd = -1, fd, status;
        uint64_t t0, t1, t2, t3, tp0, tp1;
        long rss_kib, hwm_kib;
        pid_t pid;

        bench_argv_init(&a, argc - i, argv + i);
        if (with_qtest) {
            qlfd = bench_listen(qtest_path);
            bench_argv_add_qtest(&a, qtest_path);
        }
        bench_argv_add_qmp(&a, qmp_path, 0);

        t0 = bench_now_ns();
        pid = bench_spawn(&a);
        fd = bench_accept(lfd, 10000, "QMP");
        bench_reader_init(&r, fd);
        if (!bench_read_line(&r, 10000)) {
            bench_die("no QMP greeting");
        }
        t1 = bench_now_ns();
        if (with_qtest) {
            qfd = bench_accept(qlfd, 10000, "qtest");
        }
        /* The greeting was consumed: negotiate by hand. */
        bench_write_all(fd, caps, sizeof(caps) - 1);
        for (;;) {
            char *line = bench_read_line(&r, 10000);
            if (!line) {
                bench_die("no reply to qmp_capabilities");
            }
            if (strstr(line, "\"return\"")) {
                break;
            }
        }
        t2 = bench_now_ns();
        tp0 = bench_now_ns();
        bench_proc_mem(pid, &rss_kib, &hwm_kib);
        tp1 = bench_now_ns();
        bench_write_all(fd, quit, sizeof(quit) - 1);
        while (bench_read_line(&r, 10000)) {
            /* SHUTDOWN event, the return, then EOF */
        }
        status = bench_reap(pid, 10000);
        t3 = bench_now_ns();
        if (status != 0) {
            bench_die("the VMM exited with status %d after quit", status);
        }
        close(fd);
        close(lfd);
        if (with_qtest) {
            close(qfd);
            close(qlfd);
            unlink(qtest_path);
        }
        unlink(qmp_path);
        for (int k = 0; k < a.argc; k++) {
            free(a.argv[k]);
        }

        greet[it] = (double)(t1 - t0) / 1e6;
        nego[it] = (double)(t2 - t0) / 1e6;
        life[it] = (double)(t3 - t0 - (tp1 - tp0)) / 1e6;
        rss[it] = (double)rss_kib;
        hwm[it] = (double)hwm_kib;
    }
    /* bench_median() sorts: after it, [0] is the fastest. */
    {
        double g = bench_median(greet, iters), n = bench_median(nego, iters);
        double l = bench_median(life, iters), r = bench_median(rss, iters);
        double h = bench_median(hwm, iters);

        printf("{\"greeting_ms\": %.3f, \"negotiated_ms\": %.3f, "
               "\"lifecycle_ms\": %.3f, \"rss_kib\": %.0f, "
               "\"hwm_kib\": %.0f, \"greeting_min_ms\": %.3f, "
               "\"lifecycle_min_ms\": %.3f, \"iters\": %d}\n",
               g, n, l, r, h, greet[0], life[0], iters);
    }
    return 0;
}
