/*
 * -device: parsing (key=value and JSON), help output, and plugging the
 * parsed devices into the machine.
 *
 * Parsing is done up front, before any socket exists, so a typo fails
 * fast; realize waits until the machine's buses exist.  Texts follow
 * QEMU 7.2 where management tools may match on them.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "system/qdev-monitor.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qobject/json-stream.h"

/* Parsed, not yet realized devices, in command-line order. */
static GPtrArray *pending_devices;
static GPtrArray *pending_optargs; /* the -device text, for messages */
static GPtrArray *pending_buses;   /* bus=NAME (char *) or NULL */

static const char *const category_names[] = {
    [DEVICE_CATEGORY_BRIDGE] = "Controller/Bridge/Hub",
    [DEVICE_CATEGORY_USB] = "USB",
    [DEVICE_CATEGORY_STORAGE] = "Storage",
    [DEVICE_CATEGORY_NETWORK] = "Network",
    [DEVICE_CATEGORY_INPUT] = "Input",
    [DEVICE_CATEGORY_DISPLAY] = "Display",
    [DEVICE_CATEGORY_SOUND] = "Sound",
    [DEVICE_CATEGORY_MISC] = "Misc",
    [DEVICE_CATEGORY_CPU] = "CPU",
    [DEVICE_CATEGORY_WATCHDOG] = "Watchdog",
    [DEVICE_CATEGORY_UNCATEGORIZED] = "Uncategorized",
};

/* One "key=value" item of an option string. */
typedef struct OptItem {
    char *key;
    char *value; /* NULL when the item had no '=' */
} OptItem;

static void opt_item_clear(gpointer p)
{
    OptItem *it = p;

    g_free(it->key);
    g_free(it->value);
}

/* Append "key=value" or a bare "key"; the array owns the copies. */
static void opt_items_add(GArray *items, const char *text)
{
    const char *eq = strchr(text, '=');
    OptItem it = {
        .key = eq ? g_strndup(text, eq - text) : g_strdup(text),
        .value = eq ? g_strdup(eq + 1) : NULL,
    };

    g_array_append_val(items, it);
}

/*
 * Split QEMU-style (qemu_opts_split: ",," is a literal comma in keys and
 * values alike).  The first item may be the bare driver name.
 */
static GArray *opts_split(const char *str)
{
    GArray *items = g_array_new(false, true, sizeof(OptItem));
    g_auto(GStrv) parts = qemu_opts_split(str);

    g_array_set_clear_func(items, opt_item_clear);
    if (!parts[0]) {
        opt_items_add(items, ""); /* as before: "" is one empty item */
    }
    for (int i = 0; parts[i]; i++) {
        opt_items_add(items, parts[i]);
    }
    return items;
}

static bool is_help(const char *s)
{
    return s && (strcmp(s, "help") == 0 || strcmp(s, "?") == 0);
}

/* Case-insensitive, as QEMU lists types. */
static gint compare_type_names(gconstpointer a, gconstpointer b)
{
    const DeviceClass *x = *(const DeviceClass *const *)a;
    const DeviceClass *y = *(const DeviceClass *const *)b;

    return g_ascii_strcasecmp(x->name, y->name);
}

