/*
 * -action / set-action and what the guest's reports do with them.
 *
 * One table describes the four action keys and their values; parsing,
 * "-action help" and QMP set-action all read it.
 */
#include "system/runstate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "qemu/log.h"
#include "runstate-internal.h"

static int reboot_action = REBOOT_ACTION_RESET;
static int shutdown_action = SHUTDOWN_ACTION_POWEROFF;
static int panic_action = PANIC_ACTION_SHUTDOWN;
static int watchdog_action = WATCHDOG_ACTION_RESET;

static const char *const reboot_values[] = {"reset", "shutdown", NULL};
static const char *const shutdown_values[] = {"poweroff", "pause", NULL};
static const char *const panic_values[] = {"pause", "shutdown", "exit-failure",
                                           "none", NULL};
static const char *const watchdog_values[] = {
    "reset", "shutdown", "poweroff",   "pause",
    "debug", "none",     "inject-nmi", NULL,
};

typedef struct ActionKey {
    const char *key;
    const char *const *values; /* index = enum value */
    int *var;
} ActionKey;

/* Sorted by key: "-action help" lists them in this order. */
static const ActionKey action_keys[] = {
    {"panic", panic_values, &panic_action},
    {"reboot", reboot_values, &reboot_action},
    {"shutdown", shutdown_values, &shutdown_action},
    {"watchdog", watchdog_values, &watchdog_action},
};

bool runstate_set_action(const char *key, const char *value, GError **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(action_keys); i++) {
        const ActionKey *ak = &action_keys[i];

        if (strcmp(ak->key, key)) {
            continue;
        }
        for (int v = 0; ak->values[v]; v++) {
            if (!strcmp(ak->values[v], value)) {
                *ak->var = v;
                return true;
            }
        }
        error_setg(errp, "Parameter '%s' does not accept value '%s'", key,
                   value);
        return false;
    }
    error_setg(errp, "Parameter '%s' is unexpected", key);
    return false;
}

void runstate_print_action_help(void)
{
    printf("action options:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(action_keys); i++) {
        printf("  %s=<str>\n", action_keys[i].key);
    }
}

PanicAction runstate_panic_action(void)
{
    return panic_action;
}

ShutdownAction runstate_shutdown_action(void)
{
    return shutdown_action;
}

RebootAction runstate_reboot_action(void)
{
    return reboot_action;
}

WatchdogAction runstate_watchdog_action(void)
{
    return watchdog_action;
}

void runstate_reset_actions(void)
{
    reboot_action = REBOOT_ACTION_RESET;
    shutdown_action = SHUTDOWN_ACTION_POWEROFF;
    panic_action = PANIC_ACTION_SHUTDOWN;
    watchdog_action = WATCHDOG_ACTION_RESET;
}

/*
 * QEMU's panic table: pause (or shutdown under shutdown=pause) stops in
 * guest-panicked; shutdown/exit-failure stop and then request a shutdown
 * that the main loop carries out; none only reports.
 */
void qemu_system_guest_panicked_info(const GuestPanicInformation *info)
{
    qemu_log_mask(LOG_GUEST_ERROR, "Guest crashed\n");
    if (panic_action == PANIC_ACTION_PAUSE ||
        (panic_action == PANIC_ACTION_SHUTDOWN &&
         shutdown_action == SHUTDOWN_ACTION_PAUSE)) {
        runstate_announce_panic(RUNSTATE_EVENT_GUEST_PANICKED,
                                GUEST_PANIC_ACTION_PAUSE, info);
        vm_stop(RUN_STATE_GUEST_PANICKED);
    } else if (panic_action == PANIC_ACTION_SHUTDOWN ||
               panic_action == PANIC_ACTION_EXIT_FAILURE) {
        runstate_announce_panic(RUNSTATE_EVENT_GUEST_PANICKED,
                                GUEST_PANIC_ACTION_POWEROFF, info);
        vm_stop(RUN_STATE_GUEST_PANICKED);
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC);
    } else {
        runstate_announce_panic(RUNSTATE_EVENT_GUEST_PANICKED,
                                GUEST_PANIC_ACTION_RUN, info);
    }
    /* As QEMU, after the event: the parameters in the log too. */
    if (info && info->type == GUEST_PANIC_INFORMATION_TYPE_HYPER_V) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "\nHV crash parameters: (%#" PRIx64 " %#" PRIx64
                      " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 ")\n",
                      info->arg[0], info->arg[1], info->arg[2], info->arg[3],
                      info->arg[4]);
    }
}

void qemu_system_guest_panicked(void)
{
    qemu_system_guest_panicked_info(NULL);
}

void qemu_system_guest_crashloaded(void)
{
    /* The guest handles it (kdump): only report. */
    qemu_log_mask(LOG_GUEST_ERROR, "Guest crash loaded\n");
    runstate_announce_panic(RUNSTATE_EVENT_GUEST_CRASHLOADED,
                            GUEST_PANIC_ACTION_RUN, NULL);
}

void qemu_system_guest_triple_fault(void)
{
    runstate_announce_kind(RUNSTATE_EVENT_GUEST_TRIPLE_FAULT);
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
}

void qemu_system_guest_pvshutdown(void)
{
    runstate_announce_kind(RUNSTATE_EVENT_GUEST_PVSHUTDOWN);
    qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
}
