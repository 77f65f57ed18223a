/*
 * PAM and SMRAM of the i440FX as QEMU's pc shows them
 * (/work/shared/reference/qemu-pc-pci.md 3.4/3.5, observed on QEMU
 * 10.2.50): the registers are driven through configuration mechanism #1,
 * memory is read and written with qtest commands, and every step of the
 * observed sequence must give the same bytes.  The firmware is a 256 KiB
 * image holding the 48 bytes the reference shows at 0xE0000, 0xF0000 and
 * 0xFFFF0 (SeaBIOS's there), zeros elsewhere.
 */
#include <string.h>
#include <unistd.h>

#include "libqtest.h"

#define CONF_ADDR 0xcf8
#define CONF_DATA 0xcfc
#define PAM0      0x59
#define SMRAM     0x72

#define BIOS_SIZE (256 * 1024)

static const uint8_t bios_e0000[16] = {0x24, 0x28, 0x0b, 0x54, 0x24, 0x04,
                                       0x8b, 0x7c, 0x24, 0x24, 0xc1, 0xe7,
                                       0x08, 0x09, 0xfa, 0x83};
static const uint8_t bios_f0000[16] = {0x06, 0x02, 0x00, 0x00, 0x80, 0x7c,
                                       0x24, 0x46, 0x55, 0x0f, 0x85, 0x02,
                                       0x02, 0x00, 0x00, 0x80};
static const uint8_t bios_ffff0[16] = {0xea, 0x5b, 0xe0, 0x00, 0xf0, 0x30,
                                       0x36, 0x2f, 0x32, 0x33, 0x2f, 0x39,
                                       0x39, 0x00, 0xfc, 0x00};

static char *bios_path;

static void bios_create(void)
{
    static uint8_t img[BIOS_SIZE];
    g_autoptr(GError) err = NULL;
    int fd = g_file_open_tmp("pam-test-bios-XXXXXX", &bios_path, &err);

    g_assert_no_error(err);
    close(fd);
    /* The last 128 KiB appear at 0xE0000: image offset 0x20000. */
    memcpy(img + 0x20000, bios_e0000, 16);
    memcpy(img + 0x30000, bios_f0000, 16);
    memcpy(img + 0x3fff0, bios_ffff0, 16);
    g_assert_true(
        g_file_set_contents(bios_path, (const char *)img, BIOS_SIZE, &err));
}

static QTestState *start(const char *machine, bool with_bios)
{
    g_autofree char *args =
        g_strdup_printf("-M %s -nodefaults%s%s", machine,
                        with_bios ? " -bios " : "", with_bios ? bios_path : "");

    return qtest_init(args);
}

/* i440FX (00.0) config byte @reg through mechanism #1. */
static void host_writeb(QTestState *s, uint8_t reg, uint8_t v)
{
    qtest_outl(s, CONF_ADDR, 0x80000000u | (reg & 0xfc));
    qtest_outb(s, CONF_DATA + (reg & 3), v);
}

static uint8_t host_readb(QTestState *s, uint8_t reg)
{
    qtest_outl(s, CONF_ADDR, 0x80000000u | (reg & 0xfc));
    return qtest_inb(s, CONF_DATA + (reg & 3));
}

/* 16 bytes at @addr as "xx xx ..." (qtest "read" answers OK 0x<hex>). */
static char *mem16(QTestState *s, uint64_t addr)
{
    g_autofree char *r =
        qtest_cmd(s, "read 0x%" G_GINT64_MODIFIER "x 16", (guint64)addr);
    GString *out = g_string_new(NULL);

    g_assert_true(g_str_has_prefix(r, "OK 0x"));
    g_assert_cmpuint(strlen(r), ==, 5 + 32);
    for (int i = 0; i < 16; i++) {
        g_string_append_printf(out, "%s%.2s", i ? " " : "", r + 5 + 2 * i);
    }
    return g_string_free(out, false);
}

static char *hex16(const uint8_t *b)
{
    GString *out = g_string_new(NULL);

    for (int i = 0; i < 16; i++) {
        g_string_append_printf(out, "%s%02x", i ? " " : "", b[i]);
    }
    return g_string_free(out, false);
}

