/*
 * JSON output in QEMU's exact text form (see qobject/json-writer.h).
 *
 * This is a serializer over jansson values, not a parser: jansson's own
 * dumper cannot reproduce QEMU's pretty layout of empty containers, its
 * upper-case \u escapes of 0x7F and non-ASCII, or QDict's hash order.
 */
#include "qobject/json-writer.h"

#include <inttypes.h>
#include <stdio.h>

#define QDICT_BUCKETS 512
#define SMALL_OBJECT  16

unsigned json_writer_key_bucket(const char *key, size_t len)
{
    /*
     * The "tdb" hash QEMU's QDict uses to pick a bucket, over the key as
     * QEMU holds it: a NUL is the two bytes 0xC0 0x80 there.
     */
    size_t nuls = 0;
    uint32_t value;
    unsigned j = 0;

    for (size_t i = 0; i < len; i++) {
        nuls += key[i] == '\0';
    }
    value = 0x238F13AFu * (uint32_t)(len + nuls);
    for (size_t i = 0; i < len; i++) {
        if (key[i]) {
            value += (uint32_t)(unsigned char)key[i] << (j++ * 5 % 24);
        } else {
            value += 0xc0u << (j++ * 5 % 24);
            value += 0x80u << (j++ * 5 % 24);
        }
    }
    return (1103515243u * value + 12345u) % QDICT_BUCKETS;
}

/*
 * Decode one UTF-8 sequence the way QEMU's mod_utf8_codepoint() treats
 * it for output: returns the code point, or -1 for an invalid sequence
 * (then *used is the number of bytes to skip).
 */
static int32_t utf8_next(const unsigned char *p, size_t len, size_t *used)
{
    unsigned n;
    uint32_t cp;

    *used = 1;
    if (p[0] < 0x80) {
        return p[0];
    } else if (p[0] == 0xc0 && len > 1 && p[1] == 0x80) {
        /* QEMU's encoding of U+0000 (see json_mutf8_dup()). */
        *used = 2;
        return 0;
    } else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        n = 1;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        n = 2;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        n = 3;
        cp = p[0] & 0x07;
    } else {
        return -1;
    }
    if (n >= len) {
        return -1;
    }
    for (unsigned i = 1; i <= n; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *used = i;
            return -1;
        }
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    *used = n + 1;
    /* Overlong forms, surrogates and out-of-range values are invalid. */
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
        return -1;
    }
    return (int32_t)cp;
}

void json_writer_append_string(GString *out, const char *str, size_t len)
{
    const unsigned char *p = (const unsigned char *)str;
    size_t i = 0, run = 0;

    g_string_append_c(out, '"');
    while (i < len) {
        unsigned char c = p[i];
        size_t used;
        int32_t cp;

        /* Fast path: plain printable ASCII is copied in runs. */
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            run++;
            i++;
            continue;
        }
        if (run) {
            g_string_append_len(out, (const char *)p + i - run, run);
            run = 0;
        }
        switch (c) {
        case '"':
            g_string_append(out, "\\\"");
            i++;
            continue;
        case '\\':
            g_string_append(out, "\\\\");
            i++;
            continue;
        case '\b':
            g_string_append(out, "\\b");
            i++;
            continue;
        case '\f':
            g_string_append(out, "\\f");
            i++;
            continue;
        case '\n':
            g_string_append(out, "\\n");
            i++;
            continue;
        case '\r':
            g_string_append(out, "\\r");
            i++;
            continue;
        case '\t':
            g_string_append(out, "\\t");
            i++;
            continue;
        default:
            break;
        }
        cp = utf8_next(p + i, len - i, &used);
        i += used;
        if (cp < 0) {
            cp = 0xfffd;
        }
        if (cp > 0xffff) {
            cp -= 0x10000;
            g_string_append_printf(out, "\\u%04X\\u%04X", 0xd800 | (cp >> 10),
                                   0xdc00 | (cp & 0x3ff));
        } else {
            g_string_append_printf(out, "\\u%04X", cp);
        }
    }
    if (run) {
        g_string_append_len(out, (const char *)p + i - run, run);
    }
    g_string_append_c(out, '"');
}

static int key_cmp(const void *a, const void *b)
{
    const JsonWriterKey *x = a, *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    /* Newest first inside a bucket (QEMU inserts at the list head). */
    return x->seq < y->seq ? 1 : -1;
}

