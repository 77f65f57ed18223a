/*
 * Command-line behaviour: help texts, -version, that a bad option fails
 * before any socket exists, libvirt's capability probe as a process
 * contract, query-command-line-options, -uuid and -rtc.  -object and
 * the QOM introspection are in object-test.c.
 */
#include "libqtest.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_invalid_option(void)
{
    g_autofree char *prog = g_path_get_basename(qtest_binary());
    g_autofree char *want = g_strdup_printf("%s: -foo: invalid option\n", prog);
    g_autofree char *sock =
        g_strdup_printf("%s/cli-test-%d.sock", g_get_tmp_dir(), getpid());
    g_autofree char *args =
        g_strdup_printf("-qmp unix:%s,server=on,wait=off -foo", sock);
    QTestRun r;

    unlink(sock);
    qtest_run(&r, args);
    qtest_run_assert_exit(&r, 1);
    g_assert_cmpstr(r.err, ==, want);
    g_assert_cmpstr(r.out, ==, "");
    /* the error came before any socket was created */
    g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
    qtest_run_free(&r);
}

static void test_device_help(void)
{
    QTestRun r;

    qtest_run(&r, "-device help");
    qtest_run_assert_exit(&r, 0);
    g_assert_nonnull(strstr(r.out, "Misc devices:\n"));
    g_assert_nonnull(strstr(r.out, "\nname \"pvpanic\", bus ISA"));
    qtest_run_free(&r);
}

static void test_device_pvpanic_help(void)
{
    g_autofree char *want =
        g_strdup_printf("pvpanic options:\n"
                        "  events=<uint8>         -  (default: %d)\n"
                        "  ioport=<uint16>        -  (default: 1285)\n"
                        "  pvpanic[0]=<child<memory-region>>\n",
                        qtest_is_qemu72() ? 3 : 7);
    QTestRun r;

    qtest_run(&r, "-device pvpanic,help");
    qtest_run_assert_exit(&r, 0);
    g_assert_cmpstr(r.out, ==, want);
    qtest_run_free(&r);
}

static void test_machine_help(void)
{
    QTestRun r;

    qtest_run(&r, "-M help");
    qtest_run_assert_exit(&r, 0);
    g_assert_true(g_str_has_prefix(r.out, "Supported machines are:\n"));
    g_assert_true(g_regex_match_simple("^pc +", r.out, G_REGEX_MULTILINE, 0));
    g_assert_true(g_regex_match_simple("^none +", r.out, G_REGEX_MULTILINE, 0));
    qtest_run_free(&r);
}

static void test_accel_help(void)
{
    QTestRun r;

    qtest_run(&r, "-accel help");
    qtest_run_assert_exit(&r, 0);
    g_assert_true(
        g_str_has_prefix(r.out, "Accelerators supported in QEMU binary:\n"));
    if (!qtest_is_qemu72()) {
        g_assert_true(
            g_regex_match_simple("^qtest$", r.out, G_REGEX_MULTILINE, 0));
    }
    g_assert_true(g_regex_match_simple("^kvm$", r.out, G_REGEX_MULTILINE, 0));
    qtest_run_free(&r);
}

static void test_action_help(void)
{
    QTestRun r;

    qtest_run(&r, "-action help");
    qtest_run_assert_exit(&r, 1);
    g_assert_cmpstr(r.out, ==,
                    "action options:\n"
                    "  panic=<str>\n"
                    "  reboot=<str>\n"
                    "  shutdown=<str>\n"
                    "  watchdog=<str>\n");
    qtest_run_free(&r);
}

static void test_version(void)
{
    QTestRun r;

    qtest_run(&r, "-version");
    qtest_run_assert_exit(&r, 0);
    g_assert_true(
        g_regex_match_simple("version [0-9]+\\.[0-9]+\\.[0-9]+", r.out, 0, 0));
    qtest_run_free(&r);
}

/*
 * JSON -device follows QMP's rule for "\u0000" (docs/specs/qmp.rst):
 * rejected wherever it is, before any device is created.
 */
