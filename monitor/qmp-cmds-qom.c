/*
 * qom-list, qom-get, qom-list-types, qom-list-properties,
 * device-list-properties.
 *
 * Vigil has no object model of its own; this file presents the few
 * objects that exist (the root, the machine and its containers,
 * chardevs, devices, -object objects) and the types it has (devices,
 * CPUs, machines, accelerators, -object types) in the shape QEMU's QOM
 * gives them.
 */
#include "monitor-internal.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/catalog.h"
#include "hw/core/qdev.h"
#include "hw/pci/pci.h"
#include "monitor/cmdline.h"
#include "qobject/json-writer.h"
#include "qom/object.h"
#include "system/accel.h"

#define PERIPHERAL      "/machine/peripheral/"
#define PERIPHERAL_ANON "/machine/peripheral-anon/"
#define UNATTACHED      "/machine/unattached/"

/* ---- types ---- */

static const QmpType property_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"name", &qmp_type_str},
            {"type", &qmp_type_str},
            {"description", &qmp_type_str, true},
            {"default-value", &qmp_type_any, true},
            {NULL},
        },
};
const QmpType qmp_qom_list_ret = {QMP_META_ARRAY, .element = &property_info};
const QmpType qmp_device_list_properties_ret = {
    QMP_META_ARRAY,
    .element = &property_info,
};
static const QmpType type_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"name", &qmp_type_str},
            {"abstract", &qmp_type_bool, true},
            {"parent", &qmp_type_str, true},
            {NULL},
        },
};
const QmpType qmp_qom_list_types_ret = {QMP_META_ARRAY, .element = &type_info};
const QmpType qmp_qom_list_arg = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"path", &qmp_type_str}, {NULL}},
};
const QmpType qmp_qom_get_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"path", &qmp_type_str},
            {"property", &qmp_type_str},
            {NULL},
        },
};
const QmpType qmp_qom_list_types_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"implements", &qmp_type_str, true},
            {"abstract", &qmp_type_bool, true},
            {NULL},
        },
};
const QmpType qmp_device_list_properties_arg = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"typename", &qmp_type_str}, {NULL}},
};

/* ---- the object tree ---- */

typedef enum NodeKind {
    NODE_NONE,
    NODE_CONTAINER, /* fixed containers, including the root */
    NODE_MACHINE,
    NODE_DEVICE,
    NODE_CHARDEV,
    NODE_REGION, /* a device's child<memory-region> */
    NODE_OBJECT, /* /objects/ID */
} NodeKind;

typedef struct Node {
    NodeKind kind;
    const char *path; /* canonical path */
    DeviceState *dev;
    Chardev *chr;
    MemoryRegion *mr;
    UserObject *obj;
} Node;

/* Fixed containers and what each holds, in QEMU's listing order. */
static const struct {
    const char *path;
    const char *const *children; /* name, then type; NULL-terminated */
    const char *device_prefix;   /* devices listed under it, or NULL */
} containers[] = {
    {"/", (const char *const[]){"objects", "child<container>", "machine", NULL},
     NULL},
    {"/machine",
     (const char *const[]){"unattached", "child<container>", "peripheral-anon",
                           "child<container>", "peripheral", "child<container>",
                           NULL},
     "/machine/"}, /* board devices QEMU names there (fw_cfg) */
    {"/machine/peripheral", NULL, PERIPHERAL},
    {"/machine/peripheral-anon", NULL, PERIPHERAL_ANON},
    {"/machine/unattached", NULL, UNATTACHED},
    {"/chardevs", NULL, NULL},
    {"/objects", NULL, NULL},
};

/* QEMU's QOM name of a machine type: "pc-i440fx-9.1-machine". */
static char *machine_qom_type(const MachineClass *mc)
{
    return g_strdup_printf("%s-machine", mc->name);
}

static char *machine_type_name(void)
{
    return current_machine ? machine_qom_type(current_machine->mc)
                           : g_strdup("none-machine");
}

