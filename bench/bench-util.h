/*
 * Shared plumbing for the bench/ helper programs (plain C, no glib, built
 * by bench/run with `cc -O2`).
 *
 * The helpers start the VMM the way QEMU's libqtest does: the bench
 * process listens on unix sockets and the VMM connects to them as a
 * client (`-qtest unix:PATH`, `-chardev socket,path=PATH -mon ...`).  Every
 * helper prints its result as one JSON object on stdout; bench/run
 * collects them.  Any failure prints "bench: ..." on stderr and exits 1.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BENCH_MAX_ARGS 256

/* One helper option: "--NAME VALUE" into *dst, or a "--NAME" flag. */
typedef enum BenchOptKind {
    BENCH_OPT_INT,  /* int *dst */
    BENCH_OPT_LONG, /* long *dst */
    BENCH_OPT_STR,  /* const char **dst */
    BENCH_OPT_FLAG, /* bool *dst, set to true */
} BenchOptKind;

typedef struct BenchOpt {
    const char *name; /* with its dashes: "--count" */
    BenchOptKind kind;
    void *dst;
} BenchOpt;

/*
 * Parse @argv's options up to "--" with the table @opts (ended by a NULL
 * name); dies naming @prog on an unknown option or a missing value.
 * Returns the index of the first argument after "--" (the VMM's argv).
 */
int bench_parse_options(const char *prog, int argc, char **argv,
                        const BenchOpt *opts);

void bench_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t bench_now_ns(void);

/* A listening unix stream socket at @path (unlinked first). */
int bench_listen(const char *path);
/* accept() on @lfd within @timeout_ms, or die naming @what. */
int bench_accept(int lfd, int timeout_ms, const char *what);
/* Connect to the unix socket at @path, retrying for up to @timeout_ms. */
int bench_connect(const char *path, int timeout_ms);

/*
 * The VMM command line: the base arguments from our own argv (after
 * "--"), plus the socket options the helper appends.
 */
typedef struct BenchArgv {
    char *argv[BENCH_MAX_ARGS];
    int argc;
} BenchArgv;

void bench_argv_init(BenchArgv *a, int argc, char **argv);
void bench_argv_add(BenchArgv *a, const char *arg);
/* Append "-qtest unix:PATH -qtest-log /dev/null" (libqtest's layout). */
void bench_argv_add_qtest(BenchArgv *a, const char *path);
/* Append "-chardev socket,path=PATH,id=ID -mon chardev=ID,mode=control". */
void bench_argv_add_qmp(BenchArgv *a, const char *path, int index);

/* posix_spawnp @a (PATH is searched) with stdin and stdout on /dev/null,
 * stderr inherited. */
pid_t bench_spawn(BenchArgv *a);
/* Wait up to @timeout_ms for @pid to exit; kill it after that.  Returns
 * the exit status, or -1 if it had to be killed or died from a signal. */
int bench_reap(pid_t pid, int timeout_ms);

/* A buffered line reader on one file descriptor. */
typedef struct BenchReader {
    int fd;
    size_t start, end;
    char buf[1 << 16];
} BenchReader;

void bench_reader_init(BenchReader *r, int fd);
/*
 * The next line (without its "\n"/"\r\n", NUL-terminated, valid until
 * the next call), waiting at most @timeout_ms.  NULL on EOF or timeout.
 */
char *bench_read_line(BenchReader *r, int timeout_ms);
/* Read what is available without blocking; returns bytes read, 0 on EOF,
 * -1 if nothing was ready. */
ssize_t bench_reader_fill(BenchReader *r);
/* A complete line already in the buffer, or NULL (never reads). */
char *bench_next_buffered_line(BenchReader *r);

/* Write all of @buf or die. */
void bench_write_all(int fd, const void *buf, size_t len);

/* QMP: read the greeting, send qmp_capabilities, wait for its return. */
void bench_qmp_negotiate(BenchReader *r, int timeout_ms);

/* VmRSS/VmHWM of @pid in KiB (from /proc/PID/status). */
void bench_proc_mem(pid_t pid, long *rss_kib, long *hwm_kib);

/* qsort helpers for a sample array; the median of @n doubles. */
double bench_median(double *v, size_t n);

#endif /* BENCH_UTIL_H */
