/*
 * PIIX3: the PCI-to-ISA bridge at 01.0 (8086:7000) of the pc machine.
 *
 * Realizing it creates the machine's ISA bus ("isa.0") behind it; the
 * bus is reached with piix3_isa_bus().  Its config registers above 0x40
 * are storage only (IRQ routing and the rest have no effect in Vigil);
 * their reset values are QEMU's.  Not user-creatable.
 */
#ifndef HW_ISA_PIIX3_H
#define HW_ISA_PIIX3_H

#include "hw/pci/pci.h"

#define TYPE_PIIX3_DEVICE "PIIX3"

extern const DeviceClass piix3_class;

BusState *piix3_isa_bus(DeviceState *piix3);

#endif /* HW_ISA_PIIX3_H */
