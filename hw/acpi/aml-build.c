/*
 * AML builder (ACPI 6.x, chapter 20).
 *
 * Every node is the same shape: an opcode (outside the package length),
 * optionally a PkgLength, a fixed head (name, flags, ...), then its
 * children in order, then a fixed tail.  Arguments of terms (the value of
 * a Name, the operands of a Store) are children too, so one serializer
 * covers every construct and nodes may be filled in any order: lengths
 * are only computed when the tree is serialized.
 */
#include <stdarg.h>
#include <string.h>

#include "hw/acpi/aml-build.h"

typedef enum AmlKind {
    AML_KIND_RAW,          /* op + head + children (no length) */
    AML_KIND_PACKAGE,      /* op + PkgLength + head + children */
    AML_KIND_RES_TEMPLATE, /* Buffer: PkgLength, BufferSize, body, EndTag */
    AML_KIND_CONTAINER,    /* children only (aml_new) */
} AmlKind;

struct Aml {
    AmlKind kind;
    uint8_t op[2];
    uint8_t op_len; /* 0, 1, or 2 (0x5B ExtOpPrefix) */
    GByteArray *head;
    GPtrArray *children; /* Aml *, owned */
};

/* Opcodes used here (ACPI 6.4, 20.3) */
enum {
    ZERO_OP = 0x00,
    ONE_OP = 0x01,
    NAME_OP = 0x08,
    BYTE_PREFIX = 0x0A,
    WORD_PREFIX = 0x0B,
    DWORD_PREFIX = 0x0C,
    STRING_PREFIX = 0x0D,
    QWORD_PREFIX = 0x0E,
    SCOPE_OP = 0x10,
    BUFFER_OP = 0x11,
    PACKAGE_OP = 0x12,
    METHOD_OP = 0x14,
    DUAL_NAME_PREFIX = 0x2E,
    MULTI_NAME_PREFIX = 0x2F,
    EXT_OP_PREFIX = 0x5B,
    ROOT_CHAR = 0x5C,
    PARENT_PREFIX_CHAR = 0x5E,
    LOCAL0_OP = 0x60,
    ARG0_OP = 0x68,
    STORE_OP = 0x70,
    AND_OP = 0x7B,
    NOTIFY_OP = 0x86,
    LEQUAL_OP = 0x93,
    IF_OP = 0xA0,
    ELSE_OP = 0xA1,
    RETURN_OP = 0xA4,
    /* after ExtOpPrefix */
    OP_REGION_OP = 0x80,
    FIELD_OP = 0x81,
    DEVICE_OP = 0x82,
};

/* Small resource descriptor tags (ACPI 6.4, 6.4.2) */
enum {
    RES_IRQ_NO_FLAGS = 0x22, /* IRQ, length 2 */
    RES_IO = 0x47,           /* I/O port, length 7 */
    RES_END_TAG = 0x79,      /* End tag, length 1 */
};

/* Large address space descriptors (6.4.3.5) */
enum {
    RES_DWORD_ADDR = 0x87,
    RES_WORD_ADDR = 0x88,
    RES_QWORD_ADDR = 0x8A,
};

static Aml *aml_alloc(AmlKind kind, int op, bool ext)
{
    Aml *a = g_new0(Aml, 1);

    a->kind = kind;
    if (ext) {
        a->op[a->op_len++] = EXT_OP_PREFIX;
    }
    if (op >= 0) {
        a->op[a->op_len++] = op;
    }
    a->head = g_byte_array_new();
    a->children = g_ptr_array_new_with_free_func((GDestroyNotify)aml_free);
    return a;
}

static void append_byte(GByteArray *b, uint8_t v)
{
    g_byte_array_append(b, &v, 1);
}

static void append_le(GByteArray *b, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        append_byte(b, v >> (8 * i));
    }
}

/*
 * PkgLength (20.2.4).  With @incl_self the encoded value counts its own
 * bytes (package lengths); without, it is a plain number (field widths).
 */
static void encode_pkglen(GByteArray *b, uint64_t len, bool incl_self)
{
    unsigned nbytes;
    uint64_t v;

    if (len + (incl_self ? 1 : 0) < (1u << 6)) {
        nbytes = 1;
    } else if (len + (incl_self ? 2 : 0) < (1u << 12)) {
        nbytes = 2;
    } else if (len + (incl_self ? 3 : 0) < (1u << 20)) {
        nbytes = 3;
    } else {
        nbytes = 4;
    }
    v = len + (incl_self ? nbytes : 0);
    g_assert(v < (1u << 28));
    if (nbytes == 1) {
        append_byte(b, v);
        return;
    }
    /* Lead byte: count in bits 7:6, low nibble of the length in 3:0. */
    append_byte(b, ((nbytes - 1) << 6) | (v & 0x0f));
    v >>= 4;
    for (unsigned i = 1; i < nbytes; i++) {
        append_byte(b, v & 0xff);
        v >>= 8;
    }
}