JsonWriterKey *json_writer_keys(const json_t *obj, JsonWriterKey *small,
                                size_t small_len, size_t *n)
{
    size_t count = json_object_size(obj);
    JsonWriterKey *keys =
        count <= small_len ? small : g_new(JsonWriterKey, count);
    const char *key;
    size_t key_len;
    json_t *value;
    size_t i = 0;

    json_object_keylen_foreach((json_t *)obj, key, key_len, value)
    {
        keys[i].key = key;
        keys[i].key_len = key_len;
        keys[i].value = value;
        keys[i].bucket = json_writer_key_bucket(key, key_len);
        keys[i].seq = i;
        i++;
    }
    if (i > 1) { /* no array at all for an empty object */
        qsort(keys, i, sizeof(*keys), key_cmp);
    }
    *n = i;
    return keys;
}

static void newline(GString *out, bool pretty, unsigned level)
{
    if (pretty) {
        g_string_append(out, "\r\n");
        for (unsigned i = 0; i < level; i++) {
            g_string_append(out, "    ");
        }
    }
}

static void append_value(GString *out, const json_t *v, bool pretty,
                         unsigned level);

static void append_object(GString *out, const json_t *obj, bool pretty,
                          unsigned level)
{
    JsonWriterKey small[SMALL_OBJECT];
    size_t n, i;
    JsonWriterKey *keys = json_writer_keys(obj, small, SMALL_OBJECT, &n);

    g_string_append_c(out, '{');
    for (i = 0; i < n; i++) {
        if (i) {
            g_string_append_c(out, ',');
            if (!pretty) {
                g_string_append_c(out, ' ');
            }
        }
        newline(out, pretty, level + 1);
        json_writer_append_string(out, keys[i].key, keys[i].key_len);
        g_string_append(out, ": ");
        append_value(out, keys[i].value, pretty, level + 1);
    }
    newline(out, pretty, level);
    g_string_append_c(out, '}');
    if (keys != small) {
        g_free(keys);
    }
}

static void append_array(GString *out, const json_t *arr, bool pretty,
                         unsigned level)
{
    size_t i;
    json_t *value;

    g_string_append_c(out, '[');
    json_array_foreach((json_t *)arr, i, value)
    {
        if (i) {
            g_string_append_c(out, ',');
            if (!pretty) {
                g_string_append_c(out, ' ');
            }
        }
        newline(out, pretty, level + 1);
        append_value(out, value, pretty, level + 1);
    }
    newline(out, pretty, level);
    g_string_append_c(out, ']');
}

static void append_value(GString *out, const json_t *v, bool pretty,
                         unsigned level)
{
    char num[32]; /* "%.17g" of a double needs at most 24 */
    int len;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        if (G_UNLIKELY(json_object_size(v) == 1)) {
            json_t *u = json_object_get(v, JSON_UINT64_KEY);

            if (u) {
                len = snprintf(num, sizeof(num), "%" PRIu64,
                               (uint64_t)json_integer_value(u));
                g_string_append_len(out, num, len);
                break;
            }
        }
        append_object(out, v, pretty, level);
        break;
    case JSON_ARRAY:
        append_array(out, v, pretty, level);
        break;
    case JSON_STRING:
        json_writer_append_string(out, json_string_value(v),
                                  json_string_length(v));
        break;
    case JSON_INTEGER:
        /* Into a stack buffer: g_string_append_printf() would allocate
         * (g_vasprintf) for every number of every event. */
        len = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
                       json_integer_value(v));
        g_string_append_len(out, num, len);
        break;
    case JSON_REAL:
        len = snprintf(num, sizeof(num), "%.17g", json_real_value(v));
        g_string_append_len(out, num, len);
        break;
    case JSON_TRUE:
        g_string_append(out, "true");
        break;
    case JSON_FALSE:
        g_string_append(out, "false");
        break;
    case JSON_NULL:
        g_string_append(out, "null");
        break;
    }
}

json_t *json_uint64(uint64_t v)
{
    json_t *o;

    if (v <= INT64_MAX) {
        return json_integer((json_int_t)v);
    }
    o = json_object();
    json_object_set_new_nocheck(o, JSON_UINT64_KEY,
                                json_integer((json_int_t)v));
    return o;
}

void json_writer_append(GString *out, const json_t *value, bool pretty)
{
    append_value(out, value, pretty, 0);
}
