/*
 * qtest round trips per second, synchronous and pipelined.
 *
 *   qtest-rtt [--count N] [--window W] [--dir DIR] -- VMM ARGS...
 *
 * Listens on a unix socket, spawns the VMM with "-qtest unix:PATH
 * -qtest-log /dev/null" appended (the VMM connects, as under libqtest),
 * then sends "outb 0x505 0" and "inb 0x505" alternately:
 *   sync_rps  one command at a time, each reply read before the next
 *   pipe_rps  W commands in flight (refilled as replies arrive)
 * Every reply must start with "OK".  bench/ok-server stands in for the
 * VMM to measure what the socket itself allows.  The VMM is stopped with
 * SIGTERM afterwards, as libqtest does.
 */
#include "bench-util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char cmd_out[] = "outb 0x505 0\n";
static const char cmd_in[] = "inb 0x505\n";

static char rbuf[1 << 16];

/* Read until @want reply lines have arrived; checks each starts "OK". */
static void read_replies(int fd, long want, int *at_line_start)
{
    while (want > 0) {
        ssize_t n = read(fd, rbuf, sizeof(rbuf));

        if (n <= 0) {
            bench_die("qtest socket: %s", n < 0 ? strerror(errno) : "EOF");
        }
        for (ssize_t k = 0; k < n; k++) {
            if (*at_line_start && rbuf[k] != 'O') {
                bench_die("unexpected qtest reply byte '%c'", rbuf[k]);
            }
            *at_line_start = rbuf[k] == '\n';
            want -= rbuf[k] == '\n';
        }
        if (want < 0) {
            bench_die("more replies than commands");
        }
    }
}

static double run_sync(int fd, long count)
{
    int line_start = 1;
    uint64_t t0 = bench_now_ns();

    for (long i = 0; i < count; i++) {
        if (i & 1) {
            bench_write_all(fd, cmd_in, sizeof(cmd_in) - 1);
        } else {
            bench_write_all(fd, cmd_out, sizeof(cmd_out) - 1);
        }
        read_replies(fd, 1, &line_start);
    }
    return (double)count * 1e9 / (double)(bench_now_ns() - t0);
}

static double run_pipelined(int fd, long count, int window)
{
    static char wbuf[1 << 16];
    long sent = 0, done = 0;
    int line_start = 1;
    uint64_t t0 = bench_now_ns();

    while (done < count) {
        size_t len = 0;

        while (sent < count && sent - done < window) {
            const char *c = (sent & 1) ? cmd_in : cmd_out;
            size_t l = (sent & 1) ? sizeof(cmd_in) - 1 : sizeof(cmd_out) - 1;

            memcpy(wbuf + len, c, l);
            len += l;
            sent++;
        }
        if (len) {
            bench_write_all(fd, wbuf, len);
        }
        /* Take whatever replies are there (at least one). */
        {
            ssize_t n = read(fd, rbuf, sizeof(rbuf));

            if (n <= 0) {
                bench_die("qtest socket: %s", n < 0 ? strerror(errno) : "EOF");
            }
            for (ssize_t k = 0; k < n; k++) {
                if (line_start && rbuf[k] != 'O') {
                    bench_die("unexpected qtest reply byte '%c'", rbuf[k]);
                }
                line_start = rbuf[k] == '\n';
                done += rbuf[k] == '\n';
            }
        }
    }
    return (double)count * 1e9 / (double)(bench_now_ns() - t0);
}

int main(int argc, char **argv)
{
    const char *dir = "/tmp";
    long count = 200000;
    int window = 64, i, fd, lfd, status;
    char path[400];
    struct timeval tv = {.tv_sec = 30};
    double sync_rps, pipe_rps;
    BenchArgv a;
    pid_t pid;

    i = bench_parse_options(
        "qtest-rtt", argc, argv,
        (const BenchOpt[]){{"--count", BENCH_OPT_LONG, &count},
                           {"--window", BENCH_OPT_INT, &window},
                           {"--dir", BENCH_OPT_STR, &dir},
                           {NULL}});
    if (count < 2 || window < 1 || window > 1000) {
        bench_die("qtest-rtt: bad --count or --window");
    }
    snprintf(path, sizeof(path), "%s/rtt-%d.qtest", dir, (int)getpid());
    lfd = bench_listen(path);
    bench_argv_init(&a, argc - i, argv + i);
    bench_argv_add_qtest(&a, path);
    pid = bench_spawn(&a);
    fd = bench_accept(lfd, 10000, "qtest");
    unlink(path);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

    run_sync(fd, 2000); /* warm-up: page faults, caches, the first reply */
    sync_rps = run_sync(fd, count);
    pipe_rps = run_pipelined(fd, count, window);

    kill(pid, SIGTERM);
    close(fd);
    close(lfd);
    status = bench_reap(pid, 10000);
    printf("{\"sync_rps\": %.0f, \"pipe_rps\": %.0f, \"count\": %ld, "
           "\"window\": %d, \"exit_status\": %d}\n",
           sync_rps, pipe_rps, count, window, status);
    return 0;
}
