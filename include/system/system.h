/*
 * Machine-wide configuration from the command line that more than one
 * room needs (system/system.c).  Filled by main() before the machine is
 * built; read-only afterwards.  A "config" layer just above chardev
 * (docs/devel/layers.rst): the board and the monitor read it.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "qemu/common.h"
#include "chardev/char.h"

#define MAX_SERIAL_PORTS 4

/* -name guest name, or NULL. */
extern const char *qemu_name;

/* -serial N (or -nographic's implicit stdio); NULL when absent. */
Chardev *serial_hd(int i);
void serial_hd_set(int i, Chardev *chr);

#endif /* SYSTEM_SYSTEM_H */
