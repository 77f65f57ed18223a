/*
 * Chardev byte I/O: non-blocking reads delivered to the frontend, and an
 * output queue drained by a main-loop fd watch.  Writes never block.
 */
#include "chardev-internal.h"
#include "qemu/fdset.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#define READ_CHUNK 65536
/* Extra reads per wake-up before the main loop polls again. */
#define CHR_READ_AGAIN_MAX 16
/* Give memory back after a burst drained completely. */
#define OUTQ_KEEP (256 * 1024)
/* fds accepted with one read; the kernel closes any beyond (MSG_CTRUNC). */
#define CHR_MAX_MSGFDS 16

static void chr_update_in_watch(Chardev *chr);
static void chr_read_cb(void *opaque);
static void chr_write_cb(void *opaque);

/* Set the main loop's handlers for in_fd/out_fd from the watch flags. */
static void chr_update_fd_handlers(Chardev *chr)
{
    IOHandler *rd = chr->in_watched ? chr_read_cb : NULL;
    IOHandler *wr = chr->out_watched ? chr_write_cb : NULL;

    if (chr->in_fd >= 0 && chr->in_fd == chr->out_fd) {
        qemu_set_fd_handler(chr->in_fd, rd, wr, chr);
        return;
    }
    if (chr->in_fd >= 0) {
        qemu_set_fd_handler(chr->in_fd, rd, NULL, chr);
    }
    if (chr->out_fd >= 0) {
        qemu_set_fd_handler(chr->out_fd, NULL, wr, chr);
    }
}

static void chr_set_out_watch(Chardev *chr, bool on)
{
    if (chr->out_watched != on) {
        chr->out_watched = on;
        chr_update_fd_handlers(chr);
    }
}

void chr_set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0) {
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
}

static void chr_idle_cb(void *opaque)
{
    Chardev *chr = opaque;

    if (chr->pending_close) {
        chr->pending_close = false;
        chr_detach(chr, true);
    }
    if (chr->pending_opened) {
        chr->pending_opened = false;
        if (chr->connected && chr->h && chr->h->event) {
            chr->h->event(chr->opaque, CHR_EVENT_OPENED);
        }
        chr_update_in_watch(chr);
    }
}

static void chr_schedule_idle(Chardev *chr)
{
    if (!chr->idle_bh) {
        chr->idle_bh = qemu_bh_new(chr_idle_cb, chr);
    }
    qemu_bh_schedule(chr->idle_bh);
}

static void chr_close_msgfds(Chardev *chr)
{
    for (guint i = 0; chr->msgfds && i < chr->msgfds->len; i++) {
        close(g_array_index(chr->msgfds, int, i));
    }
    if (chr->msgfds) {
        g_array_set_size(chr->msgfds, 0);
    }
}

/*
 * read(), or on a socket whose frontend takes descriptors recvmsg()
 * collecting SCM_RIGHTS descriptors into chr->msgfds (close-on-exec from
 * the start).
 */
static ssize_t chr_recv(Chardev *chr, int fd, uint8_t *buf, size_t len)
{
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int) * CHR_MAX_MSGFDS)];
    } control;
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control.buf,
        .msg_controllen = sizeof(control.buf),
    };
    ssize_t n;

    if (!chr->is_socket || !chr->h || !chr->h->takes_fds) {
        return read(fd, buf, len);
    }
    n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0) {
        return n;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        size_t nfds;

        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        if (!chr->msgfds) {
            chr->msgfds = g_array_new(false, false, sizeof(int));
        }
        for (size_t i = 0; i < nfds; i++) {
            int rfd;

            memcpy(&rfd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            g_array_append_val(chr->msgfds, rfd);
        }
    }
    return n;
}

/* Hand @buf (and its fds) to the frontend; close the fds it left. */
static void chr_deliver(Chardev *chr, const uint8_t *buf, size_t len)
{
    if (chr->h && chr->h->read) {
        chr->h->read(chr->opaque, buf, len);
    }
    chr_close_msgfds(chr);
}

int qemu_chr_fe_take_msgfd(Chardev *chr)
{
    int fd;

    if (!chr->msgfds || chr->msgfds->len == 0) {
        return -1;
    }
    fd = g_array_index(chr->msgfds, int, 0);
    g_array_remove_index(chr->msgfds, 0);
    return fd;
}

