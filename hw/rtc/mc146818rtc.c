/*
 * MC146818 RTC (include/hw/rtc/mc146818rtc.h).
 *
 * The time is never stored ticking: it is host UTC plus `offset`
 * seconds, turned into register values on every read.  While register B
 * has SET, the time registers are plain RAM the guest fills in; clearing
 * SET (or any time-register write outside SET) turns them back into an
 * offset.
 */
#include <string.h>
#include <time.h>

#include "hw/boards.h"
#include "hw/isa/isa.h"
#include "hw/rtc/mc146818rtc.h"
#include "qemu/log.h"

enum {
    REG_SEC = 0x00,
    REG_MIN = 0x02,
    REG_HOUR = 0x04,
    REG_WDAY = 0x06,
    REG_MDAY = 0x07,
    REG_MON = 0x08,
    REG_YEAR = 0x09,
    REG_A = 0x0a,
    REG_B = 0x0b,
    REG_C = 0x0c,
    REG_D = 0x0d,
};

#define A_UIP      0x80
#define A_DV_MASK  0x70
#define A_DV_32KHZ 0x20
#define B_SET      0x80
#define B_UIE      0x10
#define B_DM_BIN   0x04
#define B_24H      0x02
#define C_IRQF     0x80
#define C_UF       0x10
#define D_VRT      0x80
#define HOUR_PM    0x80

/* The update cycle: UIP is set this long before each second ends. */
#define UIP_WINDOW_US 244

typedef struct RTCState {
    ISADevice parent_obj;
    uint16_t iobase;
    uint32_t irq;
    uint32_t base_year;
    MemoryRegion io;
    uint8_t cmos[128];
    uint8_t index;
    int64_t offset;      /* guest time - host UTC, seconds */
    int64_t last_c_read; /* guest second when C was last read */
} RTCState;

static RTCState *rtc_state(DeviceState *dev)
{
    return container_of(dev, RTCState, parent_obj.parent_obj);
}

static int64_t host_now_us(void)
{
    return g_get_real_time();
}

static uint8_t to_reg(const RTCState *s, unsigned v)
{
    return (s->cmos[REG_B] & B_DM_BIN) ? v : ((v / 10) << 4) | (v % 10);
}

static unsigned from_reg(const RTCState *s, uint8_t v)
{
    return (s->cmos[REG_B] & B_DM_BIN) ? v : (v >> 4) * 10 + (v & 0x0f);
}

static uint8_t hour_to_reg(const RTCState *s, unsigned h)
{
    if (s->cmos[REG_B] & B_24H) {
        return to_reg(s, h);
    }
    return to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? HOUR_PM : 0);
}

static unsigned hour_from_reg(const RTCState *s, uint8_t v)
{
    unsigned h;

    if (s->cmos[REG_B] & B_24H) {
        return from_reg(s, v);
    }
    h = from_reg(s, v & ~HOUR_PM) % 12;
    return (v & HOUR_PM) ? h + 12 : h;
}

/* Fill the time registers from guest time @t. */
static void rtc_store_time(RTCState *s, int64_t t)
{
    time_t tt = t;
    struct tm tm;
    unsigned year;

    gmtime_r(&tt, &tm);
    year = tm.tm_year + 1900;
    s->cmos[REG_SEC] = to_reg(s, tm.tm_sec);
    s->cmos[REG_MIN] = to_reg(s, tm.tm_min);
    s->cmos[REG_HOUR] = hour_to_reg(s, tm.tm_hour);
    s->cmos[REG_WDAY] = to_reg(s, tm.tm_wday + 1);
    s->cmos[REG_MDAY] = to_reg(s, tm.tm_mday);
    s->cmos[REG_MON] = to_reg(s, tm.tm_mon + 1);
    s->cmos[REG_YEAR] = to_reg(s, (year - s->base_year) % 100);
    s->cmos[RTC_CENTURY] = to_reg(s, (year - s->base_year) / 100);
}

/* The guest wrote the time: make it the new offset. */
static void rtc_load_time(RTCState *s)
{
    struct tm tm = {0};
    unsigned year = from_reg(s, s->cmos[REG_YEAR]) +
                    from_reg(s, s->cmos[RTC_CENTURY]) * 100 + s->base_year;

    tm.tm_sec = from_reg(s, s->cmos[REG_SEC]);
    tm.tm_min = from_reg(s, s->cmos[REG_MIN]);
    tm.tm_hour = hour_from_reg(s, s->cmos[REG_HOUR]);
    tm.tm_mday = from_reg(s, s->cmos[REG_MDAY]);
    tm.tm_mon = from_reg(s, s->cmos[REG_MON]) - 1;
    tm.tm_year = year - 1900;
    s->offset = (int64_t)timegm(&tm) - host_now_us() / G_USEC_PER_SEC;
}

static bool rtc_is_time_reg(unsigned reg)
{
    return reg <= REG_YEAR || reg == RTC_CENTURY;
}

static bool rtc_running(const RTCState *s)
{
    return !(s->cmos[REG_B] & B_SET) &&
           (s->cmos[REG_A] & A_DV_MASK) == A_DV_32KHZ;
}

