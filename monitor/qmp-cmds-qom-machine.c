/*
 * The machine's own QOM properties (qom-list, qom-get and qom-set on
 * /machine, qom-list-properties of a machine type), as QEMU 7.2's pc
 * and none machines have them (tests/diff scenarios qom-machine-*,
 * docs/interop/qmp.rst).
 *
 * Values read from Vigil's configuration (-kernel, -m, -smp, -machine,
 * -boot, ...).  Properties naming hardware or features Vigil does not
 * have read QEMU's default (hpet true, sata true, x-oem-id "BOCHS ", the
 * links to QEMU's SMRAM region and PIIX4_PM, ...).  qom-set at run time
 * does what QEMU does once the machine is built: check the value as
 * QEMU's setter does, then keep it for qom-get without any effect.
 */
#include "monitor-internal.h"
#include "qom-internal.h"
#include "hw/boards.h"
#include "hw/catalog.h"
#include "hw/i386/pc.h"
#include "hw/pci-host/i440fx.h"
#include "hw/rtc/mc146818rtc.h"
#include "qobject/json-writer.h"
#include "system/system.h"

/* In QEMU 7.2's qom-list-properties order. */
static const MachineProp machine_props[] = {
    {"kernel", "string", "Linux kernel image file", MP_STR},
    {"dt-compatible", "string",
     "Overrides the \"compatible\" property of the dt root node", MP_STR, 0,
     "\"\""},
    {"boot", "BootConfiguration", "Boot configuration", MP_BOOT},
    {"memory", "MemorySizeConfiguration", "Memory size configuration",
     MP_MEMORY},
    {"initrd", "string", "Linux initial ramdisk file", MP_STR},
    {"confidential-guest-support", "link<confidential-guest-support>",
     "Set confidential guest scheme to support", MP_LINK, 0, "\"\""},
    {"graphics", "bool", "Set on/off to enable/disable graphics emulation",
     MP_BOOL},
    {"usb", "bool", "Set on/off to enable/disable usb", MP_BOOL, 0, "false"},
    {"firmware", "string", "Firmware image", MP_STR},
    {"memory-encryption", "string", "Set memory encryption object to use",
     MP_STR, 0, "\"\""},
    {"smp", "SMPConfiguration", "CPU topology", MP_SMP},
    {"dump-guest-core", "bool", "Include guest memory in a core dump", MP_BOOL},
    {"phandle-start", "int", "The first phandle ID we may generate dynamically",
     MP_INT, 0, "0"},
    {"dumpdtb", "string", "Dump current dtb to a file and quit", MP_STR, 0,
     "\"\""},
    {"memory-backend", "link<memory-backend>",
     "Set RAM backendValid value is ID of hostmem based backend", MP_LINK},
    {"dtb", "string", "Linux kernel device tree file", MP_STR, 0, "\"\""},
    {"mem-merge", "bool", "Enable/disable memory merge support", MP_BOOL},
    {"append", "string", "Linux kernel command line", MP_STR},
    {"suppress-vmdesc", "bool", "Set on to disable self-describing migration",
     MP_BOOL, 0, "false"},
    {"smm", "OnOffAuto", "Enable SMM", MP_OOA, MP_PC},
    {"acpi", "OnOffAuto", "Enable ACPI", MP_OOA, MP_PC, "\"auto\""},
    {"pit", "OnOffAuto", "Enable i8254 PIT", MP_OOA, MP_PC, "\"auto\""},
    {"pic", "OnOffAuto", "Enable i8259 PIC", MP_OOA, MP_PC, "\"auto\""},
    {"x-oem-table-id", "string",
     "Override the default value of field OEM Table ID in ACPI table "
     "header.The string may be up to 8 bytes in size",
     MP_STR, MP_PC, "\"BXPC    \""},
    {"bus-lock-ratelimit", "uint64_t",
     "Set the ratelimit for the bus locks acquired in VMs", MP_INT, MP_PC, "0"},
    {"sgx-epc", "SgxEPC", "SGX EPC device", MP_LIST, MP_PC, "[]"},
    {"x-oem-id", "string",
     "Override the default value of field OEMID in ACPI table header.The "
     "string may be up to 6 bytes in size",
     MP_STR, MP_PC, "\"BOCHS \""},
    {"max-fw-size", "size", "Maximum combined firmware size", MP_SIZE, MP_PC,
     "8388608"},
    {"default-bus-bypass-iommu", "bool", NULL, MP_BOOL, MP_PC, "false"},
    {"device-memory-region-size", "int", NULL, MP_RO, MP_PC, "0"},
    {"sata", "bool", "Enable/disable Serial ATA bus", MP_BOOL, MP_PC, "true"},
    {"vmport", "OnOffAuto", "Enable vmport (pc & q35)", MP_OOA, MP_PC},
    {"i8042", "bool", NULL, MP_BOOL, MP_PC, "true"},
    {"hpet", "bool", "Enable/disable high precision event timer emulation",
     MP_BOOL, MP_PC},
    {"smbios-entry-point-type", "str", "SMBIOS Entry Point type [32, 64]",
     MP_STR, MP_PC, "\"32\""},
    {"max-ram-below-4g", "size",
     "Maximum ram below the 4G boundary (32bit boundary)", MP_SIZE, MP_PC,
     "3758096384"},
    {"smbus", "bool", "Enable/disable system management bus", MP_BOOL, MP_PC,
     "true"},
    {"pflash0", "str", "Node name or ID of a block device to use as a backend",
     MP_STR, MP_PC | MP_CLASS},
    {"hmat", "bool",
     "Set on/off to enable/disable ACPI Heterogeneous Memory Attribute "
     "Table (HMAT)",
     MP_BOOL, MP_PC, "false"},
    {"pflash1", "str", "Node name or ID of a block device to use as a backend",
     MP_STR, MP_PC | MP_CLASS},
    {"cxl", "bool", "Set on/off to enable/disable CXL instantiation", MP_BOOL,
     MP_PC, "false"},
    {"pcspk-audiodev", "str", "ID of an audiodev to use as a backend", MP_STR,
     MP_PC, "\"\""},
    {"nvdimm", "bool", "Set on/off to enable/disable NVDIMM instantiation",
     MP_BOOL, MP_PC, "false"},
    {"cxl-fmw", "CXLFixedMemoryWindow", "CXL Fixed Memory Windows (array)",
     MP_LIST, MP_PC, "[]"},
    {"system.flash0", "child<cfi.pflash01>", NULL, MP_RO, MP_PC | MP_CLASS},
    {"nvdimm-persistence", "string",
     "Set NVDIMM persistenceValid values are cpu, mem-ctrl", MP_STR, MP_PC,
     "\"\""},
    {"system.flash1", "child<cfi.pflash01>", NULL, MP_RO, MP_PC | MP_CLASS},
    /* Added by the board at init. */
    {"rtc_state", "link<isa-device>", NULL, MP_LINK, MP_PC | MP_INSTANCE},
    {"smram", "link<memory-region>", NULL, MP_RO, MP_PC | MP_INSTANCE},
    {"rtc-time", "struct tm", NULL, MP_RO, MP_PC | MP_INSTANCE},
    {"acpi-device", "link<hotplug-handler>", NULL, MP_LINK,
     MP_PC | MP_INSTANCE},
};

