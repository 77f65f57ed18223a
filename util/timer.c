/*
 * Clocks and timers.
 *
 * Few timers ever exist (a handful of devices), so each clock keeps a
 * singly linked list sorted by deadline: arming is O(n), finding the next
 * deadline is O(1), and nothing is allocated except the timer itself.
 */
#include "qemu/timer.h"
#include "qemu/main-loop.h"

struct QEMUTimer {
    QEMUClockType type;
    QEMUTimerCB *cb;
    void *opaque;
    int64_t expire_ns;
    bool pending;
    QEMUTimer *next;
};

typedef struct QEMUClock {
    QEMUTimer *head; /* pending timers, earliest first */
} QEMUClock;

static QEMUClock clocks[2];

/*
 * Virtual time.  Manual (qtest): virtual_ns is the clock.  Otherwise it
 * is host monotonic time minus the time spent stopped; virtual_ns then
 * holds the value frozen at the last stop.
 */
static bool virtual_manual;
static bool virtual_enabled;
static int64_t virtual_ns;
static int64_t virtual_offset;

static int64_t host_monotonic_ns(void)
{
    return g_get_monotonic_time() * 1000;
}

int64_t qemu_clock_get_ns(QEMUClockType type)
{
    if (type == QEMU_CLOCK_REALTIME) {
        return host_monotonic_ns();
    }
    if (virtual_manual || !virtual_enabled) {
        return virtual_ns;
    }
    return host_monotonic_ns() - virtual_offset;
}

void qemu_clock_set_manual(bool manual)
{
    virtual_manual = manual;
    virtual_ns = 0;
    virtual_offset = host_monotonic_ns();
}

void qemu_clock_virtual_enable(bool enable)
{
    if (virtual_manual || enable == virtual_enabled) {
        return;
    }
    if (enable) {
        virtual_offset = host_monotonic_ns() - virtual_ns;
    } else {
        virtual_ns = host_monotonic_ns() - virtual_offset;
    }
    virtual_enabled = enable;
}

QEMUTimer *timer_new_ns(QEMUClockType type, QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    return t;
}

void timer_del(QEMUTimer *t)
{
    QEMUTimer **p;

    if (!t || !t->pending) {
        return;
    }
    for (p = &clocks[t->type].head; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            break;
        }
    }
    t->next = NULL;
    t->pending = false;
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        g_free(t);
    }
}

void timer_mod_ns(QEMUTimer *t, int64_t expire_ns)
{
    QEMUTimer **p;

    timer_del(t);
    if (expire_ns < 0) {
        expire_ns = 0;
    }
    t->expire_ns = expire_ns;
    /* Equal deadlines keep arming order. */
    for (p = &clocks[t->type].head; *p && (*p)->expire_ns <= expire_ns;
         p = &(*p)->next) {
    }
    t->next = *p;
    *p = t;
    t->pending = true;
    /* The main loop may be sleeping with a later deadline. */
    qemu_notify_event();
}

bool timer_pending(QEMUTimer *t)
{
    return t && t->pending;
}

int64_t qemu_clock_deadline_virtual(void)
{
    QEMUTimer *head = clocks[QEMU_CLOCK_VIRTUAL].head;

    return head ? head->expire_ns : -1;
}

/* Run every timer of @type due at @now; callbacks may re-arm timers. */
static void clock_run_timers(QEMUClockType type, int64_t now)
{
    QEMUTimer *t;

    while ((t = clocks[type].head) && t->expire_ns <= now) {
        clocks[type].head = t->next;
        t->next = NULL;
        t->pending = false;
        t->cb(t->opaque);
    }
}

void qemu_clock_advance_virtual(int64_t ns)
{
    QEMUTimer *t;

    /* Step through the deadlines so each timer sees its own time. */
    while ((t = clocks[QEMU_CLOCK_VIRTUAL].head) && t->expire_ns <= ns) {
        if (t->expire_ns > virtual_ns) {
            virtual_ns = t->expire_ns;
        }
        clock_run_timers(QEMU_CLOCK_VIRTUAL, virtual_ns);
    }
    if (ns > virtual_ns) {
        virtual_ns = ns;
    }
}

void qemu_clock_run_all_timers(void)
{
    clock_run_timers(QEMU_CLOCK_REALTIME, host_monotonic_ns());
    if (!virtual_manual && virtual_enabled) {
        clock_run_timers(QEMU_CLOCK_VIRTUAL,
                         qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL));
    }
}

static int64_t deadline_delta_ns(QEMUClockType type)
{
    QEMUTimer *head = clocks[type].head;
    int64_t delta;

    if (!head) {
        return -1;
    }
    delta = head->expire_ns - qemu_clock_get_ns(type);
    return delta < 0 ? 0 : delta;
}

int qemu_timers_poll_timeout_ms(void)
{
    int64_t ns = deadline_delta_ns(QEMU_CLOCK_REALTIME);
    int64_t vns = -1;

    if (!virtual_manual && virtual_enabled) {
        vns = deadline_delta_ns(QEMU_CLOCK_VIRTUAL);
    }
    if (vns >= 0 && (ns < 0 || vns < ns)) {
        ns = vns;
    }
    if (ns < 0) {
        return -1;
    }
    /* Round up so we never wake just before the deadline. */
    ns = (ns + 999999) / 1000000;
    return ns > G_MAXINT ? G_MAXINT : (int)ns;
}
