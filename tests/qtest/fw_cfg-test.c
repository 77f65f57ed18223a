/*
 * fw_cfg on pc-i440fx-9.2 over qtest, against the bytes QEMU 10.2 gave
 * for the same command lines (/work/shared/reference/qemu-pc-pci/
 * fw_cfg-10.2.50.txt; docs/specs/fw_cfg.rst lists where Vigil differs
 * on purpose: no HPET item, no firmware files, its own e820).
 */
#include "fw_cfg-client.h"

#include <string.h>

#define BASE "-M pc -nodefaults "

typedef struct KeyBytes {
    uint16_t key;
    const char *hex; /* the bytes read from 0x511 after selecting key */
} KeyBytes;

#define Z8  "00 00 00 00 00 00 00 00"
#define Z16 Z8 " " Z8

/* R1: -M pc -nodefaults: every key QEMU's reference run read, same
 * lengths.  0x8004 (HPET) reads zeros: Vigil has no HPET. */
static const KeyBytes r1_keys[] = {
    {0x0000, "51 45 4d 55 00 00 00 00"},
    {0x0001, "03 00 00 00 00 00 00 00"},
    {0x0002, Z16 " 00 00 00 00"},
    {0x0003, "00 00 00 08 00 00 00 00 00 00 00 00"},
    {0x0004, "00 00 00 00"},
    {0x0005, "01 00 00 00"},
    {0x0006, Z8},
    {0x0007, Z8},
    {0x0008, Z8},
    {0x0009, Z8},
    {0x000a, Z8},
    {0x000b, Z8},
    {0x000c, Z8},
    {0x000d, Z16 " " Z16 " " Z16},
    {0x000e, "00 00 00 00"},
    {0x000f, "01 00 00 00"},
    {0x0010, Z8},
    {0x0011, Z8},
    {0x0012, Z8},
    {0x0013, Z8},
    {0x0014, Z8},
    {0x0015, Z8},
    {0x0016, Z8},
    {0x0017, Z8},
    {0x0018, Z8},
    {0x8000, Z16},
    {0x8001, Z16},
    {0x8002, "01 00 00 00 00 00 00 00"},
    {0x8003, Z16},
    {0x8004, Z16 " " Z8},
    {0x0100, Z8},
    {0x7fff, Z8},
    {0xffff, Z8},
};

/* R2: -m 256 -smp 2 -uuid ... -boot menu=on,...: the keys that differ. */
static const KeyBytes r2_keys[] = {
    {0x0002, "12 34 56 78 12 34 12 34 12 34 12 34 56 78 9a bc 00 00 00 00"},
    {0x0003, "00 00 00 10 00 00 00 00 00 00 00 00"},
    {0x0004, "00 00 00 00"},
    {0x0005, "02 00 00 00"},
    {0x000e, "01 00 00 00"},
    {0x000f, "02 00 00 00"},
    {0x0000, "51 45 4d 55 00 00 00 00"},
    {0x0001, "03 00 00 00 00 00 00 00"},
};

static size_t hex_len(const char *hex)
{
    return (strlen(hex) + 1) / 3;
}

static void check_keys(QTestState *s, const KeyBytes *k, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_autofree char *got = fw_cfg_key_hex(s, k[i].key, hex_len(k[i].hex));

        g_test_message("key 0x%04x: %s", k[i].key, got);
        g_assert_cmpstr(got, ==, k[i].hex);
    }
}

static char *file_hex(QTestState *s, const char *name)
{
    uint16_t key;
    uint32_t size;

    if (!fw_cfg_find_file(s, name, &key, &size)) {
        return NULL;
    }
    return fw_cfg_key_hex(s, key, size);
}

static void test_legacy_defaults(void)
{
    QTestState *s = qtest_init(BASE);
    g_autofree char *fail_wait = NULL;

    check_keys(s, r1_keys, G_N_ELEMENTS(r1_keys));
    fail_wait = file_hex(s, "etc/boot-fail-wait");
    g_assert_cmpstr(fail_wait, ==, "ff ff ff ff");
    g_assert_null(file_hex(s, "etc/boot-menu-wait"));
    qtest_quit_ok(s);
}

