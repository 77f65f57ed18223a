/*
 * The pc machine's PCI host through the qtest accelerator: the bus 0
 * topology, the i440FX and PIIX3 config defaults against QEMU's dumps
 * (tests/data/pci/), the per-byte write masks, configuration mechanism
 * #1's port edge cases, and BAR sizing, mapping, unmapping and overlap
 * (docs/specs/pci.rst).
 */
#include "libqos-pci.h"

#include <stdlib.h>
#include <string.h>

#define PVPANIC_PCI "1b36:0011"

/* ---- topology ---- */

static void collect(QPCIBus *bus, int devfn, void *opaque)
{
    uint32_t id = qpci_config_readl(bus, devfn, 0);

    g_string_append_printf(opaque, "%02x.%x %04x:%04x\n", devfn >> 3, devfn & 7,
                           id & 0xffff, id >> 16);
}

static char *scan(QTestState *qts)
{
    QPCIBus bus;
    GString *out = g_string_new(NULL);

    qpci_init(&bus, qts);
    qpci_scan(&bus, collect, out);
    return g_string_free(out, false);
}

static void test_topology(void)
{
    QTestState *qts = qtest_init("");
    g_autofree char *got = scan(qts);

    g_assert_cmpstr(got, ==, "00.0 8086:1237\n01.0 8086:7000\n");
    qtest_quit_ok(qts);

    qts = qtest_init("-device pvpanic-pci");
    g_free(got);
    got = scan(qts);
    g_assert_cmpstr(got, ==,
                    "00.0 8086:1237\n01.0 8086:7000\n02.0 " PVPANIC_PCI "\n");
    qtest_quit_ok(qts);

    qts = qtest_init("-device pvpanic-pci,addr=04.0");
    g_free(got);
    got = scan(qts);
    g_assert_cmpstr(got, ==,
                    "00.0 8086:1237\n01.0 8086:7000\n04.0 " PVPANIC_PCI "\n");
    qtest_quit_ok(qts);
}

/* Absent functions and other buses read all ones at every width. */
static void test_absent(void)
{
    QTestState *qts = qtest_init("");

    qtest_outl(qts, 0xcf8, qpci_config_addr(QPCI_DEVFN(2, 0), 0));
    g_assert_cmphex(qtest_inl(qts, 0xcfc), ==, 0xffffffff);
    g_assert_cmphex(qtest_inw(qts, 0xcfe), ==, 0xffff);
    g_assert_cmphex(qtest_inb(qts, 0xcff), ==, 0xff);
    qtest_outl(qts, 0xcf8, 0x80010000); /* bus 1 */
    g_assert_cmphex(qtest_inl(qts, 0xcfc), ==, 0xffffffff);
    qtest_outl(qts, 0xcf8, 0x80ff0000); /* bus 255 */
    g_assert_cmphex(qtest_inl(qts, 0xcfc), ==, 0xffffffff);
    qtest_quit_ok(qts);
}

/* ---- config defaults against QEMU's dumps ---- */

/*
 * Config space of @devfn equals tests/data/pci/@name.config (QEMU's dump
 * format), except the bytes in [@skip_from, @skip_to]: the i440FX PAM
 * registers, whose reset values are the board's (hw/pci-host/pam.h:
 * without -bios Vigil leaves them as firmware would).
 */
static void compare_config(QTestState *qts, int devfn, const char *name,
                           int skip_from, int skip_to)
{
    g_autofree char *path = g_strdup_printf("%s/%s.config", PCI_DATA_DIR, name);
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) lines = NULL;
    uint8_t want[256];
    QPCIBus bus;

    qpci_init(&bus, qts);
    g_assert_true(g_file_get_contents(path, &text, NULL, &err));
    lines = g_strsplit(text, "\n", -1);
    for (int row = 0; row < 16; row++) {
        g_auto(GStrv) cells = g_strsplit(lines[row] + 5, " ", -1);

        g_assert_cmpuint(g_strv_length(cells), ==, 16);
        for (int i = 0; i < 16; i++) {
            want[row * 16 + i] = strtoul(cells[i], NULL, 16);
        }
    }
    for (int off = 0; off < 256; off += 4) {
        uint32_t v = qpci_config_readl(&bus, devfn, off);

        for (int b = 0; b < 4; b++) {
            if (off + b >= skip_from && off + b <= skip_to) {
                continue;
            }
            if (((v >> (8 * b)) & 0xff) != want[off + b]) {
                g_printerr("%s: byte 0x%02x is %02x, QEMU has %02x\n", name,
                           off + b, (v >> (8 * b)) & 0xff, want[off + b]);
            }
            g_assert_cmphex((v >> (8 * b)) & 0xff, ==, want[off + b]);
        }
    }
}

