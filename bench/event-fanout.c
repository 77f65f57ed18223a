/*
 * QMP event fan-out: events delivered per second to K clients while a
 * qtest client writes crash-loaded events as fast as it can.
 *
 *   event-fanout [--clients K] [--count M] [--window W] [--dir DIR]
 *                -- VMM ARGS...
 *
 * The VMM gets one qtest socket and K QMP monitors (each its own
 * "-chardev socket,path=... -mon chardev=...,mode=control", connecting to
 * sockets we listen on).  After all K clients negotiated, M "outb 0x505 2"
 * lines are written with up to W unanswered at a time, while every QMP
 * client is read and its GUEST_CRASHLOADED lines counted.  The clock runs
 * from the first write until every client has seen M events (or nothing
 * arrives for 5 s).  Prints events/s (M / elapsed), deliveries/s
 * (K * M / elapsed) and how many deliveries were lost.
 */
#include "bench-util.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CLIENTS 64

int main(int argc, char **argv)
{
    static BenchReader qmp[MAX_CLIENTS], qt;
    static char wbuf[1 << 16];
    static const char cmd[] = "outb 0x505 2\n";
    const char *dir = "/tmp";
    int clients = 1, window = 64, i, qlfd, status;
    int mlfd[MAX_CLIENTS];
    long count = 20000, got[MAX_CLIENTS] = {0}, sent = 0, acked = 0;
    long total = 0, lost;
    char qpath[400], mpath[MAX_CLIENTS][400];
    uint64_t t0, t_end, last_progress;
    BenchArgv a;
    pid_t pid;

    i = bench_parse_options(
        "event-fanout", argc, argv,
        (const BenchOpt[]){{"--clients", BENCH_OPT_INT, &clients},
                           {"--count", BENCH_OPT_LONG, &count},
                           {"--window", BENCH_OPT_INT, &window},
                           {"--dir", BENCH_OPT_STR, &dir},
                           {NULL}});
    if (clients < 1 || clients > MAX_CLIENTS || count < 1 || window < 1 ||
        window > 1000) {
        bench_die("event-fanout: bad --clients, --count or --window");
    }

    snprintf(qpath, sizeof(qpath), "%s/fan-%d.qtest", dir, (int)getpid());
    qlfd = bench_listen(qpath);
    bench_argv_init(&a, argc - i, argv + i);
    bench_argv_add_qtest(&a, qpath);
    for (int c = 0; c < clients; c++) {
        snprintf(mpath[c], sizeof(mpath[c]), "%s/fan-%d.qmp%d", dir,
                 (int)getpid(), c);
        mlfd[c] = bench_listen(mpath[c]);
        bench_argv_add_qmp(&a, mpath[c], c);
    }
    pid = bench_spawn(&a);
    bench_reader_init(&qt, bench_accept(qlfd, 10000, "qtest"));
    unlink(qpath);
    for (int c = 0; c < clients; c++) {
        bench_reader_init(&qmp[c], bench_accept(mlfd[c], 10000, "QMP"));
        unlink(mpath[c]);
    }
    for (int c = 0; c < clients; c++) {
        bench_qmp_negotiate(&qmp[c], 10000);
    }

    t0 = last_progress = t_end = bench_now_ns();
    for (;;) {
        struct pollfd p[MAX_CLIENTS + 1];
        size_t len = 0;
        bool all_done = true;

        while (sent < count && sent - acked < window) {
            memcpy(wbuf + len, cmd, sizeof(cmd) - 1);
            len += sizeof(cmd) - 1;
            sent++;
        }
        if (len) {
            bench_write_all(qt.fd, wbuf, len);
        }
        for (int c = 0; c < clients; c++) {
            all_done &= got[c] >= count;
        }
        if (all_done && acked >= count) {
            t_end = bench_now_ns();
            break;
        }
        p[0] = (struct pollfd){.fd = qt.fd, .events = POLLIN};
        for (int c = 0; c < clients; c++) {
            p[c + 1] = (struct pollfd){.fd = qmp[c].fd, .events = POLLIN};
        }
        if (poll(p, clients + 1, 100) == 0) {
            if (bench_now_ns() - last_progress > 5000000000ull) {
                break; /* lost events never come */
            }
            continue;
        }
        last_progress = bench_now_ns();
        t_end = last_progress;
        if (p[0].revents) {
            char *line;

            if (bench_reader_fill(&qt) == 0) {
                bench_die("the VMM closed the qtest socket");
            }
            while ((line = bench_next_buffered_line(&qt))) {
                if (strncmp(line, "OK", 2) != 0) {
                    bench_die("qtest replied '%s'", line);
                }
                acked++;
            }
        }
        for (int c = 0; c < clients; c++) {
            char *line;

            if (!p[c + 1].revents) {
                continue;
            }
            if (bench_reader_fill(&qmp[c]) == 0) {
                bench_die("the VMM closed QMP client %d", c);
            }
            while ((line = bench_next_buffered_line(&qmp[c]))) {
                got[c] += strstr(line, "\"GUEST_CRASHLOADED\"") != NULL;
            }
        }
    }

    kill(pid, SIGTERM);
    status = bench_reap(pid, 10000);
    for (int c = 0; c < clients; c++) {
        total += got[c];
    }
    lost = (long)clients * count - total;
    {
        double secs = (double)(t_end - t0) / 1e9;

        printf("{\"events_per_s\": %.0f, \"deliveries_per_s\": %.0f, "
               "\"lost\": %ld, \"clients\": %d, \"count\": %ld, "
               "\"acked\": %ld, \"exit_status\": %d}\n",
               (double)total / clients / secs, (double)total / secs, lost,
               clients, count, acked, status);
    }
    return 0;
}
