/*
 * -object and guest RAM: memory backends behind -machine memory-backend=,
 * dump-guest-core, -overcommit mem-lock, secrets, QEMU's errors, and the
 * QOM introspection libvirt's probe reads (qom-list-types,
 * qom-list-properties).
 */
#include "libqtest.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * qom-list-types and qom-list-properties tell the truth about every type
 * Vigil has, and libvirt's probe gets a list for each type it asks about
 * (an error for memory-backend-file crashes libvirtd 9.0).
 */
static void test_qom_types(void)
{
    static const char *const listed[] = {
        "secret",
        "memory-backend-ram",
        "memory-backend-memfd",
        "memory-backend-file",
        "pvpanic",
        "none-machine",
        "kvm-accel",
        "qtest-accel",
        "qemu64-x86_64-cpu",
    };
    static const struct {
        const char *type, *prop;
    } props[] = {
        {"memory-backend-file", "mem-path"},
        {"memory-backend-file", "discard-data"},
        {"memory-backend-memfd", "hugetlb"},
        {"memory-backend-ram", "size"},
        {"secret", "file"},
        {"none-machine", "memory-backend"},
        {"none-machine", "dump-guest-core"},
        {"max-x86_64-cpu", "type"},
        {"pvpanic", "ioport"},
    };
    QTestState *qts = qtest_init(NULL);
    json_t *types = qtest_qmp_return(qts, "{'execute': 'qom-list-types'}");
    json_t *list;

    for (size_t i = 0; i < G_N_ELEMENTS(listed); i++) {
        g_assert_true(qtest_json_list_has_name(types, listed[i]));
    }
    /* Vigil has no TCG, so libvirt offers type='kvm' domains only. */
    g_assert_false(qtest_json_list_has_name(types, "tcg-accel"));
    g_assert_false(
        qtest_json_list_has_name(types, "memory-backend")); /* abstract */
    json_decref(types);
    types = qtest_qmp_return(qts, "{'execute': 'qom-list-types', 'arguments': "
                                  "{'implements': 'memory-backend'}}");
    g_assert_cmpuint(json_array_size(types), ==, 3);
    json_decref(types);
    for (size_t i = 0; i < G_N_ELEMENTS(props); i++) {
        g_autofree char *cmd =
            g_strdup_printf("{'execute': 'qom-list-properties', 'arguments': "
                            "{'typename': '%s'}}",
                            props[i].type);

        list = qtest_qmp_return(qts, cmd);
        g_assert_true(qtest_json_list_has_name(list, "type"));
        g_assert_true(qtest_json_list_has_name(list, props[i].prop));
        json_decref(list);
    }
    /* QEMU's whole list, NUMA and read-only properties included. */
    list =
        qtest_qmp_return(qts, "{'execute': 'qom-list-properties', 'arguments': "
                              "{'typename': 'memory-backend-file'}}");
    g_assert_true(qtest_json_list_has_name(list, "pmem"));
    g_assert_true(qtest_json_list_has_name(list, "readonly"));
    g_assert_true(qtest_json_list_has_name(list, "host-nodes"));
    g_assert_true(qtest_json_list_has_name(list, "prealloc-context"));
    json_decref(list);
    qtest_qmp_assert_error(qts,
                           "{'execute': 'qom-list-properties', 'arguments': "
                           "{'typename': 'tcg-accel'}}",
                           "GenericError", "Class 'tcg-accel' not found");
    qtest_quit_ok(qts);
}

/* Does a mapping of @pid of exactly @size bytes carry VmFlags @flag? */
static bool mapping_has_flag(pid_t pid, uint64_t size, const char *flag)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/smaps", (int)pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    bool in_map = false;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        unsigned long lo, hi;

        if (sscanf(lines[i], "%lx-%lx ", &lo, &hi) == 2) {
            in_map = hi - lo == size;
        } else if (in_map && g_str_has_prefix(lines[i], "VmFlags:")) {
            g_autofree char *f = g_strdup_printf(" %s ", flag);
            g_autofree char *flags = g_strconcat(lines[i] + 8, " ", NULL);

            if (strstr(flags, f)) {
                return true;
            }
        }
    }
    return false;
}

/*
 * -machine memory-backend=ID: guest RAM is the backend's memory (shared
 * here, so the host sees what the guest wrote), dump-guest-core=off
 * keeps it out of core dumps, the object is in /objects and the secret
 * was read.  Without a wrapper the VmFlags of the mapping are checked.
 */
