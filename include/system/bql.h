/*
 * The big machine lock ("BQL").
 *
 * Devices, the port/MMIO dispatch, run-state changes and event emission
 * are always called with the lock held.  The main loop holds it except
 * while it sleeps in poll(); each KVM vCPU thread takes it around the
 * handling of one exit.  Under the qtest accelerator only the main thread
 * exists and the lock is never contended.
 */
#ifndef SYSTEM_BQL_H
#define SYSTEM_BQL_H

#include "qemu/common.h"

void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void); /* by the calling thread */

/* True on the thread that runs the main loop. */
bool qemu_in_main_thread(void);
/* Called once by main() on the main thread, before anything else. */
void qemu_main_thread_init(void);

#endif /* SYSTEM_BQL_H */
