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
    NODE_BUS,    /* a bus: DEVICE/NAME, or /machine/unattached/sysbus */
    NODE_QTEST,  /* /machine/qtest, the qtest server (with -qtest) */
    NODE_BOARD,  /* QEMU's objects Vigil shows without a device (IOAPIC) */
} NodeKind;

typedef struct Node {
    NodeKind kind;
    const char *path; /* canonical path */
    DeviceState *dev;
    Chardev *chr;
    MemoryRegion *mr;
    UserObject *obj;
    BusState *bus;
    int board; /* NODE_BOARD: qom_board_node_find()'s number */
} Node;

/* Resolve @path (absolute, or a device id); false if nothing is there. */
bool qom_resolve(const char *path, Node *n);
/* A bus's QOM path (QEMU's: the main system bus is
 * "/machine/unattached/sysbus").  Caller frees. */
char *qom_bus_path(const BusState *bus);
/* The machine's QOM type ("none-machine" before there is one). */
char *qom_machine_type_name(void);
/* QEMU's qtest object's properties: "chardev" and "log" (strings), or
 * NULL when @prop is neither. */
json_t *qom_qtest_get(const char *prop);
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

/*
 * qmp-cmds-qom-machine.c: the machine's own properties (QEMU 7.2's pc
 * and none lists).  list: append qom-list's entries for current_machine;
 * list_type: qom-list-properties of @mc's type; get: the value, NULL if
 * @name is not one of them; set: check and keep a value as QEMU does
 * (QEMU's error otherwise, "not writable" for anything else).
 */
typedef enum MachinePropKind {
    MP_STR,  /* "string" / "str" */
    MP_BOOL, /* "bool" */
    MP_OOA,  /* "OnOffAuto" */
    MP_SIZE, /* "size" */
    MP_INT,  /* "int", "uint64_t" */
    MP_LINK, /* link<...>: "" or the path of an object that exists */
    MP_BOOT,
    MP_MEMORY,
    MP_SMP,
    MP_LIST, /* SgxEPC, CXLFixedMemoryWindow: stored as given */
    MP_RO,   /* read-only */
} MachinePropKind;

/* Where a property appears. */
enum {
    MP_PC = 1,       /* pc machines only (QEMU's x86 and pc properties) */
    MP_INSTANCE = 2, /* qom-list only, not qom-list-properties */
    MP_CLASS = 4,    /* qom-list-properties only (removed at init) */
};

typedef struct MachineProp {
    const char *name;
    const char *type;
    const char *desc; /* qom-list-properties "description", or NULL */
    MachinePropKind kind;
    unsigned flags;
    /* Value before any qom-set, as JSON text, when it is constant. */
    const char *dflt;
} MachineProp;

/* qmp-cmds-qom-machine.c, for the setters in qmp-cmds-qom-machine-set.c:
 * is @mc a pc machine, @name's entry on @mc (NULL: none), keep @v
 * (taken) as @name's value, QEMU's SMPConfiguration reply. */
bool qom_machine_is_pc(const MachineClass *mc);
const MachineProp *qom_machine_find_prop(const MachineClass *mc,
                                         const char *name);
void qom_machine_keep(const char *name, json_t *v);
json_t *qom_machine_smp_json(unsigned cpus, unsigned maxcpus, unsigned threads,
                             unsigned cores, unsigned dies, unsigned sockets,
                             unsigned clusters);

void qom_machine_list_props(json_t *list);
void qom_machine_list_type_props(const MachineClass *mc, json_t *list);
json_t *qom_machine_get(const char *name);
bool qom_machine_set(const char *name, json_t *v, GError **errp);

/*
 * QOM properties of board devices that are not qdev properties (the
 * i440FX host bridge's PCI holes, ...): list appends them, get answers
 * one (NULL: not one of them), set gives QEMU's error for one (false:
 * not one of them; they are all fixed once realized).
 */
void qom_board_list_props(const DeviceState *dev, json_t *list);
json_t *qom_board_get_prop(DeviceState *dev, const char *name);
bool qom_board_set_prop(const DeviceState *dev, const char *name,
                        GError **errp);

/*
 * QEMU's board objects Vigil has no device for (NODE_BOARD): the IOAPIC
 * at /machine/i440fx/ioapic, its region and input lines.  find: the
 * node's number, -1 if @path is none of them; then its QOM type, its
 * qom-list, a property (NULL: no such property) and qom-set (QEMU's
 * answers: all fixed).
 */
int qom_board_node_find(const char *path);
const char *qom_board_node_type(int node);
void qom_board_node_list(int node, json_t *list);
json_t *qom_board_node_get(int node, const char *prop);
bool qom_board_node_set(int node, const char *prop, json_t *v, GError **errp);

#endif /* MONITOR_QOM_INTERNAL_H */
