/*
 * The MC146818 RTC driven by the virtual clock (-rtc clock=vm): every
 * interrupt source with clock_step and irq_intercept_in, register C's
 * read-to-clear, UIP timing, divider reset, formats, century, setting
 * the time.  The same checks run against QEMU (LIBQTEST_QEMU72=1 with
 * QTEST_QEMU_BINARY=qemu-system-x86_64) where it behaves the same.
 */
#include "libqtest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define RTC_IRQ 8
#define SEC     0x00
#define SEC_AL  0x01
#define MINUTE  0x02
#define MIN_AL  0x03
#define HOUR    0x04
#define HOUR_AL 0x05
#define MDAY    0x07
#define MON     0x08
#define YEAR    0x09
#define REG_A   0x0a
#define REG_B   0x0b
#define REG_C   0x0c
#define CENTURY 0x32

#define B_SET  0x80
#define B_PIE  0x40
#define B_AIE  0x20
#define B_UIE  0x10
#define B_BIN  0x04
#define B_24H  0x02
#define C_IRQF 0x80
#define C_PF   0x40
#define C_AF   0x20
#define C_UF   0x10

#define MS INT64_C(1000000)
#define S  INT64_C(1000000000)

static uint8_t cmos_read(QTestState *s, uint8_t reg)
{
    g_autofree char *r = NULL;
    unsigned v;

    qtest_outb(s, 0x70, reg);
    r = qtest_cmd(s, "inb 0x71");
    g_assert_cmpint(sscanf(r, "OK 0x%x", &v), ==, 1);
    return v;
}

static void cmos_write(QTestState *s, uint8_t reg, uint8_t val)
{
    qtest_outb(s, 0x70, reg);
    qtest_outb(s, 0x71, val);
}

static void step(QTestState *s, int64_t ns)
{
    g_autofree char *r = qtest_cmd(s, "clock_step %" PRId64, ns);

    g_assert_true(g_str_has_prefix(r, "OK "));
}

static QTestState *rtc_start(void)
{
    QTestState *s = qtest_init("-rtc clock=vm");
    g_autofree char *r = qtest_cmd(s, "irq_intercept_in ioapic");

    g_assert_cmpstr(r, ==, "OK");
    return s;
}

/* Set 24-hour BCD time @h:@m:@sec on 2026-12-03 with SET; the second
 * starts when SET is cleared. */
static void set_time(QTestState *s, uint8_t b, uint8_t h, uint8_t m,
                     uint8_t sec)
{
    cmos_write(s, REG_B, b | B_SET);
    cmos_write(s, SEC, sec);
    cmos_write(s, MINUTE, m);
    cmos_write(s, HOUR, h);
    cmos_write(s, MDAY, (b & B_BIN) ? 3 : 0x03);
    cmos_write(s, MON, (b & B_BIN) ? 12 : 0x12);
    cmos_write(s, YEAR, (b & B_BIN) ? 26 : 0x26);
    cmos_write(s, CENTURY, (b & B_BIN) ? 20 : 0x20);
    cmos_write(s, REG_B, b);
}

static void test_periodic_rates(void)
{
    QTestState *s = rtc_start();

    set_time(s, B_24H, 0x10, 0x00, 0x00);
    for (unsigned rs = 1; rs <= 15; rs++) {
        unsigned period = 1u << ((rs <= 2 ? rs + 7 : rs) - 1); /* /32768 s */
        unsigned want = 32768 / period, ticks = 0, raises;
        int64_t left = S;

        cmos_write(s, REG_A, 0x20 | rs);
        cmos_write(s, REG_B, B_24H | B_PIE);
        cmos_read(s, REG_C); /* start from a clear C */
        raises = qtest_irq_raises(s, RTC_IRQ);
        /* One second of ticks, each acknowledged; steps of a quarter
         * period, so a faster rate would show as more ticks. */
        while (left > 0) {
            int64_t dt = MIN(left, (int64_t)period * S / 32768 / 4);

            step(s, dt);
            left -= dt;
            if (qtest_get_irq(s, RTC_IRQ)) {
                uint8_t c = cmos_read(s, REG_C);

                g_assert_cmpint(c & (C_IRQF | C_PF), ==, C_IRQF | C_PF);
                g_assert_false(qtest_get_irq(s, RTC_IRQ));
                ticks++;
            }
        }
        g_assert_cmpuint(ticks, ==, want);
        g_assert_cmpuint(qtest_irq_raises(s, RTC_IRQ) - raises, ==, want);
    }
    /* PIE off: no periodic interrupt and no PF (as QEMU). */
    cmos_write(s, REG_B, B_24H);
    cmos_read(s, REG_C);
    step(s, 100 * MS);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    g_assert_cmpint(cmos_read(s, REG_C) & C_PF, ==, 0);
    /* Rate 0 with PIE on: off too. */
    cmos_write(s, REG_A, 0x20);
    cmos_write(s, REG_B, B_24H | B_PIE);
    step(s, 100 * MS);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    qtest_quit_ok(s);
}