/* Values given with qom-set since start-up, by name. */
static json_t *machine_set_values;

bool qom_machine_is_pc(const MachineClass *mc)
{
    return mc && g_str_has_prefix(mc->name, "pc-");
}

void qom_machine_keep(const char *name, json_t *v)
{
    if (!machine_set_values) {
        machine_set_values = json_object();
    }
    json_object_set_new(machine_set_values, name, v);
}

const MachineProp *qom_machine_find_prop(const MachineClass *mc,
                                         const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(machine_props); i++) {
        const MachineProp *p = &machine_props[i];

        if (!strcmp(p->name, name) && !(p->flags & MP_CLASS) &&
            (qom_machine_is_pc(mc) || !(p->flags & MP_PC))) {
            return p;
        }
    }
    return NULL;
}

void qom_machine_list_props(json_t *list)
{
    const MachineClass *mc = current_machine ? current_machine->mc : NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(machine_props); i++) {
        const MachineProp *p = &machine_props[i];

        if (!(p->flags & MP_CLASS) &&
            (qom_machine_is_pc(mc) || !(p->flags & MP_PC))) {
            qom_add_prop(list, p->name, p->type);
        }
    }
}

void qom_machine_list_type_props(const MachineClass *mc, json_t *list)
{
    for (size_t i = 0; i < G_N_ELEMENTS(machine_props); i++) {
        const MachineProp *p = &machine_props[i];
        json_t *e;

        if ((p->flags & MP_INSTANCE) ||
            (!qom_machine_is_pc(mc) && (p->flags & MP_PC))) {
            continue;
        }
        e = json_pack("{s:s,s:s}", "name", p->name, "type", p->type);
        if (p->desc) {
            json_object_set_new(e, "description", json_string(p->desc));
        }
        json_array_append_new(list, e);
    }
}

