/*
 * Termination signals (SIGTERM, SIGINT, SIGHUP) as run-state requests,
 * and QEMU's report of who sent them:
 *   "terminating on signal 15 from pid 1234 (/usr/bin/kill)".
 *
 * os-posix.c installs the handler; the handler only records here
 * (async-signal-safe stores and an eventfd write); the main loop acts on
 * the record in runstate_process_requests(), where reading /proc to name
 * the sender is allowed.
 */
#include "system/runstate.h"

#include <signal.h>

#include "qemu/main-loop.h"
#include "runstate-internal.h"

/* Written by the signal handler: plain sig_atomic_t stores only. */
static volatile sig_atomic_t signal_pending;
static volatile sig_atomic_t signal_number;
static volatile pid_t signal_pid;
static bool kill_report_enabled = true;

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

bool runstate_signal_pending(void)
{
    return signal_pending;
}

void runstate_signal_clear(void)
{
    signal_pending = 0;
}

void runstate_set_kill_report(bool on)
{
    kill_report_enabled = on;
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

bool runstate_signal_take(void)
{
    if (!signal_pending) {
        return false;
    }
    signal_pending = 0;
    kill_report();
    return true;
}
