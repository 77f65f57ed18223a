/*
 * query-cpu-definitions (the CPU model table, hw/i386/cpu-models.h) and
 * query-cpus-fast (the machine's vCPU devices, hw/core/cpu.h).
 */
#include "monitor-internal.h"
#include "hw/core/cpu.h"
#include "hw/i386/cpu-models.h"
#include "system/accel.h"

static const QmpType str_list = {QMP_META_ARRAY, .element = &qmp_type_str};

static const QmpType cpu_definition_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"name", &qmp_type_str},
            {"migration-safe", &qmp_type_bool, true},
            {"static", &qmp_type_bool},
            {"unavailable-features", &str_list, true},
            {"typename", &qmp_type_str},
            {"deprecated", &qmp_type_bool},
            {NULL},
        },
};
const QmpType qmp_query_cpu_definitions_ret = {
    QMP_META_ARRAY,
    .element = &cpu_definition_info,
};

/* Only what Vigil's machines report (-smp's levels, no NUMA). */
static const QmpType cpu_instance_properties = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"socket-id", &qmp_type_int, true},
            {"die-id", &qmp_type_int, true},
            {"core-id", &qmp_type_int, true},
            {"thread-id", &qmp_type_int, true},
            {NULL},
        },
};
static const char *const target_values[] = {"x86_64", NULL};
static const QmpType sys_emu_target = {QMP_META_ENUM, .values = target_values};
static const QmpType cpu_info_fast = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"cpu-index", &qmp_type_int},
            {"qom-path", &qmp_type_str},
            {"thread-id", &qmp_type_int},
            {"props", &cpu_instance_properties, true},
            {"target", &sys_emu_target},
            {NULL},
        },
};
const QmpType qmp_query_cpus_fast_ret = {QMP_META_ARRAY,
                                         .element = &cpu_info_fast};

json_t *qmp_query_cpu_definitions(QmpSession *s, json_t *args, GError **errp)
{
    size_t n;
    const X86CPUModel *const *models = x86_cpu_models(&n);
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        const X86CPUModel *m = models[i];
        g_autoptr(GPtrArray) missing = g_ptr_array_new();
        json_t *d = json_object();
        json_t *names = json_array();

        kvm_cpu_model_unavailable(m, missing);
        for (guint j = 0; j < missing->len; j++) {
            json_array_append_new(names,
                                  json_string(g_ptr_array_index(missing, j)));
        }
        json_object_set_new(d, "name", json_string(m->name));
        json_object_set_new(d, "migration-safe",
                            json_boolean(m->migration_safe));
        json_object_set_new(d, "static", json_boolean(m->is_static));
        json_object_set_new(d, "unavailable-features", names);
        json_object_set_new(d, "typename", json_string(m->klass.name));
        json_object_set_new(d, "deprecated", json_boolean(m->deprecated));
        json_array_append_new(list, d);
    }
    return list;
}

static void cpu_info_one(CPUState *cpu, void *opaque)
{
    json_t *c = json_object();
    json_t *props = json_object();

    /* QAPI order; die-id only with several dies, as QEMU. */
    json_object_set_new(props, "socket-id", json_integer(cpu->socket_id));
    if (cpu->has_die_id) {
        json_object_set_new(props, "die-id", json_integer(cpu->die_id));
    }
    json_object_set_new(props, "core-id", json_integer(cpu->core_id));
    json_object_set_new(props, "thread-id",
                        json_integer(cpu->thread_id_in_core));

    json_object_set_new(c, "cpu-index", json_integer(cpu->cpu_index));
    json_object_set_new(c, "qom-path",
                        json_string(cpu->parent_obj.canonical_path));
    json_object_set_new(c, "thread-id", json_integer(cpu_get_thread_id(cpu)));
    json_object_set_new(c, "props", props);
    json_object_set_new(c, "target", json_string("x86_64"));
    json_array_append_new(opaque, c);
}

json_t *qmp_query_cpus_fast(QmpSession *s, json_t *args, GError **errp)
{
    json_t *list = json_array();

    cpu_foreach(cpu_info_one, list);
    return list;
}
