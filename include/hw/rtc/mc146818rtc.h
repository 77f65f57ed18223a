/*
 * MC146818 CMOS real-time clock and NVRAM: type "mc146818rtc".
 *
 * Index port at iobase (0x70; bit 7, the NMI mask on a PC, is ignored),
 * data port at iobase + 1.  The clock follows host wall-clock time (UTC)
 * plus whatever offset the guest sets by writing the time registers.
 * Registers A-D, BCD/binary and 12/24-hour formats per register B, the
 * update-in-progress bit, 128 bytes of CMOS RAM, century at 0x32.
 * Periodic, alarm and update interrupts are not generated (register C
 * still reports the update flag); Linux does not need them to boot.
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include "hw/core/qdev.h"

#define TYPE_MC146818_RTC "mc146818rtc"
#define RTC_ISA_BASE      0x70
#define RTC_ISA_IRQ       8
#define RTC_CENTURY       0x32

#endif /* HW_RTC_MC146818RTC_H */
