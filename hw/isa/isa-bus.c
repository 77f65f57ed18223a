/*
 * The ISA bus: a named bus over the machine's port space.
 *
 * Ports are claimed in the one "io" address space, so an ISA claim and
 * any other port claim collide with the same overlap message.  The bus
 * never allows hotplug: ISA devices are fixed at start-up.
 */
#include "hw/isa/isa.h"

BusState *isa_bus_new(AddressSpace *io)
{
    BusState *bus = qbus_new(TYPE_ISA_BUS, "isa.0", NULL);

    bus->opaque = io;
    bus->hotplug_allowed = false;
    return bus;
}

/* Name used in overlap messages: what the user called the device. */
static const char *isa_owner_name(ISADevice *dev)
{
    DeviceState *d = &dev->parent_obj;

    return d->id ? d->id : d->klass->name;
}

bool isa_register_ioport(ISADevice *dev, MemoryRegion *mr, uint16_t port,
                         GError **errp)
{
    BusState *bus = dev->parent_obj.parent_bus;

    if (!bus || !bus->opaque) {
        error_setg(errp, "No 'ISA' bus found for device '%s'",
                   dev->parent_obj.klass->name);
        return false;
    }
    return address_space_map(bus->opaque, mr, port, isa_owner_name(dev), errp);
}

void isa_unregister_ioport(ISADevice *dev, MemoryRegion *mr)
{
    BusState *bus = dev->parent_obj.parent_bus;

    if (bus && bus->opaque && mr->mapped) {
        address_space_unmap(bus->opaque, mr);
    }
}
