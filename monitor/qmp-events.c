/*
 * QMP events (monitor/qmp-events.h).
 *
 * Run-state events arrive through the listener monitor_events_init()
 * registers with runstate; a table gives each kind its QMP name and how
 * its data is built, so the bytes are what QEMU sends.
 *
 * An event is timestamped once when raised and formatted once per
 * output style; the same bytes go to every negotiated client.  Run-state
 * events without "info" are printed from a kept per-shape text when no
 * client reads pretty JSON (runstate_event()); the rest go through a
 * jansson tree and monitor_broadcast_event().  On a thread other than the
 * main loop's (a KVM vCPU) the event is queued under a small lock and the
 * main loop is woken; monitor_flush_event_queue() then delivers the queue
 * in order, before any event raised later on the main thread.
 */
#include "monitor-internal.h"
#include "monitor/monitor.h"
#include "monitor/qmp-events.h"
#include "qemu/main-loop.h"
#include "qobject/json-writer.h"
#include "system/bql.h"
#include "system/runstate.h"

static const QmpType panic_event_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"action", &qmp_type_guest_panic_action},
            {"info", &qmp_type_any, true},
            {NULL},
        },
};
static const QmpType shutdown_event_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"guest", &qmp_type_bool},
            {"reason", &qmp_type_shutdown_cause},
            {NULL},
        },
};

const QmpEventInfo qmp_events[] = {
    {"SHUTDOWN", &shutdown_event_arg},
    {"POWERDOWN", &qmp_type_empty},
    {"RESET", &shutdown_event_arg},
    {"STOP", &qmp_type_empty},
    {"RESUME", &qmp_type_empty},
    {"GUEST_PANICKED", &panic_event_arg},
    {"GUEST_CRASHLOADED", &panic_event_arg},
    {"GUEST_PVSHUTDOWN", &qmp_type_empty},
    {"DUMP_COMPLETED", &qmp_dump_completed_arg},
    {VIGIL_QMP_PREFIX "PANIC_RECORD", &qmp_type_any},
    {VIGIL_QMP_PREFIX "PANIC_RESTART", &qmp_type_any},
};
const size_t qmp_events_count = G_N_ELEMENTS(qmp_events);

static GMutex queue_lock;
static GQueue queue = G_QUEUE_INIT; /* QueuedEvent * from other threads */
/* Events in the queue; read unlocked so that an empty flush, done on
 * every main-loop iteration and I/O read, costs no lock. */
static gint queued;

/*
 * What the queue holds: an event's tree, or for a run-state event raised
 * off the main thread without "info" just the event and its time, so
 * that the main loop prints it the compact way (see runstate_event()).
 */
typedef struct QueuedEvent {
    json_t *tree;     /* NULL: print @ev as raised at @now */
    RunstateEvent ev; /* .info is always NULL here */
    gint64 now;
} QueuedEvent;

static void queue_push(QueuedEvent *q)
{
    g_mutex_lock(&queue_lock);
    g_queue_push_tail(&queue, q);
    g_atomic_int_inc(&queued);
    g_mutex_unlock(&queue_lock);
    qemu_notify_event();
}

/* Deliver @q: from its tree, or (run-state) compact when no client
 * reads pretty JSON and the shape prints timestamp-first. */
static void event_broadcast(QueuedEvent *q)
{
    if (!q->tree) {
        char buf[MONITOR_EVENT_COMPACT_MAX];
        size_t len = monitor_events_want_tree()
                         ? 0
                         : monitor_event_compact(&q->ev, q->now, buf);

        if (len) {
            monitor_broadcast_compact(buf, len);
            return;
        }
        q->tree = monitor_event_tree(&q->ev, q->now);
    }
    monitor_broadcast_event(q->tree);
}

void monitor_flush_event_queue(void)
{
    while (g_atomic_int_get(&queued) > 0) {
        QueuedEvent *q;

        g_mutex_lock(&queue_lock);
        q = g_queue_pop_head(&queue);
        if (q) {
            g_atomic_int_add(&queued, -1);
        }
        g_mutex_unlock(&queue_lock);
        if (!q) {
            return;
        }
        event_broadcast(q);
        json_decref(q->tree);
        g_free(q);
    }
}

static void event_emit(const char *name, json_t *data);

void monitor_emit_event(const char *name, json_t *data)
{
    event_emit(name, data);
}

/*
 * The event object in QAPI member order; the writer prints QEMU's.
 * Takes ownership of @data (may be NULL: no "data" member at all).
 */
