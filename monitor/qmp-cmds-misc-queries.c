/*
 * Queries about subsystems Vigil does not have, answered truthfully:
 * TPM (no models, no backends), block devices and nodes, iothreads and
 * jobs (none), and migration, of which only the "events" capability
 * exists (it asks for MIGRATION events, and there is never a migration
 * to report).  libvirt sends these while it probes and starts a domain
 * (docs/system/libvirt.rst).
 *
 * The element types of lists that are always empty are the empty
 * object: the schema promises no member Vigil could not fill.
 */
#include "monitor-internal.h"

const QmpType qmp_empty_list_ret = {QMP_META_ARRAY, .element = &qmp_type_empty};

/* No TPM model or backend type exists. */
static const char *const no_values[] = {NULL};
static const QmpType tpm_model = {QMP_META_ENUM, .values = no_values};
static const QmpType tpm_type = {QMP_META_ENUM, .values = no_values};
const QmpType qmp_tpm_models_ret = {QMP_META_ARRAY, .element = &tpm_model};
const QmpType qmp_tpm_types_ret = {QMP_META_ARRAY, .element = &tpm_type};

const QmpType qmp_named_block_nodes_arg = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"flat", &qmp_type_bool, true}, {NULL}},
};

/* ---- migration capabilities ---- */

typedef enum MigrationCapability {
    MIGRATION_CAPABILITY_EVENTS,
    MIGRATION_CAPABILITY__MAX,
} MigrationCapability;

static const char *const migration_capability_values[] = {"events", NULL};
static const QmpType migration_capability = {
    QMP_META_ENUM,
    .values = migration_capability_values,
};
static const QmpType migration_capability_status = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"capability", &migration_capability},
            {"state", &qmp_type_bool},
            {NULL},
        },
};
const QmpType qmp_migrate_capabilities_ret = {
    QMP_META_ARRAY,
    .element = &migration_capability_status,
};
const QmpType qmp_migrate_set_capabilities_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"capabilities", &qmp_migrate_capabilities_ret},
            {NULL},
        },
};

static bool migration_caps[MIGRATION_CAPABILITY__MAX];

json_t *qmp_query_migrate_capabilities(QmpSession *s, json_t *args,
                                       GError **errp)
{
    json_t *list = json_array();

    for (int i = 0; i < MIGRATION_CAPABILITY__MAX; i++) {
        json_array_append_new(list, json_pack("{s:s,s:b}", "capability",
                                              migration_capability_values[i],
                                              "state", migration_caps[i]));
    }
    return list;
}

json_t *qmp_migrate_set_capabilities(QmpSession *s, json_t *args, GError **errp)
{
    json_t *caps = json_object_get(args, "capabilities");
    size_t i;
    json_t *c;

    /* The arguments were checked against the enum: every name is known. */
    json_array_foreach(caps, i, c)
    {
        const char *name = json_string_value(json_object_get(c, "capability"));

        for (int k = 0; k < MIGRATION_CAPABILITY__MAX; k++) {
            if (strcmp(name, migration_capability_values[k]) == 0) {
                migration_caps[k] = json_is_true(json_object_get(c, "state"));
            }
        }
    }
    return json_object();
}

/* ---- always-empty lists ---- */

json_t *qmp_query_empty_list(QmpSession *s, json_t *args, GError **errp)
{
    return json_array();
}