static void test_update_ended(void)
{
    QTestState *s = rtc_start();
    uint8_t c;

    set_time(s, B_24H, 0x10, 0x00, 0x00);
    cmos_read(s, REG_C);
    /* Without UIE the flag is set but nothing is raised. */
    step(s, S);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    g_assert_cmpint(cmos_read(s, REG_C), ==, C_UF);
    g_assert_cmpint(cmos_read(s, REG_C), ==, 0); /* read-to-clear */
    cmos_write(s, REG_B, B_24H | B_UIE);
    step(s, S - MS);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    step(s, MS);
    g_assert_true(qtest_get_irq(s, RTC_IRQ));
    c = cmos_read(s, REG_C);
    g_assert_cmpint(c, ==, C_IRQF | C_UF);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    g_assert_cmpint(cmos_read(s, SEC), ==, 0x02);
    qtest_quit_ok(s);
}

static void test_alarm(void)
{
    QTestState *s = rtc_start();

    set_time(s, B_24H, 0x12, 0x00, 0x00);
    cmos_write(s, SEC_AL, 0x05);
    cmos_write(s, MIN_AL, 0x00);
    cmos_write(s, HOUR_AL, 0x12);
    cmos_write(s, REG_B, B_24H | B_AIE);
    cmos_read(s, REG_C);
    step(s, 4 * S);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    g_assert_cmpint(cmos_read(s, REG_C) & C_AF, ==, 0);
    step(s, S);
    g_assert_true(qtest_get_irq(s, RTC_IRQ));
    g_assert_cmpint(cmos_read(s, REG_C), ==, C_IRQF | C_AF | C_UF);
    /* Once a day only: not at 12:00:06. */
    step(s, S);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    /* "Don't care" in every field: each second. */
    cmos_write(s, SEC_AL, 0xc0);
    cmos_write(s, MIN_AL, 0xff);
    cmos_write(s, HOUR_AL, 0xc1);
    for (int i = 0; i < 3; i++) {
        cmos_read(s, REG_C);
        step(s, S);
        g_assert_true(qtest_get_irq(s, RTC_IRQ));
        g_assert_cmpint(cmos_read(s, REG_C) & C_AF, ==, C_AF);
    }
    /* Don't care in seconds only: every second of minute 00, hour 12
     * (the time is 12:00:09 now). */
    cmos_write(s, SEC_AL, 0xc0);
    cmos_write(s, MIN_AL, 0x01);
    cmos_write(s, HOUR_AL, 0x12);
    cmos_read(s, REG_C);
    step(s, 50 * S); /* to 12:00:59 */
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    step(s, S); /* 12:01:00 */
    g_assert_true(qtest_get_irq(s, RTC_IRQ));
    qtest_quit_ok(s);
}

static void test_uip_and_divider(void)
{
    QTestState *s = rtc_start();

    /* Hold the divider in reset, set the time, release: the first update
     * comes half a second later. */
    cmos_write(s, REG_A, 0x70);
    set_time(s, B_24H, 0x08, 0x30, 0x00);
    step(s, 3 * S);
    g_assert_cmpint(cmos_read(s, SEC), ==, 0x00); /* frozen */
    cmos_write(s, REG_A, 0x26);
    cmos_read(s, REG_C);
    step(s, 500 * MS - 300 * 1000);
    g_assert_cmpint(cmos_read(s, REG_A) & 0x80, ==, 0); /* 300 us before */
    step(s, 100 * 1000);
    g_assert_cmpint(cmos_read(s, REG_A) & 0x80, ==, 0x80); /* 200 us */
    g_assert_cmpint(cmos_read(s, REG_C) & C_UF, ==, 0);
    step(s, 200 * 1000);
    g_assert_cmpint(cmos_read(s, REG_A) & 0x80, ==, 0);
    g_assert_cmpint(cmos_read(s, REG_C) & C_UF, ==, C_UF);
    g_assert_cmpint(cmos_read(s, SEC), ==, 0x01);
    qtest_quit_ok(s);
}

