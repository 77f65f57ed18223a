/*
 * Run states, actions and the reasons the machine stops.
 *
 * This is the layer between devices/accelerators and the monitor
 * (docs/devel/layers.rst): devices report what the guest did
 * (qemu_system_guest_panicked, ...); runstate applies the configured
 * action (-action, -no-shutdown, set-action), changes state, stops or
 * resumes vCPUs through the hooks the accelerator's owner registers, and
 * announces what happened to the listeners registered with
 * runstate_add_event_listener() (the monitor turns them into QMP
 * events).  It never knows who caused a request nor who listens.
 *
 * Shutdown/reset/powerdown *requests* are recorded and acted on by the
 * main loop (runstate_process_requests()), as in QEMU, so that the event
 * order is GUEST_PANICKED, STOP, then SHUTDOWN.  All functions expect the
 * BQL.
 *
 * Implementation: runstate.c (states, transitions, events, requests),
 * runstate-action.c (-action and the guest's reports), cpus.c
 * (vm_start/vm_stop, cont/stop), runstate-signal.c (termination
 * signals and the report of who sent them).
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include "qemu/common.h"
#include <sys/types.h>

/* QEMU's RunState enum, same order and names (qapi/run-state.json). */
typedef enum RunState {
    RUN_STATE_DEBUG,
    RUN_STATE_INMIGRATE,
    RUN_STATE_INTERNAL_ERROR,
    RUN_STATE_IO_ERROR,
    RUN_STATE_PAUSED,
    RUN_STATE_POSTMIGRATE,
    RUN_STATE_PRELAUNCH,
    RUN_STATE_FINISH_MIGRATE,
    RUN_STATE_RESTORE_VM,
    RUN_STATE_RUNNING,
    RUN_STATE_SAVE_VM,
    RUN_STATE_SHUTDOWN,
    RUN_STATE_SUSPENDED,
    RUN_STATE_WATCHDOG,
    RUN_STATE_GUEST_PANICKED,
    RUN_STATE_COLO,
    RUN_STATE__MAX
} RunState;

/* ShutdownCause, same order as QEMU; guest causes start at GUEST_SHUTDOWN. */
typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_ERROR,
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
    SHUTDOWN_CAUSE_HOST_SIGNAL,
    SHUTDOWN_CAUSE_HOST_UI,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE_GUEST_PANIC,
    SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
    SHUTDOWN_CAUSE_SNAPSHOT_LOAD,
    SHUTDOWN_CAUSE__MAX
} ShutdownCause;

typedef enum GuestPanicAction {
    GUEST_PANIC_ACTION_PAUSE,
    GUEST_PANIC_ACTION_POWEROFF,
    GUEST_PANIC_ACTION_RUN,
} GuestPanicAction;

/*
 * What a guest said about its panic (QEMU's GuestPanicInformation), for
 * the reports that carry any: the Hyper-V crash MSRs give five
 * parameters (Windows: the bug check code and its four arguments).
 * pvpanic carries none.
 */
typedef enum GuestPanicInformationType {
    GUEST_PANIC_INFORMATION_TYPE_HYPER_V,
} GuestPanicInformationType;

typedef struct GuestPanicInformation {
    GuestPanicInformationType type;
    uint64_t arg[5]; /* hyper-v: arg1..arg5 (crash MSRs P0..P4) */
} GuestPanicInformation;

typedef enum RebootAction {
    REBOOT_ACTION_RESET,
    REBOOT_ACTION_SHUTDOWN
} RebootAction;
typedef enum ShutdownAction {
    SHUTDOWN_ACTION_POWEROFF,
    SHUTDOWN_ACTION_PAUSE
} ShutdownAction;
typedef enum PanicAction {
    PANIC_ACTION_PAUSE,
    PANIC_ACTION_SHUTDOWN,
    PANIC_ACTION_EXIT_FAILURE,
    PANIC_ACTION_NONE,
} PanicAction;
typedef enum WatchdogAction {
    WATCHDOG_ACTION_RESET,
    WATCHDOG_ACTION_SHUTDOWN,
    WATCHDOG_ACTION_POWEROFF,
    WATCHDOG_ACTION_PAUSE,
    WATCHDOG_ACTION_DEBUG,
    WATCHDOG_ACTION_NONE,
    WATCHDOG_ACTION_INJECT_NMI,
} WatchdogAction;

