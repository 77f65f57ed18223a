/*
 * Run states and actions through the public runstate API: QEMU's panic
 * table, transitions, requests and their exit statuses, and the events
 * runstate announces to its registered listeners (the monitor's QMP
 * formatting of them is left to the qtest and diff suites).
 */
#include "qemu/common.h"

#include "system/runstate.h"

static int resets, pauses, resumes, powerdowns;

static void count_reset(void)
{
    resets++;
}

static void count_pause(void)
{
    pauses++;
}

static void count_resume(void)
{
    resumes++;
}

static void count_powerdown(void)
{
    powerdowns++;
}

static const RunstateHooks counting_hooks = {
    .reset_machine = count_reset,
    .pause_vcpus = count_pause,
    .resume_vcpus = count_resume,
    .powerdown = count_powerdown,
};

/* A fresh, running VM with default actions; @panic/@shutdown optional. */
static void setup_running(const char *panic, const char *shutdown)
{
    runstate_init();
    runstate_reset_actions();
    runstate_set_hooks(&counting_hooks);
    resets = pauses = resumes = powerdowns = 0;
    if (panic) {
        g_assert_true(runstate_set_action("panic", panic, NULL));
    }
    if (shutdown) {
        g_assert_true(runstate_set_action("shutdown", shutdown, NULL));
    }
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PRELAUNCH);
    vm_start();
    g_assert_true(runstate_is_running());
}

/* Drain requests; returns whether the process would exit. */
static bool process(int *status)
{
    return runstate_process_requests(status);
}

typedef struct PanicRow {
    const char *panic;
    const char *shutdown;
    RunState state_after;
    bool exits;
    int status;
} PanicRow;

/* QEMU's table (reference §4.3), one row per case. */
static const PanicRow panic_rows[] = {
    {"pause", "poweroff", RUN_STATE_GUEST_PANICKED, false, 0},
    {"pause", "pause", RUN_STATE_GUEST_PANICKED, false, 0},
    {"shutdown", "poweroff", RUN_STATE_GUEST_PANICKED, true, 0},
    {"shutdown", "pause", RUN_STATE_GUEST_PANICKED, false, 0},
    {"exit-failure", "poweroff", RUN_STATE_GUEST_PANICKED, true, 1},
    {"exit-failure", "pause", RUN_STATE_GUEST_PANICKED, false, 0},
    {"none", "poweroff", RUN_STATE_RUNNING, false, 0},
    {"none", "pause", RUN_STATE_RUNNING, false, 0},
};

static void test_panic_table(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(panic_rows); i++) {
        const PanicRow *r = &panic_rows[i];
        int status = -1;

        setup_running(r->panic, r->shutdown);
        qemu_system_guest_panicked();
        /* The state changes at once; SHUTDOWN waits for the main loop. */
        g_assert_cmpint(runstate_get(), ==, r->state_after);
        g_assert_cmpint(process(&status), ==, r->exits);
        if (r->exits) {
            g_assert_cmpint(status, ==, r->status);
        }
        g_assert_cmpint(runstate_get(), ==, r->state_after);
        g_assert_false(runstate_has_pending_requests());
    }
}

static void test_panic_not_running(void)
{
    int status;

    /* -S: prelaunch; the event says pause but nothing changes. */
    runstate_init();
    runstate_reset_actions();
    runstate_set_action("panic", "pause", NULL);
    qemu_system_guest_panicked();
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PRELAUNCH);
    g_assert_false(process(&status));

    /* A second panic while panicked changes nothing either. */
    setup_running("pause", NULL);
    qemu_system_guest_panicked();
    qemu_system_guest_panicked();
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_GUEST_PANICKED);
}

static void test_cont_after_panic(void)
{
    GError *err = NULL;

    setup_running("pause", NULL);
    qemu_system_guest_panicked();
    qmp_stop(); /* no-op in guest-panicked */
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_GUEST_PANICKED);
    g_assert_true(qmp_cont(&err));
    g_assert_no_error(err);
    g_assert_true(runstate_is_running());
    g_assert_true(qmp_cont(&err)); /* already running: fine */
}

