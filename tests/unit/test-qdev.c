/*
 * Device model: the type table, realize/unrealize, the registry and QOM
 * paths, machines and buses, and -device parsing and help.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/boards.h"
#include "hw/catalog.h"
#include "hw/isa/isa.h"
#include "hw/misc/pvpanic.h"
#include "system/qdev-monitor.h"

/* The "none" machine with an ISA bus added, so pvpanic can be plugged
 * without the pc board. */
static MachineState *machine_with_isa(void)
{
    MachineState *ms =
        machine_create(machine_find_type("none"), 16 << 20, 1, NULL);

    g_assert_nonnull(ms);
    ms->isa_bus = isa_bus_new(ms->io);
    return ms;
}

/* Run @fn(@arg) with file descriptor @fd captured; returns the output. */
static char *capture_fd(int fd, void (*fn)(const char *arg), const char *arg)
{
    g_autofree char *path = NULL;
    char *out = NULL;
    int tmp = g_file_open_tmp("test-qdev-XXXXXX", &path, NULL);
    int saved = dup(fd);

    g_assert_cmpint(tmp, >=, 0);
    fflush(stdout);
    fflush(stderr);
    dup2(tmp, fd);
    fn(arg);
    fflush(stdout);
    fflush(stderr);
    dup2(saved, fd);
    close(saved);
    close(tmp);
    g_assert_true(g_file_get_contents(path, &out, NULL, NULL));
    unlink(path);
    return out;
}

static void machine_help(const char *unused)
{
    machine_print_help();
}

static void test_type_table(void)
{
    size_t n;
    const DeviceClass *const *types = qdev_all_types(&n);
    const DeviceClass *dc = qdev_find_type("pvpanic");

    g_assert_cmpuint(n, >=, 1);
    for (size_t i = 1; i < n; i++) {
        g_assert_cmpint(strcmp(types[i - 1]->name, types[i]->name), <, 0);
    }
    g_assert_nonnull(dc);
    g_assert_true(qdev_find_type("isa-pvpanic") == dc);
    g_assert_null(qdev_find_type("isa-device"));
    g_assert_null(qdev_find_type("bogus"));
    g_assert_null(qdev_find_type(NULL));
    g_assert_cmpstr(dc->parent, ==, "isa-device");
    g_assert_cmpstr(dc->bus_type, ==, "ISA");
    g_assert_true(dc->user_creatable);
    g_assert_false(dc->hotpluggable);
    g_assert_cmpint(dc->category, ==, DEVICE_CATEGORY_MISC);
}

static void test_machine_types(void)
{
    size_t n;
    const MachineClass *const *mcs = machine_all_types(&n);

    g_assert_cmpuint(n, ==, 3);
    /* QEMU's convention: the versioned name, "pc" the newest's alias. */
    g_assert_cmpstr(mcs[0]->name, ==, "pc-i440fx-9.2");
    g_assert_cmpstr(mcs[0]->alias, ==, "pc");
    g_assert_true(machine_default_type() == machine_find_type("pc"));
    g_assert_true(machine_find_type("pc-i440fx-9.2") == mcs[0]);
    /* The older version stays, with its own hardware. */
    g_assert_true(machine_find_type("pc-i440fx-9.1") == mcs[1]);
    g_assert_null(mcs[1]->alias);
    g_assert_true(mcs[0]->has_pci && mcs[0]->has_fw_cfg);
    g_assert_false(mcs[1]->has_pci || mcs[1]->has_fw_cfg);
    g_assert_null(machine_find_type("pc-i440fx-7.2"));
    g_assert_cmpstr(machine_find_type("none")->desc, ==, "empty machine");
    g_assert_null(machine_find_type("q35"));
}

static void test_machine_help(void)
{
    g_autofree char *out = capture_fd(STDOUT_FILENO, machine_help, NULL);

    g_assert_cmpstr(out, ==,
                    "Supported machines are:\n"
                    "pc                   Standard PC (i440FX + PIIX, 1996) "
                    "(alias of pc-i440fx-9.2)\n"
                    "pc-i440fx-9.2        Standard PC (i440FX + PIIX, 1996) "
                    "(default)\n"
                    "pc-i440fx-9.1        Standard PC (i440FX + PIIX, 1996)\n"
                    "none                 empty machine\n");
}

