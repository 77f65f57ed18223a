/*
 * The ACPI power-management block of the pc machine (fixed hardware,
 * like the PIIX4 PM function QEMU has at port 0x600).
 *
 * Registers (offsets from ACPI_PM_BASE; the FADT points at them):
 *   0x00  PM1a_STS  16 bit, write 1 to clear.  Bit 0 TMR_STS, bit 8
 *                   PWRBTN_STS (set by acpi_pm_powerdown).
 *   0x02  PM1a_EN   16 bit.  Bit 8 PWRBTN_EN.
 *   0x04  PM1a_CNT  16 bit.  Bit 0 SCI_EN reads 1 always (no SMI_CMD:
 *                   the machine is in ACPI mode from reset).  Writing
 *                   SLP_EN (bit 13) with SLP_TYP (bits 10-12) =
 *                   ACPI_PM_SLP_TYP_S5 requests a guest shutdown; other
 *                   sleep types are ignored (the DSDT offers only _S5).
 *   0x08  PM_TMR    24-bit counter at 3.579545 MHz (guest time), read only.
 * The SCI (GSI ACPI_PM_SCI_GSI, level, active high) is asserted while
 * (PM1a_STS & PM1a_EN) has a bit set.
 */
#ifndef HW_ACPI_PM_H
#define HW_ACPI_PM_H

#include "qemu/common.h"
#include "system/memory.h"

#define ACPI_PM_BASE       0x600
#define ACPI_PM_SIZE       0x0c
#define ACPI_PM_EVT_OFF    0x00
#define ACPI_PM_CNT_OFF    0x04
#define ACPI_PM_TMR_OFF    0x08
#define ACPI_PM_SCI_GSI    9
#define ACPI_PM_SLP_TYP_S5 5
#define ACPI_PM_TIMER_HZ   3579545

#define ACPI_PM1_STS_TMR    (1u << 0)
#define ACPI_PM1_STS_PWRBTN (1u << 8)
#define ACPI_PM1_CNT_SCI_EN (1u << 0)
#define ACPI_PM1_CNT_SLP_EN (1u << 13)

typedef struct AcpiPMState {
    MemoryRegion mr;
    AddressSpace *io;
    uint16_t sts;
    uint16_t en;
    uint16_t cnt;
    bool sci_level;
} AcpiPMState;

/* Claim [ACPI_PM_BASE, +ACPI_PM_SIZE) in @io (fails on overlap). */
bool acpi_pm_init(AcpiPMState *pm, AddressSpace *io, GError **errp);
void acpi_pm_fini(AcpiPMState *pm);
/* system_reset: registers back to their power-on values, SCI low. */
void acpi_pm_reset(AcpiPMState *pm);
/* Press the power button: PWRBTN_STS, SCI if enabled.  BQL held. */
void acpi_pm_powerdown(AcpiPMState *pm);

#endif /* HW_ACPI_PM_H */
