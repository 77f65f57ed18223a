/*
 * PIIX3 function 0: the PCI-to-ISA bridge.
 *
 * The ISA bus hangs off this function (as in QEMU's device tree), so the
 * bridge creates it at realize.  The registers a BIOS would program (PIRQ
 * routing, top of memory, ...) keep QEMU's reset values and are plain
 * storage: Vigil routes no PCI interrupts yet.
 */
#include "hw/isa/piix3.h"

#include "hw/boards.h"
#include "hw/isa/isa.h"
#include "hw/pci/pci_ids.h"

typedef struct PIIX3State {
    PCIDevice parent_obj;
    BusState *isa_bus;
} PIIX3State;

static const PCIDeviceInfo piix3_info = {
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82371SB_0,
    .revision = 0x00,
    .class_code = PCI_CLASS_BRIDGE_ISA << 8,
    .header_type = PCI_HEADER_TYPE_MULTI_FUNCTION,
    .subsystem_vendor_id = PCI_SUBVENDOR_ID_REDHAT_QUMRANET,
    .subsystem_id = PCI_SUBDEVICE_ID_QEMU,
    .status = PCI_STATUS_DEVSEL_MEDIUM,
};

/* QEMU's reset values of the bridge registers (offset, value). */
static const uint8_t piix3_reset_regs[][2] = {
    {0x4c, 0x4d}, /* ISA I/O recovery timer */
    {0x4e, 0x03}, /* X-bus chip select */
    {0x60, 0x80}, /* PIRQA..D routing: disabled */
    {0x61, 0x80}, {0x62, 0x80}, {0x63, 0x80}, {0x69, 0x02}, /* top of memory */
    {0x70, 0x80},               /* MBIRQ0: disabled */
    {0x76, 0x0c},               /* MBDMA0/1: disabled */
    {0x77, 0x0c}, {0x78, 0x02}, /* programmable chip select */
    {0xa0, 0x08},               /* SMI control */
    {0xa8, 0x0f},               /* SMI request */
};

static PIIX3State *piix3(DeviceState *dev)
{
    return container_of(dev, PIIX3State, parent_obj.parent_obj);
}

BusState *piix3_isa_bus(DeviceState *dev)
{
    return piix3(dev)->isa_bus;
}

static void piix3_instance_init(DeviceState *dev)
{
    PCIDevice *d = &piix3(dev)->parent_obj;

    pci_device_init(d, &piix3_info);
    for (size_t i = 0; i < G_N_ELEMENTS(piix3_reset_regs); i++) {
        d->config[piix3_reset_regs[i][0]] = piix3_reset_regs[i][1];
    }
}

static bool piix3_realize(DeviceState *dev, GError **errp)
{
    PIIX3State *s = piix3(dev);

    if (!pci_device_realize(&s->parent_obj, errp)) {
        return false;
    }
    s->isa_bus = isa_bus_new(current_machine->io);
    s->isa_bus->parent = dev;
    return true;
}

static void piix3_unrealize(DeviceState *dev)
{
    /* The machine frees the ISA bus (ms->isa_bus) after its devices. */
    pci_device_unrealize(&piix3(dev)->parent_obj);
}

static void piix3_reset(DeviceState *dev)
{
    pci_device_reset(&piix3(dev)->parent_obj);
}

static const Property piix3_props[] = {
    DEFINE_PROP_PCI_DEVFN(PIIX3State),
    DEFINE_PROP_END_OF_LIST(),
};

const DeviceClass piix3_class = {
    .name = TYPE_PIIX3_DEVICE,
    .parent = "pci-piix",
    .bus_type = TYPE_PCI_BUS,
    .category = DEVICE_CATEGORY_BRIDGE,
    .user_creatable = false,
    .instance_size = sizeof(PIIX3State),
    .props = piix3_props,
    .instance_init = piix3_instance_init,
    .realize = piix3_realize,
    .unrealize = piix3_unrealize,
    .reset = piix3_reset,
};