static void test_legacy_options(void)
{
    QTestState *s = qtest_init(
        BASE "-m 256 -smp 2 -uuid 12345678-1234-1234-1234-123456789abc "
             "-boot menu=on,reboot-timeout=1000,splash-time=12");
    g_autofree char *fail_wait = NULL;
    g_autofree char *menu_wait = NULL;

    check_keys(s, r2_keys, G_N_ELEMENTS(r2_keys));
    fail_wait = file_hex(s, "etc/boot-fail-wait");
    menu_wait = file_hex(s, "etc/boot-menu-wait");
    g_assert_cmpstr(fail_wait, ==, "e8 03 00 00");
    g_assert_cmpstr(menu_wait, ==, "0c 00");
    qtest_quit_ok(s);
}

/* -smp 4: both CPU counts (Vigil refuses maxcpus > cpus: no hotplug);
 * the NUMA item is a count, one node id per CPU, no sizes: all zeros. */
static void test_legacy_smp(void)
{
    QTestState *s = qtest_init(BASE "-smp 4");
    g_autofree char *nb = fw_cfg_key_hex(s, 0x0005, 4);
    g_autofree char *max = fw_cfg_key_hex(s, 0x000f, 4);
    g_autofree char *numa = fw_cfg_key_hex(s, 0x000d, 64);

    g_assert_cmpstr(nb, ==, "04 00 00 00");
    g_assert_cmpstr(max, ==, "04 00 00 00");
    g_assert_cmpstr(numa, ==, Z16 " " Z16 " " Z16 " " Z16);
    qtest_quit_ok(s);
}

