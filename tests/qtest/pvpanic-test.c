/*
 * pvpanic through the qtest accelerator: the register contract of
 * docs/specs/pvpanic.rst and the run-state outcomes of each -action.
 */
#include "libqtest.h"

#include <string.h>
#include <sys/wait.h>

#define PORT 0x505
/* What a read returns by default; QEMU 7.2 (test development only): 3. */
#define EVENTS (qtest_is_qemu72() ? 3 : 7)

/*
 * Round trip to QMP so every event emitted before now has been read into
 * the stash (events are written before later replies).
 */
static void qmp_sync(QTestState *s)
{
    json_t *r = qtest_qmp(s, "{\"execute\": \"query-status\"}");

    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
}

static void assert_error_desc(json_t *r, const char *desc)
{
    json_t *err = json_object_get(r, "error");

    g_assert_nonnull(err);
    g_assert_cmpstr(json_string_value(json_object_get(err, "desc")), ==, desc);
}

static void test_read_value(void)
{
    QTestState *s = qtest_init("-device pvpanic");

    g_assert_cmpuint(qtest_inb(s, PORT), ==, EVENTS);
    qtest_quit_ok(s);
}

static void test_panic_pause(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=pause");

    g_assert_cmpuint(qtest_inb(s, PORT), ==, EVENTS);
    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    json_decref(qtest_qmp_eventwait(s, "STOP"));
    qtest_assert_status(s, "guest-panicked", false);
    qtest_quit_ok(s);
}

static void test_panic_none(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=none");

    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "run");
    qtest_assert_status(s, "running", true);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);
    qtest_quit_ok(s);
}

static void test_panic_default(void)
{
    QTestState *s = qtest_init("-device pvpanic");

    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "poweroff");
    json_decref(qtest_qmp_eventwait(s, "STOP"));
    qtest_assert_shutdown_event(s, "SHUTDOWN", true, "guest-panic");
    qtest_assert_exit_status(qtest_wait_exit(s), 0);
}

static void test_panic_exit_failure(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=exit-failure");

    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "poweroff");
    json_decref(qtest_qmp_eventwait(s, "STOP"));
    qtest_assert_shutdown_event(s, "SHUTDOWN", true, "guest-panic");
    qtest_assert_exit_status(qtest_wait_exit(s), 1);
}

static void test_panic_no_shutdown(void)
{
    QTestState *s = qtest_init("-device pvpanic -no-shutdown");

    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    json_decref(qtest_qmp_eventwait(s, "STOP"));
    qtest_assert_status(s, "guest-panicked", false);
    g_assert_cmpuint(qtest_qmp_stashed(s, "SHUTDOWN"), ==, 0);
    qtest_quit_ok(s);
}

static void test_panic_prelaunch(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=pause -S");

    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    qtest_assert_status(s, "prelaunch", false);
    g_assert_cmpuint(qtest_qmp_stashed(s, "STOP"), ==, 0);
    qtest_quit_ok(s);
}

static void test_crashloaded(void)
{
    QTestState *s = qtest_init("-device pvpanic");

    qtest_outb(s, PORT, 2);
    qtest_assert_panic_event(s, "GUEST_CRASHLOADED", "run");
    qtest_assert_status(s, "running", true);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);
    qtest_quit_ok(s);
}

static void test_pvshutdown(void)
{
    QTestState *s = qtest_init("-device pvpanic");
    json_t *ev;

    g_assert_cmpuint(qtest_inb(s, PORT), ==, EVENTS);
    qtest_outb(s, PORT, 4);
    ev = qtest_qmp_eventwait(s, "GUEST_PVSHUTDOWN");
    g_assert_nonnull(ev);
    g_assert_null(json_object_get(ev, "data"));
    json_decref(ev);
    qtest_assert_shutdown_event(s, "SHUTDOWN", true, "guest-shutdown");
    qtest_assert_exit_status(qtest_wait_exit(s), 0);
}

static void test_pvshutdown_no_shutdown(void)
{
    QTestState *s = qtest_init("-device pvpanic -no-shutdown");
    json_t *r;

    qtest_outb(s, PORT, 4);
    json_decref(qtest_qmp_eventwait(s, "GUEST_PVSHUTDOWN"));
    qtest_assert_shutdown_event(s, "SHUTDOWN", true, "guest-shutdown");
    json_decref(qtest_qmp_eventwait(s, "STOP"));
    qtest_assert_status(s, "shutdown", false);
    r = qtest_qmp(s, "{\"execute\": \"cont\"}");
    assert_error_desc(r, "Resetting the Virtual Machine is required");
    json_decref(r);
    qtest_quit_ok(s);
}