/* Integer in the smallest encoding (20.2.3 ComputationalData). */
static void encode_int(GByteArray *b, uint64_t v)
{
    if (v == 0) {
        append_byte(b, ZERO_OP);
    } else if (v == 1) {
        append_byte(b, ONE_OP);
    } else if (v <= UINT8_MAX) {
        append_byte(b, BYTE_PREFIX);
        append_le(b, v, 1);
    } else if (v <= UINT16_MAX) {
        append_byte(b, WORD_PREFIX);
        append_le(b, v, 2);
    } else if (v <= UINT32_MAX) {
        append_byte(b, DWORD_PREFIX);
        append_le(b, v, 4);
    } else {
        append_byte(b, QWORD_PREFIX);
        append_le(b, v, 8);
    }
}

static void encode_nameseg(GByteArray *b, const char *seg, size_t len)
{
    g_assert(len >= 1 && len <= 4);
    g_byte_array_append(b, (const guint8 *)seg, len);
    for (size_t i = len; i < 4; i++) {
        append_byte(b, '_');
    }
}

/* NameString (20.2.2): [\ | ^...] then NullName, a seg, Dual or Multi. */
static void encode_namestring(GByteArray *b, const char *name)
{
    const char *p = name;
    unsigned nsegs = 0;

    if (*p == '\\') {
        append_byte(b, ROOT_CHAR);
        p++;
    } else {
        while (*p == '^') {
            append_byte(b, PARENT_PREFIX_CHAR);
            p++;
        }
    }
    if (*p == '\0') {
        append_byte(b, ZERO_OP); /* NullName */
        return;
    }
    for (const char *q = p; q; q = strchr(q, '.')) {
        nsegs++;
        q++;
    }
    g_assert(nsegs <= 255);
    if (nsegs == 2) {
        append_byte(b, DUAL_NAME_PREFIX);
    } else if (nsegs > 2) {
        append_byte(b, MULTI_NAME_PREFIX);
        append_byte(b, nsegs);
    }
    while (*p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);

        encode_nameseg(b, p, len);
        p += len + (dot ? 1 : 0);
    }
}

static void serialize_into(GByteArray *out, const Aml *a);

static GByteArray *serialize_body(const Aml *a)
{
    GByteArray *body = g_byte_array_new();

    g_byte_array_append(body, a->head->data, a->head->len);
    for (guint i = 0; i < a->children->len; i++) {
        serialize_into(body, g_ptr_array_index(a->children, i));
    }
    return body;
}

static void serialize_into(GByteArray *out, const Aml *a)
{
    GByteArray *body = serialize_body(a);

    g_byte_array_append(out, a->op, a->op_len);
    switch (a->kind) {
    case AML_KIND_RAW:
    case AML_KIND_CONTAINER:
        g_byte_array_append(out, body->data, body->len);
        break;
    case AML_KIND_PACKAGE:
        encode_pkglen(out, body->len, true);
        g_byte_array_append(out, body->data, body->len);
        break;
    case AML_KIND_RES_TEMPLATE: {
        GByteArray *buf = g_byte_array_new();

        /* EndTag with checksum 0 ("treat as checksummed"), as QEMU. */
        append_byte(body, RES_END_TAG);
        append_byte(body, 0);
        encode_int(buf, body->len);
        g_byte_array_append(buf, body->data, body->len);
        encode_pkglen(out, buf->len, true);
        g_byte_array_append(out, buf->data, buf->len);
        g_byte_array_free(buf, true);
        break;
    }
    }
    g_byte_array_free(body, true);
}

GByteArray *aml_serialize(Aml *node)
{
    GByteArray *out = g_byte_array_new();

    serialize_into(out, node);
    return out;
}

GByteArray *aml_serialize_children(Aml *node)
{
    GByteArray *out = g_byte_array_new();

    for (guint i = 0; i < node->children->len; i++) {
        serialize_into(out, g_ptr_array_index(node->children, i));
    }
    return out;
}

Aml *aml_new(void)
{
    return aml_alloc(AML_KIND_CONTAINER, -1, false);
}

void aml_append(Aml *parent, Aml *child)
{
    g_ptr_array_add(parent->children, child);
}

void aml_free(Aml *node)
{
    if (!node) {
        return;
    }
    g_ptr_array_free(node->children, true);
    g_byte_array_free(node->head, true);
    g_free(node);
}

/* Raw node from @op (or none if < 0) followed by @children. */
static Aml *aml_term(int op, Aml *a, Aml *b, Aml *c)
{
    Aml *t = aml_alloc(AML_KIND_RAW, op, false);
    Aml *args[] = {a, b, c};

    for (size_t i = 0; i < G_N_ELEMENTS(args); i++) {
        if (args[i]) {
            aml_append(t, args[i]);
        }
    }
    return t;
}

