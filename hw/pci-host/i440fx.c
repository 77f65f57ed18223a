/*
 * The i440FX host bridge: configuration mechanism #1 and function 00.0.
 *
 * The host device only routes configuration cycles; the config space
 * rules are the generic ones (hw/pci/pci.c).  The 00.0 function adds its
 * identity, QEMU's DRAM row boundary byte, and the PAM/SMRAM registers,
 * which are plain writable bytes whose meaning the board applies
 * (hw/pci-host/pam.h).
 */
#include "hw/pci-host/i440fx.h"

#include <string.h>

#include "hw/pci/pci_ids.h"

#define CONFIG_ENABLE      0x80000000u
#define I440FX_DRB_LAST    0x57 /* DRAM row boundary 7, in 8 MiB units */
#define I440FX_SMRAM_RESET 0x02 /* QEMU's hardware reset value */

typedef struct I440FXHostState {
    DeviceState parent_obj;
    uint32_t config_reg; /* the 0xcf8 register */
    MemoryRegion conf_mr;
    MemoryRegion data_mr;
    BusState *bus;
    I440FXHostHoles holes; /* set at realize */
} I440FXHostState;

#define GIB            (UINT64_C(1) << 30)
#define PCI_HOLE_END   0xfec00000u /* where the IOAPIC starts */
#define PCI_HOLE64_DEF (2 * GIB)

typedef struct I440FXState {
    PCIDevice parent_obj;
    const I440FXPamHooks *pam;
} I440FXState;

static I440FXHostState *i440fx_host(DeviceState *dev)
{
    return container_of(dev, I440FXHostState, parent_obj);
}

BusState *i440fx_pcihost_bus(DeviceState *host)
{
    return i440fx_host(host)->bus;
}

static uint64_t ones(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

/* 0xcf8: only a 32-bit access at the register itself counts. */
static uint64_t conf_read(void *opaque, uint64_t addr, unsigned size)
{
    I440FXHostState *s = opaque;

    return (addr == 0 && size == 4) ? s->config_reg : 0;
}

static void conf_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    I440FXHostState *s = opaque;

    if (addr == 0 && size == 4) {
        s->config_reg = val;
    }
}

/* The function a data-port access at offset @addr reaches, and where. */
static PCIDevice *conf_target(I440FXHostState *s, uint64_t addr, uint32_t *reg)
{
    uint32_t cf8 = s->config_reg;

    if (!(cf8 & CONFIG_ENABLE) || ((cf8 >> 16) & 0xff) != 0) {
        return NULL;
    }
    *reg = (cf8 | addr) & 0xff;
    return pci_bus_find_device(s->bus, (cf8 >> 8) & 0xff);
}

static uint64_t data_read(void *opaque, uint64_t addr, unsigned size)
{
    I440FXHostState *s = opaque;
    PCIDevice *d;
    uint32_t reg;

    if (addr & (size - 1)) {
        return 0; /* misaligned: QEMU rejects the access, reads 0 */
    }
    d = conf_target(s, addr, &reg);
    return d ? pci_device_config_read(d, reg, size) : ones(size);
}

static void data_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    I440FXHostState *s = opaque;
    PCIDevice *d;
    uint32_t reg;

    if (addr & (size - 1)) {
        return;
    }
    d = conf_target(s, addr, &reg);
    if (d) {
        pci_device_config_write(d, reg, val, size);
    }
}

static const MemoryRegionOps conf_ops = {
    .read = conf_read,
    .write = conf_write,
    .impl_min = 1,
    .impl_max = 4,
};

static const MemoryRegionOps data_ops = {
    .read = data_read,
    .write = data_write,
    .impl_min = 1,
    .impl_max = 4,
};

static void i440fx_host_instance_init(DeviceState *dev)
{
    I440FXHostState *s = i440fx_host(dev);

    memory_region_init_io(&s->conf_mr, &conf_ops, s, "pci-conf-idx", 4);
    memory_region_init_io(&s->data_mr, &data_ops, s, "pci-conf-data", 4);
}

/*
 * The PCI holes QEMU reports: 32-bit from the end of low RAM to the
 * IOAPIC; 64-bit after high RAM, on a 1 GiB boundary (x-pci-hole64-fix).
 */
static void i440fx_host_holes(I440FXHostState *s)
{
    uint64_t below = current_machine ? current_machine->below_4g_mem_size : 0;
    uint64_t above = current_machine ? current_machine->above_4g_mem_size : 0;
    uint64_t start = (UINT64_C(1) << 32) + above;

    s->holes.start = below;
    s->holes.end = PCI_HOLE_END;
    s->holes.start64 = (start + GIB - 1) & ~(GIB - 1);
    s->holes.size64 = PCI_HOLE64_DEF;
    s->holes.end64 = s->holes.start64 + s->holes.size64;
}

void i440fx_pcihost_holes(DeviceState *host, I440FXHostHoles *holes)
{
    *holes = i440fx_host(host)->holes;
}

static bool i440fx_host_realize(DeviceState *dev, GError **errp)
{
    I440FXHostState *s = i440fx_host(dev);
    AddressSpace *io = current_machine->io;

    /*
     * 0xcf8 spans four ports, but 0xcf9 is the board's reset control
     * register: map the index register below everything so the board's
     * byte at 0xcf9 shows through, as in QEMU.
     */
    if (!address_space_map_overlap(io, &s->conf_mr, PCI_CONFIG_ADDR_PORT, -1,
                                   TYPE_I440FX_PCI_HOST, errp)) {
        return false;
    }
    if (!address_space_map(io, &s->data_mr, PCI_CONFIG_DATA_PORT,
                           TYPE_I440FX_PCI_HOST, errp)) {
        address_space_unmap(io, &s->conf_mr);
        return false;
    }
    s->bus = pci_bus_new("pci.0", dev);
    i440fx_host_holes(s);
    return true;
}

