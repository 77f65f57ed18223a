/*
 * pvpanic register semantics, through the real port dispatch.
 *
 * The run-state entry points are observed with the linker's --wrap
 * (see tests/unit/meson.build): each wrapper records the call and then
 * calls the real function in libvigil, so nothing is faked.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/boards.h"
#include "hw/catalog.h"
#include "hw/isa/isa.h"
#include "hw/misc/pvpanic.h"
#include "qemu/log.h"
#include "system/bql.h"
#include "system/runstate.h"

void __real_qemu_system_guest_panicked(void);
void __real_qemu_system_guest_crashloaded(void);
void __real_qemu_system_guest_pvshutdown(void);
void __wrap_qemu_system_guest_panicked(void);
void __wrap_qemu_system_guest_crashloaded(void);
void __wrap_qemu_system_guest_pvshutdown(void);

/* 'P'anicked, 'C'rash-loaded, 'S'hutdown, in call order */
static GString *calls;

void __wrap_qemu_system_guest_panicked(void)
{
    g_string_append_c(calls, 'P');
    __real_qemu_system_guest_panicked();
}

void __wrap_qemu_system_guest_crashloaded(void)
{
    g_string_append_c(calls, 'C');
    __real_qemu_system_guest_crashloaded();
}

void __wrap_qemu_system_guest_pvshutdown(void)
{
    g_string_append_c(calls, 'S');
    __real_qemu_system_guest_pvshutdown();
}

typedef struct Fixture {
    MachineState *ms;
    DeviceState *dev;
} Fixture;

/* "none" machine plus an ISA bus, with one pvpanic (@props, may be NULL) */
static void fixture_setup(Fixture *f, const char *props)
{
    GError *err = NULL;

    f->ms = machine_create(machine_find_type("none"), 0, 1, &err);
    g_assert_no_error(err);
    f->ms->isa_bus = isa_bus_new(f->ms->io);
    f->dev = qdev_new(qdev_find_type(TYPE_PVPANIC_ISA_DEVICE));
    if (props) {
        g_auto(GStrv) kv = g_strsplit(props, "=", 2);

        g_assert_true(qdev_set_prop_text(f->dev, kv[0], kv[1], &err));
    }
    g_assert_true(qdev_realize(f->dev, f->ms->isa_bus, &err));
    g_assert_no_error(err);
    g_string_truncate(calls, 0);
}

static void fixture_teardown(Fixture *f)
{
    machine_destroy(f->ms);
}

static void outb(Fixture *f, uint16_t port, uint8_t val)
{
    address_space_write(f->ms->io, port, val, 1);
}

static void test_read(void)
{
    Fixture f;

    fixture_setup(&f, NULL);
    g_assert_cmphex(address_space_read(f.ms->io, 0x505, 1), ==, 7);
    /* wider reads: every byte answered by the device, as in QEMU */
    g_assert_cmphex(address_space_read(f.ms->io, 0x505, 2), ==, 0x0707);
    g_assert_cmphex(address_space_read(f.ms->io, 0x505, 4), ==, 0x07070707);
    /* neighbours are unassigned */
    g_assert_cmphex(address_space_read(f.ms->io, 0x504, 1), ==, 0xff);
    g_assert_cmphex(address_space_read(f.ms->io, 0x506, 1), ==, 0xff);
    /* reads have no side effects */
    g_assert_cmpstr(calls->str, ==, "");
    fixture_teardown(&f);

    fixture_setup(&f, "events=3");
    g_assert_cmphex(address_space_read(f.ms->io, 0x505, 1), ==, 3);
    fixture_teardown(&f);

    fixture_setup(&f, "ioport=0x540");
    g_assert_cmphex(address_space_read(f.ms->io, 0x540, 1), ==, 7);
    g_assert_cmphex(address_space_read(f.ms->io, 0x505, 1), ==, 0xff);
    fixture_teardown(&f);
}