static void test_cont_after_panic(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=pause");
    json_t *r;

    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    json_decref(qtest_qmp_eventwait(s, "STOP"));
    r = qtest_qmp(s, "{\"execute\": \"cont\"}");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    /* RESUME arrives before the reply, so it is already stashed. */
    g_assert_cmpuint(qtest_qmp_stashed(s, "RESUME"), ==, 1);
    qtest_assert_status(s, "running", true);
    qtest_quit_ok(s);
}

static void test_reset_after_panic(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=pause");
    json_t *r;

    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    r = qtest_qmp(s, "{\"execute\": \"system_reset\"}");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    qtest_assert_shutdown_event(s, "RESET", false, "host-qmp-system-reset");
    qtest_assert_status(s, "prelaunch", false);
    r = qtest_qmp(s, "{\"execute\": \"cont\"}");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    json_decref(qtest_qmp_eventwait(s, "RESUME"));
    qtest_assert_status(s, "running", true);
    qtest_quit_ok(s);
}

static void test_ioport(void)
{
    QTestState *s =
        qtest_init("-device pvpanic,ioport=0x540 -action panic=pause");

    g_assert_cmpuint(qtest_inb(s, 0x540), ==, EVENTS);
    g_assert_cmpuint(qtest_inb(s, PORT), ==, 0xff);
    qtest_outb(s, PORT, 1);
    qmp_sync(s);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);
    qtest_outb(s, 0x540, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    qtest_quit_ok(s);
}

static void test_events_1(void)
{
    QTestState *s = qtest_init("-device pvpanic,events=1");

    g_assert_cmpuint(qtest_inb(s, PORT), ==, 1);
    qtest_outb(s, PORT, 2);
    qtest_assert_panic_event(s, "GUEST_CRASHLOADED", "run");
    qtest_quit_ok(s);
}

static void test_events_0(void)
{
    QTestState *s = qtest_init("-device pvpanic,events=0 -action panic=none");

    g_assert_cmpuint(qtest_inb(s, PORT), ==, 0);
    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "run");
    qtest_quit_ok(s);
}

/*
 * docs/specs/pvpanic.rst: an access is handed whole to the region of its
 * first byte and split into bytes there, as QEMU does.
 */
static void test_wide_access(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=none");

    g_assert_cmpuint(qtest_inw(s, PORT), ==, EVENTS * 0x0101);
    g_assert_cmpuint(qtest_inl(s, PORT), ==, EVENTS * 0x01010101u);
    /* starts at an unassigned port: never reaches the device */
    g_assert_cmpuint(qtest_inw(s, PORT - 1), ==, 0xffff);
    qtest_outw(s, PORT - 1, 0x0201);
    qmp_sync(s);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);

    qtest_outw(s, PORT, 0x0201);
    qmp_sync(s);
    g_assert_cmpuint(qtest_qmp_stashed(s, "GUEST_PANICKED"), ==, 1);
    g_assert_cmpuint(qtest_qmp_stashed(s, "GUEST_CRASHLOADED"), ==, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "run");
    qtest_assert_panic_event(s, "GUEST_CRASHLOADED", "run");
    qtest_quit_ok(s);
}

static void test_unknown_bits(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=pause");

    qtest_outb(s, PORT, 0x80);
    qtest_outb(s, PORT, 0x00);
    qmp_sync(s);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);
    qtest_outb(s, PORT, 0x81);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    qtest_quit_ok(s);
}

static void test_priority(void)
{
    QTestState *s = qtest_init("-device pvpanic -action panic=none");

    qtest_outb(s, PORT, 0x03);
    qmp_sync(s);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "run");

    qtest_outb(s, PORT, 0x06);
    qmp_sync(s);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 1);
    qtest_assert_panic_event(s, "GUEST_CRASHLOADED", "run");
    qtest_assert_status(s, "running", true);
    qtest_quit_ok(s);
}

/* Start-up errors: exactly one line "<prog>: -device ARG: MSG", exit 1. */
static void check_startup_error(const char *device_arg, const char *msg)
{
    g_autofree char *prog = g_path_get_basename(qtest_binary());
    g_autofree char *args =
        g_strdup_printf("-display none -accel %s -device '%s'",
                        qtest_is_qemu72() ? "tcg" : "qtest", device_arg);
    g_autofree char *want =
        g_strdup_printf("%s: -device %s: %s\n", prog, device_arg, msg);
    g_autofree char *err = NULL;
    int status = qtest_run_direct(args, NULL, &err);

    qtest_assert_exit_status(status, 1);
    g_assert_cmpstr(err, ==, want);
}

static void test_bad_ioport(void)
{
    check_startup_error("pvpanic,ioport=70000",
                        "Parameter 'ioport' expects uint16_t");
}

static void test_bad_events(void)
{
    check_startup_error("pvpanic,events=256",
                        "Parameter 'events' expects uint8_t");
}

static void test_bad_property(void)
{
    check_startup_error("pvpanic,bogus=1",
                        "Property 'pvpanic.bogus' not found");
}