/* "DEVICE/CHILD" where CHILD is one of the device's memory regions. */
static bool resolve_region(const char *path, Node *n)
{
    const char *slash = strrchr(path, '/');
    g_autofree char *parent = NULL;
    DeviceState *dev;
    const char *const *c;
    unsigned index = 0;

    if (!slash || slash == path) {
        return false;
    }
    parent = g_strndup(path, slash - path);
    dev = qdev_resolve_path(parent);
    if (!dev || !dev->klass->child_region) {
        return false;
    }
    for (c = dev->klass->children; c && c[0]; c += 2, index++) {
        if (strcmp(c[0], slash + 1) == 0 &&
            strcmp(c[1], "child<memory-region>") == 0) {
            n->kind = NODE_REGION;
            n->dev = dev;
            n->mr = dev->klass->child_region(dev, index);
            n->path = path;
            return n->mr != NULL;
        }
    }
    return false;
}

static bool resolve(const char *path, Node *n)
{
    memset(n, 0, sizeof(*n));
    for (size_t i = 0; i < G_N_ELEMENTS(containers); i++) {
        if (strcmp(path, containers[i].path) == 0) {
            n->kind =
                strcmp(path, "/machine") == 0 ? NODE_MACHINE : NODE_CONTAINER;
            n->path = containers[i].path;
            return true;
        }
    }
    if (g_str_has_prefix(path, "/chardevs/")) {
        n->chr = qemu_chr_find(path + strlen("/chardevs/"));
        n->kind = n->chr ? NODE_CHARDEV : NODE_NONE;
        n->path = path;
        return n->chr != NULL;
    }
    if (g_str_has_prefix(path, "/objects/")) {
        n->obj = user_object_find(path + strlen("/objects/"));
        n->kind = n->obj ? NODE_OBJECT : NODE_NONE;
        n->path = path;
        return n->obj != NULL;
    }
    n->dev = qdev_resolve_path(path);
    if (n->dev) {
        n->kind = NODE_DEVICE;
        n->path = n->dev->canonical_path;
        return true;
    }
    return resolve_region(path, n);
}

static void add_prop(json_t *list, const char *name, const char *type)
{
    json_array_append_new(list,
                          json_pack("{s:s,s:s}", "name", name, "type", type));
}

typedef struct ListCtx {
    json_t *list;
    const char *prefix;
} ListCtx;

static void list_device_child(DeviceState *dev, void *opaque)
{
    ListCtx *c = opaque;
    g_autofree char *type = NULL;

    /* Direct children only: "/machine/" does not list "unattached/...". */
    if (g_str_has_prefix(dev->canonical_path, c->prefix) &&
        !strchr(dev->canonical_path + strlen(c->prefix), '/')) {
        type = g_strdup_printf("child<%s>", dev->klass->name);
        add_prop(c->list, dev->canonical_path + strlen(c->prefix), type);
    }
}

static void list_chardev_child(Chardev *chr, void *opaque)
{
    g_autofree char *type =
        g_strdup_printf("child<%s>", qemu_chr_type_name(chr));

    add_prop(opaque, qemu_chr_id(chr), type);
}

/* -object objects live in /objects, as in QEMU. */
static void list_user_object(UserObject *obj, void *opaque)
{
    g_autofree char *type = g_strdup_printf("child<%s>", obj->type->name);

    add_prop(opaque, obj->id, type);
}

static void list_container(const char *path, json_t *list)
{
    add_prop(list, "type", "string");
    for (size_t i = 0; i < G_N_ELEMENTS(containers); i++) {
        if (strcmp(path, containers[i].path) != 0) {
            continue;
        }
        for (const char *const *c = containers[i].children; c && c[0]; c += 2) {
            if (!c[1]) {
                /* "/machine": its type depends on the machine. */
                g_autofree char *m = machine_type_name();
                g_autofree char *t = g_strdup_printf("child<%s>", m);
                add_prop(list, c[0], t);
                add_prop(list, "chardevs", "child<container>");
                break;
            }
            add_prop(list, c[0], c[1]);
        }
        if (containers[i].device_prefix) {
            ListCtx ctx = {list, containers[i].device_prefix};
            qdev_foreach(list_device_child, &ctx);
        }
    }
    if (strcmp(path, "/chardevs") == 0) {
        qemu_chr_foreach(list_chardev_child, list);
    }
    if (strcmp(path, "/objects") == 0) {
        user_object_foreach(list_user_object, list);
    }
}

