/*
 * The ISA bus: devices that own fixed I/O ports.
 *
 * ISADevice embeds DeviceState first.  isa_register_ioport() maps a
 * MemoryRegion into the machine's port space at @port; overlapping claims
 * fail with a message naming both devices.
 */
#ifndef HW_ISA_ISA_H
#define HW_ISA_ISA_H

#include "hw/core/qdev.h"
#include "system/memory.h"

#define TYPE_ISA_BUS    "ISA"
#define TYPE_ISA_DEVICE "isa-device"

typedef struct ISADevice {
    DeviceState parent_obj;
} ISADevice;

/* Create the machine's ISA bus ("isa.0") over the port space @io. */
BusState *isa_bus_new(AddressSpace *io);

bool isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t port,
                         GError **errp);
void isa_unregister_ioport(ISADevice *dev, MemoryRegion *mr);

#endif /* HW_ISA_ISA_H */
