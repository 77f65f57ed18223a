/*
 * NUL characters in client JSON (see qobject/json-stream.h): jansson
 * with U+0000 accepted in object keys too, and the helpers that find
 * and name such NULs.
 */
#include "qobject/json-stream.h"

/*
 * jansson takes \u0000 in string values (JSON_ALLOW_NUL) but refuses it
 * in object keys, while QEMU accepts both.  For a text that has such a
 * key, every \u0000 escape is replaced by a noncharacter (U+FDD0..U+FDEF)
 * that does not occur in the text at all, the text is parsed again, and
 * the marker is turned back into U+0000 in every key and string.  As the
 * marker is absent from the text, the mapping is exact.
 */
#define MARK_FIRST 0xfdd0u
#define MARK_COUNT 32u

static bool text_mentions(const char *text, size_t len, unsigned cp)
{
    char utf8[6], esc[7];

    g_unichar_to_utf8(cp, utf8); /* 3 bytes for every marker */
    g_snprintf(esc, sizeof(esc), "\\u%04x", cp);
    for (size_t i = 0; i < len; i++) {
        if (i + 3 <= len && memcmp(text + i, utf8, 3) == 0) {
            return true;
        }
        if (i + 6 <= len && g_ascii_strncasecmp(text + i, esc, 6) == 0) {
            return true;
        }
    }
    return false;
}

/* @buf = @text with every marker (3 bytes at @mark) turned into a NUL. */
static void unmark_text(GString *buf, const char *text, size_t len,
                        const char *mark)
{
    g_string_truncate(buf, 0);
    for (size_t i = 0; i < len; i++) {
        if (i + 3 <= len && memcmp(text + i, mark, 3) == 0) {
            g_string_append_c(buf, '\0');
            i += 2;
        } else {
            g_string_append_c(buf, text[i]);
        }
    }
}

/* @v with every marker (3 bytes at @mark) turned into a NUL; new ref. */
static json_t *unmark(json_t *v, const char *mark)
{
    json_t *copy, *elt;
    const char *key;
    size_t key_len, i;
    GString *buf;

    switch (json_typeof(v)) {
    case JSON_STRING:
    case JSON_OBJECT:
        break;
    case JSON_ARRAY:
        json_array_foreach(v, i, elt)
        {
            json_array_set_new(v, i, unmark(elt, mark));
        }
        return json_incref(v);
    default:
        return json_incref(v);
    }
    buf = g_string_new(NULL);
    if (json_is_string(v)) {
        unmark_text(buf, json_string_value(v), json_string_length(v), mark);
        copy = json_stringn_nocheck(buf->str, buf->len);
    } else {
        copy = json_object();
        json_object_keylen_foreach(v, key, key_len, elt)
        {
            unmark_text(buf, key, key_len, mark);
            json_object_setn_new_nocheck(copy, buf->str, buf->len,
                                         unmark(elt, mark));
        }
    }
    g_string_free(buf, TRUE);
    return copy;
}

static json_t *parse_with_nul_keys(const char *text, size_t len, size_t flags,
                                   json_error_t *jerr)
{
    g_autoptr(GString) t = NULL;
    char esc[7], mark[6];
    unsigned cp = MARK_FIRST;
    json_t *v, *out;

    while (cp < MARK_FIRST + MARK_COUNT && text_mentions(text, len, cp)) {
        cp++;
    }
    if (cp == MARK_FIRST + MARK_COUNT) {
        return NULL; /* keep jansson's error */
    }
    g_snprintf(esc, sizeof(esc), "\\u%04x", cp);
    t = g_string_sized_new(len);
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\\' || i + 1 == len) {
            g_string_append_c(t, text[i]);
        } else if (i + 6 <= len && memcmp(text + i, "\\u0000", 6) == 0) {
            g_string_append(t, esc);
            i += 5;
        } else {
            /* Any other escape, "\\" included, is copied whole. */
            g_string_append_len(t, text + i, 2);
            i++;
        }
    }
    v = json_loadb(t->str, t->len, flags | JSON_ALLOW_NUL, jerr);
    if (!v) {
        return NULL;
    }
    g_unichar_to_utf8(cp, mark);
    out = unmark(v, mark);
    json_decref(v);
    return out;
}

json_t *json_load_nul(const char *text, size_t len, size_t flags,
                      json_error_t *jerr)
{
    json_t *v = json_loadb(text, len, flags | JSON_ALLOW_NUL, jerr);

    if (!v && json_error_code(jerr) == json_error_null_byte_in_key) {
        v = parse_with_nul_keys(text, len, flags, jerr);
    }
    return v;
}

char *json_mutf8_dup(const char *str, size_t len)
{
    GString *out = g_string_sized_new(len + 1);

    for (size_t i = 0; i < len; i++) {
        if (str[i]) {
            g_string_append_c(out, str[i]);
        } else {
            g_string_append(out, "\xc0\x80");
        }
    }
    return g_string_free(out, FALSE);
}

/* Append @name to @path as QEMU names a member: "a.b" (or "b" at top). */
static char *member_path(const char *path, const char *key, size_t key_len)
{
    g_autofree char *k = json_mutf8_dup(key, key_len);

    return *path ? g_strdup_printf("%s.%s", path, k) : g_strdup(k);
}

bool json_find_nul(const json_t *v, const char *name, char **where,
                   bool *in_key)
{
    const char *key;
    size_t key_len, i;
    json_t *elt;

    switch (json_typeof(v)) {
    case JSON_STRING:
        if (memchr(json_string_value(v), '\0', json_string_length(v))) {
            *where = g_strdup(name);
            *in_key = false;
            return true;
        }
        return false;
    case JSON_OBJECT:
        json_object_keylen_foreach((json_t *)v, key, key_len, elt)
        {
            g_autofree char *path = member_path(name, key, key_len);

            if (memchr(key, '\0', key_len)) {
                *where = g_steal_pointer(&path);
                *in_key = true;
                return true;
            }
            if (json_find_nul(elt, path, where, in_key)) {
                return true;
            }
        }
        return false;
    case JSON_ARRAY:
        json_array_foreach(v, i, elt)
        {
            g_autofree char *path = g_strdup_printf("%s[%zu]", name, i);

            if (json_find_nul(elt, path, where, in_key)) {
                return true;
            }
        }
        return false;
    default:
        return false;
    }
}

bool json_check_no_nul(const json_t *v, GError **errp)
{
    g_autofree char *where = NULL;
    bool in_key;

    if (!json_find_nul(v, "", &where, &in_key)) {
        return true;
    }
    error_setg(errp, "Parameter %s'%s' contains a NUL character",
               in_key ? "name " : "", where);
    return false;
}
