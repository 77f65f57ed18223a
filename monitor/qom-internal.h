/*
 * What the QOM commands share: qmp-cmds-qom.c (the object tree: qom-list,
 * qom-get, qom-set) and qmp-cmds-qom-types.c (the type hierarchy and
 * object-add/object-del).
 */
#ifndef MONITOR_QOM_INTERNAL_H
#define MONITOR_QOM_INTERNAL_H

#include "chardev/char.h"
#include "hw/boards.h"
#include "hw/core/qdev.h"
#include "qom/object.h"
#include <jansson.h>

/* What a QOM path names. */
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

/* Resolve @path (absolute, or a device id); false if nothing is there. */
bool qom_resolve(const char *path, Node *n);
/* The machine's QOM type ("none-machine" before there is one). */
char *qom_machine_type_name(void);
/* Does @chr have QEMU's "connected" property (socket chardevs)? */
bool qom_chardev_has_connected(Chardev *chr);

/* Append {"name": @name, "type": @type} to @list. */
void qom_add_prop(json_t *list, const char *name, const char *type);
/* QEMU's QOM name of a machine type: "pc-i440fx-9.2-machine". */
char *qom_machine_type(const MachineClass *mc);
/* The QOM type of device property @p of @dc ("uint16", "int32", ...). */
const char *qom_prop_type(const DeviceClass *dc, const Property *p);
/* Properties every device has before its own: name, type pairs,
 * NULL-terminated. */
extern const char *const qom_device_common[];

#endif /* MONITOR_QOM_INTERNAL_H */
