/*
 * MC146818 RTC (include/hw/rtc/mc146818rtc.h).
 *
 * Guest time is a nanosecond count: base_ns at the RTC clock's reading
 * ref_ns, advancing with that clock while the RTC runs (register B's SET
 * clear and the divider not held in reset), frozen otherwise.  The time
 * registers are computed from it on every read.  While SET is on they
 * are plain RAM the guest fills in; clearing SET makes them the new time
 * (at the start of its second).
 *
 * Interrupts (GSI s->irq, level, lowered by reading register C):
 *   periodic     every 2^(RS-1) ticks of 32768 Hz (RS 1, 2 act as 8, 9),
 *                aligned to the guest clock, while PIE is set
 *   update-ended at each guest second boundary (UF; IRQF with UIE)
 *   alarm        at an update whose time matches the alarm registers,
 *                a value 0xc0-0xff in an alarm register matching any
 *                (AF; IRQF with AIE)
 * The update timer runs whenever the RTC runs, so flags are exact even
 * when no interrupt is enabled (register C shows them).
 *
 * lost_tick_policy=slew (-rtc driftfix=slew), QEMU's catch-up: a periodic
 * interrupt that did not reach the guest (qemu_set_irq_status(): KVM says
 * coalesced; under qtest the line was still high, register C unread) is
 * counted, and the count is paid back by re-injecting: at once when the
 * guest reads register C (up to REINJECT_ON_ACK times in a row), and from
 * a catch-up timer that fires 2 to 8 times per period while ticks are
 * owed.  "discard" (the default) drops them.
 */
#include <string.h>
#include <time.h>

#include "hw/boards.h"
#include "hw/irq.h"
#include "hw/isa/isa.h"
#include "hw/rtc/mc146818rtc.h"
#include "qemu/log.h"
#include "qemu/timer.h"

enum {
    REG_SEC = 0x00,
    REG_SEC_ALARM = 0x01,
    REG_MIN = 0x02,
    REG_MIN_ALARM = 0x03,
    REG_HOUR = 0x04,
    REG_HOUR_ALARM = 0x05,
    REG_WDAY = 0x06,
    REG_MDAY = 0x07,
    REG_MON = 0x08,
    REG_YEAR = 0x09,
    REG_A = 0x0a,
    REG_B = 0x0b,
    REG_C = 0x0c,
    REG_D = 0x0d,
};

#define A_UIP        0x80
#define A_DV_MASK    0x70
#define A_DV_RUNNING 0x20 /* the highest divider value that counts */
#define A_RS_MASK    0x0f
#define B_SET        0x80
#define B_PIE        0x40
#define B_AIE        0x20
#define B_UIE        0x10
#define B_SQWE       0x08
#define B_DM_BIN     0x04
#define B_24H        0x02
#define C_IRQF       0x80
#define C_PF         0x40
#define C_AF         0x20
#define C_UF         0x10
#define D_VRT        0x80
#define HOUR_PM      0x80
#define ALARM_ANY    0xc0

/* Re-injections on register C reads before the catch-up timer must
 * deliver one (QEMU's RTC_REINJECT_ON_ACK_COUNT). */
#define REINJECT_ON_ACK 20

/* QEMU's LostTickPolicy; the RTC accepts discard and slew. */
enum { POLICY_DISCARD, POLICY_DELAY, POLICY_SLEW };
static const char *const lost_tick_policies[] = {"discard", "delay", "slew",
                                                 NULL};

#define NS_PER_SEC INT64_C(1000000000)
#define RTC_HZ     32768
/* UIP is set for the last 8 ticks of 32768 Hz of each second. */
#define UIP_NS (8 * NS_PER_SEC / RTC_HZ)
/* Leaving divider reset: the first update comes half a second later. */
#define FIRST_UPDATE_NS (NS_PER_SEC / 2)

typedef struct RTCState {
    ISADevice parent_obj;
    uint16_t iobase;
    uint8_t irq;
    int32_t base_year;
    MemoryRegion io;
    /*
     * QEMU's "rtc-index" sub-region: port iobase alone, inside "rtc" at
     * offset 0, with the same callbacks (QEMU marks it for coalesced
     * writes under KVM).  Vigil's address spaces are flat, so it is a QOM
     * child only, never mapped: "rtc" answers both ports.
     */
    MemoryRegion index_io;
    uint8_t cmos[128];
    uint8_t index;

    int64_t base_ns;         /* guest time (ns since the epoch) at ref_ns */
    int64_t ref_ns;          /* rtc clock reading of base_ns */
    bool counting;           /* base_ns advances with the clock */
    int64_t last_update_sec; /* guest second of the last update cycle */
    QEMUTimer *update_timer;
    QEMUTimer *periodic_timer;
    int lost_tick_policy;
    uint32_t irq_coalesced;   /* periodic interrupts owed (slew) */
    uint32_t reinject_on_ack; /* re-injections on C reads in a row */
    QEMUTimer *coalesced_timer;
} RTCState;

