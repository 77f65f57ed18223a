/*
 * The machine types this binary offers (hw/catalog.h), in -M help order.
 */
#include "hw/catalog.h"

#include <stdio.h>
#include <string.h>

#include "hw/i386/cpu-models.h"
#include "hw/i386/pc.h"
#include "hw/isa/piix3.h"
#include "hw/pci-host/i440fx.h"

static const MachineClass *const machine_types[] = {
    &pc_i440fx_9_2_machine_class,
    &pc_i440fx_9_1_machine_class,
    &none_machine_class,
};

const MachineClass *const *machine_all_types(size_t *count)
{
    *count = G_N_ELEMENTS(machine_types);
    return machine_types;
}

const MachineClass *machine_find_type(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        const MachineClass *mc = machine_types[i];

        if (strcmp(mc->name, name) == 0 ||
            (mc->alias && strcmp(mc->alias, name) == 0)) {
            return mc;
        }
    }
    return NULL;
}

const MachineClass *machine_default_type(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        if (machine_types[i]->is_default) {
            return machine_types[i];
        }
    }
    return machine_types[0];
}

/*
 * QEMU's layout: the short name (the alias) first, "alias of" the
 * versioned name, then the versioned name with "(default)".
 */
void machine_print_help(void)
{
    printf("Supported machines are:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(machine_types); i++) {
        const MachineClass *mc = machine_types[i];
        const char *dflt = mc->is_default ? " (default)" : "";

        if (mc->alias) {
            printf("%-20s %s (alias of %s)\n", mc->alias, mc->desc, mc->name);
        }
        printf("%-20s %s%s\n", mc->name, mc->desc, dflt);
    }
}

/*
 * Device classes without a header of their own (scripts/check-layers.py
 * checks that each is defined in a layer this file may use).
 *
 * TO ADD A DEVICE TYPE: declare its DeviceClass here and add it to
 * device_types[].  Order does not matter; qdev_all_types() returns the
 * list sorted by name.  Only concrete types belong here (no abstract
 * "isa-device").
 */
extern const DeviceClass pvpanic_isa_class; /* hw/misc/pvpanic-isa.c */
extern const DeviceClass pvpanic_pci_class; /* hw/misc/pvpanic-pci.c */
extern const DeviceClass isa_serial_class;  /* hw/char/serial-isa.c */
extern const DeviceClass i8042_class;       /* hw/char/i8042.c */
extern const DeviceClass mc146818rtc_class; /* hw/rtc/mc146818rtc.c */
extern const DeviceClass fw_cfg_io_class;   /* hw/nvram/fw_cfg.c */
extern const DeviceClass vmcoreinfo_class;  /* hw/misc/vmcoreinfo.c */

static const DeviceClass *const device_types[] = {
    &pvpanic_isa_class, &isa_serial_class,     &i8042_class,
    &mc146818rtc_class, &fw_cfg_io_class,      &vmcoreinfo_class,
    &pvpanic_pci_class, &i440fx_pcihost_class, &i440fx_class,
    &piix3_class,
};

/*
 * Plus one CPU type per CPU model (hw/i386/cpu-models.h): not
 * user-creatable, so -device refuses them, but qom-list-types lists them
 * as QEMU does (libvirt looks for e.g. "qemu64-x86_64-cpu").
 */
#define NR_CPU_TYPES X86_CPU_MODEL_COUNT
#define NR_TYPES     (G_N_ELEMENTS(device_types) + NR_CPU_TYPES)

static const DeviceClass *sorted_types[NR_TYPES];

static int compare_types(const void *a, const void *b)
{
    const DeviceClass *const *x = a;
    const DeviceClass *const *y = b;

    return strcmp((*x)->name, (*y)->name);
}

const DeviceClass *const *qdev_all_types(size_t *count)
{
    /* The table is tiny and static: sort a copy once, on first use. */
    if (!sorted_types[0]) {
        size_t ncpu;
        const X86CPUModel *const *cpus = x86_cpu_models(&ncpu);

        g_assert(ncpu == NR_CPU_TYPES);
        memcpy(sorted_types, device_types, sizeof(device_types));
        for (size_t i = 0; i < ncpu; i++) {
            sorted_types[G_N_ELEMENTS(device_types) + i] = &cpus[i]->klass;
        }
        qsort(sorted_types, NR_TYPES, sizeof(sorted_types[0]), compare_types);
    }
    *count = NR_TYPES;
    return sorted_types;
}

const DeviceClass *qdev_find_type(const char *name)
{
    size_t count;
    const DeviceClass *const *types = qdev_all_types(&count);

    if (!name) {
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        const DeviceClass *dc = types[i];

        if (strcmp(dc->name, name) == 0 ||
            (dc->alias && strcmp(dc->alias, name) == 0)) {
            return dc;
        }
    }
    return NULL;
}