static void test_formats_and_century(void)
{
    QTestState *s = rtc_start();

    /* Binary, 24-hour: 13:45:30. */
    set_time(s, B_24H | B_BIN, 13, 45, 30);
    g_assert_cmpint(cmos_read(s, HOUR), ==, 13);
    g_assert_cmpint(cmos_read(s, SEC), ==, 30);
    /* The same instant read as BCD, 12-hour: 1 PM. */
    cmos_write(s, REG_B, 0);
    g_assert_cmpint(cmos_read(s, HOUR), ==, 0x81);
    g_assert_cmpint(cmos_read(s, MINUTE), ==, 0x45);
    /* 12-hour BCD set: 12 AM is hour 0. */
    set_time(s, 0, 0x12, 0x59, 0x59);
    cmos_write(s, REG_B, B_24H);
    g_assert_cmpint(cmos_read(s, HOUR), ==, 0x00);
    /* Set time ticks on from the value set, across the minute. */
    step(s, 61 * S);
    g_assert_cmpint(cmos_read(s, MINUTE), ==, 0x01);
    g_assert_cmpint(cmos_read(s, SEC), ==, 0x00);
    /* New Year 2099 -> 2100 moves the century register. */
    cmos_write(s, REG_B, B_24H | B_SET);
    cmos_write(s, SEC, 0x59);
    cmos_write(s, MINUTE, 0x59);
    cmos_write(s, HOUR, 0x23);
    cmos_write(s, MDAY, 0x31);
    cmos_write(s, MON, 0x12);
    cmos_write(s, YEAR, 0x99);
    cmos_write(s, CENTURY, 0x20);
    cmos_write(s, REG_B, B_24H);
    step(s, S);
    g_assert_cmpint(cmos_read(s, YEAR), ==, 0x00);
    g_assert_cmpint(cmos_read(s, CENTURY), ==, 0x21);
    g_assert_cmpint(cmos_read(s, MON), ==, 0x01);
    qtest_quit_ok(s);
}

static void test_reset_keeps_time(void)
{
    QTestState *s = rtc_start();
    json_t *r;

    set_time(s, B_24H, 0x07, 0x00, 0x00);
    cmos_write(s, REG_A, 0x26);
    cmos_write(s, REG_B, B_24H | B_PIE | B_AIE | B_UIE);
    step(s, 2 * S);
    r = qtest_qmp(s, "{'execute': 'system_reset'}");
    json_decref(r);
    json_decref(qtest_qmp_eventwait(s, "RESET"));
    /* PIE and AIE off (as QEMU), C cleared, the time kept. */
    g_assert_cmpint(cmos_read(s, REG_B) & (B_PIE | B_AIE), ==, 0);
    g_assert_cmpint(cmos_read(s, REG_C) & (C_PF | C_AF), ==, 0);
    g_assert_cmpint(cmos_read(s, SEC), ==, 0x02);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    qtest_quit_ok(s);
}

static void test_intercept_errors(void)
{
    QTestState *s = qtest_init("-rtc clock=vm");
    g_autofree char *a = qtest_cmd(s, "irq_intercept_in ioapic");
    g_autofree char *b = qtest_cmd(s, "irq_intercept_in ioapic");
    g_autofree char *c = qtest_cmd(s, "irq_intercept_out /machine/nothing");

    g_autofree char *d = qtest_cmd(s, "irq_intercept_in /machine/fw_cfg");

    g_assert_cmpstr(a, ==, "OK");
    g_assert_cmpstr(b, ==, "OK"); /* the same one again */
    /* QEMU looks the device up before it looks at an earlier intercept. */
    g_assert_cmpstr(c, ==, "FAIL Unknown device");
    g_assert_cmpstr(d, ==, "FAIL IRQ intercept already enabled");
    qtest_quit_ok(s);
}

/* The QOM path of the board device of type @type in /machine/unattached
 * (QEMU and Vigil number them differently). */
static char *unattached_path(QTestState *s, const char *type)
{
    json_t *list =
        qtest_qmp_return(s, "{'execute': 'qom-list', "
                            "'arguments': {'path': '/machine/unattached'}}");
    g_autofree char *want = g_strdup_printf("child<%s>", type);
    char *path = NULL;
    size_t i;
    json_t *e;

    json_array_foreach(list, i, e)
    {
        if (!path &&
            strcmp(json_string_value(json_object_get(e, "type")), want) == 0) {
            path =
                g_strdup_printf("/machine/unattached/%s",
                                json_string_value(json_object_get(e, "name")));
        }
    }
    json_decref(list);
    g_assert_nonnull(path);
    return path;
}

