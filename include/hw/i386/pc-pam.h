/*
 * The pc board's side of PAM and SMRAM (what the registers described in
 * hw/pci-host/pam.h do to guest-physical memory).  The i440FX reaches
 * these through the I440FXPamHooks that hw/i386/pc-pci.c installs, so the
 * device never calls up into the board.  All functions expect the BQL.
 */
#ifndef HW_I386_PC_PAM_H
#define HW_I386_PC_PAM_H

#include "hw/boards.h"
#include "hw/pci-host/pam.h"

/*
 * The values the registers take at reset on @ms, applied to memory as
 * pc_pam_update() does: QEMU's hardware reset values (PAM 0, SMRAM 0x02)
 * when a -bios firmware runs; when Vigil boots a kernel directly (no
 * firmware), the values firmware leaves behind: every segment RAM
 * (PAM0 0x30, PAM1-6 0x33), so the ACPI tables at 0xE0000 stay visible.
 * ms->firmware is only known once the machine is done: pc_boot_setup()
 * resets the devices of has_pci machines once more then, as QEMU resets
 * a machine before it starts.
 */
void pc_pam_reset_values(MachineState *ms, uint8_t pam[I440FX_NR_PAM],
                         uint8_t *smram);

/* The guest (or a qtest client) wrote PAM or SMRAM: apply the values. */
void pc_pam_update(MachineState *ms, const uint8_t pam[I440FX_NR_PAM],
                   uint8_t smram);

/*
 * Board side (hw/i386/pc-boot.c).  pc_pam_set_bios: the ROM side of
 * 0xE0000-0xFFFFF becomes the last MIN(@len, 128 KiB) bytes of the -bios
 * @image (copied).  pc_pam_cleanup: unmap and free everything (machine
 * finalize); no-op if nothing was set up.
 */
void pc_pam_set_bios(MachineState *ms, const uint8_t *image, size_t len);
void pc_pam_cleanup(MachineState *ms);

#endif /* HW_I386_PC_PAM_H */
