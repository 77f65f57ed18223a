/*
 * Clocks and timers.
 *
 * QEMU_CLOCK_VIRTUAL is the guest's time.  Under qtest it only moves with
 * clock_step/clock_set; otherwise it follows the host monotonic clock
 * while the VM runs.  QEMU_CLOCK_REALTIME is host monotonic time.
 * Timers run on the main loop with the BQL held.
 */
#ifndef QEMU_TIMER_H
#define QEMU_TIMER_H

#include "qemu/common.h"

typedef enum QEMUClockType {
    QEMU_CLOCK_REALTIME,
    QEMU_CLOCK_VIRTUAL,
} QEMUClockType;

typedef struct QEMUTimer QEMUTimer;
typedef void QEMUTimerCB(void *opaque);

int64_t qemu_clock_get_ns(QEMUClockType type);

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque);
void timer_free(QEMUTimer *t);
void timer_mod_ns(QEMUTimer *t, int64_t expire_ns);
void timer_del(QEMUTimer *t);
bool timer_pending(QEMUTimer *t);

/* Earliest pending virtual-clock deadline, or -1 if none. */
int64_t qemu_clock_deadline_virtual(void);
/* qtest: make virtual time manual; advance it to @ns and run the timers
 * that expire on the way (in deadline order). */
void qemu_clock_set_manual(bool manual);
void qemu_clock_advance_virtual(int64_t ns);
/* Outside manual mode: run (true) or freeze (false) virtual time; called
 * by runstate when the VM starts and stops. */
void qemu_clock_virtual_enable(bool enable);
/* Run expired virtual/realtime timers (main loop). */
void qemu_clock_run_all_timers(void);
/* Milliseconds until the next realtime/virtual deadline, -1 = none. */
int qemu_timers_poll_timeout_ms(void);

#endif /* QEMU_TIMER_H */
