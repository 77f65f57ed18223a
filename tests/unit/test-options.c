/*
 * Command-line parsing: value parsers and the one-line error messages
 * main() prints before anything is created.
 */
#include "qemu/common.h"

#include "qemu/option.h"
#include "system/options.h"
#include "system/runstate.h"
#include "system/system.h"

/* ",," escapes; otherwise exactly g_strsplit(",") (empty items kept). */
static void test_opts_split(void)
{
    static const struct {
        const char *in;
        const char *joined; /* items joined with '|' */
        guint n;
    } cases[] = {
        {"", "", 0},
        {"pvpanic", "pvpanic", 1},
        {"pvpanic,ioport=0x505", "pvpanic|ioport=0x505", 2},
        {"path=/tmp/a,,b", "path=/tmp/a,b", 1},
        {"a,,,b", "a,|b", 2},
        {"a,,,,b", "a,,b", 1},
        {"a,", "a|", 2},
        {",a", "|a", 2},
        {",", "|", 2},
        {",,", ",", 1},
        {"a,,b,c=d,,e,,", "a,b|c=d,e,", 2},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_auto(GStrv) v = qemu_opts_split(cases[i].in);
        g_autofree char *j = g_strjoinv("|", v);

        g_assert_cmpuint(g_strv_length(v), ==, cases[i].n);
        g_assert_cmpstr(j, ==, cases[i].joined);
    }
}

static void test_ram_size(void)
{
    static const struct {
        const char *in;
        uint64_t bytes;
    } ok[] = {
        {"512", 512ull << 20}, /* plain number: MiB, as QEMU */
        {"1G", 1ull << 30},
        {"1g", 1ull << 30},
        {"2048k", 2048ull << 10},
        {"1.5G", 3ull << 29},
        {"4096B", 4096},
        {"0x10", 16ull << 20},
        {"010", 10ull << 20},
        {"size=256M", 256ull << 20},
        {"1T", 1ull << 40},
        {"15E", 15ull << 60},
        {"128M,slots=2,maxmem=1G", 128ull << 20},
    };
    static const char *const bad[] = {
        "foo", "-1", "", "1X", "1.5", "16E", "0x", "1GG", " 1", "1.G",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        GError *err = NULL;
        uint64_t v = 0;

        g_assert_true(vigil_parse_ram_size(ok[i].in, &v, &err));
        g_assert_no_error(err);
        g_assert_cmphex(v, ==, ok[i].bytes);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GError *err = NULL;
        uint64_t v = 0;

        g_assert_false(vigil_parse_ram_size(bad[i], &v, &err));
        g_assert_cmpstr(err->message, ==,
                        "Parameter 'size' expects a non-negative number "
                        "below 2^64");
        g_clear_error(&err);
    }
}

static void test_smp(void)
{
    GError *err = NULL;
    unsigned n = 0;

    g_assert_true(vigil_parse_smp("4", &n, &err));
    g_assert_cmpuint(n, ==, 4);
    g_assert_true(vigil_parse_smp("cpus=2,maxcpus=2", &n, &err));
    g_assert_cmpuint(n, ==, 2);
    g_assert_false(vigil_parse_smp("foo", &n, &err));
    g_assert_cmpstr(err->message, ==, "Parameter 'smp.cpus' expects integer");
    g_clear_error(&err);
    g_assert_false(vigil_parse_smp("0", &n, &err));
    g_clear_error(&err);
    g_assert_false(vigil_parse_smp("2,bogus=1", &n, &err));
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'bogus'");
    g_clear_error(&err);
}

