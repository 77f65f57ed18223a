/*
 * QMP input framing on top of jansson (see qobject/json-stream.h).
 *
 * The framer looks at each byte once.  While a text is open it only
 * remembers where the text started in the current feed; bytes are
 * copied into @acc only when the text continues into the next feed or
 * when single quotes force a rewrite.
 */
#include "qobject/json-stream.h"

/* Keep a modest buffer between texts; give back memory after a big one. */
#define ACC_KEEP (64 * 1024)

typedef enum Step {
    STEP_MORE,        /* byte consumed, text still open */
    STEP_DONE,        /* byte consumed and it closed the text */
    STEP_DONE_BEFORE, /* the text ended just before this byte */
    STEP_ERROR,       /* byte consumed, error emitted, text dropped */
} Step;

void json_stream_init(JSONStream *s, JSONStreamEmit *emit, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->emit = emit;
    s->opaque = opaque;
    s->acc = g_string_sized_new(256);
}

static void text_clear(JSONStream *s)
{
    s->in_text = false;
    s->copying = false;
    s->quote = 0;
    s->escape = false;
    s->bare = false;
    s->word = false;
    s->depth = 0;
    s->tokens = 0;
    s->size = 0;
    if (s->acc->allocated_len > ACC_KEEP) {
        g_string_free(s->acc, TRUE);
        s->acc = g_string_sized_new(256);
    } else {
        g_string_truncate(s->acc, 0);
    }
}

void json_stream_reset(JSONStream *s)
{
    text_clear(s);
    s->generation++;
}

void json_stream_destroy(JSONStream *s)
{
    if (s->acc) {
        g_string_free(s->acc, TRUE);
        s->acc = NULL;
    }
}

/*
 * jansson's messages, mapped onto the detail QEMU's parser gives for the
 * same mistake.  Matched by prefix, first match wins.
 */
static const struct {
    const char *jansson;
    const char *qemu;
} error_map[] = {
    {"duplicate object key", "duplicate key"},
    {"':' expected", "missing : in object pair"},
    {"'}' expected", "expected separator in dict"},
    {"']' expected", "expected separator in list"},
    {"string or '}' expected", "key is not a string in object"},
    {"string expected", "key is not a string in object"},
    {"invalid escape", "invalid escape sequence in string"},
    {"invalid Unicode", "invalid escape sequence in string"},
    {"\\u0000 is not allowed", "invalid escape sequence in string"},
    {"unable to decode byte", "invalid UTF-8 sequence in string"},
    {"too big integer", "number too large"},
    {"real number overflow", "number too large"},
    {"maximum parsing depth", "nesting depth limit exceeded"},
};

/* jansson's "near 'X'" context, without the quotes. */
static char *near_token(const char *text)
{
    const char *p = strstr(text, " near '");
    size_t n;

    if (!p) {
        return NULL;
    }
    p += strlen(" near '");
    n = strlen(p);
    if (n && p[n - 1] == '\'') {
        n--;
    }
    return g_strndup(p, n);
}

static char *map_error(const json_error_t *jerr)
{
    g_autofree char *near = NULL;

    for (size_t i = 0; i < G_N_ELEMENTS(error_map); i++) {
        if (g_str_has_prefix(jerr->text, error_map[i].jansson)) {
            /* A trailing comma: QEMU wants a value, not a key. */
            if (i == 4 || i == 5) {
                near = near_token(jerr->text);
                if (near && strcmp(near, "}") == 0) {
                    return g_strdup("expecting value");
                }
            }
            return g_strdup(error_map[i].qemu);
        }
    }
    if (g_str_has_prefix(jerr->text, "invalid token")) {
        near = near_token(jerr->text);
        if (near && g_ascii_isalpha(near[0])) {
            return g_strdup_printf("invalid keyword '%s'", near);
        }
        if (near && near[0]) {
            return g_strdup_printf("stray '%s'", near);
        }
    }
    /* "unexpected token", "premature end of input", ... */
    return g_strdup("expecting value");
}

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

static void utf8_of(unsigned cp, char out[3])
{
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
}

