/*
 * Private to the run-state files (runstate.c, runstate-action.c,
 * cpus.c, runstate-signal.c): how they share the hooks, the event
 * listeners and the pending requests.  Part of the runstate layer
 * (docs/devel/layers.rst): nothing here may reach above it.
 */
#ifndef SYSTEM_RUNSTATE_INTERNAL_H
#define SYSTEM_RUNSTATE_INTERNAL_H

#include "system/runstate.h"

/* runstate.c */
/* Tell every listener; @ev's unused members are ignored. */
void runstate_announce(const RunstateEvent *ev);
void runstate_announce_kind(RunstateEventKind kind); /* no data */
void runstate_announce_shutdown(RunstateEventKind kind, ShutdownCause cause);
void runstate_announce_panic(RunstateEventKind kind, GuestPanicAction action,
                             const GuestPanicInformation *info);
/* The registered hooks (all NULL until runstate_set_hooks()). */
const RunstateHooks *runstate_hooks(void);
/* A vCPU thread stopped the VM: the main loop pauses the vCPUs. */
void runstate_request_vcpu_pause(void);

/* runstate-signal.c */
/* A termination signal arrived and was not acted on yet. */
bool runstate_signal_pending(void);
/* Forget a pending signal (runstate_init()). */
void runstate_signal_clear(void);
/* Act on a pending signal: clear it and print who sent it (unless
 * runstate_set_kill_report(false)).  Returns false if none was pending. */
bool runstate_signal_take(void);

#endif /* SYSTEM_RUNSTATE_INTERNAL_H */
