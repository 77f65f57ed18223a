/*
 * Run states, the event listeners, and the requests that change state.
 *
 * Devices and accelerators record requests (shutdown, reset, powerdown)
 * from any thread; the main loop acts on them in
 * runstate_process_requests().  That split gives QEMU's event order: a
 * panic announces GUEST_PANICKED and STOP at once, SHUTDOWN only from the
 * main loop.  The transition table is QEMU's; an illegal transition is
 * logged and refused instead of aborting the process.
 *
 * Events go to registered listeners, not to the monitor: runstate sits
 * below the monitor and must not know it (docs/devel/layers.rst).
 */
#include "system/runstate.h"

#include <string.h>

#include "qemu/main-loop.h"
#include "runstate-internal.h"

static RunState current_run_state = RUN_STATE_PRELAUNCH;
static RunstateHooks hooks;

/*
 * Pending requests.  Causes are stored as cause + 1 so that 0 means "no
 * request" (SHUTDOWN_CAUSE_NONE is a valid reset cause).
 */
static int shutdown_requested;
static int reset_requested;
static int powerdown_requested;
static int vcpu_pause_requested;
static int quit_requested;

typedef struct Listener {
    RunstateEventFn *fn;
    void *opaque;
} Listener;

/* Registered at start-up, read on every event: a plain array. */
static GArray *listeners;

static const char *const runstate_names[RUN_STATE__MAX] = {
    [RUN_STATE_DEBUG] = "debug",
    [RUN_STATE_INMIGRATE] = "inmigrate",
    [RUN_STATE_INTERNAL_ERROR] = "internal-error",
    [RUN_STATE_IO_ERROR] = "io-error",
    [RUN_STATE_PAUSED] = "paused",
    [RUN_STATE_POSTMIGRATE] = "postmigrate",
    [RUN_STATE_PRELAUNCH] = "prelaunch",
    [RUN_STATE_FINISH_MIGRATE] = "finish-migrate",
    [RUN_STATE_RESTORE_VM] = "restore-vm",
    [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_SAVE_VM] = "save-vm",
    [RUN_STATE_SHUTDOWN] = "shutdown",
    [RUN_STATE_SUSPENDED] = "suspended",
    [RUN_STATE_WATCHDOG] = "watchdog",
    [RUN_STATE_GUEST_PANICKED] = "guest-panicked",
    [RUN_STATE_COLO] = "colo",
};

