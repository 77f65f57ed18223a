/*
 * pvpanic-pci through the qtest accelerator, driven as a guest driver
 * would: find 1b36:0011 by scanning bus 0, give BAR0 an address in the
 * PCI hole, enable memory decoding, then read and write the register
 * (docs/specs/pvpanic.rst).  The events are the ISA device's.
 */
#include "libqos-pci.h"

#include <string.h>

#define EVENTS 7

typedef struct PVPanicPCI {
    QTestState *qts;
    QPCIBus bus;
    int devfn;
    uint64_t bar0;
} PVPanicPCI;

/* Start Vigil with @args and map the (first) pvpanic-pci's BAR0. */
static void pvpanic_pci_start(PVPanicPCI *p, const char *args)
{
    p->qts = qtest_init(args);
    qpci_init(&p->bus, p->qts);
    p->devfn = qpci_find_device(&p->bus, 0x1b36, 0x0011);
    g_assert_cmpint(p->devfn, >=, 0);
    p->bar0 = qpci_assign_bar(&p->bus, p->devfn, 0);
    g_assert_cmphex(p->bar0, ==, QPCI_MMIO_BASE);
    qpci_enable_memory(&p->bus, p->devfn);
}

static void test_identity(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic-pci");
    g_assert_cmpint(p.devfn, ==, QPCI_DEVFN(2, 0));
    g_assert_cmphex(qpci_config_readb(&p.bus, p.devfn, 0x08), ==, 0x01);
    g_assert_cmphex(qpci_config_readw(&p.bus, p.devfn, 0x0a), ==, 0x0880);
    g_assert_cmphex(qpci_config_readl(&p.bus, p.devfn, 0x2c), ==, 0x11001af4);
    g_assert_cmphex(qpci_config_readb(&p.bus, p.devfn, 0x3d), ==, 0);
    qtest_quit_ok(p.qts);
}

/* Reads as QEMU answers them: the events byte, wide reads not clipped
 * to the 2-byte region but cut into 4-byte pieces. */
static void test_read(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic-pci");
    g_assert_cmphex(qtest_readb(p.qts, p.bar0), ==, EVENTS);
    g_assert_cmphex(qtest_readw(p.qts, p.bar0), ==, 0x0707);
    g_assert_cmphex(qtest_readl(p.qts, p.bar0), ==, 0x07070707);
    g_assert_cmphex(qtest_readq(p.qts, p.bar0), ==, 0x07070707);
    g_assert_cmphex(qtest_readb(p.qts, p.bar0 + 1), ==, EVENTS);
    g_assert_cmphex(qtest_readb(p.qts, p.bar0 + 2), ==, 0);
    g_assert_cmphex(qtest_readw(p.qts, p.bar0 + 1), ==, 0x0007);
    qtest_quit_ok(p.qts);
}

static void test_events_prop(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic-pci,events=1");
    g_assert_cmphex(qtest_readb(p.qts, p.bar0), ==, 1);
    qtest_quit_ok(p.qts);
}

static void test_panic_default(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic-pci");
    qtest_writeb(p.qts, p.bar0, 1);
    qtest_assert_panic_event(p.qts, "GUEST_PANICKED", "poweroff");
    json_decref(qtest_qmp_eventwait(p.qts, "STOP"));
    qtest_assert_shutdown_event(p.qts, "SHUTDOWN", true, "guest-panic");
    qtest_assert_exit_status(qtest_wait_exit(p.qts), 0);
}

static void test_panic_pause(void)
{
    static const char *const writes[] = {"b", "w", "l", "b+1"};

    for (size_t i = 0; i < G_N_ELEMENTS(writes); i++) {
        PVPanicPCI p;

        pvpanic_pci_start(&p, "-device pvpanic-pci -action panic=pause");
        if (strcmp(writes[i], "b") == 0) {
            qtest_writeb(p.qts, p.bar0, 1);
        } else if (strcmp(writes[i], "w") == 0) {
            qtest_writew(p.qts, p.bar0, 1);
        } else if (strcmp(writes[i], "l") == 0) {
            qtest_writel(p.qts, p.bar0, 1);
        } else {
            qtest_writeb(p.qts, p.bar0 + 1, 1);
        }
        qtest_assert_panic_event(p.qts, "GUEST_PANICKED", "pause");
        json_decref(qtest_qmp_eventwait(p.qts, "STOP"));
        qtest_assert_status(p.qts, "guest-panicked", false);
        g_assert_cmphex(qtest_readb(p.qts, p.bar0), ==, EVENTS);
        qtest_quit_ok(p.qts);
    }
}

static void test_crashloaded(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic-pci");
    qtest_writeb(p.qts, p.bar0, 2);
    qtest_assert_panic_event(p.qts, "GUEST_CRASHLOADED", "run");
    qtest_assert_status(p.qts, "running", true);
    qtest_quit_ok(p.qts);
}

