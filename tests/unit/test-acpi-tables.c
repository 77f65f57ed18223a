/*
 * The pc machine's ACPI tables: the guest-ABI promise.
 *
 * Each configuration below is built in-process, exactly as pc-boot.c
 * builds it for the command line named in the comment, and every table
 * is compared byte for byte with tests/data/acpi/pc/<SIG>[.<variant>].
 * A difference means the guest would see different hardware for the
 * same command line.  If the change is deliberate, regenerate with
 *   VIGIL_REBUILD_ACPI_GOLDEN=1 build/tests/unit/test-acpi-tables
 * and commit the new files together with the change that explains them.
 */
#include <string.h>

#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "hw/acpi/pm.h"
#include "hw/catalog.h"
#include "hw/core/qdev.h"
#include "hw/isa/isa.h"
#include "system/memory.h"

typedef struct AcpiCase {
    const char *variant; /* file suffix; NULL = default */
    AcpiBuildConfig cfg;
    const char *ioport; /* -device pvpanic[,ioport=X]; NULL = none */
} AcpiCase;

static const AcpiCase cases[] = {
    /* -nodefaults */
    {NULL, {.cpus = 1, .rtc = true}, NULL},
    /* -nodefaults -device pvpanic */
    {"pvpanic", {.cpus = 1, .rtc = true}, "0x505"},
    /* -nodefaults -device pvpanic,ioport=0x540 */
    {"pvpanic-ioport-0x540", {.cpus = 1, .rtc = true}, "0x540"},
    /* -nodefaults -serial stdio -device pvpanic */
    {"serial-pvpanic", {.cpus = 1, .rtc = true, .com1 = true}, "0x505"},
    /* -nodefaults -smp 2 */
    {"smp2", {.cpus = 2, .rtc = true}, NULL},
};

typedef struct Built {
    AddressSpace *io;
    BusState *isa;
    AcpiBuildResult r;
} Built;

static void build_case(const AcpiCase *c, Built *b)
{
    g_autoptr(GError) err = NULL;

    b->io = address_space_new("io", 0x10000, 0xff);
    b->isa = isa_bus_new(b->io);
    if (c->ioport) {
        DeviceState *dev = qdev_new(qdev_find_type("pvpanic"));

        g_assert_true(qdev_set_prop_text(dev, "ioport", c->ioport, &err));
        g_assert_true(qdev_realize(dev, b->isa, &err));
        g_assert_no_error(err);
    }
    g_assert_true(acpi_build_tables(&c->cfg, ACPI_TABLES_BASE, &b->r, &err));
    g_assert_no_error(err);
}

static void free_case(Built *b)
{
    acpi_build_result_free(&b->r);
    qdev_destroy_all();
    qbus_free(b->isa);
    address_space_free(b->io);
}

static char *golden_path(const AcpiCase *c, const char *sig)
{
    return g_strdup_printf("%s/%s%s%s", ACPI_GOLDEN_DIR, sig,
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

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *v = cases[i].variant ? cases[i].variant : "default";
        g_autofree char *golden = g_strdup_printf("/acpi/golden/%s", v);
        g_autofree char *sums = g_strdup_printf("/acpi/checksums/%s", v);

        g_test_add_data_func(golden, &cases[i], test_golden);
        g_test_add_data_func(sums, &cases[i], test_checksums);
    }
    g_test_add_func("/acpi/pvpanic-node", test_pvpanic_node);
    return g_test_run();
}