static void test_device_json_nul(void)
{
    static const struct {
        const char *json, *err;
    } cases[] = {
        {"{\"driver\": \"pvpanic\\u0000x\"}",
         "Parameter 'driver' contains a NUL character"},
        {"{\"driver\": \"pvpanic\", \"id\": \"p\\u0000\"}",
         "Parameter 'id' contains a NUL character"},
        {"{\"driver\": \"pvpanic\", \"ioport\\u0000x\": 1}",
         "Parameter name 'ioport\xc0\x80x' contains a NUL character"},
        {"{\"driver\": \"isa-debugcon\", \"chardev\": \"c\\u0000\"}",
         "Parameter 'chardev' contains a NUL character"},
        {"{\"driver\": \"pvpanic\", \"x\": [{\"y\": \"\\u0000\"}]}",
         "Parameter 'x[0].y' contains a NUL character"},
    };
    g_autofree char *prog = g_path_get_basename(qtest_binary());

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *args = g_strdup_printf(
            "-accel qtest -qtest null -display none -device '%s'",
            cases[i].json);
        g_autofree char *want = g_strdup_printf("%s: -device %s: %s\n", prog,
                                                cases[i].json, cases[i].err);
        QTestRun r;

        qtest_run(&r, args);
        qtest_run_assert_exit(&r, 1);
        g_assert_cmpstr(r.err, ==, want);
        qtest_run_free(&r);
    }
}

/* Read @fd until EOF; false if it stays open for @timeout_ms. */
static bool read_to_eof(int fd, GString *buf, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;

    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int left = (int)((deadline - g_get_monotonic_time()) / 1000);
        char chunk[512];
        ssize_t n;

        if (left <= 0 || poll(&p, 1, left) <= 0) {
            return false;
        }
        n = read(fd, chunk, sizeof(chunk));
        if (n == 0) {
            return true;
        }
        if (n < 0 && errno != EINTR) {
            return false;
        }
        if (n > 0) {
            g_string_append_len(buf, chunk, n);
        }
    }
}

static json_t *qmp_line(int fd)
{
    g_autofree char *line = qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);

    g_assert_nonnull(line);
    return json_loads(line, 0, NULL);
}

/*
 * libvirt 9.0's capability probe, exactly its command line, with stdout
 * and stderr on pipes as libvirt has them: the parent exits 0 only once
 * the socket accepts and the pidfile holds the daemon's pid; the daemon
 * closes the inherited stdio (libvirt reads to EOF); the greeting comes
 * unprompted; KVM is reported enabled (this host has it, and a false
 * "absent" makes libvirt re-probe on every call); SIGTERM ends it.
 */
