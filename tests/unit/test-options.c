/*
 * Command-line parsing: value parsers and the one-line error messages
 * main() prints before anything is created.
 */
#include "qemu/common.h"

#include "qemu/option.h"
#include "hw/boards.h"
#include "qom/object.h"
#include "system/options.h"
#include "system/qdev-monitor.h"
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

/*
 * The command line libvirt 9.0 generates for a domain (without the
 * inherited fds), key=value and JSON: every option is parsed with its
 * meaning, and the validate step accepts it.
 */
static void test_parse_libvirt(void)
{
    g_autofree char *dir = g_dir_make_tmp("test-options-XXXXXX", NULL);
    g_autofree char *key = g_build_filename(dir, "master-key.aes", NULL);
    g_autofree char *secret_kv =
        g_strdup_printf("secret,id=masterKey0,format=raw,file=%s", key);
    g_autofree char *secret_json =
        g_strdup_printf("{\"qom-type\":\"secret\",\"id\":\"masterKey0\","
                        "\"format\":\"raw\",\"file\":\"%s\"}",
                        key);
    const char *const variants[][2] = {
        {secret_kv, "memory-backend-ram,id=pc.ram,size=268435456"},
        {secret_json, "{\"qom-type\":\"memory-backend-ram\",\"id\":"
                      "\"pc.ram\",\"size\":268435456}"},
    };

    g_assert_true(g_file_set_contents(key, "0123456789abcdef", -1, NULL));
    for (size_t v = 0; v < G_N_ELEMENTS(variants); v++) {
        const char *const args[] = {
            "-name",
            "guest=vigil-panic,debug-threads=on",
            "-S",
            "-object",
            variants[v][0],
            "-machine",
            "pc-i440fx-9.1,usb=off,dump-guest-core=off,memory-backend=pc.ram",
            "-accel",
            "qtest",
            "-m",
            "256",
            "-object",
            variants[v][1],
            "-overcommit",
            "mem-lock=off",
            "-smp",
            "1,sockets=1,cores=1,threads=1",
            "-uuid",
            "d1eeaee8-1234-4321-abcd-0123456789AB",
            "-display",
            "none",
            "-no-user-config",
            "-nodefaults",
            "-rtc",
            "base=utc",
            "-no-shutdown",
            "-boot",
            "strict=on",
            "-audiodev",
            "{\"id\":\"audio1\",\"driver\":\"none\"}",
            "-device",
            v ? "{\"driver\":\"pvpanic\",\"ioport\":1285}"
              : "pvpanic,ioport=1285",
            "-msg",
            "timestamp=on",
            NULL,
        };
        g_autofree char *uuid = NULL;
        size_t len;
        int status;
        VigilConfig cfg;

        vigil_config_init(&cfg);
        g_assert_cmpint(parse(args, &cfg), ==, -1);
        g_assert_true(vigil_options_validate(&cfg, &status));
        g_assert_cmpstr(qemu_name, ==, "vigil-panic");
        g_assert_true(qemu_debug_threads);
        g_assert_cmpstr(cfg.machine_type, ==, "pc-i440fx-9.1");
        g_assert_cmpstr(cfg.memory_backend, ==, "pc.ram");
        g_assert_false(cfg.dump_guest_core);
        g_assert_true(cfg.mem_merge);
        g_assert_false(cfg.mem_lock);
        g_assert_cmpuint(cfg.ram_size, ==, 256u << 20);
        g_assert_cmpuint(cfg.smp.sockets * cfg.smp.cores * cfg.smp.threads, ==,
                         1);
        g_assert_true(cfg.boot.strict);
        g_assert_cmpuint(cfg.audiodevs->len, ==, 1);
        uuid = qemu_uuid_unparse();
        g_assert_cmpstr(uuid, ==, "d1eeaee8-1234-4321-abcd-0123456789ab");
        g_assert_nonnull(user_object_find("pc.ram"));
        /* Completion reads the secret file (once). */
        g_assert_true(user_object_complete_all(
            &(UserObjectDefaults){.dump_guest_core = false}, NULL));
        g_assert_cmpmem(secret_lookup("masterKey0", &len, NULL), len,
                        "0123456789abcdef", 16);
        qdev_device_free_pending();
        user_object_del_all();
        vigil_config_free(&cfg);
        qemu_debug_threads = false;
        autostart = true;
        runstate_reset_actions();
    }
    g_assert_true(qemu_uuid_set("00000000-0000-0000-0000-000000000000", NULL));
    unlink(key);
    rmdir(dir);
}

