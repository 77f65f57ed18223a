/*
 * The table of device types.
 *
 * One explicit list instead of constructor-time registration: what a
 * binary (or a unit test linking libvigil) contains is visible here.
 *
 * TO ADD A DEVICE TYPE (kvm/board rooms: isa-serial, mc146818rtc, ...):
 * declare its DeviceClass below and add it to device_types[].  Order does
 * not matter; qdev_all_types() returns the list sorted by name.  Only
 * concrete types belong here (no abstract "isa-device").
 */
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev.h"

extern const DeviceClass pvpanic_isa_class; /* hw/misc/pvpanic-isa.c */
extern const DeviceClass isa_serial_class;  /* hw/char/ (kvm room) */
extern const DeviceClass i8042_class;       /* hw/char/ (kvm room) */
extern const DeviceClass mc146818rtc_class; /* hw/rtc/ (kvm room) */

static const DeviceClass *const device_types[] = {
    &pvpanic_isa_class,
    &isa_serial_class,
    &i8042_class,
    &mc146818rtc_class,
};

#define NR_TYPES G_N_ELEMENTS(device_types)

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
        memcpy(sorted_types, device_types, sizeof(device_types));
        qsort(sorted_types, NR_TYPES, sizeof(sorted_types[0]), compare_types);
    }
    *count = NR_TYPES;
    return sorted_types;
}

const DeviceClass *qdev_find_type(const char *name)
{
    if (!name) {
        return NULL;
    }
    for (size_t i = 0; i < NR_TYPES; i++) {
        const DeviceClass *dc = device_types[i];

        if (strcmp(dc->name, name) == 0 ||
            (dc->alias && strcmp(dc->alias, name) == 0)) {
            return dc;
        }
    }
    return NULL;
}
