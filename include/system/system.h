/*
 * Machine-wide configuration from the command line that more than one
 * room needs.  Filled by main() before the machine is built; read-only
 * afterwards.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "qemu/common.h"
#include "chardev/char.h"

#define MAX_SERIAL_PORTS 4

/* false under -S: stay in prelaunch until "cont". */
extern bool autostart;
/* -name guest name, or NULL. */
extern const char *qemu_name;

/* -serial N (or -nographic's implicit stdio); NULL when absent. */
Chardev *serial_hd(int i);
void serial_hd_set(int i, Chardev *chr);

#endif /* SYSTEM_SYSTEM_H */