/* query-command-line-options: no -sandbox; groups named as in QEMU. */
static void test_cmdline_options(void)
{
    size_t n;
    const CmdlineOption *opts = vigil_cmdline_options(&n);
    bool smp = false, machine = false;

    for (size_t i = 0; i < n; i++) {
        g_assert_cmpstr(opts[i].name, !=, "sandbox");
        for (size_t j = 0; j < i; j++) {
            g_assert_cmpstr(opts[i].name, !=, opts[j].name);
        }
        smp |= !strcmp(opts[i].name, "smp-opts");
        machine |= !strcmp(opts[i].name, "machine");
    }
    g_assert_true(smp && machine);
}

static void test_smp_topology(void)
{
    static const struct {
        const char *in;
        VigilSmp out;
    } ok[] = {
        {"1,sockets=1,cores=1,threads=1", {1, 1, 1, 1, 1, 1, 1}},
        {"4", {4, 4, 1, 1, 1, 4, 1}}, /* cores preferred, as QEMU >= 6.2 */
        {"sockets=2,cores=2,threads=2", {8, 8, 2, 1, 1, 2, 2}},
        {"4,sockets=2", {4, 4, 2, 1, 1, 2, 1}},
        {"8,sockets=2,dies=2", {8, 8, 2, 2, 1, 2, 1}},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        GError *err = NULL;
        VigilSmp t;

        g_assert_true(vigil_parse_smp_config(ok[i].in, &t, &err));
        g_assert_no_error(err);
        g_assert_cmpmem(&t, sizeof(t), &ok[i].out, sizeof(ok[i].out));
    }
}

