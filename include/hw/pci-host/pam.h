/*
 * PAM and SMRAM: how the i440FX steers 0xA0000-0xFFFFF.
 *
 * The i440FX model (hw/pci-host/i440fx.c) owns the registers: PAM0-PAM6
 * at config offsets 0x59-0x5f and SMRAM at 0x72.  The board
 * (hw/i386/pc-pam.c) owns what they mean for guest-physical memory: which
 * 16 KiB segments of 0xC0000-0xFFFFF show RAM and which show the ROM side,
 * for qtest accesses, emulated accesses and the accelerator's RAM slots
 * alike.  All functions expect the BQL.
 */
#ifndef HW_PCI_HOST_PAM_H
#define HW_PCI_HOST_PAM_H

#include "hw/boards.h"

#define I440FX_PAM0   0x59 /* first PAM register; PAM6 is 0x5f */
#define I440FX_NR_PAM 7
#define I440FX_SMRAM  0x72

/*
 * The values the registers take at reset on @ms (QEMU's hardware reset
 * values, or, when Vigil boots a kernel directly with no firmware, the
 * values firmware would have left).
 */
void pc_pam_reset_values(MachineState *ms, uint8_t pam[I440FX_NR_PAM],
                         uint8_t *smram);

/* The guest (or a qtest client) wrote PAM or SMRAM: apply the values. */
void pc_pam_update(MachineState *ms, const uint8_t pam[I440FX_NR_PAM],
                   uint8_t smram);

#endif /* HW_PCI_HOST_PAM_H */
