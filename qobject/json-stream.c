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
    STEP_AGAIN,       /* error emitted, text dropped, byte not consumed */
} Step;

/*
 * QEMU's lexer states (its json-lexer.c), as far as Vigil needs them to
 * find token boundaries and lexical errors: the same byte sequences end
 * a token, or are an error, at the same byte.
 */
enum {
    LEX_START,
    LEX_STRING,
    LEX_ESCAPE,
    LEX_SIGN,
    LEX_ZERO,
    LEX_DIGITS,
    LEX_MANTISSA,
    LEX_MANTISSA_DIGITS,
    LEX_EXP_E,
    LEX_EXP_SIGN,
    LEX_EXP_DIGITS,
    LEX_KEYWORD,
    LEX_END, /* the token ended before this byte */
    LEX_ERR, /* this byte makes the token a lexical error */
};

void json_stream_init(JSONStream *s, JSONStreamEmit *emit, void *opaque)
{
    memset(s, 0, sizeof(*s));
    s->emit = emit;
    s->opaque = opaque;
    s->acc = g_string_sized_new(256);
    s->raw = g_string_new(NULL);
}

static void text_clear(JSONStream *s)
{
    s->in_text = false;
    s->copying = false;
    s->quote = 0;
    s->lex = LEX_START;
    s->braces = 0;
    s->brackets = 0;
    s->tokens = 0;
    s->size = 0;
    g_clear_pointer(&s->str_err, g_free);
    s->str_err_end = 0;
    g_string_truncate(s->raw, 0);
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
    s->recovering = false;
    s->generation++;
}

void json_stream_destroy(JSONStream *s)
{
    if (s->acc) {
        g_string_free(s->acc, TRUE);
        s->acc = NULL;
    }
    if (s->raw) {
        g_string_free(s->raw, TRUE);
        s->raw = NULL;
    }
    g_clear_pointer(&s->str_err, g_free);
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
    json_t *v = json_load_nul(text, len,
                              JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);

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

/*
 * jansson parses the text; but where QEMU's parser would first complain
 * about a string (recorded while framing), that complaint wins unless
 * jansson found a mistake before the string.
 */
static json_t *parse_text(JSONStream *s, const char *text, size_t len,
                          GError **errp)
{
    g_autoptr(GString) t = NULL;
    json_error_t jerr;
    json_t *v;

    if (!s->str_err) {
        return json_stream_parse(text, len, errp);
    }
    /*
     * jansson with the bad string as "": a mistake up to that token
     * (a missing ':' before it, ...) is what QEMU's parser meets first.
     * A duplicate key is found only after the value, too late.
     */
    t = g_string_new_len(text, (gssize)s->str_err_pos);
    g_string_append(t, "\"\"");
    g_string_append_len(t, text + s->str_err_end,
                        (gssize)(len - s->str_err_end));
    v = json_load_nul(t->str, t->len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                      &jerr);
    if (!v && (size_t)jerr.position <= s->str_err_pos + 2 &&
        json_error_code(&jerr) != json_error_duplicate_key) {
        g_autofree char *detail = map_error(&jerr);

        error_setg(errp, "JSON parse error, %s", detail);
    } else {
        error_setg(errp, "JSON parse error, %s", s->str_err);
    }
    json_decref(v);
    return NULL;
}

static void finish(JSONStream *s, const char *buf, size_t start, size_t end)
{
    GError *err = NULL;
    json_t *v;

    if (!s->copying && s->acc->len == 0) {
        v = parse_text(s, buf + start, end - start, &err);
    } else {
        if (!s->copying) {
            g_string_append_len(s->acc, buf + start, end - start);
        }
        v = parse_text(s, s->acc->str, s->acc->len, &err);
    }
    text_clear(s);
    s->emit(s->opaque, v, err);
    g_clear_error(&err);
}

static size_t text_pos(JSONStream *s, size_t start, size_t i)
{
    return s->acc->len + (s->copying ? 0 : i - start);
}

/* From byte @i on, every byte of the text goes through @acc. */
static void start_copying(JSONStream *s, const char *buf, size_t start,
                          size_t i)
{
    if (!s->copying) {
        g_string_append_len(s->acc, buf + start, i - start);
        s->copying = true;
        if (s->quote) {
            /* The open string as sent, for error messages. */
            g_string_assign(s->raw, s->acc->str + s->tok_pos);
        }
    }
}

/*
 * A lexical error at byte @i: QEMU reports the token so far with the
 * byte (as a C string, so up to a NUL), drops the text and skips input
 * up to the next byte that can start over (see json_stream_feed()).
 */
static void lex_error(JSONStream *s, const char *buf, size_t start, size_t i)
{
    g_autoptr(GString) t = g_string_new(NULL);

    if (s->copying && s->quote) {
        g_string_append_len(t, s->raw->str, s->raw->len);
    } else {
        g_string_append_len(t, s->acc->str, s->acc->len);
        if (!s->copying) {
            g_string_append_len(t, buf + start, i - start);
        }
        g_string_erase(t, 0, (gssize)MIN(s->tok_pos, t->len));
    }
    g_string_append_c(t, buf[i]);
    emit_error(s, "JSON parse error, stray '%s'", t->str);
    s->recovering = true;
}

/* The bytes at which QEMU's lexer starts over after an error (they count). */
static bool resyncs(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c >= 0xfe || c == '{' || c == '}' ||
           c == '[' || c == ']';
}

/* ---- what QEMU's parser checks in a string ---- */

typedef enum StrByte {
    SB_PLAIN,   /* an ordinary byte, or the backslash of an escape */
    SB_ESCAPED, /* the byte after a backslash */
    SB_CLOSE,   /* the closing quote */
} StrByte;

static bool codepoint_ok(long cp)
{
    return cp >= 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) &&
           !(cp >= 0xfdd0 && cp <= 0xfdef) && (cp & 0xfffe) != 0xfffe;
}

