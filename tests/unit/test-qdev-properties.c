/*
 * Typed properties: defaults, text parsing with QEMU's messages, typed
 * setters (the JSON -device form), printing.
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"

typedef struct TestState {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    bool flag;
    char *str;
} TestState;

static const Property test_props[] = {
    DEFINE_PROP_UINT8("events", TestState, u8, 7),
    DEFINE_PROP_UINT16("ioport", TestState, u16, 0x505),
    DEFINE_PROP_UINT32("iobase", TestState, u32, UINT32_MAX),
    DEFINE_PROP_UINT64("size", TestState, u64, 1ull << 40),
    DEFINE_PROP_BOOL("wakeup", TestState, flag, false),
    DEFINE_PROP_STRING("chardev", TestState, str),
    DEFINE_PROP_END_OF_LIST(),
};

static const Property *prop(const char *name)
{
    const Property *p = qdev_prop_find(test_props, name);

    g_assert_nonnull(p);
    return p;
}

static void test_defaults_and_names(void)
{
    TestState s;

    memset(&s, 0xaa, sizeof(s));
    qdev_prop_set_defaults(&s, test_props);
    g_assert_cmpuint(s.u8, ==, 7);
    g_assert_cmphex(s.u16, ==, 0x505);
    g_assert_cmphex(s.u32, ==, UINT32_MAX);
    g_assert_cmphex(s.u64, ==, 1ull << 40);
    g_assert_false(s.flag);
    g_assert_null(s.str);
    g_assert_null(qdev_prop_find(test_props, "bogus"));

    g_assert_cmpstr(qdev_prop_type_name(prop("events")), ==, "uint8");
    g_assert_cmpstr(qdev_prop_type_name(prop("ioport")), ==, "uint16");
    g_assert_cmpstr(qdev_prop_type_name(prop("iobase")), ==, "uint32");
    g_assert_cmpstr(qdev_prop_type_name(prop("size")), ==, "uint64");
    g_assert_cmpstr(qdev_prop_type_name(prop("wakeup")), ==, "bool");
    g_assert_cmpstr(qdev_prop_type_name(prop("chardev")), ==, "str");
    g_assert_cmpstr(qdev_prop_ctype_name(prop("ioport")), ==, "uint16_t");
    qdev_prop_free_values(&s, test_props);
}

static void expect_parse_ok(TestState *s, const char *name, const char *text,
                            uint64_t want)
{
    GError *err = NULL;

    g_assert_true(qdev_prop_parse(s, prop(name), text, &err));
    g_assert_no_error(err);
    g_assert_cmphex(qdev_prop_get_uint(s, prop(name)), ==, want);
}

static void expect_parse_err(TestState *s, const char *name, const char *text,
                             const char *msg)
{
    GError *err = NULL;
    uint64_t before = qdev_prop_get_uint(s, prop(name));

    g_assert_false(qdev_prop_parse(s, prop(name), text, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, msg);
    g_error_free(err);
    /* a failed parse leaves the value alone */
    g_assert_cmphex(qdev_prop_get_uint(s, prop(name)), ==, before);
}

static void test_parse_integers(void)
{
    TestState s = {0};
    const char *u16 = "Parameter 'ioport' expects uint16_t";
    const char *integer = "Parameter 'ioport' expects integer";

    expect_parse_ok(&s, "ioport", "1285", 1285);
    expect_parse_ok(&s, "ioport", "0x540", 0x540);
    expect_parse_ok(&s, "ioport", "0X505", 0x505);
    expect_parse_ok(&s, "ioport", "010", 8);
    expect_parse_ok(&s, "ioport", "65535", 65535);
    expect_parse_ok(&s, "ioport", "+5", 5);
    expect_parse_ok(&s, "ioport", " 6", 6);
    expect_parse_ok(&s, "ioport", "0", 0);

    expect_parse_err(&s, "ioport", "70000", u16);
    expect_parse_err(&s, "ioport", "0x10000", u16);
    expect_parse_err(&s, "ioport", "-1", u16);
    expect_parse_err(&s, "ioport", "abc", integer);
    expect_parse_err(&s, "ioport", "", integer);
    expect_parse_err(&s, "ioport", "0x", integer);
    expect_parse_err(&s, "ioport", "1k", integer);
    expect_parse_err(&s, "ioport", "1.5", integer);
    expect_parse_err(&s, "ioport", " 5 ", integer);
    expect_parse_err(&s, "ioport", "99999999999999999999999", integer);

    expect_parse_ok(&s, "events", "255", 255);
    expect_parse_err(&s, "events", "256", "Parameter 'events' expects uint8_t");
    expect_parse_ok(&s, "iobase", "0xffffffff", UINT32_MAX);
    expect_parse_err(&s, "iobase", "0x100000000",
                     "Parameter 'iobase' expects uint32_t");
    expect_parse_ok(&s, "size", "18446744073709551615", UINT64_MAX);
    expect_parse_err(&s, "size", "18446744073709551616",
                     "Parameter 'size' expects integer");
}

