/*
 * AML builder: exact bytes for the pvpanic node (against QEMU's DSDT) and
 * the encodings every other table user relies on.
 */
#include <string.h>

#include "hw/acpi/aml-build.h"
#include "hw/catalog.h"
#include "hw/core/qdev.h"
#include "hw/misc/pvpanic.h"

/* QEMU's Device(PEVT) for port 0x505 (tests/data/acpi .../DSDT.pvpanic-isa) */
static const uint8_t pevt_0x505[] = {
    0x5b, 0x82, 0x43, 0x06, 0x50, 0x45, 0x56, 0x54, 0x08, 0x5f, 0x48, 0x49,
    0x44, 0x0d, 0x51, 0x45, 0x4d, 0x55, 0x30, 0x30, 0x30, 0x31, 0x00, 0x08,
    0x5f, 0x43, 0x52, 0x53, 0x11, 0x0d, 0x0a, 0x0a, 0x47, 0x01, 0x05, 0x05,
    0x05, 0x05, 0x01, 0x01, 0x79, 0x00, 0x5b, 0x80, 0x50, 0x45, 0x4f, 0x52,
    0x01, 0x0b, 0x05, 0x05, 0x01, 0x5b, 0x81, 0x0b, 0x50, 0x45, 0x4f, 0x52,
    0x01, 0x50, 0x45, 0x50, 0x54, 0x08, 0x08, 0x5f, 0x53, 0x54, 0x41, 0x0a,
    0x0f, 0x14, 0x0e, 0x52, 0x44, 0x50, 0x54, 0x00, 0x70, 0x50, 0x45, 0x50,
    0x54, 0x60, 0xa4, 0x60, 0x14, 0x0c, 0x57, 0x52, 0x50, 0x54, 0x01, 0x70,
    0x68, 0x50, 0x45, 0x50, 0x54,
};

/* Port 0x540: only the port bytes (_CRS min/max, region offset) change;
 * cross-checked with iasl -d. */
static const uint8_t pevt_0x540[] = {
    0x5b, 0x82, 0x43, 0x06, 0x50, 0x45, 0x56, 0x54, 0x08, 0x5f, 0x48, 0x49,
    0x44, 0x0d, 0x51, 0x45, 0x4d, 0x55, 0x30, 0x30, 0x30, 0x31, 0x00, 0x08,
    0x5f, 0x43, 0x52, 0x53, 0x11, 0x0d, 0x0a, 0x0a, 0x47, 0x01, 0x40, 0x05,
    0x40, 0x05, 0x01, 0x01, 0x79, 0x00, 0x5b, 0x80, 0x50, 0x45, 0x4f, 0x52,
    0x01, 0x0b, 0x40, 0x05, 0x01, 0x5b, 0x81, 0x0b, 0x50, 0x45, 0x4f, 0x52,
    0x01, 0x50, 0x45, 0x50, 0x54, 0x08, 0x08, 0x5f, 0x53, 0x54, 0x41, 0x0a,
    0x0f, 0x14, 0x0e, 0x52, 0x44, 0x50, 0x54, 0x00, 0x70, 0x50, 0x45, 0x50,
    0x54, 0x60, 0xa4, 0x60, 0x14, 0x0c, 0x57, 0x52, 0x50, 0x54, 0x01, 0x70,
    0x68, 0x50, 0x45, 0x50, 0x54,
};

static void assert_bytes(GByteArray *got, const uint8_t *want, size_t len)
{
    if (got->len != len || memcmp(got->data, want, len) != 0) {
        g_autofree char *hex = g_strnfill(got->len * 3, ' ');

        for (guint i = 0; i < got->len; i++) {
            g_snprintf(hex + i * 3, 4, "%02x ", got->data[i]);
        }
        g_test_message("got %u bytes: %s", got->len, hex);
    }
    g_assert_cmpmem(got->data, got->len, want, len);
}

/* Serialize one node and compare; frees the node. */
static void check_node(Aml *node, const uint8_t *want, size_t len)
{
    GByteArray *b = aml_serialize(node);

    assert_bytes(b, want, len);
    g_byte_array_free(b, true);
    aml_free(node);
}

#define CHECK(node, ...)                                                       \
    do {                                                                       \
        static const uint8_t want_[] = {__VA_ARGS__};                          \
        check_node((node), want_, sizeof(want_));                              \
    } while (0)

static void check_pevt(uint16_t port, const uint8_t *want, size_t len)
{
    const DeviceClass *dc = qdev_find_type(TYPE_PVPANIC_ISA_DEVICE);
    DeviceState *dev = qdev_new(dc);
    g_autofree char *text = g_strdup_printf("0x%x", port);
    Aml *scope = aml_new();
    GByteArray *b;

    g_assert_true(qdev_set_prop_text(dev, "ioport", text, NULL));
    dc->build_aml(dev, scope);
    b = aml_serialize_children(scope);
    assert_bytes(b, want, len);
    g_byte_array_free(b, true);
    aml_free(scope);
    qdev_unref(dev);
}