static void test_ram_backend(void)
{
    g_autofree char *dir = g_dir_make_tmp("cli-ram-XXXXXX", NULL);
    g_autofree char *mem = g_build_filename(dir, "guest-ram", NULL);
    g_autofree char *key = g_build_filename(dir, "key", NULL);
    g_autofree char *args = NULL;
    g_autofree char *ram = NULL;
    QTestState *qts;
    json_t *list;
    size_t len;

    g_assert_true(g_file_set_contents(key, "k", 1, NULL));
    args = g_strdup_printf(
        "-object secret,id=sec0,format=raw,file=%s "
        "-object '{\"qom-type\": \"memory-backend-file\", \"id\": "
        "\"pc.ram\", \"size\": 67108864, \"mem-path\": \"%s\", "
        "\"share\": true}' "
        "-machine pc,memory-backend=pc.ram,dump-guest-core=off -m 64",
        key, mem);
    qts = qtest_init(args);
    qtest_writeq(qts, 0x100000, 0x1122334455667788ull);
    g_assert_cmphex(qtest_readq(qts, 0x100000), ==, 0x1122334455667788ull);
    /* The file is guest RAM: the write is in it. */
    g_assert_true(g_file_get_contents(mem, &ram, &len, NULL));
    g_assert_cmpuint(len, ==, 64u << 20);
    g_assert_cmphex(((uint8_t *)ram)[0x100000], ==, 0x88);
    if (!g_getenv("QTEST_WRAPPER")) {
        g_assert_true(mapping_has_flag(qtest_pid(qts), 64u << 20, "dd"));
        g_assert_true(mapping_has_flag(qtest_pid(qts), 64u << 20, "sh"));
    }
    list = qtest_qmp_return(qts, "{'execute': 'qom-list', 'arguments': "
                                 "{'path': '/objects'}}");
    g_assert_true(qtest_json_list_has_name(list, "pc.ram"));
    g_assert_true(qtest_json_list_has_name(list, "sec0"));
    json_decref(list);
    qtest_quit_ok(qts);
    unlink(mem);
    unlink(key);
    rmdir(dir);
}

/* Does one of @pid's mappings have NUMA policy @policy ("bind:0")? */
static bool numa_policy_present(pid_t pid, const char *policy)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/numa_maps", (int)pid);
    g_autofree char *text = NULL;
    g_autofree char *want = g_strdup_printf(" %s ", policy);

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    return strstr(text, want) != NULL;
}

/*
 * policy and host-nodes bind the backend's memory with mbind() as QEMU
 * does (the kernel shows the policy in numa_maps), and qom-get reads the
 * nodes back as a list.
 */
static void test_numa_binding(void)
{
    static const struct {
        const char *policy, *shown;
    } cases[] = {
        {"bind", "bind:0"},
        {"interleave", "interleave:0"},
        {"preferred", "prefer:0"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *args = g_strdup_printf(
            "-object memory-backend-ram,id=m,size=64M,policy=%s,host-nodes=0 "
            "-machine pc,memory-backend=m -m 64",
            cases[i].policy);
        QTestState *qts = qtest_init(args);
        json_t *nodes = qtest_qmp_return(
            qts, "{'execute': 'qom-get', 'arguments': {'path': '/objects/m', "
                 "'property': 'host-nodes'}}");

        g_assert_true(json_is_array(nodes));
        g_assert_cmpuint(json_array_size(nodes), ==, 1);
        g_assert_cmpint(json_integer_value(json_array_get(nodes, 0)), ==, 0);
        json_decref(nodes);
        if (!g_getenv("QTEST_WRAPPER")) {
            g_assert_true(numa_policy_present(qtest_pid(qts), cases[i].shown));
        }
        qtest_quit_ok(qts);
    }
}

/*
 * Bytes of @pid's mappings marked MADV_DONTDUMP (VmFlags "dd"), counting
 * only mappings no larger than @limit: guest RAM is one or two of those
 * (transparent huge pages split it), while a sanitizer's shadow memory is
 * terabytes of "dd" that say nothing about the guest.
 */
static uint64_t dontdump_bytes(pid_t pid, uint64_t limit)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/smaps", (int)pid);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    uint64_t size = 0, total = 0;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        unsigned long lo, hi;

        if (sscanf(lines[i], "%lx-%lx ", &lo, &hi) == 2) {
            size = hi - lo;
        } else if (g_str_has_prefix(lines[i], "VmFlags:") &&
                   strstr(lines[i], " dd") && size <= limit) {
            total += size;
        }
    }
    return total;
}

