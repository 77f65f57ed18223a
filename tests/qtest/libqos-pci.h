/*
 * A small libqos-style PCI client for qtests: configuration mechanism #1
 * through ports 0xcf8/0xcfc, a scan of bus 0, and BAR assignment in the
 * 32-bit PCI hole from 0xE0000000, as a BIOS would do it.
 */
#ifndef TESTS_QTEST_LIBQOS_PCI_H
#define TESTS_QTEST_LIBQOS_PCI_H

#include "libqtest.h"

#define QPCI_DEVFN(slot, fn) (((slot) << 3) | (fn))
#define QPCI_MMIO_BASE       0xE0000000u
#define QPCI_IO_BASE         0xC000u

typedef struct QPCIBus {
    QTestState *qts;
    uint32_t mmio_next; /* next free address in the PCI hole */
    uint32_t io_next;   /* next free I/O port */
} QPCIBus;

void qpci_init(QPCIBus *bus, QTestState *qts);

/* The 0xcf8 value for register @off of bus 0 @devfn. */
uint32_t qpci_config_addr(int devfn, uint8_t off);

uint8_t qpci_config_readb(QPCIBus *bus, int devfn, uint8_t off);
uint16_t qpci_config_readw(QPCIBus *bus, int devfn, uint8_t off);
uint32_t qpci_config_readl(QPCIBus *bus, int devfn, uint8_t off);
void qpci_config_writeb(QPCIBus *bus, int devfn, uint8_t off, uint8_t v);
void qpci_config_writew(QPCIBus *bus, int devfn, uint8_t off, uint16_t v);
void qpci_config_writel(QPCIBus *bus, int devfn, uint8_t off, uint32_t v);

/* Calls @fn for every present function of bus 0 (vendor != 0xffff). */
void qpci_scan(QPCIBus *bus, void (*fn)(QPCIBus *bus, int devfn, void *opaque),
               void *opaque);
/* The devfn of the first @vendor:@device on bus 0, or -1. */
int qpci_find_device(QPCIBus *bus, uint16_t vendor, uint16_t device);

/*
 * Size BAR @bar (write all ones, read the mask back, restore): the size
 * in bytes, 0 if not implemented.  *is_io says which space it decodes.
 */
uint64_t qpci_bar_size(QPCIBus *bus, int devfn, int bar, bool *is_io);
/* Size BAR @bar and give it the next aligned address; returns it. */
uint64_t qpci_assign_bar(QPCIBus *bus, int devfn, int bar);
/* Set the command register's memory / I/O decode bit. */
void qpci_enable_memory(QPCIBus *bus, int devfn);
void qpci_enable_io(QPCIBus *bus, int devfn);

#endif /* TESTS_QTEST_LIBQOS_PCI_H */
