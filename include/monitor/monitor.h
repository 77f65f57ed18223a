/*
 * QMP monitors.
 *
 * One monitor per -qmp/-qmp-pretty/-mon chardev=X,mode=control.  Each
 * serves one client at a time over its chardev: greeting on connect,
 * capabilities negotiation, then commands and events (see
 * docs/specs/qmp.rst for the exact wire format).
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "qemu/common.h"
#include "chardev/char.h"

/* Attach a QMP monitor to @chr.  Called after the chardev is parsed and
 * before it is opened. */
bool monitor_init_qmp(Chardev *chr, bool pretty, GError **errp);
/* Free every monitor (after the chardevs were flushed). */
void monitor_cleanup(void);
/*
 * --preconfig: from begin() until the client runs x-exit-preconfig, only
 * the commands QEMU allows before machine initialization run (the others
 * fail with QEMU's "permitted only after machine initialization");
 * x-exit-preconfig calls @done (main() leaves its wait) and ends the
 * phase; afterwards it fails with "The command is permitted only before
 * machine initialization".
 */
void monitor_preconfig_begin(void (*done)(void));

/* Called by the main loop to deliver events queued by vCPU threads. */
void monitor_flush_event_queue(void);

#endif /* MONITOR_MONITOR_H */
