/*
 * PAM and SMRAM: how the i440FX steers 0xA0000-0xFFFFF.
 *
 * The i440FX model (hw/pci-host/i440fx.c) owns the registers: PAM0-PAM6
 * at config offsets 0x59-0x5f and SMRAM at 0x72, and reports them through
 * the hooks the board gives it (I440FXPamHooks).  The board
 * (hw/i386/pc-pam.c, include/hw/i386/pc-pam.h) owns what they mean for
 * guest-physical memory: which
 * 16 KiB segments of 0xC0000-0xFFFFF show RAM and which show the ROM side,
 * for qtest accesses, emulated accesses and the accelerator's RAM slots
 * alike (MachineState.low_rom_mask).  All functions expect the BQL.
 *
 * What the values mean (as QEMU behaves, docs/system/machines.rst):
 *   PAM0 high nibble: 0xF0000-0xFFFFF; PAM1-6: 0xC0000-0xEFFFF, 16 KiB
 *   per nibble, low nibble first.  PAM0's low nibble is reserved.
 *   Mode 0: the ROM side (0xC0000-0xDFFFF the zero-filled option-ROM
 *   area, 0xE0000-0xFFFFF the last 128 KiB of the -bios image), writes
 *   dropped.  Modes 1, 2 and 3: RAM, read and written (QEMU does not
 *   enforce 1 = read-only or 2 = write-only either).
 *   SMRAM: every bit writable, no effect: without VGA, 0xA0000-0xBFFFF
 *   is RAM whatever it says.
 */
#ifndef HW_PCI_HOST_PAM_H
#define HW_PCI_HOST_PAM_H

#include "hw/boards.h"

#define I440FX_PAM0   0x59 /* first PAM register; PAM6 is 0x5f */
#define I440FX_NR_PAM 7
#define I440FX_SMRAM  0x72

#endif /* HW_PCI_HOST_PAM_H */
