/*
 * The conventional PCI bus: slots, "addr" parsing, lookups by devfn.
 *
 * The qdev BusState keeps devices in realize order (for reset and
 * "info qtree"); the PCIBus beside it indexes them by devfn, which is
 * what configuration cycles and the monitor's listings need.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hw/pci/pci.h"

typedef struct PCIBus {
    PCIDevice *devices[PCI_SLOT_MAX * PCI_FUNC_MAX];
} PCIBus;

/* "info qtree": QEMU prints the PCI address unquoted, SLOT.FN. */
static bool pci_qtree_print_prop(GString *out, DeviceState *dev,
                                 const Property *prop, int indent)
{
    int devfn;

    if (strcmp(prop->name, "addr") != 0 || !qdev_is_pci_device(dev)) {
        return false;
    }
    devfn = pci_device_devfn(pci_device_of(dev));
    g_string_append_printf(out, "%*saddr = %02x.%x\n", indent, "",
                           PCI_SLOT(devfn), PCI_FUNC(devfn));
    return true;
}

/* "info qtree": QEMU's class, address and BAR lines of a PCI device. */
static void pci_qtree_print_dev(GString *out, DeviceState *dev, int indent)
{
    PCIDevice *d;
    uint16_t class_id;
    const char *desc;
    int devfn;

    if (!qdev_is_pci_device(dev)) {
        return;
    }
    d = pci_device_of(dev);
    class_id = pci_get_word(d->config + PCI_CLASS_DEVICE);
    desc = pci_class_name(class_id);
    devfn = pci_device_devfn(d);
    g_string_append_printf(out, "%*sclass ", indent, "");
    if (desc) {
        g_string_append_printf(out, "%s", desc);
    } else {
        g_string_append_printf(out, "Class %04x", class_id);
    }
    g_string_append_printf(
        out, ", addr 00:%02x.%x, pci id %04x:%04x (sub %04x:%04x)\n",
        PCI_SLOT(devfn), PCI_FUNC(devfn),
        pci_get_word(d->config + PCI_VENDOR_ID),
        pci_get_word(d->config + PCI_DEVICE_ID),
        pci_get_word(d->config + PCI_SUBSYSTEM_VENDOR_ID),
        pci_get_word(d->config + PCI_SUBSYSTEM_ID));
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        uint64_t size = pci_bar_size(d, i);

        if (!size) {
            continue;
        }
        g_string_append_printf(
            out, "%*sbar %d: %s at 0x%" PRIx64 " [0x%" PRIx64 "]\n", indent, "",
            i, (d->bars[i].type & PCI_BASE_ADDRESS_SPACE_IO) ? "i/o" : "mem",
            d->bars[i].addr, d->bars[i].addr + size - 1);
    }
}

BusState *pci_bus_new(const char *name, DeviceState *host_bridge)
{
    BusState *bus = qbus_new(TYPE_PCI_BUS, name, host_bridge);

    bus->opaque = g_new0(PCIBus, 1);
    bus->qtree_newest_first = true;
    bus->qtree_print_prop = pci_qtree_print_prop;
    bus->qtree_print_dev = pci_qtree_print_dev;
    /* No hotplug controller yet: devices are fixed at start-up. */
    bus->hotplug_allowed = false;
    return bus;
}

void pci_bus_free(BusState *bus)
{
    if (!bus) {
        return;
    }
    g_free(bus->opaque);
    bus->opaque = NULL;
    qbus_free(bus);
}

static PCIBus *pci_bus_of(BusState *bus)
{
    return (bus && bus->opaque && strcmp(bus->type, TYPE_PCI_BUS) == 0)
               ? bus->opaque
               : NULL;
}

PCIDevice *pci_bus_find_device(BusState *bus, int devfn)
{
    PCIBus *pb = pci_bus_of(bus);

    if (!pb || devfn < 0 || devfn >= (int)G_N_ELEMENTS(pb->devices)) {
        return NULL;
    }
    return pb->devices[devfn];
}