static void test_pevt_default_port(void)
{
    check_pevt(0x505, pevt_0x505, sizeof(pevt_0x505));
}

static void test_pevt_other_port(void)
{
    check_pevt(0x540, pevt_0x540, sizeof(pevt_0x540));
}

static void test_integers(void)
{
    CHECK(aml_int(0), 0x00);
    CHECK(aml_int(1), 0x01);
    CHECK(aml_int(2), 0x0a, 0x02);
    CHECK(aml_int(0xff), 0x0a, 0xff);
    CHECK(aml_int(0x100), 0x0b, 0x00, 0x01);
    CHECK(aml_int(0x10000), 0x0c, 0x00, 0x00, 0x01, 0x00);
    CHECK(aml_int(0x100000000ull), 0x0e, 0, 0, 0, 0, 1, 0, 0, 0);
}

static void test_names(void)
{
    CHECK(aml_name("PEPT"), 'P', 'E', 'P', 'T');
    CHECK(aml_name("S5"), 'S', '5', '_', '_');
    CHECK(aml_name("\\_SB.PEVT"), 0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'E', 'V',
          'T');
    CHECK(aml_name("\\_SB.PCI0.S08.PEVT"), 0x5c, 0x2f, 0x04, '_', 'S', 'B', '_',
          'P', 'C', 'I', '0', 'S', '0', '8', '_', 'P', 'E', 'V', 'T');
    CHECK(aml_name("^^PEVT"), 0x5e, 0x5e, 'P', 'E', 'V', 'T');
    CHECK(aml_name("\\"), 0x5c, 0x00);
    CHECK(aml_name("\\_S5"), 0x5c, '_', 'S', '5', '_');
}

static void test_strings_and_ids(void)
{
    CHECK(aml_string("COM%d", 1), 0x0d, 'C', 'O', 'M', '1', 0x00);
    CHECK(aml_string("%s", ""), 0x0d, 0x00);
    CHECK(aml_eisaid("PNP0501"), 0x0c, 0x41, 0xd0, 0x05, 0x01);
    CHECK(aml_eisaid("PNP0A03"), 0x0c, 0x41, 0xd0, 0x0a, 0x03);
}

static void test_scope_and_pkglen(void)
{
    Aml *scope = aml_scope("\\_SB");
    g_autofree char *x55 = g_strnfill(55, 'x');
    g_autofree char *x57 = g_strnfill(57, 'x');
    g_autofree char *x5000 = g_strnfill(5000, 'x');
    Aml *big;
    GByteArray *b;

    /* Empty: PkgLength counts itself. */
    CHECK(aml_scope("\\_SB"), 0x10, 0x06, 0x5c, '_', 'S', 'B', '_');
    aml_free(scope);

    /* 62 bytes of body fit in one PkgLength byte (63 with itself)... */
    big = aml_scope("ABCD");
    aml_append(big, aml_string("%s", x55));
    b = aml_serialize(big);
    /* body = 4 (name) + 1 + 55 + 1 = 61, +1 self = 62 */
    g_assert_cmpuint(b->len, ==, 1 + 1 + 61);
    g_assert_cmphex(b->data[1], ==, 62);
    g_byte_array_free(b, true);
    aml_free(big);

    /* ...63 bytes of body need two (0x40 | low nibble, then the rest). */
    big = aml_scope("ABCD");
    aml_append(big, aml_string("%s", x57));
    b = aml_serialize(big);
    /* body = 4 + 1 + 57 + 1 = 63; total = 65 */
    g_assert_cmpuint(b->len, ==, 1 + 2 + 63);
    g_assert_cmphex(b->data[1], ==, 0x40 | (65 & 0xf));
    g_assert_cmphex(b->data[2], ==, 65 >> 4);
    g_byte_array_free(b, true);
    aml_free(big);

    /* 3-byte PkgLength: 4096 and beyond. */
    big = aml_scope("ABCD");
    aml_append(big, aml_string("%s", x5000));
    b = aml_serialize(big);
    {
        uint32_t len = 4 + 1 + 5000 + 1 + 3;

        g_assert_cmpuint(b->len, ==, 1 + len);
        g_assert_cmphex(b->data[1], ==, 0x80 | (len & 0xf));
        g_assert_cmphex(b->data[2], ==, (len >> 4) & 0xff);
        g_assert_cmphex(b->data[3], ==, (len >> 12) & 0xff);
    }
    g_byte_array_free(b, true);
    aml_free(big);
}

static void test_resource_template(void)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_io(AML_DEC16, 0x3f8, 0x3f8, 0x00, 0x08));
    aml_append(crs, aml_irq_no_flags(4));
    CHECK(crs, 0x11, 0x10, 0x0a, 0x0d, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x00,
          0x08, 0x22, 0x10, 0x00, 0x79, 0x00);
    CHECK(aml_resource_template(), 0x11, 0x05, 0x0a, 0x02, 0x79, 0x00);
}

