/*
 * Device instances: creation, properties, realize/unrealize, buses, and
 * the registry of realized devices (qom-list, ACPI, system_reset).
 *
 * The registry is a plain array in realize order: the reset order and the
 * ACPI node order then follow the command line, so an unchanged command
 * line gives the guest unchanged tables.
 */
#include <stdio.h>
#include <string.h>

#include "hw/core/qdev.h"

/* Realized devices, in realize order.  Owns them. */
static GPtrArray *realized_devices;
/* Set once the machine is complete: later realizes are hotplugs. */
static bool hotplug_phase;

#define PERIPHERAL_PREFIX "/machine/peripheral/"
#define ANON_PREFIX       "/machine/peripheral-anon/device["
#define UNATTACHED_PREFIX "/machine/unattached/device["

typedef struct GlobalProp {
    char *driver;
    char *prop;
    char *value;
} GlobalProp;

static GPtrArray *globals; /* GlobalProp *, in command-line order */

static void global_free(gpointer p)
{
    GlobalProp *g = p;

    g_free(g->driver);
    g_free(g->prop);
    g_free(g->value);
    g_free(g);
}

/* Apply the globals for @dev's type; false (and @errp) on the first that
 * does not parse. */
static bool apply_globals(DeviceState *dev, GError **errp)
{
    for (guint i = 0; globals && i < globals->len; i++) {
        GlobalProp *g = g_ptr_array_index(globals, i);
        GError *err = NULL;

        if (strcmp(g->driver, dev->klass->name) != 0 &&
            g_strcmp0(g->driver, dev->klass->alias) != 0) {
            continue;
        }
        if (!qdev_set_prop_text(dev, g->prop, g->value, &err)) {
            error_setg(errp, "can't apply global %s.%s=%s: %s", g->driver,
                       g->prop, g->value, err->message);
            g_error_free(err);
            return false;
        }
    }
    return true;
}

bool qdev_add_global(const DeviceClass *dc, const char *driver,
                     const char *prop, const char *value, GError **errp)
{
    GlobalProp *g = g_new0(GlobalProp, 1);

    g->driver = g_strdup(driver);
    g->prop = g_strdup(prop);
    g->value = g_strdup(value);
    if (!globals) {
        globals = g_ptr_array_new_with_free_func(global_free);
    }
    g_ptr_array_add(globals, g);
    if (dc) {
        /* A scratch instance shows a bad value now, not at machine
         * creation, with the same text. */
        DeviceState *dev = g_malloc0(dc->instance_size);
        bool ok;

        dev->klass = dc;
        qdev_prop_set_defaults(dev, dc->props);
        ok = apply_globals(dev, errp);
        qdev_prop_free_values(dev, dc->props);
        g_free(dev);
        if (!ok) {
            g_ptr_array_remove_index(globals, globals->len - 1);
            return false;
        }
    }
    return true;
}

void qdev_clear_globals(void)
{
    g_clear_pointer(&globals, g_ptr_array_unref);
}

DeviceState *qdev_new(const DeviceClass *dc)
{
    DeviceState *dev;

    g_assert(dc->instance_size >= sizeof(DeviceState));
    dev = g_malloc0(dc->instance_size);
    dev->klass = dc;
    qdev_prop_set_defaults(dev, dc->props);
    /* Checked when they were added (qdev_add_global). */
    apply_globals(dev, NULL);
    if (dc->instance_init) {
        dc->instance_init(dev);
    }
    return dev;
}

void qdev_unref(DeviceState *dev)
{
    if (!dev) {
        return;
    }
    qdev_unrealize(dev);
    if (dev->klass->finalize) {
        dev->klass->finalize(dev);
    }
    qdev_prop_free_values(dev, dev->klass->props);
    g_free(dev->id);
    g_free(dev->canonical_path);
    g_free(dev);
}

const Property *qdev_find_prop(DeviceState *dev, const char *name)
{
    return qdev_prop_find(dev->klass->props, name);
}

