/*
 * Typed device properties: defaults, parsing, range checks, printing.
 *
 * Everything a property kind needs is in one table row, so adding a kind
 * means adding a row, not another switch in every function.  Error texts
 * are QEMU's, since management tools match on them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/qdev-properties.h"

typedef struct PropKindInfo {
    const char *type_name;  /* QAPI-ish, for -device T,help */
    const char *ctype_name; /* for "expects uint16_t" */
    unsigned bytes;         /* storage size for unsigned kinds */
    uint64_t max;
    int64_t min; /* signed kinds */
} PropKindInfo;

static const PropKindInfo prop_kinds[] = {
    [PROP_KIND_UINT8] = {"uint8", "uint8_t", 1, UINT8_MAX},
    [PROP_KIND_UINT16] = {"uint16", "uint16_t", 2, UINT16_MAX},
    [PROP_KIND_UINT32] = {"uint32", "uint32_t", 4, UINT32_MAX},
    [PROP_KIND_UINT64] = {"uint64", "uint64_t", 8, UINT64_MAX},
    [PROP_KIND_BOOL] = {"bool", "bool", sizeof(bool), 1},
    [PROP_KIND_STRING] = {"str", "str", sizeof(char *), 0},
    [PROP_KIND_ENUM] = {"enum", "enum", sizeof(int), 0},
    [PROP_KIND_INT32] = {"int32", "int32_t", 4, INT32_MAX, INT32_MIN},
};

static const PropKindInfo *kind_info(const Property *prop)
{
    return &prop_kinds[prop->kind];
}

static bool kind_is_unsigned(PropertyKind kind)
{
    return kind <= PROP_KIND_UINT64;
}

bool qdev_prop_is_signed(const Property *prop)
{
    return prop->kind == PROP_KIND_INT32;
}

static bool kind_is_integer(PropertyKind kind)
{
    return kind_is_unsigned(kind) || kind == PROP_KIND_INT32;
}

const char *qdev_prop_type_name(const Property *prop)
{
    if (prop->kind == PROP_KIND_ENUM) {
        return prop->enum_type;
    }
    return kind_info(prop)->type_name;
}

const char *qdev_prop_ctype_name(const Property *prop)
{
    return kind_info(prop)->ctype_name;
}

static void *field(void *obj, const Property *prop)
{
    return (char *)obj + prop->offset;
}

static const void *cfield(const void *obj, const Property *prop)
{
    return (const char *)obj + prop->offset;
}

/* Store without range checks; callers have validated @val. */
static void store_uint(void *obj, const Property *prop, uint64_t val)
{
    void *p = field(obj, prop);

    switch (prop->kind) {
    case PROP_KIND_UINT8:
        *(uint8_t *)p = val;
        break;
    case PROP_KIND_UINT16:
        *(uint16_t *)p = val;
        break;
    case PROP_KIND_UINT32:
        *(uint32_t *)p = val;
        break;
    case PROP_KIND_UINT64:
        *(uint64_t *)p = val;
        break;
    case PROP_KIND_BOOL:
        *(bool *)p = val != 0;
        break;
    case PROP_KIND_ENUM:
        *(int *)p = (int)val;
        break;
    case PROP_KIND_INT32:
        *(int32_t *)p = (int32_t)(int64_t)val;
        break;
    case PROP_KIND_STRING:
        break;
    }
}

uint64_t qdev_prop_get_uint(const void *obj, const Property *prop)
{
    const void *p = cfield(obj, prop);

    switch (prop->kind) {
    case PROP_KIND_UINT8:
        return *(const uint8_t *)p;
    case PROP_KIND_UINT16:
        return *(const uint16_t *)p;
    case PROP_KIND_UINT32:
        return *(const uint32_t *)p;
    case PROP_KIND_UINT64:
        return *(const uint64_t *)p;
    case PROP_KIND_BOOL:
        return *(const bool *)p;
    case PROP_KIND_ENUM:
        return *(const int *)p;
    case PROP_KIND_INT32:
        return (uint64_t)(int64_t) * (const int32_t *)p;
    case PROP_KIND_STRING:
        break;
    }
    return 0;
}

bool qdev_prop_get_bool(const void *obj, const Property *prop)
{
    return *(const bool *)cfield(obj, prop);
}

const char *qdev_prop_get_str(const void *obj, const Property *prop)
{
    if (prop->kind == PROP_KIND_ENUM) {
        return prop->enum_values[*(const int *)cfield(obj, prop)];
    }
    return *(char *const *)cfield(obj, prop);
}

