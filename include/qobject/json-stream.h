/*
 * QMP input framing: split a byte stream into complete JSON texts.
 *
 * The framer does not parse JSON.  It follows QEMU's lexer (strings,
 * numbers, keywords, structural bytes) to find where each token and each
 * top-level text ends, counting braces and brackets apart as QEMU's
 * streamer does, rewrites QEMU's single-quoted strings (and "\xC0\x80")
 * for jansson, enforces QEMU's input limits, makes the checks QEMU's
 * parser makes on strings (UTF-8, escapes), and hands every complete
 * text to jansson.  Objects may be split across feeds at any byte, and
 * one feed may hold several texts.  A text that lies wholly inside one
 * feed and needs no rewriting is parsed in place, without a copy.
 *
 * Errors use QEMU 7.2's wording ("JSON parse error, expecting value",
 * "JSON parse error, stray '...'", ..., "JSON nesting depth limit
 * exceeded").  After any error the text in progress is dropped.  After a
 * lexical error ("stray") input is skipped up to the next brace,
 * bracket, control byte other than tab, 0xFE or 0xFF, as QEMU's lexer
 * does; after a limit error the next byte starts afresh.
 *
 * NUL characters: "\u0000" is accepted anywhere a string may stand,
 * object keys included, as QEMU accepts it, and decoded to a real U+0000
 * byte.  Such a value therefore holds strings (and keys) whose length
 * is not their strlen(): consumers must use the length-aware jansson
 * calls (json_string_length(), json_object_keylen_foreach(), ...) and
 * reject NULs where a C string is needed (json_check_no_nul()).  Where a
 * client's string is quoted in a message it is copied with
 * json_mutf8_dup(), which the JSON writer prints back as "\u0000".
 */
#ifndef QOBJECT_JSON_STREAM_H
#define QOBJECT_JSON_STREAM_H

#include "qemu/common.h"
#include <jansson.h>

/* QEMU's limits (qobject/json-streamer.c). */
#define JSON_STREAM_MAX_TOKEN_SIZE  (64u << 20)
#define JSON_STREAM_MAX_TOKEN_COUNT (2u << 20)
#define JSON_STREAM_MAX_NESTING     1024

/*
 * Called once per complete text: exactly one of @value (a new reference
 * the callee owns) and @err (owned by the framer, valid during the call)
 * is non-NULL.
 */
typedef void JSONStreamEmit(void *opaque, json_t *value, const GError *err);

typedef struct JSONStream {
    JSONStreamEmit *emit;
    void *opaque;
    GString *acc;    /* text carried across feeds or being rewritten */
    GString *raw;    /* the open string as sent, while @copying */
    bool in_text;    /* a text has started */
    bool copying;    /* every byte of the text goes through @acc */
    bool recovering; /* after a lexical error: skipping to a resync byte */
    uint8_t quote;   /* 0, '"' or '\'' while inside a string */
    uint8_t lex;     /* QEMU's lexer state (json-stream.c) */
    int braces;      /* QEMU counts braces and brackets apart */
    int brackets;
    size_t tokens;
    size_t size;    /* bytes in the current text */
    size_t tok_pos; /* offset of the current token in the text */
    /* Checks QEMU's parser makes on the open string (json-stream.c). */
    uint8_t u8_need; /* UTF-8 continuation bytes still expected */
    uint8_t u8_len;
    uint32_t u8_cp;
    char esc[13]; /* a \u escape being collected, as sent */
    uint8_t esc_len;
    char *str_err;       /* QEMU's complaint about the first bad string */
    size_t str_err_pos;  /* its string's offset in the text */
    size_t str_err_end;  /* and just after its closing quote */
    unsigned generation; /* bumped by reset; stops a feed in progress */
} JSONStream;

void json_stream_init(JSONStream *s, JSONStreamEmit *emit, void *opaque);
/* Forget any partial text (peer disconnected). */
void json_stream_reset(JSONStream *s);
void json_stream_destroy(JSONStream *s);
/* Feed bytes; calls emit for every text completed by them. */
void json_stream_feed(JSONStream *s, const char *buf, size_t len);

/*
 * Parse one complete text with jansson and map a failure onto QEMU's
 * "JSON parse error, <detail>" message.  Exposed for tests.
 */
json_t *json_stream_parse(const char *text, size_t len, GError **errp);

/*
 * json_loadb() with JSON_ALLOW_NUL added to @flags and NULs accepted in
 * object keys too; jansson's own error in @jerr.  For JSON that does
 * not come through a QMP stream (JSON -device).
 */
json_t *json_load_nul(const char *text, size_t len, size_t flags,
                      json_error_t *jerr);

/*
 * A NUL-terminated copy of the @len bytes at @str, each NUL written as
 * the two bytes 0xC0 0x80 (QEMU's "modified UTF-8").  Never equal to a
 * name without NULs; the JSON writer prints it back as "\u0000".
 */
char *json_mutf8_dup(const char *str, size_t len);

/*
 * Whether @v is a string holding U+0000 or holds such a string or key at
 * any depth.  On a hit, *@where gets a new string naming the place as
 * QEMU names nested parameters ("a.b", "a[2]", starting from @name, ""
 * for a top-level object), keys copied with json_mutf8_dup(), and
 * *@in_key tells whether the NUL is in a key rather than a value.
 */
bool json_find_nul(const json_t *v, const char *name, char **where,
                   bool *in_key);

/*
 * Vigil's one rule for client strings used as C strings: fails with
 * "Parameter 'a.b' contains a NUL character" (or "Parameter name ..."
 * for a key) if json_find_nul() finds one in @v (an object).
 */
bool json_check_no_nul(const json_t *v, GError **errp);

#endif /* QOBJECT_JSON_STREAM_H */
