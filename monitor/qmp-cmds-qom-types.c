/*
 * The QOM type hierarchy over QMP (qom-list-types, qom-list-properties,
 * device-list-properties) and objects created at run time (object-add,
 * object-del).  The object tree itself is qmp-cmds-qom.c.
 */
#include <string.h>

#include "monitor-internal.h"
#include "qom-internal.h"
#include "hw/catalog.h"
#include "monitor/cmdline.h"
#include "qom/object.h"
#include "system/accel.h"

/* ---- the type hierarchy (qom-list-types, qom-list-properties) ---- */

typedef struct TypeEntry {
    const char *name;
    const char *parent; /* NULL for "object" */
    bool abstract;
} TypeEntry;

/*
 * The abstract types above the concrete ones, as in QEMU.  A concrete
 * type's parent missing here is taken to be a device.
 */
static const TypeEntry abstract_types[] = {
    {"object", NULL, true},         {"device", "object", true},
    {"isa-device", "device", true}, {"cpu", "device", true},
    {"x86_64-cpu", "cpu", true},    {"machine", "object", true},
    {"accel", "object", true},
};

static const AccelOps *const accels[] = {&accel_kvm_ops, &accel_qtest_ops};

/* Every type Vigil has: devices and CPUs (hw/catalog.c), machines,
 * accelerators, and the -object types (qom/object.c).  All come from
 * static tables, so the list is built once (libvirt's probe asks often). */
static const GArray *all_types(void)
{
    static GArray *t;
    size_t n;
    const DeviceClass *const *devs = qdev_all_types(&n);
    const MachineClass *const *machines;
    const ObjectType *const *objs;

    if (t) {
        return t;
    }
    t = g_array_new(false, false, sizeof(TypeEntry));
    g_array_append_vals(t, abstract_types, G_N_ELEMENTS(abstract_types));
    for (size_t i = 0; i < n; i++) {
        TypeEntry e = {devs[i]->name,
                       devs[i]->parent ? devs[i]->parent : "device", false};

        g_array_append_val(t, e);
    }
    machines = machine_all_types(&n);
    for (size_t i = 0; i < n; i++) {
        g_autofree char *name = qom_machine_type(machines[i]);
        TypeEntry e = {g_intern_string(name), "machine", false};

        g_array_append_val(t, e);
    }
    /* Never "tcg-accel": Vigil has no TCG (libvirt then offers kvm only). */
    for (size_t i = 0; i < G_N_ELEMENTS(accels); i++) {
        g_autofree char *name = g_strdup_printf("%s-accel", accels[i]->name);
        TypeEntry e = {g_intern_string(name), "accel", false};

        g_array_append_val(t, e);
    }
    objs = object_all_types(&n);
    for (size_t i = 0; i < n; i++) {
        if (objs[i]->parent) { /* "object" is already there */
            TypeEntry e = {objs[i]->name, objs[i]->parent, objs[i]->abstract};

            g_array_append_val(t, e);
        }
    }
    return t;
}

static const TypeEntry *type_lookup(const GArray *t, const char *name)
{
    for (guint i = 0; name && i < t->len; i++) {
        const TypeEntry *e = &g_array_index(t, TypeEntry, i);

        if (strcmp(e->name, name) == 0) {
            return e;
        }
    }
    return NULL;
}

/* Is @e @ancestor or below it?  Unknown parents count as devices. */
static bool type_is_a(const GArray *t, const TypeEntry *e, const char *ancestor)
{
    for (int depth = 0; e && depth < 16; depth++) {
        const char *parent = e->parent;

        if (strcmp(e->name, ancestor) == 0) {
            return true;
        }
        e = type_lookup(t, parent);
        if (!e && parent) {
            e = type_lookup(t, "device");
        }
    }
    return false;
}

static void add_type(json_t *list, const TypeEntry *e)
{
    json_t *t = json_object();

    json_object_set_new(t, "name", json_string(e->name));
    if (e->abstract) {
        json_object_set_new(t, "abstract", json_true());
    }
    if (e->parent) {
        json_object_set_new(t, "parent", json_string(e->parent));
    }
    json_array_append_new(list, t);
}

json_t *qmp_qom_list_types(QmpSession *s, json_t *args, GError **errp)
{
    const char *impl = json_string_value(json_object_get(args, "implements"));
    bool abstract = json_is_true(json_object_get(args, "abstract"));
    const GArray *types = all_types();
    json_t *list = json_array();

    for (guint i = 0; i < types->len; i++) {
        const TypeEntry *e = &g_array_index(types, TypeEntry, i);

        if ((!e->abstract || abstract) &&
            (!impl || type_is_a(types, e, impl))) {
            add_type(list, e);
        }
    }
    return list;
}