static void test_write_priority(void)
{
    static const struct {
        uint8_t val;
        const char *calls;
    } cases[] = {
        {0x00, ""},  {0x01, "P"}, {0x02, "C"}, {0x03, "P"}, {0x04, "S"},
        {0x05, "P"}, {0x06, "C"}, {0x07, "P"}, {0x80, ""},  {0x81, "P"},
        {0xfe, "C"}, {0xfc, "S"}, {0xf8, ""},
    };
    Fixture f;

    fixture_setup(&f, NULL);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_string_truncate(calls, 0);
        outb(&f, 0x505, cases[i].val);
        g_test_message("write 0x%02x", cases[i].val);
        g_assert_cmpstr(calls->str, ==, cases[i].calls);
    }
    fixture_teardown(&f);
}

/* outw 0x505 0x0201: two byte writes, panicked then crash-loaded. */
static void test_wide_write(void)
{
    Fixture f;

    fixture_setup(&f, NULL);
    address_space_write(f.ms->io, 0x505, 0x0201, 2);
    g_assert_cmpstr(calls->str, ==, "PC");
    g_string_truncate(calls, 0);
    address_space_write(f.ms->io, 0x505, 0x04000102, 4);
    g_assert_cmpstr(calls->str, ==, "CPS");
    fixture_teardown(&f);
}

/* `events` changes what reads return, never what writes do. */
static void test_events_does_not_mask(void)
{
    Fixture f;

    fixture_setup(&f, "events=0");
    g_assert_cmphex(address_space_read(f.ms->io, 0x505, 1), ==, 0);
    outb(&f, 0x505, 1);
    outb(&f, 0x505, 2);
    outb(&f, 0x505, 4);
    g_assert_cmpstr(calls->str, ==, "PCS");
    fixture_teardown(&f);

    fixture_setup(&f, "events=1");
    outb(&f, 0x505, 2);
    g_assert_cmpstr(calls->str, ==, "C");
    fixture_teardown(&f);
}

/* Run @fn with stderr (where qemu_log writes by default) captured. */
static char *capture_stderr(void (*fn)(void))
{
    g_autofree char *path = NULL;
    char *out = NULL;
    int tmp = g_file_open_tmp("test-pvpanic-XXXXXX", &path, NULL);
    int saved = dup(STDERR_FILENO);

    g_assert_cmpint(tmp, >=, 0);
    fflush(stderr);
    dup2(tmp, STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(tmp);
    g_assert_true(g_file_get_contents(path, &out, NULL, NULL));
    unlink(path);
    return out;
}

static void unknown_writes(void)
{
    Fixture f;

    fixture_setup(&f, NULL);
    outb(&f, 0x505, 0x81);
    outb(&f, 0x505, 0x82);
    pvpanic_handle_event(0x40);
    g_assert_cmpstr(calls->str, ==, "PC");
    fixture_teardown(&f);
}

/* Without -d guest_errors nothing is printed. */
static void test_unknown_bits_quiet(void)
{
    g_autofree char *out = NULL;

    qemu_loglevel = 0;
    out = capture_stderr(unknown_writes);
    g_assert_null(strstr(out, "unknown event"));
}

/* With it, only the first unknown value of the process is printed. */
static void test_unknown_bits_logged_once(void)
{
    g_autofree char *out = NULL;

    qemu_loglevel = LOG_GUEST_ERROR;
    out = capture_stderr(unknown_writes);
    qemu_loglevel = 0;
    g_assert_nonnull(strstr(out, "pvpanic: unknown event 0x81\n"));
    g_assert_null(strstr(out, "0x82"));
    g_assert_null(strstr(out, "0x40"));
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    calls = g_string_new(NULL);
    bql_lock();
    /* Keep the machine running across panics: only the calls matter. */
    g_assert_true(runstate_set_action("panic", "none", NULL));
    /* First: "once per process" needs a process that logged nothing. */
    g_test_add_func("/pvpanic/unknown-bits-quiet", test_unknown_bits_quiet);
    g_test_add_func("/pvpanic/unknown-bits", test_unknown_bits_logged_once);
    g_test_add_func("/pvpanic/read", test_read);
    g_test_add_func("/pvpanic/write-priority", test_write_priority);
    g_test_add_func("/pvpanic/wide-write", test_wide_write);
    g_test_add_func("/pvpanic/events-does-not-mask", test_events_does_not_mask);
    ret = g_test_run();
    bql_unlock();
    g_string_free(calls, true);
    return ret;
}