static void chr_read_cb(void *opaque)
{
    Chardev *chr = opaque;
    int fd = chr->in_fd;
    unsigned me = chr->in_gen;
    uint8_t buf[READ_CHUNK];
    ssize_t n;

    n = chr_recv(chr, fd, buf, sizeof(buf));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        chr_close_msgfds(chr);
        if (chr->kind == CHARDEV_STDIO) {
            /*
             * End of input is not the end of the conversation: replies
             * to what was read still go out on stdout, as with QEMU.
             */
            chr->in_watched = false;
            chr->in_gen++;
            chr_update_fd_handlers(chr);
            chr->in_fd = -1;
            return;
        }
        chr_detach(chr, true);
        return;
    }
    chr_deliver(chr, buf, n);
    /*
     * Read again before going back to poll(): a client that waited for
     * the reply we just sent has often written its next request by now
     * (on one CPU the send itself switches to it), and a pipelining one
     * has more queued.  That saves a poll() and a main-loop iteration per
     * request.  Bounded, so other sources wait at most a few chunks, and
     * only while the main loop has nothing else to do: it flushes queued
     * events first, and stops for a pending request (shutdown, reset)
     * or a due timer, so the order of replies, events and state changes
     * is the one a full iteration gives.  The frontend may have dropped
     * the peer or paused input meanwhile: then in_gen changed.
     */
    for (int again = 0; again < CHR_READ_AGAIN_MAX; again++) {
        if (chr->in_gen != me || !main_loop_io_may_continue()) {
            break;
        }
        n = chr_recv(chr, fd, buf, sizeof(buf));
        if (n <= 0) {
            chr_close_msgfds(chr);
            break; /* EAGAIN, or EOF/error that the watch reports next */
        }
        chr_deliver(chr, buf, n);
    }
}

static void chr_update_in_watch(Chardev *chr)
{
    /* No input before the frontend has seen OPENED: it would drop it. */
    bool want = chr->connected && chr->in_fd >= 0 && chr->accept_input &&
                !chr->pending_close && !chr->pending_opened;

    if (want != chr->in_watched) {
        chr->in_watched = want;
        if (!want) {
            chr->in_gen++;
        }
        chr_update_fd_handlers(chr);
    }
}

/* Empty the queue; give back a large buffer a burst left behind. */
static void outq_reset(Chardev *chr)
{
    chr->outq_off = 0;
    if (chr->outq->allocated_len > OUTQ_KEEP) {
        g_string_free(chr->outq, TRUE);
        chr->outq = g_string_new(NULL);
    } else {
        g_string_truncate(chr->outq, 0);
    }
}

static void outq_consume(Chardev *chr, size_t n)
{
    chr->consumed += n;
    chr->outq_off += n;
    if (chr->outq_off == chr->outq->len) {
        outq_reset(chr);
    } else if (chr->outq_off > OUTQ_KEEP &&
               chr->outq_off * 2 > chr->outq->len) {
        g_string_erase(chr->outq, 0, chr->outq_off);
        chr->outq_off = 0;
    }
}