static json_t *event_build(const char *name, json_t *data, gint64 now)
{
    json_t *ev = json_object();

    json_object_set_new(
        ev, "timestamp",
        json_pack("{s:I,s:I}", "seconds", (json_int_t)(now / G_USEC_PER_SEC),
                  "microseconds", (json_int_t)(now % G_USEC_PER_SEC)));
    json_object_set_new(ev, "event", json_string(name));
    if (data) {
        json_object_set_new(ev, "data", data);
    }
    return ev;
}

static void event_emit(const char *name, json_t *data)
{
    json_t *ev = event_build(name, data, g_get_real_time());

    if (!qemu_in_main_thread()) {
        QueuedEvent *q = g_new0(QueuedEvent, 1);

        q->tree = ev;
        queue_push(q);
        return;
    }
    monitor_flush_event_queue();
    monitor_broadcast_event(ev);
    json_decref(ev);
}

static json_t *panic_info(const GuestPanicInformation *info)
{
    json_t *o = json_object();

    json_object_set_new(o, "type", json_string("hyper-v"));
    for (int i = 0; i < 5; i++) {
        char key[8];

        snprintf(key, sizeof(key), "arg%d", i + 1);
        json_object_set_new(o, key, json_uint64(info->arg[i]));
    }
    return o;
}

static json_t *panic_data(GuestPanicAction action,
                          const GuestPanicInformation *info)
{
    json_t *d = json_pack("{s:s}", "action", guest_panic_action_name(action));

    if (info) {
        json_object_set_new(d, "info", panic_info(info));
    }
    return d;
}

static json_t *shutdown_data(bool guest, ShutdownCause reason)
{
    return json_pack("{s:b,s:s}", "guest", guest, "reason",
                     shutdown_cause_name(reason));
}

/* How a run-state event's "data" member is built. */
typedef enum EventData {
    EVENT_DATA_NONE,     /* no "data" member at all */
    EVENT_DATA_SHUTDOWN, /* {"guest": b, "reason": s} */
    EVENT_DATA_PANIC,    /* {"action": s} */
} EventData;

static const EventData runstate_event_data[RUNSTATE_EVENT__MAX] = {
    [RUNSTATE_EVENT_SHUTDOWN] = EVENT_DATA_SHUTDOWN,
    [RUNSTATE_EVENT_POWERDOWN] = EVENT_DATA_NONE,
    [RUNSTATE_EVENT_RESET] = EVENT_DATA_SHUTDOWN,
    [RUNSTATE_EVENT_STOP] = EVENT_DATA_NONE,
    [RUNSTATE_EVENT_RESUME] = EVENT_DATA_NONE,
    [RUNSTATE_EVENT_GUEST_PANICKED] = EVENT_DATA_PANIC,
    [RUNSTATE_EVENT_GUEST_CRASHLOADED] = EVENT_DATA_PANIC,
    [RUNSTATE_EVENT_GUEST_PVSHUTDOWN] = EVENT_DATA_NONE,
    [RUNSTATE_EVENT_GUEST_TRIPLE_FAULT] = EVENT_DATA_NONE,
};

static json_t *runstate_event_data_json(const RunstateEvent *ev)
{
    switch (runstate_event_data[ev->kind]) {
    case EVENT_DATA_SHUTDOWN:
        return shutdown_data(ev->guest, ev->reason);
    case EVENT_DATA_PANIC:
        return panic_data(ev->action, ev->info);
    case EVENT_DATA_NONE:
        break;
    }
    return NULL;
}

/*
 * Compact run-state events without the tree.  Building and printing a
 * jansson tree is most of what an event costs (about 14,700 instructions
 * of the 17,700 an `outb 0x505 1` takes under qtest).  A run-state event
 * without "info" has a fixed shape per kind and action (or guest and
 * reason): everything after its timestamp is the same text every time.
 * That text is printed once per shape, through the tree and the writer
 * with a zero timestamp, and kept; an event is then its timestamp and the
 * kept text.  The writer stays the only authority on key order: a shape
 * whose printed form does not start with the timestamp is never kept, and
 * pretty clients take the tree.  Events raised off the main thread are
 * printed by the main loop, so the cache is touched only there.
 */
#define TS_SECONDS      "{\"timestamp\": {\"seconds\": "
#define TS_MICROSECONDS ", \"microseconds\": "
#define TS_ZERO         TS_SECONDS "0" TS_MICROSECONDS "0}"
#define TAIL_MAX        256 /* the longest kept text; longer shapes use the tree */

/* The timestamp (two 20-digit numbers at most) and a kept text fit. */
G_STATIC_ASSERT(sizeof(TS_SECONDS TS_MICROSECONDS "}") + 2 * 20 + TAIL_MAX <=
                MONITOR_EVENT_COMPACT_MAX);

