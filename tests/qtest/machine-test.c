/*
 * What libvirt asks about the machine while it probes, starts and
 * reconnects to a domain: query-machines, the CPU models and vCPUs,
 * migration capabilities, and the empty block/TPM/iothread/job queries,
 * each with its exact reply bytes; -cpu and -machine names on the
 * command line; and that nothing Vigil prints on stderr around a guest
 * panic looks like a kernel panic to a log scanner.
 */
#include "libqtest.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <regex.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Send @cmd and expect exactly @want plus "\r\n". */
static void expect_reply(QTestState *s, const char *cmd, const char *want)
{
    g_autofree char *line = NULL;
    g_autofree char *full = g_strdup_printf("%s\r\n", want);

    qtest_qmp_send_raw(s, cmd, strlen(cmd));
    qtest_qmp_send_raw(s, "\n", 1);
    line = qtest_qmp_recv_raw(s);
    g_assert_cmpstr(line, ==, full);
}

static void test_query_machines(void)
{
    QTestState *s = qtest_init("-machine pc-i440fx-9.1");
    json_t *r;

    expect_reply(
        s, "{\"execute\": \"query-machines\"}",
        "{\"return\": [{\"hotpluggable-cpus\": false, \"name\": "
        "\"pc-i440fx-9.2\", \"numa-mem-supported\": false, "
        "\"default-cpu-type\": \"host-x86_64-cpu\", \"acpi\": true, "
        "\"is-default\": true, \"cpu-max\": 255, \"deprecated\": false, "
        "\"default-ram-id\": \"pc.ram\", \"alias\": \"pc\"}, "
        "{\"hotpluggable-cpus\": false, \"name\": \"pc-i440fx-9.1\", "
        "\"numa-mem-supported\": false, "
        "\"default-cpu-type\": \"host-x86_64-cpu\", \"acpi\": true, "
        "\"cpu-max\": 255, \"deprecated\": false, "
        "\"default-ram-id\": \"pc.ram\"}, "
        "{\"hotpluggable-cpus\": false, \"name\": \"none\", "
        "\"numa-mem-supported\": false, \"acpi\": false, \"cpu-max\": 1, "
        "\"deprecated\": false, \"default-ram-id\": \"ram\"}]}");
    r = qtest_qmp(s, "{\"execute\": \"query-machines\", \"arguments\": "
                     "{\"compat-props\": true}}");
    g_assert_cmpuint(
        json_array_size(json_object_get(
            json_array_get(json_object_get(r, "return"), 0), "compat-props")),
        ==, 0);
    json_decref(r);
    /* The machine libvirt named on -machine is the one that runs. */
    expect_reply(s,
                 "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
                 "\"/machine\", \"property\": \"type\"}}",
                 "{\"return\": \"pc-i440fx-9.1-machine\"}");
    qtest_quit_ok(s);
}

/* Whether this host's KVM offers SSE3 ("pni"), asked independently. */
static int kvm_has_pni(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    struct kvm_cpuid2 *c;
    int ret = -1;

    if (fd < 0) {
        return -1;
    }
    c = g_malloc0(sizeof(*c) + 512 * sizeof(c->entries[0]));
    c->nent = 512;
    if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
        for (unsigned i = 0; i < c->nent; i++) {
            if (c->entries[i].function == 1) {
                ret = c->entries[i].ecx & 1;
            }
        }
    }
    g_free(c);
    close(fd);
    return ret;
}

static void test_cpu_definitions(void)
{
    QTestState *s = qtest_init("");
    json_t *r = qtest_qmp(s, "{\"execute\": \"query-cpu-definitions\"}");
    json_t *list = json_object_get(r, "return");
    json_t *q = json_array_get(list, 0);
    json_t *un = json_object_get(q, "unavailable-features");
    int pni = kvm_has_pni();
    bool listed = false;
    size_t i;
    json_t *e;

    g_assert_cmpuint(json_array_size(list), ==, 3);
    g_assert_cmpstr(json_string_value(json_object_get(q, "name")), ==,
                    "qemu64");
    g_assert_cmpstr(json_string_value(json_object_get(q, "typename")), ==,
                    "qemu64-x86_64-cpu");
    g_assert_true(json_is_true(json_object_get(q, "migration-safe")));
    g_assert_true(json_is_false(json_object_get(q, "static")));
    json_array_foreach(un, i, e)
    {
        listed |= strcmp(json_string_value(e), "pni") == 0;
    }
    /* Truthful against KVM: pni is missing exactly when KVM lacks it. */
    g_assert_cmpint(pni, >=, 0);
    g_assert_cmpint(listed, ==, !pni);
    for (i = 1; i < 3; i++) {
        e = json_array_get(list, i);
        g_assert_cmpuint(
            json_array_size(json_object_get(e, "unavailable-features")), ==, 0);
        g_assert_true(json_is_false(json_object_get(e, "migration-safe")));
    }
    json_decref(r);
    expect_reply(s,
                 "{\"execute\": \"qom-list-types\", \"arguments\": "
                 "{\"implements\": \"x86_64-cpu\"}}",
                 "{\"return\": [{\"name\": \"host-x86_64-cpu\", \"parent\": "
                 "\"x86_64-cpu\"}, {\"name\": \"max-x86_64-cpu\", "
                 "\"parent\": \"x86_64-cpu\"}, {\"name\": "
                 "\"qemu64-x86_64-cpu\", \"parent\": \"x86_64-cpu\"}]}");
    qtest_quit_ok(s);
}