static void test_fields_and_regions(void)
{
    Aml *f = aml_field("PEOR", AML_BYTE_ACC, AML_NOLOCK, AML_PRESERVE);

    aml_append(f, aml_named_field("PEPT", 8));
    aml_append(f, aml_reserved_field(16));
    aml_append(f, aml_named_field("BIG", 100));
    CHECK(f, 0x5b, 0x81, 0x13, 'P', 'E', 'O', 'R', 0x01, 'P', 'E', 'P', 'T',
          0x08, 0x00, 0x10, 'B', 'I', 'G', '_', 0x44, 0x06);
    f = aml_field("REG", AML_DWORD_ACC, AML_LOCK, AML_WRITE_AS_ZEROS);
    CHECK(f, 0x5b, 0x81, 0x06, 'R', 'E', 'G', '_', 0x53);
    CHECK(aml_operation_region("PEOR", AML_SYSTEM_IO, aml_int(0x505), 1), 0x5b,
          0x80, 'P', 'E', 'O', 'R', 0x01, 0x0b, 0x05, 0x05, 0x01);
    CHECK(aml_operation_region("MEM", AML_SYSTEM_MEMORY, aml_int(0xfed00000),
                               0x400),
          0x5b, 0x80, 'M', 'E', 'M', '_', 0x00, 0x0c, 0x00, 0x00, 0xd0, 0xfe,
          0x0b, 0x00, 0x04);
}

static void test_methods_and_terms(void)
{
    Aml *m = aml_method("_STA", 0, AML_SERIALIZED);
    Aml *ifp, *elsep, *pkg;

    aml_append(m, aml_return(aml_int(0x0f)));
    CHECK(m, 0x14, 0x09, '_', 'S', 'T', 'A', 0x08, 0xa4, 0x0a, 0x0f);

    m = aml_method("TST", 2, AML_NOTSERIALIZED);
    ifp = aml_if(aml_equal(aml_arg(0), aml_int(1)));
    aml_append(ifp, aml_notify(aml_name("\\_SB.PWRB"), aml_int(0x80)));
    aml_append(m, ifp);
    elsep = aml_else();
    aml_append(elsep, aml_and(aml_arg(1), aml_int(3), aml_local(2)));
    aml_append(elsep, aml_and(aml_arg(1), aml_int(3), NULL));
    aml_append(m, elsep);
    CHECK(m, 0x14, 0x24, 'T', 'S', 'T', '_', 0x02,
          /* If (LEqual (Arg0, One)) { Notify (\_SB.PWRB, 0x80) } */
          0xa0, 0x11, 0x93, 0x68, 0x01, 0x86, 0x5c, 0x2e, '_', 'S', 'B', '_',
          'P', 'W', 'R', 'B', 0x0a, 0x80,
          /* Else { And (Arg1, 3, Local2) And (Arg1, 3, ) } */
          0xa1, 0x0b, 0x7b, 0x69, 0x0a, 0x03, 0x62, 0x7b, 0x69, 0x0a, 0x03,
          0x00);

    pkg = aml_package(4);
    aml_append(pkg, aml_int(5));
    aml_append(pkg, aml_int(0));
    aml_append(pkg, aml_int(0));
    aml_append(pkg, aml_int(0));
    CHECK(aml_name_decl("_S5", pkg), 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04,
          0x0a, 0x05, 0x00, 0x00, 0x00);
    CHECK(aml_store(aml_local(7), aml_arg(6)), 0x70, 0x67, 0x6e);
}

static void test_device_in_scope(void)
{
    Aml *root = aml_new();
    Aml *sb = aml_scope("\\_SB");
    Aml *dev = aml_device("COM1");
    GByteArray *b;

    /* Filled in any order: lengths are computed at serialization. */
    aml_append(root, sb);
    aml_append(sb, dev);
    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0501")));
    b = aml_serialize_children(root);
    {
        static const uint8_t want[] = {
            0x10, 0x17, 0x5c, '_', 'S', 'B', '_', 0x5b, 0x82, 0x0f, 'C',  'O',
            'M',  '1',  0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x05, 0x01,
        };
        assert_bytes(b, want, sizeof(want));
    }
    g_byte_array_free(b, true);
    aml_free(root);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/aml/pevt/0x505", test_pevt_default_port);
    g_test_add_func("/aml/pevt/0x540", test_pevt_other_port);
    g_test_add_func("/aml/integers", test_integers);
    g_test_add_func("/aml/names", test_names);
    g_test_add_func("/aml/strings", test_strings_and_ids);
    g_test_add_func("/aml/pkglen", test_scope_and_pkglen);
    g_test_add_func("/aml/resource-template", test_resource_template);
    g_test_add_func("/aml/fields", test_fields_and_regions);
    g_test_add_func("/aml/methods", test_methods_and_terms);
    g_test_add_func("/aml/nesting", test_device_in_scope);
    return g_test_run();
}