static void test_pvshutdown(void)
{
    PVPanicPCI p;
    json_t *ev;

    pvpanic_pci_start(&p, "-device pvpanic-pci");
    qtest_writeb(p.qts, p.bar0, 4);
    ev = qtest_qmp_eventwait(p.qts, "GUEST_PVSHUTDOWN");
    g_assert_nonnull(ev);
    g_assert_null(json_object_get(ev, "data"));
    json_decref(ev);
    qtest_assert_shutdown_event(p.qts, "SHUTDOWN", true, "guest-shutdown");
    qtest_assert_exit_status(qtest_wait_exit(p.qts), 0);
}

/* Unknown bits and 0 report nothing; one event per write, by priority. */
static void test_priority(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic-pci -action panic=none");
    qtest_writeb(p.qts, p.bar0, 0);
    qtest_writeb(p.qts, p.bar0, 8);
    qtest_assert_status(p.qts, "running", true);
    g_assert_cmpuint(qtest_qmp_stashed(p.qts, NULL), ==, 0);
    qtest_writeb(p.qts, p.bar0, 0x06);
    qtest_assert_panic_event(p.qts, "GUEST_CRASHLOADED", "run");
    qtest_writeb(p.qts, p.bar0, 0xff);
    qtest_assert_panic_event(p.qts, "GUEST_PANICKED", "run");
    qtest_assert_status(p.qts, "running", true);
    g_assert_cmpuint(qtest_qmp_stashed(p.qts, NULL), ==, 0);
    qtest_quit_ok(p.qts);
}

/* Nothing reaches the device before its BAR decodes. */
static void test_not_decoding(void)
{
    QTestState *qts = qtest_init("-device pvpanic-pci -action panic=none");
    QPCIBus bus;
    int devfn;

    qpci_init(&bus, qts);
    devfn = qpci_find_device(&bus, 0x1b36, 0x0011);
    qpci_config_writel(&bus, devfn, 0x10, QPCI_MMIO_BASE);
    g_assert_cmphex(qtest_readb(qts, QPCI_MMIO_BASE), ==, 0);
    qtest_writeb(qts, QPCI_MMIO_BASE, 1);
    qtest_assert_status(qts, "running", true);
    g_assert_cmpuint(qtest_qmp_stashed(qts, NULL), ==, 0);
    qtest_quit_ok(qts);
}

static void test_addr4(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic-pci,addr=04.0,bus=pci.0");
    g_assert_cmpint(p.devfn, ==, QPCI_DEVFN(4, 0));
    g_assert_cmphex(qtest_readb(p.qts, p.bar0), ==, EVENTS);
    qtest_quit_ok(p.qts);
}

/* ISA and PCI pvpanic side by side; both report. */
static void test_with_isa(void)
{
    PVPanicPCI p;

    pvpanic_pci_start(&p, "-device pvpanic -device pvpanic-pci "
                          "-action panic=none");
    g_assert_cmphex(qtest_inb(p.qts, 0x505), ==, EVENTS);
    g_assert_cmphex(qtest_readb(p.qts, p.bar0), ==, EVENTS);
    qtest_outb(p.qts, 0x505, 2);
    qtest_assert_panic_event(p.qts, "GUEST_CRASHLOADED", "run");
    qtest_writeb(p.qts, p.bar0, 1);
    qtest_assert_panic_event(p.qts, "GUEST_PANICKED", "run");
    qtest_quit_ok(p.qts);
}

/* Start-up with @args (after "-M pc" unless they name a machine) fails
 * with exit status 1 and @msg on stderr. */
static void assert_start_fails(const char *args, const char *msg)
{
    QTestRun r;
    g_autofree char *cmd =
        g_strdup_printf("%s -nodefaults -display none -accel qtest %s",
                        strstr(args, "-M ") ? "" : "-M pc", args);

    qtest_run(&r, cmd);
    qtest_run_assert_exit(&r, 1);
    if (!strstr(r.err, msg)) {
        g_printerr("stderr: %s\nwanted: %s\n", r.err, msg);
    }
    g_assert_nonnull(strstr(r.err, msg));
    qtest_run_free(&r);
}

