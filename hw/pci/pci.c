/*
 * The generic PCI function: config space, write masks, BAR decoding.
 *
 * Config space is three parallel arrays: the bytes, the bits a guest may
 * write, and the bits a written 1 clears.  Which bytes are writable is
 * QEMU's observed rule (docs/specs/pci.rst): command bits 0x0507, cache
 * line size, interrupt line, BARs down to their size, and every byte of
 * 0x40-0xff, which QEMU leaves as plain storage.
 *
 * A BAR decodes when its command bit (I/O or memory) is set and its
 * address is a usable one; it is mapped into the machine's port or
 * memory space at priority 1 (as QEMU maps BARs), so it may overlap other
 * BARs and board devices, and every config write that touches the
 * command register or a BAR re-evaluates all of them.
 */
#include <inttypes.h>
#include <string.h>

#include "hw/boards.h"
#include "hw/pci/pci.h"
#include "qemu/log.h"

#define BAR_PRIORITY 1

static void set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void set_long(uint8_t *p, uint32_t v)
{
    set_word(p, v);
    set_word(p + 2, v >> 16);
}

void pci_device_init(PCIDevice *d, const PCIDeviceInfo *info)
{
    uint8_t *c = d->config;

    d->devfn = -1;
    memset(c, 0, sizeof(d->config));
    memset(d->wmask, 0, sizeof(d->wmask));
    memset(d->w1cmask, 0, sizeof(d->w1cmask));
    set_word(c + PCI_VENDOR_ID, info->vendor_id);
    set_word(c + PCI_DEVICE_ID, info->device_id);
    set_word(c + PCI_STATUS, info->status);
    c[PCI_REVISION_ID] = info->revision;
    c[PCI_CLASS_PROG] = info->class_code;
    set_word(c + PCI_CLASS_DEVICE, info->class_code >> 8);
    c[PCI_HEADER_TYPE] = info->header_type;
    set_word(c + PCI_SUBSYSTEM_VENDOR_ID, info->subsystem_vendor_id);
    set_word(c + PCI_SUBSYSTEM_ID, info->subsystem_id);
    c[PCI_INTERRUPT_PIN] = info->interrupt_pin;

    /* The command bits QEMU implements: I/O, memory, master, SERR#,
     * INTx disable (0x0507). */
    set_word(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
                                         PCI_COMMAND_MASTER | PCI_COMMAND_SERR |
                                         PCI_COMMAND_INTX_DISABLE);
    /* Error bits of the status register: written 1s clear them. */
    set_word(d->w1cmask + PCI_STATUS, 0xf900);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(d->wmask + PCI_CONFIG_HEADER_SIZE, 0xff,
           PCI_CONFIG_SPACE_SIZE - PCI_CONFIG_HEADER_SIZE);
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        d->bars[i].addr = PCI_BAR_UNMAPPED;
    }
}

void pci_register_bar(PCIDevice *d, int idx, uint8_t type, MemoryRegion *mr)
{
    uint32_t off = PCI_BASE_ADDRESS_0 + 4 * idx;
    uint32_t mask;

    g_assert(idx >= 0 && idx < PCI_NUM_REGIONS);
    g_assert(mr->size >= 2 && (mr->size & (mr->size - 1)) == 0 &&
             mr->size <= UINT32_MAX);
    d->bars[idx].mr = mr;
    d->bars[idx].type = type;
    d->bars[idx].addr = PCI_BAR_UNMAPPED;
    mask = ~(uint32_t)(mr->size - 1);
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        mask &= ~3u; /* bit 0 is the type, bit 1 reserved */
    }
    set_long(d->config + off, type);
    set_long(d->wmask + off, mask);
}

uint64_t pci_bar_size(const PCIDevice *d, int idx)
{
    return d->bars[idx].mr ? d->bars[idx].mr->size : 0;
}

int pci_device_devfn(const PCIDevice *d)
{
    return d->devfn;
}

