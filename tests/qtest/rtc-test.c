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

    g_assert_cmpstr(a, ==, "OK");
    g_assert_cmpstr(b, ==, "OK"); /* the same one again */
    g_assert_cmpstr(c, ==, "FAIL IRQ intercept already enabled");
    qtest_quit_ok(s);
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
    };

    return qtest_run_cases(&argc, &argv, "rtc", cases, G_N_ELEMENTS(cases));
}
