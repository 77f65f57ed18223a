/*
 * FADT ("FACP"), revision 5 (ACPI 5.1): the fixed hardware of the pc
 * machine.
 *
 * The PM block (hw/acpi/pm.h) provides PM1a event/control and the PM
 * timer; SMI_CMD is 0, so the machine is always in ACPI mode.  Reset is
 * port 0xcf9 value 0x06 (the board's reset control).  The power button
 * is the fixed-feature one (PWR_BUTTON flag clear).  Legacy 32-bit and
 * X_ 64-bit fields carry the same values, so ACPICA has nothing to
 * reconcile.  HW_REDUCED_ACPI is 0: distribution kernels are not built
 * reduced-only.
 */
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "hw/acpi/pm.h"

#define FADT_REVISION       5
#define FADT_MINOR_REVISION 1

#define PM_PROFILE_UNSPECIFIED 0
#define PM1_EVT_LEN            4
#define PM1_CNT_LEN            2
#define PM_TMR_LEN             4

/* Fixed feature flags */
#define FADT_F_WBINVD        (1u << 0)
#define FADT_F_PROC_C1       (1u << 2)
#define FADT_F_SLP_BUTTON    (1u << 5) /* no fixed sleep button */
#define FADT_F_FIX_RTC       (1u << 6) /* no RTC wake status */
#define FADT_F_RESET_REG_SUP (1u << 10)

/* IA-PC boot architecture flags */
#define IAPC_LEGACY_DEVICES    (1u << 0)
#define IAPC_8042              (1u << 1)
#define IAPC_VGA_NOT_PRESENT   (1u << 2)
#define IAPC_MSI_NOT_SUPPORTED (1u << 3)

#define RESET_PORT  0xcf9
#define RESET_VALUE 0x06

/* RTC CMOS index of the century byte (what the board's RTC keeps). */
#define RTC_CENTURY_INDEX 0x32

GByteArray *acpi_build_fadt(uint64_t facs_addr, uint64_t dsdt_addr)
{
    GByteArray *b = g_byte_array_new();
    uint32_t evt = ACPI_PM_BASE + ACPI_PM_EVT_OFF;
    uint32_t cnt = ACPI_PM_BASE + ACPI_PM_CNT_OFF;
    uint32_t tmr = ACPI_PM_BASE + ACPI_PM_TMR_OFF;

    acpi_table_begin(b, "FACP", FADT_REVISION);
    acpi_append_u32(b, facs_addr); /* FIRMWARE_CTRL */
    acpi_append_u32(b, dsdt_addr); /* DSDT */
    acpi_append_u8(b, 0);          /* reserved (INT_MODEL) */
    acpi_append_u8(b, PM_PROFILE_UNSPECIFIED);
    acpi_append_u16(b, ACPI_PM_SCI_GSI); /* SCI_INT */
    acpi_append_u32(b, 0);               /* SMI_CMD: always ACPI */
    acpi_append_u8(b, 0);                /* ACPI_ENABLE */
    acpi_append_u8(b, 0);                /* ACPI_DISABLE */
    acpi_append_u8(b, 0);                /* S4BIOS_REQ */
    acpi_append_u8(b, 0);                /* PSTATE_CNT */
    acpi_append_u32(b, evt);             /* PM1a_EVT_BLK */
    acpi_append_u32(b, 0);               /* PM1b_EVT_BLK */
    acpi_append_u32(b, cnt);             /* PM1a_CNT_BLK */
    acpi_append_u32(b, 0);               /* PM1b_CNT_BLK */
    acpi_append_u32(b, 0);               /* PM2_CNT_BLK */
    acpi_append_u32(b, tmr);             /* PM_TMR_BLK */
    acpi_append_u32(b, 0);               /* GPE0_BLK */
    acpi_append_u32(b, 0);               /* GPE1_BLK */
    acpi_append_u8(b, PM1_EVT_LEN);
    acpi_append_u8(b, PM1_CNT_LEN);
    acpi_append_u8(b, 0); /* PM2_CNT_LEN */
    acpi_append_u8(b, PM_TMR_LEN);
    acpi_append_u8(b, 0);                 /* GPE0_BLK_LEN */
    acpi_append_u8(b, 0);                 /* GPE1_BLK_LEN */
    acpi_append_u8(b, 0);                 /* GPE1_BASE */
    acpi_append_u8(b, 0);                 /* CST_CNT */
    acpi_append_u16(b, 0xfff);            /* P_LVL2_LAT: no C2 */
    acpi_append_u16(b, 0xfff);            /* P_LVL3_LAT: no C3 */
    acpi_append_u16(b, 0);                /* FLUSH_SIZE */
    acpi_append_u16(b, 0);                /* FLUSH_STRIDE */
    acpi_append_u8(b, 0);                 /* DUTY_OFFSET */
    acpi_append_u8(b, 0);                 /* DUTY_WIDTH */
    acpi_append_u8(b, 0);                 /* DAY_ALRM */
    acpi_append_u8(b, 0);                 /* MON_ALRM */
    acpi_append_u8(b, RTC_CENTURY_INDEX); /* CENTURY */
    acpi_append_u16(b, IAPC_LEGACY_DEVICES | IAPC_8042 | IAPC_VGA_NOT_PRESENT |
                           IAPC_MSI_NOT_SUPPORTED);
    acpi_append_u8(b, 0); /* reserved */
    acpi_append_u32(b, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON |
                           FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP);
    acpi_append_gas(b, ACPI_GAS_SYSTEM_IO, 8, 0, 0, RESET_PORT);
    acpi_append_u8(b, RESET_VALUE);
    acpi_append_u16(b, 0); /* ARM_BOOT_ARCH */
    acpi_append_u8(b, FADT_MINOR_REVISION);
    acpi_append_u64(b, facs_addr); /* X_FIRMWARE_CTRL */
    acpi_append_u64(b, dsdt_addr); /* X_DSDT */
    acpi_append_gas(b, ACPI_GAS_SYSTEM_IO, PM1_EVT_LEN * 8, 0, 0, evt);
    acpi_append_gas(b, 0, 0, 0, 0, 0); /* X_PM1b_EVT_BLK */
    acpi_append_gas(b, ACPI_GAS_SYSTEM_IO, PM1_CNT_LEN * 8, 0, 0, cnt);
    acpi_append_gas(b, 0, 0, 0, 0, 0); /* X_PM1b_CNT_BLK */
    acpi_append_gas(b, 0, 0, 0, 0, 0); /* X_PM2_CNT_BLK */
    acpi_append_gas(b, ACPI_GAS_SYSTEM_IO, PM_TMR_LEN * 8, 0, 0, tmr);
    acpi_append_gas(b, 0, 0, 0, 0, 0); /* X_GPE0_BLK */
    acpi_append_gas(b, 0, 0, 0, 0, 0); /* X_GPE1_BLK */
    acpi_append_gas(b, 0, 0, 0, 0, 0); /* SLEEP_CONTROL_REG */
    acpi_append_gas(b, 0, 0, 0, 0, 0); /* SLEEP_STATUS_REG */
    acpi_table_end(b);
    return b;
}