#define ZERO16 "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
#define BIOS_E "24 28 0b 54 24 04 8b 7c 24 24 c1 e7 08 09 fa 83"
#define BIOS_F "06 02 00 00 80 7c 24 46 55 0f 85 02 02 00 00 80"
#define BIOS_V "ea 5b e0 00 f0 30 36 2f 32 33 2f 39 39 00 fc 00"
#define RAM(b) b " c0 b0 a0 00 00 00 00 00 00 00 00 00 00 00 00"

/* One row of the reference's observed sequence. */
typedef struct Step {
    const char *what;
    uint8_t pam59, pam5a; /* written first (0xff: leave) */
    uint32_t writel;      /* then written to 0xC0000 and 0xF0000, if != 0 */
    const char *c0000, *c4000, *e0000, *f0000, *ffff0;
} Step;

static const Step steps[] = {
    {"start, PAM all 0", 0xff, 0xff, 0, ZERO16, ZERO16, BIOS_E, BIOS_F, BIOS_V},
    {"writel 0x11223344 with PAM 0", 0xff, 0xff, 0x11223344, ZERO16, ZERO16,
     BIOS_E, BIOS_F, BIOS_V},
    {"PAM 1 (read-only RAM)", 0x10, 0x01, 0, ZERO16, ZERO16, BIOS_E, ZERO16,
     ZERO16},
    {"writel 0xa0b0c0d1, PAM 1", 0xff, 0xff, 0xa0b0c0d1, RAM("d1"), ZERO16,
     BIOS_E, RAM("d1"), ZERO16},
    {"PAM 2 (write-only RAM)", 0x20, 0x02, 0, RAM("d1"), ZERO16, BIOS_E,
     RAM("d1"), ZERO16},
    {"writel 0xa0b0c0d2, PAM 2", 0xff, 0xff, 0xa0b0c0d2, RAM("d2"), ZERO16,
     BIOS_E, RAM("d2"), ZERO16},
    {"PAM 3 (RAM)", 0x30, 0x03, 0, RAM("d2"), ZERO16, BIOS_E, RAM("d2"),
     ZERO16},
    {"writel 0xa0b0c0d3, PAM 3", 0xff, 0xff, 0xa0b0c0d3, RAM("d3"), ZERO16,
     BIOS_E, RAM("d3"), ZERO16},
    {"PAM 1 again: RAM kept", 0x10, 0x01, 0, RAM("d3"), ZERO16, BIOS_E,
     RAM("d3"), ZERO16},
    {"PAM 0 again: ROM back", 0x00, 0x00, 0, ZERO16, ZERO16, BIOS_E, BIOS_F,
     BIOS_V},
};

static void check_mem(QTestState *s, uint64_t addr, const char *want,
                      const char *step)
{
    g_autofree char *got = mem16(s, addr);

    if (strcmp(got, want) != 0) {
        g_printerr("step '%s', 0x%" G_GINT64_MODIFIER "x:\n  got  %s\n"
                   "  want %s\n",
                   step, (guint64)addr, got, want);
    }
    g_assert_cmpstr(got, ==, want);
}

static void test_sequence(void)
{
    QTestState *s = start("pc", true);
    g_autofree char *e = hex16(bios_e0000);

    g_assert_cmpstr(e, ==, BIOS_E); /* the image is what the table says */
    for (unsigned r = 0; r < 7; r++) {
        g_assert_cmphex(host_readb(s, PAM0 + r), ==, 0);
    }
    g_assert_cmphex(host_readb(s, SMRAM), ==, 0x02);
    /* The high mirror at 4 GiB - 64 KiB holds the same bytes. */
    check_mem(s, 0xffff0000, BIOS_F, "high mirror");
    check_mem(s, 0xfffffff0, BIOS_V, "high mirror");
    check_mem(s, 0xfffe0000, BIOS_E, "high mirror");
    for (unsigned i = 0; i < G_N_ELEMENTS(steps); i++) {
        const Step *st = &steps[i];

        if (st->pam59 != 0xff) {
            host_writeb(s, 0x59, st->pam59);
            host_writeb(s, 0x5a, st->pam5a);
            g_assert_cmphex(host_readb(s, 0x59), ==, st->pam59);
            g_assert_cmphex(host_readb(s, 0x5a), ==, st->pam5a);
        }
        if (st->writel) {
            qtest_writel(s, 0xf0000, st->writel);
            qtest_writel(s, 0xc0000, st->writel);
        }
        check_mem(s, 0xc0000, st->c0000, st->what);
        check_mem(s, 0xc4000, st->c4000, st->what);
        check_mem(s, 0xe0000, st->e0000, st->what);
        check_mem(s, 0xf0000, st->f0000, st->what);
        check_mem(s, 0xffff0, st->ffff0, st->what);
    }
    /* The high mirror never changes. */
    check_mem(s, 0xffff0000, BIOS_F, "high mirror after");
    /* 0x59's low nibble is reserved: it reads back, changes nothing. */
    host_writeb(s, 0x59, 0x0f);
    g_assert_cmphex(host_readb(s, 0x59), ==, 0x0f);
    check_mem(s, 0xf0000, BIOS_F, "0x59 = 0x0f");
    qtest_quit_ok(s);
}