/*
 * A PCI device's "addr" is QEMU's int32 devfn (slot << 3 | function; -1
 * before a slot is chosen), though Vigil keeps the text given.
 */
static bool is_pci_addr(const DeviceClass *dc, const Property *p)
{
    return dc->bus_type && !strcmp(dc->bus_type, TYPE_PCI_BUS) &&
           !strcmp(p->name, "addr");
}

static const char *prop_type(const DeviceClass *dc, const Property *p)
{
    return is_pci_addr(dc, p) ? "int32" : qdev_prop_type_name(p);
}

/* Generic device properties every device has, before its own. */
static const char *const device_common[] = {
    "type",       "string", "parent_bus",   "link<bus>", "realized", "bool",
    "hotplugged", "bool",   "hotpluggable", "bool",      NULL,
};

static void list_device(DeviceState *dev, json_t *list)
{
    const DeviceClass *dc = dev->klass;

    for (size_t i = 0; device_common[i]; i += 2) {
        add_prop(list, device_common[i], device_common[i + 1]);
    }
    for (const Property *p = dc->props; p && p->name; p++) {
        add_prop(list, p->name, prop_type(dc, p));
    }
    for (const char *const *c = dc->children; c && c[0]; c += 2) {
        add_prop(list, c[0], c[1]);
    }
}

static GError *not_found(const char *path)
{
    return g_error_new(VIGIL_ERROR, VIGIL_ERROR_DEVICE_NOT_FOUND,
                       "Device '%s' not found", path);
}

static void list_object_prop_plain(const ObjectProp *p, void *opaque)
{
    add_prop(opaque, p->name, p->qom_type);
}

/* A region's properties, as QEMU reads them. */
static json_t *region_get(const MemoryRegion *mr, const char *prop)
{
    if (strcmp(prop, "type") == 0) {
        return json_string("memory-region");
    } else if (strcmp(prop, "container") == 0) {
        return json_string(""); /* a link: the address space, unnamed */
    } else if (strcmp(prop, "addr") == 0) {
        return json_uint64(mr->mapped ? mr->addr : 0);
    } else if (strcmp(prop, "priority") == 0) {
        return json_integer(mr->priority);
    } else if (strcmp(prop, "size") == 0) {
        return json_uint64(mr->size);
    }
    return NULL;
}

typedef struct ObjGet {
    UserObject *obj;
    const char *name;
    json_t *value;
} ObjGet;

/* A user object's property value (qom/object.h's kinds). */
static void object_prop_value(const ObjectProp *p, void *opaque)
{
    ObjGet *g = opaque;
    const void *v = (const char *)g->obj + p->offset;

    if (g->value || strcmp(p->name, g->name) != 0) {
        return;
    }
    switch (p->kind) {
    case OBJ_PROP_STR:
        /* An unset string reads "" as in QEMU's visitor. */
        g->value =
            json_string_nocheck(*(char *const *)v ? *(char *const *)v : "");
        break;
    case OBJ_PROP_BOOL:
        g->value = json_boolean(*(const bool *)v);
        break;
    case OBJ_PROP_SIZE:
    case OBJ_PROP_UINT:
        g->value = json_uint64(*(const uint64_t *)v);
        break;
    case OBJ_PROP_ENUM:
        g->value = json_string(p->values[*(const int *)v]);
        break;
    }
}

json_t *qmp_qom_list(QmpSession *s, json_t *args, GError **errp)
{
    const char *path = json_string_value(json_object_get(args, "path"));
    json_t *list;
    Node n;

    if (!resolve(path, &n)) {
        g_propagate_error(errp, not_found(path));
        return NULL;
    }
    list = json_array();
    switch (n.kind) {
    case NODE_CONTAINER:
    case NODE_MACHINE:
        list_container(n.path, list);
        break;
    case NODE_DEVICE:
        list_device(n.dev, list);
        break;
    case NODE_CHARDEV:
        add_prop(list, "type", "string");
        add_prop(list, "connected", "bool");
        break;
    case NODE_REGION:
        /* QEMU's memory-region properties. */
        add_prop(list, "type", "string");
        add_prop(list, "container", "link<memory-region>");
        add_prop(list, "addr", "uint64");
        add_prop(list, "priority", "uint32");
        add_prop(list, "size", "uint64");
        break;
    case NODE_OBJECT:
        add_prop(list, "type", "string");
        object_type_foreach_prop(n.obj->type, list_object_prop_plain, list);
        break;
    case NODE_NONE:
        break;
    }
    return list;
}