static void test_bad_json_type(void)
{
    /* QEMU's input visitor wording for any unsigned property. */
    check_startup_error("{\"driver\":\"pvpanic\",\"ioport\":\"0x505\"}",
                        "Parameter 'ioport' expects uint64");
}

static void test_no_isa_bus(void)
{
    g_autofree char *prog = g_path_get_basename(qtest_binary());
    g_autofree char *want = g_strdup_printf(
        "%s: -device pvpanic: No 'ISA' bus found for device 'pvpanic'\n", prog);
    g_autofree char *err = NULL;
    g_autofree char *args =
        g_strdup_printf("-display none -accel %s -M none -device pvpanic",
                        qtest_is_qemu72() ? "tcg" : "qtest");

    qtest_assert_exit_status(qtest_run_direct(args, NULL, &err), 1);
    g_assert_cmpstr(err, ==, want);
}

static void test_second_pvpanic(void)
{
    g_autofree char *err = NULL;
    g_autofree char *args = g_strdup_printf(
        "-display none -accel %s -device pvpanic -device pvpanic,ioport=0x540",
        qtest_is_qemu72() ? "tcg" : "qtest");

    /* A clear one-line error and exit 1, not a crash. */
    qtest_assert_exit_status(qtest_run_direct(args, NULL, &err), 1);
    g_assert_nonnull(strchr(err, '\n'));
    g_assert_cmpstr(strchr(err, '\n') + 1, ==, "");
    g_test_message("second pvpanic: %s", err);
}

static void test_isa_alias(void)
{
    QTestState *s = qtest_init("-device isa-pvpanic -action panic=pause");

    g_assert_cmpuint(qtest_inb(s, PORT), ==, EVENTS);
    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    qtest_quit_ok(s);
}

static void test_set_action(void)
{
    QTestState *s = qtest_init("-device pvpanic");
    json_t *r;

    r = qtest_qmp(s, "{\"execute\": \"set-action\", "
                     "\"arguments\": {\"panic\": \"pause\"}}");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "pause");
    json_decref(qtest_qmp_eventwait(s, "STOP"));
    qtest_assert_status(s, "guest-panicked", false);

    r = qtest_qmp(s, "{\"execute\": \"set-action\", "
                     "\"arguments\": {\"panic\": \"none\"}}");
    json_decref(r);
    r = qtest_qmp(s, "{\"execute\": \"cont\"}");
    json_decref(r);
    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "run");
    qtest_assert_status(s, "running", true);
    qtest_quit_ok(s);
}

static void test_events_before_negotiation(void)
{
    QTestState *s =
        qtest_init_without_qmp_handshake("-device pvpanic -action panic=none");
    json_t *msg;

    msg = qtest_qmp_receive(s);
    g_assert_nonnull(json_object_get(msg, "QMP"));
    json_decref(msg);
    qtest_outb(s, PORT, 1);
    qtest_outb(s, PORT, 2);
    msg = qtest_qmp(s, "{\"execute\": \"qmp_capabilities\"}");
    g_assert_nonnull(json_object_get(msg, "return"));
    json_decref(msg);
    qmp_sync(s);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);
    /* after negotiation events flow */
    qtest_outb(s, PORT, 1);
    qtest_assert_panic_event(s, "GUEST_PANICKED", "run");
    qtest_quit_ok(s);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"read-value", test_read_value},
        {"panic", test_panic_pause},
        {"panic-nopause", test_panic_none},
        {"panic-default", test_panic_default},
        {"panic-exit-failure", test_panic_exit_failure},
        {"panic-no-shutdown", test_panic_no_shutdown},
        {"panic-prelaunch", test_panic_prelaunch},
        {"crashloaded", test_crashloaded},
        {"pvshutdown", test_pvshutdown},
        {"pvshutdown-no-shutdown", test_pvshutdown_no_shutdown},
        {"cont-after-panic", test_cont_after_panic},
        {"reset-after-panic", test_reset_after_panic},
        {"ioport", test_ioport},
        {"events-1", test_events_1},
        {"events-0", test_events_0},
        {"wide-access", test_wide_access},
        {"unknown-bits", test_unknown_bits},
        {"priority", test_priority},
        {"bad-ioport", test_bad_ioport},
        {"bad-events", test_bad_events},
        {"bad-property", test_bad_property},
        {"bad-json-type", test_bad_json_type},
        {"no-isa-bus", test_no_isa_bus},
        {"second-pvpanic", test_second_pvpanic},
        {"isa-alias", test_isa_alias},
        {"set-action", test_set_action},
        {"events-before-negotiation", test_events_before_negotiation},
    };

    return qtest_run_cases(&argc, &argv, "pvpanic", cases, G_N_ELEMENTS(cases));
}
