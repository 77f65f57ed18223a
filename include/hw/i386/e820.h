/*
 * The E820 memory map of the pc machine (i440FX layout).
 *
 * The same table goes to the guest in three forms: the zero page's
 * e820_table (Linux boot protocol), the PVH start_info memmap, and
 * whatever firmware is given through -bios (which builds its own).
 *
 * Layout for RAM of R bytes (below_4g/above_4g as in hw/boards.h):
 *   [0, 0x9fc00)             RAM (conventional memory)
 *   [0x9fc00, 0xa0000)       reserved (where an EBDA would be)
 *   [0xe0000, 0x100000)      reserved (ACPI tables and the BIOS area)
 *   [1 MiB, below_4g)        RAM
 *   [4 GiB, 4 GiB+above_4g)  RAM
 * The LAPIC/IOAPIC MMIO windows are not listed (QEMU does not either).
 */
#ifndef HW_I386_E820_H
#define HW_I386_E820_H

#include "hw/boards.h"

/* Entry types (ACPI "Address Range Types"). */
#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4

/* The zero page holds at most this many entries. */
#define E820_MAX_ENTRIES 128

typedef struct E820Entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} E820Entry;

/*
 * Fill @out (room for @max entries) with the map for @ms, in address
 * order.  Returns the number of entries written (at most 5).
 */
unsigned e820_build(const MachineState *ms, E820Entry *out, unsigned max);

#endif /* HW_I386_E820_H */