static void expect_cmd(QTestState *s, const char *want, const char *cmd,
                       const char *path)
{
    g_autofree char *r = qtest_cmd(s, "%s %s", cmd, path);

    g_assert_cmpstr(r, ==, want);
}

/*
 * irq_intercept_out on the RTC: its one out-GPIO is reported as line 0
 * (QEMU's "IRQ raise 0"), and GSI 8 is not reported at all.
 */
static void test_intercept_out_rtc(void)
{
    QTestState *s = qtest_init("-rtc clock=vm");
    g_autofree char *rtc = unattached_path(s, "mc146818rtc");
    g_autofree char *kbd = unattached_path(s, "i8042");

    expect_cmd(s, "OK", "irq_intercept_out", rtc);
    expect_cmd(s, "OK", "irq_intercept_out", rtc); /* the same again */
    expect_cmd(s, "FAIL IRQ intercept already enabled", "irq_intercept_out",
               kbd);
    expect_cmd(s, "FAIL IRQ intercept already enabled", "irq_intercept_in",
               "ioapic");
    expect_cmd(s, "FAIL Unknown device", "irq_intercept_out", "/nope");
    set_time(s, B_24H, 0x10, 0x00, 0x00); /* ticks aligned from here */
    cmos_write(s, REG_A, 0x2f);           /* 2 Hz */
    cmos_write(s, REG_B, B_24H | B_PIE);
    step(s, 400 * MS);
    g_assert_false(qtest_get_irq(s, 0));
    step(s, 200 * MS);
    g_assert_true(qtest_get_irq(s, 0));
    g_assert_cmpint(cmos_read(s, REG_C) & C_PF, ==, C_PF);
    g_assert_false(qtest_get_irq(s, 0));
    step(s, 500 * MS);
    g_assert_cmpuint(qtest_irq_raises(s, 0), ==, 2);
    g_assert_cmpuint(qtest_irq_raises(s, RTC_IRQ), ==, 0);
    qtest_quit_ok(s);
}

/* The i8042's two unnamed out-GPIOs (keyboard 0, mouse 1); the named
 * "a20" group exists; devices without out-GPIOs install nothing. */
static void test_intercept_out_others(void)
{
    QTestState *s = qtest_init("-device pvpanic,id=pp");
    g_autofree char *kbd = unattached_path(s, "i8042");
    g_autofree char *piix = NULL;
    g_autofree char *r = NULL;

    if (!qtest_is_qemu72()) {
        /* 7.2 answers OK to all of these (upstream QEMU as here). */
        expect_cmd(s, "FAIL No intercepts installed", "irq_intercept_out",
                   "/machine/peripheral/pp");
        expect_cmd(s, "FAIL No intercepts installed", "irq_intercept_out",
                   "/machine/fw_cfg");
        piix = unattached_path(s, "PIIX3");
        expect_cmd(s, "FAIL No intercepts installed", "irq_intercept_out",
                   piix);
        expect_cmd(s, "FAIL No intercepts installed", "irq_intercept_in",
                   "/machine/peripheral/pp");
        expect_cmd(s, "FAIL Interception of named in-GPIOs not yet supported",
                   "irq_intercept_in", "/machine/peripheral/pp x");
        expect_cmd(s, "FAIL No intercepts installed", "irq_intercept_out",
                   "/machine/peripheral/pp x");
    }
    expect_cmd(s, "OK", "irq_intercept_out", kbd);
    qtest_outb(s, 0x64, 0xaa); /* self-test: 0x55 in the output buffer */
    g_assert_true(qtest_get_irq(s, 0));
    r = qtest_cmd(s, "inb 0x60");
    g_assert_cmpstr(r, ==, "OK 0x0055");
    g_assert_false(qtest_get_irq(s, 0));
    g_assert_cmpuint(qtest_irq_raises(s, 1), ==, 0);
    qtest_quit_ok(s);

    /* The named group: intercepted (Vigil models no A20 line to report). */
    s = qtest_init("");
    g_clear_pointer(&kbd, g_free);
    kbd = unattached_path(s, "i8042");
    if (!qtest_is_qemu72()) {
        g_autofree char *nope = g_strconcat(kbd, " nope", NULL);

        expect_cmd(s, "FAIL No intercepts installed", "irq_intercept_out",
                   nope);
    }
    g_free(r);
    r = g_strconcat(kbd, " a20", NULL);
    expect_cmd(s, "OK", "irq_intercept_out", r);
    qtest_outb(s, 0x64, 0xaa);
    g_assert_false(qtest_get_irq(s, 0));
    qtest_quit_ok(s);
}

