/*
 * The device model: device types, instances, buses, realize.
 *
 * Deliberately small: a device type is a static DeviceClass table entry;
 * an instance is a state struct whose first member is DeviceState
 * (`parent_obj`), reached with container_of.  There is no class engine.
 *
 * Lifecycle:
 *   qdev_new(type)      allocate, set property defaults, instance_init()
 *                       (cannot fail)
 *   qdev_prop_* / qdev_set_prop_text()  set properties (before realize)
 *   qdev_realize(dev, bus, errp)  attach to @bus and call realize(); on
 *                       failure the device is detached again and can be
 *                       freed with qdev_unref()
 *   qdev_unrealize(dev) undo exactly what realize did, leave the tree
 *   qdev_set_realized() qom-set realized: undo or redo realize in the tree
 *   qdev_unref(dev)     free an unrealized device
 *
 * Every call expects the BQL.
 */
#ifndef HW_CORE_QDEV_H
#define HW_CORE_QDEV_H

#include "qemu/common.h"
#include "hw/core/qdev-properties.h"

typedef struct DeviceState DeviceState;
typedef struct BusState BusState;
typedef struct DeviceClass DeviceClass;
typedef struct Aml Aml;

/*
 * A group of out-GPIO lines as QEMU's qdev names them: @name NULL for the
 * unnamed group ("unnamed-gpio-out[N]"), else the named group's name.
 */
typedef struct DeviceGpioOut {
    const char *name;
    unsigned count;
} DeviceGpioOut;

/* Categories print in this order in -device help (QEMU's names). */
typedef enum DeviceCategory {
    DEVICE_CATEGORY_BRIDGE,
    DEVICE_CATEGORY_USB,
    DEVICE_CATEGORY_STORAGE,
    DEVICE_CATEGORY_NETWORK,
    DEVICE_CATEGORY_INPUT,
    DEVICE_CATEGORY_DISPLAY,
    DEVICE_CATEGORY_SOUND,
    DEVICE_CATEGORY_MISC,
    DEVICE_CATEGORY_CPU,
    DEVICE_CATEGORY_WATCHDOG,
    DEVICE_CATEGORY_UNCATEGORIZED,
} DeviceCategory;

struct DeviceClass {
    const char *name;     /* QOM type name, e.g. "pvpanic" */
    const char *parent;   /* e.g. "isa-device" (qom-list-types) */
    const char *alias;    /* accepted as a synonym, or NULL */
    const char *bus_type; /* "ISA", or NULL for none */
    const char *desc;     /* one line for -device help, or NULL */
    DeviceCategory category;
    bool user_creatable; /* may be named on -device */
    bool hotpluggable;
    size_t instance_size;  /* sizeof the state struct */
    const Property *props; /* END_OF_LIST-terminated, may be NULL */
    /*
     * Extra read-only children shown by qom-list and -device T,help, e.g.
     * {"pvpanic[0]", "child<memory-region>"}; NULL-terminated pairs.
     */
    const char *const *children;
    /*
     * The @children exist only once the device is realized (QEMU creates
     * those regions in realize): device-list-properties and -device
     * T,help, which look at an unrealized instance, do not list them.
     */
    bool children_at_realize;
    /*
     * The MemoryRegion behind child number @index of @children (a
     * "child<memory-region>"), for qom-get; may be NULL.
     */
    struct MemoryRegion *(*child_region)(DeviceState *dev, unsigned index);

    void (*instance_init)(DeviceState *dev); /* cannot fail */
    bool (*realize)(DeviceState *dev, GError **errp);
    void (*unrealize)(DeviceState *dev);
    void (*reset)(DeviceState *dev);    /* system_reset */
    void (*finalize)(DeviceState *dev); /* free resources */
    /*
     * ACPI: append this device's AML (e.g. Device(PEVT)) to @scope.  Only
     * called for realized devices.  May be NULL.
     */
    void (*build_aml)(DeviceState *dev, Aml *scope);
    /*
     * Out-GPIO lines QEMU's device has (qtest irq_intercept_out), {NULL}-
     * terminated by count 0; may be NULL for none.  Vigil's devices drive
     * GSIs (hw/irq.h) directly: gpio_out_gsi() says which GSI line @n of
     * group @name drives, or -1 for a line Vigil does not model.
     */
    const DeviceGpioOut *gpio_out;
    int (*gpio_out_gsi)(DeviceState *dev, const char *name, unsigned n);
    /*
     * In-GPIO groups QEMU's device has, same layout as @gpio_out; only
     * "info qtree" shows them (before the out-groups, QEMU's order for
     * the devices Vigil has).  May be NULL for none.
     */
    const DeviceGpioOut *gpio_in;
};