void pci_bus_foreach_device(BusState *bus,
                            void (*fn)(PCIDevice *d, void *opaque),
                            void *opaque)
{
    PCIBus *pb = pci_bus_of(bus);

    for (size_t i = 0; pb && i < G_N_ELEMENTS(pb->devices); i++) {
        if (pb->devices[i]) {
            fn(pb->devices[i], opaque);
        }
    }
}

bool qdev_is_pci_device(const DeviceState *dev)
{
    return dev->klass->bus_type &&
           strcmp(dev->klass->bus_type, TYPE_PCI_BUS) == 0;
}

PCIDevice *pci_device_of(DeviceState *dev)
{
    g_assert(qdev_is_pci_device(dev));
    return container_of(dev, PCIDevice, parent_obj);
}

/*
 * "SLOT[.FN]" in hex, QEMU's syntax: strtoul's, so leading blanks, a sign
 * and "0x" are taken as QEMU takes them ("0x5" is slot 5, "-1" is no
 * slot at all); slot <= 0x1f, function <= 7, nothing after.
 */
int pci_parse_devfn(const char *text)
{
    unsigned long slot, fn = 0;
    const char *p = text;
    char *end;

    slot = strtoul(p, &end, 16);
    if (end == p) {
        return -1;
    }
    if (*end == '.') {
        p = end + 1;
        fn = strtoul(p, &end, 16);
        if (end == p) {
            return -1;
        }
    }
    if (*end || slot >= PCI_SLOT_MAX || fn >= PCI_FUNC_MAX) {
        return -1;
    }
    return PCI_DEVFN(slot, fn);
}

/* QEMU refuses a malformed "addr" when it is set, not at realize. */
static bool pci_devfn_check(const void *obj, const Property *prop,
                            const char *text, GError **errp)
{
    const DeviceState *dev = obj;

    if (pci_parse_devfn(text) < 0) {
        error_setg(errp, "Property '%s.%s' doesn't take value '%s'",
                   dev->klass->name, prop->name, text);
        return false;
    }
    return true;
}

/* An integer "addr" is QEMU's devfn itself; -1 is "first free slot". */
static bool pci_devfn_from_int(const Property *prop, int64_t val, char **text,
                               GError **errp)
{
    if (val < -1 || val > 255) {
        error_setg(errp, "Parameter '%s' expects a value between -1 and 255",
                   prop->name);
        return false;
    }
    *text = val < 0 ? NULL
                    : g_strdup_printf("%x.%x", (unsigned)PCI_SLOT(val),
                                      (unsigned)PCI_FUNC(val));
    return true;
}

const PropertyTextHooks pci_devfn_hooks = {
    .check = pci_devfn_check,
    .from_int = pci_devfn_from_int,
    .type_error = "expected int or str",
};

static const char *id_text(const DeviceState *dev)
{
    /* QEMU prints a missing id through printf's "%s" of NULL. */
    return dev->id ? dev->id : "(null)";
}

