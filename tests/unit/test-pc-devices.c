/*
 * Unit tests for the pc board's legacy devices: the 16550A as Linux's
 * 8250 autoconfig probes it, its interrupt logic, the RTC's formats, and
 * the i8042's answers.  Devices are driven through the port space, the
 * way a vCPU or qtest reaches them.
 */
#include <time.h>

#include "hw/catalog.h"
#include "hw/char/serial.h"
#include "hw/irq.h"
#include "hw/isa/isa.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/bql.h"
#include "system/memory.h"

#define COM1 0x3f8

static AddressSpace *io;

static uint8_t inb(uint16_t port)
{
    return address_space_read(io, port, 1);
}

static void outb(uint16_t port, uint8_t v)
{
    address_space_write(io, port, v, 1);
}

static SerialState *serial_new(void)
{
    SerialState *s = g_new0(SerialState, 1);
    g_autoptr(GError) err = NULL;

    serial_init(s, "serial");
    g_assert_true(serial_connect(s, NULL, 4, &err));
    g_assert_true(address_space_map(io, &s->io, COM1, "serial", &err));
    return s;
}

static void serial_free(SerialState *s)
{
    address_space_unmap(io, &s->io);
    serial_finalize(s);
    g_free(s);
}

/* The checks of Linux's autoconfig() and autoconfig_16550a(). */
static void test_serial_autoconfig(void)
{
    SerialState *s = serial_new();

    outb(COM1 + 1, 0);
    g_assert_cmpint(inb(COM1 + 1) & 0x0f, ==, 0);
    outb(COM1 + 1, 0x0f);
    g_assert_cmpint(inb(COM1 + 1) & 0x0f, ==, 0x0f);
    outb(COM1 + 1, 0);

    outb(COM1 + 4, 0x10 | 0x0a); /* loopback, RTS, OUT2 */
    g_assert_cmpint(inb(COM1 + 6) & 0xf0, ==, 0x90);
    outb(COM1 + 4, 0);

    outb(COM1 + 7, 0xa5);
    g_assert_cmpint(inb(COM1 + 7), ==, 0xa5);

    outb(COM1 + 2, 0x01); /* enable FIFOs */
    g_assert_cmpint(inb(COM1 + 2) >> 6, ==, 3);
    outb(COM1 + 3, 0xbf); /* EFR must not read as 0 */
    g_assert_cmpint(inb(COM1 + 2), !=, 0);
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    g_assert_cmpint(inb(COM1 + 0), ==, 0x01);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0x21); /* no 64-byte FIFO (16750) */
    g_assert_cmpint(inb(COM1 + 2) >> 5, ==, 6);
    serial_free(s);
}

/* THRE interrupt: raised when enabled with THR empty, acked by IIR. */
static void test_serial_thre_irq(void)
{
    SerialState *s = serial_new();

    outb(COM1 + 1, 0x02);
    g_assert_cmpint(qemu_irq_level(4), ==, 1);
    g_assert_cmpint(inb(COM1 + 2) & 0x0f, ==, 0x02);
    g_assert_cmpint(qemu_irq_level(4), ==, 0);
    g_assert_cmpint(inb(COM1 + 2) & 0x01, ==, 1);
    outb(COM1 + 0, 'x'); /* transmitted at once */
    g_assert_cmpint(qemu_irq_level(4), ==, 1);
    g_assert_cmpint(inb(COM1 + 5) & 0x60, ==, 0x60);
    outb(COM1 + 1, 0);
    g_assert_cmpint(qemu_irq_level(4), ==, 0);
    serial_free(s);
}

/* Loopback feeds the receiver; RX data interrupt and FIFO order. */
static void test_serial_loopback_rx(void)
{
    SerialState *s = serial_new();

    outb(COM1 + 4, 0x10);
    outb(COM1 + 2, 0x01); /* FIFO, trigger 1 */
    outb(COM1 + 1, 0x01);
    outb(COM1 + 0, 'a');
    outb(COM1 + 0, 'b');
    g_assert_cmpint(qemu_irq_level(4), ==, 1);
    g_assert_cmpint(inb(COM1 + 2) & 0x0f, ==, 0x04);
    g_assert_cmpint(inb(COM1 + 5) & 0x01, ==, 1);
    g_assert_cmpint(inb(COM1 + 0), ==, 'a');
    g_assert_cmpint(inb(COM1 + 0), ==, 'b');
    g_assert_cmpint(inb(COM1 + 5) & 0x01, ==, 0);
    g_assert_cmpint(qemu_irq_level(4), ==, 0);
    serial_free(s);
}