struct DeviceState {
    const DeviceClass *klass;
    char *id;             /* -device ...,id=X or NULL */
    char *canonical_path; /* "/machine/peripheral/X",
                             "/machine/peripheral-anon/device[N]" or,
                             for board devices,
                             "/machine/unattached/device[N]"; a board
                             may set it before qdev_realize() to give
                             its device the path QEMU gives it */
    BusState *parent_bus;
    bool realized;
    bool hotplugged;
    /* Created from -device / device_add (a "peripheral"), not by the
     * board; decides the QOM path of a device without an id. */
    bool user_created;
};

struct BusState {
    const char *type;    /* "ISA" */
    char *name;          /* "isa.0" */
    DeviceState *parent; /* the bridge, or NULL */
    bool hotplug_allowed;
    GPtrArray *children; /* DeviceState *, in realize order */
    void *opaque;        /* bus-specific state (e.g. ISABus) */
    /*
     * "info qtree" (QEMU's per-bus printing), all optional: list the
     * children newest first; print a property the bus gives its devices
     * in the bus's own form (return false to leave it to the core); print
     * the bus-specific lines that follow a child's properties.
     */
    bool qtree_newest_first;
    bool (*qtree_print_prop)(GString *out, DeviceState *dev,
                             const Property *prop, int indent);
    void (*qtree_print_dev)(GString *out, DeviceState *dev, int indent);
};

/* The list of device types is the board layer's: hw/catalog.h. */

/* Property defaults, then -global values for @dc, then instance_init(). */
DeviceState *qdev_new(const DeviceClass *dc);
/*
 * -global DRIVER.PROP=VALUE: every device of type @driver created from now
 * on gets PROP=VALUE before instance_init.  Checked at once against a
 * scratch instance when @driver is a type Vigil has ("can't apply global
 * D.P=V: <why>"); other drivers are accepted and never match, as QEMU
 * accepts globals for types it does not create.
 */
bool qdev_add_global(const DeviceClass *dc, const char *driver,
                     const char *prop, const char *value, GError **errp);
/* Forget every -global (tests, and at exit). */
void qdev_clear_globals(void);
void qdev_unref(DeviceState *dev);

/* Set a property from command-line text; errors as in qdev-properties.h.
 * Unknown name: "Property 'pvpanic.bogus' not found". */
bool qdev_set_prop_text(DeviceState *dev, const char *name, const char *text,
                        GError **errp);
const Property *qdev_find_prop(DeviceState *dev, const char *name);

bool qdev_realize(DeviceState *dev, BusState *bus, GError **errp);
/* Undo realize (if still realized) and leave the tree. */
void qdev_unrealize(DeviceState *dev);
/*
 * QOM's "realized" at run time (qom-set): false undoes realize but keeps
 * the device in the tree (its path, bus and id) with realized false, so
 * its properties can be set and it can be realized again with true.
 * Only devices created with -device/device_add whose type can undo its
 * realize; for the board's own devices: "Property 'T.realized' cannot be
 * cleared: the device is part of the board".
 */
bool qdev_set_realized(DeviceState *dev, bool value, GError **errp);
/* Reset every realized device (system_reset), in realize order. */
void qdev_reset_all(void);

BusState *qbus_new(const char *type, const char *name, DeviceState *parent);
void qbus_free(BusState *bus);

/*
 * The registry of realized user/board devices, used by qom-list and ACPI.
 */
void qdev_foreach(void (*fn)(DeviceState *dev, void *opaque), void *opaque);
DeviceState *qdev_find_by_id(const char *id);
/* Resolve a QOM path ("/machine/peripheral/pp", "pp", or a canonical
 * anonymous path).  NULL if not found. */
DeviceState *qdev_resolve_path(const char *path);
/* Unrealize and free every device (at exit). */
void qdev_destroy_all(void);

/*
 * Called by machine_done() once the board and every -device are realized:
 * from then on qdev_realize() is a hotplug (sets dev->hotplugged and
 * fails with "Bus 'isa.0' does not support hotplugging" on buses that do
 * not allow it).  qdev_destroy_all() ends the hotplug phase again.
 */
void qdev_machine_creation_done(void);

#endif /* HW_CORE_QDEV_H */
