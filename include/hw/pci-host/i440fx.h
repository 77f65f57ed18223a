/*
 * The i440FX PCI host: configuration mechanism #1 and the 00.0 function.
 *
 * Two device types, as in QEMU: "i440FX-pcihost" sits on the system bus,
 * owns the configuration ports (0xcf8 address, 0xcfc-0xcff data) and the
 * bus "pci.0"; "i440FX" is its PCI function 00.0 (8086:1237), whose PAM
 * and SMRAM registers drive hw/pci-host/pam.h.  Neither is
 * user-creatable: the board (hw/i386/pc-pci.c) creates both.
 *
 * Port contract (docs/specs/pci.rst): 0xcf8 takes 32-bit accesses only
 * and keeps all 32 bits; narrower accesses read 0 and are dropped.  A
 * data access of N bytes at 0xcfc + k must be N-aligned (else it reads 0
 * and is dropped); it reaches register (CF8 | k) & 0xff of bus
 * CF8[23:16], device CF8[15:11], function CF8[10:8] when CF8 bit 31 is
 * set; bits 30:24 are ignored.  A disabled cycle, a bus other than 0 or
 * an absent function reads all ones and drops writes.
 */
#ifndef HW_PCI_HOST_I440FX_H
#define HW_PCI_HOST_I440FX_H

#include "hw/boards.h"
#include "hw/pci-host/pam.h"
#include "hw/pci/pci.h"

#define TYPE_I440FX_PCI_HOST   "i440FX-pcihost"
#define TYPE_I440FX_PCI_DEVICE "i440FX"

#define PCI_CONFIG_ADDR_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT 0xcfc

extern const DeviceClass i440fx_pcihost_class;
extern const DeviceClass i440fx_class;

/*
 * What PAM0-6 and SMRAM mean is the board's (hw/pci-host/pam.h); the
 * board hands its functions to the 00.0 function before realize, so this
 * layer calls no board code.  Without hooks the registers reset to
 * QEMU's hardware values (PAM 0, SMRAM 0x02) and writes only store.
 */
typedef struct I440FXPamHooks {
    void (*reset_values)(MachineState *ms, uint8_t pam[I440FX_NR_PAM],
                         uint8_t *smram);
    void (*update)(MachineState *ms, const uint8_t pam[I440FX_NR_PAM],
                   uint8_t smram);
} I440FXPamHooks;

void i440fx_set_pam_hooks(DeviceState *i440fx, const I440FXPamHooks *hooks);

/* The host's bus "pci.0" (after realize). */
BusState *i440fx_pcihost_bus(DeviceState *host);

/*
 * The PCI holes QEMU's host bridge reports as QOM properties (not qdev
 * properties: "info qtree" does not list them): 32-bit from the end of
 * low RAM to the IOAPIC at 0xfec00000, 64-bit from the 1 GiB boundary
 * after high RAM, 2 GiB long.  Valid once @host is realized.
 */
typedef struct I440FXHostHoles {
    uint64_t start, end, start64, end64, size64;
} I440FXHostHoles;
void i440fx_pcihost_holes(DeviceState *host, I440FXHostHoles *holes);

#endif /* HW_PCI_HOST_I440FX_H */