/*
 * Lost periodic ticks.  At 2 Hz the guest leaves register C unread for
 * 15.25 s: the line stays high, so 29 of the 30 ticks cannot reach it
 * (coalesced).  It then reads C 21 times in a row and from there on
 * acknowledges every interrupt within 25 ms, up to 25.25 s (50 ticks).
 * With lost_tick_policy=slew every tick arrives in the end: 20 at once on
 * the reads of C, the rest from the catch-up timer.  Without it (discard,
 * the default) the 29 are lost.
 */
static unsigned lost_ticks_run(const char *args, bool slew)
{
    QTestState *s = qtest_init(args);
    g_autofree char *r = qtest_cmd(s, "irq_intercept_in ioapic");
    g_autofree char *rtc = unattached_path(s, "mc146818rtc");
    g_autofree char *q =
        g_strdup_printf("{'execute': 'qom-get', 'arguments': {'path': '%s', "
                        "'property': 'lost_tick_policy'}}",
                        rtc);
    json_t *policy = qtest_qmp_return(s, q);
    unsigned raises;

    g_assert_cmpstr(r, ==, "OK");
    g_assert_cmpstr(json_string_value(policy), ==, slew ? "slew" : "discard");
    json_decref(policy);
    set_time(s, B_24H, 0x10, 0x00, 0x00);
    cmos_write(s, REG_A, 0x2f);
    cmos_write(s, REG_B, B_24H | B_PIE);
    step(s, 15 * S + 250 * MS);
    g_assert_cmpuint(qtest_irq_raises(s, RTC_IRQ), ==, 1);
    for (unsigned i = 0; i < 21; i++) {
        cmos_read(s, REG_C);
    }
    /* 20 re-injected on the reads, then no more on reads alone. */
    g_assert_cmpuint(qtest_irq_raises(s, RTC_IRQ), ==, slew ? 21 : 1);
    g_assert_false(qtest_get_irq(s, RTC_IRQ));
    for (unsigned i = 0; i < 400; i++) {
        step(s, 25 * MS);
        if (qtest_get_irq(s, RTC_IRQ)) {
            g_assert_cmpint(cmos_read(s, REG_C) & C_PF, ==, C_PF);
        }
    }
    raises = qtest_irq_raises(s, RTC_IRQ);
    qtest_quit_ok(s);
    return raises;
}

/* QEMU's read-only "date" (struct tm): the time the guest reads. */
static void test_date_property(void)
{
    QTestState *s = qtest_init("-rtc clock=vm");
    g_autofree char *rtc = unattached_path(s, "mc146818rtc");
    g_autofree char *q =
        g_strdup_printf("{'execute': 'qom-get', 'arguments': {'path': '%s', "
                        "'property': 'date'}}",
                        rtc);
    json_t *d;

    set_time(s, B_24H, 0x10, 0x20, 0x30);
    step(s, 2 * S + 100 * MS);
    d = qtest_qmp_return(s, q);
    g_assert_cmpint(json_integer_value(json_object_get(d, "tm_year")), ==, 126);
    g_assert_cmpint(json_integer_value(json_object_get(d, "tm_mon")), ==, 11);
    g_assert_cmpint(json_integer_value(json_object_get(d, "tm_mday")), ==, 3);
    g_assert_cmpint(json_integer_value(json_object_get(d, "tm_hour")), ==, 10);
    g_assert_cmpint(json_integer_value(json_object_get(d, "tm_min")), ==, 20);
    g_assert_cmpint(json_integer_value(json_object_get(d, "tm_sec")), ==, 32);
    json_decref(d);
    qtest_quit_ok(s);
}

/* The entry named @name in the list @list (of qom-list and friends). */
static json_t *list_entry(json_t *list, const char *name)
{
    size_t i;
    json_t *e;

    json_array_foreach(list, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0) {
            return e;
        }
    }
    g_assert_not_reached();
}