#define NO_SKIP    -1, -1
#define I440FX_PAM 0x59, 0x5f

static void test_config_defaults(void)
{
    QTestState *qts = qtest_init("-device pvpanic-pci");

    compare_config(qts, QPCI_DEVFN(0, 0), "i440fx", I440FX_PAM);
    compare_config(qts, QPCI_DEVFN(1, 0), "piix3", NO_SKIP);
    compare_config(qts, QPCI_DEVFN(2, 0), "pvpanic-pci", NO_SKIP);
    qtest_quit_ok(qts);
}

/* i440FX 0x57 follows the RAM size in 8 MiB units and saturates. */
static void test_drb(void)
{
    static const struct {
        const char *args;
        uint8_t want;
    } cases[] = {{"-m 128", 0x10}, {"-m 256", 0x20}, {"-m 4096", 0xff}};

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QTestState *qts = qtest_init(cases[i].args);
        QPCIBus bus;

        qpci_init(&bus, qts);
        g_assert_cmphex(qpci_config_readb(&bus, 0, 0x57), ==, cases[i].want);
        qtest_quit_ok(qts);
    }
}

/* ---- write masks ---- */

/* The mask QEMU showed for byte @off (reference §3.3). */
static uint8_t want_mask(int devfn, int off)
{
    if (off >= 0x40) {
        return 0xff;
    }
    switch (off) {
    case 0x04:
        return 0x07;
    case 0x05:
        return 0x05;
    case 0x0c:
    case 0x3c:
        return 0xff;
    }
    if (devfn == QPCI_DEVFN(2, 0) && off >= 0x10 && off <= 0x13) {
        return off == 0x10 ? 0xfe : 0xff;
    }
    return 0;
}

static void check_masks(QPCIBus *bus, int devfn)
{
    for (int off = 0; off < 256; off++) {
        uint8_t orig = qpci_config_readb(bus, devfn, off);
        uint8_t set, clear, mask;

        qpci_config_writeb(bus, devfn, off, 0xff);
        set = qpci_config_readb(bus, devfn, off);
        qpci_config_writeb(bus, devfn, off, 0x00);
        clear = qpci_config_readb(bus, devfn, off);
        qpci_config_writeb(bus, devfn, off, orig);
        g_assert_cmphex(qpci_config_readb(bus, devfn, off), ==, orig);
        /* Bits that follow the written value. */
        mask = set & ~clear;
        if (mask != want_mask(devfn, off)) {
            g_printerr("devfn %02x offset 0x%02x: mask %02x, want %02x\n",
                       devfn, off, mask, want_mask(devfn, off));
        }
        g_assert_cmphex(mask, ==, want_mask(devfn, off));
    }
}

static void test_write_masks(void)
{
    QTestState *qts = qtest_init("-device pvpanic-pci");
    QPCIBus bus;

    qpci_init(&bus, qts);
    check_masks(&bus, QPCI_DEVFN(0, 0));
    check_masks(&bus, QPCI_DEVFN(1, 0));
    check_masks(&bus, QPCI_DEVFN(2, 0));
    /* Command takes only 0x0507; status ignores ones written to it. */
    qpci_config_writew(&bus, QPCI_DEVFN(1, 0), 0x04, 0xffff);
    g_assert_cmphex(qpci_config_readw(&bus, QPCI_DEVFN(1, 0), 0x04), ==,
                    0x0507);
    qpci_config_writew(&bus, QPCI_DEVFN(1, 0), 0x06, 0xffff);
    g_assert_cmphex(qpci_config_readw(&bus, QPCI_DEVFN(1, 0), 0x06), ==,
                    0x0200);
    /* Everything is back as it was. */
    qpci_config_writew(&bus, QPCI_DEVFN(1, 0), 0x04, 0);
    compare_config(qts, QPCI_DEVFN(0, 0), "i440fx", I440FX_PAM);
    compare_config(qts, QPCI_DEVFN(1, 0), "piix3", NO_SKIP);
    compare_config(qts, QPCI_DEVFN(2, 0), "pvpanic-pci", NO_SKIP);
    qtest_quit_ok(qts);
}

/* ---- configuration mechanism #1 ---- */

