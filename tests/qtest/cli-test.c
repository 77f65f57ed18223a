/*
 * Command-line behaviour that needs no running machine: help texts,
 * -version, and that a bad option fails before any socket exists.
 */
#include "libqtest.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct Run {
    int status;
    char *out;
    char *err;
} Run;

static void run(Run *r, const char *args)
{
    r->status = qtest_run_direct(args, &r->out, &r->err);
}

static void run_free(Run *r)
{
    g_free(r->out);
    g_free(r->err);
}

static void assert_exit(const Run *r, int code)
{
    g_assert_true(WIFEXITED(r->status));
    g_assert_cmpint(WEXITSTATUS(r->status), ==, code);
}

static void test_invalid_option(void)
{
    g_autofree char *prog = g_path_get_basename(qtest_binary());
    g_autofree char *want = g_strdup_printf("%s: -foo: invalid option\n", prog);
    g_autofree char *sock =
        g_strdup_printf("%s/cli-test-%d.sock", g_get_tmp_dir(), getpid());
    g_autofree char *args =
        g_strdup_printf("-qmp unix:%s,server=on,wait=off -foo", sock);
    Run r;

    unlink(sock);
    run(&r, args);
    assert_exit(&r, 1);
    g_assert_cmpstr(r.err, ==, want);
    g_assert_cmpstr(r.out, ==, "");
    /* the error came before any socket was created */
    g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
    run_free(&r);
}

static void test_device_help(void)
{
    Run r;

    run(&r, "-device help");
    assert_exit(&r, 0);
    g_assert_nonnull(strstr(r.out, "Misc devices:\n"));
    g_assert_nonnull(strstr(r.out, "\nname \"pvpanic\", bus ISA"));
    run_free(&r);
}

static void test_device_pvpanic_help(void)
{
    g_autofree char *want =
        g_strdup_printf("pvpanic options:\n"
                        "  events=<uint8>         -  (default: %d)\n"
                        "  ioport=<uint16>        -  (default: 1285)\n"
                        "  pvpanic[0]=<child<memory-region>>\n",
                        qtest_is_qemu72() ? 3 : 7);
    Run r;

    run(&r, "-device pvpanic,help");
    assert_exit(&r, 0);
    g_assert_cmpstr(r.out, ==, want);
    run_free(&r);
}

static void test_machine_help(void)
{
    Run r;

    run(&r, "-M help");
    assert_exit(&r, 0);
    g_assert_true(g_str_has_prefix(r.out, "Supported machines are:\n"));
    g_assert_true(g_regex_match_simple("^pc +", r.out, G_REGEX_MULTILINE, 0));
    g_assert_true(g_regex_match_simple("^none +", r.out, G_REGEX_MULTILINE, 0));
    run_free(&r);
}

static void test_accel_help(void)
{
    Run r;

    run(&r, "-accel help");
    assert_exit(&r, 0);
    g_assert_true(
        g_str_has_prefix(r.out, "Accelerators supported in QEMU binary:\n"));
    if (!qtest_is_qemu72()) {
        g_assert_true(
            g_regex_match_simple("^qtest$", r.out, G_REGEX_MULTILINE, 0));
    }
    g_assert_true(g_regex_match_simple("^kvm$", r.out, G_REGEX_MULTILINE, 0));
    run_free(&r);
}

static void test_action_help(void)
{
    Run r;

    run(&r, "-action help");
    assert_exit(&r, 1);
    g_assert_cmpstr(r.out, ==,
                    "action options:\n"
                    "  panic=<str>\n"
                    "  reboot=<str>\n"
                    "  shutdown=<str>\n"
                    "  watchdog=<str>\n");
    run_free(&r);
}

static void test_version(void)
{
    Run r;

    run(&r, "-version");
    assert_exit(&r, 0);
    g_assert_true(
        g_regex_match_simple("version [0-9]+\\.[0-9]+\\.[0-9]+", r.out, 0, 0));
    run_free(&r);
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
        Run r;

        run(&r, args);
        assert_exit(&r, 1);
        g_assert_cmpstr(r.err, ==, want);
        run_free(&r);
    }
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
    };

    return qtest_run_cases(&argc, &argv, "cli", cases, G_N_ELEMENTS(cases));
}
