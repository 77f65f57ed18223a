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

json_t *json_stream_parse(const char *text, size_t len, GError **errp)
{
    json_error_t jerr;
    json_t *v = json_loadb(
        text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL,
        &jerr);

    if (!v) {
        g_autofree char *detail = map_error(&jerr);
        error_setg(errp, "JSON parse error, %s", detail);
    }
    return v;
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
