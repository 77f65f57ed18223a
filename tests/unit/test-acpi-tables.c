/*
 * The pc machine's ACPI tables: the guest-ABI promise, per machine
 * version.
 *
 * Each case creates the machine version its command line names (RAM,
 * -smp, the board devices), adds the -device options, takes the ACPI
 * configuration from the machine exactly as pc-boot.c does
 * (pc_acpi_config) and builds the tables.  Every table is compared byte
 * for byte with tests/data/acpi/<dir>/<SIG>[.<variant>], where <dir> is
 * "pc" for pc-i440fx-9.1 (its files predate versions and never change)
 * and the version name for later ones.  A difference means the guest
 * would see different hardware for the same command line.  If the change
 * is deliberate (and only for a version not yet released), regenerate
 * with
 *   VIGIL_REBUILD_ACPI_GOLDEN=1 build/tests/unit/test-acpi-tables
 * and commit the new files together with the change that explains them.
 */
#include <string.h>

#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "hw/acpi/pm.h"
#include "hw/catalog.h"
#include "hw/core/qdev.h"
#include "hw/i386/pc.h"
#include "hw/isa/isa.h"
#include "system/memory.h"

#define MIB       (UINT64_C(1) << 20)
#define COM1_PORT 0x3f8

typedef struct AcpiCase {
    const char *machine;  /* -M */
    const char *dir;      /* golden directory under tests/data/acpi */
    const char *variant;  /* file suffix; NULL = default */
    uint64_t ram;         /* -m (0: the machine's default) */
    unsigned smp;         /* -smp */
    bool serial;          /* -serial: the board's COM1 */
    const char *ioport;   /* -device pvpanic[,ioport=X]; NULL = none */
    const char *pci_addr; /* -device pvpanic-pci[,addr=X]; "" = no addr */
} AcpiCase;

#define V91 "pc-i440fx-9.1", "pc"
#define V92 "pc-i440fx-9.2", "pc-i440fx-9.2"

static const AcpiCase cases[] = {
    /* -M pc-i440fx-9.1 -nodefaults ... */
    {V91, NULL, 0, 1, false, NULL},
    {V91, "pvpanic", 0, 1, false, "0x505"},
    {V91, "pvpanic-ioport-0x540", 0, 1, false, "0x540"},
    {V91, "serial-pvpanic", 0, 1, true, "0x505"},
    {V91, "smp2", 0, 2, false, NULL},
    /* -M pc-i440fx-9.2 (pc) -nodefaults ... */
    {V92, NULL, 0, 1, false, NULL},
    {V92, "pvpanic", 0, 1, false, "0x505"},
    {V92, "serial-pvpanic", 0, 1, true, "0x505"},
    {V92, "smp2", 0, 2, false, NULL},
    {V92, "m256", 256 * MIB, 1, false, NULL},
    /* -m 5G: RAM above 4 GiB moves the 64-bit window */
    {V92, "m5g", 5120 * MIB, 1, false, NULL},
    /* -device pvpanic-pci: a bare slot node S10 (02.0), as QEMU */
    {V92, "pvpanic-pci", 0, 1, false, NULL, ""},
    {V92, "pvpanic-pci-addr4", 0, 1, false, NULL, "04.0"},
};

typedef struct Built {
    MachineState *ms;
    MemoryRegion com1; /* stands for the UART -serial creates */
    AcpiBuildConfig cfg;
    AcpiBuildResult r;
} Built;

static uint64_t com1_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0;
}

static void com1_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
}

static const MemoryRegionOps com1_ops = {
    .read = com1_read, .write = com1_write, .impl_min = 1, .impl_max = 1};

static void build_case(const AcpiCase *c, Built *b)
{
    const MachineClass *mc = machine_find_type(c->machine);
    g_autoptr(GError) err = NULL;

    g_assert_nonnull(mc);
    memset(b, 0, sizeof(*b));
    b->ms = machine_create(mc, c->ram ? c->ram : mc->default_ram_size, c->smp,
                           &err);
    g_assert_no_error(err);
    if (c->serial) {
        memory_region_init_io(&b->com1, &com1_ops, NULL, "serial", 8);
        g_assert_true(
            address_space_map(b->ms->io, &b->com1, COM1_PORT, "serial", &err));
    }
    if (c->ioport) {
        DeviceState *dev = qdev_new(qdev_find_type("pvpanic"));

        g_assert_true(qdev_set_prop_text(dev, "ioport", c->ioport, &err));
        g_assert_true(qdev_realize(dev, b->ms->isa_bus, &err));
        g_assert_no_error(err);
    }
    if (c->pci_addr) {
        DeviceState *dev = qdev_new(qdev_find_type("pvpanic-pci"));

        g_assert_true(!*c->pci_addr ||
                      qdev_set_prop_text(dev, "addr", c->pci_addr, &err));
        g_assert_true(qdev_realize(dev, b->ms->pci_bus, &err));
        g_assert_no_error(err);
    }
    pc_acpi_config(b->ms, &b->cfg);
    g_assert_true(acpi_build_tables(&b->cfg, ACPI_TABLES_BASE, &b->r, &err));
    g_assert_no_error(err);
}

static void free_case(Built *b)
{
    acpi_build_result_free(&b->r);
    if (b->com1.mapped) {
        address_space_unmap(b->ms->io, &b->com1);
    }
    machine_destroy(b->ms);
}

