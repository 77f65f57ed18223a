/*
 * query-qmp-schema is well formed: every entry's name is unique (libvirt
 * refuses a schema with a repeated name), every type an entry refers to
 * exists, every command of the table is described, and query-commands
 * lists exactly the command table, so nothing unimplemented (e.g.
 * query-cpu-model-expansion, which would make libvirt call it) is
 * advertised.
 */
#include <string.h>

#include "../../monitor/monitor-internal.h"
#include "qobject/json-writer.h"
#include "hw/catalog.h"

static json_t *schema(void)
{
    json_t *s = qmp_query_qmp_schema(NULL, NULL, NULL);

    g_assert_true(json_is_array(s));
    return s;
}

static void test_unique_names(void)
{
    g_autoptr(json_t) s = schema();
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *e;

    json_array_foreach(s, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "name"));

        g_assert_nonnull(name);
        if (!g_hash_table_add(seen, (gpointer)name)) {
            g_error("schema entry name '%s' appears twice", name);
        }
    }
    qmp_schema_cleanup();
}

static void check_ref(GHashTable *names, json_t *e, const char *key)
{
    const char *ref = json_string_value(json_object_get(e, key));

    if (ref && !g_hash_table_contains(names, ref)) {
        g_error("%s '%s' of '%s' is not in the schema", key, ref,
                json_string_value(json_object_get(e, "name")));
    }
}

static void test_references(void)
{
    g_autoptr(json_t) s = schema();
    g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i, j;
    json_t *e, *m;

    json_array_foreach(s, i, e)
    {
        g_hash_table_add(
            names, (gpointer)json_string_value(json_object_get(e, "name")));
    }
    json_array_foreach(s, i, e)
    {
        const char *meta = json_string_value(json_object_get(e, "meta-type"));

        check_ref(names, e, "arg-type");
        check_ref(names, e, "ret-type");
        check_ref(names, e, "element-type");
        if (strcmp(meta, "command") == 0) {
            g_assert_nonnull(json_object_get(e, "arg-type"));
            g_assert_nonnull(json_object_get(e, "ret-type"));
        } else if (strcmp(meta, "array") == 0) {
            g_assert_nonnull(json_object_get(e, "element-type"));
        } else if (strcmp(meta, "enum") == 0) {
            g_assert_cmpuint(json_array_size(json_object_get(e, "members")), ==,
                             json_array_size(json_object_get(e, "values")));
        }
        json_array_foreach(json_object_get(e, "members"), j, m)
        {
            if (strcmp(meta, "object") == 0) {
                check_ref(names, m, "type");
                g_assert_nonnull(json_object_get(m, "type"));
            }
        }
    }
    qmp_schema_cleanup();
}

static bool schema_has_command(json_t *s, const char *name)
{
    size_t i;
    json_t *e;

    json_array_foreach(s, i, e)
    {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0 &&
            strcmp(json_string_value(json_object_get(e, "meta-type")),
                   "command") == 0) {
            return true;
        }
    }
    return false;
}

static void test_commands_match_table(void)
{
    g_autoptr(json_t) s = schema();
    const QmpCommand *q = qmp_find_command("query-commands");
    g_autoptr(json_t) listed = NULL;
    size_t i, n, ncmd = 0;
    json_t *e;
    const MachineClass *const *mcs = machine_all_types(&n);
    bool hotplug = false;

    g_assert_nonnull(q);
    listed = q->fn(NULL, NULL, NULL);
    g_assert_cmpuint(json_array_size(listed), ==, qmp_commands_count);
    json_array_foreach(listed, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "name"));

        g_assert_cmpstr(name, ==, qmp_commands[i].name);
        g_assert_true(schema_has_command(s, name));
    }
    json_array_foreach(s, i, e)
    {
        ncmd += strcmp(json_string_value(json_object_get(e, "meta-type")),
                       "command") == 0;
    }
    g_assert_cmpuint(ncmd, ==, qmp_commands_count);
    /* libvirt calls these when listed; Vigil implements none of them. */
    g_assert_null(qmp_find_command("query-cpu-model-expansion"));
    g_assert_null(qmp_find_command("query-sev-capabilities"));
    g_assert_null(qmp_find_command("query-sgx-capabilities"));
    /* Only a machine with hotpluggable CPUs would need it. */
    for (i = 0; i < n; i++) {
        hotplug |= mcs[i]->hotpluggable_cpus;
    }
    g_assert_false(hotplug);
    g_assert_null(qmp_find_command("query-hotpluggable-cpus"));
    /* The ones libvirt's probe, start and reconnect send are there. */
    for (const char *const *c =
             (const char *const[]){
                 "query-machines", "query-cpu-definitions", "query-cpus-fast",
                 "query-tpm-models", "query-tpm-types",
                 "query-migrate-capabilities", "migrate-set-capabilities",
                 "query-block", "query-named-block-nodes", "query-iothreads",
                 "query-jobs", NULL};
         *c; c++) {
        g_assert_nonnull(qmp_find_command(*c));
    }
    qmp_schema_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp-schema/unique-names", test_unique_names);
    g_test_add_func("/qmp-schema/references", test_references);
    g_test_add_func("/qmp-schema/commands-match-table",
                    test_commands_match_table);
    return g_test_run();
}
