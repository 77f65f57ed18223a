/*
 * QMP input framing (qobject/json-stream.c) and QEMU-exact output
 * (qobject/json-writer.c).
 */
#include "qobject/json-stream.h"
#include "qobject/json-writer.h"

/* Everything the framer emitted, one line per text. */
typedef struct Sink {
    GString *log;
} Sink;

static void sink_emit(void *opaque, json_t *value, const GError *err)
{
    Sink *s = opaque;

    if (value) {
        json_writer_append(s->log, value, false);
        json_decref(value);
    } else {
        g_string_append(s->log, "ERR ");
        g_string_append(s->log, err->message);
    }
    g_string_append_c(s->log, '\n');
}

/* Feed @in in pieces of @chunk bytes (0 = whole) and return the log. */
static char *run(const char *in, size_t len, size_t chunk)
{
    Sink s = {g_string_new(NULL)};
    JSONStream js;

    json_stream_init(&js, sink_emit, &s);
    if (!chunk) {
        chunk = len;
    }
    for (size_t off = 0; off < len; off += chunk) {
        json_stream_feed(&js, in + off, MIN(chunk, len - off));
    }
    json_stream_destroy(&js);
    return g_string_free(s.log, FALSE);
}

static void check(const char *in, const char *expect)
{
    g_autofree char *out = run(in, strlen(in), 0);

    g_assert_cmpstr(out, ==, expect);
}

static void test_basic(void)
{
    check("{\"execute\": \"query-status\"}\n",
          "{\"execute\": \"query-status\"}\n");
    check("{\"a\":1}{\"b\":[1,2]}  {\"c\":{}}\n",
          "{\"a\": 1}\n{\"b\": [1, 2]}\n{\"c\": {}}\n");
    /* Top-level scalars are texts too (the session rejects them). */
    check("\"str\" 12 [1]\n", "\"str\"\n12\n[1]\n");
}

static void test_split_every_byte(void)
{
    const char *in = "{'execute': 'x', \"id\": {\"a\": [1, \"}]\\\"\"]}}"
                     "{\"b\": 'it\\'s'}\n";
    g_autofree char *whole = run(in, strlen(in), 0);

    g_assert_cmpstr(whole, ==,
                    "{\"execute\": \"x\", \"id\": {\"a\": [1, \"}]\\\"\"]}}\n"
                    "{\"b\": \"it's\"}\n");
    for (size_t chunk = 1; chunk < strlen(in); chunk++) {
        g_autofree char *out = run(in, strlen(in), chunk);

        g_assert_cmpstr(out, ==, whole);
    }
    /* Split at every position into exactly two feeds. */
    for (size_t cut = 1; cut < strlen(in); cut++) {
        Sink s = {g_string_new(NULL)};
        JSONStream js;

        json_stream_init(&js, sink_emit, &s);
        json_stream_feed(&js, in, cut);
        json_stream_feed(&js, in + cut, strlen(in) - cut);
        json_stream_destroy(&js);
        g_assert_cmpstr(s.log->str, ==, whole);
        g_string_free(s.log, TRUE);
    }
}

static void test_single_quotes(void)
{
    check("{'execute':'x','id':'a\"b\\'c'}",
          "{\"execute\": \"x\", \"id\": \"a\\\"b'c\"}\n");
}

static void test_errors(void)
{
    check("{\"a\":1,\"a\":2}", "ERR JSON parse error, duplicate key\n");
    check("{\"execute\":\"x\",}", "ERR JSON parse error, expecting value\n");
    check("\x01", "ERR JSON parse error, stray '\x01'\n");
    check("}", "ERR JSON parse error, expecting value\n");
    check("{\"a\" 1}", "ERR JSON parse error, missing : in object pair\n");
    check("{1:1}", "ERR JSON parse error, key is not a string in object\n");
    check("[1 2]", "ERR JSON parse error, expected separator in list\n");
    check("{\"a\":1 \"b\":2}",
          "ERR JSON parse error, expected separator in dict\n");
    check("{\"a\":\"b\\q\"}",
          "ERR JSON parse error, invalid escape sequence in string\n");
    check("{\"a\":\"ab\n", "ERR JSON parse error, stray '\"ab\n'\n");
    /* Recovery: the next text is fine. */
    check("{\"a\":,}{\"ok\":true}",
          "ERR JSON parse error, expecting value\n{\"ok\": true}\n");
}

