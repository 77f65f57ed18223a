/*
 * MADT ("APIC"): one local APIC per vCPU (APIC id = processor uid =
 * vCPU index, as the accelerator numbers them), the IOAPIC at
 * 0xfec00000 with GSI base 0, and the two ISA overrides Linux needs on
 * this board: the PIT's IRQ 0 arrives on GSI 2, and the SCI (IRQ 9) is
 * level-triggered, active high.  PCAT_COMPAT: the in-kernel 8259 pair
 * exists too.
 */
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "hw/acpi/pm.h"

#define MADT_LAPIC_ADDR  0xfee00000
#define MADT_IOAPIC_ADDR 0xfec00000
#define MADT_IOAPIC_ID   0
#define MADT_PCAT_COMPAT (1u << 0)

enum {
    MADT_TYPE_LAPIC = 0,
    MADT_TYPE_IOAPIC = 1,
    MADT_TYPE_INT_OVERRIDE = 2,
    MADT_TYPE_LAPIC_NMI = 4,
};

/* MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3. */
#define MPS_INTI_ACTIVE_HIGH 0x1
#define MPS_INTI_LEVEL       0xc

static void madt_override(GByteArray *b, uint8_t irq, uint32_t gsi,
                          uint16_t flags)
{
    acpi_append_u8(b, MADT_TYPE_INT_OVERRIDE);
    acpi_append_u8(b, 10);
    acpi_append_u8(b, 0); /* bus: ISA */
    acpi_append_u8(b, irq);
    acpi_append_u32(b, gsi);
    acpi_append_u16(b, flags);
}

GByteArray *acpi_build_madt(const AcpiBuildConfig *cfg)
{
    GByteArray *b = g_byte_array_new();

    acpi_table_begin(b, "APIC", 3);
    acpi_append_u32(b, MADT_LAPIC_ADDR);
    acpi_append_u32(b, MADT_PCAT_COMPAT);
    for (unsigned i = 0; i < cfg->cpus; i++) {
        acpi_append_u8(b, MADT_TYPE_LAPIC);
        acpi_append_u8(b, 8);
        acpi_append_u8(b, i);  /* ACPI processor uid */
        acpi_append_u8(b, i);  /* APIC id */
        acpi_append_u32(b, 1); /* enabled */
    }
    acpi_append_u8(b, MADT_TYPE_IOAPIC);
    acpi_append_u8(b, 12);
    acpi_append_u8(b, MADT_IOAPIC_ID);
    acpi_append_u8(b, 0);
    acpi_append_u32(b, MADT_IOAPIC_ADDR);
    acpi_append_u32(b, 0); /* GSI base */
    madt_override(b, 0, 2, 0);
    madt_override(b, ACPI_PM_SCI_GSI, ACPI_PM_SCI_GSI,
                  MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL);
    /* LINT1 of every processor is the NMI input. */
    acpi_append_u8(b, MADT_TYPE_LAPIC_NMI);
    acpi_append_u8(b, 6);
    acpi_append_u8(b, 0xff); /* all processors */
    acpi_append_u16(b, 0);
    acpi_append_u8(b, 1); /* LINT1 */
    acpi_table_end(b);
    return b;
}