static void test_exit_failure_pause_cont(void)
{
    int status;

    /* exit-failure + shutdown=pause: stays panicked, cont still works. */
    setup_running("exit-failure", "pause");
    qemu_system_guest_panicked();
    g_assert_false(process(&status));
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_GUEST_PANICKED);
    g_assert_true(qmp_cont(NULL));
    g_assert_true(runstate_is_running());
}

static void test_crashloaded(void)
{
    int status;

    setup_running("pause", NULL);
    qemu_system_guest_crashloaded();
    g_assert_true(runstate_is_running());
    g_assert_false(process(&status));
}

static void test_pvshutdown(void)
{
    GError *err = NULL;
    int status = -1;

    setup_running(NULL, NULL);
    qemu_system_guest_pvshutdown();
    g_assert_true(process(&status));
    g_assert_cmpint(status, ==, 0);

    setup_running(NULL, "pause");
    qemu_system_guest_pvshutdown();
    g_assert_false(process(&status));
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_SHUTDOWN);
    g_assert_true(runstate_needs_reset());
    g_assert_false(qmp_cont(&err));
    g_assert_error(err, VIGIL_ERROR, VIGIL_ERROR_GENERIC);
    g_assert_cmpstr(err->message, ==,
                    "Resetting the Virtual Machine is required");
    g_clear_error(&err);

    /* system_reset out of shutdown: prelaunch, then cont runs again. */
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    g_assert_false(process(&status));
    g_assert_cmpint(resets, ==, 1);
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PRELAUNCH);
    g_assert_true(qmp_cont(NULL));
    g_assert_true(runstate_is_running());
}

static void test_reset(void)
{
    int status;

    setup_running(NULL, NULL);
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_true(runstate_has_pending_requests());
    g_assert_false(process(&status));
    g_assert_cmpint(resets, ==, 1);
    g_assert_true(runstate_is_running());
    g_assert_cmpint(resumes, >=, 1);

    setup_running("pause", NULL);
    qemu_system_guest_panicked();
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    g_assert_false(process(&status));
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_PRELAUNCH);

    /* -no-reboot: a guest reset is a shutdown. */
    setup_running(NULL, NULL);
    runstate_set_action("reboot", "shutdown", NULL);
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    g_assert_true(process(&status));
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpint(resets, ==, 0);
}

static void test_powerdown_quit_signal(void)
{
    int status = -1;

    setup_running(NULL, NULL);
    qemu_system_powerdown_request();
    g_assert_false(process(&status));
    g_assert_cmpint(powerdowns, ==, 1);
    g_assert_true(runstate_is_running());

    setup_running(NULL, NULL);
    qemu_system_quit_now();
    g_assert_true(process(&status));
    g_assert_cmpint(status, ==, 0);

    /* A signal exits 0 even under shutdown=pause. */
    setup_running("exit-failure", "pause");
    qemu_system_killed(15, 0);
    g_assert_true(process(&status));
    g_assert_cmpint(status, ==, 0);
}

static void test_transitions(void)
{
    runstate_init();
    g_assert_true(runstate_transition_allowed(RUN_STATE_GUEST_PANICKED,
                                              RUN_STATE_RUNNING));
    g_assert_true(runstate_transition_allowed(RUN_STATE_GUEST_PANICKED,
                                              RUN_STATE_PRELAUNCH));
    g_assert_false(runstate_transition_allowed(RUN_STATE_GUEST_PANICKED,
                                               RUN_STATE_PAUSED));
    g_assert_false(runstate_transition_allowed(RUN_STATE_PRELAUNCH,
                                               RUN_STATE_GUEST_PANICKED));
    g_assert_true(runstate_set(RUN_STATE_RUNNING));
    g_assert_true(runstate_set(RUN_STATE_GUEST_PANICKED));
    /* Illegal: refused and logged, never fatal. */
    g_assert_false(runstate_set(RUN_STATE_PAUSED));
    g_assert_cmpint(runstate_get(), ==, RUN_STATE_GUEST_PANICKED);
    g_assert_false(runstate_set(RUN_STATE__MAX));
}

