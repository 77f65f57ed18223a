/*
 * pvpanic: the guest tells the host it panicked.
 *
 * Register contract (docs/specs/pvpanic.rst): one byte.  A read returns
 * the `events` property (the bits the host understands).  A write
 * reports at most one event, chosen by priority PANICKED > CRASH_LOADED
 * > SHUTDOWN; unknown bits are ignored (logged once per process under
 * -d guest_errors).  `events` never masks writes.
 *
 * The core (hw/misc/pvpanic.c) is bus-independent; pvpanic-isa.c is the
 * ISA glue (type "pvpanic", alias "isa-pvpanic", properties ioport and
 * events, the ACPI PEVT node).
 */
#ifndef HW_MISC_PVPANIC_H
#define HW_MISC_PVPANIC_H

#include "qemu/common.h"
#include "system/memory.h"

#define TYPE_PVPANIC_ISA_DEVICE "pvpanic"
#define TYPE_PVPANIC_PCI_DEVICE "pvpanic-pci"
#define PVPANIC_IOPORT_PROP     "ioport"

/* Event bits (Linux include/uapi/misc/pvpanic.h) */
#define PVPANIC_PANICKED     (1u << 0)
#define PVPANIC_CRASH_LOADED (1u << 1)
#define PVPANIC_SHUTDOWN     (1u << 2)
#define PVPANIC_EVENTS                                                         \
    (PVPANIC_PANICKED | PVPANIC_CRASH_LOADED | PVPANIC_SHUTDOWN)

#define PVPANIC_DEFAULT_IOPORT 0x505

typedef struct PVPanicState {
    MemoryRegion mr;
    uint8_t events;
} PVPanicState;

/* Initialise @s's 1..2-byte region named "pvpanic". */
void pvpanic_setup_io(PVPanicState *s, uint64_t size);
/* Decode one written byte and report it (exposed for unit tests). */
void pvpanic_handle_event(uint8_t val);

#endif /* HW_MISC_PVPANIC_H */