static bool pci_is_multifunction(PCIDevice *d)
{
    return d->config[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MULTI_FUNCTION;
}

/*
 * QEMU's rule: a function other than 0 needs function 0 of its slot
 * empty or multi-function; a single-function device at function 0 needs
 * the slot's other functions empty.
 */
static bool pci_check_multifunction(PCIBus *pb, PCIDevice *d, int devfn,
                                    GError **errp)
{
    int slot = PCI_SLOT(devfn);
    PCIDevice *f0 = pb->devices[PCI_DEVFN(slot, 0)];

    if (PCI_FUNC(devfn) != 0) {
        if (f0 && !pci_is_multifunction(f0)) {
            error_setg(errp,
                       "PCI: single function device can't be populated in "
                       "function %x.%x",
                       slot, PCI_FUNC(devfn));
            return false;
        }
        return true;
    }
    for (int fn = 1; fn < PCI_FUNC_MAX && !pci_is_multifunction(d); fn++) {
        if (pb->devices[PCI_DEVFN(slot, fn)]) {
            error_setg(errp,
                       "PCI: %x.0 indicates single function, but %x.%x is "
                       "already populated.",
                       slot, slot, fn);
            return false;
        }
    }
    return true;
}

bool pci_device_realize(PCIDevice *d, GError **errp)
{
    DeviceState *dev = &d->parent_obj;
    PCIBus *pb = pci_bus_of(dev->parent_bus);
    const char *name = dev->klass->name;
    int devfn;

    if (!pb) {
        error_setg(errp, "No '%s' bus found for device '%s'", TYPE_PCI_BUS,
                   name);
        return false;
    }
    if (d->addr) {
        PCIDevice *other;

        devfn = pci_parse_devfn(d->addr);
        if (devfn < 0) {
            error_setg(errp, "Property '%s.addr' doesn't take value '%s'", name,
                       d->addr);
            return false;
        }
        other = pb->devices[devfn];
        if (other) {
            error_setg(errp,
                       "PCI: slot %d function %d not available for %s, in "
                       "use by %s,id=%s",
                       PCI_SLOT(devfn), PCI_FUNC(devfn), name,
                       other->parent_obj.klass->name,
                       id_text(&other->parent_obj));
            return false;
        }
    } else {
        /* The first slot whose function 0 is free, as QEMU picks. */
        for (devfn = 0; devfn < (int)G_N_ELEMENTS(pb->devices);
             devfn += PCI_FUNC_MAX) {
            if (!pb->devices[devfn]) {
                break;
            }
        }
        if (devfn >= (int)G_N_ELEMENTS(pb->devices)) {
            error_setg(errp,
                       "PCI: no slot/function available for %s, all in use "
                       "or reserved",
                       name);
            return false;
        }
    }
    if (!pci_check_multifunction(pb, d, devfn, errp)) {
        return false;
    }
    pb->devices[devfn] = d;
    d->devfn = devfn;
    memcpy(d->reset_config, d->config, sizeof(d->config));
    return true;
}

void pci_bus_release_devfn(PCIDevice *d)
{
    PCIBus *pb = pci_bus_of(d->parent_obj.parent_bus);

    if (pb && d->devfn >= 0 && pb->devices[d->devfn] == d) {
        pb->devices[d->devfn] = NULL;
    }
    d->devfn = -1;
}

/* QEMU's class names (base << 8 | sub), as "info pci" prints them. */
static const struct {
    uint16_t class_id;
    const char *desc;
} class_names[] = {
    {0x0001, "VGA controller"},
    {0x0100, "SCSI controller"},
    {0x0101, "IDE controller"},
    {0x0102, "Floppy controller"},
    {0x0103, "IPI controller"},
    {0x0104, "RAID controller"},
    {0x0106, "SATA controller"},
    {0x0107, "SAS controller"},
    {0x0180, "Storage controller"},
    {0x0200, "Ethernet controller"},
    {0x0201, "Token Ring controller"},
    {0x0202, "FDDI controller"},
    {0x0203, "ATM controller"},
    {0x0280, "Network controller"},
    {0x0300, "VGA controller"},
    {0x0301, "XGA controller"},
    {0x0302, "3D controller"},
    {0x0380, "Display controller"},
    {0x0400, "Video controller"},
    {0x0401, "Audio controller"},
    {0x0402, "Phone"},
    {0x0403, "Audio controller"},
    {0x0480, "Multimedia controller"},
    {0x0500, "RAM controller"},
    {0x0501, "Flash controller"},
    {0x0580, "Memory controller"},
    {0x0600, "Host bridge"},
    {0x0601, "ISA bridge"},
    {0x0602, "EISA bridge"},
    {0x0603, "MC bridge"},
    {0x0604, "PCI bridge"},
    {0x0605, "PCMCIA bridge"},
    {0x0606, "NUBUS bridge"},
    {0x0607, "CARDBUS bridge"},
    {0x0608, "RACEWAY bridge"},
    {0x0680, "Bridge"},
    {0x0c03, "USB controller"},
};

const char *pci_class_name(uint16_t class_id)
{
    for (size_t i = 0; i < G_N_ELEMENTS(class_names); i++) {
        if (class_names[i].class_id == class_id) {
            return class_names[i].desc;
        }
    }
    return NULL;
}