static const char *const shutdown_cause_names[SHUTDOWN_CAUSE__MAX] = {
    [SHUTDOWN_CAUSE_NONE] = "none",
    [SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
    [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
    [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
    [SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
    [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
    [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
    [SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
    [SHUTDOWN_CAUSE_SUBSYSTEM_RESET] = "subsystem-reset",
    [SHUTDOWN_CAUSE_SNAPSHOT_LOAD] = "snapshot-load",
};

static const char *const guest_panic_action_names[] = {
    [GUEST_PANIC_ACTION_PAUSE] = "pause",
    [GUEST_PANIC_ACTION_POWEROFF] = "poweroff",
    [GUEST_PANIC_ACTION_RUN] = "run",
};

static const char *const event_names[RUNSTATE_EVENT__MAX] = {
    [RUNSTATE_EVENT_SHUTDOWN] = "SHUTDOWN",
    [RUNSTATE_EVENT_POWERDOWN] = "POWERDOWN",
    [RUNSTATE_EVENT_RESET] = "RESET",
    [RUNSTATE_EVENT_STOP] = "STOP",
    [RUNSTATE_EVENT_RESUME] = "RESUME",
    [RUNSTATE_EVENT_GUEST_PANICKED] = "GUEST_PANICKED",
    [RUNSTATE_EVENT_GUEST_CRASHLOADED] = "GUEST_CRASHLOADED",
    [RUNSTATE_EVENT_GUEST_PVSHUTDOWN] = "GUEST_PVSHUTDOWN",
    [RUNSTATE_EVENT_GUEST_TRIPLE_FAULT] = NULL, /* no QMP event */
};

/* QEMU's legal transitions (system/runstate.c), as {from, to} pairs. */
static const RunState transitions[][2] = {
    {RUN_STATE_PRELAUNCH, RUN_STATE_INMIGRATE},
    {RUN_STATE_PRELAUNCH, RUN_STATE_RUNNING},
    {RUN_STATE_PRELAUNCH, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_PRELAUNCH, RUN_STATE_SUSPENDED},

    {RUN_STATE_DEBUG, RUN_STATE_RUNNING},
    {RUN_STATE_DEBUG, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_DEBUG, RUN_STATE_PRELAUNCH},
    {RUN_STATE_DEBUG, RUN_STATE_SUSPENDED},

    {RUN_STATE_INMIGRATE, RUN_STATE_INTERNAL_ERROR},
    {RUN_STATE_INMIGRATE, RUN_STATE_IO_ERROR},
    {RUN_STATE_INMIGRATE, RUN_STATE_PAUSED},
    {RUN_STATE_INMIGRATE, RUN_STATE_RUNNING},
    {RUN_STATE_INMIGRATE, RUN_STATE_SHUTDOWN},
    {RUN_STATE_INMIGRATE, RUN_STATE_SUSPENDED},
    {RUN_STATE_INMIGRATE, RUN_STATE_WATCHDOG},
    {RUN_STATE_INMIGRATE, RUN_STATE_GUEST_PANICKED},
    {RUN_STATE_INMIGRATE, RUN_STATE_PRELAUNCH},
    {RUN_STATE_INMIGRATE, RUN_STATE_POSTMIGRATE},
    {RUN_STATE_INMIGRATE, RUN_STATE_COLO},

    {RUN_STATE_INTERNAL_ERROR, RUN_STATE_PAUSED},
    {RUN_STATE_INTERNAL_ERROR, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_INTERNAL_ERROR, RUN_STATE_PRELAUNCH},

    {RUN_STATE_IO_ERROR, RUN_STATE_RUNNING},
    {RUN_STATE_IO_ERROR, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_IO_ERROR, RUN_STATE_PRELAUNCH},

    {RUN_STATE_PAUSED, RUN_STATE_RUNNING},
    {RUN_STATE_PAUSED, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_PAUSED, RUN_STATE_POSTMIGRATE},
    {RUN_STATE_PAUSED, RUN_STATE_PRELAUNCH},
    {RUN_STATE_PAUSED, RUN_STATE_COLO},
    {RUN_STATE_PAUSED, RUN_STATE_SUSPENDED},

    {RUN_STATE_POSTMIGRATE, RUN_STATE_RUNNING},
    {RUN_STATE_POSTMIGRATE, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_POSTMIGRATE, RUN_STATE_PRELAUNCH},

    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_RUNNING},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_PAUSED},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_POSTMIGRATE},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_PRELAUNCH},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_COLO},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_INTERNAL_ERROR},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_IO_ERROR},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_SHUTDOWN},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_SUSPENDED},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_WATCHDOG},
    {RUN_STATE_FINISH_MIGRATE, RUN_STATE_GUEST_PANICKED},

    {RUN_STATE_RESTORE_VM, RUN_STATE_RUNNING},
    {RUN_STATE_RESTORE_VM, RUN_STATE_PRELAUNCH},
    {RUN_STATE_RESTORE_VM, RUN_STATE_SUSPENDED},

    {RUN_STATE_COLO, RUN_STATE_RUNNING},
    {RUN_STATE_COLO, RUN_STATE_PRELAUNCH},
    {RUN_STATE_COLO, RUN_STATE_SHUTDOWN},

    {RUN_STATE_RUNNING, RUN_STATE_DEBUG},
    {RUN_STATE_RUNNING, RUN_STATE_INTERNAL_ERROR},
    {RUN_STATE_RUNNING, RUN_STATE_IO_ERROR},
    {RUN_STATE_RUNNING, RUN_STATE_PAUSED},
    {RUN_STATE_RUNNING, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_RUNNING, RUN_STATE_RESTORE_VM},
    {RUN_STATE_RUNNING, RUN_STATE_SAVE_VM},
    {RUN_STATE_RUNNING, RUN_STATE_SHUTDOWN},
    {RUN_STATE_RUNNING, RUN_STATE_WATCHDOG},
    {RUN_STATE_RUNNING, RUN_STATE_GUEST_PANICKED},
    {RUN_STATE_RUNNING, RUN_STATE_COLO},
    {RUN_STATE_RUNNING, RUN_STATE_SUSPENDED},

    {RUN_STATE_SAVE_VM, RUN_STATE_RUNNING},
    {RUN_STATE_SAVE_VM, RUN_STATE_SUSPENDED},

    {RUN_STATE_SHUTDOWN, RUN_STATE_PAUSED},
    {RUN_STATE_SHUTDOWN, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_SHUTDOWN, RUN_STATE_PRELAUNCH},
    {RUN_STATE_SHUTDOWN, RUN_STATE_COLO},

    {RUN_STATE_SUSPENDED, RUN_STATE_RUNNING},
    {RUN_STATE_SUSPENDED, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_SUSPENDED, RUN_STATE_PRELAUNCH},
    {RUN_STATE_SUSPENDED, RUN_STATE_COLO},
    {RUN_STATE_SUSPENDED, RUN_STATE_PAUSED},
    {RUN_STATE_SUSPENDED, RUN_STATE_SAVE_VM},
    {RUN_STATE_SUSPENDED, RUN_STATE_RESTORE_VM},
    {RUN_STATE_SUSPENDED, RUN_STATE_SHUTDOWN},

    {RUN_STATE_WATCHDOG, RUN_STATE_RUNNING},
    {RUN_STATE_WATCHDOG, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_WATCHDOG, RUN_STATE_PRELAUNCH},
    {RUN_STATE_WATCHDOG, RUN_STATE_COLO},

    {RUN_STATE_GUEST_PANICKED, RUN_STATE_RUNNING},
    {RUN_STATE_GUEST_PANICKED, RUN_STATE_FINISH_MIGRATE},
    {RUN_STATE_GUEST_PANICKED, RUN_STATE_PRELAUNCH},
};

