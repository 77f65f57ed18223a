/*
 * pvpanic on the PCI bus: type "pvpanic-pci" (1b36:0011).
 *
 * The glue owns the PCI identity and BAR0, a 32-bit memory BAR over the
 * 2-byte register; the register behaviour is pvpanic.c's, so a read
 * returns `events` and a write reports one event, as through the ISA
 * port.  The guest finds the device by its PCI ID: there is no ACPI node
 * (QEMU has none either), and ISA and PCI pvpanic may coexist.
 */
#include "hw/misc/pvpanic.h"
#include "hw/pci/pci.h"
#include "hw/pci/pci_ids.h"

typedef struct PVPanicPCIState {
    PCIDevice parent_obj;
    PVPanicState pvpanic;
} PVPanicPCIState;

static const PCIDeviceInfo pvpanic_pci_info = {
    .vendor_id = PCI_VENDOR_ID_REDHAT,
    .device_id = PCI_DEVICE_ID_REDHAT_PVPANIC,
    .revision = 1,
    .class_code = PCI_CLASS_SYSTEM_OTHER << 8,
    .subsystem_vendor_id = PCI_SUBVENDOR_ID_REDHAT_QUMRANET,
    .subsystem_id = PCI_SUBDEVICE_ID_QEMU,
};

static PVPanicPCIState *pvpanic_pci(DeviceState *dev)
{
    return container_of(dev, PVPanicPCIState, parent_obj.parent_obj);
}

static void pvpanic_pci_instance_init(DeviceState *dev)
{
    PVPanicPCIState *s = pvpanic_pci(dev);

    pvpanic_setup_io(&s->pvpanic, 2);
    pci_device_init(&s->parent_obj, &pvpanic_pci_info);
    pci_register_bar(&s->parent_obj, 0, PCI_BASE_ADDRESS_SPACE_MEMORY,
                     &s->pvpanic.mr);
}

static bool pvpanic_pci_realize(DeviceState *dev, GError **errp)
{
    return pci_device_realize(&pvpanic_pci(dev)->parent_obj, errp);
}

static void pvpanic_pci_unrealize(DeviceState *dev)
{
    pci_device_unrealize(&pvpanic_pci(dev)->parent_obj);
}

static void pvpanic_pci_reset(DeviceState *dev)
{
    pci_device_reset(&pvpanic_pci(dev)->parent_obj);
}

static const Property pvpanic_pci_props[] = {
    DEFINE_PROP_UINT8("events", PVPanicPCIState, pvpanic.events,
                      PVPANIC_EVENTS),
    DEFINE_PROP_PCI_DEVFN(PVPanicPCIState),
    DEFINE_PROP_END_OF_LIST(),
};

static const char *const pvpanic_pci_children[] = {
    "pvpanic[0]",
    "child<memory-region>",
    NULL,
    NULL,
};

static MemoryRegion *pvpanic_pci_child_region(DeviceState *dev, unsigned index)
{
    return &pvpanic_pci(dev)->pvpanic.mr;
}

const DeviceClass pvpanic_pci_class = {
    .child_region = pvpanic_pci_child_region,
    .name = TYPE_PVPANIC_PCI_DEVICE,
    .parent = TYPE_PCI_DEVICE,
    .bus_type = TYPE_PCI_BUS,
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = true,
    .hotpluggable = false,
    .instance_size = sizeof(PVPanicPCIState),
    .props = pvpanic_pci_props,
    .children = pvpanic_pci_children,
    .instance_init = pvpanic_pci_instance_init,
    .realize = pvpanic_pci_realize,
    .unrealize = pvpanic_pci_unrealize,
    .reset = pvpanic_pci_reset,
};
