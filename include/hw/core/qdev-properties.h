/*
 * Typed device properties.
 *
 * A device type lists its properties in a static table terminated by
 * DEFINE_PROP_END_OF_LIST().  The core owns parsing, range checking,
 * printing and defaults; a device never parses strings.  Values live in
 * the device's state struct at @offset.
 */
#ifndef HW_CORE_QDEV_PROPERTIES_H
#define HW_CORE_QDEV_PROPERTIES_H

#include "qemu/common.h"

typedef enum PropertyKind {
    PROP_KIND_UINT8,
    PROP_KIND_UINT16,
    PROP_KIND_UINT32,
    PROP_KIND_UINT64,
    PROP_KIND_BOOL,
    PROP_KIND_STRING, /* field is char *, owned by the device */
    PROP_KIND_ENUM,   /* field is int, an index into enum_values */
} PropertyKind;

typedef struct Property {
    const char *name;
    PropertyKind kind;
    size_t offset;
    uint64_t defval_u;    /* integers and bool */
    const char *defval_s; /* strings (may be NULL) */
    const char *description;
    /* PROP_KIND_ENUM: the QAPI enum's name and values (NULL-terminated). */
    const char *enum_type;
    const char *const *enum_values;
} Property;

#define DEFINE_PROP_UNSIGNED_(_name, _kind, _state, _field, _def)              \
    {                                                                          \
        .name = (_name), .kind = (_kind), .offset = offsetof(_state, _field),  \
        .defval_u = (_def)                                                     \
    }
#define DEFINE_PROP_UINT8(n, s, f, d)                                          \
    DEFINE_PROP_UNSIGNED_(n, PROP_KIND_UINT8, s, f, d)
#define DEFINE_PROP_UINT16(n, s, f, d)                                         \
    DEFINE_PROP_UNSIGNED_(n, PROP_KIND_UINT16, s, f, d)
#define DEFINE_PROP_UINT32(n, s, f, d)                                         \
    DEFINE_PROP_UNSIGNED_(n, PROP_KIND_UINT32, s, f, d)
#define DEFINE_PROP_UINT64(n, s, f, d)                                         \
    DEFINE_PROP_UNSIGNED_(n, PROP_KIND_UINT64, s, f, d)
#define DEFINE_PROP_BOOL(n, s, f, d)                                           \
    DEFINE_PROP_UNSIGNED_(n, PROP_KIND_BOOL, s, f, d)
#define DEFINE_PROP_STRING(n, s, f)                                            \
    {                                                                          \
        .name = (n), .kind = PROP_KIND_STRING, .offset = offsetof(s, f)        \
    }
/* An enum property: text and JSON strings from @values; reads as the
 * value's name; the QOM type is @type ("LostTickPolicy"). */
#define DEFINE_PROP_ENUM(n, s, f, d, type, values)                             \
    {                                                                          \
        .name = (n), .kind = PROP_KIND_ENUM, .offset = offsetof(s, f),         \
        .defval_u = (d), .enum_type = (type), .enum_values = (values)          \
    }
#define DEFINE_PROP_END_OF_LIST()                                              \
    {                                                                          \
        .name = NULL                                                           \
    }

/* QAPI-ish type name: "uint8", "uint16", "uint32", "uint64", "bool", "str" */
const char *qdev_prop_type_name(const Property *prop);
/* C type name used in messages: "uint8_t", "uint16_t", ..., "bool", "str" */
const char *qdev_prop_ctype_name(const Property *prop);

/* Store defaults for every property of @props into @obj. */
void qdev_prop_set_defaults(void *obj, const Property *props);
/* Free string properties of @obj. */
void qdev_prop_free_values(void *obj, const Property *props);

const Property *qdev_prop_find(const Property *props, const char *name);

/*
 * Set from command-line text ("1285", "0x505", "on", "off", "yes", "no",
 * "true", "false").  Integers accept decimal, 0x hex and 0 octal; values
 * out of range give QEMU's message "Parameter 'ioport' expects uint16_t".
 */
bool qdev_prop_parse(void *obj, const Property *prop, const char *text,
                     GError **errp);

/*
 * Set from an already-typed value (JSON -device form, qom-set).  An
 * integer property needs an integer (an out-of-range one gives the same
 * message as above); a bool needs a bool; a string property needs a
 * string.  A value of the wrong type gives QEMU's input-visitor texts:
 * "Parameter 'ioport' expects uint64" for an integer property,
 * "Invalid parameter type for 'x', expected: boolean|string" otherwise.
 */
bool qdev_prop_set_uint(void *obj, const Property *prop, uint64_t val,
                        GError **errp);
bool qdev_prop_set_int(void *obj, const Property *prop, int64_t val,
                       GError **errp);
bool qdev_prop_set_bool(void *obj, const Property *prop, bool val,
                        GError **errp);
bool qdev_prop_set_str(void *obj, const Property *prop, const char *val,
                       GError **errp);

uint64_t qdev_prop_get_uint(const void *obj, const Property *prop);
bool qdev_prop_get_bool(const void *obj, const Property *prop);
/* A string property's value, or an enum property's value name. */
const char *qdev_prop_get_str(const void *obj, const Property *prop);

/*
 * Format the value for display: integers in decimal ("1285"), bools as
 * "true"/"false", strings as-is.  Caller frees.
 */
char *qdev_prop_format(const void *obj, const Property *prop);
char *qdev_prop_format_default(const Property *prop);

#endif /* HW_CORE_QDEV_PROPERTIES_H */