/* Under qtest the main thread drives the machine: its tid is the pid. */
static void test_cpus_fast(void)
{
    QTestState *s = qtest_init("-smp 2 -cpu qemu64");
    g_autofree char *want = g_strdup_printf(
        "{\"return\": [{\"thread-id\": %d, \"props\": {\"core-id\": 0, "
        "\"thread-id\": 0, \"socket-id\": 0}, \"qom-path\": "
        "\"/machine/unattached/device[0]\", \"cpu-index\": 0, \"target\": "
        "\"x86_64\"}, {\"thread-id\": %d, \"props\": {\"core-id\": 1, "
        "\"thread-id\": 0, \"socket-id\": 0}, \"qom-path\": "
        "\"/machine/unattached/device[2]\", \"cpu-index\": 1, \"target\": "
        "\"x86_64\"}]}",
        (int)qtest_pid(s), (int)qtest_pid(s));

    expect_reply(s, "{\"execute\": \"query-cpus-fast\"}", want);
    /* libvirt reads the guest CPU at this fixed path. */
    expect_reply(s,
                 "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
                 "\"/machine/unattached/device[0]\", \"property\": "
                 "\"type\"}}",
                 "{\"return\": \"qemu64-x86_64-cpu\"}");
    qtest_quit_ok(s);

    s = qtest_init("-M none");
    expect_reply(s, "{\"execute\": \"query-cpus-fast\"}", "{\"return\": []}");
    qtest_quit_ok(s);
}

static void test_migration_capabilities(void)
{
    QTestState *s = qtest_init("");

    expect_reply(s, "{\"execute\": \"query-migrate-capabilities\"}",
                 "{\"return\": [{\"state\": false, \"capability\": "
                 "\"events\"}]}");
    /* What libvirt sends at every domain start. */
    expect_reply(s,
                 "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{"
                 "\"capabilities\":[{\"capability\":\"events\",\"state\":"
                 "true}]},\"id\":\"libvirt-3\"}",
                 "{\"return\": {}, \"id\": \"libvirt-3\"}");
    expect_reply(s, "{\"execute\": \"query-migrate-capabilities\"}",
                 "{\"return\": [{\"state\": true, \"capability\": "
                 "\"events\"}]}");
    expect_reply(s,
                 "{\"execute\":\"migrate-set-capabilities\",\"arguments\":{"
                 "\"capabilities\":[{\"capability\":\"xbzrle\",\"state\":"
                 "true}]}}",
                 "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                 "\"Parameter 'capability' does not accept value "
                 "'xbzrle'\"}}");
    qtest_quit_ok(s);
}

static void test_empty_queries(void)
{
    QTestState *s = qtest_init("-device pvpanic");
    static const char *const cmds[] = {
        "{\"execute\": \"query-tpm-models\"}",
        "{\"execute\": \"query-tpm-types\"}",
        "{\"execute\": \"query-block\"}",
        "{\"execute\": \"query-named-block-nodes\"}",
        "{\"execute\": \"query-iothreads\"}",
        "{\"execute\": \"query-jobs\"}",
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
        expect_reply(s, cmds[i], "{\"return\": []}");
    }
    expect_reply(s,
                 "{\"execute\": \"query-named-block-nodes\", "
                 "\"arguments\": {\"flat\": true}}",
                 "{\"return\": []}");
    expect_reply(s, "{\"execute\": \"query-hotpluggable-cpus\"}",
                 "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                 "\"The command query-hotpluggable-cpus has not been "
                 "found\"}}");
    qtest_quit_ok(s);
}

