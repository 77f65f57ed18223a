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

/*
 * The versions of the pc machine, newest first.  pc-i440fx-9.2 ("pc")
 * adds the PCI host (i440FX + PIIX3) and fw_cfg; pc-i440fx-9.1 keeps
 * exactly the ISA-only board it had.
 */
extern const MachineClass pc_i440fx_9_2_machine_class;
extern const MachineClass pc_i440fx_9_1_machine_class;

/*
 * pc-pci.c: the PCI host of machines with has_pci: bus pci.0 with the
 * i440FX at 00.0 and the PIIX3 at 01.0; sets ms->pci_bus and
 * ms->isa_bus (the ISA bus behind the PIIX3).
 */
bool pc_pci_init(MachineState *ms, GError **errp);

/*
 * pc-fw-cfg.c: fw_cfg of machines with has_fw_cfg.  init() maps the
 * device and the items known from the command line; done() adds what
 * depends on the realized devices (files such as etc/vmcoreinfo).
 */
bool pc_fw_cfg_init(MachineState *ms, GError **errp);
bool pc_fw_cfg_done(MachineState *ms, GError **errp);

/*
 * pc-board.c: QEMU 7.2's QOM path of a board device (docs/system/
 * machines.rst).  QEMU numbers /machine/unattached/device[N] in creation
 * order: the vCPUs with a kvmvapic after the first, then the board's
 * devices, counting those Vigil does not have (DMA, PIC, HPET, PIT, ...)
 * and leaving out the HPET with hpet=off and vmport/vmmouse with
 * vmport=off (system/system.h machine_opts).  @slot is the device's
 * place among the board's devices (PC_QOM_*, COM ports not counted);
 * @serial_index the COM port's number among those present (only for
 * PC_QOM_SERIAL).  Caller frees.
 */
enum {
    PC_QOM_I440FX = 0, /* after it: PIIX3, 2 x i8257, 2 x isa-i8259 */
    PC_QOM_PIIX3 = 1,
    PC_QOM_HPET = 6,
    PC_QOM_RTC = 7,     /* then isa-pit, isa-pcspk */
    PC_QOM_SERIAL = 10, /* the COM ports present, then isa-fdc */
    PC_QOM_I8042 = 11,
    PC_QOM_VMPORT = 12, /* then vmmouse, port92, piix3-ide */
    PC_QOM_PM = 16,     /* PIIX4_PM, QEMU's "acpi-device" */
};
char *pc_board_qom_path(const MachineState *ms, unsigned slot,
                        unsigned serial_index);
/* The i440FX host bridge: "/machine/i440fx". */
#define PC_QOM_PCIHOST_PATH "/machine/i440fx"

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
