/*
 * Shared QMP types and query-qmp-schema.
 *
 * The schema is generated from the same command and event tables that
 * drive argument checking, so it cannot drift from what Vigil accepts.
 * Like QEMU, non-builtin type names are masked as numbers ("0" is the
 * empty object) and arrays are named "[N]"; clients must follow the
 * references rather than rely on names.
 */
#include "monitor-internal.h"

const QmpType qmp_type_str = {QMP_META_BUILTIN, "str", "string"};
const QmpType qmp_type_int = {QMP_META_BUILTIN, "int", "int"};
const QmpType qmp_type_bool = {QMP_META_BUILTIN, "bool", "boolean"};
const QmpType qmp_type_any = {QMP_META_BUILTIN, "any", "value"};
const QmpType qmp_type_empty = {QMP_META_OBJECT};

/* Same order and names as system/runstate.h's enums. */
static const char *const run_state_values[] = {
    "debug",      "inmigrate",   "internal-error", "io-error",
    "paused",     "postmigrate", "prelaunch",      "finish-migrate",
    "restore-vm", "running",     "save-vm",        "shutdown",
    "suspended",  "watchdog",    "guest-panicked", "colo",
    NULL,
};
static const char *const shutdown_cause_values[] = {
    "none",        "host-error",      "host-qmp-quit",  "host-qmp-system-reset",
    "host-signal", "host-ui",         "guest-shutdown", "guest-reset",
    "guest-panic", "subsystem-reset", "snapshot-load",  NULL,
};
static const char *const guest_panic_action_values[] = {
    "pause",
    "poweroff",
    "run",
    NULL,
};
const QmpType qmp_type_run_state = {QMP_META_ENUM, .values = run_state_values};
const QmpType qmp_type_shutdown_cause = {QMP_META_ENUM,
                                         .values = shutdown_cause_values};
const QmpType qmp_type_guest_panic_action = {
    QMP_META_ENUM,
    .values = guest_panic_action_values,
};

static const char *const meta_type_values[] = {
    "builtin", "enum", "array", "object", "alternate", "command", "event", NULL,
};
static const QmpType meta_type = {QMP_META_ENUM, .values = meta_type_values};
static const QmpType schema_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"name", &qmp_type_str},
            {"meta-type", &meta_type},
            {NULL},
        },
};
const QmpType qmp_schema_ret = {QMP_META_ARRAY, .element = &schema_info};

typedef struct SchemaGen {
    GHashTable *names;  /* const QmpType * -> char * */
    GHashTable *arrays; /* "[N]" names already emitted (set) */
    json_t *types;      /* type entries, in order of first use */
    unsigned next;
} SchemaGen;

static json_t *schema_cache;

static const char *type_ref(SchemaGen *g, const QmpType *t)
{
    char *name = g_hash_table_lookup(g->names, t);
    json_t *e, *members, *values;

    if (name) {
        return name;
    }
    switch (t->meta) {
    case QMP_META_BUILTIN:
        name = g_strdup(t->name);
        g_hash_table_insert(g->names, (gpointer)t, name);
        json_array_append_new(g->types, json_pack("{s:s,s:s,s:s}", "name", name,
                                                  "json-type", t->json_type,
                                                  "meta-type", "builtin"));
        return name;
    case QMP_META_ARRAY:
        name = g_strdup_printf("[%s]", type_ref(g, t->element));
        g_hash_table_insert(g->names, (gpointer)t, name);
        /*
         * Two array types over one element type have one name; the
         * schema must list it once (libvirt rejects a repeated name).
         */
        if (!g_hash_table_add(g->arrays, name)) {
            return name;
        }
        json_array_append_new(
            g->types, json_pack("{s:s,s:s,s:s}", "name", name, "element-type",
                                type_ref(g, t->element), "meta-type", "array"));
        return name;
    case QMP_META_ENUM:
        name = g_strdup_printf("%u", g->next++);
        g_hash_table_insert(g->names, (gpointer)t, name);
        members = json_array();
        values = json_array();
        for (size_t i = 0; t->values[i]; i++) {
            json_array_append_new(members,
                                  json_pack("{s:s}", "name", t->values[i]));
            json_array_append_new(values, json_string(t->values[i]));
        }
        json_array_append_new(g->types,
                              json_pack("{s:s,s:o,s:s,s:o}", "name", name,
                                        "members", members, "meta-type", "enum",
                                        "values", values));
        return name;
    case QMP_META_OBJECT:
        break;
    }
    name = g_strdup_printf("%u", g->next++);
    g_hash_table_insert(g->names, (gpointer)t, name);
    /* Reserve the slot first so the entry precedes its member types. */
    e = json_object();
    json_array_append_new(g->types, e);
    members = json_array();
    for (const QmpMember *m = t->members; m && m->name; m++) {
        json_t *mem = json_pack("{s:s}", "name", m->name);

        if (m->optional) {
            json_object_set_new(mem, "default", json_null());
        }
        json_object_set_new(mem, "type", json_string(type_ref(g, m->type)));
        json_array_append_new(members, mem);
    }
    json_object_set_new(e, "name", json_string(name));
    json_object_set_new(e, "members", members);
    json_object_set_new(e, "meta-type", json_string("object"));
    return name;
}

static json_t *schema_build(void)
{
    SchemaGen g = {
        .names = g_hash_table_new_full(NULL, NULL, NULL, g_free),
        .arrays = g_hash_table_new(g_str_hash, g_str_equal),
        .types = json_array(),
    };
    json_t *list = json_array();

    type_ref(&g, &qmp_type_empty); /* "0", as in QEMU */
    for (size_t i = 0; i < qmp_commands_count; i++) {
        const QmpCommand *c = &qmp_commands[i];

        json_array_append_new(
            list, json_pack("{s:s,s:s,s:s,s:s}", "name", c->name, "ret-type",
                            type_ref(&g, c->ret_type), "meta-type", "command",
                            "arg-type", type_ref(&g, c->arg_type)));
    }
    for (size_t i = 0; i < qmp_events_count; i++) {
        const QmpEventInfo *e = &qmp_events[i];

        json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "name", e->name,
                                              "meta-type", "event", "arg-type",
                                              type_ref(&g, e->arg_type)));
    }
    json_array_extend(list, g.types);
    json_decref(g.types);
    g_hash_table_destroy(g.arrays);
    g_hash_table_destroy(g.names);
    return list;
}

json_t *qmp_query_qmp_schema(QmpSession *s, json_t *args, GError **errp)
{
    if (!schema_cache) {
        schema_cache = schema_build();
    }
    return json_incref(schema_cache);
}

void qmp_schema_cleanup(void)
{
    json_decref(schema_cache);
    schema_cache = NULL;
}
