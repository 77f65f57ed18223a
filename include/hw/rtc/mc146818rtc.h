/*
 * MC146818 CMOS real-time clock and NVRAM: type "mc146818rtc".
 *
 * Index port at iobase (0x70; bit 7, the NMI mask on a PC, is ignored),
 * data port at iobase + 1.  The clock counts with -rtc clock= (host
 * wall-clock time by default, the guest's virtual clock with clock=vm),
 * from -rtc base= or whatever time the guest sets.  Registers A-D,
 * BCD/binary and 12/24-hour formats per register B, the update-in-
 * progress bit (the last 244 us of each second), divider reset (the
 * first update half a second after it ends), 128 bytes of CMOS RAM,
 * century at 0x32.  Periodic (all rates), alarm (with "don't care"
 * values) and update-ended interrupts on GSI `irq` (8), level-triggered
 * and acknowledged by reading register C.
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include <time.h>

#include "hw/core/qdev.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define RTC_ISA_BASE      0x70
#define RTC_ISA_IRQ       8
#define RTC_CENTURY       0x32

extern const DeviceClass mc146818rtc_class;

/*
 * QEMU's read-only "date" property (QOM type "struct tm"): the time the
 * guest reads from the registers now (while register B's SET is on, the
 * registers as the guest wrote them).
 */
void mc146818rtc_get_date(DeviceState *dev, struct tm *tm);

#endif /* HW_RTC_MC146818RTC_H */
