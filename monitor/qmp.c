/*
 * QMP monitors: a session per chardev, greeting on connect, the output
 * cap, and event fan-out.
 *
 * Each monitor serves one client at a time.  When the client goes away
 * its session is reset, so the next client starts from the greeting
 * with no trace of a half-sent line or an unfinished negotiation.
 * Output is never blocking: a client that lets MONITOR_OUTQ_MAX bytes
 * pile up unread is disconnected; a stdio or file monitor, which has no
 * client to disconnect, is muted instead (see docs/specs/qmp.rst).
 */
#include "monitor-internal.h"
#include "monitor/monitor.h"
#include "qemu/fdset.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "system/runstate.h"
#include "qobject/json-writer.h"

typedef struct MonitorQMP {
    Chardev *chr;
    QmpSession session;
    bool connected;
    /*
     * Over the cap on a chardev that cannot drop its peer: nothing more
     * is read from it or queued for it, until it reconnects (never, for
     * stdio and file).  What was queued before still goes out.
     */
    bool muted;
    QEMUBH *defer_bh;
} MonitorQMP;

static GPtrArray *monitors; /* MonitorQMP * */

static void monitor_output(void *opaque, const char *buf, size_t len)
{
    MonitorQMP *mon = opaque;

    if (!mon->connected || mon->muted) {
        return;
    }
    /*
     * Judge the client by what it left unread before this message, so a
     * single large reply (a huge echoed id) still reaches a client that
     * reads; the queue is then bounded by the cap plus one message.
     */
    size_t unread = qemu_chr_outq_len(mon->chr);

    if (unread > MONITOR_OUTQ_MAX) {
        if (qemu_chr_disconnect(mon->chr)) {
            qemu_log_mask(LOG_QMP,
                          "qmp: %s: client does not read (%zu bytes "
                          "queued), dropped\n",
                          qemu_chr_id(mon->chr), unread);
            return;
        }
        /*
         * Dropping messages one by one would leave holes in the stream
         * whenever the reader catches up for a moment; stopping for good
         * keeps what the reader gets a prefix of what was sent, and the
         * input it cannot answer stays unread.
         */
        warn_report("QMP monitor on chardev '%s': %zu bytes of output "
                    "unread; the monitor stops reading and writing",
                    qemu_chr_id(mon->chr), unread);
        mon->muted = true;
        qemu_chr_fe_accept_input(mon->chr, false);
        return;
    }
    qemu_chr_write(mon->chr, buf, len);
}

static void monitor_read(void *opaque, const uint8_t *buf, size_t len)
{
    MonitorQMP *mon = opaque;
    int fd;

    /* Descriptors sent with these bytes go with the request they end. */
    while ((fd = qemu_chr_fe_take_msgfd(mon->chr)) >= 0) {
        qmp_session_add_fd(&mon->session, fd);
    }
    qmp_session_feed(&mon->session, (const char *)buf, len);
}

static void monitor_event(void *opaque, ChardevEvent event)
{
    MonitorQMP *mon = opaque;

    qemu_bh_cancel(mon->defer_bh);
    switch (event) {
    case CHR_EVENT_OPENED:
        mon->connected = true;
        mon->muted = false;
        qemu_chr_fe_accept_input(mon->chr, true);
        qmp_session_start(&mon->session);
        break;
    case CHR_EVENT_CLOSED:
        mon->connected = false;
        qmp_session_reset(&mon->session);
        /* QEMU frees fd sets nobody uses once no client is left. */
        fdset_cleanup(runstate_is_running(), monitor_has_clients());
        break;
    }
}

static const ChardevHandlers monitor_handlers = {
    .read = monitor_read,
    .event = monitor_event,
    .takes_fds = true, /* getfd, add-fd */
};

static MonitorQMP *monitor_of_session(QmpSession *s)
{
    return container_of(s, MonitorQMP, session);
}

static void monitor_flush_deferred_cb(void *opaque)
{
    MonitorQMP *mon = opaque;

    qmp_session_flush_deferred(&mon->session);
    if (!mon->session.deferring && mon->connected && !mon->muted) {
        qemu_chr_fe_accept_input(mon->chr, true);
    }
}

/*
 * A reply waits until the main loop has acted on the request the command
 * made (system_reset, system_powerdown).  Input is paused meanwhile so
 * that at most one read's worth of requests queue behind it.
 */
static void monitor_defer(QmpSession *s)
{
    MonitorQMP *mon = monitor_of_session(s);

    qemu_chr_fe_accept_input(mon->chr, false);
    qemu_bh_schedule(mon->defer_bh);
}

bool monitor_init_qmp(Chardev *chr, bool pretty, GError **errp)
{
    MonitorQMP *mon = g_new0(MonitorQMP, 1);

    mon->chr = chr;
    mon->defer_bh = qemu_bh_new(monitor_flush_deferred_cb, mon);
    qmp_session_init(&mon->session, pretty, monitor_output, monitor_defer, mon);
    if (!qemu_chr_fe_init(chr, &monitor_handlers, mon, errp)) {
        qmp_session_destroy(&mon->session);
        qemu_bh_delete(mon->defer_bh);
        g_free(mon);
        return false;
    }
    if (!monitors) {
        monitors = g_ptr_array_new();
    }
    g_ptr_array_add(monitors, mon);
    return true;
}

void monitor_cleanup(void)
{
    monitor_flush_event_queue();
    for (guint i = 0; monitors && i < monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(monitors, i);

        qemu_bh_delete(mon->defer_bh);
        qmp_session_destroy(&mon->session);
        g_free(mon);
    }
    if (monitors) {
        g_ptr_array_free(monitors, TRUE);
        monitors = NULL;
    }
    qmp_schema_cleanup();
    qmp_dump_cleanup();
    fdset_free_all();
}

bool monitor_has_clients(void)
{
    for (guint i = 0; monitors && i < monitors->len; i++) {
        if (((MonitorQMP *)g_ptr_array_index(monitors, i))->connected) {
            return true;
        }
    }
    return false;
}

bool monitor_events_want_tree(void)
{
    for (guint i = 0; monitors && i < monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(monitors, i);

        if (mon->connected && mon->session.negotiated && mon->session.pretty) {
            return true;
        }
    }
    return false;
}

void monitor_broadcast_compact(const char *text, size_t len)
{
    qemu_log_mask(LOG_QMP, "qmp: event: %.*s\n", (int)(len - 2), text);
    for (guint i = 0; monitors && i < monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(monitors, i);

        /* QEMU drops events for clients still negotiating. */
        if (mon->connected && mon->session.negotiated) {
            monitor_output(mon, text, len);
        }
    }
}

void monitor_broadcast_event(const json_t *event)
{
    g_autoptr(GString) compact = NULL;
    g_autoptr(GString) pretty = NULL;

    for (guint i = 0; monitors && i < monitors->len; i++) {
        MonitorQMP *mon = g_ptr_array_index(monitors, i);
        GString **text = mon->session.pretty ? &pretty : &compact;

        /* QEMU drops events for clients still negotiating. */
        if (!mon->connected || !mon->session.negotiated) {
            continue;
        }
        if (!*text) {
            *text = g_string_sized_new(160);
            json_writer_append(*text, event, mon->session.pretty);
            qemu_log_mask(LOG_QMP, "qmp: event: %s\n", (*text)->str);
            g_string_append(*text, "\r\n");
        }
        monitor_output(mon, (*text)->str, (*text)->len);
    }
}