static char *bus_path(BusState *bus)
{
    if (bus->parent && bus->parent->canonical_path) {
        return g_strdup_printf("%s/%s", bus->parent->canonical_path, bus->name);
    }
    return g_strdup_printf(UNATTACHED "%s", bus->name);
}

static json_t *device_get(DeviceState *dev, const char *prop)
{
    const DeviceClass *dc = dev->klass;
    const Property *p;

    if (strcmp(prop, "type") == 0) {
        return json_string(dc->name);
    } else if (strcmp(prop, "parent_bus") == 0) {
        g_autofree char *bus =
            dev->parent_bus ? bus_path(dev->parent_bus) : NULL;

        return bus ? json_string_nocheck(bus) : json_null();
    } else if (strcmp(prop, "realized") == 0) {
        return json_boolean(dev->realized);
    } else if (strcmp(prop, "hotplugged") == 0) {
        return json_boolean(dev->hotplugged);
    } else if (strcmp(prop, "hotpluggable") == 0) {
        return json_boolean(dc->hotpluggable);
    }
    p = qdev_prop_find(dc->props, prop);
    if (p && is_pci_addr(dc, p)) {
        return json_integer(
            pci_device_devfn(container_of(dev, PCIDevice, parent_obj)));
    }
    if (p) {
        switch (p->kind) {
        case PROP_KIND_BOOL:
            return json_boolean(qdev_prop_get_bool(dev, p));
        case PROP_KIND_STRING:
            return qdev_prop_get_str(dev, p)
                       ? json_string_nocheck(qdev_prop_get_str(dev, p))
                       : json_null();
        default:
            return json_integer((json_int_t)qdev_prop_get_uint(dev, p));
        }
    }
    for (const char *const *c = dc->children; c && c[0]; c += 2) {
        if (strcmp(c[0], prop) == 0) {
            g_autofree char *child =
                g_strdup_printf("%s/%s", dev->canonical_path, c[0]);
            return json_string_nocheck(child);
        }
    }
    return NULL;
}

json_t *qmp_qom_get(QmpSession *s, json_t *args, GError **errp)
{
    const char *path = json_string_value(json_object_get(args, "path"));
    const char *prop = json_string_value(json_object_get(args, "property"));
    g_autofree char *type = NULL;
    json_t *v = NULL;
    Node n;

    if (!resolve(path, &n)) {
        g_propagate_error(errp, not_found(path));
        return NULL;
    }
    switch (n.kind) {
    case NODE_DEVICE:
        v = device_get(n.dev, prop);
        type = g_strdup(n.dev->klass->name);
        break;
    case NODE_CHARDEV:
        type = g_strdup(qemu_chr_type_name(n.chr));
        if (strcmp(prop, "type") == 0) {
            v = json_string(type);
        } else if (strcmp(prop, "connected") == 0) {
            v = json_boolean(qemu_chr_is_connected(n.chr));
        }
        break;
    case NODE_REGION:
        type = g_strdup("memory-region");
        v = region_get(n.mr, prop);
        break;
    case NODE_OBJECT: {
        ObjGet g = {n.obj, prop, NULL};

        type = g_strdup(n.obj->type->name);
        if (strcmp(prop, "type") == 0) {
            v = json_string(type);
        } else {
            object_type_foreach_prop(n.obj->type, object_prop_value, &g);
            v = g.value;
        }
        break;
    }
    default:
        type = n.kind == NODE_MACHINE ? machine_type_name()
                                      : g_strdup("container");
        if (strcmp(prop, "type") == 0) {
            v = json_string(type);
        } else {
            /* A child of the container: its value is its path. */
            g_autoptr(json_t) list = json_array();
            size_t i;
            json_t *e;

            list_container(n.path, list);
            json_array_foreach(list, i, e)
            {
                if (i && strcmp(json_string_value(json_object_get(e, "name")),
                                prop) == 0) {
                    v = json_sprintf("%s/%s", strcmp(n.path, "/") ? n.path : "",
                                     prop);
                    break;
                }
            }
        }
        break;
    }
    if (!v) {
        error_setg(errp, "Property '%s.%s' not found", type, prop);
    }
    return v;
}

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
        g_autofree char *name = machine_qom_type(machines[i]);
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

