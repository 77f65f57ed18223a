/*
 * Each machine version's hardware, as "info qtree" and "info mtree" list
 * it, is compared with tests/data/machines/<case>.{qtree,mtree}.  The
 * listing is guest ABI: an unchanged command line must keep giving the
 * same devices, properties and port/MMIO map (the lesson libvirt learnt
 * from pvpanic in 2013).  A deliberate change is regenerated with
 *   VIGIL_REBUILD_MACHINE_GOLDEN=1 build/tests/qtest/qtree-test
 * and committed together with the change (and, for a released machine
 * version, never: add a new version instead; docs/system/pc.rst).
 */
#include <string.h>

#include "libqtest.h"

typedef struct MachineCase {
    const char *name; /* golden file stem */
    const char *args;
} MachineCase;

static const MachineCase cases[] = {
    {"pc-i440fx-9.1", "-M pc-i440fx-9.1 -nodefaults"},
    {"pc-i440fx-9.1-pvpanic-serial",
     "-M pc-i440fx-9.1 -nodefaults -device pvpanic -serial null"},
    {"pc-i440fx-9.2", "-M pc-i440fx-9.2 -nodefaults"},
    {"pc-i440fx-9.2-pvpanic-pci",
     "-M pc-i440fx-9.2 -nodefaults -device pvpanic-pci"},
    {"pc-i440fx-9.2-pvpanic-pci-isa",
     "-M pc-i440fx-9.2 -nodefaults -device pvpanic-pci,addr=04.0,id=pp "
     "-device pvpanic -serial null"},
    {"none", "-M none -nodefaults"},
};

/* The text of "info WHAT" with the monitor's "\r\n" turned into "\n". */
static char *hmp_info(QTestState *qts, const char *what)
{
    g_autofree char *cmd =
        g_strdup_printf("{'execute': 'human-monitor-command', "
                        "'arguments': {'command-line': 'info %s'}}",
                        what);
    json_t *ret = qtest_qmp_return(qts, cmd);
    GString *text = g_string_new(NULL);

    for (const char *p = json_string_value(ret); p && *p; p++) {
        if (*p != '\r') {
            g_string_append_c(text, *p);
        }
    }
    json_decref(ret);
    return g_string_free(text, false);
}

static void compare(const MachineCase *c, const char *what, const char *got)
{
    g_autofree char *path =
        g_strdup_printf("%s/%s.%s", GOLDEN_DIR, c->name, what);
    g_autofree char *want = NULL;
    g_autoptr(GError) err = NULL;

    if (g_getenv("VIGIL_REBUILD_MACHINE_GOLDEN")) {
        g_assert_true(g_file_set_contents(path, got, -1, &err));
        return;
    }
    if (!g_file_get_contents(path, &want, NULL, &err)) {
        g_printerr("%s: %s\n", path, err->message);
        g_assert_not_reached();
    }
    if (strcmp(want, got) != 0) {
        g_printerr("\n%s differs: the machine's hardware changed for an "
                   "unchanged command line.\n--- golden:\n%s--- now:\n%s"
                   "If deliberate (and the version is unreleased), "
                   "regenerate with VIGIL_REBUILD_MACHINE_GOLDEN=1.\n",
                   path, want, got);
    }
    g_assert_cmpstr(got, ==, want);
}

static void test_machine(gconstpointer data)
{
    const MachineCase *c = data;
    QTestState *qts = qtest_init(c->args);
    g_autofree char *qtree = hmp_info(qts, "qtree");
    g_autofree char *mtree = hmp_info(qts, "mtree");

    compare(c, "qtree", qtree);
    compare(c, "mtree", mtree);
    qtest_quit_ok(qts);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *path = g_strdup_printf("/qtree/%s", cases[i].name);

        g_test_add_data_func(path, &cases[i], test_machine);
    }
    return g_test_run();
}
