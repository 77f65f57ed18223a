/*
 * The machine types (-M) and device types (-device) this binary offers
 * (hw/catalog.c).  One explicit list of each instead of constructor-time
 * registration: what a binary (or a unit test linking libvigil) contains
 * is visible in one file.  The lists name every board and device, so
 * they sit above them, at the board layer (docs/devel/layers.rst), and
 * hw/core/ stays ignorant of any particular device or board.
 */
#ifndef HW_CATALOG_H
#define HW_CATALOG_H

#include "hw/boards.h"

const MachineClass *const *machine_all_types(size_t *count);
const MachineClass *machine_find_type(const char *name); /* name or alias */
const MachineClass *machine_default_type(void);
/* -M help, QEMU format ("Supported machines are:" ...). */
void machine_print_help(void);

/* Every concrete device type, sorted by name (-device help, qom-*). */
const DeviceClass *const *qdev_all_types(size_t *count);
/* By name or alias; NULL if unknown. */
const DeviceClass *qdev_find_type(const char *name);

#endif /* HW_CATALOG_H */