typedef struct EventTail {
    bool usable;
    size_t len;
    char text[TAIL_MAX]; /* after the timestamp, "\r\n" included */
} EventTail;

static GHashTable *tails; /* shape key -> EventTail */

static guint shape_key(const RunstateEvent *ev)
{
    switch (runstate_event_data[ev->kind]) {
    case EVENT_DATA_SHUTDOWN:
        return ev->kind | ev->reason << 8 | (guint)ev->guest << 16;
    case EVENT_DATA_PANIC:
        return ev->kind | ev->action << 8;
    case EVENT_DATA_NONE:
        break;
    }
    return ev->kind;
}

static const EventTail *shape_tail(const RunstateEvent *ev)
{
    guint key = shape_key(ev);
    EventTail *t;

    if (!tails) {
        tails = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    }
    t = g_hash_table_lookup(tails, GUINT_TO_POINTER(key));
    if (!t) {
        g_autoptr(GString) text = g_string_new(NULL);
        g_autoptr(json_t) tree = event_build(runstate_event_name(ev->kind),
                                             runstate_event_data_json(ev), 0);

        json_writer_append(text, tree, false);
        g_string_append(text, "\r\n");
        t = g_new0(EventTail, 1);
        if (g_str_has_prefix(text->str, TS_ZERO) &&
            text->len - strlen(TS_ZERO) < TAIL_MAX) {
            t->len = text->len - strlen(TS_ZERO);
            memcpy(t->text, text->str + strlen(TS_ZERO), t->len);
            t->usable = true;
        }
        g_hash_table_insert(tails, GUINT_TO_POINTER(key), t);
    }
    return t;
}

/* @v in decimal at @p; returns the number of digits. */
static size_t put_u64(char *p, uint64_t v)
{
    char tmp[20];
    size_t n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) {
        p[i] = tmp[n - 1 - i];
    }
    return n;
}

size_t monitor_event_compact(const RunstateEvent *ev, gint64 now,
                             char buf[MONITOR_EVENT_COMPACT_MAX])
{
    const EventTail *t = shape_tail(ev);
    char *p = buf;

    if (!t->usable) {
        return 0;
    }
    memcpy(p, TS_SECONDS, strlen(TS_SECONDS));
    p += strlen(TS_SECONDS);
    p += put_u64(p, (uint64_t)(now / G_USEC_PER_SEC));
    memcpy(p, TS_MICROSECONDS, strlen(TS_MICROSECONDS));
    p += strlen(TS_MICROSECONDS);
    p += put_u64(p, (uint64_t)(now % G_USEC_PER_SEC));
    *p++ = '}';
    memcpy(p, t->text, t->len);
    p += t->len;
    return (size_t)(p - buf);
}

json_t *monitor_event_tree(const RunstateEvent *ev, gint64 now)
{
    return event_build(runstate_event_name(ev->kind),
                       runstate_event_data_json(ev), now);
}

static void runstate_event(const RunstateEvent *ev, void *opaque)
{
    QueuedEvent q = {.ev = *ev};

    /* Kinds with no QMP name are for other listeners only. */
    if ((unsigned)ev->kind >= RUNSTATE_EVENT__MAX ||
        !runstate_event_name(ev->kind)) {
        return;
    }
    if (ev->info) {
        event_emit(runstate_event_name(ev->kind), runstate_event_data_json(ev));
        return;
    }
    q.now = g_get_real_time();
    if (!qemu_in_main_thread()) {
        /* A vCPU thread: the main loop prints it (the compact way when it
         * can); the shape cache is only ever touched there. */
        queue_push(g_memdup2(&q, sizeof(q)));
        return;
    }
    monitor_flush_event_queue();
    event_broadcast(&q);
    json_decref(q.tree);
}

void monitor_events_init(void)
{
    runstate_add_event_listener(runstate_event, NULL);
}

void monitor_events_cleanup(void)
{
    runstate_remove_event_listener(runstate_event, NULL);
    g_clear_pointer(&tails, g_hash_table_destroy);
}

void qapi_event_send_dump_completed(const char *status, uint64_t completed,
                                    uint64_t total, const char *error)
{
    json_t *data =
        json_pack("{s:{s:s,s:I,s:I}}", "result", "status", status, "completed",
                  (json_int_t)completed, "total", (json_int_t)total);

    if (error) {
        json_object_set_new(data, "error", json_string(error));
    }
    event_emit("DUMP_COMPLETED", data);
}
