/*
 * qom-set where QEMU allows it, and QEMU's errors where it does not
 * (monitor/qmp-cmds-qom-set.c): static device properties only while the
 * device is unrealized, "realized" false/true unplugging and replugging a
 * -device's port or BAR, object properties after creation, read-only
 * properties, the machine's properties.  The texts are QEMU 7.2's
 * (tests/diff scenarios qom-set and qom-machine-set).
 */
#include "libqos-pci.h"

#include <string.h>

#define PP   "/machine/peripheral/pp"
#define PPCI "/machine/peripheral/ppci"

static void set_ok(QTestState *s, const char *path, const char *prop,
                   const char *value)
{
    g_autofree char *cmd =
        g_strdup_printf("{'execute': 'qom-set', 'arguments': {'path': '%s', "
                        "'property': '%s', 'value': %s}}",
                        path, prop, value);
    json_t *r = qtest_qmp_return(s, cmd);

    g_assert_true(json_is_object(r) && json_object_size(r) == 0);
    json_decref(r);
}

static void set_err(QTestState *s, const char *path, const char *prop,
                    const char *value, const char *desc)
{
    g_autofree char *cmd =
        g_strdup_printf("{'execute': 'qom-set', 'arguments': {'path': '%s', "
                        "'property': '%s', 'value': %s}}",
                        path, prop, value);

    qtest_qmp_assert_error(s, cmd, "GenericError", desc);
}

/* qom-get of @prop as compact JSON text. */
static char *get(QTestState *s, const char *path, const char *prop)
{
    g_autofree char *cmd =
        g_strdup_printf("{'execute': 'qom-get', 'arguments': {'path': '%s', "
                        "'property': '%s'}}",
                        path, prop);
    json_t *r = qtest_qmp_return(s, cmd);
    char *text = json_dumps(r, JSON_ENCODE_ANY | JSON_COMPACT);

    json_decref(r);
    return text;
}

static void assert_get(QTestState *s, const char *path, const char *prop,
                       const char *want)
{
    g_autofree char *v = get(s, path, prop);

    g_assert_cmpstr(v, ==, want);
}

/* pvpanic: unrealized, its port reads as nothing; moved, it answers at
 * the new port only. */
static void test_pvpanic_realized(void)
{
    QTestState *s = qtest_init("-device pvpanic,id=pp,events=3");

    g_assert_cmphex(qtest_inb(s, 0x505), ==, 3);
    set_err(s, PP, "ioport", "1286",
            "Attempt to set property 'ioport' on device 'pp' (type "
            "'pvpanic') after it was realized");
    set_err(s, PP, "realized", "1",
            "Invalid parameter type for 'realized', expected: boolean");
    set_ok(s, PP, "realized", "true"); /* already: nothing happens */
    set_ok(s, PP, "realized", "false");
    assert_get(s, PP, "realized", "false");
    g_assert_cmphex(qtest_inb(s, 0x505), ==, 0xff);
    set_ok(s, PP, "realized", "false");
    /* Unrealized: the properties take values, checked as -device does. */
    set_err(s, PP, "ioport", "70000", "Parameter 'ioport' expects uint16_t");
    set_err(s, PP, "ioport", "'x'", "Parameter 'ioport' expects uint64");
    set_ok(s, PP, "ioport", "1286");
    set_ok(s, PP, "events", "1");
    assert_get(s, PP, "ioport", "1286");
    set_err(s, PP, "type", "'x'", "Property 'pvpanic.type' is not writable");
    set_ok(s, PP, "realized", "true");
    assert_get(s, PP, "realized", "true");
    g_assert_cmphex(qtest_inb(s, 0x505), ==, 0xff);
    g_assert_cmphex(qtest_inb(s, 0x506), ==, 1);
    set_err(s, PP, "events", "3",
            "Attempt to set property 'events' on device 'pp' (type "
            "'pvpanic') after it was realized");
    qtest_quit_ok(s);
}

/* pvpanic-pci: unrealized, its function leaves the bus (config space
 * reads all ones); realized again at a new address. */
