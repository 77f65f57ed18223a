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
/* pc-boot.c: free what pc_boot_setup() kept (machine finalize). */
void pc_boot_cleanup(MachineState *ms);

typedef struct AcpiBuildConfig AcpiBuildConfig;
/* pc-boot.c: the ACPI configuration of @ms (hw/acpi/acpi-build.h):
 * vCPU count, and COM1/RTC if the board claimed their ports. */
void pc_acpi_config(MachineState *ms, AcpiBuildConfig *cfg);

/*
 * pc.c: press the ACPI power button (QMP system_powerdown).  main()
 * installs it as RunstateHooks.powerdown.  Sets PWRBTN_STS in the PM
 * block and raises the SCI; a guest with ACPI then shuts down.  No-op
 * when no pc machine exists.  Expects the BQL.
 */
void pc_acpi_powerdown(void);

#endif /* HW_I386_PC_H */