static void test_conf1_ports(void)
{
    QTestState *qts = qtest_init("");

    /* 0xcf8 keeps all 32 bits; narrower accesses read 0, writes drop. */
    qtest_outl(qts, 0xcf8, 0x80001234);
    g_assert_cmphex(qtest_inl(qts, 0xcf8), ==, 0x80001234);
    qtest_outl(qts, 0xcf8, 0x7fffffff);
    g_assert_cmphex(qtest_inl(qts, 0xcf8), ==, 0x7fffffff);
    g_assert_cmphex(qtest_inw(qts, 0xcf8), ==, 0);
    g_assert_cmphex(qtest_inb(qts, 0xcf8), ==, 0);
    qtest_outb(qts, 0xcf8, 0x00);
    qtest_outw(qts, 0xcf8, 0x0000);
    g_assert_cmphex(qtest_inl(qts, 0xcf8), ==, 0x7fffffff);
    /* Enable bit clear: all ones. */
    qtest_outl(qts, 0xcf8, 0);
    g_assert_cmphex(qtest_inl(qts, 0xcfc), ==, 0xffffffff);
    /* Bits 27:24 are ignored. */
    qtest_outl(qts, 0xcf8, 0x81000000);
    g_assert_cmphex(qtest_inl(qts, 0xcfc), ==, 0x12378086);
    qtest_outl(qts, 0xcf8, 0x8f000000);
    g_assert_cmphex(qtest_inl(qts, 0xcfc), ==, 0x12378086);
    /* The low two bits of 0xcf8 reach the register offset. */
    qtest_outl(qts, 0xcf8, 0x80000002);
    g_assert_cmphex(qtest_inl(qts, 0xcfc), ==, 0x00001237);
    /* Byte and word lanes; a misaligned word reads 0. */
    qtest_outl(qts, 0xcf8, 0x80000000);
    g_assert_cmphex(qtest_inb(qts, 0xcfc), ==, 0x86);
    g_assert_cmphex(qtest_inb(qts, 0xcfd), ==, 0x80);
    g_assert_cmphex(qtest_inb(qts, 0xcfe), ==, 0x37);
    g_assert_cmphex(qtest_inb(qts, 0xcff), ==, 0x12);
    g_assert_cmphex(qtest_inw(qts, 0xcfc), ==, 0x8086);
    g_assert_cmphex(qtest_inw(qts, 0xcfe), ==, 0x1237);
    g_assert_cmphex(qtest_inw(qts, 0xcfd), ==, 0);
    /* 0xcf9 stays the board's reset control byte. */
    g_assert_cmphex(qtest_inb(qts, 0xcf9), ==, 0);
    qtest_outb(qts, 0xcf9, 0x02);
    g_assert_cmphex(qtest_inb(qts, 0xcf9), ==, 0x02);
    g_assert_cmphex(qtest_inl(qts, 0xcf8), ==, 0x80000000);
    qtest_quit_ok(qts);
}

/* ---- BARs ---- */

static void test_bar_sizing(void)
{
    QTestState *qts = qtest_init("-device pvpanic-pci");
    QPCIBus bus;
    int devfn;
    bool io;

    qpci_init(&bus, qts);
    devfn = qpci_find_device(&bus, 0x1b36, 0x0011);
    g_assert_cmpint(devfn, ==, QPCI_DEVFN(2, 0));
    qpci_config_writel(&bus, devfn, 0x10, 0xffffffff);
    g_assert_cmphex(qpci_config_readl(&bus, devfn, 0x10), ==, 0xfffffffe);
    qpci_config_writel(&bus, devfn, 0x10, 0);
    g_assert_cmpuint(qpci_bar_size(&bus, devfn, 0, &io), ==, 2);
    g_assert_false(io);
    /* Unimplemented BARs and the ROM BAR read 0 whatever is written. */
    for (int off = 0x14; off <= 0x30; off += 4) {
        if (off > 0x24 && off < 0x30) {
            continue;
        }
        qpci_config_writel(&bus, devfn, off, 0xffffffff);
        g_assert_cmphex(qpci_config_readl(&bus, devfn, off), ==, 0);
    }
    qtest_quit_ok(qts);
}