static void test_ram_layout(void)
{
    const MachineClass *none = machine_find_type("none");
    MachineState *ms = machine_create(none, 8ull << 30, 1, NULL);
    uint8_t buf[16], zero[16] = {0};
    uint32_t v = 0x11223344;

    g_assert_nonnull(ms);
    g_assert_true(current_machine == ms);
    g_assert_cmphex(ms->below_4g_mem_size, ==, 0xc0000000);
    g_assert_cmphex(ms->above_4g_mem_size, ==, (8ull << 30) - 0xc0000000);

    /* RAM below and above 4 GiB, nothing in the hole */
    g_assert_true(machine_mem_write(ms, 0x1000, &v, 4));
    g_assert_true(ms->ram[0x1000] == 0x44);
    g_assert_true(machine_mem_write(ms, 0x100000000ull, &v, 4));
    g_assert_true(ms->ram[0xc0000000] == 0x44);
    g_assert_true(machine_ram_ptr(ms, 0x100000000ull, 4) ==
                  ms->ram + 0xc0000000);
    g_assert_null(machine_ram_ptr(ms, 0xbffffffe, 4));
    g_assert_null(machine_ram_ptr(ms, 0xd0000000, 1));
    memset(buf, 0xaa, sizeof(buf));
    g_assert_true(machine_mem_read(ms, 0xd0000000, buf, sizeof(buf)));
    g_assert_cmpmem(buf, sizeof(buf), zero, sizeof(zero));
    /* a read across the end of low RAM: 8 bytes RAM then the hole */
    ms->ram[0xbffffff8] = 0x5a;
    memset(buf, 0xaa, sizeof(buf));
    g_assert_true(machine_mem_read(ms, 0xbffffff8, buf, sizeof(buf)));
    g_assert_cmphex(buf[0], ==, 0x5a);
    g_assert_cmphex(buf[8], ==, 0);
    g_assert_false(machine_mem_read(ms, UINT64_MAX - 2, buf, 8));
    machine_destroy(ms);
    g_assert_null(current_machine);

    ms = machine_create(none, 0xd0000000, 1, NULL);
    g_assert_cmphex(ms->below_4g_mem_size, ==, 0xd0000000);
    g_assert_cmphex(ms->above_4g_mem_size, ==, 0);
    machine_destroy(ms);
}

static void test_realize_and_paths(void)
{
    MachineState *ms = machine_with_isa();
    const DeviceClass *dc = qdev_find_type("pvpanic");
    DeviceState *a = qdev_new(dc), *b = qdev_new(dc);
    GError *err = NULL;

    a->user_created = true; /* as -device does */

    g_assert_false(qdev_set_prop_text(a, "bogus", "1", &err));
    g_assert_cmpstr(err->message, ==, "Property 'pvpanic.bogus' not found");
    g_clear_error(&err);

    g_assert_true(qdev_realize(a, ms->isa_bus, &err));
    g_assert_no_error(err);
    g_assert_true(a->realized);
    g_assert_true(a->parent_bus == ms->isa_bus);
    g_assert_cmpstr(a->canonical_path, ==,
                    "/machine/peripheral-anon/device[0]");
    g_assert_true(qdev_resolve_path("/machine/peripheral-anon/device[0]") == a);
    g_assert_true(qdev_resolve_path("device[0]") == a);
    g_assert_null(qdev_resolve_path("/machine/peripheral/x"));
    g_assert_false(qdev_set_prop_text(a, "ioport", "1", &err));
    g_clear_error(&err);

    /* Only one pvpanic per machine, and the message names the first. */
    b->id = g_strdup("pp");
    g_assert_true(qdev_set_prop_text(b, "ioport", "0x540", NULL));
    g_assert_false(qdev_realize(b, ms->isa_bus, &err));
    g_assert_cmpstr(err->message, ==,
                    "Only one 'pvpanic' device is supported per machine; "
                    "'/machine/peripheral-anon/device[0]' already exists");
    g_clear_error(&err);
    g_assert_false(b->realized);
    g_assert_null(b->canonical_path);
    g_assert_null(qdev_find_by_id("pp"));

    qdev_unrealize(a);
    g_assert_null(address_space_lookup(ms->io, 0x505));
    qdev_unref(a);
    g_assert_true(qdev_realize(b, ms->isa_bus, NULL));
    g_assert_cmpstr(b->canonical_path, ==, "/machine/peripheral/pp");
    g_assert_true(qdev_resolve_path("pp") == b);
    g_assert_true(qdev_resolve_path("/machine/peripheral/pp") == b);
    g_assert_true(qdev_find_by_id("pp") == b);
    g_assert_nonnull(address_space_lookup(ms->io, 0x540));
    qdev_reset_all();

    /* After machine_done, realize is a hotplug: ISA refuses it. */
    g_assert_true(machine_done(ms, NULL));
    a = qdev_new(dc);
    g_assert_false(qdev_realize(a, ms->isa_bus, &err));
    g_assert_cmpstr(err->message, ==,
                    "Bus 'isa.0' does not support hotplugging");
    g_clear_error(&err);
    qdev_unref(a);
    machine_destroy(ms);
}