static RTCState *rtc_state(DeviceState *dev)
{
    return container_of(dev, RTCState, parent_obj.parent_obj);
}

/* ---- the clock (-rtc clock=) ---- */

static int64_t clock_now(void)
{
    switch (rtc_clock) {
    case RTC_CLOCK_VM:
        return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    case RTC_CLOCK_RT:
        return qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
    default:
        return g_get_real_time() * 1000;
    }
}

static QEMUTimer *clock_timer_new(QEMUTimerCB *cb, void *opaque)
{
    return timer_new_ns(rtc_clock == RTC_CLOCK_VM ? QEMU_CLOCK_VIRTUAL
                                                  : QEMU_CLOCK_REALTIME,
                        cb, opaque);
}

/* Arm @t for rtc clock reading @when (host time rides on monotonic
 * timers: only the distance matters). */
static void clock_timer_mod(QEMUTimer *t, int64_t when)
{
    if (rtc_clock == RTC_CLOCK_HOST) {
        when = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + (when - clock_now());
    }
    timer_mod_ns(t, when);
}

static bool rtc_running(const RTCState *s)
{
    return !(s->cmos[REG_B] & B_SET) &&
           (s->cmos[REG_A] & A_DV_MASK) <= A_DV_RUNNING;
}

static bool divider_in_reset(const RTCState *s)
{
    return (s->cmos[REG_A] & A_DV_MASK) > A_DV_RUNNING;
}

static int64_t guest_ns(const RTCState *s)
{
    return s->counting ? s->base_ns + (clock_now() - s->ref_ns) : s->base_ns;
}

static void set_guest_ns(RTCState *s, int64_t ns)
{
    s->base_ns = ns;
    s->ref_ns = clock_now();
}

/* The clock reading at which guest time reaches @ns. */
static int64_t clock_at(const RTCState *s, int64_t ns)
{
    return s->ref_ns + (ns - s->base_ns);
}

/* ---- register formats ---- */

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

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b < 0);
}

/* Fill the time registers from guest second @t. */
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

/* The guest's time registers as seconds since the epoch. */
static int64_t rtc_load_time(RTCState *s)
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
    return timegm(&tm);
}

static bool rtc_is_time_reg(unsigned reg)
{
    return reg <= REG_YEAR || reg == RTC_CENTURY;
}

/* ---- interrupts ---- */

static void rtc_raise(RTCState *s, uint8_t flags, uint8_t enable)
{
    s->cmos[REG_C] |= flags;
    if (s->cmos[REG_B] & enable) {
        s->cmos[REG_C] |= C_IRQF;
        qemu_set_irq(s->irq, 1);
    }
}

static bool alarm_field(const RTCState *s, unsigned reg, unsigned now,
                        bool hour)
{
    uint8_t a = s->cmos[reg];

    if ((a & ALARM_ANY) == ALARM_ANY) {
        return true;
    }
    return (hour ? hour_from_reg(s, a) : from_reg(s, a)) == now;
}

static bool alarm_matches(const RTCState *s, int64_t sec)
{
    int64_t day = floor_div(sec, 86400);
    unsigned t = sec - day * 86400;

    return alarm_field(s, REG_SEC_ALARM, t % 60, false) &&
           alarm_field(s, REG_MIN_ALARM, t / 60 % 60, false) &&
           alarm_field(s, REG_HOUR_ALARM, t / 3600, true);
}

static void periodic_update(RTCState *s);

/* Re-arm (or stop) the 1 Hz update timer. */
static void update_timer_arm(RTCState *s)
{
    int64_t sec;

    if (!rtc_running(s)) {
        timer_del(s->update_timer);
        return;
    }
    sec = floor_div(guest_ns(s), NS_PER_SEC);
    clock_timer_mod(s->update_timer, clock_at(s, (sec + 1) * NS_PER_SEC));
}

static void update_timer_cb(void *opaque)
{
    RTCState *s = opaque;
    int64_t sec;

    if (!rtc_running(s)) {
        return;
    }
    sec = floor_div(guest_ns(s), NS_PER_SEC);
    if (sec != s->last_update_sec) {
        s->last_update_sec = sec;
        rtc_raise(s, C_UF, B_UIE);
        if (alarm_matches(s, sec)) {
            rtc_raise(s, C_AF, B_AIE);
        }
    }
    update_timer_arm(s);
}