const char *runstate_name(RunState s);            /* "guest-panicked" */
const char *shutdown_cause_name(ShutdownCause c); /* "host-qmp-quit" */
bool shutdown_cause_is_guest(ShutdownCause c);
const char *guest_panic_action_name(GuestPanicAction a);

RunState runstate_get(void);
bool runstate_check(RunState s);
bool runstate_is_running(void);
bool runstate_needs_reset(void); /* shutdown or internal-error */
/* Initial state: prelaunch with -S, else running once vm_start() runs. */
void runstate_init(void);
/*
 * Change the state directly (QEMU's runstate_set).  An illegal
 * transition (QEMU's table) is logged as an internal error and refused:
 * returns false and the state is unchanged.  No event is sent.
 */
bool runstate_set(RunState new_state);
bool runstate_transition_allowed(RunState from, RunState to);

/* -action / set-action.  @key is panic|shutdown|reboot|watchdog. */
bool runstate_set_action(const char *key, const char *value, GError **errp);
void runstate_print_action_help(void); /* "-action help" */
PanicAction runstate_panic_action(void);
ShutdownAction runstate_shutdown_action(void);
RebootAction runstate_reboot_action(void);
WatchdogAction runstate_watchdog_action(void);
/* Back to the defaults (panic=shutdown, shutdown=poweroff, ...); tests. */
void runstate_reset_actions(void);

/* ---- starting and stopping the vCPUs (cpus.c) ---- */

/* false under -S: stay in prelaunch until "cont" (set by main()). */
extern bool autostart;
/* Start vCPUs and enter running; announces RESUME first.  The QMP
 * "cont" semantics (errors in shutdown state) are in qmp_cont(). */
void vm_start(void);
/* Stop vCPUs and enter @state if currently live; announces STOP.
 * Returns true if the state changed. */
bool vm_stop(RunState state);
/* QMP cont / stop with QEMU's errors. */
bool qmp_cont(GError **errp);
void qmp_stop(void);

/* Guest reports (called by devices, with the BQL, any thread). */
void qemu_system_guest_panicked(void);
/* The same, with what the guest reported (NULL: nothing), which
 * GUEST_PANICKED carries as "info". */
void qemu_system_guest_panicked_info(const GuestPanicInformation *info);
void qemu_system_guest_crashloaded(void);
void qemu_system_guest_pvshutdown(void);
/* The calling vCPU triple-faulted: announce it, then request the guest
 * reset a PC does (-no-reboot makes it a shutdown). */
void qemu_system_guest_triple_fault(void);

/*
 * Main thread: a guest held in guest-panicked after a panic starts again
 * at once: RESET {"guest": true, "reason": "guest-panic"}, then RESUME
 * (Vigil's crash-loop policy, system/panic-restart.c).  Nothing happens
 * if the VM is no longer in guest-panicked.
 */
void qemu_system_restart_after_panic(void);

/* Requests (any thread).  Acted on by runstate_process_requests(). */
void qemu_system_shutdown_request(ShutdownCause cause);
void qemu_system_reset_request(ShutdownCause cause);
void qemu_system_powerdown_request(void);
/* QMP quit: emits SHUTDOWN{host-qmp-quit} now and asks the main loop to
 * exit with status 0 once pending output is flushed. */
void qemu_system_quit_now(void);
/* ---- termination signals (runstate-signal.c) ---- */

