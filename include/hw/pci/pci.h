/*
 * The generic PCI device model and the conventional PCI bus ("pci.0").
 *
 * A PCI device type embeds PCIDevice first (which embeds DeviceState
 * first) and fills a PCIDeviceInfo describing its identity and BARs; the
 * core (hw/pci/pci.c) owns the 256-byte configuration space, the per-byte
 * write masks, the command register and BAR decoding.  Devices see config
 * writes only through the optional config_write hook, after the core has
 * applied the masks.
 *
 * Addressing: devfn = slot << 3 | function (slot 0..31, function 0..7).
 * The bus is a qdev BusState of type "PCI"; -device X,bus=pci.0,addr=S[.F]
 * places a device, and without addr the first free slot is used.
 *
 * All functions expect the BQL.
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "hw/core/qdev.h"
#include "system/memory.h"

#define TYPE_PCI_BUS    "PCI"
#define TYPE_PCI_DEVICE "pci-device"

#define PCI_CONFIG_SPACE_SIZE 256
#define PCI_NUM_REGIONS       6
#define PCI_SLOT_MAX          32
#define PCI_FUNC_MAX          8
#define PCI_DEVFN(slot, fn)   ((((slot)&0x1f) << 3) | ((fn)&0x07))
#define PCI_SLOT(devfn)       (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)       ((devfn)&0x07)

/* Config space registers (PCI Local Bus Specification 3.0, type 0). */
#define PCI_VENDOR_ID                  0x00
#define PCI_DEVICE_ID                  0x02
#define PCI_COMMAND                    0x04
#define PCI_COMMAND_IO                 0x0001
#define PCI_COMMAND_MEMORY             0x0002
#define PCI_COMMAND_MASTER             0x0004
#define PCI_COMMAND_SERR               0x0100
#define PCI_COMMAND_INTX_DISABLE       0x0400
#define PCI_STATUS                     0x06
#define PCI_STATUS_DEVSEL_MEDIUM       0x0200
#define PCI_REVISION_ID                0x08
#define PCI_CLASS_PROG                 0x09
#define PCI_CLASS_DEVICE               0x0a
#define PCI_CACHE_LINE_SIZE            0x0c
#define PCI_HEADER_TYPE                0x0e
#define PCI_HEADER_TYPE_MULTI_FUNCTION 0x80
#define PCI_BASE_ADDRESS_0             0x10
#define PCI_BASE_ADDRESS_SPACE_IO      0x01
#define PCI_BASE_ADDRESS_SPACE_MEMORY  0x00
#define PCI_SUBSYSTEM_VENDOR_ID        0x2c
#define PCI_SUBSYSTEM_ID               0x2e
#define PCI_INTERRUPT_LINE             0x3c
#define PCI_INTERRUPT_PIN              0x3d
#define PCI_CONFIG_HEADER_SIZE         0x40

/* The one address a BAR has when it decodes nothing. */
#define PCI_BAR_UNMAPPED UINT64_MAX

typedef struct PCIDevice PCIDevice;

/* Who a PCI function says it is; written into config space at init. */
typedef struct PCIDeviceInfo {
    uint16_t vendor_id;
    uint16_t device_id;
    uint8_t revision;
    uint32_t class_code; /* base << 16 | sub << 8 | prog-if */
    uint8_t header_type; /* 0x80 for a multi-function device */
    uint16_t subsystem_vendor_id;
    uint16_t subsystem_id;
    uint8_t interrupt_pin; /* 0 none, 1 INTA .. 4 INTD */
    uint16_t status;
} PCIDeviceInfo;

typedef struct PCIBAR {
    MemoryRegion *mr; /* NULL: BAR not implemented (reads 0) */
    uint8_t type;     /* PCI_BASE_ADDRESS_SPACE_IO or _MEMORY */
    uint64_t addr;    /* where it decodes now, or PCI_BAR_UNMAPPED */
} PCIBAR;

