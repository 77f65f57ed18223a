/*
 * Interrupt lines (include/hw/irq.h).
 *
 * A flat table of GSI levels plus one handler that the accelerator may
 * install.  Every level change is forwarded, even when it repeats the
 * last level: an edge-triggered PIC input expects the device's explicit
 * lower/raise pair, and KVM_IRQ_LINE is cheap.
 */
#include "hw/irq.h"
#include "qemu/log.h"

static IrqSetFn irq_handler;
static void *irq_handler_opaque;
static int irq_levels[IRQ_MAX_GSI];

void irq_set_handler(IrqSetFn fn, void *opaque)
{
    irq_handler = fn;
    irq_handler_opaque = opaque;
}

bool qemu_set_irq_status(unsigned gsi, int level)
{
    bool edge;
    int status = -1;

    if (gsi >= IRQ_MAX_GSI) {
        qemu_log_mask(LOG_GUEST_ERROR, "irq: GSI %u out of range\n", gsi);
        return false;
    }
    edge = level && !irq_levels[gsi];
    irq_levels[gsi] = !!level;
    if (irq_handler) {
        status = irq_handler(irq_handler_opaque, gsi, !!level);
    }
    return status < 0 ? edge : status > 0;
}

void qemu_set_irq(unsigned gsi, int level)
{
    qemu_set_irq_status(gsi, level);
}

int qemu_irq_level(unsigned gsi)
{
    return gsi < IRQ_MAX_GSI ? irq_levels[gsi] : 0;
}
