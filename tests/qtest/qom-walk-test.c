/*
 * The whole QOM tree of every machine version, walked as a QEMU client
 * does: qom-list from "/" down every child<>, qom-get of every property
 * that is not a link, and each value's JSON type checked against the type
 * qom-list gave.  Nothing may fail (QEMU reads all of these too).  Each
 * property is then set to the value it has: qom-set answers {} or a
 * GenericError (read-only, fixed after realize or creation), and the
 * value reads back unchanged either way.  The paths QEMU 7.2 gives the
 * board's devices and buses must be among those visited, and /machine
 * must have QEMU's machine properties.
 */
#include "libqtest.h"

#include <string.h>

typedef struct Walk {
    QTestState *s;
    unsigned gets;
    unsigned sets;          /* qom-set to the current value that succeeded */
    GHashTable *visited;    /* paths qom-list answered */
    unsigned machine_props; /* non-child entries of /machine */
} Walk;

/* qom-set @path.@name to @v, its current value: {} or a GenericError,
 * and the value unchanged. */
static void set_same(Walk *w, const char *path, const char *name, json_t *v)
{
    g_autofree char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    g_autofree char *get =
        g_strdup_printf("{'execute': 'qom-get', 'arguments': {'path': '%s', "
                        "'property': '%s'}}",
                        path, name);
    json_t *r = qtest_qmp(w->s,
                          "{\"execute\": \"qom-set\", \"arguments\": "
                          "{\"path\": \"%s\", \"property\": \"%s\", "
                          "\"value\": %s}}",
                          path, name, text);
    json_t *after;

    if (json_object_get(r, "return")) {
        w->sets++;
    } else {
        g_assert_cmpstr(json_string_value(json_object_get(
                            json_object_get(r, "error"), "class")),
                        ==, "GenericError");
    }
    json_decref(r);
    after = qtest_qmp_return(w->s, get);
    /* The RTC's date moves on by itself. */
    if (!json_object_get(v, "tm_sec") && !json_equal(after, v)) {
        g_error("%s.%s: qom-set of its own value changed it", path, name);
    }
    json_decref(after);
}

/* QAPI structures and lists among the machine's properties. */
static const struct {
    const char *type;
    json_type json;
} structured[] = {
    {"BootConfiguration", JSON_OBJECT},
    {"MemorySizeConfiguration", JSON_OBJECT},
    {"SMPConfiguration", JSON_OBJECT},
    {"SgxEPC", JSON_ARRAY},
    {"CXLFixedMemoryWindow", JSON_ARRAY},
};

static bool type_matches(const char *type, json_t *v)
{
    for (size_t i = 0; i < G_N_ELEMENTS(structured); i++) {
        if (!strcmp(type, structured[i].type)) {
            return json_typeof(v) == structured[i].json;
        }
    }
    if (!strcmp(type, "string") || g_str_has_prefix(type, "link<")) {
        return json_is_string(v);
    }
    if (!strcmp(type, "bool")) {
        return json_is_boolean(v);
    }
    /* QEMU types the memory backends' host-nodes (a list) as "int". */
    if (!strcmp(type, "int") && json_is_array(v)) {
        return true;
    }
    if (g_str_has_prefix(type, "uint") || g_str_has_prefix(type, "int") ||
        !strcmp(type, "size")) {
        return json_is_integer(v);
    }
    if (!strcmp(type, "struct tm")) {
        return json_is_object(v) && json_object_get(v, "tm_year");
    }
    /* Enumerations (QCryptoSecretFormat, HostMemPolicy, ...) read as
     * their names. */
    return json_is_string(v);
}

static void walk(Walk *w, const char *path, unsigned depth)
{
    g_autofree char *cmd = g_strdup_printf(
        "{'execute': 'qom-list', 'arguments': {'path': '%s'}}", path);
    json_t *list = qtest_qmp_return(w->s, cmd);
    json_t *e;
    size_t i;

    g_assert_cmpuint(depth, <, 16);
    g_assert_true(json_is_array(list));
    g_hash_table_add(w->visited, g_strdup(path));
    json_array_foreach(list, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *type = json_string_value(json_object_get(e, "type"));
        g_autofree char *child =
            g_strdup_printf("%s/%s", strcmp(path, "/") ? path : "", name);

        if (!strcmp(path, "/machine") && !g_str_has_prefix(type, "child<")) {
            w->machine_props++;
        }
        if (g_str_has_prefix(type, "child<")) {
            walk(w, child, depth + 1);
        } else if (!g_str_has_prefix(type, "link<")) {
            g_autofree char *get = g_strdup_printf(
                "{'execute': 'qom-get', 'arguments': {'path': '%s', "
                "'property': '%s'}}",
                path, name);
            json_t *v = qtest_qmp_return(w->s, get);

            if (!type_matches(type, v)) {
                g_error("%s.%s: %s, but qom-list says %s", path, name,
                        json_dumps(v, JSON_ENCODE_ANY), type);
            }
            set_same(w, path, name, v);
            json_decref(v);
            w->gets++;
        }
    }
    json_decref(list);
}

