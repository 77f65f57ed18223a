/*
 * FACS (Firmware ACPI Control Structure).  Linux requires one on
 * hardware that is not "reduced"; we have no sleep states that resume,
 * so the waking vectors stay 0 and there is no global lock.  The FACS
 * has no checksum.
 */
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"

#define FACS_LEN 64

GByteArray *acpi_build_facs(void)
{
    GByteArray *b = g_byte_array_new();

    acpi_append_str(b, "FACS", 4);
    acpi_append_u32(b, FACS_LEN);
    acpi_append_u32(b, 0); /* hardware signature */
    acpi_append_u32(b, 0); /* firmware waking vector */
    acpi_append_u32(b, 0); /* global lock */
    acpi_append_u32(b, 0); /* flags */
    acpi_append_u64(b, 0); /* X firmware waking vector */
    acpi_append_u8(b, 2);  /* version */
    acpi_append_zeros(b, FACS_LEN - b->len);
    return b;
}