static void test_reboot_timeout_values(void)
{
    static const struct {
        const char *arg, *hex;
    } runs[] = {
        /* QEMU also takes reboot-timeout=-1 (ff ff ff ff); Vigil's option
         * parser refuses negative numbers. */
        {"-boot reboot-timeout=0", "00 00 00 00"},
        {"-boot reboot-timeout=15", "0f 00 00 00"},
        {"-boot reboot-timeout=65535", "ff ff 00 00"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
        g_autofree char *args = g_strdup_printf(BASE "%s", runs[i].arg);
        QTestState *s = qtest_init(args);
        g_autofree char *got = file_hex(s, "etc/boot-fail-wait");

        g_assert_cmpstr(got, ==, runs[i].hex);
        qtest_quit_ok(s);
    }
}

/* QEMU's errors for values fw_cfg cannot carry. */
static void test_boot_value_errors(void)
{
    static const struct {
        const char *arg, *msg;
    } runs[] = {
        {"-boot reboot-timeout=65536",
         "reboot timeout is invalid,it should be a value between -1 and "
         "65535"},
        {"-boot splash-time=65536",
         "splash-time is invalid,it should be a value between 0 and 65535"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(runs); i++) {
        g_autofree char *args = g_strdup_printf(
            "-display none -accel qtest " BASE "%s", runs[i].arg);
        g_autofree char *err = NULL;

        qtest_assert_exit_status(qtest_run_direct(args, NULL, &err), 1);
        g_test_message("%s", err);
        g_assert_nonnull(strstr(err, runs[i].msg));
    }
}

static void test_nographic(void)
{
    QTestState *s = qtest_init(BASE "-nographic");
    g_autofree char *got = fw_cfg_key_hex(s, 0x0004, 2);

    g_assert_cmpstr(got, ==, "01 00");
    qtest_quit_ok(s);
}

/* Sorted by name, keys from 0x20 in that order, BE fields, NUL padding. */
static void check_directory(QTestState *s, const char *const *names,
                            const uint32_t *sizes, uint32_t n)
{
    uint8_t count[4];

    fw_cfg_read_key(s, 0x19, count, sizeof(count));
    g_assert_cmpuint(count[0] << 24 | count[1] << 16 | count[2] << 8 | count[3],
                     ==, n);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[64], want[64] = {0};

        for (size_t j = 0; j < sizeof(e); j++) {
            e[j] = qtest_inb(s, FW_CFG_PORT_DATA);
        }
        want[0] = sizes[i] >> 24;
        want[1] = sizes[i] >> 16;
        want[2] = sizes[i] >> 8;
        want[3] = sizes[i];
        want[4] = (0x20 + i) >> 8;
        want[5] = 0x20 + i;
        memcpy(want + 8, names[i], strlen(names[i]));
        g_assert_cmpmem(e, sizeof(e), want, sizeof(want));
    }
    /* Past the last entry: zeros. */
    g_assert_cmpuint(qtest_inb(s, FW_CFG_PORT_DATA), ==, 0);
}

static void test_directory(void)
{
    static const char *const names[] = {"etc/boot-fail-wait", "etc/e820"};
    static const uint32_t sizes[] = {4, 80};
    static const char *const names2[] = {"etc/boot-fail-wait",
                                         "etc/boot-menu-wait", "etc/e820",
                                         "etc/vmcoreinfo"};
    static const uint32_t sizes2[] = {4, 2, 80, 16};
    QTestState *s = qtest_init(BASE);

    check_directory(s, names, sizes, G_N_ELEMENTS(names));
    qtest_quit_ok(s);

    /* A file added in the middle moves the keys of those after it. */
    s = qtest_init(BASE "-device vmcoreinfo -boot splash-time=1");
    check_directory(s, names2, sizes2, G_N_ELEMENTS(names2));
    qtest_quit_ok(s);
}

/* etc/e820 is the map the kernel gets (hw/i386/e820.h), 20-byte LE
 * entries: 128 MiB gives low RAM, EBDA, BIOS area, RAM from 1 MiB. */
static void test_e820(void)
{
    QTestState *s = qtest_init(BASE);
    g_autofree char *got = file_hex(s, "etc/e820");

    g_assert_cmpstr(got, ==,
                    "00 00 00 00 00 00 00 00 00 fc 09 00 00 00 00 00 01 00 00 "
                    "00 "
                    "00 fc 09 00 00 00 00 00 00 04 00 00 00 00 00 00 02 00 00 "
                    "00 "
                    "00 00 0e 00 00 00 00 00 00 00 02 00 00 00 00 00 02 00 00 "
                    "00 "
                    "00 00 10 00 00 00 00 00 00 00 f0 07 00 00 00 00 01 00 00 "
                    "00");
    qtest_quit_ok(s);
}

static void assert_next(QTestState *s, const char *want)
{
    g_autofree uint8_t *buf = g_malloc(hex_len(want));
    g_autofree char *got = NULL;

    for (size_t i = 0; i < hex_len(want); i++) {
        buf[i] = qtest_inb(s, FW_CFG_PORT_DATA);
    }
    got = fw_cfg_hex(buf, hex_len(want));
    g_assert_cmpstr(got, ==, want);
}

/* Port widths and selector behaviour, step for step as observed. */
static void test_ports(void)
{
    QTestState *s = qtest_init(BASE "-smp 2");

    /* Key 0 is selected from the start. */
    assert_next(s, "51 45 4d 55");

    /* A byte read at the selector port is a data read. */
    qtest_outw(s, FW_CFG_PORT_SEL, 5);
    g_assert_cmpuint(qtest_inb(s, FW_CFG_PORT_SEL), ==, 2);
    assert_next(s, "00");

    /* Only a 16-bit write at 0x510 selects. */
    qtest_outw(s, FW_CFG_PORT_SEL, 5);
    qtest_outb(s, FW_CFG_PORT_SEL, 0);
    qtest_outb(s, FW_CFG_PORT_DATA, 0);
    qtest_outw(s, FW_CFG_PORT_DATA, 0);
    qtest_outl(s, FW_CFG_PORT_SEL, 0);
    assert_next(s, "02 00");

    /* Wider reads return 0 and consume nothing. */
    qtest_outw(s, FW_CFG_PORT_SEL, 0);
    g_assert_cmpuint(qtest_inw(s, FW_CFG_PORT_DATA), ==, 0);
    g_assert_cmpuint(qtest_inl(s, FW_CFG_PORT_DATA), ==, 0);
    g_assert_cmpuint(qtest_inw(s, FW_CFG_PORT_SEL), ==, 0);
    g_assert_cmpuint(qtest_inl(s, FW_CFG_PORT_SEL), ==, 0);
    assert_next(s, "51 45 4d 55");

    /* Reselecting (even the same key) resets the offset. */
    qtest_outw(s, FW_CFG_PORT_SEL, 0);
    assert_next(s, "51 45");
    qtest_outw(s, FW_CFG_PORT_SEL, 0);
    assert_next(s, "51 45 4d 55 00 00");

    /* The write-channel bit is ignored; the arch bit selects arch keys. */
    qtest_outw(s, FW_CFG_PORT_SEL, 0x4000);
    assert_next(s, "51 45 4d 55");
    qtest_outw(s, FW_CFG_PORT_SEL, 0x8002);
    assert_next(s, "01 00");

    /* One past the last file slot, and the largest keys: zeros. */
    qtest_outw(s, FW_CFG_PORT_SEL, 0x40);
    assert_next(s, "00 00 00 00");
    qtest_outw(s, FW_CFG_PORT_SEL, 0xbfff);
    assert_next(s, "00 00");
    qtest_quit_ok(s);
}

static void test_dma_register(void)
{
    QTestState *s = qtest_init(BASE);
    uint8_t b[8];
    g_autofree char *got = NULL;

    for (int i = 0; i < 8; i++) {
        b[i] = qtest_inb(s, FW_CFG_PORT_DMA + i);
    }
    got = fw_cfg_hex(b, 8);
    g_assert_cmpstr(got, ==, "51 45 4d 55 20 43 46 47");
    g_assert_cmphex(qtest_inw(s, 0x514), ==, 0x4551);
    g_assert_cmphex(qtest_inw(s, 0x516), ==, 0x554d);
    g_assert_cmphex(qtest_inw(s, 0x518), ==, 0x4320);
    g_assert_cmphex(qtest_inw(s, 0x51a), ==, 0x4746);
    g_assert_cmphex(qtest_inl(s, 0x514), ==, 0x554d4551);
    g_assert_cmphex(qtest_inl(s, 0x518), ==, 0x47464320);
    qtest_quit_ok(s);
}

#define ACCESS 0x1000
#define BUF    0x2000

static char *buf_hex(QTestState *s, size_t len)
{
    uint8_t b[64];

    g_assert_cmpuint(len, <=, sizeof(b));
    fw_cfg_mem_read(s, BUF, b, len);
    return fw_cfg_hex(b, len);
}

static void fill_buf(QTestState *s)
{
    uint8_t ee[80];

    memset(ee, 0xee, sizeof(ee));
    fw_cfg_mem_write(s, BUF, ee, sizeof(ee));
}

static void test_dma(void)
{
    QTestState *s = qtest_init(BASE);
    uint8_t access[16];
    g_autofree char *h1 = NULL, *h2 = NULL, *h3 = NULL, *h4 = NULL;
    g_autofree char *h5 = NULL, *h6 = NULL;

    /* Select key 0 and read 4: control cleared, length/address kept. */
    fill_buf(s);
    g_assert_cmphex(
        fw_cfg_dma(s, ACCESS, FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 4, BUF), ==,
        0);
    fw_cfg_mem_read(s, ACCESS, access, sizeof(access));
    h1 = fw_cfg_hex(access, sizeof(access));
    g_assert_cmpstr(h1, ==, "00 00 00 00 00 00 00 04 00 00 00 00 00 00 20 00");
    h2 = buf_hex(s, 8);
    g_assert_cmpstr(h2, ==, "51 45 4d 55 ee ee ee ee");

    /* Skip 2, then read 2 without selecting: "4d 55". */
    fill_buf(s);
    g_assert_cmphex(
        fw_cfg_dma(s, ACCESS, FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, 2, 0), ==,
        0);
    g_assert_cmphex(fw_cfg_dma(s, ACCESS, FW_CFG_DMA_READ, 2, BUF), ==, 0);
    h3 = buf_hex(s, 8);
    g_assert_cmpstr(h3, ==, "4d 55 ee ee ee ee ee ee");

    /* Past the end of an item: zeros, no error. */
    fill_buf(s);
    g_assert_cmphex(
        fw_cfg_dma(s, ACCESS, FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 8, BUF), ==,
        0);
    h4 = buf_hex(s, 8);
    g_assert_cmpstr(h4, ==, "51 45 4d 55 00 00 00 00");

    /* Continuing a legacy selection: the directory's count and entry. */
    fill_buf(s);
    qtest_outw(s, FW_CFG_PORT_SEL, 0x19);
    g_assert_cmphex(fw_cfg_dma(s, ACCESS, FW_CFG_DMA_READ, 12, BUF), ==, 0);
    h5 = buf_hex(s, 16);
    g_assert_cmpstr(h5, ==, "00 00 00 02 00 00 00 04 00 20 00 00 ee ee ee ee");

    /* Writing a read-only item: error bit, item unchanged. */
    g_assert_cmphex(
        fw_cfg_dma(s, ACCESS, 0x00000000 | FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE,
                   4, BUF),
        ==, FW_CFG_DMA_ERROR);
    h6 = fw_cfg_key_hex(s, 0, 4);
    g_assert_cmpstr(h6, ==, "51 45 4d 55");

    /* A buffer outside RAM fails with the error bit. */
    g_assert_cmphex(fw_cfg_dma(s, ACCESS, FW_CFG_DMA_SELECT | FW_CFG_DMA_READ,
                               4, 0xfff00000),
                    ==, FW_CFG_DMA_ERROR);
    /* No operation bit: nothing moves, control cleared. */
    g_assert_cmphex(fw_cfg_dma(s, ACCESS, FW_CFG_DMA_SELECT, 4, BUF), ==, 0);
    qtest_quit_ok(s);
}

/* The address is big endian: written unswapped, 0x1000 means 0x100000. */
static void test_dma_unswapped(void)
{
    QTestState *s = qtest_init(BASE);
    uint32_t words[4] = {GUINT32_TO_BE(FW_CFG_DMA_SELECT | FW_CFG_DMA_READ),
                         GUINT32_TO_BE(4), 0, GUINT32_TO_BE(BUF)};
    uint32_t c1, c2;
    g_autofree char *got = NULL;

    fill_buf(s);
    fw_cfg_mem_write(s, ACCESS, words, sizeof(words));
    fw_cfg_mem_write(s, 0x100000, words, sizeof(words));
    qtest_outl(s, FW_CFG_PORT_DMA, 0);
    /* Only the low half starts the transfer. */
    fw_cfg_mem_read(s, 0x100000, &c1, 4);
    g_assert_cmphex(GUINT32_FROM_BE(c1), ==, 0xa);
    qtest_outl(s, FW_CFG_PORT_DMA + 4, 0x1000);
    fw_cfg_mem_read(s, 0x100000, &c1, 4);
    fw_cfg_mem_read(s, ACCESS, &c2, 4);
    g_assert_cmphex(GUINT32_FROM_BE(c1), ==, 0);
    g_assert_cmphex(GUINT32_FROM_BE(c2), ==, 0xa);
    got = buf_hex(s, 8);
    g_assert_cmpstr(got, ==, "51 45 4d 55 ee ee ee ee");
    qtest_quit_ok(s);
}

/* system_reset selects key 0 at offset 0 again. */
static void test_reset(void)
{
    QTestState *s = qtest_init(BASE);
    json_t *r;

    qtest_outw(s, FW_CFG_PORT_SEL, 5);
    g_assert_cmpuint(qtest_inb(s, FW_CFG_PORT_DATA), ==, 1);
    r = qtest_qmp_return(s, "{\"execute\": \"system_reset\"}");
    json_decref(r);
    json_decref(qtest_qmp_eventwait(s, "RESET"));
    assert_next(s, "51 45 4d 55");
    qtest_quit_ok(s);
}

/* The old version keeps its hardware: no fw_cfg ports at all. */
static void test_old_machine(void)
{
    QTestState *s = qtest_init("-M pc-i440fx-9.1 -nodefaults");

    g_assert_cmphex(qtest_inb(s, FW_CFG_PORT_SEL), ==, 0xff);
    qtest_outw(s, FW_CFG_PORT_SEL, 0);
    g_assert_cmphex(qtest_inb(s, FW_CFG_PORT_DATA), ==, 0xff);
    g_assert_cmphex(qtest_inl(s, FW_CFG_PORT_DMA), ==, 0xffffffff);
    qtest_quit_ok(s);
}

/* Monitors see it where QEMU's shows up. */
static void test_monitor_views(void)
{
    QTestState *s = qtest_init(BASE);
    json_t *r = qtest_qmp_return(
        s, "{\"execute\": \"human-monitor-command\", \"arguments\": "
           "{\"command-line\": \"info qtree\"}}");
    const char *qtree = json_string_value(r);

    /* HMP text comes with "\r\n" line ends. */
    g_assert_nonnull(strstr(qtree, "  dev: fw_cfg_io, id \"\"\r\n"
                                   "    dma_enabled = true\r\n"
                                   "    x-file-slots = 32 (0x20)\r\n"
                                   "    acpi-mr-restore = true\r\n"));
    json_decref(r);
    r = qtest_qmp_return(s,
                         "{\"execute\": \"human-monitor-command\", "
                         "\"arguments\": {\"command-line\": \"info mtree\"}}");
    g_assert_nonnull(strstr(json_string_value(r),
                            "0000000000000510-0000000000000511 (prio 0, i/o): "
                            "fwcfg\r\n"));
    g_assert_nonnull(strstr(json_string_value(r),
                            "0000000000000514-000000000000051b (prio 0, i/o): "
                            "fwcfg.dma\r\n"));
    json_decref(r);
    r = qtest_qmp_return(s, "{\"execute\": \"qom-list\", \"arguments\": "
                            "{\"path\": \"/machine/fw_cfg\"}}");
    g_assert_true(qtest_json_list_has_name(r, "dma_enabled"));
    json_decref(r);
    r = qtest_qmp_return(s, "{\"execute\": \"qom-list\", \"arguments\": "
                            "{\"path\": \"/machine\"}}");
    g_assert_true(qtest_json_list_has_name(r, "fw_cfg"));
    g_assert_false(qtest_json_list_has_name(r, "device[0]"));
    json_decref(r);
    qtest_quit_ok(s);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"legacy-defaults", test_legacy_defaults},
        {"legacy-options", test_legacy_options},
        {"legacy-smp", test_legacy_smp},
        {"reboot-timeout", test_reboot_timeout_values},
        {"boot-value-errors", test_boot_value_errors},
        {"nographic", test_nographic},
        {"directory", test_directory},
        {"e820", test_e820},
        {"ports", test_ports},
        {"dma-register", test_dma_register},
        {"dma", test_dma},
        {"dma-unswapped", test_dma_unswapped},
        {"reset", test_reset},
        {"old-machine", test_old_machine},
        {"monitor-views", test_monitor_views},
    };

    return qtest_run_cases(&argc, &argv, "fw_cfg", cases, G_N_ELEMENTS(cases));
}
