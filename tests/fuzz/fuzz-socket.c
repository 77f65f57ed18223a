/*
 * The protocol fuzzers' socket client (see fuzz-socket.h).
 */
#include "fuzz-socket.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <linux/sockios.h>
#include <unistd.h>

#include "../../chardev/chardev-internal.h"
#include "fuzz-machine.h"
#include "monitor/monitor.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"

/*
 * Loop turns in a row in which nothing at all happens (no byte written
 * or read, no bottom half) while input remains unread or a reply is
 * missing: Vigil is stuck with a live client, a finding.
 */
#define IDLE_TURNS_MAX 10000
/* Turns allowed for the accept / the hang-up to reach the frontend. */
#define CONNECT_TURNS_MAX 1000

/* Set by the run-state hook when the real process would now exit. */
static bool exit_wanted;

/*
 * FUZZ_SOCKET_VERBOSE=1 prints every line received and, per input, how
 * far the flow control went (for checking the harness, not for runs).
 */
static bool verbose;

typedef struct Stats {
    size_t turns, lines, rx_bytes, short_sends, outq_max, paused_turns;
} Stats;

static Stats stats;

static void die(const char *what)
{
    fprintf(stderr, "fuzz socket: %s (errno %d)\n", what, errno);
    abort();
}

/* What main() wires into the main loop (system/main.c), fuzz-style. */
static void hook_flush_events(void *opaque)
{
    monitor_flush_event_queue();
}

static void hook_process_requests(void *opaque)
{
    if (fuzz_machine_poll()) {
        exit_wanted = true;
    }
}

static bool hook_requests_pending(void *opaque)
{
    return runstate_has_pending_requests();
}

static const MainLoopHook fuzz_hooks[] = {
    {.run = hook_flush_events, .between_reads = true},
    {.run = hook_process_requests, .pending = hook_requests_pending},
};

static socklen_t fuzz_addr(const FuzzSocket *fs, struct sockaddr_un *sa)
{
    size_t n = strlen(fs->name);

    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path + 1, fs->name, n); /* abstract: sun_path[0] = 0 */
    return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static void set_bufs(int fd)
{
    int sz = FUZZ_SOCK_BUF;

    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) < 0) {
        die("setsockopt");
    }
}

Chardev *fuzz_socket_init(FuzzSocket *fs, const char *id, const char *eol,
                          FuzzLineCheck *check)
{
    static bool loop_ready;
    g_autoptr(GError) err = NULL;
    g_autofree char *opts = NULL;
    struct sockaddr_un sa;
    socklen_t len;

    if (!loop_ready) {
        if (!main_loop_init(&err)) {
            die(err->message);
        }
        for (size_t i = 0; i < G_N_ELEMENTS(fuzz_hooks); i++) {
            main_loop_add_hook(&fuzz_hooks[i], NULL);
        }
        loop_ready = true;
        verbose = g_getenv("FUZZ_SOCKET_VERBOSE") != NULL;
    }
    memset(fs, 0, sizeof(*fs));
    fs->eol = eol;
    fs->check = check;
    fs->rx = g_string_new(NULL);
    g_snprintf(fs->name, sizeof(fs->name), "vigil-fuzz-%s-%d", id,
               (int)getpid());
    fs->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    len = fuzz_addr(fs, &sa);
    if (fs->listen_fd < 0 || bind(fs->listen_fd, (void *)&sa, len) < 0 ||
        listen(fs->listen_fd, 1) < 0) {
        die("listening socket");
    }
    /* What libvirt does: Vigil adopts a listening socket it inherited. */
    opts = g_strdup_printf("socket,id=%s,fd=%d,server=on,wait=off", id,
                           fs->listen_fd);
    fs->chr = qemu_chr_parse_opts(opts, &err);
    if (!fs->chr) {
        die(err->message);
    }
    return fs->chr;
}

void fuzz_socket_open(FuzzSocket *fs)
{
    g_autoptr(GError) err = NULL;

    if (!qemu_chr_open_all(&err)) {
        die(err->message);
    }
}

/*
 * Take up to @max bytes of replies and check every complete line.
 * Returns the number of bytes read; *@eof is set when Vigil closed the
 * connection (a monitor drops a client over its output cap).
 */