/*
 * Walk the tree of @args: at least @min_gets properties read and
 * @min_sets set, @min_machine entries of /machine that are not children,
 * and every path of @paths (NULL-terminated) visited.
 */
static void walk_machine(const char *args, unsigned min_gets, unsigned min_sets,
                         unsigned min_machine, const char *const *paths)
{
    Walk w = {qtest_init(args), 0, 0,
              g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), 0};

    walk(&w, "/", 0);
    g_test_message("%s: %u properties read, %u set, %u on /machine", args,
                   w.gets, w.sets, w.machine_props);
    g_assert_cmpuint(w.gets, >=, min_gets);
    g_assert_cmpuint(w.sets, >=, min_sets);
    g_assert_cmpuint(w.machine_props, >=, min_machine);
    for (; paths && *paths; paths++) {
        if (!g_hash_table_contains(w.visited, *paths)) {
            g_error("%s: %s was not visited", args, *paths);
        }
    }
    g_hash_table_destroy(w.visited);
    qtest_quit_ok(w.s);
}

/*
 * QEMU 7.2's paths: the vCPU at device[0], the host bridge at
 * /machine/i440fx with pci.0 and QEMU's IOAPIC, i440FX device[2], PIIX3
 * device[3] with isa.0, RTC device[9], i8042 device[13] + the COM ports (one
 * here, at device[12]); QEMU 7.2's pc has 47 machine properties besides "type".
 */
static void test_pc_9_2(void)
{
    static const char *const paths[] = {
        "/machine/i440fx",
        "/machine/i440fx/pci.0",
        "/machine/i440fx/pci-conf-idx[0]",
        "/machine/i440fx/ioapic",
        "/machine/i440fx/ioapic/ioapic[0]",
        "/machine/i440fx/ioapic/unnamed-gpio-in[23]",
        "/machine/unattached/sysbus",
        "/machine/unattached/device[0]",
        "/machine/unattached/device[2]",
        "/machine/unattached/device[3]",
        "/machine/unattached/device[3]/isa.0",
        "/machine/unattached/device[9]",
        "/machine/unattached/device[12]",
        "/machine/unattached/device[14]",
        "/machine/fw_cfg",
        NULL,
    };

    walk_machine("-M pc-i440fx-9.2 -device pvpanic -device pvpanic-pci "
                 "-device vmcoreinfo -chardev null,id=c0 -serial chardev:c0 "
                 "-object secret,id=s0,data=x "
                 "-object memory-backend-ram,id=m0,size=1M",
                 150, 55, 48, paths);
}

/* Two vCPUs: QEMU's kvmvapic (device[1]) comes between them and moves the
 * board's numbers up by one; hpet=off takes QEMU's HPET out. */
static void test_pc_smp(void)
{
    static const char *const paths[] = {
        "/machine/unattached/device[0]",
        "/machine/unattached/device[2]",
        "/machine/unattached/device[3]",
        "/machine/unattached/device[4]",
        "/machine/unattached/device[9]",
        "/machine/unattached/device[13]",
        NULL,
    };

    walk_machine("-M pc -smp 2 -machine hpet=off -cpu qemu64", 100, 40, 48,
                 paths);
}

static void test_pc_9_1(void)
{
    static const char *const paths[] = {
        "/machine/unattached/device[9]",
        "/machine/unattached/device[12]",
        "/machine/unattached/device[14]",
        "/machine/unattached/sysbus",
        NULL,
    };

    walk_machine("-M pc-i440fx-9.1 -device pvpanic -serial null", 80, 40, 48,
                 paths);
}

static void test_none(void)
{
    static const char *const paths[] = {"/machine/unattached/sysbus", NULL};

    /* QEMU's none has "type" and the 19 generic machine properties. */
    walk_machine("-M none -chardev null,id=c0", 25, 10, 20, paths);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"pc-i440fx-9.2", test_pc_9_2},
        {"pc-smp", test_pc_smp},
        {"pc-i440fx-9.1", test_pc_9_1},
        {"none", test_none},
    };

    return qtest_run_cases(&argc, &argv, "qom-walk", cases,
                           G_N_ELEMENTS(cases));
}
