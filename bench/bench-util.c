/*
 * Shared plumbing for the bench/ helpers: sockets, spawning, line
 * reading, QMP negotiation, /proc sampling.  See bench-util.h.
 */
#define _GNU_SOURCE
#include "bench-util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

void bench_die(const char *fmt, ...)
{
    va_list ap;

    fputs("bench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fill_addr(struct sockaddr_un *sa, const char *path)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path)) {
        bench_die("socket path too long: %s", path);
    }
    strcpy(sa->sun_path, path);
}

int bench_listen(const char *path)
{
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        bench_die("socket: %s", strerror(errno));
    }
    fill_addr(&sa, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(fd, 64) < 0) {
        bench_die("listen %s: %s", path, strerror(errno));
    }
    return fd;
}

int bench_accept(int lfd, int timeout_ms, const char *what)
{
    struct pollfd p = {.fd = lfd, .events = POLLIN};
    int fd;

    if (poll(&p, 1, timeout_ms) <= 0) {
        bench_die("the VMM did not connect to the %s socket", what);
    }
    fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        bench_die("accept %s: %s", what, strerror(errno));
    }
    return fd;
}

int bench_connect(const char *path, int timeout_ms)
{
    struct sockaddr_un sa;
    uint64_t deadline = bench_now_ns() + (uint64_t)timeout_ms * 1000000ull;

    fill_addr(&sa, path);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (fd < 0) {
            bench_die("socket: %s", strerror(errno));
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return fd;
        }
        close(fd);
        if (bench_now_ns() > deadline) {
            bench_die("connect %s: %s", path, strerror(errno));
        }
        usleep(1000);
    }
}

void bench_argv_init(BenchArgv *a, int argc, char **argv)
{
    a->argc = 0;
    for (int i = 0; i < argc; i++) {
        bench_argv_add(a, argv[i]);
    }
}

void bench_argv_add(BenchArgv *a, const char *arg)
{
    if (a->argc >= BENCH_MAX_ARGS - 1) {
        bench_die("too many VMM arguments");
    }
    a->argv[a->argc++] = strdup(arg);
    a->argv[a->argc] = NULL;
}

void bench_argv_add_qtest(BenchArgv *a, const char *path)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "unix:%s", path);
    bench_argv_add(a, "-qtest");
    bench_argv_add(a, buf);
    bench_argv_add(a, "-qtest-log");
    bench_argv_add(a, "/dev/null");
}

void bench_argv_add_qmp(BenchArgv *a, const char *path, int index)
{
    char buf[600];

    snprintf(buf, sizeof(buf), "socket,path=%s,id=bench%d", path, index);
    bench_argv_add(a, "-chardev");
    bench_argv_add(a, buf);
    snprintf(buf, sizeof(buf), "chardev=bench%d,mode=control", index);
    bench_argv_add(a, "-mon");
    bench_argv_add(a, buf);
}

pid_t bench_spawn(BenchArgv *a)
{
    posix_spawn_file_actions_t fa;
    pid_t pid;
    int rc;

    if (a->argc == 0) {
        bench_die("no VMM command given (after --)");
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    rc = posix_spawnp(&pid, a->argv[0], &fa, NULL, a->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        bench_die("spawn %s: %s", a->argv[0], strerror(rc));
    }
    return pid;
}

int bench_reap(pid_t pid, int timeout_ms)
{
    uint64_t deadline = bench_now_ns() + (uint64_t)timeout_ms * 1000000ull;
    int status;

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        }
        if (r < 0) {
            return -1;
        }
        if (bench_now_ns() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(200);
    }
}

void bench_reader_init(BenchReader *r, int fd)
{
    r->fd = fd;
    r->start = r->end = 0;
}

char *bench_next_buffered_line(BenchReader *r)
{
    char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
    char *line;

    if (!nl) {
        return NULL;
    }
    line = r->buf + r->start;
    *nl = '\0';
    if (nl > line && nl[-1] == '\r') {
        nl[-1] = '\0';
    }
    r->start = (size_t)(nl + 1 - r->buf);
    return line;
}

