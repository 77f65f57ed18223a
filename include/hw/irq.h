/*
 * Interrupt lines from board devices to the interrupt controller.
 *
 * Devices raise and lower GSIs (ISA IRQ n = GSI n; the MADT's override
 * maps ISA IRQ 0 to GSI 2) without knowing who delivers them: under KVM
 * the accelerator installs a handler that calls KVM_IRQ_LINE on the
 * in-kernel PIC/IOAPIC; under qtest the default handler only records the
 * level (qtest_irq levels may be read by tests).  Expects the BQL.
 */
#ifndef HW_IRQ_H
#define HW_IRQ_H

#include "qemu/common.h"

#define IRQ_MAX_GSI 24

/*
 * Returns whether a raise reached the guest: > 0 delivered, 0 coalesced
 * (the interrupt controller still had the previous one pending, or the
 * line is masked: KVM_IRQ_LINE_STATUS), < 0 unknown (the edge rule of
 * qemu_set_irq_status() decides).
 */
typedef int (*IrqSetFn)(void *opaque, unsigned gsi, int level);

/* Accelerator: route every qemu_set_irq() to @fn.  NULL restores the
 * default (record only). */
void irq_set_handler(IrqSetFn fn, void *opaque);

/* Device: set GSI @gsi to @level (0 or 1).  Out-of-range GSIs are
 * logged under -d guest_errors and ignored. */
void qemu_set_irq(unsigned gsi, int level);
/*
 * The same, for a device that re-injects lost interrupts (the RTC's
 * lost_tick_policy=slew): true if a raise was delivered.  Where the
 * handler cannot tell (qtest), a raise is delivered when it is an edge
 * (the line was low: the guest acknowledged the previous interrupt) and
 * coalesced when the line was still high.
 */
bool qemu_set_irq_status(unsigned gsi, int level);
/* Last level set on @gsi (for tests and the qtest accelerator). */
int qemu_irq_level(unsigned gsi);

#endif /* HW_IRQ_H */
