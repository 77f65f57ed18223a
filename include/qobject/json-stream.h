/*
 * QMP input framing: split a byte stream into complete JSON texts.
 *
 * The framer does not parse JSON.  It tracks strings, escapes and the
 * brace/bracket depth to find where each top-level text ends, rewrites
 * QEMU's single-quoted strings into double-quoted ones, enforces QEMU's
 * input limits, and hands every complete text to jansson.  Objects may
 * be split across feeds at any byte, and one feed may hold several
 * texts.  A text that lies wholly inside one feed and needs no rewriting
 * is parsed in place, without a copy.
 *
 * Errors use QEMU's wording ("JSON parse error, expecting value", ...,
 * "JSON nesting depth limit exceeded").  After an error the framer
 * discards the text in progress and carries on with the next byte, as
 * QEMU's streamer does.
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
    GString *acc; /* text carried across feeds or being rewritten */
    bool in_text; /* a text has started */
    bool copying; /* every byte of the text goes through @acc */
    char quote;   /* 0, '"' or '\'' while inside a string */
    bool escape;  /* previous byte in a string was a backslash */
    bool bare;    /* inside a top-level bare token (number, ...) */
    unsigned depth;
    size_t tokens;
    size_t size;         /* bytes in the current text */
    size_t str_pos;      /* offset of the open string in the text */
    bool word;           /* previous byte was part of a bare word */
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
