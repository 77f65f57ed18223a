/*
 * --preconfig and x-exit-preconfig: QEMU 7.2's allowed commands (found
 * by sending every Vigil command to QEMU 7.2 under --preconfig), its
 * errors, and its order: RESUME before x-exit-preconfig's reply.
 */
#include "libqtest.h"

#include <string.h>
#include <sys/wait.h>

static const char *const denied[] = {
    "cont",
    "stop",
    "system_reset",
    "system_powerdown",
    "query-kvm",
    "query-cpus-fast",
    "query-machines",
    "query-target",
    "human-monitor-command",
    "query-dump",
    "getfd",
    "add-fd",
    "device-list-properties",
    "query-cpu-definitions",
};
static const char *const allowed[] = {
    "query-status", "query-version",   "query-commands",
    "query-name",   "qom-list-types",  "query-chardev",
    "query-uuid",   "query-iothreads", "query-command-line-options",
};

static void test_commands(void)
{
    QTestState *s = qtest_init("--preconfig -device pvpanic");
    json_t *r, *st;

    for (size_t i = 0; i < G_N_ELEMENTS(denied); i++) {
        g_autofree char *cmd = g_strdup_printf("{'execute': '%s'}", denied[i]);
        g_autofree char *msg =
            g_strdup_printf("The command '%s' is permitted only after machine "
                            "initialization has completed",
                            denied[i]);

        qtest_qmp_assert_error(s, cmd, "GenericError", msg);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(allowed); i++) {
        g_autofree char *cmd = g_strdup_printf("{'execute': '%s'}", allowed[i]);

        json_decref(qtest_qmp_return(s, cmd));
    }
    st = qtest_qmp_return(s, "{'execute': 'query-status'}");
    g_assert_cmpstr(json_string_value(json_object_get(st, "status")), ==,
                    "prelaunch");
    json_decref(st);
    /* -device options wait for x-exit-preconfig. */
    r = qtest_qmp_return(s, "{'execute': 'qom-list', 'arguments': "
                            "{'path': '/machine/peripheral-anon'}}");
    g_assert_cmpuint(json_array_size(r), ==, 1); /* "type" only */
    json_decref(r);
    json_decref(qtest_qmp_return(s, "{'execute': 'x-exit-preconfig'}"));
    /* RESUME was sent before the reply: it is already stashed. */
    json_decref(qtest_qmp_eventwait(s, "RESUME"));
    r = qtest_qmp_return(s, "{'execute': 'qom-list', 'arguments': "
                            "{'path': '/machine/peripheral-anon'}}");
    g_assert_true(qtest_json_list_has_name(r, "device[0]"));
    json_decref(r);
    qtest_qmp_assert_error(s, "{'execute': 'x-exit-preconfig'}", "GenericError",
                           "The command is permitted only before machine "
                           "initialization");
    /* Everything works afterwards. */
    json_decref(qtest_qmp_return(s, "{'execute': 'stop'}"));
    qtest_quit_ok(s);
}

static void test_with_S_and_quit(void)
{
    QTestState *s = qtest_init("--preconfig -S");
    json_t *st;
    int status;

    json_decref(qtest_qmp_return(s, "{'execute': 'x-exit-preconfig'}"));
    st = qtest_qmp_return(s, "{'execute': 'query-status'}");
    g_assert_cmpstr(json_string_value(json_object_get(st, "status")), ==,
                    "prelaunch");
    json_decref(st);
    qtest_quit_ok(s);

    /* quit while waiting ends the process normally. */
    s = qtest_init("--preconfig");
    json_decref(qtest_qmp(s, "{'execute': 'quit'}"));
    status = qtest_wait_exit(s);
    qtest_assert_exit_status(status, 0);
}

static void test_bad_device_after_preconfig(void)
{
    QTestState *s =
        qtest_init("--preconfig -device pvpanic -device pvpanic,id=two");
    int status;

    /* As QEMU's error_fatal: the process ends with status 1. */
    qtest_qmp_send(s, "{'execute': 'x-exit-preconfig'}");
    status = qtest_wait_exit(s);
    qtest_assert_exit_status(status, 1);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"commands", test_commands},
        {"with-S-and-quit", test_with_S_and_quit},
        {"bad-device", test_bad_device_after_preconfig},
    };

    return qtest_run_cases(&argc, &argv, "preconfig", cases,
                           G_N_ELEMENTS(cases));
}
