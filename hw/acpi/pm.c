/*
 * ACPI PM block: PM1a event and control registers, the PM timer, and the
 * power button.  Register map and contract in hw/acpi/pm.h.
 *
 * The registers are kept as 16-bit values but handled byte by byte, so
 * any access size the guest uses (ACPICA reads PM1 status/enable as two
 * 16-bit halves of a 32-bit block) sees consistent bits; the PM timer is
 * computed once per access so a 32-bit read never tears.
 */
#include <string.h>

#include "hw/acpi/pm.h"
#include "hw/irq.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "system/runstate.h"

#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK  (7u << PM1_CNT_SLP_TYP_SHIFT)
/* Bits a guest may set in PM1a_EN; the rest read back 0. */
#define PM1_EN_WRITABLE ACPI_PM1_STS_PWRBTN
#define NS_PER_SEC      UINT64_C(1000000000)

static uint32_t pm_timer_now(void)
{
    uint64_t ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    uint64_t ticks = (ns / NS_PER_SEC) * ACPI_PM_TIMER_HZ +
                     (ns % NS_PER_SEC) * ACPI_PM_TIMER_HZ / NS_PER_SEC;

    return ticks & 0xffffff; /* 24-bit counter (TMR_VAL_EXT clear) */
}

static void pm_update_sci(AcpiPMState *pm)
{
    bool level = (pm->sts & pm->en) != 0;

    if (level != pm->sci_level) {
        pm->sci_level = level;
        qemu_set_irq(ACPI_PM_SCI_GSI, level);
    }
}

static void pm_write_cnt_hi(AcpiPMState *pm, uint8_t val)
{
    uint16_t cnt = (pm->cnt & 0x00ff) | (uint16_t)val << 8;
    unsigned slp_typ = (cnt & PM1_CNT_SLP_TYP_MASK) >> PM1_CNT_SLP_TYP_SHIFT;

    /* SLP_EN is write-only: it triggers the transition, never sticks. */
    pm->cnt = cnt & ~ACPI_PM1_CNT_SLP_EN;
    if (!(cnt & ACPI_PM1_CNT_SLP_EN)) {
        return;
    }
    if (slp_typ == ACPI_PM_SLP_TYP_S5) {
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "acpi-pm: unsupported sleep type %u ignored\n", slp_typ);
    }
}

static void pm_write_byte(AcpiPMState *pm, unsigned off, uint8_t val)
{
    unsigned shift = (off & 1) * 8;

    switch (off) {
    case 0:
    case 1:
        pm->sts &= ~((uint16_t)val << shift); /* write 1 to clear */
        break;
    case 2:
    case 3:
        pm->en = (pm->en & ~(0xff << shift)) |
                 (((uint16_t)val << shift) & PM1_EN_WRITABLE);
        break;
    case 4:
        pm->cnt = (pm->cnt & 0xff00) | val;
        break;
    case 5:
        pm_write_cnt_hi(pm, val);
        break;
    default:
        break; /* timer, reserved */
    }
}

static uint64_t pm_read(void *opaque, uint64_t addr, unsigned size)
{
    AcpiPMState *pm = opaque;
    uint32_t tmr = pm_timer_now();
    uint16_t cnt = pm->cnt | ACPI_PM1_CNT_SCI_EN;
    uint8_t regs[ACPI_PM_SIZE] = {
        pm->sts, pm->sts >> 8, pm->en,   pm->en >> 8, cnt,       cnt >> 8, 0,
        0,       tmr,          tmr >> 8, tmr >> 16,   tmr >> 24,
    };
    uint64_t val = 0;

    for (unsigned i = 0; i < size && addr + i < ACPI_PM_SIZE; i++) {
        val |= (uint64_t)regs[addr + i] << (8 * i);
    }
    return val;
}

static void pm_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    AcpiPMState *pm = opaque;

    for (unsigned i = 0; i < size && addr + i < ACPI_PM_SIZE; i++) {
        pm_write_byte(pm, addr + i, val >> (8 * i));
    }
    pm_update_sci(pm);
}

static const MemoryRegionOps pm_ops = {
    .read = pm_read,
    .write = pm_write,
    .impl_min = 1,
    .impl_max = 4,
};

bool acpi_pm_init(AcpiPMState *pm, AddressSpace *io, GError **errp)
{
    memset(pm, 0, sizeof(*pm));
    memory_region_init_io(&pm->mr, &pm_ops, pm, "acpi-pm", ACPI_PM_SIZE);
    if (!address_space_map(io, &pm->mr, ACPI_PM_BASE, "acpi-pm", errp)) {
        return false;
    }
    pm->io = io;
    return true;
}

void acpi_pm_fini(AcpiPMState *pm)
{
    if (pm->io) {
        address_space_unmap(pm->io, &pm->mr);
        pm->io = NULL;
    }
}

void acpi_pm_reset(AcpiPMState *pm)
{
    pm->sts = 0;
    pm->en = 0;
    pm->cnt = 0;
    if (pm->sci_level) {
        pm->sci_level = false;
        qemu_set_irq(ACPI_PM_SCI_GSI, 0);
    }
}

void acpi_pm_powerdown(AcpiPMState *pm)
{
    pm->sts |= ACPI_PM1_STS_PWRBTN;
    pm_update_sci(pm);
}
