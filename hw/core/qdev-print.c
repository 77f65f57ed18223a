/*
 * "info qtree" and "info mtree" (hw/core/qdev-print.h).
 *
 * QEMU prints the tree from main-system-bus down through its bridges:
 * each device's child buses follow its properties.  Buses with no parent
 * device (main-system-bus, and the ISA bus of machines without PCI) are
 * printed in turn at the root.  vCPUs are left out, as QEMU leaves them
 * out: they sit on no bus.  A bus may order and decorate its children
 * (the PCI bus: newest first, "addr = 02.0", class and BAR lines).
 */
#include "hw/core/qdev-print.h"

#include <inttypes.h>

static void indent(GString *out, int level)
{
    g_string_append_printf(out, "%*s", level * 2, "");
}

/* QEMU's human form: integers "1285 (0x505)", strings quoted. */
static void print_prop(GString *out, DeviceState *dev, const Property *prop,
                       int level)
{
    indent(out, level);
    if (prop->kind == PROP_KIND_BOOL) {
        g_string_append_printf(out, "%s = %s\n", prop->name,
                               qdev_prop_get_bool(dev, prop) ? "true"
                                                             : "false");
    } else if (prop->kind == PROP_KIND_STRING) {
        const char *s = qdev_prop_get_str(dev, prop);

        g_string_append_printf(out, "%s = \"%s\"\n", prop->name, s ? s : "");
    } else if (prop->kind == PROP_KIND_ENUM) {
        g_string_append_printf(out, "%s = \"%s\"\n", prop->name,
                               qdev_prop_get_str(dev, prop));
    } else if (qdev_prop_is_signed(prop)) {
        int64_t v = (int64_t)qdev_prop_get_uint(dev, prop);

        g_string_append_printf(out, "%s = %" PRId64 " (0x%" PRIx64 ")\n",
                               prop->name, v, (uint64_t)v);
    } else {
        uint64_t v = qdev_prop_get_uint(dev, prop);

        g_string_append_printf(out, "%s = %" PRIu64 " (0x%" PRIx64 ")\n",
                               prop->name, v, v);
    }
}

static void print_bus(GString *out, MachineState *ms, BusState *bus, int level);

static void print_device(GString *out, MachineState *ms, DeviceState *dev,
                         int level)
{
    BusState *pb = dev->parent_bus;
    BusState *const buses[] = {ms->pci_bus, ms->isa_bus};

    indent(out, level);
    g_string_append_printf(out, "dev: %s, id \"%s\"\n", dev->klass->name,
                           dev->id ? dev->id : "");
    /* QEMU lists a device's GPIO groups before its properties. */
    for (const DeviceGpioOut *g = dev->klass->gpio_in; g && g->count; g++) {
        indent(out, level + 1);
        g_string_append_printf(out, "gpio-in \"%s\" %u\n",
                               g->name ? g->name : "", g->count);
    }
    for (const DeviceGpioOut *g = dev->klass->gpio_out; g && g->count; g++) {
        indent(out, level + 1);
        g_string_append_printf(out, "gpio-out \"%s\" %u\n",
                               g->name ? g->name : "", g->count);
    }
    for (const Property *p = dev->klass->props; p && p->name; p++) {
        if (!pb || !pb->qtree_print_prop ||
            !pb->qtree_print_prop(out, dev, p, (level + 1) * 2)) {
            print_prop(out, dev, p, level + 1);
        }
    }
    if (pb && pb->qtree_print_dev) {
        pb->qtree_print_dev(out, dev, (level + 1) * 2);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(buses); i++) {
        if (buses[i] && buses[i]->parent == dev) {
            print_bus(out, ms, buses[i], level + 1);
        }
    }
}

static void print_bus(GString *out, MachineState *ms, BusState *bus, int level)
{
    bool newest_first = bus->qtree_newest_first;
    guint n = bus->children ? bus->children->len : 0;

    indent(out, level);
    g_string_append_printf(out, "bus: %s\n", bus->name);
    indent(out, level + 1);
    g_string_append_printf(out, "type %s\n", bus->type);
    for (guint i = 0; i < n; i++) {
        DeviceState *dev =
            g_ptr_array_index(bus->children, newest_first ? n - 1 - i : i);

        if (dev->klass->category == DEVICE_CATEGORY_CPU) {
            continue;
        }
        print_device(out, ms, dev, level + 1);
    }
}

void qdev_print_qtree(MachineState *ms, GString *out)
{
    BusState *const roots[] = {ms->sysbus, ms->pci_bus, ms->isa_bus};

    for (size_t i = 0; i < G_N_ELEMENTS(roots); i++) {
        if (roots[i] && !roots[i]->parent) {
            print_bus(out, ms, roots[i], 0);
        }
    }
}

typedef struct MtreePrint {
    GString *out;
    const char *kind;
} MtreePrint;

static void print_region(MemoryRegion *mr, void *opaque)
{
    MtreePrint *p = opaque;

    g_string_append_printf(
        p->out, "  %016" PRIx64 "-%016" PRIx64 " (prio %d, %s): %s\n", mr->addr,
        mr->addr + mr->size - 1, mr->priority, p->kind, mr->name);
}

void machine_print_mtree(MachineState *ms, GString *out)
{
    MtreePrint p = {.out = out};

    if (ms->io) {
        g_string_append(out, "address-space: I/O\n");
        p.kind = "i/o";
        address_space_foreach(ms->io, print_region, &p);
        g_string_append(out, "\n");
    }
    if (ms->memory) {
        /* RAM as QEMU's pc names its two aliases (i440FX layout). */
        g_string_append(out, "address-space: memory\n");
        if (ms->below_4g_mem_size) {
            g_string_append_printf(out,
                                   "  %016" PRIx64 "-%016" PRIx64
                                   " (prio 0, ram): ram-below-4g\n",
                                   (uint64_t)0, ms->below_4g_mem_size - 1);
        }
        if (ms->above_4g_mem_size) {
            g_string_append_printf(
                out,
                "  %016" PRIx64 "-%016" PRIx64 " (prio 0, ram): "
                "ram-above-4g\n",
                (uint64_t)1 << 32,
                ((uint64_t)1 << 32) + ms->above_4g_mem_size - 1);
        }
        p.kind = "i/o";
        address_space_foreach(ms->memory, print_region, &p);
    }
}