static void i440fx_host_unrealize(DeviceState *dev)
{
    I440FXHostState *s = i440fx_host(dev);

    if (current_machine) {
        address_space_unmap(current_machine->io, &s->conf_mr);
        address_space_unmap(current_machine->io, &s->data_mr);
        if (current_machine->pci_bus == s->bus) {
            current_machine->pci_bus = NULL;
        }
    }
    pci_bus_free(s->bus);
    s->bus = NULL;
}

static void i440fx_host_reset(DeviceState *dev)
{
    i440fx_host(dev)->config_reg = 0;
}

static const char *const i440fx_host_children[] = {
    "pci-conf-idx[0]",
    "child<memory-region>",
    "pci-conf-data[0]",
    "child<memory-region>",
    NULL,
};

static MemoryRegion *i440fx_host_region(DeviceState *dev, unsigned index)
{
    return index == 0 ? &i440fx_host(dev)->conf_mr : &i440fx_host(dev)->data_mr;
}

const DeviceClass i440fx_pcihost_class = {
    .name = TYPE_I440FX_PCI_HOST,
    .children = i440fx_host_children,
    .child_region = i440fx_host_region,
    .parent = "pci-host-bridge",
    .category = DEVICE_CATEGORY_BRIDGE,
    .user_creatable = false,
    .instance_size = sizeof(I440FXHostState),
    .instance_init = i440fx_host_instance_init,
    .realize = i440fx_host_realize,
    .unrealize = i440fx_host_unrealize,
    .reset = i440fx_host_reset,
};

/* ---- function 00.0 ---- */

static const PCIDeviceInfo i440fx_info = {
    .vendor_id = PCI_VENDOR_ID_INTEL,
    .device_id = PCI_DEVICE_ID_INTEL_82441,
    .revision = 0x02,
    .class_code = PCI_CLASS_BRIDGE_HOST << 8,
    .subsystem_vendor_id = PCI_SUBVENDOR_ID_REDHAT_QUMRANET,
    .subsystem_id = PCI_SUBDEVICE_ID_QEMU,
};

static I440FXState *i440fx(DeviceState *dev)
{
    return container_of(dev, I440FXState, parent_obj.parent_obj);
}

static bool touches(uint32_t addr, unsigned len, uint32_t first, unsigned count)
{
    return addr < first + count && first < addr + len;
}

void i440fx_set_pam_hooks(DeviceState *dev, const I440FXPamHooks *hooks)
{
    i440fx(dev)->pam = hooks;
}

static void i440fx_apply_pam(PCIDevice *d)
{
    const I440FXPamHooks *pam = i440fx(&d->parent_obj)->pam;

    if (pam && pam->update) {
        pam->update(current_machine, d->config + I440FX_PAM0,
                    d->config[I440FX_SMRAM]);
    }
}

static void i440fx_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                                unsigned len)
{
    if (touches(addr, len, I440FX_PAM0, I440FX_NR_PAM) ||
        touches(addr, len, I440FX_SMRAM, 1)) {
        i440fx_apply_pam(d);
    }
}

/* PAM and SMRAM as the board wants them at power-on and reset. */
static void i440fx_load_pam(PCIDevice *d)
{
    const I440FXPamHooks *pam = i440fx(&d->parent_obj)->pam;

    memset(d->config + I440FX_PAM0, 0, I440FX_NR_PAM);
    d->config[I440FX_SMRAM] = I440FX_SMRAM_RESET;
    if (pam && pam->reset_values) {
        pam->reset_values(current_machine, d->config + I440FX_PAM0,
                          &d->config[I440FX_SMRAM]);
    }
}

static void i440fx_instance_init(DeviceState *dev)
{
    PCIDevice *d = &i440fx(dev)->parent_obj;

    pci_device_init(d, &i440fx_info);
    d->config_write = i440fx_config_write;
}

static bool i440fx_realize(DeviceState *dev, GError **errp)
{
    PCIDevice *d = &i440fx(dev)->parent_obj;
    uint64_t units = current_machine->ram_size / (8 * 1024 * 1024);

    /* QEMU's DRAM row boundary: RAM size in 8 MiB units, saturating. */
    d->config[I440FX_DRB_LAST] = units > 0xff ? 0xff : units;
    i440fx_load_pam(d);
    if (!pci_device_realize(d, errp)) {
        return false;
    }
    i440fx_apply_pam(d);
    return true;
}

static void i440fx_unrealize(DeviceState *dev)
{
    pci_device_unrealize(&i440fx(dev)->parent_obj);
}

static void i440fx_reset(DeviceState *dev)
{
    PCIDevice *d = &i440fx(dev)->parent_obj;

    pci_device_reset(d);
    i440fx_load_pam(d);
    i440fx_apply_pam(d);
}

static const Property i440fx_props[] = {
    DEFINE_PROP_PCI_DEVFN(I440FXState),
    DEFINE_PROP_END_OF_LIST(),
};

const DeviceClass i440fx_class = {
    .name = TYPE_I440FX_PCI_DEVICE,
    .parent = TYPE_PCI_DEVICE,
    .bus_type = TYPE_PCI_BUS,
    .category = DEVICE_CATEGORY_BRIDGE,
    .user_creatable = false,
    .instance_size = sizeof(I440FXState),
    .props = i440fx_props,
    .instance_init = i440fx_instance_init,
    .realize = i440fx_realize,
    .unrealize = i440fx_unrealize,
    .reset = i440fx_reset,
};