static Aml *aml_named_package_v(int op, bool ext, const char *fmt, va_list ap)
{
    Aml *a = aml_alloc(AML_KIND_PACKAGE, op, ext);
    char *name = g_strdup_vprintf(fmt, ap);

    encode_namestring(a->head, name);
    g_free(name);
    return a;
}

Aml *aml_scope(const char *name_fmt, ...)
{
    va_list ap;
    Aml *a;

    va_start(ap, name_fmt);
    a = aml_named_package_v(SCOPE_OP, false, name_fmt, ap);
    va_end(ap);
    return a;
}

Aml *aml_device(const char *name_fmt, ...)
{
    va_list ap;
    Aml *a;

    va_start(ap, name_fmt);
    a = aml_named_package_v(DEVICE_OP, true, name_fmt, ap);
    va_end(ap);
    return a;
}

Aml *aml_method(const char *name, int arg_count, AmlSerializeFlag sflag)
{
    Aml *a = aml_alloc(AML_KIND_PACKAGE, METHOD_OP, false);

    g_assert(arg_count >= 0 && arg_count <= 7);
    encode_namestring(a->head, name);
    /* MethodFlags: ArgCount in bits 2:0, SerializeFlag bit 3, SyncLevel 0 */
    append_byte(a->head, arg_count | (sflag << 3));
    return a;
}

Aml *aml_resource_template(void)
{
    return aml_alloc(AML_KIND_RES_TEMPLATE, BUFFER_OP, false);
}

Aml *aml_field(const char *region, AmlAccessType type, AmlLockRule lock,
               AmlUpdateRule rule)
{
    Aml *a = aml_alloc(AML_KIND_PACKAGE, FIELD_OP, true);

    encode_namestring(a->head, region);
    /* FieldFlags: AccessType 3:0, LockRule 4, UpdateRule 6:5 */
    append_byte(a->head, type | (lock << 4) | (rule << 5));
    return a;
}

Aml *aml_if(Aml *predicate)
{
    Aml *a = aml_alloc(AML_KIND_PACKAGE, IF_OP, false);

    aml_append(a, predicate);
    return a;
}

Aml *aml_else(void)
{
    return aml_alloc(AML_KIND_PACKAGE, ELSE_OP, false);
}

Aml *aml_package(uint8_t num_elements)
{
    Aml *a = aml_alloc(AML_KIND_PACKAGE, PACKAGE_OP, false);

    append_byte(a->head, num_elements);
    return a;
}

Aml *aml_name_decl(const char *name, Aml *val)
{
    Aml *a = aml_alloc(AML_KIND_RAW, NAME_OP, false);

    encode_namestring(a->head, name);
    aml_append(a, val);
    return a;
}

Aml *aml_name(const char *name_fmt, ...)
{
    Aml *a = aml_alloc(AML_KIND_RAW, -1, false);
    va_list ap;
    char *name;

    va_start(ap, name_fmt);
    name = g_strdup_vprintf(name_fmt, ap);
    va_end(ap);
    encode_namestring(a->head, name);
    g_free(name);
    return a;
}

Aml *aml_int(uint64_t val)
{
    Aml *a = aml_alloc(AML_KIND_RAW, -1, false);

    encode_int(a->head, val);
    return a;
}

Aml *aml_string(const char *fmt, ...)
{
    Aml *a = aml_alloc(AML_KIND_RAW, STRING_PREFIX, false);
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    /* AsciiCharList NullChar */
    g_byte_array_append(a->head, (const guint8 *)s, strlen(s) + 1);
    g_free(s);
    return a;
}

/* "PNP0501": three letters of 5 bits each, then 4 hex digits, stored
 * big-endian in a DWordConst. */
Aml *aml_eisaid(const char *id)
{
    Aml *a = aml_alloc(AML_KIND_RAW, DWORD_PREFIX, false);
    uint32_t v;

    g_assert(strlen(id) == 7);
    v = ((uint32_t)(id[0] - 0x40) & 0x1f) << 26 |
        ((uint32_t)(id[1] - 0x40) & 0x1f) << 21 |
        ((uint32_t)(id[2] - 0x40) & 0x1f) << 16 |
        g_ascii_xdigit_value(id[3]) << 12 | g_ascii_xdigit_value(id[4]) << 8 |
        g_ascii_xdigit_value(id[5]) << 4 | g_ascii_xdigit_value(id[6]);
    append_le(a->head, GUINT32_SWAP_LE_BE(v), 4);
    return a;
}