static bool text_mentions(const char *text, size_t len, unsigned cp)
{
    char utf8[3], esc[7];

    utf8_of(cp, utf8);
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
    char esc[7], mark[3];
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
    utf8_of(cp, mark);
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

json_t *json_stream_parse(const char *text, size_t len, GError **errp)
{
    json_error_t jerr;
    json_t *v = json_load_nul(text, len,
                              JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);

    if (!v) {
        g_autofree char *detail = map_error(&jerr);
        error_setg(errp, "JSON parse error, %s", detail);
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

static void emit_error(JSONStream *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void emit_error(JSONStream *s, const char *fmt, ...)
{
    GError *err;
    va_list ap;

    text_clear(s);
    va_start(ap, fmt);
    err = g_error_new_valist(VIGIL_ERROR, VIGIL_ERROR_GENERIC, fmt, ap);
    va_end(ap);
    s->emit(s->opaque, NULL, err);
    g_error_free(err);
}

static void finish(JSONStream *s, const char *buf, size_t start, size_t end)
{
    GError *err = NULL;
    json_t *v;

    if (!s->copying && s->acc->len == 0) {
        v = json_stream_parse(buf + start, end - start, &err);
    } else {
        if (!s->copying) {
            g_string_append_len(s->acc, buf + start, end - start);
        }
        v = json_stream_parse(s->acc->str, s->acc->len, &err);
    }
    text_clear(s);
    s->emit(s->opaque, v, err);
    g_clear_error(&err);
}

static void start_copying(JSONStream *s, const char *buf, size_t start,
                          size_t i)
{
    if (!s->copying) {
        g_string_append_len(s->acc, buf + start, i - start);
        s->copying = true;
    }
}

static size_t text_pos(JSONStream *s, size_t start, size_t i)
{
    return s->acc->len + (s->copying ? 0 : i - start);
}

/* A control byte inside a string: QEMU reports the string so far. */
static void stray_in_string(JSONStream *s, const char *buf, size_t start,
                            size_t i)
{
    g_autoptr(GString) t = g_string_new(NULL);

    g_string_append_len(t, s->acc->str, s->acc->len);
    if (!s->copying) {
        g_string_append_len(t, buf + start, i - start);
    }
    g_string_append_c(t, buf[i]);
    if (s->quote == '\'') {
        t->str[s->str_pos] = '\'';
    }
    emit_error(s, "JSON parse error, stray '%s'", t->str + s->str_pos);
}

static Step step_string(JSONStream *s, const char *buf, size_t start, size_t i)
{
    char c = buf[i];

    if (s->escape) {
        s->escape = false;
        if (c == '\'') {
            /* \' is QEMU's escape for a quote; jansson wants it bare. */
            if (!s->copying) {
                start_copying(s, buf, start, i);
                g_string_truncate(s->acc, s->acc->len - 1);
            }
            g_string_append_c(s->acc, '\'');
        } else if (s->copying) {
            g_string_append_c(s->acc, '\\');
            g_string_append_c(s->acc, c);
        }
        return STEP_MORE;
    }
    if (c == '\\') {
        /* While copying the backslash waits to see what follows. */
        s->escape = true;
        return STEP_MORE;
    }
    if (c == s->quote) {
        s->quote = 0;
        if (s->copying) {
            g_string_append_c(s->acc, '"');
        }
        return s->depth == 0 ? STEP_DONE : STEP_MORE;
    }
    if ((unsigned char)c < 0x20) {
        stray_in_string(s, buf, start, i);
        return STEP_ERROR;
    }
    if (s->copying) {
        /* Only single-quoted strings are copied with a bare '"' inside. */
        if (c == '"') {
            g_string_append(s->acc, "\\\"");
        } else {
            g_string_append_c(s->acc, c);
        }
    }
    return STEP_MORE;
}

static bool is_word_char(char c)
{
    return g_ascii_isalnum(c) || c == '-' || c == '+' || c == '.';
}

static Step step_byte(JSONStream *s, const char *buf, size_t start, size_t i)
{
    char c = buf[i];

    if (s->quote) {
        return step_string(s, buf, start, i);
    }
    if (is_word_char(c)) {
        if (!s->word) {
            s->word = true;
            s->tokens++;
            s->bare = s->depth == 0;
        }
        goto append;
    }
    if (s->bare) {
        return STEP_DONE_BEFORE;
    }
    s->word = false;

    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
        goto append;
    case '"':
    case '\'':
        if (c == '\'') {
            start_copying(s, buf, start, i);
        }
        s->str_pos = text_pos(s, start, i);
        s->quote = c;
        s->tokens++;
        if (s->copying) {
            g_string_append_c(s->acc, '"');
        }
        return STEP_MORE;
    case '{':
    case '[':
        if (++s->depth > JSON_STREAM_MAX_NESTING) {
            emit_error(s, "JSON nesting depth limit exceeded");
            return STEP_ERROR;
        }
        s->tokens++;
        goto append;
    case '}':
    case ']':
    case ',':
    case ':':
        s->tokens++;
        if (s->copying) {
            g_string_append_c(s->acc, c);
        }
        if (c == '}' || c == ']') {
            if (s->depth == 0) {
                return STEP_DONE; /* a stray closer is a text of its own */
            }
            s->depth--;
        }
        return s->depth == 0 ? STEP_DONE : STEP_MORE;
    default:
        emit_error(s, "JSON parse error, stray '%c'", c);
        return STEP_ERROR;
    }

append:
    if (s->copying) {
        g_string_append_c(s->acc, c);
    }
    return STEP_MORE;
}

void json_stream_feed(JSONStream *s, const char *buf, size_t len)
{
    unsigned gen = s->generation;
    size_t start = 0;
    size_t i = 0;

    while (i < len) {
        if (!s->in_text) {
            if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
                buf[i] == '\r') {
                i++;
                continue;
            }
            s->in_text = true;
            start = i;
        }
        if (++s->size > JSON_STREAM_MAX_TOKEN_SIZE) {
            emit_error(s, "JSON token size limit exceeded");
            i++;
        } else if (s->tokens > JSON_STREAM_MAX_TOKEN_COUNT) {
            emit_error(s, "JSON token count limit exceeded");
            i++;
        } else {
            switch (step_byte(s, buf, start, i)) {
            case STEP_MORE:
            case STEP_ERROR:
                i++;
                break;
            case STEP_DONE:
                finish(s, buf, start, i + 1);
                i++;
                break;
            case STEP_DONE_BEFORE:
                finish(s, buf, start, i);
                break;
            }
        }
        if (s->generation != gen) {
            return; /* the consumer reset us (client dropped) */
        }
    }
    if (s->in_text && !s->copying) {
        g_string_append_len(s->acc, buf + start, len - start);
    }
}
