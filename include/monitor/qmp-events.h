/*
 * QMP events.
 *
 * Run-state events (SHUTDOWN, STOP, GUEST_PANICKED, ...) are not sent
 * from below: runstate announces them to listeners, and
 * monitor_events_init() registers the monitor's listener, which formats
 * each as the QMP event of the same name (docs/devel/layers.rst).
 * Events of the monitor's own commands (DUMP_COMPLETED) are sent with
 * the functions below.
 *
 * Each event is built with its timestamp (host wall clock, taken once
 * when it is raised) and delivered to every negotiated client of every
 * QMP monitor, in the order raised.  Clients still negotiating do not
 * get it (QEMU drops, not queues).  Safe from any thread with the BQL
 * held: on a vCPU thread the event is queued and the main loop is woken
 * to write it, so a slow client never stalls the guest.
 */
#ifndef MONITOR_QMP_EVENTS_H
#define MONITOR_QMP_EVENTS_H

#include "qemu/common.h"

/* Subscribe the monitor to runstate's events (idempotent); main() and
 * harnesses that build a machine call it before the machine runs. */
void monitor_events_init(void);
/* Unsubscribe (idempotent). */
void monitor_events_cleanup(void);
/* Subscribe to new panic records: the vendor event (qmp-cmds-panic.c). */
void monitor_panic_record_init(void);

/* @status is a DumpStatus name; @error NULL unless the dump failed. */
void qapi_event_send_dump_completed(const char *status, uint64_t completed,
                                    uint64_t total, const char *error);

#endif /* MONITOR_QMP_EVENTS_H */