/* dump-guest-core=off keeps the machine's own RAM out of core dumps. */
static void test_dump_guest_core(void)
{
    static const struct {
        const char *args;
        bool excluded;
    } cases[] = {
        {"-machine pc,dump-guest-core=off -m 64", true},
        {"-machine pc -m 64", false},
        {"-machine pc,dump-guest-core=on -m 64", false},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        QTestState *qts = qtest_init(cases[i].args);

        if (!g_getenv("QTEST_WRAPPER")) {
            uint64_t dd = dontdump_bytes(qtest_pid(qts), 64u << 20);

            if (cases[i].excluded) {
                g_assert_cmpuint(dd, >=, 64u << 20);
            } else {
                g_assert_cmpuint(dd, <, 64u << 20);
            }
        }
        qtest_quit_ok(qts);
    }
}

/* -object errors come before any socket; completion errors name the
 * option (QEMU's wording). */
static void test_object_errors(void)
{
    g_autofree char *prog = g_path_get_basename(qtest_binary());
    static const struct {
        const char *args, *err;
    } cases[] = {
        {"-object secret,id=s,file=/nonexistent/key",
         "-object secret,id=s,file=/nonexistent/key: Unable to read "
         "/nonexistent/key: Failed to open file “/nonexistent/key”: No such "
         "file or directory\n"},
        {"-object secret,id=s", "-object secret,id=s: Either 'file' or 'data' "
                                "must be provided\n"},
        {"-object memory-backend-ram,id=m,size=0",
         "-object memory-backend-ram,id=m,size=0: can't create backend with "
         "size 0\n"},
        {"-object memory-backend-file,id=m,size=1M,mem-path=/nonexistent/m",
         "-object memory-backend-file,id=m,size=1M,mem-path=/nonexistent/m: "
         "can't open backing store /nonexistent/m for guest RAM: No such file "
         "or directory\n"},
        {"-object bogus,id=b",
         "-object bogus,id=b: Parameter 'qom-type' does not accept value "
         "'bogus'\n"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *args = g_strdup_printf(
            "-accel qtest -qtest null -display none %s", cases[i].args);
        g_autofree char *want = g_strdup_printf("%s: %s", prog, cases[i].err);
        QTestRun r;

        qtest_run(&r, args);
        qtest_run_assert_exit(&r, 1);
        g_assert_cmpstr(r.err, ==, want);
        qtest_run_free(&r);
    }
}

static uint64_t vm_locked_kib(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *text = NULL;
    const char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    p = strstr(text, "VmLck:");
    g_assert_nonnull(p);
    return g_ascii_strtoull(p + 6, NULL, 10);
}

/*
 * -overcommit mem-lock=on locks guest RAM (all of Vigil's memory); when
 * the host refuses (an unprivileged user with a small RLIMIT_MEMLOCK),
 * start-up fails with one clear line.
 */
static void test_mem_lock(void)
{
    g_autofree char *prog = g_path_get_basename(qtest_binary());
    g_autofree char *want = g_strdup_printf(
        "%s: locking memory failed: mlockall: Cannot allocate memory\n", prog);
    const char *argv[] = {
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=-all",
        "prlimit",
        "--memlock=65536",
        qtest_binary(),
        "-accel",
        "qtest",
        "-qtest",
        "null",
        "-display",
        "none",
        "-overcommit",
        "mem-lock=on",
        NULL,
    };
    g_autofree char *out = NULL, *err = NULL;
    g_autoptr(GError) gerr = NULL;
    QTestState *qts;
    int status;

#ifdef __SANITIZE_ADDRESS__
    /*
     * ASan intercepts mlockall() and does nothing (its shadow memory could
     * never be locked), so there is nothing to observe in this build; the
     * plain build runs this test.
     */
    g_test_message("mlockall is a no-op under AddressSanitizer");
    return;
#endif
    qts = qtest_init("-overcommit mem-lock=on -m 16");

    if (!g_getenv("QTEST_WRAPPER")) {
        g_assert_cmpuint(vm_locked_kib(qtest_pid(qts)), >=, 16 * 1024);
    }
    qtest_quit_ok(qts);
    qts = qtest_init("-overcommit mem-lock=off -m 16");
    if (!g_getenv("QTEST_WRAPPER")) {
        g_assert_cmpuint(vm_locked_kib(qtest_pid(qts)), ==, 0);
    }
    qtest_quit_ok(qts);

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH,
                               NULL, NULL, &out, &err, &status, &gerr));
    qtest_assert_exit_status(status, 1);
    g_assert_cmpstr(err, ==, want);
}