static void find_rtc(DeviceState *dev, void *opaque)
{
    DeviceState **rtc = opaque;

    if (!*rtc && dev->klass == &mc146818rtc_class && !dev->user_created) {
        *rtc = dev;
    }
}

static DeviceState *board_rtc(void)
{
    DeviceState *rtc = NULL;

    qdev_foreach(find_rtc, &rtc);
    return rtc;
}

static json_t *str_or_empty(const char *s)
{
    return json_string_nocheck(s ? s : "");
}

static json_t *boot_value(const MachineState *ms)
{
    const MachineOptions *m = &machine_opts;
    json_t *b = json_object();

    json_object_set_new(b, "order",
                        json_string(m->boot_order               ? m->boot_order
                                    : qom_machine_is_pc(ms->mc) ? "cad"
                                                                : ""));
    if (m->boot_once) {
        json_object_set_new(b, "once", json_string(m->boot_once));
    }
    if (boot_config.menu) {
        json_object_set_new(b, "menu", json_true());
    }
    if (m->boot_splash) {
        json_object_set_new(b, "splash", json_string(m->boot_splash));
    }
    if (boot_config.has_splash_time) {
        json_object_set_new(b, "splash-time",
                            json_uint64(boot_config.splash_time));
    }
    if (boot_config.has_reboot_timeout) {
        json_object_set_new(b, "reboot-timeout",
                            json_uint64(boot_config.reboot_timeout));
    }
    if (m->boot_strict) {
        json_object_set_new(b, "strict", json_true());
    }
    return b;
}

json_t *qom_machine_smp_json(unsigned cpus, unsigned maxcpus, unsigned threads,
                             unsigned cores, unsigned dies, unsigned sockets,
                             unsigned clusters)
{
    /* The member order of QEMU's reply. */
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "cpus", (json_int_t)cpus,
                     "maxcpus", (json_int_t)maxcpus, "threads",
                     (json_int_t)threads, "cores", (json_int_t)cores, "dies",
                     (json_int_t)dies, "sockets", (json_int_t)sockets,
                     "clusters", (json_int_t)clusters);
}

static json_t *smp_value(const MachineState *ms)
{
    CpuTopology t = cpu_topology;

    if (!t.sockets) {
        /* Without -smp: one socket of smp_cpus cores (system.h). */
        t = (CpuTopology){1, 1, ms->smp_cpus, 1};
    }
    return qom_machine_smp_json(ms->smp_cpus,
                                t.sockets * t.dies * t.cores * t.threads,
                                t.threads, t.cores, t.dies, t.sockets, 1);
}

static char *board_path(const MachineState *ms, unsigned slot,
                        const char *suffix)
{
    g_autofree char *dev = pc_board_qom_path(ms, slot, 0);

    return g_strconcat(dev, suffix, NULL);
}

static json_t *take_string(char *s)
{
    json_t *v = json_string_nocheck(s);

    g_free(s);
    return v;
}