static size_t receive(FuzzSocket *fs, int fd, size_t max, bool *eof)
{
    char buf[65536];
    ssize_t r = recv(fd, buf, MIN(max, sizeof(buf)), MSG_DONTWAIT);
    size_t eol_len = strlen(fs->eol);
    const char *p, *end, *hit;
    size_t scan;

    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
        *eof = true;
        return 0;
    }
    if (r < 0) {
        return 0;
    }
    /* Only the new bytes (and an eol split by the last read) are new. */
    scan = fs->rx->len >= eol_len - 1 ? fs->rx->len - (eol_len - 1) : 0;
    g_string_append_len(fs->rx, buf, r);
    p = fs->rx->str;
    end = p + fs->rx->len;
    stats.rx_bytes += r;
    while ((hit = memmem(p + scan, end - p - scan, fs->eol, eol_len))) {
        scan = 0;
        if (verbose) {
            fprintf(stderr, "< %.*s\n", (int)MIN(hit - p, 200), p);
        }
        stats.lines++;
        fs->check(p, hit - p);
        p = hit + eol_len;
    }
    g_string_erase(fs->rx, 0, p - fs->rx->str);
    return r;
}

/* Vigil has read all we sent and we have read all it queued. */
static bool quiescent(FuzzSocket *fs, int fd)
{
    int unread = 0;

    if (ioctl(fd, SIOCOUTQ, &unread) < 0) {
        die("SIOCOUTQ");
    }
    return unread == 0 && qemu_chr_outq_len(fs->chr) == 0;
}

static void wait_for(FuzzSocket *fs, bool connected)
{
    Chardev *chr = fs->chr;

    for (int i = 0; chr->connected != connected || chr->pending_opened ||
                    chr->pending_close;
         i++) {
        if (i == CONNECT_TURNS_MAX) {
            die(connected ? "Vigil does not accept the client"
                          : "Vigil does not see the client hang up");
        }
        main_loop_poll_once(0);
    }
}

void fuzz_socket_run(FuzzSocket *fs, const uint8_t *data, size_t size,
                     size_t piece)
{
    struct sockaddr_un sa;
    socklen_t len = fuzz_addr(fs, &sa);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    size_t off = 0;
    bool eof = false;
    int idle = 0;

    exit_wanted = false;
    memset(&stats, 0, sizeof(stats));
    g_string_truncate(fs->rx, 0);
    if (fd < 0) {
        die("socket");
    }
    set_bufs(fd);
    if (connect(fd, (void *)&sa, len) < 0) {
        die("connect");
    }
    wait_for(fs, true);
    /* Small on Vigil's side too, so its writes are partial. */
    set_bufs(fs->chr->out_fd);

    while (!exit_wanted && !eof) {
        bool progress = false;

        if (off < size) {
            ssize_t w = send(fd, data + off, MIN(piece, size - off),
                             MSG_DONTWAIT | MSG_NOSIGNAL);

            if (w > 0) {
                stats.short_sends += (size_t)w < MIN(piece, size - off);
                off += w;
                progress = true;
            } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                break; /* Vigil dropped us while we were writing */
            }
        }
        if (main_loop_poll_once(0)) {
            progress = true;
        }
        stats.turns++;
        stats.outq_max = MAX(stats.outq_max, qemu_chr_outq_len(fs->chr));
        stats.paused_turns += !fs->chr->accept_input;
        /* Slowly while input remains, so Vigil's queue builds up. */
        if (receive(fs, fd, off < size ? FUZZ_SOCK_READ_SLICE : SIZE_MAX,
                    &eof)) {
            progress = true;
        }
        if (progress) {
            idle = 0;
        } else if (off == size && quiescent(fs, fd)) {
            /* Everything answered: no reply may be left half-written. */
            if (fs->rx->len) {
                die("reply without its line end");
            }
            break;
        } else if (++idle == IDLE_TURNS_MAX) {
            die("Vigil stopped serving a client that reads");
        }
    }
    if (exit_wanted) {
        /* As at exit: what was already written still arrives. */
        while (receive(fs, fd, SIZE_MAX, &eof)) {
        }
    }
    close(fd);
    wait_for(fs, false);
    if (verbose) {
        fprintf(stderr,
                "fuzz socket: %zu bytes in (%zu short sends), %zu lines / "
                "%zu bytes out, %zu turns, output queue up to %zu bytes, "
                "input paused for %zu turns%s\n",
                size, stats.short_sends, stats.lines, stats.rx_bytes,
                stats.turns, stats.outq_max, stats.paused_turns,
                exit_wanted ? ", exit"
                : eof       ? ", dropped by Vigil"
                            : "");
    }
}
