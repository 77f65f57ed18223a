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
#include "qom-internal.h"
#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/catalog.h"
#include "hw/core/qdev.h"
#include "hw/pci/pci.h"
#include "hw/rtc/mc146818rtc.h"
#include "monitor/cmdline.h"
#include "qobject/json-writer.h"
#include "qom/object.h"
#include "system/accel.h"
#include "system/qtest.h"
#include "system/system.h"

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
char *qom_machine_type(const MachineClass *mc)
{
    return g_strdup_printf("%s-machine", mc->name);
}

char *qom_machine_type_name(void)
{
    return current_machine ? qom_machine_type(current_machine->mc)
                           : g_strdup("none-machine");
}

/*
 * QEMU's qtest server is an object at /machine/qtest whose "chardev" is
 * the id of its chardev ("qtest" for -qtest) and "log" the -qtest-log
 * file.
 */
#define QTEST_PATH "/machine/qtest"

static bool has_qtest_node(void)
{
    return current_machine && qtest_enabled() && qemu_chr_find("qtest");
}

json_t *qom_qtest_get(const char *prop)
{
    if (strcmp(prop, "chardev") == 0) {
        return json_string("qtest");
    } else if (strcmp(prop, "log") == 0) {
        return json_string_nocheck(qtest_log_arg ? qtest_log_arg : "");
    }
    return NULL;
}

/* Only socket chardevs have "connected" in QEMU. */
bool qom_chardev_has_connected(Chardev *chr)
{
    return strcmp(qemu_chr_type_name(chr), "chardev-socket") == 0;
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

char *qom_bus_path(const BusState *bus)
{
    if (bus->parent && bus->parent->canonical_path) {
        return g_strdup_printf("%s/%s", bus->parent->canonical_path, bus->name);
    }
    if (current_machine && bus == current_machine->sysbus) {
        return g_strdup(UNATTACHED "sysbus");
    }
    return g_strdup_printf(UNATTACHED "%s", bus->name);
}

/*
 * Buses are found through the devices on them (every bus of the board
 * has at least one).
 */
typedef struct BusFind {
    const char *path;         /* a bus path to find, or NULL */
    const DeviceState *owner; /* or: the buses of this device */
    json_t *list;             /* ... listed here */
    BusState *found;
    GPtrArray *seen;
} BusFind;

static void find_bus(DeviceState *dev, void *opaque)
{
    BusFind *f = opaque;
    BusState *bus = dev->parent_bus;

    if (!bus || g_ptr_array_find(f->seen, bus, NULL)) {
        return;
    }
    g_ptr_array_add(f->seen, bus);
    if (f->path) {
        g_autofree char *path = qom_bus_path(bus);

        if (!f->found && strcmp(path, f->path) == 0) {
            f->found = bus;
        }
    } else if (bus->parent == f->owner) {
        g_autofree char *type = g_strdup_printf("child<%s>", bus->type);

        qom_add_prop(f->list, bus->name, type);
    }
}

static BusState *resolve_bus(const char *path)
{
    g_autoptr(GPtrArray) seen = g_ptr_array_new();
    BusFind f = {.path = path, .seen = seen};

    if (current_machine && strcmp(path, UNATTACHED "sysbus") == 0) {
        return current_machine->sysbus; /* also with nothing on it */
    }

    qdev_foreach(find_bus, &f);
    return f.found;
}

/* Append the buses @owner (NULL: the machine) has to @list. */
static void list_buses(const DeviceState *owner, json_t *list)
{
    g_autoptr(GPtrArray) seen = g_ptr_array_new();
    BusFind f = {.owner = owner, .list = list, .seen = seen};

    qdev_foreach(find_bus, &f);
}

bool qom_resolve(const char *path, Node *n)
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
    if ((n->board = qom_board_node_find(path)) >= 0) {
        n->kind = NODE_BOARD;
        n->path = path;
        return true;
    }
    if (strcmp(path, QTEST_PATH) == 0 && has_qtest_node()) {
        n->kind = NODE_QTEST;
        n->path = QTEST_PATH;
        return true;
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
    if (path[0] == '/' && (n->bus = resolve_bus(path))) {
        n->kind = NODE_BUS;
        n->path = path;
        return true;
    }
    return resolve_region(path, n);
}

void qom_add_prop(json_t *list, const char *name, const char *type)
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
        qom_add_prop(c->list, dev->canonical_path + strlen(c->prefix), type);
    }
}

static void list_chardev_child(Chardev *chr, void *opaque)
{
    g_autofree char *type =
        g_strdup_printf("child<%s>", qemu_chr_type_name(chr));

    qom_add_prop(opaque, qemu_chr_id(chr), type);
}

/* -object objects live in /objects, as in QEMU. */
static void list_user_object(UserObject *obj, void *opaque)
{
    g_autofree char *type = g_strdup_printf("child<%s>", obj->type->name);

    qom_add_prop(opaque, obj->id, type);
}