static void test_pvpanic_pci_realized(void)
{
    QTestState *s =
        qtest_init("-M pc-i440fx-9.2 -device pvpanic-pci,id=ppci,addr=4");
    QPCIBus bus;

    qpci_init(&bus, s);
    g_assert_cmphex(qpci_config_readw(&bus, 4 << 3, 0), ==, 0x1b36);
    set_ok(s, PPCI, "realized", "false");
    g_assert_cmphex(qpci_config_readw(&bus, 4 << 3, 0), ==, 0xffff);
    set_err(s, PPCI, "addr", "300",
            "Parameter 'addr' expects a value between -1 and 255");
    set_err(s, PPCI, "addr", "true",
            "Invalid parameter type for 'addr', expected int or str");
    set_ok(s, PPCI, "addr", "-1");
    assert_get(s, PPCI, "addr", "-1");
    set_ok(s, PPCI, "addr", "40"); /* devfn 40: slot 5 */
    assert_get(s, PPCI, "addr", "40");
    set_ok(s, PPCI, "realized", "true");
    g_assert_cmphex(qpci_config_readw(&bus, 4 << 3, 0), ==, 0xffff);
    g_assert_cmphex(qpci_config_readw(&bus, 5 << 3, 0), ==, 0x1b36);
    g_assert_cmphex(qpci_config_readw(&bus, 5 << 3, 2), ==, 0x0011);
    assert_get(s, PPCI, "addr", "40");
    qtest_quit_ok(s);
}

/* The board's devices stay realized; other nodes are read-only. */
static void test_read_only(void)
{
    QTestState *s = qtest_init("-device pvpanic,id=pp -chardev ringbuf,id=rb");

    set_err(s, "/machine/fw_cfg", "realized", "false",
            "Property 'fw_cfg_io.realized' cannot be cleared: the device "
            "is part of the board");
    set_err(s, "/machine/fw_cfg", "dma_enabled", "true",
            "Attempt to set property 'dma_enabled' on anonymous device "
            "(type 'fw_cfg_io') after it was realized");
    set_err(s, PP "/pvpanic[0]", "addr", "1",
            "Property 'memory-region.addr' is not writable");
    set_err(s, "/chardevs/rb", "type", "'x'",
            "Property 'chardev-ringbuf.type' is not writable");
    /* Only socket chardevs have "connected". */
    set_err(s, "/chardevs/rb", "connected", "true",
            "Property 'chardev-ringbuf.connected' not found");
    set_err(s, "/machine", "type", "'x'",
            "Property 'pc-i440fx-9.2-machine.type' is not writable");
    set_err(s, "/", "machine", "'x'",
            "Property 'container.machine' is not writable");
    set_err(s, PP, "nope", "1", "Property 'pvpanic.nope' not found");
    qtest_qmp_assert_error(s,
                           "{'execute': 'qom-set', 'arguments': {'path': "
                           "'/nope', 'property': 'type', 'value': 1}}",
                           "DeviceNotFound", "Device '/nope' not found");
    qtest_quit_ok(s);
}

/* Objects after creation: what QEMU 7.2's setters allow. */
static void test_objects(void)
{
    QTestState *s = qtest_init("-object secret,id=s0,data=abc "
                               "-object memory-backend-ram,id=m0,size=1M "
                               "-object memory-backend-memfd,id=d0,size=1M");

    /* A secret stores new values but keeps the data it loaded. */
    assert_get(s, "/objects/s0", "loaded", "true");
    set_ok(s, "/objects/s0", "data", "'xyz'");
    assert_get(s, "/objects/s0", "data", "\"xyz\"");
    set_err(s, "/objects/s0", "data", "1",
            "Invalid parameter type for 'data', expected: string");
    set_err(s, "/objects/s0", "loaded", "false",
            "Property 'secret.loaded' is not writable");
    set_err(s, "/objects/s0", "type", "'x'",
            "Property 'secret.type' is not writable");
    /* Memory backends: advice and prealloc change, the layout does not. */
    set_err(s, "/objects/m0", "size", "1048576",
            "cannot change property size of memory-backend-ram ");
    set_err(s, "/objects/m0", "share", "false", "cannot change property value");
    set_err(s, "/objects/m0", "reserve", "true",
            "cannot change property value");
    set_ok(s, "/objects/m0", "dump", "false");
    assert_get(s, "/objects/m0", "dump", "false");
    set_ok(s, "/objects/m0", "merge", "false");
    set_ok(s, "/objects/m0", "prealloc", "true");
    assert_get(s, "/objects/m0", "prealloc", "true");
    set_err(s, "/objects/m0", "dump", "'x'",
            "Invalid parameter type for 'dump', expected: boolean");
    set_ok(s, "/objects/d0", "seal", "false");
    set_err(s, "/objects/d0", "hugetlbsize", "0",
            "cannot change property value");
    qtest_quit_ok(s);
}