bool qdev_set_prop_text(DeviceState *dev, const char *name, const char *text,
                        GError **errp)
{
    const Property *prop = qdev_find_prop(dev, name);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found", dev->klass->name, name);
        return false;
    }
    if (dev->realized) {
        error_setg(errp,
                   "Attempt to set property '%s' on device '%s' "
                   "(type '%s') after it was realized",
                   name, dev->id ? dev->id : "<anonymous>", dev->klass->name);
        return false;
    }
    return qdev_prop_parse(dev, prop, text, errp);
}

static bool path_in_use(const char *path)
{
    for (guint i = 0; realized_devices && i < realized_devices->len; i++) {
        DeviceState *d = g_ptr_array_index(realized_devices, i);

        if (g_strcmp0(d->canonical_path, path) == 0) {
            return true;
        }
    }
    return false;
}

/* QEMU gives anonymous devices the lowest free "device[N]" slot. */
static char *anon_path(const char *prefix)
{
    for (unsigned n = 0;; n++) {
        char *path = g_strdup_printf("%s%u]", prefix, n);

        if (!path_in_use(path)) {
            return path;
        }
        g_free(path);
    }
}

static void registry_remove(DeviceState *dev)
{
    if (realized_devices) {
        g_ptr_array_remove(realized_devices, dev);
    }
    if (dev->parent_bus) {
        g_ptr_array_remove(dev->parent_bus->children, dev);
        dev->parent_bus = NULL;
    }
    g_clear_pointer(&dev->canonical_path, g_free);
}

bool qdev_realize(DeviceState *dev, BusState *bus, GError **errp)
{
    const DeviceClass *dc = dev->klass;

    if (dev->realized) {
        return true;
    }
    if (dc->bus_type && (!bus || strcmp(bus->type, dc->bus_type) != 0)) {
        error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type,
                   dc->name);
        return false;
    }
    if (hotplug_phase) {
        if (bus && !bus->hotplug_allowed) {
            error_setg(errp, "Bus '%s' does not support hotplugging",
                       bus->name);
            return false;
        }
        if (!dc->hotpluggable) {
            error_setg(errp, "Device '%s' does not support hotplugging",
                       dc->name);
            return false;
        }
    }
    if (dev->id && qdev_find_by_id(dev->id)) {
        error_setg(errp, "Duplicate ID '%s' for device", dev->id);
        return false;
    }

    if (!realized_devices) {
        realized_devices = g_ptr_array_new();
    }
    /* A board device may come with the path QEMU gives it (its own
     * name, or QEMU's unattached number, which counts devices Vigil does
     * not have). */
    if (!dev->id && !dev->user_created && dev->canonical_path &&
        path_in_use(dev->canonical_path)) {
        error_setg(errp, "attempt to add duplicate property '%s'",
                   dev->canonical_path);
        return false;
    }
    dev->hotplugged = hotplug_phase;
    if (dev->id || dev->user_created || !dev->canonical_path) {
        g_free(dev->canonical_path);
        dev->canonical_path =
            dev->id ? g_strconcat(PERIPHERAL_PREFIX, dev->id, NULL)
                    : anon_path(dev->user_created ? ANON_PREFIX
                                                  : UNATTACHED_PREFIX);
    }
    dev->parent_bus = bus;
    if (bus) {
        g_ptr_array_add(bus->children, dev);
    }
    /* In the registry before realize() so the device can see its peers. */
    g_ptr_array_add(realized_devices, dev);
    if (dc->realize && !dc->realize(dev, errp)) {
        registry_remove(dev);
        dev->hotplugged = false;
        return false;
    }
    dev->realized = true;
    return true;
}

void qdev_unrealize(DeviceState *dev)
{
    if (!dev->canonical_path) {
        return; /* never realized, or already removed */
    }
    if (dev->realized && dev->klass->unrealize) {
        dev->klass->unrealize(dev);
    }
    dev->realized = false;
    registry_remove(dev);
}