static void list_container(const char *path, json_t *list)
{
    qom_add_prop(list, "type", "string");
    if (strcmp(path, "/machine") == 0) {
        qom_machine_list_props(list);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(containers); i++) {
        if (strcmp(path, containers[i].path) != 0) {
            continue;
        }
        for (const char *const *c = containers[i].children; c && c[0]; c += 2) {
            if (!c[1]) {
                /* "/machine": its type depends on the machine. */
                g_autofree char *m = qom_machine_type_name();
                g_autofree char *t = g_strdup_printf("child<%s>", m);
                qom_add_prop(list, c[0], t);
                qom_add_prop(list, "chardevs", "child<container>");
                break;
            }
            qom_add_prop(list, c[0], c[1]);
        }
        if (strcmp(path, "/machine") == 0 && has_qtest_node()) {
            qom_add_prop(list, "qtest", "child<qtest>");
        }
        if (containers[i].device_prefix) {
            ListCtx ctx = {list, containers[i].device_prefix};
            qdev_foreach(list_device_child, &ctx);
        }
    }
    if (strcmp(path, "/machine/unattached") == 0 && current_machine) {
        qom_add_prop(list, "sysbus", "child<System>");
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

const char *qom_prop_type(const DeviceClass *dc, const Property *p)
{
    return is_pci_addr(dc, p) ? "int32" : qdev_prop_type_name(p);
}

/* Generic device properties every device has, before its own. */
const char *const qom_device_common[] = {
    "type",       "string", "parent_bus",   "link<bus>", "realized", "bool",
    "hotplugged", "bool",   "hotpluggable", "bool",      NULL,
};

static void list_device(DeviceState *dev, json_t *list)
{
    const DeviceClass *dc = dev->klass;

    for (size_t i = 0; qom_device_common[i]; i += 2) {
        qom_add_prop(list, qom_device_common[i], qom_device_common[i + 1]);
    }
    for (const Property *p = dc->props; p && p->name; p++) {
        qom_add_prop(list, p->name, qom_prop_type(dc, p));
    }
    qom_board_list_props(dev, list);
    if (dc == &mc146818rtc_class) {
        qom_add_prop(list, "date", "struct tm");
    }
    for (const char *const *c = dc->children; c && c[0]; c += 2) {
        qom_add_prop(list, c[0], c[1]);
    }
    list_buses(dev, list);
}

/* A bus: QEMU's "type", "realized" and a link per child, numbered in
 * the order the children came. */
static void list_bus(const BusState *bus, json_t *list)
{
    qom_add_prop(list, "type", "string");
    qom_add_prop(list, "realized", "bool");
    for (guint i = 0; i < bus->children->len; i++) {
        DeviceState *d = g_ptr_array_index(bus->children, i);
        g_autofree char *name = g_strdup_printf("child[%u]", i);
        g_autofree char *type = g_strdup_printf("link<%s>", d->klass->name);

        qom_add_prop(list, name, type);
    }
}

static json_t *bus_get(const BusState *bus, const char *prop)
{
    unsigned i;
    char end;

    if (strcmp(prop, "type") == 0) {
        return json_string(bus->type);
    } else if (strcmp(prop, "realized") == 0) {
        /* QEMU never realizes its main system bus. */
        return json_boolean(!current_machine || bus != current_machine->sysbus);
    } else if (sscanf(prop, "child[%u%c", &i, &end) == 2 && end == ']' &&
               i < bus->children->len) {
        DeviceState *d = g_ptr_array_index(bus->children, i);

        return json_string_nocheck(d->canonical_path);
    }
    return NULL;
}

/* The RTC's "date" as QEMU's visitor gives a struct tm. */
static json_t *rtc_date(DeviceState *dev)
{
    struct tm tm;

    mc146818rtc_get_date(dev, &tm);
    return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "tm_year", tm.tm_year,
                     "tm_mon", tm.tm_mon, "tm_mday", tm.tm_mday, "tm_hour",
                     tm.tm_hour, "tm_min", tm.tm_min, "tm_sec", tm.tm_sec);
}

static GError *not_found(const char *path)
{
    return g_error_new(VIGIL_ERROR, VIGIL_ERROR_DEVICE_NOT_FOUND,
                       "Device '%s' not found", path);
}

static void list_object_prop_plain(const ObjectProp *p, void *opaque)
{
    qom_add_prop(opaque, p->name, p->qom_type);
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

    if (!g->value && strcmp(p->name, g->name) == 0) {
        g->value = user_object_prop_value(g->obj, p);
    }
}

json_t *qmp_qom_list(QmpSession *s, json_t *args, GError **errp)
{
    const char *path = json_string_value(json_object_get(args, "path"));
    json_t *list;
    Node n;

    if (!qom_resolve(path, &n)) {
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
        qom_add_prop(list, "type", "string");
        if (qom_chardev_has_connected(n.chr)) {
            qom_add_prop(list, "connected", "bool");
        }
        break;
    case NODE_REGION:
        /* QEMU's memory-region properties. */
        qom_add_prop(list, "type", "string");
        qom_add_prop(list, "container", "link<memory-region>");
        qom_add_prop(list, "addr", "uint64");
        qom_add_prop(list, "priority", "uint32");
        qom_add_prop(list, "size", "uint64");
        break;
    case NODE_OBJECT:
        qom_add_prop(list, "type", "string");
        if (object_type_is_a(n.obj->type, "secret")) {
            qom_add_prop(list, "loaded", "bool");
        }
        object_type_foreach_prop(n.obj->type, list_object_prop_plain, list);
        break;
    case NODE_BUS:
        list_bus(n.bus, list);
        break;
    case NODE_BOARD:
        qom_board_node_list(n.board, list);
        break;
    case NODE_QTEST:
        qom_add_prop(list, "type", "string");
        qom_add_prop(list, "chardev", "string");
        qom_add_prop(list, "log", "string");
        break;
    case NODE_NONE:
        break;
    }
    return list;
}

/* An unrealized PCI device's "addr" text ("SLOT[.FN]", hex) as QEMU's
 * devfn, -1 when unset or unreadable. */
static int unrealized_devfn(DeviceState *dev, const Property *p)
{
    const char *text = qdev_prop_get_str(dev, p);
    unsigned slot, fn = 0;
    int n = text ? sscanf(text, "%x.%x", &slot, &fn) : 0;

    return n >= 1 && slot < 32 && fn < 8 ? (int)(slot << 3 | fn) : -1;
}

/* A bus of @dev named @prop: its path. */
static json_t *device_bus_get(DeviceState *dev, const char *prop)
{
    g_autofree char *path = g_strdup_printf("%s/%s", dev->canonical_path, prop);
    BusState *bus = resolve_bus(path);

    return bus && bus->parent == dev ? json_string_nocheck(path) : NULL;
}

static json_t *device_get(DeviceState *dev, const char *prop)
{
    const DeviceClass *dc = dev->klass;
    const Property *p;
    json_t *v;

    if (strcmp(prop, "type") == 0) {
        return json_string(dc->name);
    } else if (strcmp(prop, "parent_bus") == 0) {
        g_autofree char *bus =
            dev->parent_bus ? qom_bus_path(dev->parent_bus) : NULL;

        /* A link to nothing reads "" (a vCPU has no bus). */
        return json_string_nocheck(bus ? bus : "");
    } else if (strcmp(prop, "realized") == 0) {
        return json_boolean(dev->realized);
    } else if (strcmp(prop, "hotplugged") == 0) {
        return json_boolean(dev->hotplugged);
    } else if (strcmp(prop, "hotpluggable") == 0) {
        return json_boolean(dc->hotpluggable);
    } else if (strcmp(prop, "date") == 0 && dc == &mc146818rtc_class) {
        return rtc_date(dev);
    } else if ((v = qom_board_get_prop(dev, prop))) {
        return v;
    }
    p = qdev_prop_find(dc->props, prop);
    if (p && is_pci_addr(dc, p)) {
        return json_integer(dev->realized ? pci_device_devfn(container_of(
                                                dev, PCIDevice, parent_obj))
                                          : unrealized_devfn(dev, p));
    }
    if (p) {
        switch (p->kind) {
        case PROP_KIND_BOOL:
            return json_boolean(qdev_prop_get_bool(dev, p));
        case PROP_KIND_ENUM:
            return json_string(qdev_prop_get_str(dev, p));
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
    return device_bus_get(dev, prop);
}

json_t *qmp_qom_get(QmpSession *s, json_t *args, GError **errp)
{
    const char *path = json_string_value(json_object_get(args, "path"));
    const char *prop = json_string_value(json_object_get(args, "property"));
    g_autofree char *type = NULL;
    json_t *v = NULL;
    Node n;

    if (!qom_resolve(path, &n)) {
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
        } else if (strcmp(prop, "connected") == 0 &&
                   qom_chardev_has_connected(n.chr)) {
            v = json_boolean(qemu_chr_is_connected(n.chr));
        }
        break;
    case NODE_REGION:
        type = g_strdup("memory-region");
        v = region_get(n.mr, prop);
        break;
    case NODE_BUS:
        type = g_strdup(n.bus->type);
        v = bus_get(n.bus, prop);
        break;
    case NODE_BOARD:
        type = g_strdup(qom_board_node_type(n.board));
        v = qom_board_node_get(n.board, prop);
        break;
    case NODE_QTEST:
        type = g_strdup("qtest");
        v = strcmp(prop, "type") ? qom_qtest_get(prop) : json_string(type);
        break;
    case NODE_OBJECT: {
        ObjGet g = {n.obj, prop, NULL};

        type = g_strdup(n.obj->type->name);
        if (strcmp(prop, "type") == 0) {
            v = json_string(type);
        } else if (strcmp(prop, "loaded") == 0 &&
                   object_type_is_a(n.obj->type, "secret")) {
            v = json_boolean(n.obj->completed); /* QEMU: the data is read */
        } else {
            object_type_foreach_prop(n.obj->type, object_prop_value, &g);
            v = g.value;
        }
        break;
    }
    default:
        type = n.kind == NODE_MACHINE ? qom_machine_type_name()
                                      : g_strdup("container");
        if (strcmp(prop, "type") == 0) {
            v = json_string(type);
        } else if (n.kind == NODE_MACHINE && (v = qom_machine_get(prop))) {
            break;
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
