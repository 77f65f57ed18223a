/*
 * QMP session and dispatch without sockets: requests go in as bytes,
 * the exact reply bytes come out.
 */
#include "../../monitor/monitor-internal.h"

typedef struct Client {
    QmpSession s;
    GString *out;
} Client;

static void client_output(void *opaque, const char *buf, size_t len)
{
    Client *c = opaque;

    g_string_append_len(c->out, buf, len);
}

static void client_init(Client *c, bool negotiate)
{
    c->out = g_string_new(NULL);
    qmp_session_init(&c->s, false, client_output, NULL, c);
    qmp_session_start(&c->s);
    g_string_truncate(c->out, 0);
    if (negotiate) {
        const char *cap = "{\"execute\": \"qmp_capabilities\"}\n";

        qmp_session_feed(&c->s, cap, strlen(cap));
        g_assert_cmpstr(c->out->str, ==, "{\"return\": {}}\r\n");
        g_string_truncate(c->out, 0);
    }
}

static void client_destroy(Client *c)
{
    qmp_session_destroy(&c->s);
    g_string_free(c->out, TRUE);
}

/* Send @req, return everything the session wrote since the last call. */
static const char *ask(Client *c, const char *req)
{
    g_string_truncate(c->out, 0);
    qmp_session_feed(&c->s, req, strlen(req));
    return c->out->str;
}

static void test_greeting(void)
{
    Client c;

    c.out = g_string_new(NULL);
    qmp_session_init(&c.s, false, client_output, NULL, &c);
    qmp_session_start(&c.s);
    g_assert_cmpstr(c.out->str, ==,
                    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, "
                    "\"minor\": 2, \"major\": 9}, \"package\": "
                    "\"vigil-0.1.0\"}, \"capabilities\": [\"oob\"]}}\r\n");
    client_destroy(&c);
}

static void test_negotiation(void)
{
    Client c;

    client_init(&c, false);
    g_assert_cmpstr(ask(&c, "{\"execute\":\"query-status\"}"), ==,
                    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                    "\"Expecting capabilities negotiation with "
                    "'qmp_capabilities'\"}}\r\n");
    g_assert_cmpstr(ask(&c, "{\"execute\":\"nosuch\",\"id\":3}"), ==,
                    "{\"id\": 3, \"error\": {\"class\": \"CommandNotFound\", "
                    "\"desc\": \"Expecting capabilities negotiation with "
                    "'qmp_capabilities'\"}}\r\n");
    g_assert_cmpstr(ask(&c, "{\"execute\":\"qmp_capabilities\",\"arguments\":"
                            "{\"enable\":[\"foo\"]}}"),
                    ==,
                    "{\"error\": {\"class\": \"GenericError\", \"desc\": "
                    "\"Parameter 'null' does not accept value 'foo'\"}}\r\n");
    g_assert_cmpstr(ask(&c, "{\"execute\":\"qmp_capabilities\",\"id\":7}"), ==,
                    "{\"return\": {}, \"id\": 7}\r\n");
    g_assert_cmpstr(ask(&c, "{\"execute\":\"qmp_capabilities\",\"id\":7}"), ==,
                    "{\"id\": 7, \"error\": {\"class\": \"CommandNotFound\", "
                    "\"desc\": \"Capabilities negotiation is already "
                    "complete, command ignored\"}}\r\n");
    client_destroy(&c);
}

static void test_id_echo(void)
{
    Client c;

    client_init(&c, true);
    g_assert_cmpstr(ask(&c, "{\"execute\":\"query-target\",\"id\":\"x\"}"), ==,
                    "{\"return\": {\"arch\": \"x86_64\"}, \"id\": \"x\"}\r\n");
    g_assert_cmpstr(ask(&c, "{\"execute\":\"nosuch\",\"id\":{\"a\":[1,2]}}"),
                    ==,
                    "{\"id\": {\"a\": [1, 2]}, \"error\": {\"class\": "
                    "\"CommandNotFound\", \"desc\": \"The command nosuch has "
                    "not been found\"}}\r\n");
    /* Two requests in one packet, one split over two. */
    g_assert_cmpstr(ask(&c, "{'execute':'query-target'} {\"execute\":"), ==,
                    "{\"return\": {\"arch\": \"x86_64\"}}\r\n");
    g_assert_cmpstr(ask(&c, "\"query-target\", \"id\": null}"), ==,
                    "{\"return\": {\"arch\": \"x86_64\"}, \"id\": null}\r\n");
    client_destroy(&c);
}

