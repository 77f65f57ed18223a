/*
 * The whole QOM tree of every machine version, walked as a QEMU client
 * does: qom-list from "/" down every child<>, qom-get of every property
 * that is not a link, and each value's JSON type checked against the type
 * qom-list gave.  Nothing may fail (QEMU reads all of these too).  Each
 * property is then set to the value it has: qom-set answers {} or a
 * GenericError (read-only, fixed after realize or creation), and the
 * value reads back unchanged either way.
 */
#include "libqtest.h"

#include <string.h>

typedef struct Walk {
    QTestState *s;
    unsigned gets;
    unsigned sets; /* qom-set to the current value that succeeded */
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

static bool type_matches(const char *type, json_t *v)
{
    if (!strcmp(type, "string") || g_str_has_prefix(type, "link<")) {
        return json_is_string(v);
    }
    if (!strcmp(type, "bool")) {
        return json_is_boolean(v);
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
    json_array_foreach(list, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *type = json_string_value(json_object_get(e, "type"));
        g_autofree char *child =
            g_strdup_printf("%s/%s", strcmp(path, "/") ? path : "", name);

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

static void walk_machine(const char *args, unsigned min_gets, unsigned min_sets)
{
    Walk w = {qtest_init(args), 0, 0};

    walk(&w, "/", 0);
    g_test_message("%s: %u properties read, %u set", args, w.gets, w.sets);
    g_assert_cmpuint(w.gets, >=, min_gets);
    g_assert_cmpuint(w.sets, >=, min_sets);
    qtest_quit_ok(w.s);
}

static void test_pc_9_2(void)
{
    walk_machine("-M pc-i440fx-9.2 -device pvpanic -device pvpanic-pci "
                 "-device vmcoreinfo -chardev null,id=c0 -serial chardev:c0 "
                 "-object secret,id=s0,data=x "
                 "-object memory-backend-ram,id=m0,size=1M",
                 100, 20);
}

static void test_pc_9_1(void)
{
    walk_machine("-M pc-i440fx-9.1 -device pvpanic -serial null", 30, 5);
}

static void test_none(void)
{
    walk_machine("-M none -chardev null,id=c0", 5, 0);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"pc-i440fx-9.2", test_pc_9_2},
        {"pc-i440fx-9.1", test_pc_9_1},
        {"none", test_none},
    };

    return qtest_run_cases(&argc, &argv, "qom-walk", cases,
                           G_N_ELEMENTS(cases));
}