const char *runstate_name(RunState s)
{
    return (unsigned)s < RUN_STATE__MAX ? runstate_names[s] : "unknown";
}

const char *shutdown_cause_name(ShutdownCause c)
{
    return (unsigned)c < SHUTDOWN_CAUSE__MAX ? shutdown_cause_names[c] : "none";
}

bool shutdown_cause_is_guest(ShutdownCause c)
{
    return c >= SHUTDOWN_CAUSE_GUEST_SHUTDOWN && c < SHUTDOWN_CAUSE__MAX;
}

const char *guest_panic_action_name(GuestPanicAction a)
{
    return (unsigned)a < G_N_ELEMENTS(guest_panic_action_names)
               ? guest_panic_action_names[a]
               : "run";
}

const char *runstate_event_name(RunstateEventKind kind)
{
    return (unsigned)kind < RUNSTATE_EVENT__MAX ? event_names[kind] : NULL;
}

RunState runstate_get(void)
{
    return current_run_state;
}

bool runstate_check(RunState s)
{
    return current_run_state == s;
}

bool runstate_is_running(void)
{
    return current_run_state == RUN_STATE_RUNNING;
}

bool runstate_needs_reset(void)
{
    return current_run_state == RUN_STATE_SHUTDOWN ||
           current_run_state == RUN_STATE_INTERNAL_ERROR;
}

bool runstate_transition_allowed(RunState from, RunState to)
{
    if (from == to) {
        return true;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(transitions); i++) {
        if (transitions[i][0] == from && transitions[i][1] == to) {
            return true;
        }
    }
    return false;
}

bool runstate_set(RunState new_state)
{
    if ((unsigned)new_state >= RUN_STATE__MAX) {
        return false;
    }
    if (!runstate_transition_allowed(current_run_state, new_state)) {
        /* A bug in Vigil, not in the guest: say so, keep running. */
        error_report("internal error: invalid runstate transition: "
                     "'%s' -> '%s'",
                     runstate_name(current_run_state),
                     runstate_name(new_state));
        return false;
    }
    current_run_state = new_state;
    return true;
}

void runstate_init(void)
{
    current_run_state = RUN_STATE_PRELAUNCH;
    g_atomic_int_set(&shutdown_requested, 0);
    g_atomic_int_set(&reset_requested, 0);
    g_atomic_int_set(&powerdown_requested, 0);
    g_atomic_int_set(&vcpu_pause_requested, 0);
    g_atomic_int_set(&quit_requested, 0);
    runstate_signal_clear();
}

void runstate_set_hooks(const RunstateHooks *h)
{
    if (h) {
        hooks = *h;
    } else {
        memset(&hooks, 0, sizeof(hooks));
    }
}

const RunstateHooks *runstate_hooks(void)
{
    return &hooks;
}

void runstate_add_event_listener(RunstateEventFn *fn, void *opaque)
{
    Listener l = {fn, opaque};

    if (!listeners) {
        listeners = g_array_new(false, false, sizeof(Listener));
    }
    for (guint i = 0; i < listeners->len; i++) {
        Listener *o = &g_array_index(listeners, Listener, i);

        if (o->fn == fn && o->opaque == opaque) {
            return;
        }
    }
    g_array_append_val(listeners, l);
}

void runstate_remove_event_listener(RunstateEventFn *fn, void *opaque)
{
    for (guint i = 0; listeners && i < listeners->len; i++) {
        Listener *o = &g_array_index(listeners, Listener, i);

        if (o->fn == fn && o->opaque == opaque) {
            g_array_remove_index(listeners, i);
            break;
        }
    }
    if (listeners && !listeners->len) {
        g_clear_pointer(&listeners, g_array_unref);
    }
}

void runstate_announce(const RunstateEvent *ev)
{
    for (guint i = 0; listeners && i < listeners->len; i++) {
        Listener *l = &g_array_index(listeners, Listener, i);

        l->fn(ev, l->opaque);
    }
}

void runstate_announce_kind(RunstateEventKind kind)
{
    RunstateEvent ev = {.kind = kind};

    runstate_announce(&ev);
}

