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
    PROP_KIND_INT32,  /* field is int32_t */
} PropertyKind;

typedef struct Property Property;

/*
 * Hooks of a string property whose text has a syntax of its own (a PCI
 * device's "addr"), all optional.  @check refuses a malformed text when
 * it is set (not only when the device is realized), with the message to
 * report; @obj is the object being set.  @from_int lets the property take
 * an integer too (JSON -device, qom-set) and gives the text to store
 * (NULL: unset).  @type_error, when set, is the whole message for a JSON
 * value of another type, e.g. "expected int or str".
 */
typedef struct PropertyTextHooks {
    bool (*check)(const void *obj, const Property *prop, const char *text,
                  GError **errp);
    bool (*from_int)(const Property *prop, int64_t val, char **text,
                     GError **errp);
    const char *type_error;
} PropertyTextHooks;

struct Property {
    const char *name;
    PropertyKind kind;
    size_t offset;
    uint64_t defval_u;    /* integers and bool */
    const char *defval_s; /* strings (may be NULL) */
    const char *description;
    /* PROP_KIND_ENUM: the QAPI enum's name and values (NULL-terminated). */
    const char *enum_type;
    const char *const *enum_values;
    /* PROP_KIND_STRING: syntax hooks, or NULL for free text. */
    const PropertyTextHooks *text_hooks;
};

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
/* A signed 32-bit integer; @d may be negative. */
#define DEFINE_PROP_INT32(n, s, f, d)                                          \
    DEFINE_PROP_UNSIGNED_(n, PROP_KIND_INT32, s, f, (uint64_t)(int64_t)(d))
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

/* QAPI-ish type name: "uint8", "uint16", "uint32", "uint64", "int32",
 * "bool", "str" */
const char *qdev_prop_type_name(const Property *prop);
/* C type name used in messages: "uint8_t", "uint16_t", ..., "int32_t",
 * "bool", "str" */
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
 * "Parameter 'ioport' expects uint64" for an unsigned property,
 * "Invalid parameter type for 'x', expected: integer|boolean|string"
 * otherwise (or the property's PropertyTextHooks.type_error).  A string
 * property with text hooks takes an integer through @from_int and checks
 * text with @check.
 */
bool qdev_prop_set_uint(void *obj, const Property *prop, uint64_t val,
                        GError **errp);
bool qdev_prop_set_int(void *obj, const Property *prop, int64_t val,
                       GError **errp);
bool qdev_prop_set_bool(void *obj, const Property *prop, bool val,
                        GError **errp);
bool qdev_prop_set_str(void *obj, const Property *prop, const char *val,
                       GError **errp);

/* An integer property's value; an int32 one sign-extended, so that a cast
 * to int64_t gives it back. */
uint64_t qdev_prop_get_uint(const void *obj, const Property *prop);
/* Whether @prop holds a signed integer (its value: (int64_t)get_uint). */
bool qdev_prop_is_signed(const Property *prop);
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