/* What the ROM side holds at @addr (the image above, zeros elsewhere). */
static uint32_t rom_readl(uint64_t addr)
{
    return addr == 0xe0000 ? 0x540b2824 : addr == 0xf0000 ? 0x00000206 : 0;
}

/* Each nibble switches exactly its 16 KiB (64 KiB for 0x59's high one). */
static void test_nibble_map(void)
{
    QTestState *s = start("pc", true);

    for (unsigned seg = 0; seg < 13; seg++) {
        uint8_t reg = seg < 12 ? 0x5a + seg / 2 : 0x59;
        uint8_t val = seg < 12 ? (seg % 2 ? 0x30 : 0x03) : 0x30;
        uint64_t base = 0xc0000 + seg * 0x4000;
        uint64_t size = seg < 12 ? 0x4000 : 0x10000;
        uint32_t v = 0x5a000000 | seg;

        host_writeb(s, reg, val);
        /* RAM from its first to its last byte ... */
        qtest_writel(s, base, v);
        qtest_writel(s, base + size - 4, v);
        g_assert_cmphex(qtest_readl(s, base), ==, v);
        g_assert_cmphex(qtest_readl(s, base + size - 4), ==, v);
        /* ... and not a byte beyond: the neighbours still show ROM. */
        if (base > 0xc0000) {
            qtest_writel(s, base - 4, v);
            g_assert_cmphex(qtest_readl(s, base - 4), ==, rom_readl(base - 4));
        }
        if (base + size < 0x100000) {
            qtest_writel(s, base + size, v);
            g_assert_cmphex(qtest_readl(s, base + size), ==,
                            rom_readl(base + size));
        }
        /* ROM again; the RAM underneath keeps the value for mode 1. */
        host_writeb(s, reg, 0);
        g_assert_cmphex(qtest_readl(s, base), ==, rom_readl(base));
        host_writeb(s, reg, val & 0x11);
        g_assert_cmphex(qtest_readl(s, base), ==, v);
        host_writeb(s, reg, 0);
    }
    qtest_quit_ok(s);
}

/* The reference's last experiment: RAM survives a period at PAM 0. */
static void test_ram_kept(void)
{
    QTestState *s = start("pc", true);

    host_writeb(s, 0x59, 0x30);
    qtest_writel(s, 0xf0000, 0x5a5a1234);
    host_writeb(s, 0x59, 0x00);
    check_mem(s, 0xf0000, BIOS_F, "0x59 = 0");
    qtest_writel(s, 0xf0000, 0x77777777);
    check_mem(s, 0xf0000, BIOS_F, "write dropped");
    /* memset and b64read/b64write take the same route. */
    g_free(qtest_cmd(s, "memset 0xf0000 4 0x77"));
    g_free(qtest_cmd(s, "b64write 0xf0004 4 d3d3d3d3"));
    {
        g_autofree char *b64 = g_base64_encode(bios_f0000, 16);
        g_autofree char *want = g_strdup_printf("OK %s", b64);
        g_autofree char *got = qtest_cmd(s, "b64read 0xf0000 16");

        g_assert_cmpstr(got, ==, want);
    }
    host_writeb(s, 0x59, 0x10);
    g_assert_cmphex(qtest_readl(s, 0xf0000), ==, 0x5a5a1234);
    qtest_quit_ok(s);
}

