/*
 * query-pci and HMP "info pci", in QEMU's layout.
 *
 * The reply is built from config space as the guest would read it, with
 * QEMU's key order (clients such as libvirt only look keys up, but the
 * golden tests compare the wire bytes).  HMP "info pci" is printed from
 * the same JSON, as QEMU prints it from its QAPI structures.  Only the
 * devices Vigil has are listed (bus 0, no bridges).
 */
#include "monitor-internal.h"
#include "hw/boards.h"
#include "hw/pci/pci.h"

#include <inttypes.h>
#include <string.h>

/* ---- schema (QEMU's PciInfo; only the members Vigil emits) ---- */

static const QmpType pci_class_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"desc", &qmp_type_str, true},
            {"class", &qmp_type_int},
            {NULL},
        },
};

static const QmpType pci_device_id = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"device", &qmp_type_int},
            {"vendor", &qmp_type_int},
            {"subsystem", &qmp_type_int, true},
            {"subsystem-vendor", &qmp_type_int, true},
            {NULL},
        },
};

static const QmpType pci_memory_region = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"bar", &qmp_type_int},
            {"type", &qmp_type_str},
            {"address", &qmp_type_int},
            {"size", &qmp_type_int},
            {"prefetch", &qmp_type_bool, true},
            {"mem_type_64", &qmp_type_bool, true},
            {NULL},
        },
};

static const QmpType pci_memory_region_list = {QMP_META_ARRAY,
                                               .element = &pci_memory_region};

static const QmpType pci_device_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"bus", &qmp_type_int},
            {"slot", &qmp_type_int},
            {"function", &qmp_type_int},
            {"class_info", &pci_class_info},
            {"id", &pci_device_id},
            {"irq", &qmp_type_int, true},
            {"irq_pin", &qmp_type_int},
            {"qdev_id", &qmp_type_str},
            {"regions", &pci_memory_region_list},
            {NULL},
        },
};

static const QmpType pci_device_info_list = {QMP_META_ARRAY,
                                             .element = &pci_device_info};

static const QmpType pci_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"bus", &qmp_type_int},
            {"devices", &pci_device_info_list},
            {NULL},
        },
};

const QmpType qmp_query_pci_ret = {QMP_META_ARRAY, .element = &pci_info};

/* ---- query-pci ---- */

/* Objects are built in QAPI member order: the JSON writer then prints
 * QEMU's key order (qobject/json-writer.c). */
static json_t *bar_json(PCIDevice *d, int i)
{
    bool io = d->bars[i].type & PCI_BASE_ADDRESS_SPACE_IO;
    json_int_t addr =
        d->bars[i].addr == PCI_BAR_UNMAPPED ? -1 : (json_int_t)d->bars[i].addr;
    json_t *r = json_object();

    json_object_set_new(r, "bar", json_integer(i));
    json_object_set_new(r, "type", json_string(io ? "io" : "memory"));
    json_object_set_new(r, "address", json_integer(addr));
    json_object_set_new(r, "size", json_integer(pci_bar_size(d, i)));
    if (!io) {
        json_object_set_new(r, "prefetch", json_false());
        json_object_set_new(r, "mem_type_64", json_false());
    }
    return r;
}

static void add_device(PCIDevice *d, void *opaque)
{
    const uint8_t *c = d->config;
    uint16_t class_id = pci_get_word(c + PCI_CLASS_DEVICE);
    const char *desc = pci_class_name(class_id);
    int devfn = pci_device_devfn(d);
    const char *id = d->parent_obj.id;
    json_t *dev = json_object();
    json_t *class_info = json_object();
    json_t *regions = json_array();

    json_object_set_new(dev, "bus", json_integer(0));
    json_object_set_new(dev, "slot", json_integer(PCI_SLOT(devfn)));
    json_object_set_new(dev, "function", json_integer(PCI_FUNC(devfn)));
    if (desc) {
        json_object_set_new(class_info, "desc", json_string(desc));
    }
    json_object_set_new(class_info, "class", json_integer(class_id));
    json_object_set_new(dev, "class_info", class_info);
    json_object_set_new(dev, "id",
                        json_pack("{s:i,s:i,s:i,s:i}", "device",
                                  pci_get_word(c + PCI_DEVICE_ID), "vendor",
                                  pci_get_word(c + PCI_VENDOR_ID), "subsystem",
                                  pci_get_word(c + PCI_SUBSYSTEM_ID),
                                  "subsystem-vendor",
                                  pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID)));
    if (c[PCI_INTERRUPT_PIN]) {
        json_object_set_new(dev, "irq", json_integer(c[PCI_INTERRUPT_LINE]));
    }
    json_object_set_new(dev, "irq_pin", json_integer(c[PCI_INTERRUPT_PIN]));
    json_object_set_new(dev, "qdev_id", json_string(id ? id : ""));
    for (int i = 0; i < PCI_NUM_REGIONS; i++) {
        if (pci_bar_size(d, i)) {
            json_array_append_new(regions, bar_json(d, i));
        }
    }
    json_object_set_new(dev, "regions", regions);
    json_array_append_new(opaque, dev);
}

