/*
 * How the board hands a loaded guest to the bootstrap vCPU.
 *
 * The board (pc-boot.c) loads firmware or a kernel into guest RAM and
 * describes the entry state with x86_set_boot_info(); the accelerator
 * applies it to vCPU 0 when vCPUs are created and on every reset.
 * Application processors always start in the wait-for-SIPI state.
 *
 * Fixed low-memory areas the accelerator writes for PROT32/LONG64 entry
 * (the board must not place anything there and keeps them out of its
 * own allocations; they lie in E820 RAM, as Linux expects, because the
 * kernel replaces them early):
 *   0x0500-0x05ff  GDT (null, null, 0x10 = flat code, 0x18 = flat data;
 *                  code is 64-bit for LONG64, 32-bit for PROT32)
 *   0x9000-0xefff  identity page tables for LONG64 (PML4 0x9000, PDPT
 *                  0xa000, 4 PDs 0xb000-0xefff: 4 GiB in 2 MiB pages)
 * Board areas by convention: boot_params (zero page) 0x7000, PVH
 * start_info 0x6000, command line 0x20000, ACPI tables from 0xe0000.
 */
#ifndef HW_I386_X86_H
#define HW_I386_X86_H

#include "qemu/common.h"

typedef enum X86EntryMode {
    X86_ENTRY_RESET,  /* architectural reset: real mode, CS:IP =
                         F000:FFF0 with CS base 0xffff0000 (-bios) */
    X86_ENTRY_PROT32, /* flat 32-bit protected mode, paging off
                         (Linux 32-bit boot protocol, PVH) */
    X86_ENTRY_LONG64, /* 64-bit mode, identity paging of 4 GiB
                         (Linux 64-bit boot protocol) */
} X86EntryMode;

typedef struct X86BootInfo {
    X86EntryMode mode;
    uint64_t entry; /* RIP (ignored for RESET) */
    uint64_t rsi;   /* Linux: boot_params address */
    uint64_t rbx;   /* PVH: start_info address */
    uint64_t rsp;   /* 0 = leave 0 */
} X86BootInfo;

void x86_set_boot_info(const X86BootInfo *bi);
const X86BootInfo *x86_get_boot_info(void);

#endif /* HW_I386_X86_H */
