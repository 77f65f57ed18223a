/*
 * Byte-level helpers for ACPI tables: everything little-endian, headers
 * and checksums filled in once a table is complete.
 */
#include <string.h>

#include "hw/acpi/acpi-table.h"

/* Offsets inside the standard header. */
#define HDR_LENGTH_OFF   4
#define HDR_CHECKSUM_OFF 9

void acpi_append_u8(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

void acpi_append_u16(GByteArray *b, uint16_t v)
{
    uint8_t p[2] = {v, v >> 8};

    g_byte_array_append(b, p, sizeof(p));
}

void acpi_append_u32(GByteArray *b, uint32_t v)
{
    acpi_append_u16(b, v);
    acpi_append_u16(b, v >> 16);
}

void acpi_append_u64(GByteArray *b, uint64_t v)
{
    acpi_append_u32(b, v);
    acpi_append_u32(b, v >> 32);
}

void acpi_append_str(GByteArray *b, const char *s, size_t len)
{
    size_t n = strnlen(s, len);

    g_byte_array_append(b, (const uint8_t *)s, n);
    for (; n < len; n++) {
        acpi_append_u8(b, ' ');
    }
}

void acpi_append_zeros(GByteArray *b, size_t len)
{
    size_t old = b->len;

    g_byte_array_set_size(b, old + len);
    memset(b->data + old, 0, len);
}

void acpi_append_gas(GByteArray *b, uint8_t space_id, uint8_t bit_width,
                     uint8_t bit_offset, uint8_t access_size, uint64_t addr)
{
    acpi_append_u8(b, space_id);
    acpi_append_u8(b, bit_width);
    acpi_append_u8(b, bit_offset);
    acpi_append_u8(b, access_size);
    acpi_append_u64(b, addr);
}

void acpi_patch_u32(GByteArray *b, size_t off, uint32_t v)
{
    g_assert(off + 4 <= b->len);
    for (int i = 0; i < 4; i++) {
        b->data[off + i] = v >> (8 * i);
    }
}

void acpi_table_begin(GByteArray *b, const char *sig, uint8_t revision)
{
    g_assert(b->len == 0);
    acpi_append_str(b, sig, 4);
    acpi_append_u32(b, 0); /* length: acpi_table_end */
    acpi_append_u8(b, revision);
    acpi_append_u8(b, 0); /* checksum: acpi_table_end */
    acpi_append_str(b, ACPI_OEM_ID, 6);
    acpi_append_str(b, ACPI_OEM_TABLE_ID, 8);
    acpi_append_u32(b, ACPI_OEM_REVISION);
    acpi_append_str(b, ACPI_CREATOR_ID, 4);
    acpi_append_u32(b, ACPI_CREATOR_REVISION);
}

void acpi_table_end(GByteArray *b)
{
    acpi_patch_u32(b, HDR_LENGTH_OFF, b->len);
    b->data[HDR_CHECKSUM_OFF] = 0;
    b->data[HDR_CHECKSUM_OFF] = acpi_checksum(b->data, b->len);
}

uint8_t acpi_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return (uint8_t)-sum;
}