/*
 * Where BAR @idx should decode now.  Address 0, an address whose region
 * would wrap past 4 GiB (as while the guest sizes the BAR with all ones),
 * or an I/O range past 64 KiB decodes nothing, as in QEMU.
 */
static uint64_t bar_address(const PCIDevice *d, int idx)
{
    const PCIBAR *bar = &d->bars[idx];
    uint16_t cmd = pci_get_word(d->config + PCI_COMMAND);
    uint64_t size = bar->mr->size;
    uint64_t addr = pci_get_long(d->config + PCI_BASE_ADDRESS_0 + 4 * idx);

    if (bar->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr &= ~(uint64_t)3 & ~(size - 1);
        if (addr == 0 || addr + size > 0x10000) {
            return PCI_BAR_UNMAPPED;
        }
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) {
        return PCI_BAR_UNMAPPED;
    }
    addr &= ~(size - 1);
    if (addr == 0 || addr + size - 1 >= UINT32_MAX) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static AddressSpace *bar_space(const PCIBAR *bar)
{
    return (bar->type & PCI_BASE_ADDRESS_SPACE_IO) ? current_machine->io
                                                   : current_machine->memory;
}

static const char *owner_name(const PCIDevice *d)
{
    const DeviceState *dev = &d->parent_obj;

    return dev->id ? dev->id : dev->klass->name;
}

static void bar_unmap(PCIBAR *bar)
{
    if (bar->addr != PCI_BAR_UNMAPPED) {
        address_space_unmap(bar_space(bar), bar->mr);
        bar->addr = PCI_BAR_UNMAPPED;
    }
}

/* Re-evaluate every BAR after a write to the command register or a BAR. */
static void update_mappings(PCIDevice *d)
{
    if (!current_machine) {
        return;
    }
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        PCIBAR *bar = &d->bars[i];
        uint64_t addr;
        g_autoptr(GError) err = NULL;

        if (!bar->mr) {
            continue;
        }
        addr = bar_address(d, i);
        if (addr == bar->addr) {
            continue;
        }
        bar_unmap(bar);
        if (addr == PCI_BAR_UNMAPPED) {
            continue;
        }
        if (!address_space_map_overlap(bar_space(bar), bar->mr, addr,
                                       BAR_PRIORITY, owner_name(d), &err)) {
            qemu_log_mask(LOG_GUEST_ERROR, "pci: BAR%d of %s: %s\n", i,
                          owner_name(d), err->message);
            continue;
        }
        bar->addr = addr;
    }
}

uint32_t pci_device_config_read(PCIDevice *d, uint32_t addr, unsigned len)
{
    uint32_t val = 0;

    for (unsigned i = 0; i < len && addr + i < PCI_CONFIG_SPACE_SIZE; i++) {
        val |= (uint32_t)d->config[addr + i] << (8 * i);
    }
    return val;
}

static bool ranges_overlap(uint32_t a, unsigned alen, uint32_t b, unsigned blen)
{
    return a < b + blen && b < a + alen;
}

void pci_device_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                             unsigned len)
{
    for (unsigned i = 0; i < len && addr + i < PCI_CONFIG_SPACE_SIZE; i++) {
        uint32_t a = addr + i;
        uint8_t b = val >> (8 * i);
        uint8_t w = d->wmask[a];

        d->config[a] = (d->config[a] & ~w) | (b & w);
        d->config[a] &= ~(b & d->w1cmask[a]);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2) ||
        ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_REGIONS)) {
        update_mappings(d);
    }
    if (d->config_write) {
        d->config_write(d, addr, val, len);
    }
}

void pci_device_reset(PCIDevice *d)
{
    memcpy(d->config, d->reset_config, sizeof(d->config));
    update_mappings(d);
}

void pci_device_unrealize(PCIDevice *d)
{
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        if (d->bars[i].mr) {
            bar_unmap(&d->bars[i]);
        }
    }
    pci_bus_release_devfn(d);
}
