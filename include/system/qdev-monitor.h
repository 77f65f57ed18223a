/*
 * -device option handling (the command-line face of hw/core).
 *
 * Two steps so that a bad -device fails before any socket is created:
 * qdev_device_parse() checks the driver and every property and returns
 * an unrealized device; qdev_device_realize_all() later plugs every
 * parsed device into the machine, in command-line order.
 */
#ifndef SYSTEM_QDEV_MONITOR_H
#define SYSTEM_QDEV_MONITOR_H

#include "hw/boards.h"
#include "hw/catalog.h"

/*
 * If @optarg asks for help ("help", "?", "T,help", "T,?"), print it in
 * QEMU's format on stdout and return the exit status main() should use
 * (always 0, as QEMU: an unknown driver prints "Device 'X' not found" on
 * stderr and still counts as answered).  Returns -1
 * when @optarg is not a help request.
 */
int qdev_device_help(const char *optarg);

/*
 * Parse "driver[,prop=value...][,id=ID]" or the JSON object form
 * '{"driver": "pvpanic", "ioport": 1285, "id": "pp"}'.  Errors (exit 1
 * in main): "Device 'X' not found", "Property 'pvpanic.bogus' not found",
 * "Parameter 'ioport' expects uint16_t", "Parameter 'driver' is missing",
 * "Device 'X' can't be added with -device", and for a duplicate id
 * "Duplicate device ID 'x'".  The device is kept in an internal list.
 */
DeviceState *qdev_device_parse(const char *optarg, GError **errp);

/* Realize every parsed device on @ms, in order; stops at the first
 * error (e.g. "No 'ISA' bus found for device 'pvpanic'"). */
bool qdev_device_realize_all(MachineState *ms, GError **errp);

/* Free parsed devices that were never realized (error paths). */
void qdev_device_free_pending(void);

#endif /* SYSTEM_QDEV_MONITOR_H */
