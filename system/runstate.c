/*
 * Run states and the requests that change them.
 *
 * Devices and accelerators record requests (shutdown, reset, powerdown)
 * from any thread; the main loop acts on them in
 * runstate_process_requests().  That split gives QEMU's event order: a
 * panic emits GUEST_PANICKED and STOP at once, SHUTDOWN only from the
 * main loop.  The transition table is QEMU's; an illegal transition is
 * logged and refused instead of aborting the process.
 */
#include "system/runstate.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "monitor/qmp-events.h"
#include "qemu/timer.h"
#include "system/bql.h"
#include "system/system.h"
#include "system-internal.h"

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

/* Written by the signal handler: plain sig_atomic_t stores only. */
static volatile sig_atomic_t signal_pending;
static volatile sig_atomic_t signal_number;
static volatile pid_t signal_pid;
static bool kill_report_enabled = true;

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
    signal_pending = 0;
}

void runstate_set_hooks(const RunstateHooks *h)
{
    if (h) {
        hooks = *h;
    } else {
        memset(&hooks, 0, sizeof(hooks));
    }
}

static bool runstate_is_live(RunState s)
{
    return s == RUN_STATE_RUNNING || s == RUN_STATE_SUSPENDED;
}

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    if (!runstate_transition_allowed(current_run_state, RUN_STATE_RUNNING)) {
        runstate_set(RUN_STATE_RUNNING); /* logs the refusal */
        return;
    }
    /* QEMU sends RESUME before the state changes and vCPUs run. */
    qapi_event_send_resume();
    qemu_clock_virtual_enable(true);
    runstate_set(RUN_STATE_RUNNING);
    if (hooks.resume_vcpus) {
        hooks.resume_vcpus();
    }
}

bool vm_stop(RunState state)
{
    if (!runstate_is_live(current_run_state)) {
        return false;
    }
    if (!runstate_set(state)) {
        return false;
    }
    qemu_clock_virtual_enable(false);
    if (qemu_in_main_thread()) {
        if (hooks.pause_vcpus) {
            hooks.pause_vcpus();
        }
    } else {
        /*
         * A vCPU cannot wait for itself to stop: the main loop pauses
         * the vCPUs; the caller sees the new state and stops running.
         */
        g_atomic_int_set(&vcpu_pause_requested, 1);
        qemu_notify_event();
    }
    qapi_event_send_stop();
    return true;
}

bool qmp_cont(GError **errp)
{
    if (runstate_needs_reset()) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return false;
    }
    if (runstate_check(RUN_STATE_SUSPENDED)) {
        return true;
    }
    if (runstate_check(RUN_STATE_FINISH_MIGRATE)) {
        error_setg(errp, "Migration is not finalized yet");
        return false;
    }
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        autostart = true;
        return true;
    }
    vm_start();
    return true;
}

void qmp_stop(void)
{
    if (runstate_check(RUN_STATE_INMIGRATE)) {
        autostart = false;
        return;
    }
    vm_stop(RUN_STATE_PAUSED);
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
    qapi_event_send_shutdown(false, SHUTDOWN_CAUSE_HOST_QMP_QUIT);
    g_atomic_int_set(&quit_requested, 1);
    qemu_notify_event();
}

void qemu_system_killed(int signal, pid_t pid)
{
    /* Async-signal-safe: plain stores and a write() in the notifier. */
    signal_number = signal;
    signal_pid = pid;
    signal_pending = 1;
    /* Always write: the handler may run on the main thread just before
     * it goes to sleep in poll(). */
    main_loop_wakeup_from_signal();
}

bool runstate_has_pending_requests(void)
{
    return signal_pending || g_atomic_int_get(&quit_requested) ||
           g_atomic_int_get(&shutdown_requested) ||
           g_atomic_int_get(&reset_requested) ||
           g_atomic_int_get(&powerdown_requested) ||
           g_atomic_int_get(&vcpu_pause_requested);
}

/* First word of /proc/PID/cmdline, as QEMU names the sender. */
static char *pid_name(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *contents = NULL;
    gsize len = 0;

    if (g_file_get_contents(path, &contents, &len, NULL) && len > 0 &&
        contents[0]) {
        return g_strndup(contents, len);
    }
    g_free(path);
    path = g_strdup_printf("/proc/%d/comm", (int)pid);
    g_clear_pointer(&contents, g_free);
    if (g_file_get_contents(path, &contents, &len, NULL) && len > 0) {
        return g_strchomp(g_steal_pointer(&contents));
    }
    return NULL;
}

void runstate_set_kill_report(bool on)
{
    kill_report_enabled = on;
}

static void kill_report(void)
{
    pid_t pid = signal_pid;

    if (!kill_report_enabled) {
        return;
    }

    if (pid == 0) {
        error_report("terminating on signal %d", (int)signal_number);
    } else {
        g_autofree char *name = pid_name(pid);

        error_report("terminating on signal %d from pid %d (%s)",
                     (int)signal_number, (int)pid,
                     name ? name : "<unknown process>");
    }
}

static void reset_machine(ShutdownCause cause)
{
    if (hooks.pause_vcpus) {
        hooks.pause_vcpus();
    }
    if (cause != SHUTDOWN_CAUSE_NONE &&
        cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET) {
        qapi_event_send_reset(shutdown_cause_is_guest(cause), cause);
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

bool runstate_process_requests(int *status)
{
    int req;

    *status = 0;
    if (g_atomic_int_get(&quit_requested)) {
        return true;
    }
    if (signal_pending) {
        /* A signal always powers off, even under -no-shutdown. */
        signal_pending = 0;
        kill_report();
        qapi_event_send_shutdown(false, SHUTDOWN_CAUSE_HOST_SIGNAL);
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

        qapi_event_send_shutdown(shutdown_cause_is_guest(cause), cause);
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
        qapi_event_send_powerdown();
        if (hooks.powerdown) {
            hooks.powerdown();
        }
    }
    return false;
}
