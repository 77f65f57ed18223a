/*
 * XSDT: 64-bit pointers to every table except the FACS and DSDT, which
 * the FADT points at.
 */
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"

GByteArray *acpi_build_xsdt(const uint64_t *addrs, unsigned n)
{
    GByteArray *b = g_byte_array_new();

    acpi_table_begin(b, "XSDT", 1);
    for (unsigned i = 0; i < n; i++) {
        acpi_append_u64(b, addrs[i]);
    }
    acpi_table_end(b);
    return b;
}