Aml *aml_operation_region(const char *name, AmlRegionSpace rs, Aml *offset,
                          uint32_t len)
{
    Aml *a = aml_alloc(AML_KIND_RAW, OP_REGION_OP, true);

    encode_namestring(a->head, name);
    append_byte(a->head, rs);
    aml_append(a, offset);
    aml_append(a, aml_int(len));
    return a;
}

Aml *aml_named_field(const char *name, unsigned length_bits)
{
    Aml *a = aml_alloc(AML_KIND_RAW, -1, false);

    encode_nameseg(a->head, name, strlen(name));
    encode_pkglen(a->head, length_bits, false);
    return a;
}

Aml *aml_reserved_field(unsigned length_bits)
{
    Aml *a = aml_alloc(AML_KIND_RAW, 0x00, false);

    encode_pkglen(a->head, length_bits, false);
    return a;
}

Aml *aml_local(int num)
{
    g_assert(num >= 0 && num <= 7);
    return aml_alloc(AML_KIND_RAW, LOCAL0_OP + num, false);
}

Aml *aml_arg(int pos)
{
    g_assert(pos >= 0 && pos <= 6);
    return aml_alloc(AML_KIND_RAW, ARG0_OP + pos, false);
}

Aml *aml_store(Aml *val, Aml *target)
{
    return aml_term(STORE_OP, val, target, NULL);
}

Aml *aml_return(Aml *val)
{
    return aml_term(RETURN_OP, val, NULL, NULL);
}

Aml *aml_equal(Aml *a, Aml *b)
{
    return aml_term(LEQUAL_OP, a, b, NULL);
}

Aml *aml_and(Aml *a, Aml *b, Aml *target)
{
    /* Target is a SuperName or NullName when the result is not stored. */
    return aml_term(AND_OP, a, b, target ? target : aml_name("%s", ""));
}

Aml *aml_notify(Aml *obj, Aml *event)
{
    return aml_term(NOTIFY_OP, obj, event, NULL);
}

Aml *aml_io(AmlIODecode dec, uint16_t min_base, uint16_t max_base, uint8_t aln,
            uint8_t len)
{
    Aml *a = aml_alloc(AML_KIND_RAW, RES_IO, false);

    append_byte(a->head, dec);
    append_le(a->head, min_base, 2);
    append_le(a->head, max_base, 2);
    append_byte(a->head, aln);
    append_byte(a->head, len);
    return a;
}

Aml *aml_irq_no_flags(uint8_t irq)
{
    Aml *a = aml_alloc(AML_KIND_RAW, RES_IRQ_NO_FLAGS, false);

    g_assert(irq < 16);
    append_le(a->head, 1u << irq, 2);
    return a;
}

/*
 * Address space descriptor (6.4.3.5.1-3) with @width-byte fields, as a
 * bridge produces it: MinFixed, MaxFixed, PosDecode, ResourceProducer,
 * granularity and translation 0.
 */
static Aml *addr_space(uint8_t tag, unsigned width, AmlAddrSpaceType type,
                       uint8_t type_flags, uint64_t min, uint64_t max)
{
    Aml *a = aml_alloc(AML_KIND_RAW, tag, false);

    g_assert(min <= max);
    append_le(a->head, 3 + 5 * width, 2); /* length after this field */
    append_byte(a->head, type);
    append_byte(a->head, 1 << 3 | 1 << 2); /* _MAF, _MIF; producer */
    append_byte(a->head, type_flags);
    append_le(a->head, 0, width);   /* granularity */
    append_le(a->head, min, width); /* range minimum */
    append_le(a->head, max, width); /* range maximum */
    append_le(a->head, 0, width);   /* translation offset */
    append_le(a->head, max - min + 1, width);
    return a;
}

Aml *aml_word_bus_number(uint16_t min, uint16_t max)
{
    return addr_space(RES_WORD_ADDR, 2, AML_BUS_NUMBER_RANGE, 0, min, max);
}

Aml *aml_word_io(uint16_t min, uint16_t max)
{
    /* _RNG = 3: ISA and non-ISA ranges (EntireRange) */
    return addr_space(RES_WORD_ADDR, 2, AML_IO_RANGE, 3, min, max);
}

/* _MEM in bits 2:1, _RW in bit 0; AddressRangeMemory, TypeStatic. */
static uint8_t mem_flags(bool cacheable)
{
    return (cacheable ? 1 << 1 : 0) | 1;
}

Aml *aml_dword_memory(bool cacheable, uint32_t min, uint32_t max)
{
    return addr_space(RES_DWORD_ADDR, 4, AML_MEMORY_RANGE, mem_flags(cacheable),
                      min, max);
}

Aml *aml_qword_memory(bool cacheable, uint64_t min, uint64_t max)
{
    return addr_space(RES_QWORD_ADDR, 8, AML_MEMORY_RANGE, mem_flags(cacheable),
                      min, max);
}
