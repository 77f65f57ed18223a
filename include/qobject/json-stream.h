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

#endif /* QOBJECT_JSON_STREAM_H */
