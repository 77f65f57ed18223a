/*
 * Helpers shared by the ACPI table builders (one file per table in
 * hw/acpi/): little-endian appends, the 36-byte table header, generic
 * address structures, checksums.
 *
 * Tables are built into a GByteArray that starts at the table's own
 * first byte; the assembler (acpi-build.c) places them in guest memory.
 * Nothing here depends on the time or on host pointers, so the same
 * input always gives the same bytes (the guest-ABI promise).
 */
#ifndef HW_ACPI_ACPI_TABLE_H
#define HW_ACPI_ACPI_TABLE_H

#include "qemu/common.h"

/* Identity written into every table header. */
#define ACPI_OEM_ID           "VIGIL "   /* 6 characters */
#define ACPI_OEM_TABLE_ID     "VIGILPC " /* 8 characters */
#define ACPI_OEM_REVISION     1
#define ACPI_CREATOR_ID       "VIGL"
#define ACPI_CREATOR_REVISION 1

#define ACPI_TABLE_HEADER_SIZE 36

/* Generic Address Structure address space ids. */
#define ACPI_GAS_SYSTEM_MEMORY 0
#define ACPI_GAS_SYSTEM_IO     1

void acpi_append_u8(GByteArray *b, uint8_t v);
void acpi_append_u16(GByteArray *b, uint16_t v);
void acpi_append_u32(GByteArray *b, uint32_t v);
void acpi_append_u64(GByteArray *b, uint64_t v);
/* Append exactly @len bytes of @s, padding with spaces. */
void acpi_append_str(GByteArray *b, const char *s, size_t len);
void acpi_append_zeros(GByteArray *b, size_t len);
/* 12-byte Generic Address Structure. */
void acpi_append_gas(GByteArray *b, uint8_t space_id, uint8_t bit_width,
                     uint8_t bit_offset, uint8_t access_size, uint64_t addr);

/* Overwrite a little-endian value at @off (already appended). */
void acpi_patch_u32(GByteArray *b, size_t off, uint32_t v);

/*
 * Start a table at the end of @b: appends the standard header with
 * length and checksum zero.  acpi_table_end() fills both in; call it
 * after the last byte of the table has been appended.
 */
void acpi_table_begin(GByteArray *b, const char *sig, uint8_t revision);
void acpi_table_end(GByteArray *b);

/* The byte that makes @p[0..len) sum to zero (mod 256). */
uint8_t acpi_checksum(const uint8_t *p, size_t len);

#endif /* HW_ACPI_ACPI_TABLE_H */