static void print_device_list(void)
{
    size_t n;
    const DeviceClass *const *types = qdev_all_types(&n);
    g_autoptr(GPtrArray) sorted = g_ptr_array_new();
    bool first = true;

    for (size_t i = 0; i < n; i++) {
        g_ptr_array_add(sorted, (gpointer)types[i]);
    }
    g_ptr_array_sort(sorted, compare_type_names);
    for (size_t cat = 0; cat < G_N_ELEMENTS(category_names); cat++) {
        bool header = false;

        for (guint i = 0; i < sorted->len; i++) {
            const DeviceClass *dc = g_ptr_array_index(sorted, i);

            if (dc->category != cat || !dc->user_creatable) {
                continue;
            }
            if (!header) {
                printf("%s%s devices:\n", first ? "" : "\n",
                       category_names[cat]);
                header = true;
                first = false;
            }
            printf("name \"%s\"", dc->name);
            if (dc->bus_type) {
                printf(", bus %s", dc->bus_type);
            }
            if (dc->alias) {
                printf(", alias \"%s\"", dc->alias);
            }
            if (dc->desc) {
                printf(", desc \"%s\"", dc->desc);
            }
            printf("\n");
        }
    }
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "  name=<type>", padded to column 24, " - ", description, default. */
static char *prop_help_line(const Property *prop)
{
    GString *s = g_string_new(NULL);
    g_autofree char *dflt = qdev_prop_format_default(prop);

    g_string_append_printf(s, "  %s=<%s>", prop->name,
                           qdev_prop_type_name(prop));
    if (prop->description || dflt) {
        while (s->len < 24) {
            g_string_append_c(s, ' ');
        }
        g_string_append_printf(s, " - %s",
                               prop->description ? prop->description : "");
        if (dflt &&
            (prop->kind == PROP_KIND_STRING || prop->kind == PROP_KIND_ENUM)) {
            g_string_append_printf(s, " (default: \"%s\")", dflt);
        } else if (dflt) {
            g_string_append_printf(s, " (default: %s)", dflt);
        }
    }
    return g_string_free(s, false);
}

static void print_device_options(const DeviceClass *dc)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    for (const Property *p = dc->props; p && p->name; p++) {
        g_ptr_array_add(lines, prop_help_line(p));
    }
    for (const char *const *c = dc->children;
         c && c[0] && !dc->children_at_realize; c += 2) {
        g_ptr_array_add(lines, g_strdup_printf("  %s=<%s>", c[0], c[1]));
    }
    if (lines->len == 0) {
        printf("There are no options for %s.\n", dc->name);
        return;
    }
    g_ptr_array_sort(lines, compare_strings);
    printf("%s options:\n", dc->name);
    for (guint i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
}

int qdev_device_help(const char *optarg)
{
    g_autoptr(GArray) items = NULL;
    const char *driver = NULL;
    const DeviceClass *dc;
    bool help = false;

    if (is_help(optarg)) {
        print_device_list();
        return 0;
    }
    if (optarg[0] == '{') {
        return -1;
    }
    items = opts_split(optarg);
    for (guint i = 0; i < items->len; i++) {
        OptItem *it = &g_array_index(items, OptItem, i);

        if (!it->value && i == 0) {
            driver = it->key;
        } else if (!it->value && is_help(it->key)) {
            help = true;
        } else if (it->value && strcmp(it->key, "driver") == 0) {
            driver = it->value;
        }
    }
    if (!help) {
        return -1;
    }
    if (!driver || is_help(driver)) {
        print_device_list();
        return 0;
    }
    dc = qdev_find_type(driver);
    if (!dc) {
        /* QEMU treats a help request for an unknown type as answered. */
        error_report("-device %s: Device '%s' not found", optarg, driver);
        return 0;
    }
    print_device_options(dc);
    return 0;
}

static bool id_in_use(const char *id)
{
    if (qdev_find_by_id(id)) {
        return true;
    }
    for (guint i = 0; pending_devices && i < pending_devices->len; i++) {
        DeviceState *d = g_ptr_array_index(pending_devices, i);

        if (d->id && strcmp(d->id, id) == 0) {
            return true;
        }
    }
    return false;
}

/* Driver and id checks shared by both syntaxes; creates the device. */
static DeviceState *device_create(const char *driver, const char *id,
                                  GError **errp)
{
    const DeviceClass *dc;
    DeviceState *dev;

    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return NULL;
    }
    dc = qdev_find_type(driver);
    if (!dc) {
        error_setg(errp, "'%s' is not a valid device model name", driver);
        return NULL;
    }
    if (!dc->user_creatable) {
        error_setg(errp, "Parameter 'driver' expects a pluggable device type");
        return NULL;
    }
    if (id && !id_wellformed(id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
        return NULL;
    }
    if (id && id_in_use(id)) {
        error_setg(errp, "Duplicate ID '%s' for device", id);
        return NULL;
    }
    dev = qdev_new(dc);
    dev->id = g_strdup(id);
    dev->user_created = true;
    return dev;
}

/*
 * "bus" is not a device property: QEMU takes it from the options and
 * puts the device on the bus of that name.  @bus gets a copy.
 */
static DeviceState *parse_keyval(const char *optarg, char **bus, GError **errp)
{
    g_autoptr(GArray) items = opts_split(optarg);
    const char *driver = NULL, *id = NULL;
    DeviceState *dev;

    for (guint i = 0; i < items->len; i++) {
        OptItem *it = &g_array_index(items, OptItem, i);

        if (i == 0 && !it->value) {
            driver = it->key;
        } else if (!it->value) {
            /* QEMU's deprecated short form "flag" meaning flag=on. */
            warn_report("short-form boolean option '%s' deprecated\n"
                        "Please use %s=on instead",
                        it->key, it->key);
            it->value = g_strdup("on");
        }
        if (it->value && strcmp(it->key, "driver") == 0) {
            driver = it->value;
        } else if (it->value && strcmp(it->key, "id") == 0) {
            id = it->value;
        }
    }
    dev = device_create(driver, id, errp);
    if (!dev) {
        return NULL;
    }
    for (guint i = 0; i < items->len; i++) {
        OptItem *it = &g_array_index(items, OptItem, i);

        if (!it->value || strcmp(it->key, "driver") == 0 ||
            strcmp(it->key, "id") == 0) {
            continue;
        }
        if (strcmp(it->key, "bus") == 0) {
            g_free(*bus);
            *bus = g_strdup(it->value);
            continue;
        }
        if (!qdev_set_prop_text(dev, it->key, it->value, errp)) {
            qdev_unref(dev);
            return NULL;
        }
    }
    return dev;
}

static bool set_prop_json(DeviceState *dev, const char *key, json_t *val,
                          GError **errp)
{
    const Property *prop = qdev_find_prop(dev, key);

    if (!prop) {
        error_setg(errp, "Property '%s.%s' not found", dev->klass->name, key);
        return false;
    }
    switch (json_typeof(val)) {
    case JSON_INTEGER:
        return qdev_prop_set_int(dev, prop, json_integer_value(val), errp);
    case JSON_TRUE:
    case JSON_FALSE:
        return qdev_prop_set_bool(dev, prop, json_is_true(val), errp);
    case JSON_STRING:
        return qdev_prop_set_str(dev, prop, json_string_value(val), errp);
    default:
        /* null, real, array, object: the same error as a wrong scalar. */
        if (prop->kind == PROP_KIND_STRING) {
            return qdev_prop_set_bool(dev, prop, false, errp);
        }
        return qdev_prop_set_str(dev, prop, "", errp);
    }
}

static DeviceState *parse_json(const char *optarg, char **bus, GError **errp)
{
    /* QMP's rule for NULs (include/qobject/json-stream.h). */
    json_error_t jerr;
    json_t *obj =
        json_load_nul(optarg, strlen(optarg), JSON_REJECT_DUPLICATES, &jerr);
    json_t *jid, *val;
    const char *key;
    DeviceState *dev = NULL;

    if (!obj) {
        error_setg(errp, "JSON parse error, %s", jerr.text);
        return NULL;
    }
    if (!json_is_object(obj)) {
        error_setg(errp, "'%s' is not a valid device model name", optarg);
        goto out;
    }
    if (!json_check_no_nul(obj, errp)) {
        goto out;
    }
    jid = json_object_get(obj, "id");
    if (jid && !json_is_string(jid)) {
        error_setg(errp, "Invalid parameter type for 'id', expected: string");
        goto out;
    }
    dev = device_create(json_string_value(json_object_get(obj, "driver")),
                        json_string_value(jid), errp);
    if (!dev) {
        goto out;
    }
    json_object_foreach(obj, key, val)
    {
        if (strcmp(key, "driver") == 0 || strcmp(key, "id") == 0) {
            continue;
        }
        if (strcmp(key, "bus") == 0 && json_is_string(val)) {
            g_free(*bus);
            *bus = g_strdup(json_string_value(val));
            continue;
        }
        if (!set_prop_json(dev, key, val, errp)) {
            qdev_unref(dev);
            dev = NULL;
            goto out;
        }
    }
out:
    json_decref(obj);
    return dev;
}

DeviceState *qdev_device_parse(const char *optarg, GError **errp)
{
    DeviceState *dev;
    char *bus = NULL;

    dev = optarg[0] == '{' ? parse_json(optarg, &bus, errp)
                           : parse_keyval(optarg, &bus, errp);
    if (!dev) {
        g_free(bus);
        return NULL;
    }
    if (!pending_devices) {
        pending_devices = g_ptr_array_new();
        pending_optargs = g_ptr_array_new_with_free_func(g_free);
        pending_buses = g_ptr_array_new_with_free_func(g_free);
    }
    g_ptr_array_add(pending_devices, dev);
    g_ptr_array_add(pending_optargs, g_strdup(optarg));
    g_ptr_array_add(pending_buses, bus);
    return dev;
}

/* bus=NAME: the machine's bus of that name, if @dev may sit on it. */
static BusState *find_named_bus(MachineState *ms, DeviceState *dev,
                                const char *name, GError **errp)
{
    BusState *const buses[] = {ms->pci_bus, ms->isa_bus, ms->sysbus};
    const char *want = dev->klass->bus_type;

    for (size_t i = 0; i < G_N_ELEMENTS(buses); i++) {
        if (buses[i] && strcmp(buses[i]->name, name) == 0) {
            if (!want || strcmp(buses[i]->type, want) != 0) {
                error_setg(errp, "Device '%s' can't go on %s bus",
                           dev->klass->name, buses[i]->type);
                return NULL;
            }
            return buses[i];
        }
    }
    error_setg(errp, "Bus '%s' not found", name);
    return NULL;
}

bool qdev_device_realize_all(MachineState *ms, GError **errp)
{
    while (pending_devices && pending_devices->len) {
        DeviceState *dev = g_ptr_array_index(pending_devices, 0);
        const char *bus_name = g_ptr_array_index(pending_buses, 0);
        BusState *bus = bus_name ? find_named_bus(ms, dev, bus_name, errp)
                                 : machine_find_bus_for(ms, dev->klass, errp);

        if (!bus || !qdev_realize(dev, bus, errp)) {
            /* Name the option, as QEMU's error location does. */
            g_prefix_error(errp, "-device %s: ",
                           (char *)g_ptr_array_index(pending_optargs, 0));
            return false;
        }
        /* The registry owns it now. */
        g_ptr_array_remove_index(pending_devices, 0);
        g_ptr_array_remove_index(pending_optargs, 0);
        g_ptr_array_remove_index(pending_buses, 0);
    }
    return true;
}

void qdev_device_free_pending(void)
{
    if (!pending_devices) {
        return;
    }
    for (guint i = 0; i < pending_devices->len; i++) {
        qdev_unref(g_ptr_array_index(pending_devices, i));
    }
    g_ptr_array_free(pending_devices, true);
    g_ptr_array_free(pending_optargs, true);
    g_ptr_array_free(pending_buses, true);
    pending_devices = NULL;
    pending_optargs = NULL;
    pending_buses = NULL;
}