static void str_fail(JSONStream *s, char *msg)
{
    s->str_err = msg;
    s->str_err_pos = s->tok_pos;
}

/* Four hex digits at @p (of @n bytes) as a number, else -1. */
static long hex4(const char *p, size_t n)
{
    long v = 0;

    if (n < 4) {
        return -1;
    }
    for (int k = 0; k < 4; k++) {
        if (!g_ascii_isxdigit(p[k])) {
            return -1;
        }
        v = v * 16 + g_ascii_xdigit_value(p[k]);
    }
    return v;
}

/*
 * A \u escape, as sent from its backslash on: QEMU reads four bytes
 * whatever they are (up to the end of the string), and for a leading
 * surrogate a following "\uXXXX" trailing one.  Its complaint quotes the
 * escape as far as it read.
 */
static void escape_byte(JSONStream *s, unsigned char c, bool close)
{
    long cp, lo;
    size_t n;

    s->esc[s->esc_len++] = (char)c;
    n = s->esc_len;
    if (n < 6 && !close) {
        return;
    }
    cp = hex4(s->esc + 2, MIN(n, 6) - 2);
    if (n >= 6 && cp >= 0xd800 && cp <= 0xdbff && !close) {
        if ((n >= 7 && s->esc[6] != '\\') || (n >= 8 && s->esc[7] != 'u')) {
            goto bad; /* a lone leading surrogate */
        }
        if (n < 12) {
            return;
        }
        lo = hex4(s->esc + 8, 4);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = 0x10000 + ((cp & 0x3ff) << 10) + (lo & 0x3ff);
            if (!codepoint_ok(cp)) {
                str_fail(s, g_strdup_printf("%.12s is not a valid Unicode "
                                            "character",
                                            s->esc));
                return;
            }
            s->esc_len = 0;
            return;
        }
        goto bad;
    }
    if (codepoint_ok(cp)) {
        s->esc_len = 0;
        return;
    }
bad:
    str_fail(s, g_strdup_printf("%.*s is not a valid Unicode character",
                                (int)MIN(n, 6), s->esc));
}

