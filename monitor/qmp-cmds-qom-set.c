/*
 * qom-set, with QEMU 7.2's answers (tests/diff scenario qom-set,
 * docs/interop/qmp.rst):
 *   - a device's static properties: "Attempt to set property ... after it
 *     was realized" while realized; set (and used by the next realize)
 *     once "realized" is false;
 *   - "realized": true is a no-op on a realized device; false unrealizes
 *     a -device/device_add device (its port or BAR goes away) and true
 *     realizes it again; the board's own devices refuse it
 *     (qdev_set_realized(): QEMU accepts and then misbehaves);
 *   - /objects/ID: what the object type allows after creation
 *     (user_object_set());
 *   - everything else Vigil shows is read-only: "Property 'T.P' is not
 *     writable", with T the QOM type QEMU names.
 * Paths and properties that do not exist fail as qom-get does.
 */
#include "monitor-internal.h"
#include "qom-internal.h"
#include "hw/pci/pci.h"
#include "qobject/json-writer.h"

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

static bool not_writable(const char *type, const char *prop, GError **errp)
{
    error_setg(errp, "Property '%s.%s' is not writable", type, prop);
    return false;
}

/*
 * A PCI device's "addr" is QEMU's devfn: an integer (slot << 3 | fn, -1
 * for the first free slot) or the text "SLOT[.FN]"; Vigil keeps the text.
 */
static bool set_pci_addr(DeviceState *dev, const Property *p, json_t *v,
                         GError **errp)
{
    g_autofree char *text = NULL;

    if (json_is_integer(v)) {
        json_int_t devfn = json_integer_value(v);

        if (devfn < -1 || devfn > 255) {
            error_setg(errp,
                       "Parameter '%s' expects a value between -1 and 255",
                       p->name);
            return false;
        }
        if (devfn >= 0) {
            text = g_strdup_printf("%x.%x", (unsigned)(devfn >> 3),
                                   (unsigned)(devfn & 7));
        }
        return qdev_prop_set_str(dev, p, text, errp);
    }
    if (!json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected int or str",
                   p->name);
        return false;
    }
    return qdev_prop_set_str(dev, p, json_string_value(v), errp);
}

/* A static property of an unrealized device, from its JSON value. */
static bool set_static_prop(DeviceState *dev, const Property *p, json_t *v,
                            GError **errp)
{
    const DeviceClass *dc = dev->klass;

    if (dc->bus_type && !strcmp(dc->bus_type, TYPE_PCI_BUS) &&
        !strcmp(p->name, "addr")) {
        return set_pci_addr(dev, p, v, errp);
    }
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        return qdev_prop_set_int(dev, p, json_integer_value(v), errp);
    case JSON_TRUE:
    case JSON_FALSE:
        return qdev_prop_set_bool(dev, p, json_is_true(v), errp);
    case JSON_STRING:
        return qdev_prop_set_str(dev, p, json_string_value(v), errp);
    default:
        /* null, real, array, object: the error of a wrong scalar. */
        if (p->kind == PROP_KIND_STRING || p->kind == PROP_KIND_ENUM) {
            return qdev_prop_set_bool(dev, p, false, errp);
        }
        return qdev_prop_set_str(dev, p, "", errp);
    }
}

static bool device_set(DeviceState *dev, const char *prop, json_t *v,
                       GError **errp)
{
    const DeviceClass *dc = dev->klass;
    const Property *p;

    if (strcmp(prop, "realized") == 0) {
        if (!json_is_boolean(v)) {
            error_setg(errp, "Invalid parameter type for 'realized', expected: "
                             "boolean");
            return false;
        }
        return qdev_set_realized(dev, json_is_true(v), errp);
    }
    p = qdev_prop_find(dc->props, prop);
    if (!p && qom_board_set_prop(dev, prop, errp)) {
        return false;
    }
    if (!p) {
        /* type, parent_bus, hotplugged, hotpluggable, children. */
        return not_writable(dc->name, prop, errp);
    }
    if (dev->realized) {
        if (dev->id) {
            error_setg(errp,
                       "Attempt to set property '%s' on device '%s' "
                       "(type '%s') after it was realized",
                       prop, dev->id, dc->name);
        } else {
            error_setg(errp,
                       "Attempt to set property '%s' on anonymous "
                       "device (type '%s') after it was realized",
                       prop, dc->name);
        }
        return false;
    }
    return set_static_prop(dev, p, v, errp);
}

static bool object_set(UserObject *obj, const char *prop, json_t *v,
                       GError **errp)
{
    g_autofree char *text = NULL;

    if (strcmp(prop, "type") == 0 || strcmp(prop, "loaded") == 0) {
        return not_writable(obj->type->name, prop, errp);
    }
    text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    return user_object_set(obj, prop, text, errp);
}

json_t *qmp_qom_set(QmpSession *s, json_t *args, GError **errp)
{
    const char *path = json_string_value(json_object_get(args, "path"));
    const char *prop = json_string_value(json_object_get(args, "property"));
    json_t *value = json_object_get(args, "value");
    g_autoptr(json_t) get_args =
        json_pack("{s:s,s:s}", "path", path, "property", prop);
    g_autoptr(json_t) cur = qmp_qom_get(s, get_args, errp);
    g_autofree char *type = NULL;
    bool ok;
    Node n;

    if (!cur) {
        return NULL; /* QEMU's "not found" errors, as qom-get gives them */
    }
    qom_resolve(path, &n);
    switch (n.kind) {
    case NODE_DEVICE:
        ok = device_set(n.dev, prop, value, errp);
        break;
    case NODE_OBJECT:
        ok = object_set(n.obj, prop, value, errp);
        break;
    case NODE_REGION:
        ok = not_writable("memory-region", prop, errp);
        break;
    case NODE_CHARDEV:
        ok = not_writable(qemu_chr_type_name(n.chr), prop, errp);
        break;
    case NODE_BUS:
        ok = not_writable(n.bus->type, prop, errp);
        break;
    case NODE_BOARD:
        ok = qom_board_node_set(n.board, prop, value, errp);
        break;
    case NODE_QTEST: {
        g_autoptr(json_t) setting = qom_qtest_get(prop);

        /* QEMU's qtest object takes its settings only when created. */
        if (setting) {
            error_setg(errp, "Property '%s' can not be set now", prop);
            ok = false;
        } else {
            ok = not_writable("qtest", prop, errp);
        }
        break;
    }
    case NODE_MACHINE:
        ok = qom_machine_set(prop, value, errp);
        break;
    default:
        ok = not_writable("container", prop, errp);
        break;
    }
    return ok ? json_object() : NULL;
}