static void test_libvirt_probe(void)
{
    g_autofree char *dir = g_dir_make_tmp("cli-probe-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "qmp.monitor", NULL);
    g_autofree char *pidfile = g_build_filename(dir, "qmp.pid", NULL);
    g_autofree char *qmp = g_strdup_printf("unix:%s,server=on,wait=off", sock);
    const char *argv[] = {
        qtest_binary(),
        "-S",
        "-no-user-config",
        "-nodefaults",
        "-nographic",
        "-machine",
        "none,accel=kvm:tcg",
        "-qmp",
        qmp,
        "-pidfile",
        pidfile,
        "-daemonize",
        NULL,
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *pidtext = NULL;
    json_t *msg;
    GPid parent;
    int fd_out, fd_err, status, qmp_fd;
    pid_t daemon;

    g_assert_true(g_spawn_async_with_pipes(
        NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
        &parent, NULL, &fd_out, &fd_err, &err));
    g_assert_cmpint(waitpid(parent, &status, 0), ==, parent);
    qtest_assert_exit_status(status, 0);
    /* Ready the moment the parent is gone: one attempt, no retry. */
    qmp_fd = qtest_socket_connect(sock, 0);
    g_assert_cmpint(qmp_fd, >=, 0);
    g_assert_true(g_file_get_contents(pidfile, &pidtext, NULL, NULL));
    g_assert_true(g_str_has_suffix(pidtext, "\n"));
    daemon = (pid_t)g_ascii_strtoll(pidtext, NULL, 10);
    g_assert_cmpint(daemon, >, 0);
    g_assert_cmpint(daemon, !=, parent);
    g_assert_cmpint(kill(daemon, 0), ==, 0);
    /* Both pipes reach EOF although the daemon runs on. */
    g_assert_true(read_to_eof(fd_out, out, QTEST_TIMEOUT_MS));
    g_assert_true(read_to_eof(fd_err, out, QTEST_TIMEOUT_MS));
    g_assert_cmpstr(out->str, ==, "");
    g_assert_cmpint(kill(daemon, 0), ==, 0);

    msg = qmp_line(qmp_fd);
    g_assert_nonnull(json_object_get(msg, "QMP"));
    json_decref(msg);
    g_assert_cmpint(write(qmp_fd,
                          "{\"execute\":\"qmp_capabilities\"}"
                          "{\"execute\":\"query-kvm\"}",
                          54),
                    ==, 54);
    json_decref(qmp_line(qmp_fd));
    msg = qmp_line(qmp_fd);
    g_assert_true(json_is_true(
        json_object_get(json_object_get(msg, "return"), "enabled")));
    g_assert_true(json_is_true(
        json_object_get(json_object_get(msg, "return"), "present")));
    json_decref(msg);

    g_assert_cmpint(kill(daemon, SIGTERM), ==, 0);
    for (int i = 0; kill(daemon, 0) == 0; i++) {
        g_assert_cmpint(i, <, QTEST_TIMEOUT_MS / 10);
        g_usleep(10000);
    }
    /* It removed its pidfile on the way out, as QEMU does. */
    g_assert_false(g_file_test(pidfile, G_FILE_TEST_EXISTS));
    close(qmp_fd);
    close(fd_out);
    close(fd_err);
    unlink(sock);
    rmdir(dir);
}

/* query-command-line-options: Vigil's own table; no -sandbox. */
static void test_command_line_options(void)
{
    QTestState *qts = qtest_init(NULL);
    json_t *all =
        qtest_qmp_return(qts, "{'execute': 'query-command-line-options'}");
    json_t *one;
    size_t i;
    json_t *o;

    json_array_foreach(all, i, o)
    {
        g_assert_cmpstr(json_string_value(json_object_get(o, "option")), !=,
                        "sandbox");
    }
    json_decref(all);
    one = qtest_qmp_return(qts, "{'execute': 'query-command-line-options', "
                                "'arguments': {'option': 'machine'}}");
    g_assert_cmpuint(json_array_size(one), ==, 1);
    o = json_object_get(json_array_get(one, 0), "parameters");
    g_assert_true(qtest_json_list_has_name(o, "memory-backend"));
    g_assert_true(qtest_json_list_has_name(o, "dump-guest-core"));
    g_assert_false(qtest_json_list_has_name(o, "vmport-bogus"));
    json_decref(one);
    one = qtest_qmp_return(qts, "{'execute': 'query-command-line-options', "
                                "'arguments': {'option': 'smp-opts'}}");
    o = json_object_get(json_array_get(one, 0), "parameters");
    g_assert_true(qtest_json_list_has_name(o, "dies"));
    json_decref(one);
    qtest_qmp_assert_error(qts,
                           "{'execute': 'query-command-line-options', "
                           "'arguments': {'option': 'sandbox'}}",
                           "GenericError", "invalid option name: sandbox");
    qtest_quit_ok(qts);
}

static uint8_t cmos_read(QTestState *qts, uint8_t reg)
{
    qtest_outb(qts, 0x70, reg);
    return qtest_inb(qts, 0x71);
}

/* -rtc base=DATE: the guest's RTC starts from that date (BCD, UTC). */
static void test_rtc_base(void)
{
    QTestState *qts = qtest_init("-machine pc -rtc base=2006-06-17T16:01:21");

    g_assert_cmphex(cmos_read(qts, 0x09), ==, 0x06); /* year */
    g_assert_cmphex(cmos_read(qts, 0x08), ==, 0x06); /* month */
    g_assert_cmphex(cmos_read(qts, 0x07), ==, 0x17); /* day */
    qtest_quit_ok(qts);
}

/* query-uuid: all zeros by default, -uuid's value otherwise. */
static void test_uuid(void)
{
    QTestState *qts = qtest_init(NULL);
    json_t *r = qtest_qmp_return(qts, "{'execute': 'query-uuid'}");

    g_assert_cmpstr(json_string_value(json_object_get(r, "UUID")), ==,
                    "00000000-0000-0000-0000-000000000000");
    json_decref(r);
    qtest_quit_ok(qts);
    qts = qtest_init("-uuid D1EEAEE8-0000-4321-ABCD-0123456789AB");
    r = qtest_qmp_return(qts, "{'execute': 'query-uuid'}");
    g_assert_cmpstr(json_string_value(json_object_get(r, "UUID")), ==,
                    "d1eeaee8-0000-4321-abcd-0123456789ab");
    json_decref(r);
    qtest_quit_ok(qts);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"invalid-option", test_invalid_option},
        {"device-help", test_device_help},
        {"device-pvpanic-help", test_device_pvpanic_help},
        {"machine-help", test_machine_help},
        {"accel-help", test_accel_help},
        {"action-help", test_action_help},
        {"version", test_version},
        {"device-json-nul", test_device_json_nul},
        {"libvirt-probe", test_libvirt_probe},
        {"command-line-options", test_command_line_options},
        {"uuid", test_uuid},
        {"rtc-base", test_rtc_base},
    };

    return qtest_run_cases(&argc, &argv, "cli", cases, G_N_ELEMENTS(cases));
}
