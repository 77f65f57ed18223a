/*
 * libqos-style PCI helpers (see libqos-pci.h).
 */
#include "libqos-pci.h"

#define CONFIG_ADDR 0xcf8
#define CONFIG_DATA 0xcfc

void qpci_init(QPCIBus *bus, QTestState *qts)
{
    bus->qts = qts;
    bus->mmio_next = QPCI_MMIO_BASE;
    bus->io_next = QPCI_IO_BASE;
}

uint32_t qpci_config_addr(int devfn, uint8_t off)
{
    return 0x80000000u | ((uint32_t)devfn << 8) | (off & 0xfc);
}

static void select_reg(QPCIBus *bus, int devfn, uint8_t off)
{
    qtest_outl(bus->qts, CONFIG_ADDR, qpci_config_addr(devfn, off));
}

uint8_t qpci_config_readb(QPCIBus *bus, int devfn, uint8_t off)
{
    select_reg(bus, devfn, off);
    return qtest_inb(bus->qts, CONFIG_DATA + (off & 3));
}

uint16_t qpci_config_readw(QPCIBus *bus, int devfn, uint8_t off)
{
    select_reg(bus, devfn, off);
    return qtest_inw(bus->qts, CONFIG_DATA + (off & 2));
}

uint32_t qpci_config_readl(QPCIBus *bus, int devfn, uint8_t off)
{
    select_reg(bus, devfn, off);
    return qtest_inl(bus->qts, CONFIG_DATA);
}

void qpci_config_writeb(QPCIBus *bus, int devfn, uint8_t off, uint8_t v)
{
    select_reg(bus, devfn, off);
    qtest_outb(bus->qts, CONFIG_DATA + (off & 3), v);
}

void qpci_config_writew(QPCIBus *bus, int devfn, uint8_t off, uint16_t v)
{
    select_reg(bus, devfn, off);
    qtest_outw(bus->qts, CONFIG_DATA + (off & 2), v);
}

void qpci_config_writel(QPCIBus *bus, int devfn, uint8_t off, uint32_t v)
{
    select_reg(bus, devfn, off);
    qtest_outl(bus->qts, CONFIG_DATA, v);
}

void qpci_scan(QPCIBus *bus, void (*fn)(QPCIBus *bus, int devfn, void *opaque),
               void *opaque)
{
    for (int devfn = 0; devfn < 256; devfn++) {
        if (qpci_config_readw(bus, devfn, 0) != 0xffff) {
            fn(bus, devfn, opaque);
        }
    }
}

int qpci_find_device(QPCIBus *bus, uint16_t vendor, uint16_t device)
{
    uint32_t want = ((uint32_t)device << 16) | vendor;

    for (int devfn = 0; devfn < 256; devfn++) {
        if (qpci_config_readl(bus, devfn, 0) == want) {
            return devfn;
        }
    }
    return -1;
}

uint64_t qpci_bar_size(QPCIBus *bus, int devfn, int bar, bool *is_io)
{
    uint8_t off = 0x10 + 4 * bar;
    uint32_t orig = qpci_config_readl(bus, devfn, off);
    uint32_t mask;

    qpci_config_writel(bus, devfn, off, 0xffffffff);
    mask = qpci_config_readl(bus, devfn, off);
    qpci_config_writel(bus, devfn, off, orig);
    *is_io = mask & 1;
    /*
     * The size is the lowest writable address bit.  Bit 0 is the space
     * type; an I/O BAR's bit 1 is reserved.  (Only 32-bit,
     * non-prefetchable memory BARs exist here, whose type bits 1-3 are
     * 0, so a 2-byte BAR's mask 0xfffffffe reads as 2 bytes.)
     */
    mask &= *is_io ? ~3u : ~1u;
    return mask & -mask;
}

uint64_t qpci_assign_bar(QPCIBus *bus, int devfn, int bar)
{
    bool io;
    uint64_t size = qpci_bar_size(bus, devfn, bar, &io);
    uint32_t *next = io ? &bus->io_next : &bus->mmio_next;
    uint64_t addr;

    g_assert_cmpuint(size, !=, 0);
    addr = (*next + size - 1) & ~(size - 1);
    *next = addr + size;
    qpci_config_writel(bus, devfn, 0x10 + 4 * bar, addr);
    return addr;
}

static void set_command_bits(QPCIBus *bus, int devfn, uint16_t bits)
{
    uint16_t cmd = qpci_config_readw(bus, devfn, 0x04);

    qpci_config_writew(bus, devfn, 0x04, cmd | bits);
}

void qpci_enable_memory(QPCIBus *bus, int devfn)
{
    set_command_bits(bus, devfn, 0x0002);
}

void qpci_enable_io(QPCIBus *bus, int devfn)
{
    set_command_bits(bus, devfn, 0x0001);
}