bool qdev_set_realized(DeviceState *dev, bool value, GError **errp)
{
    const DeviceClass *dc = dev->klass;

    if (value == dev->realized) {
        return true;
    }
    if (!dev->user_created || !dc->unrealize) {
        error_setg(errp,
                   "Property '%s.realized' cannot be cleared: the device is "
                   "part of the board",
                   dc->name);
        return false;
    }
    if (!value) {
        dc->unrealize(dev);
        dev->realized = false;
        return true;
    }
    if (dc->realize && !dc->realize(dev, errp)) {
        return false;
    }
    dev->realized = true;
    return true;
}

void qdev_reset_all(void)
{
    for (guint i = 0; realized_devices && i < realized_devices->len; i++) {
        DeviceState *d = g_ptr_array_index(realized_devices, i);

        if (d->realized && d->klass->reset) {
            d->klass->reset(d);
        }
    }
}

BusState *qbus_new(const char *type, const char *name, DeviceState *parent)
{
    BusState *bus = g_new0(BusState, 1);

    bus->type = type;
    bus->name = g_strdup(name);
    bus->parent = parent;
    bus->children = g_ptr_array_new();
    return bus;
}

void qbus_free(BusState *bus)
{
    if (!bus) {
        return;
    }
    /* Devices are owned by the registry; just detach them. */
    for (guint i = 0; i < bus->children->len; i++) {
        DeviceState *d = g_ptr_array_index(bus->children, i);

        d->parent_bus = NULL;
    }
    g_ptr_array_free(bus->children, true);
    g_free(bus->name);
    g_free(bus);
}

void qdev_foreach(void (*fn)(DeviceState *dev, void *opaque), void *opaque)
{
    for (guint i = 0; realized_devices && i < realized_devices->len; i++) {
        fn(g_ptr_array_index(realized_devices, i), opaque);
    }
}

DeviceState *qdev_find_by_id(const char *id)
{
    for (guint i = 0; realized_devices && i < realized_devices->len; i++) {
        DeviceState *d = g_ptr_array_index(realized_devices, i);

        if (d->id && strcmp(d->id, id) == 0) {
            return d;
        }
    }
    return NULL;
}

/*
 * Full canonical paths match exactly; a bare id names a peripheral; any
 * other relative path is accepted when it is the unique tail of one
 * canonical path (QEMU's partial paths, e.g. "device[0]").
 */
DeviceState *qdev_resolve_path(const char *path)
{
    DeviceState *found = NULL;
    size_t len;

    if (!path || !*path || !realized_devices) {
        return NULL;
    }
    if (path[0] == '/') {
        for (guint i = 0; i < realized_devices->len; i++) {
            DeviceState *d = g_ptr_array_index(realized_devices, i);

            if (strcmp(d->canonical_path, path) == 0) {
                return d;
            }
        }
        return NULL;
    }
    if (!strchr(path, '/')) {
        found = qdev_find_by_id(path);
        if (found) {
            return found;
        }
    }
    len = strlen(path);
    for (guint i = 0; i < realized_devices->len; i++) {
        DeviceState *d = g_ptr_array_index(realized_devices, i);
        size_t plen = strlen(d->canonical_path);

        if (plen > len && d->canonical_path[plen - len - 1] == '/' &&
            strcmp(d->canonical_path + plen - len, path) == 0) {
            if (found) {
                return NULL; /* ambiguous */
            }
            found = d;
        }
    }
    return found;
}

void qdev_machine_creation_done(void)
{
    hotplug_phase = true;
}

void qdev_destroy_all(void)
{
    if (!realized_devices) {
        hotplug_phase = false;
        return;
    }
    /* Reverse order: later devices may depend on earlier ones. */
    while (realized_devices->len) {
        DeviceState *d =
            g_ptr_array_index(realized_devices, realized_devices->len - 1);

        qdev_unref(d);
    }
    g_ptr_array_free(realized_devices, true);
    realized_devices = NULL;
    hotplug_phase = false;
}