typedef struct BadCase {
    const char *args[8];
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
     "'pc*' is 255\n",
     1},
    /* libvirt's options: what Vigil cannot do is refused, by name. */
    {{"-machine", "pc,usb=on"},
     "vigil: -machine pc,usb=on: usb=on: Vigil has no USB controller\n",
     1},
    {{"-machine", "pc,hpet=on"}, "vigil: -machine pc,hpet=on: hpet=on: *", 1},
    {{"-machine", "pc,dump-guest-core=maybe"},
     "vigil: -machine pc,dump-guest-core=maybe: Parameter "
     "'dump-guest-core' expects 'on' or 'off'\n",
     1},
    {{"-machine", "pc,bogus=1"},
     "vigil: -machine pc,bogus=1: Property 'pc-machine.bogus' not found\n",
     1},
    {{"-machine", "pc,kernel-irqchip=split"},
     "vigil: -machine pc,kernel-irqchip=split: kernel-irqchip=split: *",
     1},
    {{"-object", "foo,id=x"},
     "vigil: -object foo,id=x: Parameter 'qom-type' does not accept value "
     "'foo'\n",
     1},
    {{"-object", "secret,data=x"},
     "vigil: -object secret,data=x: Parameter 'id' is missing\n",
     1},
    {{"-object", "secret,id=s,data=a", "-object", "secret,id=s,data=b"},
     "vigil: -object secret,id=s,data=b: attempt to add duplicate property "
     "'s' to object (type 'container')\n",
     1},
    {{"-object", "secret,id=s,bogus=1"},
     "vigil: -object secret,id=s,bogus=1: Parameter 'bogus' is unexpected\n",
     1},
    {{"-object", "memory-backend-ram,id=m"},
     "vigil: -object memory-backend-ram,id=m: Parameter 'size' is missing\n",
     1},
    {{"-object", "memory-backend-file,id=m,size=1M"},
     "vigil: -object memory-backend-file,id=m,size=1M: Parameter 'mem-path' "
     "is missing\n",
     1},
    {{"-object", "{\"qom-type\":\"memory-backend-ram\",\"id\":\"m\","
                 "\"size\":\"1M\"}"},
     "vigil: -object *: Invalid parameter type for 'size', expected: "
     "integer\n",
     1},
    {{"-object", "memory-backend-ram,id=m,size=1Q"},
     "vigil: -object memory-backend-ram,id=m,size=1Q: Parameter 'size' "
     "expects size\n",
     1},
    {{"-object", "memory-backend-ram,id=m,size=1M", "-machine",
      "pc,memory-backend=m", "-m", "2"},
     "vigil: Machine memory size does not match the size of the memory "
     "backend\n",
     1},
    {{"-machine", "pc,memory-backend=nope"},
     "vigil: Memory backend 'nope' not found\n",
     1},
    {{"-object", "secret,id=m,data=x", "-machine", "pc,memory-backend=m"},
     "vigil: Memory backend 'm' not found\n",
     1},
    {{"-object", "memory-backend-ram,id=pc.ram,size=1M"},
     "vigil: object name 'pc.ram' is reserved for the default RAM backend, "
     "it can't be used for any other purposes. Change the object's 'id' to "
     "something else\n",
     1},
    {{"-uuid", "d1eeaee8-1234-4321-abcd-0123456789a"},
     "vigil: -uuid d1eeaee8-1234-4321-abcd-0123456789a: Fail to parse UUID "
     "string. Wrong format.\n",
     1},
    {{"-smp", "4,sockets=3"},
     "vigil: -smp 4,sockets=3: Invalid CPU topology: product of the "
     "hierarchy must match maxcpus: sockets (3) * dies (1) * cores (1) * "
     "threads (1) != maxcpus (4)\n",
     1},
    {{"-smp", "2,maxcpus=4"},
     "vigil: -smp 2,maxcpus=4: maxcpus (4) above cpus (2) needs CPU "
     "hotplug, which Vigil does not have\n",
     1},
    {{"-smp", "2,clusters=2"},
     "vigil: -smp 2,clusters=2: clusters not supported by this machine's "
     "CPU topology\n",
     1},
    {{"-rtc", "base=2006-13"},
     "vigil: invalid datetime format\nvalid formats: "
     "'2006-06-17T16:01:21' or '2006-06-17'\n",
     1},
    {{"-rtc", "driftfix=fast"}, "vigil: invalid option value 'fast'\n", 1},
    {{"-rtc", "clock=bogus"}, "vigil: invalid option value 'bogus'\n", 1},
    {{"-boot", "order=cz"},
     "vigil: -boot order=cz: Invalid boot device 'z'\n",
     1},
    {{"-boot", "cdc"},
     "vigil: -boot cdc: Boot device 'c' was given twice\n",
     1},
    {{"-boot", "strict=maybe"},
     "vigil: -boot strict=maybe: Parameter 'strict' expects 'on' or "
     "'off'\n",
     1},
    {{"-audiodev", "{\"id\":\"a\",\"driver\":\"pa\"}"},
     "vigil: -audiodev *: Vigil has no audio support: driver 'pa' is not "
     "available; use driver=none\n",
     1},
    {{"-audiodev", "driver=none"},
     "vigil: -audiodev driver=none: Parameter 'id' is missing\n",
     1},
    {{"-audiodev", "none,id=a", "-audiodev", "none,id=a"},
     "vigil: -audiodev none,id=a: Duplicate audiodev id 'a'\n",
     1},
    {{"-overcommit", "cpu-pm=on"},
     "vigil: -overcommit cpu-pm=on: cpu-pm=on: *",
     1},
    {{"-name", "guest=a,bogus=1"},
     "vigil: -name guest=a,bogus=1: Invalid parameter 'bogus'\n",
     1},
    /* Vigil has no seccomp sandbox: not an option at all. */
    {{"-sandbox", "on"}, "vigil: -sandbox: invalid option\n", 1},
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
    g_test_trap_assert_stdout("QEMU emulator version 9.2.0 (vigil-0.1.0)\n*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/options/opts-split", test_opts_split);
    g_test_add_func("/options/ram-size", test_ram_size);
    g_test_add_func("/options/smp", test_smp);
    g_test_add_func("/options/action", test_action);
    g_test_add_func("/options/parse-ok", test_parse_ok);
    g_test_add_func("/options/parse-libvirt", test_parse_libvirt);
    g_test_add_func("/options/cmdline-options", test_cmdline_options);
    g_test_add_func("/options/smp-topology", test_smp_topology);
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