struct PCIDevice {
    DeviceState parent_obj;
    uint8_t config[PCI_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCI_CONFIG_SPACE_SIZE];        /* bits the guest may write */
    uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE];      /* write-1-to-clear bits */
    uint8_t reset_config[PCI_CONFIG_SPACE_SIZE]; /* restored at reset */
    PCIBAR bars[PCI_NUM_REGIONS];
    int devfn;  /* -1 until realized */
    char *addr; /* the "addr" property text ("02.0"), NULL = first free */
    /*
     * Called after the core has applied a config write (masks, BARs);
     * @addr and @len are the bytes written.  May be NULL.
     */
    void (*config_write)(PCIDevice *d, uint32_t addr, uint32_t val,
                         unsigned len);
};

/*
 * The "addr" property every PCI device type lists (first among its
 * properties or after its own, as QEMU prints them).
 */
#define DEFINE_PROP_PCI_DEVFN(_state)                                          \
    {                                                                          \
        .name = "addr", .kind = PROP_KIND_STRING,                              \
        .offset = offsetof(_state, parent_obj.addr),                           \
        .text_hooks = &pci_devfn_hooks                                         \
    }
/*
 * The "addr" syntax, QEMU's: text "SLOT[.FN]" (checked when it is set)
 * or an integer devfn from -1 to 255 (JSON -device, qom-set).
 */
extern const PropertyTextHooks pci_devfn_hooks;
/* The devfn of "SLOT[.FN]" text (hex, as QEMU parses it), or -1. */
int pci_parse_devfn(const char *text);

/* Create the bus "pci.0" (type "PCI") under @host_bridge. */
BusState *pci_bus_new(const char *name, DeviceState *host_bridge);
/* Free a bus made by pci_bus_new (devices must be gone). */
void pci_bus_free(BusState *bus);

/* The device at @devfn on @bus, or NULL. */
PCIDevice *pci_bus_find_device(BusState *bus, int devfn);

/*
 * Calls @fn for every device realized on @bus (a bus made by pci_bus_new),
 * in ascending devfn order.  @fn must not add or remove devices.
 */
void pci_bus_foreach_device(BusState *bus,
                            void (*fn)(PCIDevice *d, void *opaque),
                            void *opaque);

/* The device's devfn (slot << 3 | function) on its bus. */
int pci_device_devfn(const PCIDevice *d);

/* The PCIDevice of a DeviceState whose type is a PCI device. */
PCIDevice *pci_device_of(DeviceState *dev);
/* True if @dev is a PCI device (its class sits on a "PCI" bus). */
bool qdev_is_pci_device(const DeviceState *dev);

/*
 * Device side.  In instance_init: pci_device_init() (identity, QEMU's
 * default write masks: command 0x0507, cache line size, interrupt line,
 * and every byte of 0x40-0xff), then pci_register_bar() for each BAR.
 * In realize: pci_device_realize() first (takes the slot; errors as
 * QEMU's), in unrealize pci_device_unrealize() last, and in reset
 * pci_device_reset().
 */
void pci_device_init(PCIDevice *d, const PCIDeviceInfo *info);
/*
 * BAR @idx decodes @mr (its size, a power of two >= 2, sets the size mask:
 * all ones written read back as ~(size - 1) | type).
 */
void pci_register_bar(PCIDevice *d, int idx, uint8_t type, MemoryRegion *mr);
bool pci_device_realize(PCIDevice *d, GError **errp);
void pci_device_unrealize(PCIDevice *d);
/* Config space back to its realize-time image; BARs stop decoding. */
void pci_device_reset(PCIDevice *d);
/* Internal to hw/pci: free @d's slot on its bus. */
void pci_bus_release_devfn(PCIDevice *d);

/*
 * Configuration access as the host bridge sees it: @len 1, 2 or 4 bytes
 * at @addr (bytes past 0xff read 0 and are not written).
 */
uint32_t pci_device_config_read(PCIDevice *d, uint32_t addr, unsigned len);
void pci_device_config_write(PCIDevice *d, uint32_t addr, uint32_t val,
                             unsigned len);

/* Read helpers for the monitor (little-endian config fields). */
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}

static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/* The size BAR @idx decodes (0: not implemented). */
uint64_t pci_bar_size(const PCIDevice *d, int idx);

/* QEMU's name for a class code (base << 8 | sub), or NULL if unnamed. */
const char *pci_class_name(uint16_t class_id);

#endif /* HW_PCI_PCI_H */
