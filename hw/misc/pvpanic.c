/*
 * pvpanic, bus-independent core: the register and what a write means.
 *
 * The device has no state besides the `events` value it reports, so the
 * same core serves any bus glue (ISA today; PCI or MMIO would only add a
 * region at another place).  It reports to the run-state layer, never to
 * the monitor.
 */
#include "hw/misc/pvpanic.h"
#include "qemu/log.h"
#include "system/runstate.h"

void pvpanic_handle_event(uint8_t val)
{
    /* One message per process: a guest looping on a bad value must not
     * flood the log. */
    static bool unknown_logged;

    if ((val & ~PVPANIC_EVENTS) && !unknown_logged &&
        qemu_loglevel_mask(LOG_GUEST_ERROR)) {
        unknown_logged = true;
        qemu_log("pvpanic: unknown event 0x%x\n", val);
    }
    /* At most one event per write, highest priority first. */
    if (val & PVPANIC_PANICKED) {
        qemu_system_guest_panicked();
    } else if (val & PVPANIC_CRASH_LOADED) {
        qemu_system_guest_crashloaded();
    } else if (val & PVPANIC_SHUTDOWN) {
        qemu_system_guest_pvshutdown();
    }
}

/* The read tells the guest which bits the host understands. */
static uint64_t pvpanic_read(void *opaque, uint64_t addr, unsigned size)
{
    PVPanicState *s = opaque;

    return s->events;
}

/* `events` deliberately does not filter writes: QEMU never did. */
static void pvpanic_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    pvpanic_handle_event(val);
}

static const MemoryRegionOps pvpanic_ops = {
    .read = pvpanic_read,
    .write = pvpanic_write,
    .impl_min = 1,
    .impl_max = 1,
    /* QEMU cuts wider MMIO accesses into 4-byte pieces: an 8-byte read
     * of the 2-byte PCI region sees the upper half unassigned. */
    .valid_max = 4,
};

void pvpanic_setup_io(PVPanicState *s, uint64_t size)
{
    memory_region_init_io(&s->mr, &pvpanic_ops, s, "pvpanic", size);
}