static void test_ff_byte(void)
{
    g_autofree char *out = run("\xff{\"a\":1}", 8, 0);
    GString *w = g_string_new(NULL);

    g_assert_true(g_str_has_prefix(out, "ERR JSON parse error, stray '\xff'"));
    g_assert_true(g_str_has_suffix(out, "{\"a\": 1}\n"));
    /* On the wire the invalid byte is U+FFFD, as QEMU prints it. */
    json_writer_append_string(w, "stray '\xff'", 9);
    g_assert_cmpstr(w->str, ==, "\"stray '\\uFFFD'\"");
    g_string_free(w, TRUE);
}

static void test_depth_limit(void)
{
    GString *in = g_string_new(NULL);
    g_autofree char *ok = NULL;
    g_autofree char *bad = NULL;

    /* 1024 levels parse; 1025 are refused. */
    for (int i = 0; i < JSON_STREAM_MAX_NESTING; i++) {
        g_string_append_c(in, '[');
    }
    for (int i = 0; i < JSON_STREAM_MAX_NESTING; i++) {
        g_string_append_c(in, ']');
    }
    ok = run(in->str, in->len, 0);
    g_assert_false(g_str_has_prefix(ok, "ERR"));
    g_string_prepend_c(in, '[');
    bad = run(in->str, in->len, 4096);
    g_assert_true(
        g_str_has_prefix(bad, "ERR JSON nesting depth limit exceeded\n"));
    g_string_free(in, TRUE);
}

static void test_writer(void)
{
    json_t *v = json_pack("{s:{s:{s:i,s:i,s:i},s:s},s:[s]}", "version", "qemu",
                          "major", 9, "minor", 1, "micro", 0, "package", "p",
                          "capabilities", "oob");
    json_t *qmp = json_pack("{s:o}", "QMP", v);
    json_t *pretty = json_pack("{s:{},s:[]}", "return", "id");
    GString *out = g_string_new(NULL);

    json_writer_append(out, qmp, false);
    g_assert_cmpstr(out->str, ==,
                    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, "
                    "\"minor\": 1, \"major\": 9}, \"package\": \"p\"}, "
                    "\"capabilities\": [\"oob\"]}}");
    g_string_truncate(out, 0);
    json_writer_append(out, pretty, true);
    g_assert_cmpstr(out->str, ==,
                    "{\r\n    \"return\": {\r\n    },\r\n    \"id\": [\r\n"
                    "    ]\r\n}");
    g_string_truncate(out, 0);
    json_writer_append_string(out, "\xc3\xa9\x7f/\xf0\x9f\x98\x80\t", 9);
    g_assert_cmpstr(out->str, ==, "\"\\u00E9\\u007F/\\uD83D\\uDE00\\t\"");
    g_string_free(out, TRUE);
    json_decref(qmp);
    json_decref(pretty);
}

