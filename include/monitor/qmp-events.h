/*
 * QMP events.  The only way anything below the monitor emits an event.
 *
 * Each call builds the event with its timestamp (host wall clock, taken
 * once at the call) and delivers it to every negotiated client of every
 * QMP monitor, in call order.  Clients still negotiating do not get it
 * (QEMU drops, not queues).  Safe from any thread with the BQL held: on
 * a vCPU thread the event is queued and the main loop is woken to write
 * it, so a slow client never stalls the guest.
 */
#ifndef MONITOR_QMP_EVENTS_H
#define MONITOR_QMP_EVENTS_H

#include "qemu/common.h"
#include "system/runstate.h"

void qapi_event_send_guest_panicked(GuestPanicAction action);
void qapi_event_send_guest_crashloaded(GuestPanicAction action);
void qapi_event_send_guest_pvshutdown(void);
void qapi_event_send_stop(void);
void qapi_event_send_resume(void);
void qapi_event_send_shutdown(bool guest, ShutdownCause reason);
void qapi_event_send_reset(bool guest, ShutdownCause reason);
void qapi_event_send_powerdown(void);
/* @status is a DumpStatus name; @error NULL unless the dump failed. */
void qapi_event_send_dump_completed(const char *status, uint64_t completed,
                                    uint64_t total, const char *error);

#endif /* MONITOR_QMP_EVENTS_H */