void qdev_prop_set_defaults(void *obj, const Property *props)
{
    for (const Property *p = props; p && p->name; p++) {
        if (p->kind == PROP_KIND_STRING) {
            char **s = field(obj, p);

            *s = g_strdup(p->defval_s);
        } else {
            store_uint(obj, p, p->defval_u);
        }
    }
}

void qdev_prop_free_values(void *obj, const Property *props)
{
    for (const Property *p = props; p && p->name; p++) {
        if (p->kind == PROP_KIND_STRING) {
            char **s = field(obj, p);

            g_free(*s);
            *s = NULL;
        }
    }
}

const Property *qdev_prop_find(const Property *props, const char *name)
{
    for (const Property *p = props; p && p->name; p++) {
        if (strcmp(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

static void error_range(const Property *prop, GError **errp)
{
    error_setg(errp, "Parameter '%s' expects %s", prop->name,
               qdev_prop_ctype_name(prop));
}

/*
 * Like QEMU's option parsing: leading blanks and a sign are tolerated by
 * strtoull, trailing garbage is not.  A minus sign makes the value out of
 * range ("expects uint16_t"), text that is no number at all "expects
 * integer".
 */
static bool parse_uint_text(const Property *prop, const char *text,
                            GError **errp)
{
    const char *s = text;
    char *end;
    uint64_t v;
    bool negative;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    negative = *s == '-';
    errno = 0;
    v = strtoull(text, &end, 0);
    if (end == text || *end != '\0' || errno == ERANGE ||
        !g_ascii_isdigit(s[negative || *s == '+' ? 1 : 0])) {
        error_setg(errp, "Parameter '%s' expects integer", prop->name);
        return false;
    }
    if ((negative && v != 0) || v > kind_info(prop)->max) {
        error_range(prop, errp);
        return false;
    }
    return true;
}

typedef struct BoolWord {
    const char *word;
    bool value;
} BoolWord;

static const BoolWord bool_words[] = {
    {"on", true},   {"yes", true}, {"true", true},
    {"off", false}, {"no", false}, {"false", false},
};

/* Signed text: strtoll's syntax, the whole text, within the kind. */
static bool parse_int_text(void *obj, const Property *prop, const char *text,
                           GError **errp)
{
    char *end;
    int64_t v;

    errno = 0;
    v = strtoll(text, &end, 0);
    if (end == text || *end != '\0' || errno == ERANGE) {
        error_setg(errp, "Parameter '%s' expects integer", prop->name);
        return false;
    }
    if (v < kind_info(prop)->min || v > (int64_t)kind_info(prop)->max) {
        error_range(prop, errp);
        return false;
    }
    store_uint(obj, prop, (uint64_t)v);
    return true;
}

bool qdev_prop_parse(void *obj, const Property *prop, const char *text,
                     GError **errp)
{
    if (prop->kind == PROP_KIND_INT32) {
        return parse_int_text(obj, prop, text, errp);
    }
    if (kind_is_unsigned(prop->kind)) {
        if (!parse_uint_text(prop, text, errp)) {
            return false;
        }
        store_uint(obj, prop, strtoull(text, NULL, 0));
        return true;
    }
    if (prop->kind == PROP_KIND_BOOL) {
        for (size_t i = 0; i < G_N_ELEMENTS(bool_words); i++) {
            if (strcmp(text, bool_words[i].word) == 0) {
                store_uint(obj, prop, bool_words[i].value);
                return true;
            }
        }
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", prop->name);
        return false;
    }
    return qdev_prop_set_str(obj, prop, text, errp);
}

static void error_type(const Property *prop, const char *expected,
                       GError **errp)
{
    if (prop->text_hooks && prop->text_hooks->type_error) {
        error_setg(errp, "Invalid parameter type for '%s', %s", prop->name,
                   prop->text_hooks->type_error);
        return;
    }
    /*
     * QEMU's input visitor reports a non-number for any unsigned
     * property as a bad uint64 value, and other mismatches as a type
     * error; management tools see exactly these texts.
     */
    if (kind_is_unsigned(prop->kind)) {
        error_setg(errp, "Parameter '%s' expects uint64", prop->name);
        return;
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: %s",
               prop->name, expected);
}

static const char *expected_json_type(const Property *prop)
{
    if (kind_is_integer(prop->kind)) {
        return "integer";
    }
    return prop->kind == PROP_KIND_BOOL ? "boolean" : "string";
}

bool qdev_prop_set_uint(void *obj, const Property *prop, uint64_t val,
                        GError **errp)
{
    bool as_int = prop->kind == PROP_KIND_INT32 ||
                  (prop->text_hooks && prop->text_hooks->from_int);

    if (as_int) {
        /* Beyond INT64_MAX is out of any range these kinds take. */
        return qdev_prop_set_int(
            obj, prop, val > INT64_MAX ? INT64_MAX : (int64_t)val, errp);
    }
    if (!kind_is_unsigned(prop->kind)) {
        error_type(prop, expected_json_type(prop), errp);
        return false;
    }
    if (val > kind_info(prop)->max) {
        error_range(prop, errp);
        return false;
    }
    store_uint(obj, prop, val);
    return true;
}

/* A string property that takes integers too (text hooks). */
static bool set_int_as_text(void *obj, const Property *prop, int64_t val,
                            GError **errp)
{
    g_autofree char *text = NULL;
    char **s;

    if (!prop->text_hooks->from_int(prop, val, &text, errp)) {
        return false;
    }
    s = field(obj, prop);
    g_free(*s);
    *s = g_steal_pointer(&text);
    return true;
}

bool qdev_prop_set_int(void *obj, const Property *prop, int64_t val,
                       GError **errp)
{
    if (prop->kind == PROP_KIND_INT32) {
        if (val < kind_info(prop)->min || val > (int64_t)kind_info(prop)->max) {
            error_range(prop, errp);
            return false;
        }
        store_uint(obj, prop, (uint64_t)val);
        return true;
    }
    if (prop->kind == PROP_KIND_STRING && prop->text_hooks &&
        prop->text_hooks->from_int) {
        return set_int_as_text(obj, prop, val, errp);
    }
    if (kind_is_unsigned(prop->kind) && val < 0) {
        error_range(prop, errp);
        return false;
    }
    return qdev_prop_set_uint(obj, prop, (uint64_t)val, errp);
}

bool qdev_prop_set_bool(void *obj, const Property *prop, bool val,
                        GError **errp)
{
    if (prop->kind != PROP_KIND_BOOL) {
        error_type(prop, expected_json_type(prop), errp);
        return false;
    }
    store_uint(obj, prop, val);
    return true;
}

bool qdev_prop_set_str(void *obj, const Property *prop, const char *val,
                       GError **errp)
{
    char **s;

    if (prop->kind == PROP_KIND_ENUM) {
        for (int i = 0; prop->enum_values[i]; i++) {
            if (strcmp(val, prop->enum_values[i]) == 0) {
                store_uint(obj, prop, i);
                return true;
            }
        }
        error_setg(errp, "Parameter '%s' does not accept value '%s'",
                   prop->name, val);
        return false;
    }
    if (prop->kind != PROP_KIND_STRING) {
        error_type(prop, expected_json_type(prop), errp);
        return false;
    }
    /* NULL unsets (a PCI "addr" of -1). */
    if (val && prop->text_hooks && prop->text_hooks->check &&
        !prop->text_hooks->check(obj, prop, val, errp)) {
        return false;
    }
    s = field(obj, prop);
    g_free(*s);
    *s = g_strdup(val);
    return true;
}

char *qdev_prop_format(const void *obj, const Property *prop)
{
    if (prop->kind == PROP_KIND_ENUM) {
        return g_strdup(qdev_prop_get_str(obj, prop));
    }
    if (prop->kind == PROP_KIND_BOOL) {
        return g_strdup(qdev_prop_get_bool(obj, prop) ? "true" : "false");
    }
    if (prop->kind == PROP_KIND_STRING) {
        const char *s = qdev_prop_get_str(obj, prop);

        return g_strdup(s ? s : "");
    }
    if (prop->kind == PROP_KIND_INT32) {
        return g_strdup_printf("%" G_GINT64_FORMAT,
                               (int64_t)qdev_prop_get_uint(obj, prop));
    }
    return g_strdup_printf("%" G_GUINT64_FORMAT, qdev_prop_get_uint(obj, prop));
}

char *qdev_prop_format_default(const Property *prop)
{
    if (prop->kind == PROP_KIND_ENUM) {
        return g_strdup(prop->enum_values[prop->defval_u]);
    }
    if (prop->kind == PROP_KIND_BOOL) {
        return g_strdup(prop->defval_u ? "true" : "false");
    }
    if (prop->kind == PROP_KIND_STRING) {
        return g_strdup(prop->defval_s);
    }
    if (prop->kind == PROP_KIND_INT32) {
        return g_strdup_printf("%" G_GINT64_FORMAT, (int64_t)prop->defval_u);
    }
    return g_strdup_printf("%" G_GUINT64_FORMAT, prop->defval_u);
}