/* A machine's properties: the -machine keys that are properties. */
static void list_machine_props(json_t *list)
{
    const CmdlineOption *o = qmp_cmdline_option_find("machine");

    for (const CmdlineParam *p = o ? o->params : NULL; p && p->name; p++) {
        if (p->qom_type) {
            add_described_prop(list, p->name, p->qom_type, p->help);
        }
    }
    add_prop(list, "peripheral-anon", "child<container>");
    add_prop(list, "peripheral", "child<container>");
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
    add_prop(list, "type", "string");
    if (dc) {
        for (size_t i = 2; device_common[i]; i += 2) {
            add_prop(list, device_common[i], device_common[i + 1]);
        }
        for (const Property *p = dc->props; p && p->name; p++) {
            add_described_prop(list, p->name, prop_type(dc, p), p->description);
        }
    } else if (ot) {
        object_type_foreach_prop(ot, list_object_prop, list);
    } else if (type_is_a(types, e, "machine") && !e->abstract) {
        list_machine_props(list);
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
        json_object_set_new(e, "type", json_string(prop_type(dc, p)));
        if (p->description) {
            json_object_set_new(e, "description",
                                json_string_nocheck(p->description));
        }
        if (p->kind == PROP_KIND_BOOL) {
            json_object_set_new(e, "default-value",
                                json_boolean(p->defval_u != 0));
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
    for (const char *const *c = dc->children; c && c[0]; c += 2) {
        add_prop(list, c[0], c[1]);
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

/* ---- qom-set (QEMU 7.2's answers, recorded) ---- */

const QmpType qmp_qom_set_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"path", &qmp_type_str},
            {"property", &qmp_type_str},
            {"value", &qmp_type_any},
            {NULL},
        },
};

/*
 * Every property Vigil has is fixed once the machine is built: device
 * properties are set before realize (QEMU refuses them after it too), the
 * rest are read-only.  "realized" stays true: true is a no-op as in QEMU,
 * false (QEMU unrealizes the device) is refused, as Vigil has no hot
 * unplug.
 */
json_t *qmp_qom_set(QmpSession *s, json_t *args, GError **errp)
{
    const char *path = json_string_value(json_object_get(args, "path"));
    const char *prop = json_string_value(json_object_get(args, "property"));
    json_t *value = json_object_get(args, "value");
    g_autoptr(json_t) get_args =
        json_pack("{s:s,s:s}", "path", path, "property", prop);
    g_autoptr(json_t) cur = qmp_qom_get(s, get_args, errp);
    const char *type;
    Node n;

    if (!cur) {
        return NULL; /* QEMU's "not found" errors, as qom-get gives them */
    }
    resolve(path, &n);
    if (n.kind == NODE_DEVICE) {
        type = n.dev->klass->name;
        if (strcmp(prop, "realized") == 0) {
            if (json_is_true(value)) {
                return json_object();
            }
            error_setg(errp,
                       "Property '%s.realized' cannot be cleared: Vigil has "
                       "no hot unplug",
                       type);
            return NULL;
        }
        if (qdev_prop_find(n.dev->klass->props, prop)) {
            if (n.dev->id) {
                error_setg(errp,
                           "Attempt to set property '%s' on device '%s' "
                           "(type '%s') after it was realized",
                           prop, n.dev->id, type);
            } else {
                error_setg(errp,
                           "Attempt to set property '%s' on anonymous "
                           "device (type '%s') after it was realized",
                           prop, type);
            }
            return NULL;
        }
        error_setg(errp, "Property '%s.%s' is not writable", type, prop);
        return NULL;
    }
    {
        g_autofree char *tname =
            n.kind == NODE_CHARDEV   ? g_strdup(qemu_chr_type_name(n.chr))
            : n.kind == NODE_MACHINE ? machine_type_name()
                                     : g_strdup("container");

        error_setg(errp, "Property '%s.%s' is not writable", tname, prop);
    }
    return NULL;
}
