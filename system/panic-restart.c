/*
 * The crash-loop brake (-panic-restart): restart a panicked guest with
 * exponential back-off, and give up after too many panics in a window.
 *
 * QEMU leaves restarts to libvirt; this is Vigil's own, for standalone
 * users.  The decision is taken when the record is captured (on the
 * reporting thread, BQL held) so that the record says what will happen;
 * the restart itself runs on the main loop: a timer on the host's
 * monotonic clock, armed from a bottom half (timers belong to the main
 * thread).  While the timer runs the guest is in guest-panicked, so a
 * client may still inspect it, dump it, or take over with cont,
 * system_reset or quit; the timer then finds the state changed and does
 * nothing.
 */
#include "system/panic-record.h"

#include <string.h>

#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "system/runstate.h"

static PanicRestartConfig config;
static GArray *recent; /* int64_t monotonic ms of panics in the window */
static QEMUTimer *timer;
static QEMUBH *arm_bh;
static int64_t pending_delay_ms = -1; /* for arm_bh */
static bool give_up_pending;

static void restart_cb(void *opaque)
{
    qemu_system_restart_after_panic();
}

/* Main thread: arm the timer, or end the process (then=exit-failure). */
static void arm_cb(void *opaque)
{
    if (give_up_pending) {
        give_up_pending = false;
        /* As -action panic=exit-failure: SHUTDOWN guest-panic, status 1. */
        runstate_set_action("panic", "exit-failure", NULL);
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC);
        return;
    }
    if (pending_delay_ms >= 0) {
        timer_mod_ns(timer, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) +
                                pending_delay_ms * 1000000);
        pending_delay_ms = -1;
    }
}

void panic_restart_configure(const PanicRestartConfig *cfg)
{
    config = *cfg;
    if (!config.enabled || timer) {
        return;
    }
    recent = g_array_new(FALSE, FALSE, sizeof(int64_t));
    timer = timer_new_ns(QEMU_CLOCK_REALTIME, restart_cb, NULL);
    arm_bh = qemu_bh_new(arm_cb, NULL);
}

/* The delay before restart number @n (1-based) of the window. */
static int64_t backoff_ms(unsigned n)
{
    int64_t d = config.delay_ms;

    for (unsigned i = 1; i < n && d < config.max_delay_ms; i++) {
        d *= 2;
    }
    return MIN(d, config.max_delay_ms);
}

void panic_restart_decide(json_t *rec)
{
    int64_t now = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) / 1000000;
    const char *action = json_string_value(json_object_get(rec, "action"));
    unsigned n;
    json_t *d;

    if (!config.enabled) {
        return;
    }
    /* Only a guest the panic action holds paused can be restarted. */
    if (!action || strcmp(action, "pause") != 0) {
        json_object_set_new(rec, "restart",
                            json_pack("{s:s}", "decision", "none"));
        return;
    }
    /* Forget panics older than the window, count this one. */
    while (recent->len &&
           now - g_array_index(recent, int64_t, 0) >= config.window_ms) {
        g_array_remove_index(recent, 0);
    }
    g_array_append_val(recent, now);
    n = recent->len;
    d = json_object();
    json_object_set_new(d, "panics-in-window", json_integer(n));
    json_object_set_new(d, "limit", json_integer(config.limit));
    json_object_set_new(d, "window-ms", json_integer(config.window_ms));
    if (n > config.limit) {
        json_object_set_new(d, "decision",
                            json_string(config.exit_on_give_up
                                            ? "give-up-exit"
                                            : "give-up-pause"));
        give_up_pending = config.exit_on_give_up;
    } else {
        pending_delay_ms = backoff_ms(n);
        json_object_set_new(d, "decision", json_string("restart"));
        json_object_set_new(d, "delay-ms", json_integer(pending_delay_ms));
    }
    json_object_set_new(rec, "restart", d);
    if (give_up_pending || pending_delay_ms >= 0) {
        qemu_bh_schedule(arm_bh);
        qemu_notify_event();
    }
}

void panic_restart_cleanup(void)
{
    if (timer) {
        timer_free(timer);
        timer = NULL;
    }
    qemu_bh_delete(arm_bh);
    arm_bh = NULL;
    if (recent) {
        g_array_free(recent, TRUE);
        recent = NULL;
    }
}