/* The value of @p before any qom-set. */
static json_t *configured_value(const MachineState *ms, const MachineProp *p)
{
    const MachineOptions *m = &machine_opts;
    const char *name = p->name;

    if (p->dflt) {
        return json_loads(p->dflt, JSON_DECODE_ANY, NULL);
    } else if (!strcmp(name, "kernel")) {
        return str_or_empty(ms->kernel_filename);
    } else if (!strcmp(name, "initrd")) {
        return str_or_empty(ms->initrd_filename);
    } else if (!strcmp(name, "append")) {
        return str_or_empty(ms->kernel_cmdline);
    } else if (!strcmp(name, "firmware")) {
        /* Without -bios: the name of QEMU's default BIOS. */
        return str_or_empty(ms->firmware                ? ms->firmware
                            : qom_machine_is_pc(ms->mc) ? "bios-256k.bin"
                                                        : NULL);
    } else if (!strcmp(name, "boot")) {
        return boot_value(ms);
    } else if (!strcmp(name, "memory")) {
        return json_pack("{s:o}", "size", json_uint64(ms->ram_size));
    } else if (!strcmp(name, "smp")) {
        return smp_value(ms);
    } else if (!strcmp(name, "graphics")) {
        return json_boolean(!m->graphics_off && !qemu_nographic);
    } else if (!strcmp(name, "dump-guest-core")) {
        return json_boolean(!m->no_dump_guest_core);
    } else if (!strcmp(name, "mem-merge")) {
        return json_boolean(!m->no_mem_merge);
    } else if (!strcmp(name, "memory-backend")) {
        if (m->memory_backend) {
            return json_sprintf("/objects/%s", m->memory_backend);
        }
        /* QEMU's RAM is a backend of its own, /objects/pc.ram. */
        return json_sprintf("%s%s", ms->ram_size ? "/objects/" : "",
                            ms->ram_size ? ms->mc->default_ram_id : "");
    } else if (!strcmp(name, "smm")) {
        return json_string(m->smm ? m->smm : "auto");
    } else if (!strcmp(name, "vmport")) {
        /* QEMU turns "auto" into "on" when it builds the board. */
        return json_string(m->vmport && !strcmp(m->vmport, "off") ? "off"
                                                                  : "on");
    } else if (!strcmp(name, "hpet")) {
        return json_boolean(!m->hpet_off);
    } else if (!strcmp(name, "rtc_state")) {
        DeviceState *rtc = board_rtc();

        return str_or_empty(rtc ? rtc->canonical_path : NULL);
    } else if (!strcmp(name, "rtc-time")) {
        DeviceState *rtc = board_rtc();
        struct tm tm = {0};

        if (rtc) {
            mc146818rtc_get_date(rtc, &tm);
        }
        return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "tm_year", tm.tm_year,
                         "tm_mon", tm.tm_mon, "tm_mday", tm.tm_mday, "tm_hour",
                         tm.tm_hour, "tm_min", tm.tm_min, "tm_sec", tm.tm_sec);
    } else if (!strcmp(name, "smram")) {
        /* The i440FX's SMRAM region in QEMU (Vigil has no SMM). */
        return take_string(board_path(ms, PC_QOM_I440FX, "/smram[0]"));
    } else if (!strcmp(name, "acpi-device")) {
        /* QEMU's PIIX4_PM; Vigil's PM block is not a device. */
        return take_string(board_path(ms, PC_QOM_PM, ""));
    }
    return json_null();
}

json_t *qom_machine_get(const char *name)
{
    MachineState *ms = current_machine;
    const MachineProp *p = ms ? qom_machine_find_prop(ms->mc, name) : NULL;
    json_t *v;

    if (!p) {
        return NULL;
    }
    v = machine_set_values ? json_object_get(machine_set_values, name) : NULL;
    return v ? json_incref(v) : configured_value(ms, p);
}

/*
 * Board devices' QOM properties that Vigil's devices do not have as
 * qdev properties (so "info qtree" keeps listing what it listed): the
 * i440FX host bridge's, in QEMU's qom-list order.  QEMU's static ones
 * refuse qom-set after realize; the PCI holes are read-only.
 */
