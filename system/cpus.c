/*
 * Starting and stopping the vCPUs: vm_start(), vm_stop() and the QMP
 * cont/stop semantics on top of them.
 *
 * The vCPUs themselves belong to the accelerator, which sits above this
 * layer: they are reached only through the pause/resume hooks main()
 * registers (runstate_set_hooks()).
 */
#include "system/runstate.h"

#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "runstate-internal.h"
#include "system/bql.h"

bool autostart = true;

static bool runstate_is_live(RunState s)
{
    return s == RUN_STATE_RUNNING || s == RUN_STATE_SUSPENDED;
}

void vm_start(void)
{
    const RunstateHooks *hooks = runstate_hooks();

    if (runstate_is_running()) {
        return;
    }
    if (!runstate_transition_allowed(runstate_get(), RUN_STATE_RUNNING)) {
        runstate_set(RUN_STATE_RUNNING); /* logs the refusal */
        return;
    }
    /* QEMU sends RESUME before the state changes and vCPUs run. */
    runstate_announce_kind(RUNSTATE_EVENT_RESUME);
    qemu_clock_virtual_enable(true);
    runstate_set(RUN_STATE_RUNNING);
    if (hooks->resume_vcpus) {
        hooks->resume_vcpus();
    }
}

bool vm_stop(RunState state)
{
    const RunstateHooks *hooks = runstate_hooks();

    if (!runstate_is_live(runstate_get())) {
        return false;
    }
    if (!runstate_set(state)) {
        return false;
    }
    qemu_clock_virtual_enable(false);
    if (qemu_in_main_thread()) {
        if (hooks->pause_vcpus) {
            hooks->pause_vcpus();
        }
    } else {
        /*
         * A vCPU cannot wait for itself to stop: the main loop pauses
         * the vCPUs; the caller sees the new state and stops running.
         */
        runstate_request_vcpu_pause();
    }
    runstate_announce_kind(RUNSTATE_EVENT_STOP);
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
