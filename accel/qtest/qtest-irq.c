/*
 * qtest interrupt commands: irq_intercept_in, irq_intercept_out and
 * set_irq_in (docs/specs/qtest.rst).
 */
#include "qtest-internal.h"

#include <string.h>

#include "hw/core/qdev.h"
#include "hw/irq.h"

#define IOAPIC_NUM_PINS 24

static const void *intercept_target; /* what irq_intercept_* installed */

void qtest_irq_cleanup(void)
{
    if (intercept_target) {
        irq_set_handler(NULL, NULL);
        intercept_target = NULL;
    }
}

/* The device at QOM path @w, or NULL. */
static DeviceState *resolve_device(const QTestWord *w)
{
    char path[QTEST_ECHO_MAX + 1];

    if (w->len > QTEST_ECHO_MAX || memchr(w->p, '\0', w->len)) {
        return NULL;
    }
    memcpy(path, w->p, w->len);
    path[w->len] = '\0';
    return qdev_resolve_path(path);
}

/*
 * Interrupt interception.  Vigil's devices raise GSIs (hw/irq.h) with no
 * interrupt controller object in between under qtest, so interception
 * sits on the GSI space: the handler installed here sees every level
 * change and reports the lines of what was intercepted.
 *   irq_intercept_in ioapic (QEMU's partial path; the full one on pc is
 *     "/machine/i440fx/ioapic"): GSI N is reported as line N;
 *   irq_intercept_out QOM [NAME]: line n of the device's out-GPIO group
 *     NAME (the unnamed group without NAME; DeviceClass.gpio_out) is
 *     reported as n, where the device drives a GSI for it.
 * The levels still reach the default handler's record (qemu_irq_level),
 * as QEMU's interception forwards them.  One target per run, as in QEMU.
 */
#define INTERCEPT_IOAPIC ((const void *)&intercept_level)
static int8_t intercept_level[IRQ_MAX_GSI]; /* last level sent, per line */
static int intercept_line[IRQ_MAX_GSI];     /* GSI -> line reported, or -1 */

static bool word_is(const QTestWord *w, const char *s)
{
    return w->p && w->len == strlen(s) && memcmp(w->p, s, w->len) == 0;
}

/*
 * QEMU resolves the path with object_resolve_path(): the full path, or a
 * partial one that names a unique object by its last components.  On pc
 * the I/O APIC is /machine/i440fx/ioapic, so "ioapic" and
 * "i440fx/ioapic" name it too ("/machine/ioapic" does not).
 */
static bool is_ioapic(const QTestWord *w)
{
    return word_is(w, "ioapic") || word_is(w, "i440fx/ioapic") ||
           word_is(w, "/machine/i440fx/ioapic");
}

static int intercept_irq(void *opaque, unsigned gsi, int level)
{
    int line = gsi < IRQ_MAX_GSI ? intercept_line[gsi] : -1;

    if (line >= 0 && intercept_level[line] != level) {
        intercept_level[line] = level;
        qtest_send_irq(line, level);
    }
    return -1; /* no controller: delivery follows the edge rule */
}

/* The group of @dc's out-GPIOs named @name (NULL: unnamed), or NULL. */
static const DeviceGpioOut *gpio_out_group(const DeviceClass *dc,
                                           const QTestWord *name)
{
    for (const DeviceGpioOut *g = dc->gpio_out; g && g->count; g++) {
        if (name->p ? g->name && word_is(name, g->name) : !g->name) {
            return g;
        }
    }
    return NULL;
}

/* Map the GSIs group @g of @dev drives to its line numbers (a line that
 * drives none is intercepted too, but has nothing to report). */
static void intercept_out(DeviceState *dev, const DeviceGpioOut *g)
{
    for (unsigned n = 0; n < g->count && dev->klass->gpio_out_gsi; n++) {
        int gsi = dev->klass->gpio_out_gsi(dev, g->name, n);

        if (gsi >= 0 && gsi < IRQ_MAX_GSI && n < IRQ_MAX_GSI) {
            intercept_line[gsi] = n;
        }
    }
}

void qtest_cmd_irq_intercept(const QTestCommand *cmd, const QTestWord *a,
                             GString *out)
{
    bool outbound = cmd->size;
    const void *target;
    const DeviceGpioOut *group = NULL;
    DeviceState *dev = NULL;

    if (is_ioapic(&a[0])) {
        /* Its 24 inputs are GPIO lines; it has no outputs. */
        if (a[1].p && !outbound) {
            qtest_reply_fail(
                out, "Interception of named in-GPIOs not yet supported");
            return;
        }
        target = INTERCEPT_IOAPIC;
    } else {
        /* QEMU's order: the device, a named input, an earlier target. */
        dev = resolve_device(&a[0]);
        if (!dev) {
            qtest_reply_fail(out, "Unknown device");
            return;
        }
        if (a[1].p && !outbound) {
            qtest_reply_fail(
                out, "Interception of named in-GPIOs not yet supported");
            return;
        }
        target = dev;
    }
    if (intercept_target) {
        if (intercept_target != target) {
            qtest_reply_fail(out, "IRQ intercept already enabled");
        } else {
            qtest_reply_ok(out);
        }
        return;
    }
    if (dev || outbound) {
        /* Devices have no in-GPIOs of their own (their inputs are
         * registers); out-GPIOs only where the class lists them. */
        group = outbound && dev ? gpio_out_group(dev->klass, &a[1]) : NULL;
        if (!group) {
            qtest_reply_fail(out, "No intercepts installed");
            return;
        }
    }
    memset(intercept_level, 0, sizeof(intercept_level));
    for (unsigned i = 0; i < IRQ_MAX_GSI; i++) {
        intercept_line[i] = dev ? -1 : (int)i;
        if (!dev) {
            intercept_level[i] = qemu_irq_level(i);
        }
    }
    if (dev) {
        intercept_out(dev, group);
    }
    intercept_target = target;
    irq_set_handler(intercept_irq, NULL);
    qtest_reply_ok(out);
}

void qtest_cmd_set_irq_in(const QTestCommand *cmd, const QTestWord *a,
                          GString *out)
{
    int64_t num, level;
    bool ioapic = is_ioapic(&a[0]);

    if (!ioapic && !resolve_device(&a[0])) {
        qtest_reply_fail(out, "Unknown device");
        return;
    }
    if (!qtest_parse_i64(&a[2], &num)) {
        qtest_reply_bad_number(out, &a[2]);
        return;
    }
    if (!qtest_parse_i64(&a[3], &level)) {
        qtest_reply_bad_number(out, &a[3]);
        return;
    }
    /* The I/O APIC's unnamed inputs are the GSIs (QEMU aborts on others). */
    if (ioapic && word_is(&a[1], "unnamed-gpio-in") && num >= 0 &&
        num < IOAPIC_NUM_PINS) {
        qemu_set_irq((unsigned)num, level != 0);
        qtest_reply_ok(out);
        return;
    }
    qtest_reply_fail(out, "Unknown IRQ");
}