static void add_described_prop(json_t *list, const char *name, const char *type,
                               const char *description)
{
    json_t *e = json_pack("{s:s,s:s}", "name", name, "type", type);

    if (description) {
        json_object_set_new(e, "description", json_string(description));
    }
    json_array_append_new(list, e);
}

static void list_object_prop(const ObjectProp *p, void *opaque)
{
    add_described_prop(opaque, p->name, p->qom_type, p->description);
}

/* A machine type's properties, as QEMU 7.2 lists them. */
static void list_machine_props(const char *name, json_t *list)
{
    g_autofree char *mname = g_strndup(name, strlen(name) - strlen("-machine"));
    const MachineClass *mc = machine_find_type(mname);

    qom_machine_list_type_props(mc, list);
    qom_add_prop(list, "peripheral-anon", "child<container>");
    qom_add_prop(list, "peripheral", "child<container>");
}

json_t *qmp_qom_list_properties(QmpSession *s, json_t *args, GError **errp)
{
    const char *name = json_string_value(json_object_get(args, "typename"));
    const GArray *types = all_types();
    const TypeEntry *e = type_lookup(types, name);
    const DeviceClass *dc = qdev_find_type(name);
    const ObjectType *ot = object_type_find(name);
    json_t *list;

    if (!e) {
        error_setg(errp, "Class '%s' not found", name);
        return NULL;
    }
    list = json_array();
    qom_add_prop(list, "type", "string");
    if (dc) {
        for (size_t i = 2; qom_device_common[i]; i += 2) {
            qom_add_prop(list, qom_device_common[i], qom_device_common[i + 1]);
        }
        for (const Property *p = dc->props; p && p->name; p++) {
            add_described_prop(list, p->name, qom_prop_type(dc, p),
                               p->description);
        }
    } else if (ot) {
        if (object_type_is_a(ot, "secret")) {
            qom_add_prop(list, "loaded", "bool"); /* read-only */
        }
        object_type_foreach_prop(ot, list_object_prop, list);
    } else if (type_is_a(types, e, "machine") && !e->abstract) {
        list_machine_props(name, list);
    }
    return list;
}

json_t *qmp_device_list_properties(QmpSession *s, json_t *args, GError **errp)
{
    const char *name = json_string_value(json_object_get(args, "typename"));
    const DeviceClass *dc = qdev_find_type(name);
    json_t *list;

    if (!dc) {
        g_set_error(errp, VIGIL_ERROR, VIGIL_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", name);
        return NULL;
    }
    list = json_array();
    for (const Property *p = dc->props; p && p->name; p++) {
        json_t *e = json_object();

        json_object_set_new(e, "name", json_string(p->name));
        json_object_set_new(e, "type", json_string(qom_prop_type(dc, p)));
        if (p->description) {
            json_object_set_new(e, "description",
                                json_string_nocheck(p->description));
        }
        if (p->kind == PROP_KIND_BOOL) {
            json_object_set_new(e, "default-value",
                                json_boolean(p->defval_u != 0));
        } else if (p->kind == PROP_KIND_ENUM) {
            json_object_set_new(e, "default-value",
                                json_string(p->enum_values[p->defval_u]));
        } else if (p->kind == PROP_KIND_STRING) {
            if (p->defval_s) {
                json_object_set_new(e, "default-value",
                                    json_string_nocheck(p->defval_s));
            }
        } else {
            json_object_set_new(e, "default-value",
                                json_integer((json_int_t)p->defval_u));
        }
        json_array_append_new(list, e);
    }
    for (const char *const *c = dc->children;
         c && c[0] && !dc->children_at_realize; c += 2) {
        qom_add_prop(list, c[0], c[1]);
    }
    return list;
}

/* ---- object-add / object-del (qom/object.h) ---- */

const QmpType qmp_object_add_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"qom-type", &qmp_type_str},
            {"id", &qmp_type_str},
            {NULL},
        },
    .open = true, /* the type's own properties: checked by qom */
};

const QmpType qmp_object_del_arg = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"id", &qmp_type_str}, {NULL}},
};

json_t *qmp_object_add(QmpSession *s, json_t *args, GError **errp)
{
    /* The same parser as -object's JSON form. */
    g_autofree char *text = json_dumps(args, JSON_COMPACT);

    if (!text || !user_object_add(text, errp)) {
        if (!text) {
            error_setg(errp, "object-add: cannot read the arguments");
        }
        return NULL;
    }
    return json_object();
}

json_t *qmp_object_del(QmpSession *s, json_t *args, GError **errp)
{
    const char *id = json_string_value(json_object_get(args, "id"));

    return user_object_del(id, errp) ? json_object() : NULL;
}