static json_t *qom_get(QTestState *s, const char *path, const char *prop)
{
    g_autofree char *q =
        g_strdup_printf("{'execute': 'qom-get', 'arguments': {'path': '%s', "
                        "'property': '%s'}}",
                        path, prop);

    return qtest_qmp_return(s, q);
}

/*
 * QEMU's properties: base_year is an int32 whose class default is 1980;
 * the pc board creates the RTC with 2000, which realize turns into 0
 * (even over -global).  The "rtc-index" sub-region (port 0x70 alone) is
 * a child like "rtc", listed before it.
 */
static void test_qom_properties(void)
{
    QTestState *s =
        qtest_init("-rtc clock=vm -global mc146818rtc.base_year=1990");
    g_autofree char *rtc = unattached_path(s, "mc146818rtc");
    g_autofree char *index = g_strdup_printf("%s/rtc-index[0]", rtc);
    g_autofree char *lq = g_strdup_printf(
        "{'execute': 'qom-list', 'arguments': {'path': '%s'}}", rtc);
    json_t *list =
        qtest_qmp_return(s, "{'execute': 'qom-list-properties', 'arguments': "
                            "{'typename': 'mc146818rtc'}}");
    json_t *v;
    size_t i_index = 0, i_rtc = 0, i;

    g_assert_cmpstr(json_string_value(
                        json_object_get(list_entry(list, "base_year"), "type")),
                    ==, "int32");
    json_decref(list);
    list = qtest_qmp_return(s, "{'execute': 'device-list-properties', "
                               "'arguments': {'typename': 'mc146818rtc'}}");
    v = list_entry(list, "base_year");
    g_assert_cmpstr(json_string_value(json_object_get(v, "type")), ==, "int32");
    g_assert_cmpint(json_integer_value(json_object_get(v, "default-value")), ==,
                    1980);
    json_decref(list);
    v = qom_get(s, rtc, "base_year");
    g_assert_true(json_is_integer(v));
    g_assert_cmpint(json_integer_value(v), ==, 0);
    json_decref(v);
    list = qtest_qmp_return(s, lq);
    json_array_foreach(list, i, v)
    {
        const char *name = json_string_value(json_object_get(v, "name"));

        i_index = strcmp(name, "rtc-index[0]") == 0 ? i + 1 : i_index;
        i_rtc = strcmp(name, "rtc[0]") == 0 ? i + 1 : i_rtc;
    }
    json_decref(list);
    g_assert_cmpuint(i_index, >, 0);
    g_assert_cmpuint(i_rtc, >, i_index);
    v = qom_get(s, index, "type");
    g_assert_cmpstr(json_string_value(v), ==, "memory-region");
    json_decref(v);
    v = qom_get(s, index, "size");
    g_assert_cmpint(json_integer_value(v), ==, 1);
    json_decref(v);
    qtest_quit_ok(s);
}

static void test_lost_ticks_slew(void)
{
    g_assert_cmpuint(lost_ticks_run("-rtc clock=vm,driftfix=slew", true), ==,
                     50);
    /* The device property itself, as QEMU's -global sets it. */
    g_assert_cmpuint(
        lost_ticks_run(
            "-rtc clock=vm -global mc146818rtc.lost_tick_policy=slew", true),
        ==, 50);
}

static void test_lost_ticks_discard(void)
{
    g_assert_cmpuint(lost_ticks_run("-rtc clock=vm,driftfix=none", false), ==,
                     21);
    /* A later -global wins over driftfix=slew, as in QEMU. */
    g_assert_cmpuint(lost_ticks_run("-rtc clock=vm,driftfix=slew -global "
                                    "mc146818rtc.lost_tick_policy=discard",
                                    false),
                     ==, 21);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"periodic-rates", test_periodic_rates},
        {"update-ended", test_update_ended},
        {"alarm", test_alarm},
        {"uip-and-divider", test_uip_and_divider},
        {"formats-and-century", test_formats_and_century},
        {"reset-keeps-time", test_reset_keeps_time},
        {"intercept-errors", test_intercept_errors},
        {"intercept-out-rtc", test_intercept_out_rtc},
        {"intercept-out-others", test_intercept_out_others},
        {"date-property", test_date_property},
        {"qom-properties", test_qom_properties},
        {"lost-ticks-slew", test_lost_ticks_slew},
        {"lost-ticks-discard", test_lost_ticks_discard},
    };

    return qtest_run_cases(&argc, &argv, "rtc", cases, G_N_ELEMENTS(cases));
}