static void check_string_byte(JSONStream *s, unsigned char c, StrByte kind)
{
    static const uint32_t min_cp[] = {0x80, 0x800, 0x10000, 0x200000,
                                      0x4000000};

    if (s->str_err) {
        return; /* QEMU stops at the first complaint */
    }
    if (s->esc_len) {
        escape_byte(s, c, kind == SB_CLOSE);
        return;
    }
    if (s->u8_need) {
        if (kind != SB_PLAIN || (c & 0xc0) != 0x80) {
            goto bad_utf8; /* continuation byte missing */
        }
        s->u8_cp = (s->u8_cp << 6) | (c & 0x3f);
        if (--s->u8_need) {
            return;
        }
        if (!codepoint_ok(s->u8_cp) || (s->u8_cp < min_cp[s->u8_len - 2] &&
                                        !(s->u8_cp == 0 && s->u8_len == 2))) {
            goto bad_utf8;
        }
        return;
    }
    if (kind == SB_ESCAPED) {
        if (c == 'u') {
            s->esc[0] = '\\';
            s->esc[1] = 'u';
            s->esc_len = 2;
        } else if (!strchr("\"'\\/bfnrt", c)) {
            str_fail(s, g_strdup("invalid escape sequence in string"));
        }
        return;
    }
    if (kind == SB_CLOSE || c < 0x80) {
        return;
    }
    if (!(c & 0x40)) {
        goto bad_utf8; /* a continuation byte first */
    }
    s->u8_len = 0;
    for (unsigned mask = 0x80; c & mask; mask >>= 1) {
        s->u8_len++;
    }
    s->u8_cp = c & (0x7fu >> s->u8_len);
    s->u8_need = s->u8_len - 1;
    return;

bad_utf8:
    str_fail(s, g_strdup("invalid UTF-8 sequence in string"));
}

/* ---- tokens ---- */

/* A token is complete: QEMU's streamer takes it. */
static Step push_token(JSONStream *s)
{
    if (++s->tokens > JSON_STREAM_MAX_TOKEN_COUNT) {
        emit_error(s, "JSON token count limit exceeded");
        return STEP_ERROR;
    }
    if (s->braces + s->brackets > JSON_STREAM_MAX_NESTING) {
        emit_error(s, "JSON nesting depth limit exceeded");
        return STEP_ERROR;
    }
    if ((s->braces > 0 || s->brackets > 0) && s->braces >= 0 &&
        s->brackets >= 0) {
        return STEP_MORE;
    }
    return STEP_DONE;
}

/* Numbers and keywords: QEMU's lexer tables, as code. */
static uint8_t lex_word(uint8_t st, unsigned char c)
{
    bool digit = c >= '0' && c <= '9';
    bool exp = c == 'e' || c == 'E';

    switch (st) {
    case LEX_SIGN:
        return c == '0' ? LEX_ZERO : digit ? LEX_DIGITS : LEX_ERR;
    case LEX_ZERO:
        if (digit) {
            return LEX_ERR;
        }
        /* fall through */
    case LEX_DIGITS:
        if (digit) {
            return LEX_DIGITS;
        }
        if (c == '.') {
            return LEX_MANTISSA;
        }
        return exp ? LEX_EXP_E : LEX_END;
    case LEX_MANTISSA:
        return digit ? LEX_MANTISSA_DIGITS : LEX_ERR;
    case LEX_MANTISSA_DIGITS:
        if (digit) {
            return st;
        }
        return exp ? LEX_EXP_E : LEX_END;
    case LEX_EXP_E:
        if (c == '+' || c == '-') {
            return LEX_EXP_SIGN;
        }
        /* fall through */
    case LEX_EXP_SIGN:
        return digit ? LEX_EXP_DIGITS : LEX_ERR;
    case LEX_EXP_DIGITS:
        return digit ? st : LEX_END;
    default: /* LEX_KEYWORD */
        return c >= 'a' && c <= 'z' ? st : LEX_END;
    }
}