static void test_names(void)
{
    g_assert_cmpstr(runstate_name(RUN_STATE_GUEST_PANICKED), ==,
                    "guest-panicked");
    g_assert_cmpstr(runstate_name(RUN_STATE_PRELAUNCH), ==, "prelaunch");
    g_assert_cmpstr(shutdown_cause_name(SHUTDOWN_CAUSE_HOST_QMP_QUIT), ==,
                    "host-qmp-quit");
    g_assert_cmpstr(shutdown_cause_name(SHUTDOWN_CAUSE_GUEST_PANIC), ==,
                    "guest-panic");
    g_assert_false(shutdown_cause_is_guest(SHUTDOWN_CAUSE_HOST_SIGNAL));
    g_assert_true(shutdown_cause_is_guest(SHUTDOWN_CAUSE_GUEST_SHUTDOWN));
    g_assert_true(shutdown_cause_is_guest(SHUTDOWN_CAUSE_GUEST_PANIC));
    g_assert_cmpstr(guest_panic_action_name(GUEST_PANIC_ACTION_POWEROFF), ==,
                    "poweroff");
}

static void test_set_action(void)
{
    GError *err = NULL;

    runstate_reset_actions();
    g_assert_cmpint(runstate_panic_action(), ==, PANIC_ACTION_SHUTDOWN);
    g_assert_cmpint(runstate_shutdown_action(), ==, SHUTDOWN_ACTION_POWEROFF);
    g_assert_cmpint(runstate_reboot_action(), ==, REBOOT_ACTION_RESET);
    g_assert_true(runstate_set_action("panic", "exit-failure", &err));
    g_assert_cmpint(runstate_panic_action(), ==, PANIC_ACTION_EXIT_FAILURE);
    g_assert_true(runstate_set_action("watchdog", "inject-nmi", &err));
    g_assert_cmpint(runstate_watchdog_action(), ==, WATCHDOG_ACTION_INJECT_NMI);
    g_assert_false(runstate_set_action("panic", "bogus", &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'panic' does not accept value 'bogus'");
    g_clear_error(&err);
    g_assert_false(runstate_set_action("foo", "pause", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'foo' is unexpected");
    g_clear_error(&err);
    g_assert_cmpint(runstate_panic_action(), ==, PANIC_ACTION_EXIT_FAILURE);
    runstate_reset_actions();
}

/* ---- events through a registered listener ---- */

/* One line per event: "SHUTDOWN guest=1 reason=guest-panic". */
static GString *heard;

static void record_event(const RunstateEvent *ev, void *opaque)
{
    g_assert_true(opaque == &heard);
    g_string_append(heard, runstate_event_name(ev->kind));
    switch (ev->kind) {
    case RUNSTATE_EVENT_SHUTDOWN:
    case RUNSTATE_EVENT_RESET:
        g_string_append_printf(heard, " guest=%d reason=%s", ev->guest,
                               shutdown_cause_name(ev->reason));
        break;
    case RUNSTATE_EVENT_GUEST_PANICKED:
    case RUNSTATE_EVENT_GUEST_CRASHLOADED:
        g_string_append_printf(heard, " action=%s",
                               guest_panic_action_name(ev->action));
        break;
    default:
        break;
    }
    g_string_append_c(heard, '\n');
}

/* setup_running() with a listener; the RESUME of the start is dropped. */
static void setup_listening(const char *panic, const char *shutdown)
{
    if (!heard) {
        heard = g_string_new(NULL);
    }
    runstate_add_event_listener(record_event, &heard);
    runstate_add_event_listener(record_event, &heard); /* counted once */
    setup_running(panic, shutdown);
    g_assert_cmpstr(heard->str, ==, "RESUME\n");
    g_string_truncate(heard, 0);
}

static void stop_listening(void)
{
    runstate_remove_event_listener(record_event, &heard);
    g_string_truncate(heard, 0);
}

typedef struct EventRow {
    const char *panic;
    const char *shutdown;
    const char *events; /* after the panic and one main-loop turn */
} EventRow;

/* QEMU's order: GUEST_PANICKED, STOP at once; SHUTDOWN from the loop. */
static const EventRow panic_event_rows[] = {
    {"pause", "poweroff", "GUEST_PANICKED action=pause\nSTOP\n"},
    {"shutdown", "poweroff",
     "GUEST_PANICKED action=poweroff\nSTOP\n"
     "SHUTDOWN guest=1 reason=guest-panic\n"},
    {"shutdown", "pause", "GUEST_PANICKED action=pause\nSTOP\n"},
    {"exit-failure", "poweroff",
     "GUEST_PANICKED action=poweroff\nSTOP\n"
     "SHUTDOWN guest=1 reason=guest-panic\n"},
    {"none", "poweroff", "GUEST_PANICKED action=run\n"},
};

static void test_events_panic(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(panic_event_rows); i++) {
        const EventRow *r = &panic_event_rows[i];
        int status;

        setup_listening(r->panic, r->shutdown);
        qemu_system_guest_panicked();
        process(&status);
        g_assert_cmpstr(heard->str, ==, r->events);
        stop_listening();
    }
}

static void test_events_requests(void)
{
    int status;

    setup_listening(NULL, NULL);
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    qemu_system_powerdown_request();
    g_assert_cmpstr(heard->str, ==, ""); /* nothing until the main loop */
    g_assert_false(process(&status));
    g_assert_cmpstr(heard->str, ==,
                    "RESET guest=1 reason=guest-reset\nPOWERDOWN\n");
    g_string_truncate(heard, 0);

    qmp_stop();
    g_assert_true(qmp_cont(NULL));
    qemu_system_guest_crashloaded();
    qemu_system_guest_pvshutdown();
    g_assert_true(process(&status));
    g_assert_cmpstr(heard->str, ==,
                    "STOP\nRESUME\nGUEST_CRASHLOADED action=run\n"
                    "GUEST_PVSHUTDOWN\n"
                    "SHUTDOWN guest=1 reason=guest-shutdown\n");
    stop_listening();

    /* A subsystem reset is silent; quit and a signal are host causes. */
    setup_listening(NULL, NULL);
    qemu_system_reset_request(SHUTDOWN_CAUSE_SUBSYSTEM_RESET);
    g_assert_false(process(&status));
    qemu_system_quit_now();
    g_assert_cmpstr(heard->str, ==, "SHUTDOWN guest=0 reason=host-qmp-quit\n");
    stop_listening();
    setup_listening(NULL, NULL);
    runstate_set_kill_report(false);
    qemu_system_killed(15, 0);
    g_assert_true(process(&status));
    runstate_set_kill_report(true);
    g_assert_cmpstr(heard->str, ==, "SHUTDOWN guest=0 reason=host-signal\n");
    stop_listening();

    /* Removed: hears nothing more. */
    setup_running(NULL, NULL);
    qemu_system_guest_panicked();
    g_assert_cmpstr(heard->str, ==, "");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/runstate/names", test_names);
    g_test_add_func("/runstate/transitions", test_transitions);
    g_test_add_func("/runstate/set-action", test_set_action);
    g_test_add_func("/runstate/panic/table", test_panic_table);
    g_test_add_func("/runstate/panic/not-running", test_panic_not_running);
    g_test_add_func("/runstate/panic/cont", test_cont_after_panic);
    g_test_add_func("/runstate/panic/exit-failure-pause",
                    test_exit_failure_pause_cont);
    g_test_add_func("/runstate/crashloaded", test_crashloaded);
    g_test_add_func("/runstate/pvshutdown", test_pvshutdown);
    g_test_add_func("/runstate/reset", test_reset);
    g_test_add_func("/runstate/powerdown-quit-signal",
                    test_powerdown_quit_signal);
    g_test_add_func("/runstate/events/panic", test_events_panic);
    g_test_add_func("/runstate/events/requests", test_events_requests);
    return g_test_run();
}
