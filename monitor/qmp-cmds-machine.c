/*
 * query-machines: the machine table (hw/catalog.h) as QEMU's MachineInfo.
 */
#include "monitor-internal.h"
#include "hw/catalog.h"
#include "hw/i386/cpu-models.h"

const QmpType qmp_query_machines_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"compat-props", &qmp_type_bool, true},
            {NULL},
        },
};

static const QmpType compat_property = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"qom-type", &qmp_type_str},
            {"property", &qmp_type_str},
            {"value", &qmp_type_str},
            {NULL},
        },
};
static const QmpType compat_property_list = {
    QMP_META_ARRAY,
    .element = &compat_property,
};

/* QAPI member order; the JSON writer prints QEMU's key order from it. */
static const QmpType machine_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"name", &qmp_type_str},
            {"alias", &qmp_type_str, true},
            {"is-default", &qmp_type_bool, true},
            {"cpu-max", &qmp_type_int},
            {"hotpluggable-cpus", &qmp_type_bool},
            {"numa-mem-supported", &qmp_type_bool},
            {"deprecated", &qmp_type_bool},
            {"default-cpu-type", &qmp_type_str, true},
            {"default-ram-id", &qmp_type_str, true},
            {"acpi", &qmp_type_bool},
            {"compat-props", &compat_property_list, true},
            {NULL},
        },
};
const QmpType qmp_query_machines_ret = {QMP_META_ARRAY,
                                        .element = &machine_info};

static json_t *machine_info_new(const MachineClass *mc, bool compat_props)
{
    json_t *m = json_object();
    const X86CPUModel *cpu = x86_cpu_model_find(mc->default_cpu_model);

    json_object_set_new(m, "name", json_string(mc->name));
    if (mc->alias) {
        json_object_set_new(m, "alias", json_string(mc->alias));
    }
    if (mc->is_default) {
        json_object_set_new(m, "is-default", json_true());
    }
    json_object_set_new(m, "cpu-max", json_integer(mc->max_cpus));
    json_object_set_new(m, "hotpluggable-cpus",
                        json_boolean(mc->hotpluggable_cpus));
    json_object_set_new(m, "numa-mem-supported",
                        json_boolean(mc->numa_mem_supported));
    json_object_set_new(m, "deprecated", json_boolean(mc->deprecated));
    if (cpu) {
        json_object_set_new(m, "default-cpu-type",
                            json_string(cpu->klass.name));
    }
    if (mc->default_ram_id) {
        json_object_set_new(m, "default-ram-id",
                            json_string(mc->default_ram_id));
    }
    json_object_set_new(m, "acpi", json_boolean(mc->acpi));
    if (compat_props) {
        /* One version per board: nothing differs from the current one. */
        json_object_set_new(m, "compat-props", json_array());
    }
    return m;
}

json_t *qmp_query_machines(QmpSession *s, json_t *args, GError **errp)
{
    bool compat_props = json_is_true(json_object_get(args, "compat-props"));
    size_t n;
    const MachineClass *const *mcs = machine_all_types(&n);
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, machine_info_new(mcs[i], compat_props));
    }
    return list;
}