static Step step_string(JSONStream *s, const char *buf, size_t start, size_t i)
{
    unsigned char c = buf[i];

    if (c < 0x20 || c >= 0xfe) {
        lex_error(s, buf, start, i);
        return STEP_ERROR;
    }
    if (s->lex == LEX_ESCAPE) {
        s->lex = LEX_STRING;
        check_string_byte(s, c, SB_ESCAPED);
        if (c == '\'') {
            /* \' is QEMU's escape for a quote; jansson wants it bare. */
            if (!s->copying) {
                start_copying(s, buf, start, i);
                g_string_truncate(s->acc, s->acc->len - 1);
            }
            g_string_append_c(s->acc, '\'');
        } else if (s->copying) {
            g_string_append_c(s->acc, '\\');
            g_string_append_c(s->acc, (char)c);
        }
    } else if (c == s->quote) {
        check_string_byte(s, c, SB_CLOSE);
        if (s->str_err && !s->str_err_end) {
            s->str_err_end = text_pos(s, start, i) + 1;
        }
        s->quote = 0;
        s->lex = LEX_START;
        if (s->copying) {
            g_string_append_c(s->acc, '"');
        }
        return push_token(s);
    } else {
        check_string_byte(s, c, SB_PLAIN);
        if (!s->str_err && s->u8_len == 2 && !s->u8_need && !s->u8_cp &&
            (c & 0xc0) == 0x80) {
            /* QEMU's "\xC0\x80" is U+0000; jansson wants "\u0000". */
            start_copying(s, buf, start, i);
            g_string_truncate(s->acc, s->acc->len - 1);
            g_string_append(s->acc, "\\u0000");
            s->u8_len = 0;
        } else if (c == '\\') {
            /* While copying the backslash waits to see what follows. */
            s->lex = LEX_ESCAPE;
        } else if (s->copying) {
            /* Only single-quoted strings are copied with a bare '"'. */
            if (c == '"') {
                g_string_append_c(s->acc, '\\');
            }
            g_string_append_c(s->acc, (char)c);
        }
    }
    if (s->copying) {
        g_string_append_c(s->raw, (char)c);
    }
    return STEP_MORE;
}

static void open_string(JSONStream *s, const char *buf, size_t start, size_t i)
{
    char c = buf[i];

    if (c == '\'') {
        start_copying(s, buf, start, i);
    }
    s->quote = c;
    s->lex = LEX_STRING;
    s->u8_need = 0;
    s->esc_len = 0;
    if (s->copying) {
        g_string_append_c(s->acc, '"');
        g_string_truncate(s->raw, 0);
        g_string_append_c(s->raw, c);
    }
}

static Step step_byte(JSONStream *s, const char *buf, size_t start, size_t i)
{
    unsigned char c = buf[i];

    if (s->lex == LEX_STRING || s->lex == LEX_ESCAPE) {
        return step_string(s, buf, start, i);
    }
    if (s->lex != LEX_START) {
        uint8_t next = lex_word(s->lex, c);

        if (next == LEX_ERR) {
            lex_error(s, buf, start, i);
            return STEP_ERROR;
        }
        if (next != LEX_END) {
            s->lex = next;
            goto append;
        }
        s->lex = LEX_START;
        switch (push_token(s)) {
        case STEP_DONE:
            return STEP_DONE_BEFORE;
        case STEP_ERROR:
            return STEP_AGAIN;
        default:
            break;
        }
    }
    s->tok_pos = text_pos(s, start, i);
    switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
        goto append;
    case '"':
    case '\'':
        open_string(s, buf, start, i);
        return STEP_MORE;
    case '{':
        s->braces++;
        break;
    case '}':
        s->braces--;
        break;
    case '[':
        s->brackets++;
        break;
    case ']':
        s->brackets--;
        break;
    case ',':
    case ':':
        break;
    case '-':
        s->lex = LEX_SIGN;
        goto append;
    case '0':
        s->lex = LEX_ZERO;
        goto append;
    default:
        if (c >= '1' && c <= '9') {
            s->lex = LEX_DIGITS;
            goto append;
        }
        if (c >= 'a' && c <= 'z') {
            s->lex = LEX_KEYWORD;
            goto append;
        }
        lex_error(s, buf, start, i);
        return STEP_ERROR;
    }
    if (s->copying) {
        g_string_append_c(s->acc, (char)c);
    }
    return push_token(s);

append:
    if (s->copying) {
        g_string_append_c(s->acc, (char)c);
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
            if (s->recovering) {
                if (!resyncs((unsigned char)buf[i])) {
                    i++;
                    continue;
                }
                s->recovering = false;
            }
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
            case STEP_AGAIN:
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