static void test_request_errors(void)
{
    static const struct {
        const char *req;
        const char *desc;
    } cases[] = {
        {"[1,2]", "QMP input must be a JSON object"},
        {"\"str\"", "QMP input must be a JSON object"},
        {"{\"execute\":\"query-status\",\"foo\":1}",
         "QMP input member 'foo' is unexpected"},
        {"{\"execute\":1}", "QMP input member 'execute' must be a string"},
        {"{\"execute\":\"query-status\",\"arguments\":[]}",
         "QMP input member 'arguments' must be an object"},
        {"{\"arguments\":{}}", "QMP input lacks member 'execute'"},
        {"{\"exec-oob\":\"query-status\"}",
         "QMP input member 'exec-oob' is unexpected"},
        {"{\"execute\":\"set-action\",\"arguments\":{\"panic\":\"bogus\"}}",
         "Parameter 'panic' does not accept value 'bogus'"},
        {"{\"execute\":\"set-action\",\"arguments\":{\"panic\":1}}",
         "Invalid parameter type for 'panic', expected: string"},
        {"{\"execute\":\"set-action\",\"arguments\":{\"foo\":1}}",
         "Parameter 'foo' is unexpected"},
        {"{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/\"}}",
         "Parameter 'property' is missing"},
        {"{\"execute\":\"qom-list-types\",\"arguments\":{\"abstract\":1}}",
         "Invalid parameter type for 'abstract', expected: boolean"},
        {"{\"a\":1,\"a\":2}", "JSON parse error, duplicate key"},
        {"\xff", "JSON parse error, stray '\\uFFFD'"},
        {"{\"execute\":\"query-status\",}",
         "JSON parse error, expecting value"},
    };
    Client c;

    client_init(&c, true);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *expect = g_strdup_printf(
            "{\"error\": {\"class\": \"GenericError\", \"desc\": \"%s\"}}\r\n",
            cases[i].desc);

        g_assert_cmpstr(ask(&c, cases[i].req), ==, expect);
    }
    client_destroy(&c);
}

static void test_oob(void)
{
    Client c;

    client_init(&c, false);
    ask(&c, "{\"execute\":\"qmp_capabilities\",\"arguments\":"
            "{\"enable\":[\"oob\"]}}");
    g_assert_cmpstr(ask(&c, "{\"exec-oob\":\"query-name\",\"id\":1}"), ==,
                    "{\"id\": 1, \"error\": {\"class\": \"GenericError\", "
                    "\"desc\": \"The command query-name does not support "
                    "OOB\"}}\r\n");
    g_assert_cmpstr(ask(&c, "{\"exec-oob\":\"x\",\"execute\":\"x\",\"id\":1}"),
                    ==,
                    "{\"id\": 1, \"error\": {\"class\": \"GenericError\", "
                    "\"desc\": \"QMP input member 'execute' clashes with "
                    "'exec-oob'\"}}\r\n");
    client_destroy(&c);
}

static void test_hmp(void)
{
    Client c;

    client_init(&c, true);
    g_assert_cmpstr(ask(&c,
                        "{\"execute\":\"human-monitor-command\","
                        "\"arguments\":{\"command-line\":\"info version\"}}"),
                    ==, "{\"return\": \"9.2.0 (vigil-0.1.0)\\r\\n\"}\r\n");
    g_assert_cmpstr(ask(&c, "{\"execute\":\"human-monitor-command\","
                            "\"arguments\":{\"command-line\":\"foo\"}}"),
                    ==, "{\"return\": \"unknown command: 'foo'\\r\\n\"}\r\n");
    client_destroy(&c);
}

static void test_reset_and_schema(void)
{
    Client c;

    client_init(&c, true);
    /* A disconnect mid-line leaves no trace. */
    ask(&c, "{\"execute\": \"query-");
    qmp_session_reset(&c.s);
    qmp_session_start(&c.s);
    g_assert_true(g_str_has_prefix(c.out->str, "{\"QMP\""));
    ask(&c, "{\"execute\":\"qmp_capabilities\"}");
    g_assert_true(
        g_str_has_prefix(ask(&c, "{\"execute\":\"query-qmp-schema\"}"),
                         "{\"return\": [{\"name\": "
                         "\"qmp_capabilities\""));
    g_assert_nonnull(strstr(c.out->str, "{\"name\": \"0\", \"members\": [], "
                                        "\"meta-type\": \"object\"}"));
    client_destroy(&c);
    qmp_schema_cleanup();
}

/*
 * "\u0000" in a request (docs/specs/qmp.rst, "NUL characters").  The
 * first group is byte-identical to QEMU 7.2's replies.
 */