/* -object help and -object TYPE,help print QEMU's texts and exit 0. */
static void test_object_help(void)
{
    QTestRun r;

    qtest_run(&r, "-object help");
    qtest_run_assert_exit(&r, 0);
    g_assert_cmpstr(r.out, ==,
                    "List of user creatable objects:\n"
                    "  memory-backend-file\n"
                    "  memory-backend-memfd\n"
                    "  memory-backend-ram\n"
                    "  secret\n");
    qtest_run_free(&r);
    qtest_run(&r, "-object secret,help");
    qtest_run_assert_exit(&r, 0);
    g_assert_cmpstr(r.out, ==,
                    "secret options:\n"
                    "  data=<string>\n"
                    "  file=<string>\n"
                    "  format=<QCryptoSecretFormat>\n"
                    "  iv=<string>\n"
                    "  keyid=<string>\n"); /* as QEMU 7.2 */
    qtest_run_free(&r);
}

/*
 * QMP object-add / object-del with QEMU 7.2's answers (recorded with
 * Debian's QEMU over QMP, 2026-12-03).
 */
static void test_object_add_del(void)
{
    static const struct {
        const char *cmd, *error;
    } steps[] = {
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'foo', "
         "'id': 'x'}}",
         "Parameter 'qom-type' does not accept value 'foo'"},
        {"{'execute': 'object-add', 'arguments': {'id': 'x'}}",
         "Parameter 'qom-type' is missing"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's0', 'data': 'aGVsbG8=', 'format': 'base64'}}",
         NULL},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's0', 'data': 'x'}}",
         "attempt to add duplicate property 's0' to object (type "
         "'container')"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's1'}}",
         "Either 'file' or 'data' must be provided"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's2', 'data': 'x', 'bogus': 1}}",
         "Parameter 'bogus' is unexpected"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's3', 'data': 'x', 'keyid': 'nope', "
         "'iv': 'AAAAAAAAAAAAAAAAAAAAAA=='}}",
         "No secret with id 'nope'"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's4', 'data': 'x', 'keyid': 's0', "
         "'iv': 'AAAAAAAAAAAAAAAAAAAAAA=='}}",
         "Key should be 32 bytes in length"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': "
         "'memory-backend-ram', 'id': 'm0', 'size': 1048576}}",
         NULL},
        {"{'execute': 'object-add', 'arguments': {'qom-type': "
         "'memory-backend-ram', 'id': 'm1'}}",
         "Parameter 'size' is missing"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': "
         "'memory-backend', 'id': 'm2', 'size': 4096}}",
         "Parameter 'qom-type' does not accept value 'memory-backend'"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': '1bad', 'data': 'x'}}",
         "Parameter 'id' expects an identifier"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's5', 'data': 'x', 'format': 'hex'}}",
         "Parameter 'format' does not accept value 'hex'"},
        {"{'execute': 'object-add', 'arguments': {'qom-type': 'secret', "
         "'id': 's6', 'data': 'x', 'file': '/etc/hostname'}}",
         "'file' and 'data' are mutually exclusive"},
        {"{'execute': 'object-del', 'arguments': {'id': 'm0'}}", NULL},
        {"{'execute': 'object-del', 'arguments': {'id': 'm0'}}",
         "object 'm0' not found"},
        {"{'execute': 'object-del', 'arguments': {'id': 's0'}}", NULL},
        {"{'execute': 'object-del', 'arguments': {}}",
         "Parameter 'id' is missing"},
        /* Guest RAM's backend cannot go. */
        {"{'execute': 'object-del', 'arguments': {'id': 'ram0'}}",
         "object 'ram0' is in use, can not be deleted"},
    };
    QTestState *s = qtest_init("-object memory-backend-ram,id=ram0,size=64M "
                               "-machine memory-backend=ram0 -m 64");
    json_t *list;

    for (size_t i = 0; i < G_N_ELEMENTS(steps); i++) {
        if (steps[i].error) {
            qtest_qmp_assert_error(s, steps[i].cmd, "GenericError",
                                   steps[i].error);
        } else {
            json_decref(qtest_qmp_return(s, steps[i].cmd));
        }
    }
    /* What is left: the RAM backend only; added objects are listed. */
    list = qtest_qmp_return(s, "{'execute': 'qom-list', 'arguments': "
                               "{'path': '/objects'}}");
    g_assert_true(qtest_json_list_has_name(list, "ram0"));
    g_assert_false(qtest_json_list_has_name(list, "m0"));
    g_assert_false(qtest_json_list_has_name(list, "s0"));
    json_decref(list);
    json_decref(qtest_qmp_return(
        s, "{'execute': 'object-add', 'arguments': {'qom-type': "
           "'memory-backend-memfd', 'id': 'late', 'size': 1048576}}"));
    /* Every supported type round-trips: add, listed, delete, gone. */
    {
        g_autofree char *dir = g_dir_make_tmp("vigil-obj-XXXXXX", NULL);
        g_autofree char *add = g_strdup_printf(
            "{'execute': 'object-add', 'arguments': {'qom-type': "
            "'memory-backend-file', 'id': 'f0', 'size': 1048576, "
            "'mem-path': '%s'}}",
            dir);
        static const char *const ids[] = {"late", "f0", "s9"};

        json_decref(qtest_qmp_return(s, add));
        json_decref(qtest_qmp_return(
            s, "{'execute': 'object-add', 'arguments': {'qom-type': "
               "'secret', 'id': 's9', 'data': 'x'}}"));
        for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
            g_autofree char *del = g_strdup_printf(
                "{'execute': 'object-del', 'arguments': {'id': '%s'}}", ids[i]);

            json_decref(qtest_qmp_return(s, del));
        }
        rmdir(dir);
    }
    list = qtest_qmp_return(s, "{'execute': 'qom-list', 'arguments': "
                               "{'path': '/objects'}}");
    g_assert_false(qtest_json_list_has_name(list, "late"));
    g_assert_false(qtest_json_list_has_name(list, "f0"));
    g_assert_true(qtest_json_list_has_name(list, "ram0"));
    json_decref(list);

    qtest_quit_ok(s);
}

