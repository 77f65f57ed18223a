/*
 * The qtest accelerator and the qtest protocol server.
 *
 * The accelerator has no vCPUs: the guest is whoever writes to the
 * -qtest socket, and virtual time moves only when that client says so.
 *
 * The server is on the hot path of every qtest benchmark, so a read()
 * from the socket is handled without allocating: lines are cut in place
 * out of the chardev's buffer (only a line split across reads is
 * copied), words are (pointer, length) slices, and all replies produced
 * by one read() go out in a single write.  Logging costs nothing unless
 * a real log file is in use.
 */
#include "qemu/common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qtest-internal.h"
#include "qemu/fdset.h"
#include "qemu/timer.h"
#include "system/accel.h"
#include "system/qtest.h"

typedef struct QTestServer {
    Chardev *chr;
    GString *inbuf;  /* the start of a line split across reads */
    GString *out;    /* replies to the commands of one read() */
    GString *held;   /* whole lines not yet read while the client lags */
    FILE *log;       /* NULL: no log */
    bool log_owned;  /* fclose() it at cleanup (not stderr) */
    GTimer *timer;   /* log time base, restarted at each OPENED */
    bool discarding; /* skipping the rest of an over-long line */
} QTestServer;

static QTestServer server;
static bool qtest_accel_active;
static bool in_read; /* inside qtest_chr_read(): replies are gathered */

/* Reply buffers above this size are released after use. */
#define QTEST_OUT_KEEP (256u * 1024)
/* Unread replies above which we stop reading commands. */
#define QTEST_OUTQ_MAX (1u * 1024 * 1024)

bool qtest_enabled(void)
{
    return qtest_accel_active || current_accel == &accel_qtest_ops;
}

static double log_time(void)
{
    return server.timer ? g_timer_elapsed(server.timer, NULL) : 0.0;
}

static void process_line(const char *line, size_t len)
{
    QTestWord w[QTEST_MAX_WORDS];
    const char *p = line;
    const char *end = line + len;
    size_t reply_start = server.out->len;
    unsigned nw = 0;

    /* Blank lines are ignored, as upstream QEMU does since 10.2. */
    if (len == 0) {
        return;
    }
    if (server.log) {
        fprintf(server.log, "[R +%f] %.*s\n", log_time(), (int)len, line);
    }

    /* Split on single spaces like QEMU: two spaces make an empty word. */
    for (;;) {
        const char *sp = memchr(p, ' ', end - p);
        const char *wend = sp ? sp : end;

        if (nw == QTEST_MAX_WORDS) {
            nw++; /* more words than any command takes */
            break;
        }
        w[nw].p = p;
        w[nw].len = wend - p;
        nw++;
        if (!sp) {
            break;
        }
        p = sp + 1;
    }
    qtest_dispatch(w, nw, server.out);

    if (server.log) {
        fprintf(server.log, "[S +%f] %.*s", log_time(),
                (int)(server.out->len - reply_start),
                server.out->str + reply_start);
    }
}

static void reply_too_long(void)
{
    g_string_append_printf(server.out, "FAIL line too long (limit %u bytes)\n",
                           QTEST_MAX_LINE);
}

/* Keep the start of a line that continues in the next read(). */
static void keep_partial(const char *p, size_t len)
{
    if (server.discarding) {
        return;
    }
    if (server.inbuf->len + len > QTEST_MAX_LINE) {
        server.discarding = true;
        g_string_truncate(server.inbuf, 0);
        return;
    }
    g_string_append_len(server.inbuf, p, len);
}

/* Hand the replies gathered so far to the chardev (one write). */
static void flush_replies(void)
{
    if (server.out->len) {
        qemu_chr_write(server.chr, server.out->str, server.out->len);
        if (server.out->allocated_len > QTEST_OUT_KEEP) {
            g_string_free(server.out, TRUE);
            server.out = g_string_sized_new(4096);
        } else {
            g_string_truncate(server.out, 0);
        }
    }
}

/*
 * True when the client has left too much unread.  A client that sends
 * without reading would otherwise make us queue replies without bound
 * (QEMU blocks in a synchronous write instead): we stop reading, keep
 * the unprocessed input, and go on once the chardev reports the queue
 * drained.
 */
static bool client_behind(void)
{
    if (server.out->len > QTEST_OUTQ_MAX) {
        flush_replies();
    }
    return qemu_chr_outq_len(server.chr) > QTEST_OUTQ_MAX;
}

static void qtest_input(const char *p, const char *end)
{
    const char *nl;

    /* Finish a line begun in an earlier read(). */
    if (server.inbuf->len || server.discarding) {
        nl = memchr(p, '\n', end - p);
        if (!nl) {
            keep_partial(p, end - p);
            return;
        }
        keep_partial(p, nl - p);
        if (server.discarding) {
            reply_too_long();
            server.discarding = false;
        } else {
            process_line(server.inbuf->str, server.inbuf->len);
        }
        g_string_truncate(server.inbuf, 0);
        p = nl + 1;
    }

    while (p < end) {
        if (client_behind()) {
            /* Whole lines only from here on: inbuf is empty. */
            g_string_append_len(server.held, p, end - p);
            qemu_chr_fe_accept_input(server.chr, false);
            return;
        }
        nl = memchr(p, '\n', end - p);
        if (!nl) {
            keep_partial(p, end - p);
            break;
        }
        if ((size_t)(nl - p) > QTEST_MAX_LINE) {
            reply_too_long();
        } else {
            process_line(p, nl - p);
        }
        p = nl + 1;
    }
}