/* The periodic rate in 32768 Hz ticks, or 0 when off. */
static int64_t periodic_ticks(const RTCState *s)
{
    unsigned rs = s->cmos[REG_A] & A_RS_MASK;

    if (!rs) {
        return 0;
    }
    if (rs <= 2) {
        rs += 7;
    }
    return INT64_C(1) << (rs - 1);
}

/* The next periodic tick after now, in guest ns (aligned to the rate). */
static int64_t periodic_next_ns(const RTCState *s)
{
    int64_t period = periodic_ticks(s);
    int64_t ticks =
        floor_div(guest_ns(s) / NS_PER_SEC * RTC_HZ +
                      (guest_ns(s) % NS_PER_SEC) * RTC_HZ / NS_PER_SEC,
                  period);

    int64_t next = (ticks + 1) * period; /* in 32768 Hz ticks */

    return next / RTC_HZ * NS_PER_SEC +
           ((next % RTC_HZ) * NS_PER_SEC + RTC_HZ - 1) / RTC_HZ;
}

static void periodic_update(RTCState *s)
{
    if (!periodic_ticks(s) || !(s->cmos[REG_B] & B_PIE) ||
        divider_in_reset(s) || !s->counting) {
        timer_del(s->periodic_timer);
        return;
    }
    clock_timer_mod(s->periodic_timer, clock_at(s, periodic_next_ns(s)));
}

/* ---- lost ticks (slew) ---- */

/* Raise for a periodic interrupt; true if it reached the guest. */
static bool slew_deliver(RTCState *s)
{
    return qemu_set_irq_status(s->irq, 1);
}

static int64_t period_ns(const RTCState *s)
{
    return periodic_ticks(s) * NS_PER_SEC / RTC_HZ;
}

/* While ticks are owed, catch up 2 to 8 times per period. */
static void coalesced_timer_arm(RTCState *s)
{
    if (!s->irq_coalesced || !s->coalesced_timer || !periodic_ticks(s)) {
        if (s->coalesced_timer) {
            timer_del(s->coalesced_timer);
        }
        return;
    }
    clock_timer_mod(s->coalesced_timer,
                    clock_now() +
                        period_ns(s) / (MIN(s->irq_coalesced, 7) + 1));
}

static void coalesced_timer_cb(void *opaque)
{
    RTCState *s = opaque;

    if (s->irq_coalesced) {
        s->cmos[REG_C] |= C_IRQF | C_PF;
        if (slew_deliver(s)) {
            s->irq_coalesced--;
        }
    }
    coalesced_timer_arm(s);
}

/* Register C was read with ticks owed: re-inject one at once. */
static void slew_on_ack(RTCState *s)
{
    if (!s->irq_coalesced || !(s->cmos[REG_B] & B_PIE) ||
        s->reinject_on_ack >= REINJECT_ON_ACK) {
        return;
    }
    s->reinject_on_ack++;
    s->cmos[REG_C] |= C_IRQF | C_PF;
    if (slew_deliver(s)) {
        s->irq_coalesced--;
    }
}

static void slew_reset(RTCState *s)
{
    s->irq_coalesced = 0;
    s->reinject_on_ack = 0;
    coalesced_timer_arm(s);
}

static void periodic_timer_cb(void *opaque)
{
    RTCState *s = opaque;

    if (s->lost_tick_policy == POLICY_SLEW && (s->cmos[REG_B] & B_PIE)) {
        s->cmos[REG_C] |= C_PF | C_IRQF;
        if (s->reinject_on_ack >= REINJECT_ON_ACK) {
            s->reinject_on_ack = 0;
        }
        if (!slew_deliver(s)) {
            s->irq_coalesced++;
            coalesced_timer_arm(s);
        }
    } else {
        rtc_raise(s, C_PF, B_PIE);
    }
    periodic_update(s);
}

/* Running state changed (B.SET or the divider): freeze or resume. */
static void rtc_set_counting(RTCState *s, bool leaving_reset)
{
    bool want = !divider_in_reset(s) && !(s->cmos[REG_B] & B_SET);

    if (want && !s->counting) {
        if (leaving_reset) {
            /* The divider chain starts from zero: half a second to the
             * first update. */
            int64_t sec = floor_div(s->base_ns, NS_PER_SEC);

            s->base_ns = sec * NS_PER_SEC + FIRST_UPDATE_NS;
        }
        s->ref_ns = clock_now();
        s->counting = true;
        s->last_update_sec = floor_div(s->base_ns, NS_PER_SEC);
    } else if (!want && s->counting) {
        s->base_ns = guest_ns(s);
        s->counting = false;
    }
    update_timer_arm(s);
    periodic_update(s);
}