ssize_t bench_reader_fill(BenchReader *r)
{
    ssize_t n;

    if (r->start == r->end) {
        r->start = r->end = 0;
    } else if (r->end == sizeof(r->buf)) {
        if (r->start == 0) {
            bench_die("line longer than %zu bytes", sizeof(r->buf));
        }
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    n = recv(r->fd, r->buf + r->end, sizeof(r->buf) - r->end, MSG_DONTWAIT);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return -1;
        }
        return 0; /* ECONNRESET and friends: treat as EOF */
    }
    r->end += (size_t)n;
    return n;
}

char *bench_read_line(BenchReader *r, int timeout_ms)
{
    uint64_t deadline = bench_now_ns() + (uint64_t)timeout_ms * 1000000ull;

    for (;;) {
        char *line = bench_next_buffered_line(r);
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        int64_t left;
        ssize_t n;

        if (line) {
            return line;
        }
        n = bench_reader_fill(r);
        if (n == 0) {
            return NULL;
        }
        if (n > 0) {
            continue;
        }
        left = (int64_t)(deadline - bench_now_ns()) / 1000000;
        if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
            return NULL;
        }
    }
}

void bench_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                struct pollfd pf = {.fd = fd, .events = POLLOUT};
                poll(&pf, 1, 1000);
                continue;
            }
            bench_die("write: %s", strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
}

void bench_qmp_negotiate(BenchReader *r, int timeout_ms)
{
    static const char caps[] = "{\"execute\": \"qmp_capabilities\"}\n";
    char *line = bench_read_line(r, timeout_ms);

    if (!line || !strstr(line, "\"QMP\"")) {
        bench_die("no QMP greeting");
    }
    bench_write_all(r->fd, caps, sizeof(caps) - 1);
    for (;;) {
        line = bench_read_line(r, timeout_ms);
        if (!line) {
            bench_die("no reply to qmp_capabilities");
        }
        if (strstr(line, "\"return\"")) {
            return;
        }
        if (strstr(line, "\"error\"")) {
            bench_die("qmp_capabilities failed: %s", line);
        }
    }
}

void bench_proc_mem(pid_t pid, long *rss_kib, long *hwm_kib)
{
    char path[64], line[256];
    FILE *f;

    *rss_kib = *hwm_kib = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f) {
        bench_die("%s: %s", path, strerror(errno));
    }
    while (fgets(line, sizeof(line), f)) {
        if (!strncmp(line, "VmRSS:", 6)) {
            *rss_kib = strtol(line + 6, NULL, 10);
        } else if (!strncmp(line, "VmHWM:", 6)) {
            *hwm_kib = strtol(line + 6, NULL, 10);
        }
    }
    fclose(f);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
    if (n == 0) {
        return 0;
    }
    qsort(v, n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int bench_parse_options(const char *prog, int argc, char **argv,
                        const BenchOpt *opts)
{
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        const BenchOpt *o = opts;

        while (o->name && strcmp(o->name, argv[i])) {
            o++;
        }
        if (!o->name) {
            bench_die("%s: unknown option %s", prog, argv[i]);
        }
        if (o->kind == BENCH_OPT_FLAG) {
            *(bool *)o->dst = true;
            continue;
        }
        if (i + 1 >= argc) {
            bench_die("%s: %s needs a value", prog, argv[i]);
        }
        i++;
        switch (o->kind) {
        case BENCH_OPT_INT:
            *(int *)o->dst = atoi(argv[i]);
            break;
        case BENCH_OPT_LONG:
            *(long *)o->dst = atol(argv[i]);
            break;
        case BENCH_OPT_STR:
            *(const char **)o->dst = argv[i];
            break;
        case BENCH_OPT_FLAG:
            break;
        }
    }
    return i < argc ? i + 1 : i;
}
