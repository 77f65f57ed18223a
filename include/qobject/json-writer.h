/*
 * JSON output in QEMU's exact text form.
 *
 * Compact: one line, ": " after keys and ", " between members, as
 * QEMU's qobject_to_json().  Pretty: QEMU's -qmp-pretty layout, four
 * spaces per level, an empty object or array still broken over two
 * lines.  Strings are escaped as QEMU does: \" \\ \b \f \n \r \t, every
 * other code point below 0x20 or from 0x7F up as \uXXXX (upper-case hex,
 * surrogate pairs above the BMP, U+FFFD for invalid UTF-8).  A NUL,
 * and QEMU's two-byte form of it (0xC0 0x80, see json_mutf8_dup()),
 * come out as \u0000, so a client's string quoted in an error message
 * reads back exactly as the client sent it.  Reals use
 * "%.17g".
 *
 * Key order: QEMU's QDict iterates its 512 hash buckets in order and, in
 * a bucket, the newest key first.  The writer reproduces exactly that
 * order from the jansson object's insertion order, so objects are built
 * in QAPI member order (e.g. major, minor, micro) and come out as QEMU
 * prints them ("micro", "minor", "major"), echoed ids included.
 *
 * Pretty line breaks are "\r\n" (QEMU's monitor turns each "\n" into
 * "\r\n"); the text never ends in a line break, the caller appends it.
 */
#ifndef QOBJECT_JSON_WRITER_H
#define QOBJECT_JSON_WRITER_H

#include "qemu/common.h"
#include <jansson.h>

/* g_autoptr(json_t) drops the reference at scope exit. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(json_t, json_decref)

void json_writer_append(GString *out, const json_t *value, bool pretty);
/* Append @str as a JSON string literal with QEMU's escaping. */
void json_writer_append_string(GString *out, const char *str, size_t len);
/*
 * QEMU's QDict bucket of the @len bytes at @key (tdb_hash % 512), a NUL
 * counted as QEMU stores it (0xC0 0x80); exposed for tests.
 */
unsigned json_writer_key_bucket(const char *key, size_t len);

/* One member of an object, as json_writer_keys() orders them. */
typedef struct JsonWriterKey {
    const char *key;
    size_t key_len; /* a client's key may hold NULs */
    json_t *value;
    unsigned bucket;
    unsigned seq; /* insertion order in the jansson object */
} JsonWriterKey;

/*
 * The members of @obj in the order QEMU's QDict visits them (the order
 * the writer prints, and the order in which QEMU meets a client's
 * arguments).  Fills @small when @obj has at most @small_len members and
 * returns it, else returns a new array the caller frees; *@n is the
 * member count.
 */
JsonWriterKey *json_writer_keys(const json_t *obj, JsonWriterKey *small,
                                size_t small_len, size_t *n);

/*
 * A QAPI uint64 (QEMU prints it in full, 18446744073709551615), which
 * jansson's signed integers cannot hold above INT64_MAX.  Such a value is
 * a one-member object whose key is not valid UTF-8 (JSON_UINT64_KEY), so
 * nothing a client sends can ever look like one (the parser refuses
 * invalid UTF-8); the writer prints it as the plain unsigned number.
 * Values up to INT64_MAX are ordinary integers.
 */
#define JSON_UINT64_KEY "\xffu64"
json_t *json_uint64(uint64_t v);

#endif /* QOBJECT_JSON_WRITER_H */
