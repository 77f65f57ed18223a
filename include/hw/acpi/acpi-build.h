/*
 * The ACPI tables of the pc machine, built once at start-up.
 *
 * What the guest sees depends only on AcpiBuildConfig and on the
 * realized devices that have a build_aml hook (pvpanic's PEVT), walked
 * with qdev_foreach in realize order, and the devices on cfg->pci_bus.
 * The same configuration gives the same bytes on every run: golden
 * copies per machine version (tests/data/acpi/pc/ for pc-i440fx-9.1,
 * tests/data/acpi/pc-i440fx-9.2/) and tests/unit/test-acpi-tables.c
 * compares against them.
 *
 * Layout in guest memory, from @base (0xe0000, inside the 0xe0000-0xfffff
 * area Linux scans for the RSDP), each table 16-byte aligned (FACS 64):
 *   RSDP (rev 2) | FACS | DSDT | FACP (FADT rev 5) | APIC (MADT) | XSDT
 * There is no RSDT: every consumer that matters reads the XSDT.
 */
#ifndef HW_ACPI_ACPI_BUILD_H
#define HW_ACPI_ACPI_BUILD_H

#include "qemu/common.h"
#include "hw/core/qdev.h"

#define ACPI_TABLES_BASE  0xe0000
#define ACPI_TABLES_LIMIT 0x100000 /* first address past the area */

typedef struct AcpiBuildConfig {
    unsigned cpus; /* MADT: LAPIC ids / processor uids 0..n-1 */
    bool com1;     /* DSDT: COM1 PNP0501, 0x3f8-0x3ff, IRQ 4 */
    bool rtc;      /* DSDT: RTC PNP0B00, 0x70-0x71, IRQ 8 */
    /*
     * Machines with a PCI host (dsdt.c has the layout): \_SB.PCI0 with
     * its windows, the ISA devices under the PIIX3's node S08, a node for
     * every other occupied slot.  The windows: memory from
     * @low_ram_top (end of RAM below 4 GiB) to 0xFEBFFFFF, and 64-bit
     * memory @mem64_start..@mem64_end.  @pci_bus: the bus whose devices
     * get slot nodes (NULL: none).
     */
    bool pci;
    uint64_t low_ram_top;
    uint64_t mem64_start;
    uint64_t mem64_end; /* last byte */
    BusState *pci_bus;
    bool fw_cfg; /* DSDT: \_SB.PCI0.FWCF, QEMU0002, IO 0x510-0x51b */
} AcpiBuildConfig;

typedef struct AcpiTableInfo {
    char sig[5];     /* "RSDP", "FACS", "DSDT", "FACP", ... */
    uint32_t offset; /* from the start of the blob */
    uint32_t len;
} AcpiTableInfo;

#define ACPI_MAX_TABLES 8

typedef struct AcpiBuildResult {
    GByteArray *blob; /* copy this to guest-physical @base */
    uint64_t base;
    uint64_t rsdp_addr;
    unsigned n_tables;
    AcpiTableInfo tables[ACPI_MAX_TABLES];
} AcpiBuildResult;

/*
 * Build every table for @cfg at guest-physical @base.  Fails only if
 * they would not fit below ACPI_TABLES_LIMIT.  Free with
 * acpi_build_result_free().
 */
bool acpi_build_tables(const AcpiBuildConfig *cfg, uint64_t base,
                       AcpiBuildResult *out, GError **errp);
void acpi_build_result_free(AcpiBuildResult *r);
/* The table with signature @sig, or NULL. */
const AcpiTableInfo *acpi_build_find(const AcpiBuildResult *r, const char *sig);

/* One builder per table (hw/acpi/<table>.c); each returns a new array
 * holding exactly that table. */
GByteArray *acpi_build_rsdp(uint64_t xsdt_addr);
GByteArray *acpi_build_xsdt(const uint64_t *addrs, unsigned n);
GByteArray *acpi_build_facs(void);
GByteArray *acpi_build_fadt(uint64_t facs_addr, uint64_t dsdt_addr);
GByteArray *acpi_build_madt(const AcpiBuildConfig *cfg);
GByteArray *acpi_build_dsdt(const AcpiBuildConfig *cfg);

#endif /* HW_ACPI_ACPI_BUILD_H */