static const struct {
    const char *name, *type;
    bool is_static;
} pcihost_props[] = {
    {"bypass-iommu", "bool", true},
    {"x-config-reg-migration-enabled", "bool", true},
    {"pci-hole-end", "uint32", false},
    {"pci-hole64-size", "size", true},
    {"pci-hole64-start", "uint64", false},
    {"short_root_bus", "uint32", true},
    {"pci-hole64-end", "uint64", false},
    {"x-pci-hole64-fix", "bool", true},
    {"pci-hole-start", "uint32", false},
};

static int pcihost_prop(const DeviceState *dev, const char *name)
{
    if (dev->klass != &i440fx_pcihost_class) {
        return -1;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(pcihost_props); i++) {
        if (!name || !strcmp(pcihost_props[i].name, name)) {
            return (int)i;
        }
    }
    return -1;
}

void qom_board_list_props(const DeviceState *dev, json_t *list)
{
    if (pcihost_prop(dev, NULL) < 0) {
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(pcihost_props); i++) {
        qom_add_prop(list, pcihost_props[i].name, pcihost_props[i].type);
    }
    qom_add_prop(list, "ioapic", "child<ioapic>");
}

json_t *qom_board_get_prop(DeviceState *dev, const char *name)
{
    I440FXHostHoles h;

    if (dev->klass == &i440fx_pcihost_class && !strcmp(name, "ioapic")) {
        return json_string(PC_QOM_PCIHOST_PATH "/ioapic");
    }
    if (pcihost_prop(dev, name) < 0) {
        return NULL;
    }
    i440fx_pcihost_holes(dev, &h);
    if (!strcmp(name, "bypass-iommu")) {
        return json_false();
    } else if (!strcmp(name, "x-config-reg-migration-enabled") ||
               !strcmp(name, "x-pci-hole64-fix")) {
        return json_true();
    } else if (!strcmp(name, "short_root_bus")) {
        return json_integer(0);
    } else if (!strcmp(name, "pci-hole-start")) {
        return json_uint64(h.start);
    } else if (!strcmp(name, "pci-hole-end")) {
        return json_uint64(h.end);
    } else if (!strcmp(name, "pci-hole64-start")) {
        return json_uint64(h.start64);
    } else if (!strcmp(name, "pci-hole64-end")) {
        return json_uint64(h.end64);
    }
    return json_uint64(h.size64);
}

bool qom_board_set_prop(const DeviceState *dev, const char *name, GError **errp)
{
    int i = pcihost_prop(dev, name);

    if (dev->klass == &i440fx_pcihost_class && !strcmp(name, "ioapic")) {
        error_setg(errp, "Property '%s.ioapic' is not writable",
                   dev->klass->name);
        return true;
    }
    if (i < 0) {
        return false;
    }
    if (pcihost_props[i].is_static) {
        error_setg(errp,
                   "Attempt to set property '%s' on anonymous device "
                   "(type '%s') after it was realized",
                   name, dev->klass->name);
    } else {
        error_setg(errp, "Property '%s.%s' is not writable", dev->klass->name,
                   name);
    }
    return true;
}

/*
 * QEMU's IOAPIC object, /machine/i440fx/ioapic, with its register region
 * and its 24 input lines (child<irq>).  Vigil's IOAPIC belongs to the
 * accelerator (in-kernel under KVM) and is no device; these nodes show
 * QEMU's answers for it.  Index 0: the IOAPIC, 1: its region, 2 + N:
 * unnamed-gpio-in[N].
 */
#define IOAPIC_PATH    PC_QOM_PCIHOST_PATH "/ioapic"
#define IOAPIC_PINS    24
#define IOAPIC_BASE    UINT64_C(0xfec00000)
#define IOAPIC_SIZE    0x1000
#define IOAPIC_VERSION 0x20
#define IOAPIC_GPIO_IN "unnamed-gpio-in["