static void test_errors(void)
{
    assert_start_fails("-device pvpanic-pci,addr=01.0",
                       "-device pvpanic-pci,addr=01.0: PCI: slot 1 function 0 "
                       "not available for pvpanic-pci, in use by "
                       "PIIX3,id=(null)");
    assert_start_fails("-device pvpanic-pci,id=p1 -device pvpanic-pci,addr=2",
                       "PCI: slot 2 function 0 not available for pvpanic-pci, "
                       "in use by pvpanic-pci,id=p1");
    assert_start_fails("-device pvpanic-pci,addr=20",
                       "Property 'pvpanic-pci.addr' doesn't take value '20'");
    assert_start_fails("-device pvpanic-pci,addr=xy",
                       "Property 'pvpanic-pci.addr' doesn't take value 'xy'");
    assert_start_fails("-device pvpanic-pci,addr=3.8",
                       "Property 'pvpanic-pci.addr' doesn't take value '3.8'");
    assert_start_fails("-device pvpanic-pci,bus=pci.1",
                       "Bus 'pci.1' not found");
    assert_start_fails("-device pvpanic-pci,bus=isa.0",
                       "Device 'pvpanic-pci' can't go on ISA bus");
    assert_start_fails("-M pc-i440fx-9.1 -device pvpanic-pci",
                       "No 'PCI' bus found for device 'pvpanic-pci'");
}

/* ---- monitor views against QEMU's (tests/data/pci/) ---- */

static char *golden(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/%s", PCI_DATA_DIR, name);
    g_autoptr(GError) err = NULL;
    char *text = NULL;

    g_assert_true(g_file_get_contents(path, &text, NULL, &err));
    return text;
}

static void check_monitor(const char *args, const char *suffix)
{
    QTestState *qts = qtest_init(args);
    g_autofree char *qmp_name = g_strdup_printf("query-pci-%s.json", suffix);
    g_autofree char *hmp_name = g_strdup_printf("info-pci-%s.txt", suffix);
    g_autofree char *want_qmp = golden(qmp_name);
    g_autofree char *want_hmp = golden(hmp_name);
    g_autofree char *line = NULL;
    json_t *ret;
    GString *hmp = g_string_new(NULL);
    g_autofree char *hmp_text = NULL;
    static const char cmd[] = "{\"execute\": \"query-pci\"}\n";

    /* The exact wire line (minus "\r\n"). */
    qtest_qmp_send_raw(qts, cmd, strlen(cmd));
    line = qtest_qmp_recv_raw(qts);
    g_strchomp(line);
    g_strchomp(want_qmp);
    g_assert_cmpstr(line, ==, want_qmp);

    ret = qtest_qmp_return(qts, "{'execute': 'human-monitor-command', "
                                "'arguments': {'command-line': 'info pci'}}");
    for (const char *c = json_string_value(ret); *c; c++) {
        if (*c != '\r') {
            g_string_append_c(hmp, *c);
        }
    }
    json_decref(ret);
    hmp_text = g_string_free(hmp, false);
    g_assert_cmpstr(hmp_text, ==, want_hmp);
    qtest_quit_ok(qts);
}

static void test_monitor(void)
{
    check_monitor("-device pvpanic-pci", "pvpanic");
    check_monitor("-device pvpanic-pci,addr=04.0", "pvpanic-addr4");
}

/* A programmed BAR shows in query-pci and info pci as QEMU shows it. */
static void test_monitor_mapped(void)
{
    PVPanicPCI p;
    json_t *ret, *dev, *region;
    const char *text;

    pvpanic_pci_start(&p, "-device pvpanic-pci,id=panic0");
    ret = qtest_qmp_return(p.qts, "{'execute': 'query-pci'}");
    dev = json_array_get(json_object_get(json_array_get(ret, 0), "devices"), 2);
    g_assert_cmpstr(json_string_value(json_object_get(dev, "qdev_id")), ==,
                    "panic0");
    region = json_array_get(json_object_get(dev, "regions"), 0);
    g_assert_cmpint(json_integer_value(json_object_get(region, "address")), ==,
                    3758096384);
    g_assert_cmpint(json_integer_value(json_object_get(region, "size")), ==, 2);
    json_decref(ret);
    ret = qtest_qmp_return(p.qts, "{'execute': 'human-monitor-command', "
                                  "'arguments': {'command-line': 'info pci'}}");
    text = json_string_value(ret);
    g_assert_nonnull(strstr(text, "      BAR0: 32 bit memory at 0xe0000000 "
                                  "[0xe0000001].\r\n      id \"panic0\"\r\n"));
    json_decref(ret);
    qtest_quit_ok(p.qts);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"identity", test_identity},
        {"read", test_read},
        {"events-prop", test_events_prop},
        {"panic-default", test_panic_default},
        {"panic-pause", test_panic_pause},
        {"crashloaded", test_crashloaded},
        {"pvshutdown", test_pvshutdown},
        {"priority", test_priority},
        {"not-decoding", test_not_decoding},
        {"addr4", test_addr4},
        {"with-isa", test_with_isa},
        {"errors", test_errors},
        {"monitor", test_monitor},
        {"monitor-mapped", test_monitor_mapped},
    };

    return qtest_run_cases(&argc, &argv, "pvpanic-pci", cases,
                           G_N_ELEMENTS(cases));
}
