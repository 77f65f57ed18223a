/*
 * Run-state events printed without their tree (monitor_event_compact)
 * must be the exact bytes the tree gives through QEMU's writer: for every
 * event kind with a QMP name, every action, every shutdown cause, both
 * values of "guest", and timestamps from zero to the largest the clock
 * can give.  A shape that printed its members in another order, a digit
 * dropped from a timestamp or a stale kept text fails here.
 */
#include "../../monitor/monitor-internal.h"
#include "qobject/json-writer.h"
#include "system/runstate.h"

static const gint64 stamps[] = {
    0, 1, 999999, 1000000, 1796312345678901, G_MAXINT64,
};

static void check_one(const RunstateEvent *ev, unsigned *compared)
{
    for (size_t i = 0; i < G_N_ELEMENTS(stamps); i++) {
        char buf[MONITOR_EVENT_COMPACT_MAX];
        size_t len = monitor_event_compact(ev, stamps[i], buf);
        g_autoptr(json_t) tree = monitor_event_tree(ev, stamps[i]);
        g_autoptr(GString) want = g_string_new(NULL);
        g_autofree char *got = NULL;

        json_writer_append(want, tree, false);
        g_string_append(want, "\r\n");
        /* Every run-state shape without "info" prints timestamp-first. */
        g_assert_cmpuint(len, >, 0);
        got = g_strndup(buf, len);
        g_assert_cmpstr(got, ==, want->str);
        (*compared)++;
    }
}

static void test_every_shape(void)
{
    unsigned compared = 0;

    for (int k = 0; k < RUNSTATE_EVENT__MAX; k++) {
        if (!runstate_event_name(k)) {
            continue; /* no QMP name: for other listeners only */
        }
        for (int a = 0; a <= GUEST_PANIC_ACTION_RUN; a++) {
            for (int r = 0; r < SHUTDOWN_CAUSE__MAX; r++) {
                for (int g = 0; g < 2; g++) {
                    RunstateEvent ev = {
                        .kind = k, .action = a, .reason = r, .guest = g};

                    check_one(&ev, &compared);
                }
            }
        }
    }
    g_assert_cmpuint(compared, >, 1000);
}

/* The shape cache must not hand one kind's text to another. */
static void test_shapes_do_not_mix(void)
{
    RunstateEvent stop = {.kind = RUNSTATE_EVENT_STOP};
    RunstateEvent panic = {.kind = RUNSTATE_EVENT_GUEST_PANICKED,
                           .action = GUEST_PANIC_ACTION_PAUSE};
    RunstateEvent crash = {.kind = RUNSTATE_EVENT_GUEST_CRASHLOADED,
                           .action = GUEST_PANIC_ACTION_PAUSE};
    char a[MONITOR_EVENT_COMPACT_MAX], b[MONITOR_EVENT_COMPACT_MAX],
        c[MONITOR_EVENT_COMPACT_MAX];
    size_t la = monitor_event_compact(&stop, 5, a);
    size_t lb = monitor_event_compact(&panic, 5, b);
    size_t lc = monitor_event_compact(&crash, 5, c);
    g_autofree char *sa = g_strndup(a, la);
    g_autofree char *sb = g_strndup(b, lb);

    g_assert_cmpstr(sa, ==,
                    "{\"timestamp\": {\"seconds\": 0, \"microseconds\": 5}, "
                    "\"event\": \"STOP\"}\r\n");
    g_assert_cmpstr(sb, ==,
                    "{\"timestamp\": {\"seconds\": 0, \"microseconds\": 5}, "
                    "\"event\": \"GUEST_PANICKED\", \"data\": "
                    "{\"action\": \"pause\"}}\r\n");
    g_assert_true(lc != lb || memcmp(b, c, lb));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp-events/compact/every-shape", test_every_shape);
    g_test_add_func("/qmp-events/compact/shapes-do-not-mix",
                    test_shapes_do_not_mix);
    return g_test_run();
}