/* QEMU's key orders from the reference, all reproduced by the hash. */
static void test_key_order(void)
{
    static const char *const orders[][3] = {
        {"timestamp", "event", "data"},
        {"seconds", "microseconds"},
        {"return", "id"},
        {"id", "error"},
        {"class", "desc"},
        {"status", "running"},
        {"guest", "reason"},
        {"action", "info"},
        {"version", "capabilities"},
        {"qemu", "package"},
        {"default-value", "name", "type"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(orders); i++) {
        for (size_t k = 1; k < 3 && orders[i][k]; k++) {
            const char *a = orders[i][k - 1], *b = orders[i][k];

            g_assert_cmpuint(json_writer_key_bucket(a, strlen(a)), <,
                             json_writer_key_bucket(b, strlen(b)));
        }
    }
}

/* \u0000 is a character like any other, in values and in keys. */
static void test_nul(void)
{
    const char *in = "{\"a\\u0000b\": [\"c\\u0000\", {\"\\u0000\": 1}]}";
    g_autoptr(GError) err = NULL;
    g_autoptr(json_t) v = json_stream_parse(in, strlen(in), &err);
    g_autoptr(GString) out = g_string_new(NULL);
    g_autofree char *where = NULL;
    const char *nc_text = "{\"\\u0000\\uFDD0\": \"\\uFDD0\xef\xb7\x91\"}";
    g_autoptr(GString) nc_out = g_string_new(NULL);
    json_error_t jerr;
    json_t *arr, *nc;
    bool in_key;

    g_assert_no_error(err);
    /* The key is "a\0b", three bytes: not "a". */
    g_assert_null(json_object_get(v, "a"));
    arr = json_object_getn(v, "a\0b", 3);
    g_assert_nonnull(arr);
    g_assert_cmpuint(json_string_length(json_array_get(arr, 0)), ==, 2);
    g_assert_nonnull(json_object_getn(json_array_get(arr, 1), "", 1));
    json_writer_append(out, v, false);
    g_assert_cmpstr(out->str, ==,
                    "{\"a\\u0000b\": [\"c\\u0000\", {\"\\u0000\": 1}]}");

    /* The same through the framer, split at every byte. */
    for (size_t chunk = 0; chunk < 3; chunk++) {
        g_autofree char *log = run(in, strlen(in), chunk);

        g_assert_cmpstr(log, ==,
                        "{\"a\\u0000b\": [\"c\\u0000\", {\"\\u0000\": "
                        "1}]}\n");
    }
    /* "\\u0000" is a backslash and "u0000", not a NUL. */
    check("{\"a\\\\u0000\": \"\\\\u0000\"}",
          "{\"a\\\\u0000\": \"\\\\u0000\"}\n");
    /*
     * The noncharacter used internally is still the caller's own (JSON
     * -device); the QMP framer refuses noncharacters, as QEMU does.
     */
    nc = json_load_nul(nc_text, strlen(nc_text), 0, &jerr);
    g_assert_nonnull(nc);
    json_writer_append(nc_out, nc, false);
    json_decref(nc);
    g_assert_cmpstr(nc_out->str, ==,
                    "{\"\\u0000\\uFDD0\": \"\\uFDD0\\uFDD1\"}");
    check(nc_text,
          "ERR JSON parse error, \\uFDD0 is not a valid Unicode character\n");
    check("{\"a\\u0000\": 1, \"a\\u0000\": 2}",
          "ERR JSON parse error, duplicate key\n");

    /* Where the NUL is, as QEMU names nested parameters. */
    g_assert_true(json_find_nul(v, "", &where, &in_key));
    g_assert_cmpstr(where, ==,
                    "a\xc0\x80"
                    "b");
    g_assert_true(in_key);
    g_clear_pointer(&where, g_free);
    g_assert_true(json_find_nul(arr, "p", &where, &in_key));
    g_assert_cmpstr(where, ==, "p[0]");
    g_assert_false(in_key);
    g_clear_pointer(&where, g_free);
    g_assert_false(json_check_no_nul(arr, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter '[0]' contains a NUL character");

    /* QEMU's two-byte NUL prints as \u0000 and hashes like QEMU's key. */
    g_string_truncate(out, 0);
    json_writer_append_string(out, "x\xc0\x80y", 4);
    g_assert_cmpstr(out->str, ==, "\"x\\u0000y\"");
    g_assert_cmpuint(json_writer_key_bucket("a\0b", 3), ==,
                     json_writer_key_bucket("a\xc0\x80"
                                            "b",
                                            4));
}

/*
 * QEMU's lexical errors and where it starts over: the bad token with its
 * byte is reported at once, then input is skipped up to a brace,
 * bracket, control byte, 0xFE or 0xFF.  Fed whole and byte by byte.
 */
static void test_recovery(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"{'bad \xff\n{\"a\": 1}",
         "ERR JSON parse error, stray ''bad \xff'\n{\"a\": 1}\n"},
        {"{\"x\": 'a\"b\\'c\x01 zz\n[]",
         "ERR JSON parse error, stray ''a\"b\\'c\x01'\n[]\n"},
        {"@ \"x\" 1 {\"a\": 2}", "ERR JSON parse error, stray '@'\n"
                                 "{\"a\": 2}\n"},
        {"{\"a\": 1 \xfe \"b\"}", "ERR JSON parse error, stray '\xfe'\n"
                                  "ERR JSON parse error, expecting value\n"},
        {"01 1. -x 1e+ 1\xc3 tru\xc3 [", "ERR JSON parse error, stray '01'\n"},
        {"1\xc3]", "1\nERR JSON parse error, stray '\xc3'\n"
                   "ERR JSON parse error, expecting value\n"},
        {"'a\xc0\x80' \"\xc0\x80\"", "\"a\\u0000\"\n\"\\u0000\"\n"},
        {"0x10\n", "0\nERR JSON parse error, invalid keyword 'x'\n10\n"},
        {"-0 1.5e3 ", "0\n1500\n"},
        {"}}[1}\n", "ERR JSON parse error, expecting value\n"
                    "ERR JSON parse error, expecting value\n"
                    "ERR JSON parse error, expected separator in list\n"},
        {"[[}", "ERR JSON parse error, expecting value\n"},
        {"{\"a\": %d}", "ERR JSON parse error, stray '%'\n"
                        "ERR JSON parse error, expecting value\n"},
        {"\"\\x\" \"\\u12\" \"\\u12\\\"3\" \"\\uD800\\u0041\" "
         "\"\\uDBFF\\uDFFF\"",
         "ERR JSON parse error, invalid escape sequence in string\n"
         "ERR JSON parse error, \\u12\" is not a valid Unicode character\n"
         "ERR JSON parse error, \\u12\\\" is not a valid Unicode character\n"
         "ERR JSON parse error, \\uD800 is not a valid Unicode character\n"
         "ERR JSON parse error, \\uDBFF\\uDFFF is not a valid Unicode "
         "character\n"},
        {"\"\\uD83D\\uDE00\" '\\u00e9\\/'",
         "\"\\uD83D\\uDE00\"\n\"\\u00E9/\"\n"},
        {"\"\xc0\xaf\" \"\x80\" \"\xe2\x82\" \"\xed\xa0\x80\" \"\xef\xbf\xbe\" "
         "\"\xf4\x90\x80\x80\" \"\xc3\xa9\"",
         "ERR JSON parse error, invalid UTF-8 sequence in string\n"
         "ERR JSON parse error, invalid UTF-8 sequence in string\n"
         "ERR JSON parse error, invalid UTF-8 sequence in string\n"
         "ERR JSON parse error, invalid UTF-8 sequence in string\n"
         "ERR JSON parse error, invalid UTF-8 sequence in string\n"
         "ERR JSON parse error, invalid UTF-8 sequence in string\n"
         "\"\\u00E9\"\n"},
        /* A structural mistake before the bad string wins. */
        {"{\"a\" \"b\xc0\xaf\"}",
         "ERR JSON parse error, missing : in object pair\n"},
        {"{\"a\": 1, \"a\": \"\xc0\xaf\"}",
         "ERR JSON parse error, invalid UTF-8 sequence in string\n"},
        {"[1 2, \"\xc0\xaf\"]", "ERR JSON parse error, expected separator in "
                                "list\n"},
    };

    for (size_t k = 0; k < G_N_ELEMENTS(cases); k++) {
        for (size_t chunk = 0; chunk < 2; chunk++) {
            g_autofree char *out = run(cases[k].in, strlen(cases[k].in), chunk);

            g_assert_cmpstr(out, ==, cases[k].out);
        }
    }
}

/*
 * QAPI uint64 values print in full; the marker object cannot come from a
 * client, whose key "\xffu64" the parser refuses as invalid UTF-8.
 */
static void test_uint64(void)
{
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(json_t) v = json_pack("{s:o,s:o,s:o}", "small", json_uint64(5),
                                    "max", json_uint64(UINT64_MAX), "edge",
                                    json_uint64((uint64_t)INT64_MAX + 1));
    g_autofree char *log = NULL;
    static const char in[] = "{\"\xffu64\": 1}";

    g_assert_true(json_is_integer(json_object_get(v, "small")));
    json_writer_append(out, json_object_get(v, "max"), false);
    g_assert_cmpstr(out->str, ==, "18446744073709551615");
    g_string_truncate(out, 0);
    json_writer_append(out, json_object_get(v, "edge"), false);
    g_assert_cmpstr(out->str, ==, "9223372036854775808");
    log = run(in, strlen(in), 0);
    g_assert_null(strstr(log, "u64\": 1}"));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json-stream/basic", test_basic);
    g_test_add_func("/json-stream/split-every-byte", test_split_every_byte);
    g_test_add_func("/json-stream/single-quotes", test_single_quotes);
    g_test_add_func("/json-stream/errors", test_errors);
    g_test_add_func("/json-stream/ff-byte", test_ff_byte);
    g_test_add_func("/json-stream/depth-limit", test_depth_limit);
    g_test_add_func("/json-stream/recovery", test_recovery);
    g_test_add_func("/json-writer/format", test_writer);
    g_test_add_func("/json-writer/key-order", test_key_order);
    g_test_add_func("/json-stream/nul", test_nul);
    g_test_add_func("/json-writer/uint64", test_uint64);
    return g_test_run();
}