static void test_nul_strings(void)
{
    static const struct {
        const char *req, *reply;
    } cases[] = {
        {"{\"execute\":\"query-status\\u0000junk\"}",
         "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The "
         "command query-status\\u0000junk has not been found\"}}\r\n"},
        {"{\"execute\":\"query-status\\u0000junk\",\"id\":\"a\\u0000b\"}",
         "{\"id\": \"a\\u0000b\", \"error\": {\"class\": "
         "\"CommandNotFound\", \"desc\": \"The command "
         "query-status\\u0000junk has not been found\"}}\r\n"},
        {"{\"execute\":\"\\u0000\"}",
         "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The "
         "command \\u0000 has not been found\"}}\r\n"},
        {"{\"execute\":\"qmp_capabilities\\u0000\"}",
         "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The "
         "command qmp_capabilities\\u0000 has not been found\"}}\r\n"},
        {"{\"execute\":\"query-status\",\"id\":{\"k\\u0000\":\"v\\u0000\"}}",
         "{\"return\": {\"status\": \"prelaunch\", \"running\": false}, "
         "\"id\": {\"k\\u0000\": \"v\\u0000\"}}\r\n"},
        {"{\"execute\\u0000\":\"query-status\"}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input "
         "member 'execute\\u0000' is unexpected\"}}\r\n"},
        {"{\"execute\":\"query-status\",\"x\\u0000\":1}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input "
         "member 'x\\u0000' is unexpected\"}}\r\n"},
        {"{\"execute\":\"query-status\",\"arguments\":{\"a\\u0000b\":1}}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": "
         "\"Parameter 'a\\u0000b' is unexpected\"}}\r\n"},
        {"{\"execute\":\"qom-get\",\"arguments\":{\"path\\u0000\":\"/"
         "machine\",\"property\":\"type\"}}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": "
         "\"Parameter 'path' is missing\"}}\r\n"},
        {"{\"execute\":\"set-action\",\"arguments\":{\"panic\":"
         "\"pause\\u0000x\"}}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": "
         "\"Parameter 'panic' does not accept value 'pause\\u0000x'\"}}\r\n"},
        /* Vigil's rule: no command ever sees a string with a NUL. */
        {"{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/"
         "machine\\u0000x\",\"property\":\"type\"},\"id\":\"i\\u0000\"}",
         "{\"id\": \"i\\u0000\", \"error\": {\"class\": \"GenericError\", "
         "\"desc\": \"Parameter 'path' contains a NUL character\"}}\r\n"},
        {"{\"execute\":\"human-monitor-command\",\"arguments\":{"
         "\"command-line\":\"info status\\u0000junk\"}}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": "
         "\"Parameter 'command-line' contains a NUL character\"}}\r\n"},
        {"{\"execute\":\"dump-guest-memory\",\"arguments\":{\"paging\":"
         "false,\"protocol\":\"file:/tmp/x\\u0000y\"}}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": "
         "\"Parameter 'protocol' contains a NUL character\"}}\r\n"},
        {"{\"execute\":\"device-list-properties\",\"arguments\":{"
         "\"typename\":\"pvpanic\\u0000x\"}}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": "
         "\"Parameter 'typename' contains a NUL character\"}}\r\n"},
        {"{\"execute\":\"qom-list-types\",\"arguments\":{"
         "\"implements\":\"device\\u0000x\"}}",
         "{\"error\": {\"class\": \"GenericError\", \"desc\": "
         "\"Parameter 'implements' contains a NUL character\"}}\r\n"},
    };
    Client c;

    client_init(&c, false);
    /* Not qmp_capabilities, so no negotiation either. */
    g_assert_cmpstr(ask(&c, "{\"execute\":\"qmp_capabilities\\u0000\","
                            "\"id\":\"pre\\u0000\"}"),
                    ==,
                    "{\"id\": \"pre\\u0000\", \"error\": {\"class\": "
                    "\"CommandNotFound\", \"desc\": \"Expecting capabilities "
                    "negotiation with 'qmp_capabilities'\"}}\r\n");
    g_assert_false(c.s.negotiated);
    ask(&c, "{\"execute\":\"qmp_capabilities\"}");
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_assert_cmpstr(ask(&c, cases[i].req), ==, cases[i].reply);
    }
    client_destroy(&c);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/greeting", test_greeting);
    g_test_add_func("/qmp/negotiation", test_negotiation);
    g_test_add_func("/qmp/id-echo", test_id_echo);
    g_test_add_func("/qmp/request-errors", test_request_errors);
    g_test_add_func("/qmp/oob", test_oob);
    g_test_add_func("/qmp/hmp", test_hmp);
    g_test_add_func("/qmp/nul-strings", test_nul_strings);
    g_test_add_func("/qmp/reset-and-schema", test_reset_and_schema);
    return g_test_run();
}