/*
 * The machine's properties read the configuration and QEMU's defaults
 * for what Vigil does not have; qom-set keeps a value QEMU's setter
 * accepts (without effect) and gives QEMU's error otherwise.
 */
static void test_machine(void)
{
    QTestState *s = qtest_init("-M pc -m 256 -smp 2 -cpu qemu64 -boot menu=on "
                               "-machine hpet=off,dump-guest-core=off");

    assert_get(s, "/machine", "memory", "{\"size\":268435456}");
    assert_get(s, "/machine", "smp",
               "{\"cpus\":2,\"maxcpus\":2,\"threads\":1,\"cores\":2,"
               "\"dies\":1,\"sockets\":1,\"clusters\":1}");
    assert_get(s, "/machine", "boot", "{\"order\":\"cad\",\"menu\":true}");
    assert_get(s, "/machine", "hpet", "false");
    assert_get(s, "/machine", "dump-guest-core", "false");
    assert_get(s, "/machine", "mem-merge", "true");
    assert_get(s, "/machine", "kernel", "\"\"");
    assert_get(s, "/machine", "firmware", "\"bios-256k.bin\"");
    assert_get(s, "/machine", "x-oem-id", "\"BOCHS \"");
    /* Two vCPUs and no HPET: QEMU's RTC is device[9], i440FX device[3],
     * PIIX4_PM device[18]. */
    assert_get(s, "/machine", "rtc_state", "\"/machine/unattached/device[9]\"");
    assert_get(s, "/machine/unattached/device[9]", "type", "\"mc146818rtc\"");
    assert_get(s, "/machine", "smram",
               "\"/machine/unattached/device[3]/smram[0]\"");
    assert_get(s, "/machine", "acpi-device",
               "\"/machine/unattached/device[18]\"");

    set_ok(s, "/machine", "kernel", "'vmlinuz'");
    assert_get(s, "/machine", "kernel", "\"vmlinuz\"");
    set_ok(s, "/machine", "smm", "'off'");
    assert_get(s, "/machine", "smm", "\"off\"");
    set_ok(s, "/machine", "memory", "{'size': 1}");
    assert_get(s, "/machine", "memory", "{\"size\":8192}");
    set_err(s, "/machine", "smm", "'x'",
            "Parameter 'smm' does not accept value 'x'");
    set_err(s, "/machine", "graphics", "1",
            "Invalid parameter type for 'graphics', expected: boolean");
    set_err(s, "/machine", "x-oem-id", "'1234567'",
            "User specified x-oem-id value is bigger than 6 bytes in size");
    set_err(s, "/machine", "boot", "{'order': 'zz'}",
            "Invalid boot device 'z'");
    set_err(s, "/machine", "smp", "{'foo': 1}",
            "Parameter 'smp.foo' is unexpected");
    /* QEMU keeps a topology it then finds invalid. */
    set_err(s, "/machine", "smp", "{'cpus': 1, 'sockets': 1, 'cores': 2}",
            "Invalid CPU topology: product of the hierarchy must match "
            "maxcpus: sockets (1) * dies (1) * cores (2) * threads (0) != "
            "maxcpus (1)");
    assert_get(s, "/machine", "smp",
               "{\"cpus\":1,\"maxcpus\":1,\"threads\":0,\"cores\":2,"
               "\"dies\":1,\"sockets\":1,\"clusters\":1}");
    set_err(s, "/machine", "device-memory-region-size", "5",
            "Property 'pc-i440fx-9.2-machine.device-memory-region-size' is "
            "not writable");
    set_err(s, "/machine", "rtc-time", "{}",
            "Property 'mc146818rtc.date' is not writable");
    set_err(s, "/machine", "i440fx", "'x'",
            "Property 'pc-i440fx-9.2-machine.i440fx' is not writable");
    qtest_qmp_assert_error(s,
                           "{'execute': 'qom-set', 'arguments': {'path': "
                           "'/machine', 'property': 'rtc_state', 'value': "
                           "'/nope'}}",
                           "DeviceNotFound", "Device '/nope' not found");
    set_ok(s, "/machine", "rtc_state", "''");
    assert_get(s, "/machine", "rtc_state", "\"\"");
    qtest_quit_ok(s);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"pvpanic-realized", test_pvpanic_realized},
        {"pvpanic-pci-realized", test_pvpanic_pci_realized},
        {"read-only", test_read_only},
        {"objects", test_objects},
        {"machine", test_machine},
    };

    return qtest_run_cases(&argc, &argv, "qom-set", cases, G_N_ELEMENTS(cases));
}