static uint8_t rtc_read_data(RTCState *s)
{
    unsigned reg = s->index;
    int64_t now_us = host_now_us();
    int64_t now = now_us / G_USEC_PER_SEC + s->offset;
    uint8_t v;

    if (rtc_is_time_reg(reg) && !(s->cmos[REG_B] & B_SET)) {
        rtc_store_time(s, now);
    }
    switch (reg) {
    case REG_A:
        v = s->cmos[REG_A] & ~A_UIP;
        if (rtc_running(s) &&
            now_us % G_USEC_PER_SEC >= G_USEC_PER_SEC - UIP_WINDOW_US) {
            v |= A_UIP;
        }
        return v;
    case REG_C:
        /* Update-ended since the last read; no interrupt is raised. */
        v = 0;
        if (rtc_running(s) && now != s->last_c_read) {
            v |= C_UF;
            if (s->cmos[REG_B] & B_UIE) {
                v |= C_IRQF;
            }
        }
        s->last_c_read = now;
        return v;
    default:
        return s->cmos[reg];
    }
}

static void rtc_write_data(RTCState *s, uint8_t val)
{
    unsigned reg = s->index;

    switch (reg) {
    case REG_A:
        s->cmos[REG_A] = (val & ~A_UIP) | (s->cmos[REG_A] & A_UIP);
        return;
    case REG_B:
        if ((s->cmos[REG_B] & B_SET) && !(val & B_SET)) {
            s->cmos[REG_B] = val;
            rtc_load_time(s);
            return;
        }
        if (!(s->cmos[REG_B] & B_SET) && (val & B_SET)) {
            /* Freeze the current time in the registers. */
            rtc_store_time(s, host_now_us() / G_USEC_PER_SEC + s->offset);
        }
        s->cmos[REG_B] = val;
        return;
    case REG_C:
    case REG_D:
        qemu_log_mask(LOG_GUEST_ERROR, "rtc: write to read-only reg 0x%x\n",
                      reg);
        return;
    default:
        if (rtc_is_time_reg(reg) && !(s->cmos[REG_B] & B_SET)) {
            rtc_store_time(s, host_now_us() / G_USEC_PER_SEC + s->offset);
            s->cmos[reg] = val;
            rtc_load_time(s);
            return;
        }
        s->cmos[reg] = val;
    }
}

static uint64_t rtc_io_read(void *opaque, uint64_t addr, unsigned size)
{
    RTCState *s = opaque;

    /* The index register is write-only. */
    return addr == 0 ? 0xff : rtc_read_data(s);
}

static void rtc_io_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    RTCState *s = opaque;

    if (addr == 0) {
        s->index = val & 0x7f; /* bit 7 is the PC's NMI mask */
    } else {
        rtc_write_data(s, val);
    }
}

static const MemoryRegionOps rtc_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .impl_min = 1,
    .impl_max = 1,
};

static void rtc_reset_regs(RTCState *s)
{
    s->cmos[REG_A] = A_DV_32KHZ | 0x06; /* 1024 Hz periodic rate */
    s->cmos[REG_B] = B_24H;
    s->cmos[REG_C] = 0;
    s->cmos[REG_D] = D_VRT;
}

static void rtc_instance_init(DeviceState *dev)
{
    RTCState *s = rtc_state(dev);

    memory_region_init_io(&s->io, &rtc_ops, s, "rtc", 2);
    rtc_reset_regs(s);
    s->offset = rtc_base_offset; /* -rtc base= */
}

static bool rtc_realize(DeviceState *dev, GError **errp)
{
    RTCState *s = rtc_state(dev);

    return isa_register_ioport(&s->parent_obj, &s->io, s->iobase, errp);
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCState *s = rtc_state(dev);

    isa_unregister_ioport(&s->parent_obj, &s->io);
}

/* system_reset keeps the time and CMOS RAM, as a real PC does. */
static void rtc_reset(DeviceState *dev)
{
    RTCState *s = rtc_state(dev);

    s->cmos[REG_B] &= ~(0x70); /* PIE, AIE, UIE off */
    s->cmos[REG_C] = 0;
}

static const Property rtc_props[] = {
    DEFINE_PROP_UINT16("iobase", RTCState, iobase, RTC_ISA_BASE),
    DEFINE_PROP_UINT32("irq", RTCState, irq, RTC_ISA_IRQ),
    DEFINE_PROP_UINT32("base_year", RTCState, base_year, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const char *const rtc_children[] = {
    "rtc",
    "child<memory-region>",
    NULL,
    NULL,
};

const DeviceClass mc146818rtc_class = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_ISA_DEVICE,
    .bus_type = TYPE_ISA_BUS,
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = false,
    .hotpluggable = false,
    .instance_size = sizeof(RTCState),
    .props = rtc_props,
    .children = rtc_children,
    .instance_init = rtc_instance_init,
    .realize = rtc_realize,
    .unrealize = rtc_unrealize,
    .reset = rtc_reset,
};
