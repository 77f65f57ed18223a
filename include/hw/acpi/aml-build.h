/*
 * A small AML (ACPI Machine Language) builder.
 *
 * Nodes form a tree; aml_append(parent, child) moves @child into
 * @parent (the parent owns it from then on).  Package lengths are
 * computed when a node is appended or serialized, so callers never count
 * bytes.  aml_free() frees a tree that was never appended.
 *
 * Encoding follows the ACPI 6.x spec, chapter 20 (AML grammar), and
 * produces the same bytes QEMU's aml-build.c does for the same calls:
 * integers use the smallest of Zero/One/BytePrefix/WordPrefix/DWordPrefix/
 * QWordPrefix; names are 4 characters, padded with '_'.
 */
#ifndef HW_ACPI_AML_BUILD_H
#define HW_ACPI_AML_BUILD_H

#include "qemu/common.h"

typedef struct Aml Aml;

typedef enum AmlRegionSpace {
    AML_SYSTEM_MEMORY = 0x00,
    AML_SYSTEM_IO = 0x01,
} AmlRegionSpace;

typedef enum AmlAccessType {
    AML_ANY_ACC = 0,
    AML_BYTE_ACC = 1,
    AML_WORD_ACC = 2,
    AML_DWORD_ACC = 3,
} AmlAccessType;

typedef enum AmlLockRule { AML_NOLOCK = 0, AML_LOCK = 1 } AmlLockRule;
typedef enum AmlUpdateRule {
    AML_PRESERVE = 0,
    AML_WRITE_AS_ONES = 1,
    AML_WRITE_AS_ZEROS = 2,
} AmlUpdateRule;
typedef enum AmlSerializeFlag {
    AML_NOTSERIALIZED = 0,
    AML_SERIALIZED = 1,
} AmlSerializeFlag;
typedef enum AmlIODecode { AML_DEC10 = 0, AML_DEC16 = 1 } AmlIODecode;
typedef enum AmlAddrSpaceType {
    AML_MEMORY_RANGE = 0,
    AML_IO_RANGE = 1,
    AML_BUS_NUMBER_RANGE = 2,
} AmlAddrSpaceType;

/* Containers (have a package length) */
Aml *aml_scope(const char *name_fmt, ...) G_GNUC_PRINTF(1, 2);
Aml *aml_device(const char *name_fmt, ...) G_GNUC_PRINTF(1, 2);
Aml *aml_method(const char *name, int arg_count, AmlSerializeFlag sflag);
Aml *aml_resource_template(void); /* Buffer; EndTag added on close */
Aml *aml_field(const char *region, AmlAccessType type, AmlLockRule lock,
               AmlUpdateRule rule);
Aml *aml_if(Aml *predicate);
Aml *aml_else(void);
Aml *aml_package(uint8_t num_elements);

/* Terms */
Aml *aml_name_decl(const char *name, Aml *val); /* Name(NAME, val) */
Aml *aml_name(const char *name_fmt, ...) G_GNUC_PRINTF(1, 2);
Aml *aml_int(uint64_t val);
Aml *aml_string(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
Aml *aml_eisaid(const char *id); /* "PNP0501" -> DWordConst */
Aml *aml_operation_region(const char *name, AmlRegionSpace rs, Aml *offset,
                          uint32_t len);
Aml *aml_named_field(const char *name, unsigned length_bits);
Aml *aml_reserved_field(unsigned length_bits);
Aml *aml_local(int num); /* Local0..7 */
Aml *aml_arg(int pos);   /* Arg0..6 */
Aml *aml_store(Aml *val, Aml *target);
Aml *aml_return(Aml *val);
Aml *aml_equal(Aml *a, Aml *b);
Aml *aml_and(Aml *a, Aml *b, Aml *target); /* target may be NULL */
Aml *aml_notify(Aml *obj, Aml *event);
/* Resource descriptors (inside aml_resource_template) */
Aml *aml_io(AmlIODecode dec, uint16_t min_base, uint16_t max_base, uint8_t aln,
            uint8_t len);
Aml *aml_irq_no_flags(uint8_t irq);
/*
 * Address space descriptors of a bridge's windows (a host bridge's
 * _CRS): ResourceProducer, MinFixed, MaxFixed, PosDecode, granularity and
 * translation 0, length max - min + 1.  I/O ranges are EntireRange;
 * memory is ReadWrite, AddressRangeMemory, TypeStatic.
 */
Aml *aml_word_bus_number(uint16_t min, uint16_t max);
Aml *aml_word_io(uint16_t min, uint16_t max);
Aml *aml_dword_memory(bool cacheable, uint32_t min, uint32_t max);
Aml *aml_qword_memory(bool cacheable, uint64_t min, uint64_t max);

void aml_append(Aml *parent, Aml *child);
void aml_free(Aml *node);

/* Serialize @node (and its children); the caller frees the array. */
GByteArray *aml_serialize(Aml *node);
/* Serialize every child of @node, without @node's own header: what a
 * DSDT body is made of when @node is a bare container from aml_new(). */
GByteArray *aml_serialize_children(Aml *node);
/* A bare container to collect top-level terms. */
Aml *aml_new(void);

#endif /* HW_ACPI_AML_BUILD_H */