static void test_port_conflict(void)
{
    MachineState *ms = machine_with_isa();
    const DeviceClass *dc = qdev_find_type("pvpanic");
    DeviceState *dev = qdev_new(dc);
    MemoryRegion other;
    static const MemoryRegionOps none_ops = {.impl_min = 1, .impl_max = 1};
    GError *err = NULL;

    memory_region_init_io(&other, &none_ops, NULL, "serial", 8);
    g_assert_true(address_space_map(ms->io, &other, 0x500, "serial0", NULL));
    dev->id = g_strdup("pp");
    g_assert_false(qdev_realize(dev, ms->isa_bus, &err));
    g_assert_cmpstr(err->message, ==,
                    "I/O port range 0x505-0x505 of 'pp' overlaps "
                    "0x500-0x507 of 'serial0'");
    g_clear_error(&err);
    qdev_unref(dev);
    address_space_unmap(ms->io, &other);
    machine_destroy(ms);
}

static void expect_parse_error(const char *optarg, const char *msg)
{
    GError *err = NULL;

    g_assert_null(qdev_device_parse(optarg, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, msg);
    g_error_free(err);
}

static void test_device_parse_errors(void)
{
    expect_parse_error("nope", "'nope' is not a valid device model name");
    expect_parse_error("pvpanic,,x", "'pvpanic,x' is not a valid device model "
                                     "name");
    expect_parse_error("ioport=1", "Parameter 'driver' is missing");
    expect_parse_error("pvpanic,bogus=1", "Property 'pvpanic.bogus' not found");
    expect_parse_error("pvpanic,a,,b=1", "Property 'pvpanic.a,b' not found");
    expect_parse_error("pvpanic,ioport=70000",
                       "Parameter 'ioport' expects uint16_t");
    expect_parse_error("pvpanic,ioport=abc",
                       "Parameter 'ioport' expects integer");
    expect_parse_error("pvpanic,events=256",
                       "Parameter 'events' expects uint8_t");
    expect_parse_error("pvpanic,id=1a", "Parameter 'id' expects an identifier");
    expect_parse_error("pvpanic,id=", "Parameter 'id' expects an identifier");
    expect_parse_error("{\"driver\":\"pvpanic\",\"ioport\":\"0x505\"}",
                       "Parameter 'ioport' expects uint64");
    expect_parse_error("{\"driver\":\"pvpanic\",\"ioport\":1.5}",
                       "Parameter 'ioport' expects uint64");
    expect_parse_error("{\"driver\":\"pvpanic\",\"ioport\":-1}",
                       "Parameter 'ioport' expects uint16_t");
    expect_parse_error("{\"driver\":\"pvpanic\",\"bogus\":1}",
                       "Property 'pvpanic.bogus' not found");
    expect_parse_error("{\"ioport\":1}", "Parameter 'driver' is missing");
    expect_parse_error("{\"driver\":1}", "Parameter 'driver' is missing");
    expect_parse_error("{\"driver\":\"pvpanic\",\"id\":5}",
                       "Invalid parameter type for 'id', expected: string");
    qdev_device_free_pending();
}

static void test_device_parse_and_realize(void)
{
    MachineState *ms;
    DeviceState *dev;
    const Property *p;
    GError *err = NULL;

    dev = qdev_device_parse("pvpanic,ioport=0x540,events=1,id=pp", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(dev->id, ==, "pp");
    p = qdev_find_prop(dev, "ioport");
    g_assert_cmphex(qdev_prop_get_uint(dev, p), ==, 0x540);
    p = qdev_find_prop(dev, "events");
    g_assert_cmphex(qdev_prop_get_uint(dev, p), ==, 1);
    expect_parse_error("pvpanic,id=pp", "Duplicate ID 'pp' for device");
    qdev_device_free_pending();

    /* driver= form; later values win, as in QEMU */
    dev = qdev_device_parse("driver=isa-pvpanic,ioport=1,ioport=2", NULL);
    g_assert_nonnull(dev);
    g_assert_cmphex(qdev_prop_get_uint(dev, qdev_find_prop(dev, "ioport")), ==,
                    2);
    qdev_device_free_pending();

    /* No ISA bus on "none" */
    ms = machine_create(machine_find_type("none"), 0, 1, NULL);
    g_assert_nonnull(qdev_device_parse("pvpanic", NULL));
    g_assert_false(qdev_device_realize_all(ms, &err));
    g_assert_cmpstr(err->message, ==,
                    "-device pvpanic: No 'ISA' bus found for device 'pvpanic'");
    g_clear_error(&err);
    qdev_device_free_pending();
    machine_destroy(ms);

    /* JSON form; two devices: the second fails at realize */
    ms = machine_with_isa();
    dev = qdev_device_parse(
        "{\"driver\": \"pvpanic\", \"ioport\": 1285, \"id\": \"pp\"}", &err);
    g_assert_no_error(err);
    g_assert_nonnull(qdev_device_parse("pvpanic,ioport=0x540", NULL));
    g_assert_false(qdev_device_realize_all(ms, &err));
    g_assert_cmpstr(err->message, ==,
                    "-device pvpanic,ioport=0x540: Only one 'pvpanic' "
                    "device is supported per machine; "
                    "'pp' already exists");
    g_clear_error(&err);
    g_assert_true(dev->realized);
    g_assert_cmphex(address_space_read(ms->io, 0x505, 1), ==, 7);
    g_assert_cmphex(address_space_read(ms->io, 0x540, 1), ==, 0xff);
    qdev_device_free_pending();
    machine_destroy(ms);
}

static int help_status;

static void run_help(const char *arg)
{
    help_status = qdev_device_help(arg);
}

static void test_device_help(void)
{
    g_autofree char *out = capture_fd(STDOUT_FILENO, run_help, "help");
    g_autofree char *out2 = capture_fd(STDOUT_FILENO, run_help, "?");

    g_assert_cmpint(help_status, ==, 0);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

    /* Category blocks separated by one blank line, as QEMU prints them. */
    g_assert_true(g_str_has_suffix(lines[0], " devices:"));
    for (guint i = 1; lines[i + 1]; i++) {
        if (lines[i][0] == '\0') {
            g_assert_true(g_str_has_suffix(lines[i + 1], " devices:"));
        } else if (!g_str_has_suffix(lines[i], " devices:")) {
            g_assert_true(g_str_has_prefix(lines[i], "name \""));
        }
    }
    g_assert_nonnull(strstr(out, "Misc devices:\n"));
    g_assert_nonnull(strstr(out, "\nname \"pvpanic\", bus ISA, "
                                 "alias \"isa-pvpanic\"\n"));
    g_assert_cmpstr(out, ==, out2);
}

static void test_device_options_help(void)
{
    static const char want[] = "pvpanic options:\n"
                               "  events=<uint8>         -  (default: 7)\n"
                               "  ioport=<uint16>        -  (default: 1285)\n"
                               "  pvpanic[0]=<child<memory-region>>\n";
    static const char *const forms[] = {
        "pvpanic,help",
        "isa-pvpanic,?",
        "pvpanic,ioport=1,help",
        "driver=pvpanic,help",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(forms); i++) {
        g_autofree char *out = capture_fd(STDOUT_FILENO, run_help, forms[i]);

        g_assert_cmpint(help_status, ==, 0);
        g_assert_cmpstr(out, ==, want);
    }
}

static void test_device_help_misc(void)
{
    g_autofree char *err = capture_fd(STDERR_FILENO, run_help, "nope,help");

    g_assert_cmpint(help_status, ==, 0);
    g_assert_nonnull(strstr(err, "Device 'nope' not found"));
    g_assert_cmpint(qdev_device_help("pvpanic"), ==, -1);
    g_assert_cmpint(qdev_device_help("pvpanic,ioport=1"), ==, -1);
    g_assert_cmpint(qdev_device_help("{\"driver\":\"pvpanic\"}"), ==, -1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdev/types", test_type_table);
    g_test_add_func("/qdev/machine/types", test_machine_types);
    g_test_add_func("/qdev/machine/help", test_machine_help);
    g_test_add_func("/qdev/machine/ram", test_ram_layout);
    g_test_add_func("/qdev/realize", test_realize_and_paths);
    g_test_add_func("/qdev/port-conflict", test_port_conflict);
    g_test_add_func("/qdev/device/parse-errors", test_device_parse_errors);
    g_test_add_func("/qdev/device/parse", test_device_parse_and_realize);
    g_test_add_func("/qdev/device/help", test_device_help);
    g_test_add_func("/qdev/device/options-help", test_device_options_help);
    g_test_add_func("/qdev/device/help-misc", test_device_help_misc);
    return g_test_run();
}