void runstate_announce_shutdown(RunstateEventKind kind, ShutdownCause cause)
{
    RunstateEvent ev = {
        .kind = kind,
        .guest = shutdown_cause_is_guest(cause),
        .reason = cause,
    };

    runstate_announce(&ev);
}

void runstate_announce_panic(RunstateEventKind kind, GuestPanicAction action,
                             const GuestPanicInformation *info)
{
    RunstateEvent ev = {.kind = kind, .action = action, .info = info};

    runstate_announce(&ev);
}

void runstate_request_vcpu_pause(void)
{
    g_atomic_int_set(&vcpu_pause_requested, 1);
    qemu_notify_event();
}

void qemu_system_shutdown_request(ShutdownCause cause)
{
    g_atomic_int_set(&shutdown_requested, (int)cause + 1);
    qemu_notify_event();
}

void qemu_system_reset_request(ShutdownCause cause)
{
    /* -no-reboot / reboot=shutdown: a reset becomes a shutdown. */
    if (runstate_reboot_action() == REBOOT_ACTION_SHUTDOWN &&
        cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        qemu_system_shutdown_request(cause);
        return;
    }
    g_atomic_int_set(&reset_requested, (int)cause + 1);
    qemu_notify_event();
}

void qemu_system_powerdown_request(void)
{
    g_atomic_int_set(&powerdown_requested, 1);
    qemu_notify_event();
}

void qemu_system_quit_now(void)
{
    runstate_announce_shutdown(RUNSTATE_EVENT_SHUTDOWN,
                               SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    g_atomic_int_set(&quit_requested, 1);
    qemu_notify_event();
}

bool runstate_has_pending_requests(void)
{
    return runstate_signal_pending() || g_atomic_int_get(&quit_requested) ||
           g_atomic_int_get(&shutdown_requested) ||
           g_atomic_int_get(&reset_requested) ||
           g_atomic_int_get(&powerdown_requested) ||
           g_atomic_int_get(&vcpu_pause_requested);
}

static void reset_machine(ShutdownCause cause)
{
    if (hooks.pause_vcpus) {
        hooks.pause_vcpus();
    }
    if (cause != SHUTDOWN_CAUSE_NONE &&
        cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        runstate_announce_shutdown(RUNSTATE_EVENT_RESET, cause);
    }
    if (hooks.reset_machine) {
        hooks.reset_machine();
    }
    if (runstate_is_running()) {
        if (hooks.resume_vcpus) {
            hooks.resume_vcpus();
        }
    } else if (!runstate_check(RUN_STATE_INMIGRATE) &&
               !runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        /* Reset out of a stopped state needs "cont" to run again. */
        runstate_set(RUN_STATE_PRELAUNCH);
    }
}

void qemu_system_restart_after_panic(void)
{
    if (!runstate_check(RUN_STATE_GUEST_PANICKED)) {
        return; /* someone (cont, system_reset, quit) got there first */
    }
    reset_machine(SHUTDOWN_CAUSE_GUEST_PANIC);
    vm_start();
}

bool runstate_process_requests(int *status)
{
    int req;

    *status = 0;
    if (g_atomic_int_get(&quit_requested)) {
        return true;
    }
    if (runstate_signal_take()) {
        /* A signal always powers off, even under -no-shutdown. */
        runstate_announce_shutdown(RUNSTATE_EVENT_SHUTDOWN,
                                   SHUTDOWN_CAUSE_HOST_SIGNAL);
        return true;
    }
    if (g_atomic_int_get(&vcpu_pause_requested)) {
        g_atomic_int_set(&vcpu_pause_requested, 0);
        if (!runstate_is_running() && hooks.pause_vcpus) {
            hooks.pause_vcpus();
        }
    }
    req = g_atomic_int_exchange(&shutdown_requested, 0);
    if (req) {
        ShutdownCause cause = req - 1;

        runstate_announce_shutdown(RUNSTATE_EVENT_SHUTDOWN, cause);
        if (runstate_shutdown_action() == SHUTDOWN_ACTION_PAUSE) {
            vm_stop(RUN_STATE_SHUTDOWN);
        } else {
            if (cause == SHUTDOWN_CAUSE_GUEST_PANIC &&
                runstate_panic_action() == PANIC_ACTION_EXIT_FAILURE) {
                *status = 1;
            }
            return true;
        }
    }
    req = g_atomic_int_exchange(&reset_requested, 0);
    if (req) {
        reset_machine(req - 1);
    }
    if (g_atomic_int_exchange(&powerdown_requested, 0)) {
        runstate_announce_kind(RUNSTATE_EVENT_POWERDOWN);
        if (hooks.powerdown) {
            hooks.powerdown();
        }
    }
    return false;
}