static void test_bar_mapping(void)
{
    QTestState *qts = qtest_init("-device pvpanic-pci");
    QPCIBus bus;
    int devfn;

    qpci_init(&bus, qts);
    devfn = qpci_find_device(&bus, 0x1b36, 0x0011);
    /* Not decoding: unassigned memory reads 0. */
    qpci_config_writel(&bus, devfn, 0x10, 0xe0000000);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 0);
    qpci_enable_memory(&bus, devfn);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 7);
    /* Any even address: bit 0 is the read-only type bit. */
    qpci_config_writel(&bus, devfn, 0x10, 0xe0000003);
    g_assert_cmphex(qpci_config_readl(&bus, devfn, 0x10), ==, 0xe0000002);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 0);
    g_assert_cmphex(qtest_readb(qts, 0xe0000002), ==, 7);
    g_assert_cmphex(qtest_readb(qts, 0xe0000003), ==, 7);
    g_assert_cmphex(qtest_readb(qts, 0xe0000004), ==, 0);
    /* Sizing while decoding maps nothing at the top of 4 GiB. */
    qpci_config_writel(&bus, devfn, 0x10, 0xffffffff);
    g_assert_cmphex(qtest_readb(qts, 0xfffffffe), ==, 0);
    g_assert_cmphex(qtest_readb(qts, 0xe0000002), ==, 0);
    /* Moved: the old address is free again. */
    qpci_config_writel(&bus, devfn, 0x10, 0xe0001000);
    g_assert_cmphex(qtest_readb(qts, 0xe0001000), ==, 7);
    /* Decoding off: unmapped. */
    qpci_config_writew(&bus, devfn, 0x04, 0);
    g_assert_cmphex(qtest_readb(qts, 0xe0001000), ==, 0);
    /* system_reset: BAR and command back to 0, nothing mapped. */
    qpci_enable_memory(&bus, devfn);
    g_assert_cmphex(qtest_readb(qts, 0xe0001000), ==, 7);
    json_decref(qtest_qmp_return(qts, "{'execute': 'system_reset'}"));
    json_decref(qtest_qmp_eventwait(qts, "RESET"));
    g_assert_cmphex(qpci_config_readl(&bus, devfn, 0x10), ==, 0);
    g_assert_cmphex(qpci_config_readw(&bus, devfn, 0x04), ==, 0);
    g_assert_cmphex(qtest_readb(qts, 0xe0001000), ==, 0);
    qtest_quit_ok(qts);
}

/*
 * Two BARs at one address: the one mapped last answers; unmapping it
 * reveals the other (QEMU's overlapping BARs).
 */
static void test_bar_overlap(void)
{
    QTestState *qts = qtest_init("-device pvpanic-pci,events=1,addr=03.0 "
                                 "-device pvpanic-pci,events=4,addr=05.0");
    QPCIBus bus;
    int a = QPCI_DEVFN(3, 0), b = QPCI_DEVFN(5, 0);

    qpci_init(&bus, qts);
    qpci_config_writel(&bus, a, 0x10, 0xe0000000);
    qpci_config_writel(&bus, b, 0x10, 0xe0000000);
    qpci_enable_memory(&bus, a);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 1);
    qpci_enable_memory(&bus, b);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 4);
    qpci_config_writew(&bus, b, 0x04, 0);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 1);
    qpci_enable_memory(&bus, b);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 4);
    /* Moving the upper one half away: each shows where it is alone. */
    qpci_config_writel(&bus, a, 0x10, 0xe0000000);
    qpci_config_writel(&bus, b, 0x10, 0xe0000010);
    g_assert_cmphex(qtest_readb(qts, 0xe0000000), ==, 1);
    g_assert_cmphex(qtest_readb(qts, 0xe0000010), ==, 4);
    qtest_quit_ok(qts);
}

/* RAM below the PCI hole stays RAM: a BAR placed over it does not hide
 * it (in QEMU the PCI space sits below RAM). */
static void test_bar_over_ram(void)
{
    QTestState *qts = qtest_init("-device pvpanic-pci");
    QPCIBus bus;
    int devfn = QPCI_DEVFN(2, 0);

    qpci_init(&bus, qts);
    qtest_writeb(qts, 0x1000, 0x5a);
    qpci_config_writel(&bus, devfn, 0x10, 0x1000);
    qpci_enable_memory(&bus, devfn);
    g_assert_cmphex(qtest_readb(qts, 0x1000), ==, 0x5a);
    qtest_quit_ok(qts);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"topology", test_topology},
        {"absent", test_absent},
        {"config-defaults", test_config_defaults},
        {"drb", test_drb},
        {"write-masks", test_write_masks},
        {"conf1-ports", test_conf1_ports},
        {"bar-sizing", test_bar_sizing},
        {"bar-mapping", test_bar_mapping},
        {"bar-overlap", test_bar_overlap},
        {"bar-over-ram", test_bar_over_ram},
    };

    return qtest_run_cases(&argc, &argv, "pci", cases, G_N_ELEMENTS(cases));
}