void qtest_send_irq(unsigned n, int level)
{
    if (!server.chr || !server.out) {
        return;
    }
    g_string_append_printf(server.out, "IRQ %s %u\n", level ? "raise" : "lower",
                           n);
    if (server.log) {
        fprintf(server.log, "[I +%f] IRQ %s %u\n", log_time(),
                level ? "raise" : "lower", n);
    }
    if (!in_read) {
        flush_replies();
    }
}

static void qtest_chr_read(void *opaque, const uint8_t *buf, size_t len)
{
    in_read = true;
    qtest_input((const char *)buf, (const char *)buf + len);
    in_read = false;
    flush_replies();
    if (server.log) {
        fflush(server.log);
    }
}

static void qtest_chr_drained(void *opaque)
{
    g_autoptr(GString) held = NULL;

    if (!server.held->len) {
        qemu_chr_fe_accept_input(server.chr, true);
        return;
    }
    /* Take the held input out first: processing it may hold some again. */
    held = server.held;
    server.held = g_string_new(NULL);
    qemu_chr_fe_accept_input(server.chr, true);
    qtest_chr_read(NULL, (const uint8_t *)held->str, held->len);
}

static void qtest_chr_event(void *opaque, ChardevEvent event)
{
    switch (event) {
    case CHR_EVENT_OPENED:
        /* Line state was reset at CLOSED; nothing may be dropped here. */
        g_timer_start(server.timer);
        if (server.log) {
            fprintf(server.log, "[I %f] OPENED\n", log_time());
            fflush(server.log);
        }
        break;
    case CHR_EVENT_CLOSED:
        /*
         * QEMU keeps running when the qtest client goes away (tests end
         * it with SIGTERM or -run-with exit-with-parent=on), so do we.
         */
        g_string_truncate(server.inbuf, 0);
        g_string_truncate(server.held, 0);
        server.discarding = false;
        /* The next client starts unthrottled. */
        qemu_chr_fe_accept_input(server.chr, true);
        if (server.log) {
            fprintf(server.log, "[I +%f] CLOSED\n", log_time());
            fflush(server.log);
        }
        break;
    }
}

static const ChardevHandlers qtest_chr_handlers = {
    .read = qtest_chr_read,
    .event = qtest_chr_event,
    .drained = qtest_chr_drained,
};

static bool qtest_log_open(const char *log, GError **errp)
{
    if (!log) {
        server.log = stderr;
        return true;
    }
    /* /dev/null is what libqtest passes: skip the formatting entirely. */
    if (strcmp(log, "none") == 0 || strcmp(log, "/dev/null") == 0) {
        return true;
    }
    server.log = qemu_fopen_w(log);
    if (!server.log) {
        error_setg(errp, "Could not open qtest log file '%s': %s", log,
                   g_strerror(errno));
        return false;
    }
    server.log_owned = true;
    return true;
}

bool qtest_server_init(Chardev *chr, const char *log, GError **errp)
{
    if (server.chr) {
        error_setg(errp, "Only one instance of qtest can be created");
        return false;
    }
    if (!qtest_log_open(log, errp)) {
        return false;
    }
    server.inbuf = g_string_sized_new(256);
    server.held = g_string_new(NULL);
    server.out = g_string_sized_new(4096);
    server.timer = g_timer_new();
    server.chr = chr;
    if (!qemu_chr_fe_init(chr, &qtest_chr_handlers, &server, errp)) {
        qtest_cleanup();
        return false;
    }
    return true;
}

void qtest_cleanup(void)
{
    if (server.log_owned) {
        qemu_fclose(server.log);
    } else if (server.log) {
        fflush(server.log);
    }
    server.log = NULL;
    server.log_owned = false;
    if (server.inbuf) {
        g_string_free(server.inbuf, TRUE);
    }
    if (server.out) {
        g_string_free(server.out, TRUE);
    }
    if (server.held) {
        g_string_free(server.held, TRUE);
        server.held = NULL;
    }
    g_clear_pointer(&server.timer, g_timer_destroy);
    server.inbuf = NULL;
    server.out = NULL;
    server.chr = NULL;
    qtest_cmds_cleanup();
}

/* ---- the accelerator ---- */

static bool qtest_accel_available(GError **errp)
{
    return true;
}

static bool qtest_init_machine(MachineState *ms, GError **errp)
{
    qtest_accel_active = true;
    qemu_clock_set_manual(true);
    return true;
}

static bool qtest_setup_vcpus(MachineState *ms, GError **errp)
{
    return true; /* no vCPUs: the qtest client plays the guest */
}

static void qtest_vcpus_nop(void)
{
}

static void qtest_teardown(void)
{
    qtest_accel_active = false;
}

const AccelOps accel_qtest_ops = {
    .name = "qtest",
    .available = qtest_accel_available,
    .init_machine = qtest_init_machine,
    .setup_vcpus = qtest_setup_vcpus,
    .pause_vcpus = qtest_vcpus_nop,
    .resume_vcpus = qtest_vcpus_nop,
    .reset_vcpus = qtest_vcpus_nop,
    .teardown = qtest_teardown,
};