static void test_cpu_option(void)
{
    g_autofree char *out = NULL, *err = NULL;
    int status;

    status = qtest_run_direct("-cpu help", &out, &err);
    qtest_assert_exit_status(status, 0);
    g_assert_nonnull(strstr(out, "x86 qemu64                QEMU Virtual CPU "
                                 "version 2.5+\n"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    status = qtest_run_direct("-accel qtest -cpu Skylake", &out, &err);
    qtest_assert_exit_status(status, 1);
    g_assert_nonnull(strstr(err, "unable to find CPU model 'Skylake'"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    status =
        qtest_run_direct("-accel qtest -cpu host,migratable=on", &out, &err);
    qtest_assert_exit_status(status, 1);
    /* QEMU's words for a property Vigil does not have. */
    g_assert_nonnull(strstr(err, "can't apply global "
                                 "host-x86_64-cpu.migratable=on: Property "
                                 "'host-x86_64-cpu.migratable' not found"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    status =
        qtest_run_direct("-accel qtest -cpu qemu64,hv-crash=maybe", &out, &err);
    qtest_assert_exit_status(status, 1);
    g_assert_nonnull(strstr(err, "can't apply global "
                                 "qemu64-x86_64-cpu.hv-crash=maybe: "
                                 "Parameter 'hv-crash' expects 'on' or "
                                 "'off'"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    /* -rtc help: QEMU's listing, then exit status 1 (as QEMU 7.2). */
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    status = qtest_run_direct("-rtc help", &out, &err);
    qtest_assert_exit_status(status, 1);
    g_assert_cmpstr(out, ==,
                    "rtc options:\n  base=<str>\n  clock=<str>\n"
                    "  driftfix=<str>\n");
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    status = qtest_run_direct("-accel qtest -M none -cpu qemu64", &out, &err);
    qtest_assert_exit_status(status, 1);
    g_assert_nonnull(strstr(err, "machine 'none' has no vCPU"));
    g_clear_pointer(&out, g_free);
    g_clear_pointer(&err, g_free);
    /* APIC IDs are vCPU numbers: 3 cores per socket would leave holes. */
    status =
        qtest_run_direct("-accel qtest -smp 6,sockets=2,cores=3", &out, &err);
    qtest_assert_exit_status(status, 1);
    g_assert_nonnull(strstr(err, "-smp: cores=3: "));
}

/*
 * KubeVirt and similar tools scan the domain log (the VMM's stderr) for
 * kernel-panic-looking lines.  Vigil's own messages around a panic, with
 * guest-error logging on and timestamps, must not look like one.
 */
static void test_no_panic_lines_on_stderr(void)
{
    static const char *const actions[] = {"pause", "none", "shutdown"};
    g_autofree char *dir = g_dir_make_tmp("vigil-panic-XXXXXX", NULL);
    g_autofree char *log = g_build_filename(dir, "stderr", NULL);
    g_autofree char *text = NULL;
    regex_t re;

    g_assert_cmpint(regcomp(&re,
                            "kernel panic|panic[[:space:]]+[^[:space:]]+:|"
                            "guest panicked|^panic",
                            REG_EXTENDED | REG_ICASE | REG_NEWLINE | REG_NOSUB),
                    ==, 0);
    for (size_t i = 0; i < G_N_ELEMENTS(actions); i++) {
        g_autofree char *args = g_strdup_printf(
            "-device pvpanic -no-shutdown -action panic=%s -d guest_errors "
            "-msg timestamp=on 2>>%s",
            actions[i], log);
        QTestState *s = qtest_init(args);

        qtest_outb(s, 0x505, 1);    /* panicked */
        qtest_outb(s, 0x505, 2);    /* crash loaded */
        qtest_outb(s, 0x505, 0x80); /* an unknown event: logged */
        g_free(qtest_query_status(s, NULL));
        qtest_quit_ok(s);
    }
    g_assert_true(g_file_get_contents(log, &text, NULL, NULL));
    /* The unknown event was logged, so stderr was really captured. */
    g_assert_nonnull(strstr(text, "unknown event"));
    if (regexec(&re, text, 0, NULL, 0) == 0) {
        g_error("stderr has a panic-looking line:\n%s", text);
    }
    regfree(&re);
    unlink(log);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"query-machines", test_query_machines},
        {"cpu-definitions", test_cpu_definitions},
        {"cpus-fast", test_cpus_fast},
        {"migration-capabilities", test_migration_capabilities},
        {"empty-queries", test_empty_queries},
        {"cpu-option", test_cpu_option},
        {"no-panic-lines-on-stderr", test_no_panic_lines_on_stderr},
    };

    return qtest_run_cases(&argc, &argv, "machine", cases, G_N_ELEMENTS(cases));
}
