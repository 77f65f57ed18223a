/*
 * -chardev ringbuf and QMP ringbuf-write / ringbuf-read: QEMU's
 * semantics (the newest bytes kept, reads consume, base64 and utf8
 * formats) and QEMU's errors; the serial port's output lands in the ring.
 */
#include "libqtest.h"

#include <string.h>

/* ringbuf-read of @size bytes in @format; caller frees. */
static char *rb_read(QTestState *s, const char *dev, int size,
                     const char *format)
{
    g_autofree char *cmd = g_strdup_printf(
        "{'execute': 'ringbuf-read', 'arguments': {'device': '%s', "
        "'size': %d, 'format': '%s'}}",
        dev, size, format);
    json_t *r = qtest_qmp_return(s, cmd);
    char *out = g_strdup(json_string_value(r));

    g_assert_nonnull(out);
    json_decref(r);
    return out;
}

static void rb_write(QTestState *s, const char *dev, const char *data,
                     const char *format)
{
    g_autofree char *cmd = g_strdup_printf(
        "{'execute': 'ringbuf-write', 'arguments': {'device': '%s', "
        "'data': '%s', 'format': '%s'}}",
        dev, data, format);
    json_t *r = qtest_qmp_return(s, cmd);

    g_assert_cmpuint(json_object_size(r), ==, 0);
    json_decref(r);
}

static void test_round_trip(void)
{
    QTestState *s = qtest_init("-chardev ringbuf,id=r,size=16");
    g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

    rb_write(s, "r", "hello", "utf8");
    a = rb_read(s, "r", 3, "utf8");
    g_assert_cmpstr(a, ==, "hel");
    b = rb_read(s, "r", 100, "utf8"); /* what is left, no more */
    g_assert_cmpstr(b, ==, "lo");
    c = rb_read(s, "r", 10, "utf8"); /* empty */
    g_assert_cmpstr(c, ==, "");
    /* 20 bytes into 16: the oldest 4 are lost. */
    rb_write(s, "r", "0123456789abcdefghij", "utf8");
    d = rb_read(s, "r", 64, "utf8");
    g_assert_cmpstr(d, ==, "456789abcdefghij");
    /* base64 both ways, bytes that are not text included. */
    rb_write(s, "r", "AP8BgA==", "base64"); /* 00 ff 01 80 */
    e = rb_read(s, "r", 64, "base64");
    g_assert_cmpstr(e, ==, "AP8BgA==");
    qtest_quit_ok(s);
}

static void test_utf8_output(void)
{
    QTestState *s = qtest_init("-chardev ringbuf,id=r");
    g_autofree char *a = NULL, *b = NULL, *c = NULL;

    /* A NUL ends the utf8 result, but the bytes after it are consumed. */
    rb_write(s, "r", "YWIAY2Q=", "base64"); /* "ab\0cd" */
    a = rb_read(s, "r", 64, "utf8");
    g_assert_cmpstr(a, ==, "ab");
    b = rb_read(s, "r", 64, "utf8");
    g_assert_cmpstr(b, ==, "");
    /* A byte that is not UTF-8 comes out as U+FFFD. */
    rb_write(s, "r", "eP96", "base64"); /* x ff z */
    c = rb_read(s, "r", 64, "utf8");
    g_assert_cmpstr(c, ==, "x\xef\xbf\xbdz");
    qtest_quit_ok(s);
}

/* The UART's transmitter writes into the ring: a console kept in memory. */
static void test_serial_frontend(void)
{
    QTestState *s = qtest_init("-chardev ringbuf,id=con,size=1024 "
                               "-serial chardev:con");
    g_autofree char *out = NULL;

    qtest_outb(s, 0x3f8, 'o');
    qtest_outb(s, 0x3f8, 'k');
    qtest_outb(s, 0x3f8, '\n');
    out = rb_read(s, "con", 1024, "utf8");
    g_assert_cmpstr(out, ==, "ok\n");
    qtest_quit_ok(s);
}

static void test_errors(void)
{
    QTestState *s = qtest_init("-chardev ringbuf,id=r -chardev null,id=n");

    qtest_qmp_assert_error(s,
                           "{'execute': 'ringbuf-read', 'arguments': "
                           "{'device': 'nope', 'size': 1}}",
                           "GenericError", "Device 'nope' not found");
    qtest_qmp_assert_error(s,
                           "{'execute': 'ringbuf-write', 'arguments': "
                           "{'device': 'n', 'data': 'x'}}",
                           "GenericError", "n is not a ringbuf device");
    qtest_qmp_assert_error(s,
                           "{'execute': 'ringbuf-read', 'arguments': "
                           "{'device': 'r', 'size': 0}}",
                           "GenericError", "size must be greater than zero");
    qtest_qmp_assert_error(s,
                           "{'execute': 'ringbuf-read', 'arguments': "
                           "{'device': 'r', 'size': -5}}",
                           "GenericError", "size must be greater than zero");
    qtest_qmp_assert_error(s,
                           "{'execute': 'ringbuf-write', 'arguments': "
                           "{'device': 'r', 'data': '!!', "
                           "'format': 'base64'}}",
                           "GenericError",
                           "Base64 data contains invalid characters");
    qtest_qmp_assert_error(s,
                           "{'execute': 'ringbuf-write', 'arguments': "
                           "{'device': 'r', 'data': 'x', 'format': 'hex'}}",
                           "GenericError",
                           "Parameter 'format' does not accept value 'hex'");
    qtest_quit_ok(s);
}

static void test_bad_size(void)
{
    static const char *const sizes[] = {"3", "1000", "0"};

    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autofree char *args = g_strdup_printf(
            "-chardev ringbuf,id=r,size=%s -display none", sizes[i]);
        QTestRun r;

        if (qtest_is_qemu72() && !strcmp(sizes[i], "0")) {
            continue; /* QEMU accepts 0 (and then misbehaves) */
        }
        qtest_run(&r, args);
        qtest_run_assert_exit(&r, 1);
        g_assert_nonnull(
            strstr(r.err, "size of ringbuf chardev must be power of two"));
        qtest_run_free(&r);
    }
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"round-trip", test_round_trip},
        {"utf8-output", test_utf8_output},
        {"serial-frontend", test_serial_frontend},
        {"errors", test_errors},
        {"bad-size", test_bad_size},
    };

    return qtest_run_cases(&argc, &argv, "ringbuf", cases, G_N_ELEMENTS(cases));
}
