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

typedef void (*IrqSetFn)(void *opaque, unsigned gsi, int level);

/* Accelerator: route every qemu_set_irq() to @fn.  NULL restores the
 * default (record only). */
void irq_set_handler(IrqSetFn fn, void *opaque);

/* Device: set GSI @gsi to @level (0 or 1).  Out-of-range GSIs are
 * logged under -d guest_errors and ignored. */
void qemu_set_irq(unsigned gsi, int level);
/* Last level set on @gsi (for tests and the qtest accelerator). */
int qemu_irq_level(unsigned gsi);

#endif /* HW_IRQ_H */