/* Write as much as the peer takes now.  False on a fatal error. */
static bool chr_try_write(Chardev *chr, const void *buf, size_t len,
                          size_t *done)
{
    *done = 0;
    while (*done < len) {
        ssize_t n;

        if (chr->is_socket) {
            n = send(chr->out_fd, (const char *)buf + *done, len - *done,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
        } else {
            n = write(chr->out_fd, (const char *)buf + *done, len - *done);
        }
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        *done += n;
    }
    return true;
}

static void chr_fail(Chardev *chr)
{
    /* Defer: we may be inside a frontend callback. */
    chr->pending_close = true;
    chr_update_in_watch(chr);
    chr_schedule_idle(chr);
}

static void chr_write_cb(void *opaque)
{
    Chardev *chr = opaque;
    size_t done;
    bool ok;

    ok = chr_try_write(chr, chr->outq->str + chr->outq_off,
                       chr->outq->len - chr->outq_off, &done);
    if (done) {
        chr->progress_us = g_get_monotonic_time();
    }
    outq_consume(chr, done);
    if (!ok) {
        chr_set_out_watch(chr, false);
        chr_fail(chr);
        return;
    }
    if (qemu_chr_outq_len(chr) == 0) {
        chr_set_out_watch(chr, false);
        if (chr->h && chr->h->drained) {
            chr->h->drained(chr->opaque);
        }
    }
}

/*
 * logfile=: QEMU logs what the backend accepted, which for a socket with
 * no peer and for null is everything; a regular file takes it at once.
 */
static void chr_write_log(Chardev *chr, const void *buf, size_t len)
{
    while (len) {
        ssize_t n = write(chr->log_fd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return; /* a full disk loses log bytes, never the guest's */
        }
        buf = (const char *)buf + n;
        len -= n;
    }
}

void qemu_chr_write(Chardev *chr, const void *buf, size_t len)
{
    size_t done = 0;

    if (chr->log_fd >= 0) {
        chr_write_log(chr, buf, len);
    }
    if (chr->kind == CHARDEV_RINGBUF) {
        qemu_chr_ringbuf_write(chr, buf, len);
        return;
    }

    if (!chr->connected || chr->pending_close || chr->out_fd < 0 || !len) {
        return;
    }
    if (qemu_chr_outq_len(chr) == 0) {
        /* Nothing queued: write directly, queue only the rest. */
        if (!chr_try_write(chr, buf, len, &done)) {
            chr_fail(chr);
            return;
        }
        if (done == len) {
            return;
        }
    }
    g_string_append_len(chr->outq, (const char *)buf + done, len - done);
    chr_set_out_watch(chr, true);
}

size_t qemu_chr_outq_len(Chardev *chr)
{
    return chr->outq->len - chr->outq_off;
}

bool qemu_chr_is_connected(Chardev *chr)
{
    return chr->connected && !chr->pending_close;
}

void chr_attach_fds(Chardev *chr, int in_fd, int out_fd, bool is_socket)
{
    chr->in_fd = in_fd;
    chr->out_fd = out_fd;
    chr->is_socket = is_socket;
    chr->connected = true;
    if (in_fd >= 0) {
        chr_set_nonblock(in_fd);
    }
    if (out_fd >= 0 && out_fd != in_fd) {
        chr_set_nonblock(out_fd);
    }
    if (chr->h) {
        chr->pending_opened = true;
        chr_schedule_idle(chr);
    }
    chr_update_in_watch(chr);
}

void chr_detach(Chardev *chr, bool notify)
{
    bool was = chr->connected;

    if (chr->in_watched || chr->out_watched) {
        chr->in_watched = chr->out_watched = false;
        chr->in_gen++;
        chr_update_fd_handlers(chr);
    }
    /* stdio's fds 0 and 1 stay open; everything else is ours. */
    if (chr->kind != CHARDEV_STDIO) {
        /* qemu_close(): a file may be a dup from an -add-fd set. */
        if (chr->in_fd >= 0) {
            qemu_close(chr->in_fd);
        }
        if (chr->out_fd >= 0 && chr->out_fd != chr->in_fd) {
            qemu_close(chr->out_fd);
        }
    }
    chr_close_msgfds(chr);
    chr->in_fd = chr->out_fd = -1;
    chr->connected = false;
    chr->pending_close = false;
    chr->pending_opened = false;
    outq_reset(chr);
    if (was && notify && chr->h && chr->h->event) {
        chr->h->event(chr->opaque, CHR_EVENT_CLOSED);
    }
    if (notify && chr->kind == CHARDEV_SOCKET && chr->server) {
        chr_socket_listen_watch(chr, true);
    }
}

bool qemu_chr_fe_init(Chardev *chr, const ChardevHandlers *h, void *opaque,
                      GError **errp)
{
    if (chr->h) {
        error_setg(errp, "Chardev '%s' is busy", chr->id);
        return false;
    }
    chr->h = h;
    chr->opaque = opaque;
    if (chr->connected) {
        chr->pending_opened = true;
        chr_schedule_idle(chr);
    }
    return true;
}

void qemu_chr_fe_accept_input(Chardev *chr, bool accept)
{
    chr->accept_input = accept;
    chr_update_in_watch(chr);
}

bool qemu_chr_disconnect(Chardev *chr)
{
    if (chr->kind != CHARDEV_SOCKET) {
        return false;
    }
    if (chr->connected) {
        chr_detach(chr, true);
    }
    return true;
}

/*
 * At exit: no more input and no new peers; write what is queued for as
 * long as each peer keeps taking bytes.  A peer that takes none for
 * @stall_ms is dropped (its output lost, a warning printed), so a client
 * that stopped reading cannot keep the process alive, while a slow one
 * gets everything.  Peers are served together, so the whole drain ends
 * at most @stall_ms after the last byte any of them took.  Only what is
 * queued now is owed: vCPUs still run meanwhile, and a guest that keeps
 * printing must not keep a reading peer, and so the process, alive.
 */
void qemu_chr_drain_all(int stall_ms)
{
    GPtrArray *all = chr_all();
    gint64 now = g_get_monotonic_time();

    for (guint i = 0; all && i < all->len; i++) {
        Chardev *chr = g_ptr_array_index(all, i);

        chr_socket_listen_watch(chr, false);
        chr->accept_input = false;
        chr_update_in_watch(chr);
        chr->progress_us = now;
        chr->drain_target = chr->consumed + qemu_chr_outq_len(chr);
    }
    for (;;) {
        gint64 wait_ms = -1;

        now = g_get_monotonic_time();
        for (guint i = 0; all && i < all->len; i++) {
            Chardev *chr = g_ptr_array_index(all, i);
            gint64 left;

            if (!chr->connected || chr->pending_close ||
                !qemu_chr_outq_len(chr) || chr->consumed >= chr->drain_target) {
                continue;
            }
            left = chr->progress_us + (gint64)stall_ms * 1000 - now;
            if (left <= 0) {
                warn_report("chardev '%s': the peer took no output for %d "
                            "ms, %zu bytes dropped at exit",
                            chr->id, stall_ms, qemu_chr_outq_len(chr));
                chr_detach(chr, false);
                continue;
            }
            left = left / 1000 + 1;
            if (wait_ms < 0 || left < wait_ms) {
                wait_ms = left;
            }
        }
        if (wait_ms < 0) {
            return;
        }
        main_loop_wait_io((int)MIN(wait_ms, G_MAXINT));
    }
}