static bool has_ioapic_node(void)
{
    return current_machine && qdev_resolve_path(PC_QOM_PCIHOST_PATH);
}

int qom_board_node_find(const char *path)
{
    unsigned pin;
    char end;

    if (!g_str_has_prefix(path, IOAPIC_PATH) || !has_ioapic_node()) {
        return -1;
    }
    path += strlen(IOAPIC_PATH);
    if (!*path) {
        return 0;
    } else if (!strcmp(path, "/ioapic[0]")) {
        return 1;
    } else if (sscanf(path, "/" IOAPIC_GPIO_IN "%u%c", &pin, &end) == 2 &&
               end == ']' && pin < IOAPIC_PINS) {
        g_autofree char *canon = g_strdup_printf("/" IOAPIC_GPIO_IN "%u]", pin);

        return strcmp(path, canon) ? -1 : 2 + (int)pin;
    }
    return -1;
}

const char *qom_board_node_type(int node)
{
    return node == 0 ? "ioapic" : node == 1 ? "memory-region" : "irq";
}

void qom_board_node_list(int node, json_t *list)
{
    qom_add_prop(list, "type", "string");
    if (node == 0) {
        for (size_t i = 0; qom_device_common[i]; i += 2) {
            if (i) {
                qom_add_prop(list, qom_device_common[i],
                             qom_device_common[i + 1]);
            }
        }
        qom_add_prop(list, "version", "uint8");
        qom_add_prop(list, "ioapic[0]", "child<memory-region>");
        for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
            g_autofree char *name = g_strdup_printf(IOAPIC_GPIO_IN "%u]", pin);

            qom_add_prop(list, name, "child<irq>");
        }
    } else if (node == 1) {
        qom_add_prop(list, "container", "link<memory-region>");
        qom_add_prop(list, "addr", "uint64");
        qom_add_prop(list, "priority", "uint32");
        qom_add_prop(list, "size", "uint64");
    }
}

json_t *qom_board_node_get(int node, const char *prop)
{
    unsigned pin;
    char end;

    if (!strcmp(prop, "type")) {
        return json_string(qom_board_node_type(node));
    } else if (node == 0) {
        if (!strcmp(prop, "parent_bus")) {
            return json_string("/machine/unattached/sysbus");
        } else if (!strcmp(prop, "realized")) {
            return json_true();
        } else if (!strcmp(prop, "hotplugged") ||
                   !strcmp(prop, "hotpluggable")) {
            return json_false();
        } else if (!strcmp(prop, "version")) {
            return json_integer(IOAPIC_VERSION);
        } else if (!strcmp(prop, "ioapic[0]") ||
                   (sscanf(prop, IOAPIC_GPIO_IN "%u%c", &pin, &end) == 2 &&
                    end == ']' && pin < IOAPIC_PINS)) {
            return json_sprintf(IOAPIC_PATH "/%s", prop);
        }
    } else if (node == 1) {
        if (!strcmp(prop, "container")) {
            return json_string("");
        } else if (!strcmp(prop, "addr")) {
            return json_uint64(IOAPIC_BASE);
        } else if (!strcmp(prop, "priority")) {
            return json_integer(0);
        } else if (!strcmp(prop, "size")) {
            return json_integer(IOAPIC_SIZE);
        }
    }
    return NULL;
}

bool qom_board_node_set(int node, const char *prop, json_t *v, GError **errp)
{
    if (node == 0 && !strcmp(prop, "realized")) {
        if (!json_is_boolean(v)) {
            error_setg(errp, "Invalid parameter type for 'realized', "
                             "expected: boolean");
            return false;
        }
        if (json_is_true(v)) {
            return true;
        }
        error_setg(errp, "Property 'ioapic.realized' cannot be cleared: the "
                         "device is part of the board");
    } else if (node == 0 && !strcmp(prop, "version")) {
        error_setg(errp, "Attempt to set property 'version' on anonymous "
                         "device (type 'ioapic') after it was realized");
    } else {
        error_setg(errp, "Property '%s.%s' is not writable",
                   qom_board_node_type(node), prop);
    }
    return false;
}