static char *golden_path(const AcpiCase *c, const char *sig)
{
    return g_strdup_printf("%s/%s/%s%s%s", ACPI_GOLDEN_DIR, c->dir, sig,
                           c->variant ? "." : "", c->variant ? c->variant : "");
}

static void print_hint(const char *path)
{
    g_printerr("\n%s differs from what Vigil builds now.\n"
               "The ACPI tables are guest ABI: the same command line must "
               "give the same bytes.\nIf the change is deliberate, "
               "regenerate with\n  VIGIL_REBUILD_ACPI_GOLDEN=1 "
               "tests/unit/test-acpi-tables\nand commit the files with "
               "the change.  To see the difference:\n"
               "  iasl -d <file>   (old and new) and diff the .dsl files\n",
               path);
}

static void test_golden(gconstpointer data)
{
    const AcpiCase *c = data;
    bool rebuild = g_getenv("VIGIL_REBUILD_ACPI_GOLDEN") != NULL;
    Built b;

    build_case(c, &b);
    for (unsigned i = 0; i < b.r.n_tables; i++) {
        const AcpiTableInfo *t = &b.r.tables[i];
        const uint8_t *bytes = b.r.blob->data + t->offset;
        g_autofree char *path = golden_path(c, t->sig);
        g_autofree gchar *want = NULL;
        g_autoptr(GError) err = NULL;
        gsize want_len = 0;

        if (rebuild) {
            g_assert_true(
                g_file_set_contents(path, (const char *)bytes, t->len, &err));
            continue;
        }
        if (!g_file_get_contents(path, &want, &want_len, &err) ||
            want_len != t->len || memcmp(want, bytes, t->len) != 0) {
            print_hint(path);
            g_test_fail();
        }
    }
    free_case(&b);
}

static void test_checksums(gconstpointer data)
{
    const AcpiCase *c = data;
    Built b;

    build_case(c, &b);
    for (unsigned i = 0; i < b.r.n_tables; i++) {
        const AcpiTableInfo *t = &b.r.tables[i];
        const uint8_t *p = b.r.blob->data + t->offset;

        if (strcmp(t->sig, "FACS") == 0) {
            continue; /* no checksum */
        }
        if (strcmp(t->sig, "RSDP") == 0) {
            g_assert_cmpint(acpi_checksum(p, 20), ==, 0);
            g_assert_cmpint(acpi_checksum(p, 36), ==, 0);
            g_assert_cmpint(b.r.base + t->offset, ==, b.r.rsdp_addr);
            g_assert_cmpint(b.r.rsdp_addr % 16, ==, 0);
            continue;
        }
        g_assert_cmpmem(p, 4, t->sig, 4);
        g_assert_cmpint(p[4] | p[5] << 8 | p[6] << 16, ==, t->len);
        g_assert_cmpint(acpi_checksum(p, t->len), ==, 0);
    }
    free_case(&b);
}

/* The DSDT mentions QEMU0001 and the port exactly when pvpanic exists. */
static void test_pvpanic_node(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        Built b;
        const AcpiTableInfo *t;
        const uint8_t *p;
        bool found = false;

        build_case(&cases[i], &b);
        t = acpi_build_find(&b.r, "DSDT");
        p = b.r.blob->data + t->offset;
        for (unsigned j = 0; j + 8 <= t->len; j++) {
            found |= memcmp(p + j, "QEMU0001", 8) == 0;
        }
        g_assert_cmpint(found, ==, cases[i].ioport != NULL);
        free_case(&b);
    }
}

/*
 * What each version's DSDT must (not) contain, whatever else changes:
 * 9.1 has no PCI host, 9.2 has PNP0A03 and FWCF (QEMU0002).
 */
static void test_version_nodes(void)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        bool pci = strcmp(cases[i].machine, "pc-i440fx-9.1") != 0;
        /* PNP0A03 as an EisaId: 0x41d00a03 big-endian in the AML */
        static const uint8_t pnp0a03[] = {0x41, 0xd0, 0x0a, 0x03};
        Built b;
        const AcpiTableInfo *t;
        const uint8_t *p;
        bool has_pci = false, has_fwcf = false;

        build_case(&cases[i], &b);
        g_assert_cmpint(b.cfg.pci, ==, pci);
        g_assert_cmpint(b.cfg.fw_cfg, ==, pci);
        t = acpi_build_find(&b.r, "DSDT");
        p = b.r.blob->data + t->offset;
        for (unsigned j = 0; j + 8 <= t->len; j++) {
            has_pci |= memcmp(p + j, pnp0a03, 4) == 0;
            has_fwcf |= memcmp(p + j, "QEMU0002", 8) == 0;
        }
        g_assert_cmpint(has_pci, ==, pci);
        g_assert_cmpint(has_fwcf, ==, pci);
        free_case(&b);
    }
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *v = cases[i].variant ? cases[i].variant : "default";
        g_autofree char *golden =
            g_strdup_printf("/acpi/golden/%s/%s", cases[i].machine, v);
        g_autofree char *sums =
            g_strdup_printf("/acpi/checksums/%s/%s", cases[i].machine, v);

        g_test_add_data_func(golden, &cases[i], test_golden);
        g_test_add_data_func(sums, &cases[i], test_checksums);
    }
    g_test_add_func("/acpi/pvpanic-node", test_pvpanic_node);
    g_test_add_func("/acpi/version-nodes", test_version_nodes);
    return g_test_run();
}
