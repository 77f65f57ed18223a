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

void qemu_set_irq(unsigned gsi, int level)
{
    if (gsi >= IRQ_MAX_GSI) {
        qemu_log_mask(LOG_GUEST_ERROR, "irq: GSI %u out of range\n", gsi);
        return;
    }
    irq_levels[gsi] = !!level;
    if (irq_handler) {
        irq_handler(irq_handler_opaque, gsi, !!level);
    }
}

int qemu_irq_level(unsigned gsi)
{
    return gsi < IRQ_MAX_GSI ? irq_levels[gsi] : 0;
}