static void test_parse_bool_and_string(void)
{
    static const char *const on[] = {"on", "yes", "true"};
    static const char *const off[] = {"off", "no", "false"};
    static const char *const bad[] = {"1", "0", "", "ON", "2"};
    TestState s = {0};
    GError *err = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(on); i++) {
        g_assert_true(qdev_prop_parse(&s, prop("wakeup"), on[i], NULL));
        g_assert_true(s.flag);
        g_assert_true(qdev_prop_parse(&s, prop("wakeup"), off[i], NULL));
        g_assert_false(s.flag);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(qdev_prop_parse(&s, prop("wakeup"), bad[i], &err));
        g_assert_cmpstr(err->message, ==,
                        "Parameter 'wakeup' expects 'on' or 'off'");
        g_clear_error(&err);
    }

    g_assert_true(qdev_prop_parse(&s, prop("chardev"), "a,b", NULL));
    g_assert_cmpstr(qdev_prop_get_str(&s, prop("chardev")), ==, "a,b");
    g_assert_true(qdev_prop_parse(&s, prop("chardev"), "", NULL));
    g_assert_cmpstr(s.str, ==, "");
    qdev_prop_free_values(&s, test_props);
    g_assert_null(s.str);
}

static void test_typed_setters(void)
{
    TestState s = {0};
    GError *err = NULL;

    g_assert_true(qdev_prop_set_int(&s, prop("ioport"), 1285, NULL));
    g_assert_cmpuint(s.u16, ==, 1285);
    g_assert_false(qdev_prop_set_int(&s, prop("ioport"), -1, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'ioport' expects uint16_t");
    g_clear_error(&err);
    g_assert_false(qdev_prop_set_int(&s, prop("ioport"), 70000, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'ioport' expects uint16_t");
    g_clear_error(&err);
    g_assert_true(qdev_prop_set_uint(&s, prop("size"), UINT64_MAX, NULL));
    g_assert_cmphex(s.u64, ==, UINT64_MAX);

    g_assert_false(qdev_prop_set_str(&s, prop("ioport"), "0x505", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'ioport' expects uint64");
    g_clear_error(&err);
    g_assert_false(qdev_prop_set_bool(&s, prop("ioport"), true, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'ioport' expects uint64");
    g_clear_error(&err);
    g_assert_false(qdev_prop_set_int(&s, prop("wakeup"), 1, &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'wakeup', expected: boolean");
    g_clear_error(&err);
    g_assert_false(qdev_prop_set_uint(&s, prop("chardev"), 1, &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'chardev', expected: string");
    g_clear_error(&err);

    g_assert_true(qdev_prop_set_bool(&s, prop("wakeup"), true, NULL));
    g_assert_true(qdev_prop_get_bool(&s, prop("wakeup")));
    g_assert_true(qdev_prop_set_str(&s, prop("chardev"), "serial0", NULL));
    g_assert_true(qdev_prop_set_str(&s, prop("chardev"), "serial1", NULL));
    g_assert_cmpstr(s.str, ==, "serial1");
    qdev_prop_free_values(&s, test_props);
}

static void test_format(void)
{
    TestState s = {0};
    g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
    g_autofree char *f = NULL, *g = NULL, *h = NULL;

    qdev_prop_set_defaults(&s, test_props);
    a = qdev_prop_format(&s, prop("ioport"));
    g_assert_cmpstr(a, ==, "1285");
    b = qdev_prop_format(&s, prop("wakeup"));
    g_assert_cmpstr(b, ==, "false");
    c = qdev_prop_format(&s, prop("chardev"));
    g_assert_cmpstr(c, ==, "");
    d = qdev_prop_format_default(prop("events"));
    g_assert_cmpstr(d, ==, "7");
    e = qdev_prop_format_default(prop("iobase"));
    g_assert_cmpstr(e, ==, "4294967295");
    f = qdev_prop_format_default(prop("wakeup"));
    g_assert_cmpstr(f, ==, "false");
    g = qdev_prop_format_default(prop("chardev"));
    g_assert_null(g);
    qdev_prop_set_str(&s, prop("chardev"), "x", NULL);
    h = qdev_prop_format(&s, prop("chardev"));
    g_assert_cmpstr(h, ==, "x");
    qdev_prop_free_values(&s, test_props);
}

typedef struct SignedState {
    int32_t year;
    char *addr;
} SignedState;

/* A stand-in syntax: "even" numbers only; integers become their text. */
static bool even_check(const void *obj, const Property *p, const char *text,
                       GError **errp)
{
    if (strtol(text, NULL, 10) % 2) {
        error_setg(errp, "odd: %s", text);
        return false;
    }
    return true;
}

static bool even_from_int(const Property *p, int64_t val, char **text,
                          GError **errp)
{
    if (val < -1) {
        error_setg(errp, "too small");
        return false;
    }
    *text = val < 0 ? NULL : g_strdup_printf("%" G_GINT64_FORMAT, val);
    return true;
}

static const PropertyTextHooks even_hooks = {
    .check = even_check,
    .from_int = even_from_int,
    .type_error = "expected int or str",
};

static const Property signed_props[] = {
    DEFINE_PROP_INT32("base_year", SignedState, year, 1980),
    {.name = "addr",
     .kind = PROP_KIND_STRING,
     .offset = offsetof(SignedState, addr),
     .text_hooks = &even_hooks},
    DEFINE_PROP_END_OF_LIST(),
};

/* int32: negative values, QEMU's range message, signed printing. */
static void test_int32(void)
{
    const Property *p = qdev_prop_find(signed_props, "base_year");
    SignedState s = {0};
    g_autoptr(GError) err = NULL;
    g_autofree char *text = NULL;
    g_autofree char *def = NULL;

    qdev_prop_set_defaults(&s, signed_props);
    g_assert_cmpint(s.year, ==, 1980);
    g_assert_cmpstr(qdev_prop_type_name(p), ==, "int32");
    g_assert_true(qdev_prop_is_signed(p));
    g_assert_true(qdev_prop_parse(&s, p, "-5", NULL));
    g_assert_cmpint(s.year, ==, -5);
    g_assert_cmpint((int64_t)qdev_prop_get_uint(&s, p), ==, -5);
    text = qdev_prop_format(&s, p);
    g_assert_cmpstr(text, ==, "-5");
    def = qdev_prop_format_default(p);
    g_assert_cmpstr(def, ==, "1980");
    g_assert_true(qdev_prop_set_int(&s, p, INT32_MIN, NULL));
    g_assert_false(qdev_prop_set_int(&s, p, (int64_t)INT32_MAX + 1, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'base_year' expects int32_t");
    g_clear_error(&err);
    g_assert_false(qdev_prop_set_uint(&s, p, UINT64_MAX, &err));
    g_clear_error(&err);
    g_assert_false(qdev_prop_parse(&s, p, "x", &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'base_year' expects integer");
    g_clear_error(&err);
    g_assert_false(qdev_prop_set_str(&s, p, "1", &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'base_year', expected: "
                    "integer");
    g_assert_cmpint(s.year, ==, INT32_MIN);
    qdev_prop_free_values(&s, signed_props);
}

/* A string property with a syntax: checked when set, integers too. */
static void test_text_hooks(void)
{
    const Property *p = qdev_prop_find(signed_props, "addr");
    SignedState s = {0};
    g_autoptr(GError) err = NULL;

    qdev_prop_set_defaults(&s, signed_props);
    g_assert_true(qdev_prop_parse(&s, p, "4", NULL));
    g_assert_cmpstr(s.addr, ==, "4");
    g_assert_false(qdev_prop_parse(&s, p, "3", &err));
    g_assert_cmpstr(err->message, ==, "odd: 3");
    g_clear_error(&err);
    g_assert_cmpstr(s.addr, ==, "4"); /* unchanged */
    g_assert_true(qdev_prop_set_int(&s, p, 8, NULL));
    g_assert_cmpstr(s.addr, ==, "8");
    g_assert_true(qdev_prop_set_int(&s, p, -1, NULL));
    g_assert_null(s.addr);
    g_assert_false(qdev_prop_set_int(&s, p, -2, &err));
    g_assert_cmpstr(err->message, ==, "too small");
    g_clear_error(&err);
    g_assert_false(qdev_prop_set_bool(&s, p, true, &err));
    g_assert_cmpstr(err->message, ==,
                    "Invalid parameter type for 'addr', expected int or str");
    qdev_prop_free_values(&s, signed_props);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdev-properties/defaults", test_defaults_and_names);
    g_test_add_func("/qdev-properties/parse/integers", test_parse_integers);
    g_test_add_func("/qdev-properties/parse/bool-string",
                    test_parse_bool_and_string);
    g_test_add_func("/qdev-properties/typed", test_typed_setters);
    g_test_add_func("/qdev-properties/format", test_format);
    g_test_add_func("/qdev-properties/int32", test_int32);
    g_test_add_func("/qdev-properties/text-hooks", test_text_hooks);
    return g_test_run();
}