/* Signal (SIGTERM/SIGINT/SIGHUP) from @pid (0: unknown): an
 * async-signal-safe request; the process powers off with
 * SHUTDOWN{host-signal}, even under -no-shutdown. */
void qemu_system_killed(int signal, pid_t pid);
/*
 * Whether the main loop prints "terminating on signal N from pid P
 * (cmd)" when it acts on a signal (default on).  main() turns it off
 * when a -qtest driver exists, as QEMU stays quiet under a qtest driver.
 */
void runstate_set_kill_report(bool on);

/*
 * Main-loop hook: act on pending requests (announce SHUTDOWN/RESET/
 * POWERDOWN, pause, reset the machine through the reset hook).  Returns
 * true when the process should exit; *status is then the exit status
 * (0, or 1 for panic=exit-failure).
 */
bool runstate_process_requests(int *status);
/* True if a request is pending (so the main loop must not sleep). */
bool runstate_has_pending_requests(void);

/* ---- registrations from the layers above ---- */

/*
 * Hooks set by main(): how to reset the machine (machine_reset(), the
 * one reset routine), the accelerator's vCPU control and the board's
 * power button.  Each may be NULL.  @hooks is copied; NULL clears.
 */
typedef struct RunstateHooks {
    void (*reset_machine)(void); /* devices + board + vCPUs */
    void (*pause_vcpus)(void);   /* returns when all are stopped */
    void (*resume_vcpus)(void);
    void (*powerdown)(void); /* deliver ACPI power button, or NULL */
} RunstateHooks;
void runstate_set_hooks(const RunstateHooks *hooks);

/* What runstate announces; each kind is the QMP event of that name. */
typedef enum RunstateEventKind {
    RUNSTATE_EVENT_SHUTDOWN,          /* guest, reason */
    RUNSTATE_EVENT_POWERDOWN,         /* no data */
    RUNSTATE_EVENT_RESET,             /* guest, reason */
    RUNSTATE_EVENT_STOP,              /* no data */
    RUNSTATE_EVENT_RESUME,            /* no data */
    RUNSTATE_EVENT_GUEST_PANICKED,    /* action, info */
    RUNSTATE_EVENT_GUEST_CRASHLOADED, /* action */
    RUNSTATE_EVENT_GUEST_PVSHUTDOWN,  /* no data */
    /* Not a QMP event (QEMU has none): a vCPU triple-faulted; the reset
     * (or shutdown under -no-reboot) it causes is announced as usual.
     * For listeners such as the panic record. */
    RUNSTATE_EVENT_GUEST_TRIPLE_FAULT,
    RUNSTATE_EVENT__MAX
} RunstateEventKind;

typedef struct RunstateEvent {
    RunstateEventKind kind;
    bool guest;              /* SHUTDOWN, RESET: the guest caused it */
    ShutdownCause reason;    /* SHUTDOWN, RESET */
    GuestPanicAction action; /* GUEST_PANICKED, GUEST_CRASHLOADED */
    /* GUEST_PANICKED: what the guest reported, or NULL (valid only
     * during the listener call). */
    const GuestPanicInformation *info;
} RunstateEvent;

typedef void RunstateEventFn(const RunstateEvent *ev, void *opaque);

/*
 * Listeners are called synchronously, in registration order, on the
 * thread that caused the event (a vCPU thread included), with the BQL
 * held, at the moment QEMU would emit the event: so a listener sees
 * GUEST_PANICKED before STOP, and RESUME before the state changes.  A
 * listener must not call back into runstate.  Adding the same
 * (@fn, @opaque) twice registers it once.
 */
void runstate_add_event_listener(RunstateEventFn *fn, void *opaque);
void runstate_remove_event_listener(RunstateEventFn *fn, void *opaque);
const char *runstate_event_name(RunstateEventKind kind); /* "GUEST_PANICKED" */

#endif /* SYSTEM_RUNSTATE_H */