static json_t *query_pci(void)
{
    json_t *list = json_array();
    json_t *devices;

    if (!current_machine || !current_machine->pci_bus) {
        return list;
    }
    devices = json_array();
    pci_bus_foreach_device(current_machine->pci_bus, add_device, devices);
    json_array_append_new(list,
                          json_pack("{s:i,s:o}", "bus", 0, "devices", devices));
    return list;
}

json_t *qmp_query_pci(QmpSession *s, json_t *args, GError **errp)
{
    return query_pci();
}

/* ---- HMP info pci ---- */

static json_int_t get_int(json_t *obj, const char *key)
{
    return json_integer_value(json_object_get(obj, key));
}

static void print_region(GString *out, json_t *r)
{
    json_int_t bar = get_int(r, "bar");
    json_int_t addr = get_int(r, "address");
    json_int_t size = get_int(r, "size");
    bool io = strcmp(json_string_value(json_object_get(r, "type")), "io") == 0;

    g_string_append_printf(out, "      BAR%" JSON_INTEGER_FORMAT ": ", bar);
    if (io) {
        g_string_append(out, "I/O");
        if (addr == -1) {
            g_string_append(out, " (not mapped)\n");
        } else {
            g_string_append_printf(out,
                                   " at 0x%04" PRIx64 " [0x%04" PRIx64 "].\n",
                                   (uint64_t)addr, (uint64_t)(addr + size - 1));
        }
        return;
    }
    g_string_append(out, "32 bit memory");
    if (addr == -1) {
        g_string_append(out, " (not mapped)\n");
    } else {
        g_string_append_printf(out, " at 0x%08" PRIx64 " [0x%08" PRIx64 "].\n",
                               (uint64_t)addr, (uint64_t)(addr + size - 1));
    }
}

static void print_device(GString *out, json_t *dev)
{
    json_t *class_info = json_object_get(dev, "class_info");
    json_t *id = json_object_get(dev, "id");
    const char *desc = json_string_value(json_object_get(class_info, "desc"));
    json_t *regions = json_object_get(dev, "regions");
    json_int_t pin = get_int(dev, "irq_pin");
    size_t i;
    json_t *r;

    g_string_append_printf(
        out,
        "  Bus %2" JSON_INTEGER_FORMAT ", device %3" JSON_INTEGER_FORMAT
        ", function %" JSON_INTEGER_FORMAT ":\n",
        get_int(dev, "bus"), get_int(dev, "slot"), get_int(dev, "function"));
    if (desc) {
        g_string_append_printf(out, "    %s: ", desc);
    } else {
        /* QEMU prints an unnamed class in decimal ("Class 2176"). */
        g_string_append_printf(out, "    Class %04" JSON_INTEGER_FORMAT ": ",
                               get_int(class_info, "class"));
    }
    g_string_append_printf(out, "PCI device %04x:%04x\n",
                           (unsigned)get_int(id, "vendor"),
                           (unsigned)get_int(id, "device"));
    g_string_append_printf(out, "      PCI subsystem %04x:%04x\n",
                           (unsigned)get_int(id, "subsystem-vendor"),
                           (unsigned)get_int(id, "subsystem"));
    if (pin) {
        g_string_append_printf(out,
                               "      IRQ %" JSON_INTEGER_FORMAT ", pin %c\n",
                               get_int(dev, "irq"), (char)('A' + pin - 1));
    }
    json_array_foreach(regions, i, r)
    {
        print_region(out, r);
    }
    g_string_append_printf(out, "      id \"%s\"\n",
                           json_string_value(json_object_get(dev, "qdev_id")));
}

/* Lines end in "\n"; the HMP layer turns them into "\r\n". */
void hmp_info_pci_text(GString *out)
{
    json_t *list = query_pci();
    size_t i, j;
    json_t *bus, *dev;

    json_array_foreach(list, i, bus)
    {
        json_array_foreach(json_object_get(bus, "devices"), j, dev)
        {
            print_device(out, dev);
        }
    }
    json_decref(list);
}
