/*
 * RSDP (Root System Description Pointer), revision 2.
 *
 * Linux finds it by scanning 0xe0000-0xfffff on 16-byte boundaries, or
 * directly through boot_params.acpi_rsdp_addr / PVH rsdp_paddr.  It
 * points only at the XSDT; RsdtAddress is 0 (no RSDT).
 */
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"

#define RSDP_V1_LEN           20
#define RSDP_LEN              36
#define RSDP_CHECKSUM_OFF     8
#define RSDP_EXT_CHECKSUM_OFF 32

GByteArray *acpi_build_rsdp(uint64_t xsdt_addr)
{
    GByteArray *b = g_byte_array_new();

    acpi_append_str(b, "RSD PTR ", 8);
    acpi_append_u8(b, 0); /* checksum (first 20) */
    acpi_append_str(b, ACPI_OEM_ID, 6);
    acpi_append_u8(b, 2);  /* revision: ACPI 2.0+ */
    acpi_append_u32(b, 0); /* RsdtAddress: none */
    acpi_append_u32(b, RSDP_LEN);
    acpi_append_u64(b, xsdt_addr);
    acpi_append_u8(b, 0); /* extended checksum */
    acpi_append_zeros(b, 3);
    b->data[RSDP_CHECKSUM_OFF] = acpi_checksum(b->data, RSDP_V1_LEN);
    b->data[RSDP_EXT_CHECKSUM_OFF] = acpi_checksum(b->data, RSDP_LEN);
    return b;
}