static void test_action(void)
{
    GError *err = NULL;

    runstate_reset_actions();
    g_assert_true(vigil_parse_action("reboot=shutdown,shutdown=pause", &err));
    g_assert_no_error(err);
    g_assert_cmpint(runstate_reboot_action(), ==, REBOOT_ACTION_SHUTDOWN);
    g_assert_cmpint(runstate_shutdown_action(), ==, SHUTDOWN_ACTION_PAUSE);
    /* Several -action options add up. */
    g_assert_true(vigil_parse_action("panic=none", &err));
    g_assert_cmpint(runstate_panic_action(), ==, PANIC_ACTION_NONE);
    g_assert_cmpint(runstate_shutdown_action(), ==, SHUTDOWN_ACTION_PAUSE);

    g_assert_false(vigil_parse_action("panic=bogus", &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'panic' does not accept value 'bogus'");
    g_clear_error(&err);
    g_assert_false(vigil_parse_action("foo=bar", &err));
    g_assert_cmpstr(err->message, ==, "Invalid parameter 'foo'");
    g_clear_error(&err);
    g_assert_false(vigil_parse_action("panic", &err));
    g_clear_error(&err);
    runstate_reset_actions();
}

/* Parse @argv (NULL-terminated, without argv[0]); returns the status
 * when parsing asked to stop, -1 when it succeeded. */
static int parse(const char *const *args, VigilConfig *cfg)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    int status = -1;

    g_ptr_array_add(argv, (char *)"vigil");
    for (int i = 0; args[i]; i++) {
        g_ptr_array_add(argv, (char *)args[i]);
    }
    error_set_progname("vigil");
    if (!vigil_options_parse(cfg, argv->len, (char **)argv->pdata, &status)) {
        return status;
    }
    return -1;
}

static void test_parse_ok(void)
{
    static const char *const args[] = {
        "-S",
        "-m",
        "256",
        "-smp",
        "2",
        "-name",
        "guest1,debug-threads=on",
        "-accel",
        "qtest",
        "-display",
        "none",
        "-audio",
        "none",
        "-run-with",
        "exit-with-parent=on",
        "-nodefaults",
        "-no-user-config",
        "-no-shutdown",
        "-device",
        "pvpanic",
        "--qmp",
        "unix:/tmp/x.sock,server=on,wait=off",
        "-d",
        "guest_errors",
        "-msg",
        "timestamp=off",
        NULL,
    };
    VigilConfig cfg;

    autostart = true;
    runstate_reset_actions();
    vigil_config_init(&cfg);
    g_assert_cmpint(parse(args, &cfg), ==, -1);
    g_assert_false(autostart);
    g_assert_cmpuint(cfg.ram_size, ==, 256ull << 20);
    g_assert_cmpuint(cfg.smp_cpus, ==, 2);
    g_assert_cmpstr(qemu_name, ==, "guest1");
    g_assert_cmpuint(cfg.accels->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(cfg.accels, 0), ==, "qtest");
    g_assert_true(cfg.exit_with_parent);
    g_assert_cmpint(runstate_shutdown_action(), ==, SHUTDOWN_ACTION_PAUSE);
    /* -device and -qmp wait for the validate step, in order. */
    g_assert_cmpuint(cfg.deferred->len, ==, 2);
    g_assert_cmpint(g_array_index(cfg.deferred, VigilDeferredOpt, 0).kind, ==,
                    VIGIL_OPT_DEVICE);
    g_assert_cmpint(g_array_index(cfg.deferred, VigilDeferredOpt, 1).kind, ==,
                    VIGIL_OPT_QMP);
    g_assert_cmpuint(cfg.log_mask, !=, 0);
    vigil_config_free(&cfg);
    autostart = true;
    runstate_reset_actions();
}

typedef struct BadCase {
    const char *args[7];
    const char *stderr_pattern;
    int status;
} BadCase;

static const BadCase bad_cases[] = {
    {{"-foo"}, "vigil: -foo: invalid option\n", 1},
    {{"-qmp"}, "vigil: -qmp: requires an argument\n", 1},
    {{"-m", "foo"},
     "vigil: -m foo: Parameter 'size' expects a non-negative number "
     "below 2^64\n",
     1},
    {{"-action", "panic=bogus"},
     "vigil: -action panic=bogus: Parameter 'panic' does not accept "
     "value 'bogus'\n",
     1},
    {{"-watchdog-action", "bogus"},
     "vigil: -watchdog-action bogus: Parameter 'watchdog' does not accept "
     "value 'bogus'\n",
     1},
    {{"-accel", "tcg"}, "vigil: -accel tcg: Vigil has no TCG*", 1},
    {{"-accel", "bogus"},
     "vigil: -accel bogus: invalid accelerator bogus\n",
     1},
    {{"-display", "gtk"}, "vigil: -display gtk: *", 1},
    {{"-msg", "timestamp=maybe"},
     "vigil: -msg timestamp=maybe: Parameter 'timestamp' expects 'on' or "
     "'off'\n",
     1},
    {{"-d", "bogus"}, "vigil: -d bogus: unknown log item 'bogus'*", 1},
    {{"-run-with", "user=x"},
     "vigil: -run-with user=x: Invalid parameter 'user'\n",
     1},
    {{"disk.img"}, "vigil: disk.img: *", 1},
    {{"-accel", "qtest", "-machine", "accel=kvm"},
     "vigil: -machine accel=kvm: The -accel and*",
     1},
    /* Found by the validate step, still before any socket exists. */
    {{"-mon", "chardev=nonexist,mode=control"},
     "vigil: -mon chardev=nonexist,mode=control: chardev \"nonexist\" "
     "not found\n",
     1},
    {{"-mon", "mon0", "-chardev", "null,id=mon0"},
     "vigil: -mon mon0: HMP monitor*",
     1},
    {{"-mon", "mon0,mode=bogus"},
     "vigil: -mon mon0,mode=bogus: Parameter 'mode' does not accept "
     "value 'bogus'\n",
     1},
    {{"-M", "bogus"}, "vigil: -machine bogus: unsupported machine type*", 1},
    {{"-smp", "300"},
     "vigil: Invalid SMP CPUs 300. The max CPUs supported by machine "
     "'pc' is 255\n",
     1},
    {{"-daemonize", "-nographic"},
     "vigil: -nographic: cannot use stdio with -daemonize\n",
     1},
};

static void test_parse_bad_child(gconstpointer data)
{
    const BadCase *c = data;
    VigilConfig cfg;
    int status;

    vigil_config_init(&cfg);
    status = parse(c->args, &cfg);
    if (status < 0) {
        vigil_options_validate(&cfg, &status);
    }
    exit(status);
}

static void test_parse_bad(gconstpointer data)
{
    const BadCase *c = data;
    g_autofree char *path =
        g_strdup_printf("/options/bad/%zu/subprocess", (size_t)(c - bad_cases));

    g_test_trap_subprocess(path, 0, G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stderr(c->stderr_pattern);
    g_test_trap_assert_stdout("");
}

static void test_help_exits_child(void)
{
    static const char *const args[] = {"-action", "help", NULL};
    VigilConfig cfg;

    vigil_config_init(&cfg);
    exit(parse(args, &cfg));
}

static void test_help_exits(void)
{
    /* QEMU exits 1 after -action help. */
    g_test_trap_subprocess("/options/action-help/subprocess", 0,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_failed();
    g_test_trap_assert_stdout("action options:\n  panic=<str>\n"
                              "  reboot=<str>\n  shutdown=<str>\n"
                              "  watchdog=<str>\n");
}

static void test_version_child(void)
{
    static const char *const args[] = {"-version", NULL};
    VigilConfig cfg;

    vigil_config_init(&cfg);
    exit(parse(args, &cfg));
}

static void test_version(void)
{
    g_test_trap_subprocess("/options/version/subprocess", 0,
                           G_TEST_SUBPROCESS_DEFAULT);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout("QEMU emulator version 9.1.0 (vigil-0.1.0)\n*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/options/opts-split", test_opts_split);
    g_test_add_func("/options/ram-size", test_ram_size);
    g_test_add_func("/options/smp", test_smp);
    g_test_add_func("/options/action", test_action);
    g_test_add_func("/options/parse-ok", test_parse_ok);
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *p = g_strdup_printf("/options/bad/%zu", i);
        g_autofree char *sp = g_strdup_printf("/options/bad/%zu/subprocess", i);

        g_test_add_data_func(p, &bad_cases[i], test_parse_bad);
        g_test_add_data_func(sp, &bad_cases[i], test_parse_bad_child);
    }
    g_test_add_func("/options/action-help", test_help_exits);
    g_test_add_func("/options/action-help/subprocess", test_help_exits_child);
    g_test_add_func("/options/version", test_version);
    g_test_add_func("/options/version/subprocess", test_version_child);
    return g_test_run();
}