/* ---- registers ---- */

static uint8_t rtc_read_data(RTCState *s)
{
    unsigned reg = s->index;
    int64_t ns = guest_ns(s);
    uint8_t v;

    if (rtc_is_time_reg(reg) && !(s->cmos[REG_B] & B_SET)) {
        rtc_store_time(s, floor_div(ns, NS_PER_SEC));
    }
    switch (reg) {
    case REG_A:
        v = s->cmos[REG_A] & ~A_UIP;
        if (rtc_running(s) && ns - floor_div(ns, NS_PER_SEC) * NS_PER_SEC >=
                                  NS_PER_SEC - UIP_NS) {
            v |= A_UIP;
        }
        return v;
    case REG_C:
        /* Reading C clears it and acknowledges the interrupt. */
        v = s->cmos[REG_C];
        s->cmos[REG_C] = 0;
        if (v & C_IRQF) {
            qemu_set_irq(s->irq, 0);
        }
        slew_on_ack(s);
        return v;
    default:
        return s->cmos[reg];
    }
}

static void rtc_write_data(RTCState *s, uint8_t val)
{
    unsigned reg = s->index;
    bool was_reset;

    switch (reg) {
    case REG_A:
        was_reset = divider_in_reset(s);
        s->cmos[REG_A] = (val & ~A_UIP) | (s->cmos[REG_A] & A_UIP);
        rtc_set_counting(s, was_reset && !divider_in_reset(s));
        return;
    case REG_B:
        if ((s->cmos[REG_B] & B_SET) && !(val & B_SET)) {
            /* The registers the guest set become the time. */
            s->cmos[REG_B] = val;
            s->base_ns = rtc_load_time(s) * NS_PER_SEC;
            rtc_set_counting(s, false);
            return;
        }
        if (!(s->cmos[REG_B] & B_SET) && (val & B_SET)) {
            /* Freeze the current time in the registers. */
            rtc_store_time(s, floor_div(guest_ns(s), NS_PER_SEC));
            val &= ~B_UIE; /* SET clears UIE (datasheet) */
        }
        s->cmos[REG_B] = val;
        /* An enable turned on for a pending flag raises at once (the
         * enables in B and the flags in C share bit positions). */
        if ((s->cmos[REG_C] & val & (C_PF | C_AF | C_UF)) &&
            !(s->cmos[REG_C] & C_IRQF)) {
            s->cmos[REG_C] |= C_IRQF;
            qemu_set_irq(s->irq, 1);
        }
        rtc_set_counting(s, false);
        return;
    case REG_C:
    case REG_D:
        qemu_log_mask(LOG_GUEST_ERROR, "rtc: write to read-only reg 0x%x\n",
                      reg);
        return;
    default:
        if (rtc_is_time_reg(reg) && !(s->cmos[REG_B] & B_SET)) {
            /* A time register written while the clock runs: the new
             * time, keeping the position within the second. */
            int64_t ns = guest_ns(s);
            int64_t frac = ns - floor_div(ns, NS_PER_SEC) * NS_PER_SEC;

            rtc_store_time(s, floor_div(ns, NS_PER_SEC));
            s->cmos[reg] = val;
            set_guest_ns(s, rtc_load_time(s) * NS_PER_SEC + frac);
            if (!s->counting) {
                s->base_ns = rtc_load_time(s) * NS_PER_SEC + frac;
            }
            s->last_update_sec = floor_div(guest_ns(s), NS_PER_SEC);
            update_timer_arm(s);
            periodic_update(s);
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
    s->cmos[REG_A] = A_DV_RUNNING | 0x06; /* 1024 Hz periodic rate */
    s->cmos[REG_B] = B_24H;
    s->cmos[REG_C] = 0;
    s->cmos[REG_D] = D_VRT;
}

static void rtc_instance_init(DeviceState *dev)
{
    RTCState *s = rtc_state(dev);

    memory_region_init_io(&s->io, &rtc_ops, s, "rtc", 2);
    memory_region_init_io(&s->index_io, &rtc_ops, s, "rtc-index", 1);
    /*
     * QEMU's pc board creates the RTC with base_year 2000 (after -global,
     * so -global mc146818rtc.base_year has no effect on it), and realize
     * turns 2000 into 0.  The pc board is the only creator of this
     * non-user-creatable device, so its value is set here.
     */
    s->base_year = 2000;
    rtc_reset_regs(s);
    /* -rtc base=: host UTC plus the offset, from now on. */
    s->base_ns =
        (g_get_real_time() / G_USEC_PER_SEC + rtc_base_offset) * NS_PER_SEC +
        g_get_real_time() % G_USEC_PER_SEC * 1000;
    s->ref_ns = clock_now();
    s->counting = true;
    s->last_update_sec = floor_div(s->base_ns, NS_PER_SEC);
}

static bool rtc_realize(DeviceState *dev, GError **errp)
{
    RTCState *s = rtc_state(dev);

    if (s->lost_tick_policy != POLICY_DISCARD &&
        s->lost_tick_policy != POLICY_SLEW) {
        error_setg(errp, "Invalid lost tick policy.");
        return false;
    }
    /* QEMU: 2000 stands for 0 (the CMOS year counts from 0). */
    if (s->base_year == 2000) {
        s->base_year = 0;
    }
    if (!isa_register_ioport(&s->parent_obj, &s->io, s->iobase, errp)) {
        return false;
    }
    s->update_timer = clock_timer_new(update_timer_cb, s);
    s->periodic_timer = clock_timer_new(periodic_timer_cb, s);
    if (s->lost_tick_policy == POLICY_SLEW) {
        s->coalesced_timer = clock_timer_new(coalesced_timer_cb, s);
    }
    update_timer_arm(s);
    return true;
}

static void rtc_unrealize(DeviceState *dev)
{
    RTCState *s = rtc_state(dev);

    isa_unregister_ioport(&s->parent_obj, &s->io);
    g_clear_pointer(&s->update_timer, timer_free);
    g_clear_pointer(&s->periodic_timer, timer_free);
    g_clear_pointer(&s->coalesced_timer, timer_free);
}

/*
 * system_reset keeps the time and CMOS RAM, as a real PC does, and turns
 * the interrupt enables off (QEMU clears PIE, AIE and SQWE).
 */
static void rtc_reset(DeviceState *dev)
{
    RTCState *s = rtc_state(dev);

    s->cmos[REG_B] &= ~(B_PIE | B_AIE | B_SQWE);
    s->cmos[REG_C] = 0;
    qemu_set_irq(s->irq, 0);
    slew_reset(s);
    rtc_set_counting(s, false);
}

static const Property rtc_props[] = {
    /* QEMU's order (info qtree). */
    DEFINE_PROP_INT32("base_year", RTCState, base_year, 1980),
    DEFINE_PROP_UINT16("iobase", RTCState, iobase, RTC_ISA_BASE),
    DEFINE_PROP_UINT8("irq", RTCState, irq, RTC_ISA_IRQ),
    DEFINE_PROP_ENUM("lost_tick_policy", RTCState, lost_tick_policy,
                     POLICY_DISCARD, "LostTickPolicy", lost_tick_policies),
    DEFINE_PROP_END_OF_LIST(),
};

/* QEMU's qom-list order: rtc-index[0] before rtc[0]. */
static const char *const rtc_children[] = {
    "rtc-index[0]", "child<memory-region>",
    "rtc[0]",       "child<memory-region>",
    NULL,           NULL,
};

static MemoryRegion *rtc_child_region(DeviceState *dev, unsigned index)
{
    return index == 0 ? &rtc_state(dev)->index_io : &rtc_state(dev)->io;
}

void mc146818rtc_get_date(DeviceState *dev, struct tm *tm)
{
    RTCState *s = rtc_state(dev);
    time_t t = (s->cmos[REG_B] & B_SET) ? rtc_load_time(s)
                                        : floor_div(guest_ns(s), NS_PER_SEC);

    gmtime_r(&t, tm);
}

/* QEMU's RTC has one unnamed out-GPIO: its interrupt line. */
static const DeviceGpioOut rtc_gpio_out[] = {{NULL, 1}, {NULL, 0}};

static int rtc_gpio_out_gsi(DeviceState *dev, const char *name, unsigned n)
{
    return rtc_state(dev)->irq;
}

const DeviceClass mc146818rtc_class = {
    .child_region = rtc_child_region,
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_ISA_DEVICE,
    .bus_type = TYPE_ISA_BUS,
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = false,
    .hotpluggable = false,
    .instance_size = sizeof(RTCState),
    .props = rtc_props,
    .children = rtc_children,
    .children_at_realize = true,
    .instance_init = rtc_instance_init,
    .realize = rtc_realize,
    .unrealize = rtc_unrealize,
    .reset = rtc_reset,
    .gpio_out = rtc_gpio_out,
    .gpio_out_gsi = rtc_gpio_out_gsi,
};