/* qom-set with QEMU 7.2's answers (recorded over QMP, 2026-12-03). */
static void test_qom_set(void)
{
    static const struct {
        const char *args, *klass, *error;
    } steps[] = {
        {"'path': '/machine/peripheral-anon/device[0]', 'property': "
         "'ioport'",
         "GenericError", "Parameter 'value' is missing"},
        {"'path': '/machine/peripheral-anon/device[0]', 'property': "
         "'ioport', 'value': 1536",
         "GenericError",
         "Attempt to set property 'ioport' on anonymous device (type "
         "'pvpanic') after it was realized"},
        {"'path': '/machine/peripheral/pp', 'property': 'ioport', "
         "'value': 1",
         "GenericError",
         "Attempt to set property 'ioport' on device 'pp' (type "
         "'pvpanic') after it was realized"},
        {"'path': '/machine/peripheral/pp', 'property': 'nosuch', "
         "'value': 1",
         "GenericError", "Property 'pvpanic.nosuch' not found"},
        {"'path': '/nosuch', 'property': 'x', 'value': 1", "DeviceNotFound",
         "Device '/nosuch' not found"},
        {"'path': '/machine/peripheral/pp', 'property': 'type', "
         "'value': 'x'",
         "GenericError", "Property 'pvpanic.type' is not writable"},
        {"'path': '/chardevs/c0', 'property': 'type', 'value': 'x'",
         "GenericError", "Property 'chardev-null.type' is not writable"},
        {"'path': '/machine/unattached/device[0]', 'property': "
         "'realized', 'value': false",
         "GenericError",
         "Property 'host-x86_64-cpu.realized' cannot be cleared: the "
         "device is part of the board"},
    };
    QTestState *s = qtest_init("-M pc-i440fx-9.1 -device pvpanic,id=pp "
                               "-chardev null,id=c0");
    QTestState *a = qtest_init("-M pc-i440fx-9.1 -device pvpanic");

    for (size_t i = 2; i < G_N_ELEMENTS(steps); i++) {
        g_autofree char *cmd = g_strdup_printf(
            "{'execute': 'qom-set', 'arguments': {%s}}", steps[i].args);

        qtest_qmp_assert_error(s, cmd, steps[i].klass, steps[i].error);
    }
    /* The anonymous device and the missing value, on a second VM. */
    for (size_t i = 0; i < 2; i++) {
        g_autofree char *cmd = g_strdup_printf(
            "{'execute': 'qom-set', 'arguments': {%s}}", steps[i].args);

        qtest_qmp_assert_error(a, cmd, steps[i].klass, steps[i].error);
    }
    /* realized=true is a no-op, as in QEMU. */
    json_decref(qtest_qmp_return(
        s, "{'execute': 'qom-set', 'arguments': {'path': "
           "'/machine/peripheral/pp', 'property': 'realized', 'value': "
           "true}}"));
    qtest_quit_ok(a);
    qtest_quit_ok(s);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"qom-types", test_qom_types},
        {"ram-backend", test_ram_backend},
        {"dump-guest-core", test_dump_guest_core},
        {"numa-binding", test_numa_binding},
        {"object-errors", test_object_errors},
        {"mem-lock", test_mem_lock},
        {"object-help", test_object_help},
        {"object-add-del", test_object_add_del},
        {"qom-set", test_qom_set},
    };

    return qtest_run_cases(&argc, &argv, "object", cases, G_N_ELEMENTS(cases));
}