/* 3.5: every SMRAM bit writable, no lock, 0xA0000 RAM whatever it says. */
static void test_smram(void)
{
    static const uint8_t vals[] = {0x4a, 0x0a, 0x42, 0x02, 0xff,
                                   0x00, 0x1a, 0x4a, 0x02};
    QTestState *s = start("pc", true);

    g_assert_cmphex(host_readb(s, SMRAM), ==, 0x02);
    qtest_writel(s, 0xa0000, 0x55667788);
    for (unsigned i = 0; i < G_N_ELEMENTS(vals); i++) {
        host_writeb(s, SMRAM, vals[i]);
        g_assert_cmphex(host_readb(s, SMRAM), ==, vals[i]);
        g_assert_cmphex(qtest_readl(s, 0xa0000), ==, 0x55667788);
        g_assert_cmphex(qtest_readl(s, 0xb8000), ==, 0);
    }
    qtest_writel(s, 0xa0000, 0x99aabbcc);
    g_assert_cmphex(qtest_readl(s, 0xa0000), ==, 0x99aabbcc);
    qtest_quit_ok(s);
}

/* system_reset puts PAM back to 0: the BIOS shows again, RAM is kept. */
static void test_reset(void)
{
    QTestState *s = start("pc", true);
    json_t *r;

    host_writeb(s, 0x59, 0x30);
    qtest_writel(s, 0xf0000, 0x12345678);
    r = qtest_qmp(s, "{'execute': 'system_reset'}");
    json_decref(r);
    g_assert_cmphex(host_readb(s, 0x59), ==, 0);
    check_mem(s, 0xf0000, BIOS_F, "after system_reset");
    host_writeb(s, 0x59, 0x30);
    g_assert_cmphex(qtest_readl(s, 0xf0000), ==, 0x12345678);
    qtest_quit_ok(s);
}

/*
 * Direct boot (no -bios): firmware's values, all RAM, so the ACPI tables
 * Vigil writes at 0xE0000 are there and low RAM is writable.
 */
static void test_direct_boot_values(void)
{
    QTestState *s = start("pc", false);
    g_autofree char *rsdp = NULL;

    if (qtest_is_qemu72()) {
        qtest_quit_ok(s); /* QEMU always runs firmware */
        return;
    }
    g_assert_cmphex(host_readb(s, 0x59), ==, 0x30);
    for (unsigned r = 1; r < 7; r++) {
        g_assert_cmphex(host_readb(s, PAM0 + r), ==, 0x33);
    }
    g_assert_cmphex(host_readb(s, SMRAM), ==, 0x02);
    rsdp = qtest_cmd(s, "read 0xe0000 8");
    g_assert_cmpstr(rsdp, ==, "OK 0x5253442050545220"); /* "RSD PTR " */
    qtest_writel(s, 0xf0000, 0x600dcafe);
    g_assert_cmphex(qtest_readl(s, 0xf0000), ==, 0x600dcafe);
    qtest_quit_ok(s);
}

/* pc-i440fx-9.1 has no PAM: the BIOS copy in RAM stays writable. */
static void test_9_1_unchanged(void)
{
    QTestState *s;

    if (qtest_is_qemu72()) {
        return;
    }
    s = start("pc-i440fx-9.1", true);
    check_mem(s, 0xf0000, BIOS_F, "9.1 BIOS copy");
    qtest_writel(s, 0xf0000, 0xa0b0c0d1);
    check_mem(s, 0xf0000, "d1 c0 b0 a0 80 7c 24 46 55 0f 85 02 02 00 00 80",
              "9.1 writable copy");
    g_assert_cmphex(qtest_inl(s, CONF_DATA), ==, 0xffffffff);
    qtest_quit_ok(s);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"sequence", test_sequence},
        {"nibble-map", test_nibble_map},
        {"ram-kept", test_ram_kept},
        {"smram", test_smram},
        {"reset", test_reset},
        {"direct-boot-values", test_direct_boot_values},
        {"9.1-unchanged", test_9_1_unchanged},
    };
    int ret;

    bios_create();
    ret = qtest_run_cases(&argc, &argv, "pam", cases, G_N_ELEMENTS(cases));
    unlink(bios_path);
    g_free(bios_path);
    return ret;
}
