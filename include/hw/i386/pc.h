/*
 * The "pc" machine: an x86 board with an ISA bus, the legacy devices
 * Linux expects (COM1, RTC, reset), ACPI tables and direct kernel boot.
 *
 * Board wiring is split by responsibility:
 *   pc.c        the MachineClass and the order of things
 *   pc-board.c  legacy board devices (serial, RTC, reset, i8042) and the
 *               board's contribution to the port space
 *   pc-boot.c   direct Linux boot and ACPI tables, built once all
 *               -device options are realized
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "hw/boards.h"

extern const MachineClass pc_machine_class;

/* pc-board.c: create the fixed legacy devices on ms->isa_bus. */
bool pc_board_devices_init(MachineState *ms, GError **errp);
/* pc-boot.c: ACPI tables and (with -kernel) the Linux boot setup. */
bool pc_boot_setup(MachineState *ms, GError **errp);
/* pc-boot.c: system_reset part (reload kernel, rebuild boot params). */
void pc_boot_reset(MachineState *ms);

#endif /* HW_I386_PC_H */