static DeviceState *isa_device_new(BusState *bus, const char *type)
{
    DeviceState *dev = qdev_new(qdev_find_type(type));
    g_autoptr(GError) err = NULL;

    g_assert_nonnull(dev);
    g_assert_true(qdev_realize(dev, bus, &err));
    return dev;
}

static unsigned bcd(uint8_t v)
{
    return (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg | 0x80); /* NMI mask bit is ignored */
    return inb(0x71);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
    outb(0x70, reg);
    outb(0x71, v);
}

static void test_rtc(void)
{
    BusState *bus = isa_bus_new(io);
    DeviceState *dev = isa_device_new(bus, TYPE_MC146818_RTC);
    time_t now = time(NULL);
    struct tm tm;
    unsigned year;

    gmtime_r(&now, &tm);
    g_assert_cmpint(cmos_read(0x0d), ==, 0x80);
    g_assert_cmpint(cmos_read(0x0b) & 0x06, ==, 0x02); /* BCD, 24h */
    year = bcd(cmos_read(0x32)) * 100 + bcd(cmos_read(0x09));
    g_assert_cmpint(year, ==, tm.tm_year + 1900);
    g_assert_cmpint(bcd(cmos_read(0x08)), ==, tm.tm_mon + 1);

    /* Binary mode, then set the clock back to 2001-02-03 04:05:06. */
    cmos_write(0x0b, 0x80 | 0x04 | 0x02);
    cmos_write(0x00, 6);
    cmos_write(0x02, 5);
    cmos_write(0x04, 4);
    cmos_write(0x07, 3);
    cmos_write(0x08, 2);
    cmos_write(0x09, 1);
    cmos_write(0x32, 20);
    cmos_write(0x0b, 0x04 | 0x02);
    g_assert_cmpint(cmos_read(0x09), ==, 1);
    g_assert_cmpint(cmos_read(0x08), ==, 2);
    g_assert_cmpint(cmos_read(0x04), ==, 4);

    /* 12-hour BCD: 04 is 4 AM. */
    cmos_write(0x0b, 0x00);
    g_assert_cmpint(cmos_read(0x04), ==, 0x04);

    cmos_write(0x40, 0x5a); /* CMOS RAM */
    g_assert_cmpint(cmos_read(0x40), ==, 0x5a);
    qdev_unrealize(dev);
    qdev_unref(dev);
    qbus_free(bus);
}

static void test_i8042(void)
{
    BusState *bus = isa_bus_new(io);
    DeviceState *dev = isa_device_new(bus, "i8042");

    outb(0x64, 0xaa); /* self test */
    g_assert_cmpint(inb(0x64) & 0x01, ==, 1);
    g_assert_cmpint(inb(0x60), ==, 0x55);
    g_assert_cmpint(inb(0x64) & 0x01, ==, 0);
    outb(0x64, 0x60); /* write command byte */
    outb(0x60, 0x65);
    outb(0x64, 0x20);
    g_assert_cmpint(inb(0x60), ==, 0x65);
    outb(0x60, 0xf2); /* keyboard identify */
    g_assert_cmpint(inb(0x60), ==, 0xfa);
    g_assert_cmpint(inb(0x60), ==, 0xab);
    g_assert_cmpint(inb(0x60), ==, 0x83);
    outb(0x64, 0xd3); /* AUX loopback: the byte comes back as AUX data */
    outb(0x60, 0x5a);
    g_assert_cmpint(inb(0x64) & 0x21, ==, 0x21);
    g_assert_cmpint(inb(0x60), ==, 0x5a);
    outb(0x64, 0x60); /* AUX interrupt on: loopback raises IRQ 12 */
    outb(0x60, 0x47);
    outb(0x64, 0xd3);
    outb(0x60, 0xa5);
    g_assert_cmpint(qemu_irq_level(12), ==, 1);
    g_assert_cmpint(qemu_irq_level(1), ==, 0);
    g_assert_cmpint(inb(0x60), ==, 0xa5);
    g_assert_cmpint(qemu_irq_level(12), ==, 0);
    qdev_unrealize(dev);
    qdev_unref(dev);
    qbus_free(bus);
}

int main(int argc, char **argv)
{
    int r;

    g_test_init(&argc, &argv, NULL);
    qemu_main_thread_init();
    bql_lock();
    io = address_space_new("io", 0x10000, 0xff);
    g_test_add_func("/pc-devices/serial/autoconfig", test_serial_autoconfig);
    g_test_add_func("/pc-devices/serial/thre-irq", test_serial_thre_irq);
    g_test_add_func("/pc-devices/serial/loopback-rx", test_serial_loopback_rx);
    g_test_add_func("/pc-devices/rtc", test_rtc);
    g_test_add_func("/pc-devices/i8042", test_i8042);
    r = g_test_run();
    address_space_free(io);
    bql_unlock();
    return r;
}
