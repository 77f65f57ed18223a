/*
 * The -object registry: the type table, property parsing in both of
 * QEMU's syntaxes, ids, completion and teardown.
 *
 * Property values are written straight into the instance at the offset
 * the table gives, so a type's code reads plain struct members; which
 * properties were given at all is kept by name (defaults that depend on
 * the machine need to know).
 */
#include "qom/object.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qobject/json-stream.h"
#include "qobject/json-writer.h"

static const ObjectType object_root_type = {
    .name = "object",
    .abstract = true,
};

static const ObjectType *const object_types[] = {
    &object_root_type,          &secret_type,
    &memory_backend_type,       &memory_backend_ram_type,
    &memory_backend_memfd_type, &memory_backend_file_type,
};

static GPtrArray *objects; /* UserObject *, in creation order */

const ObjectType *const *object_all_types(size_t *count)
{
    *count = G_N_ELEMENTS(object_types);
    return object_types;
}

const ObjectType *object_type_find(const char *name)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(object_types); i++) {
        if (strcmp(object_types[i]->name, name) == 0) {
            return object_types[i];
        }
    }
    return NULL;
}

bool object_type_is_a(const ObjectType *type, const char *ancestor)
{
    while (type) {
        if (strcmp(type->name, ancestor) == 0) {
            return true;
        }
        type = object_type_find(type->parent);
    }
    return false;
}

static void foreach_prop(const ObjectType *type, bool all,
                         void (*fn)(const ObjectProp *p, void *opaque),
                         void *opaque)
{
    if (!type) {
        return;
    }
    foreach_prop(object_type_find(type->parent), all, fn, opaque);
    for (const ObjectProp *p = type->props; p && p->name; p++) {
        if (all || !p->unsupported) {
            fn(p, opaque);
        }
    }
}

void object_type_foreach_prop(const ObjectType *type,
                              void (*fn)(const ObjectProp *p, void *opaque),
                              void *opaque)
{
    foreach_prop(type, false, fn, opaque);
}

typedef struct PropFind {
    const char *name;
    const ObjectProp *found;
} PropFind;

static void match_prop(const ObjectProp *p, void *opaque)
{
    PropFind *f = opaque;

    if (strcmp(p->name, f->name) == 0) {
        f->found = p;
    }
}

static const ObjectProp *prop_find(const ObjectType *type, const char *name)
{
    PropFind f = {name, NULL};

    foreach_prop(type, true, match_prop, &f);
    return f.found;
}

UserObject *user_object_find(const char *id)
{
    for (guint i = 0; objects && id && i < objects->len; i++) {
        UserObject *obj = g_ptr_array_index(objects, i);

        if (strcmp(obj->id, id) == 0) {
            return obj;
        }
    }
    return NULL;
}

bool user_object_prop_is_set(const UserObject *obj, const char *name)
{
    return g_hash_table_contains(obj->set, name);
}

static void *prop_ptr(UserObject *obj, const ObjectProp *p)
{
    return (char *)obj + p->offset;
}

static const void *prop_cptr(const UserObject *obj, const ObjectProp *p)
{
    return (const char *)obj + p->offset;
}

json_t *user_object_prop_value(const UserObject *obj, const ObjectProp *p)
{
    const void *v = prop_cptr(obj, p);

    if (p->get) {
        return p->get(obj, p);
    }
    switch (p->kind) {
    case OBJ_PROP_STR:
        /* An unset string reads "" as in QEMU's visitor. */
        return json_string_nocheck(*(char *const *)v ? *(char *const *)v : "");
    case OBJ_PROP_BOOL:
        return json_boolean(*(const bool *)v);
    case OBJ_PROP_SIZE:
    case OBJ_PROP_UINT:
        return json_uint64(*(const uint64_t *)v);
    case OBJ_PROP_ENUM:
        return json_string(p->values[*(const int *)v]);
    }
    return NULL;
}

/* OBJ_PROP_UINT's range (QEMU's uint32 setters with their own checks). */
static bool set_uint(UserObject *obj, const ObjectProp *p, uint64_t n,
                     bool negative, GError **errp)
{
    if (negative || (p->max && n > p->max)) {
        error_setg(errp, "Parameter '%s' expects %s", p->name,
                   p->max_ctype ? p->max_ctype : "uint64_t");
        return false;
    }
    if (n < p->min) {
        error_setg(errp, "property '%s' of %s doesn't take value '%" PRIu64 "'",
                   p->name, obj->type->name, n);
        return false;
    }
    *(uint64_t *)prop_ptr(obj, p) = n;
    return true;
}

static void object_free(UserObject *obj)
{
    if (obj->type->finalize) {
        obj->type->finalize(obj);
    }
    for (const ObjectType *t = obj->type; t; t = object_type_find(t->parent)) {
        for (const ObjectProp *p = t->props; p && p->name; p++) {
            if (p->kind == OBJ_PROP_STR) {
                g_clear_pointer((char **)prop_ptr(obj, p), g_free);
            }
        }
    }
    g_hash_table_destroy(obj->set);
    g_free(obj->id);
    g_free(obj->optarg);
    g_free(obj);
}

static bool set_enum(UserObject *obj, const ObjectProp *p, const char *v,
                     GError **errp)
{
    for (int i = 0; p->values[i]; i++) {
        if (strcmp(p->values[i], v) == 0) {
            *(int *)prop_ptr(obj, p) = i;
            return true;
        }
    }
    error_setg(errp, "Parameter '%s' does not accept value '%s'", p->name, v);
    return false;
}

static bool check_settable(UserObject *obj, const ObjectProp *p, GError **errp)
{
    if (p->unsupported) {
        error_setg(errp, "Property '%s.%s' is not supported by Vigil: %s",
                   obj->type->name, p->name, p->unsupported);
        return false;
    }
    return true;
}

/* key=value syntax: the value as typed. */
static bool set_prop_text(UserObject *obj, const ObjectProp *p, const char *v,
                          GError **errp)
{
    uint64_t n;

    if (!check_settable(obj, p, errp)) {
        return false;
    }
    if (p->parse) {
        return p->parse(obj, p, v, NULL, errp);
    }
    switch (p->kind) {
    case OBJ_PROP_STR:
        g_free(*(char **)prop_ptr(obj, p));
        *(char **)prop_ptr(obj, p) = g_strdup(v);
        return true;
    case OBJ_PROP_BOOL:
        return qemu_parse_bool(p->name, v, (bool *)prop_ptr(obj, p), errp);
    case OBJ_PROP_SIZE:
        if (!qemu_strtosz(v, 0, &n)) {
            error_setg(errp, "Parameter '%s' expects size", p->name);
            return false;
        }
        *(uint64_t *)prop_ptr(obj, p) = n;
        return true;
    case OBJ_PROP_UINT: {
        char *end;

        /* QEMU's option visitor: decimal, octal or hex, no sign. */
        errno = 0;
        n = g_ascii_strtoull(v, &end, 0);
        if (!g_ascii_isdigit(*v) || *end || errno) {
            error_setg(errp, "Parameter '%s' expects a uint64 value", p->name);
            return false;
        }
        return set_uint(obj, p, n, false, errp);
    }
    case OBJ_PROP_ENUM:
        return set_enum(obj, p, v, errp);
    }
    return false;
}

static const char *json_kind_name(ObjectPropKind kind)
{
    switch (kind) {
    case OBJ_PROP_BOOL:
        return "boolean";
    case OBJ_PROP_SIZE:
    case OBJ_PROP_UINT:
        return "integer";
    default:
        return "string";
    }
}

/* JSON syntax: the value must have the property's JSON type. */
static bool set_prop_json(UserObject *obj, const ObjectProp *p, json_t *v,
                          GError **errp)
{
    bool ok;

    if (!check_settable(obj, p, errp)) {
        return false;
    }
    if (p->parse) {
        return p->parse(obj, p, NULL, v, errp);
    }
    if (p->kind == OBJ_PROP_UINT) {
        /* QEMU's input visitor: any non-number "expects uint64". */
        if (!json_is_integer(v)) {
            error_setg(errp, "Parameter '%s' expects uint64", p->name);
            return false;
        }
        return set_uint(obj, p, (uint64_t)json_integer_value(v),
                        json_integer_value(v) < 0, errp);
    }
    switch (p->kind) {
    case OBJ_PROP_STR:
    case OBJ_PROP_ENUM:
        ok = json_is_string(v);
        break;
    case OBJ_PROP_BOOL:
        ok = json_is_boolean(v);
        break;
    default:
        ok = json_is_integer(v) && json_integer_value(v) >= 0;
        break;
    }
    if (!ok) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s",
                   p->name, json_kind_name(p->kind));
        return false;
    }
    switch (p->kind) {
    case OBJ_PROP_STR:
    case OBJ_PROP_ENUM:
        return set_prop_text(obj, p, json_string_value(v), errp);
    case OBJ_PROP_BOOL:
        *(bool *)prop_ptr(obj, p) = json_is_true(v);
        return true;
    default:
        *(uint64_t *)prop_ptr(obj, p) = (uint64_t)json_integer_value(v);
        return true;
    }
}

bool user_object_set(UserObject *obj, const char *name, const char *value_json,
                     GError **errp)
{
    const ObjectProp *p = prop_find(obj->type, name);
    json_t *v;
    bool ok;

    if (!p || p->unsupported) {
        error_setg(errp, "Property '%s.%s' not found", obj->type->name, name);
        return false;
    }
    if (obj->completed) {
        /* QEMU's setters refuse before they look at the value. */
        switch (p->runtime) {
        case OBJ_RUNTIME_SET:
            break;
        case OBJ_RUNTIME_FIXED:
            error_setg(errp, "cannot change property value");
            return false;
        case OBJ_RUNTIME_FIXED_SIZE:
            error_setg(errp, "cannot change property %s of %s ", p->name,
                       obj->type->name);
            return false;
        case OBJ_RUNTIME_FIXED_NAMED:
            error_setg(errp, "cannot change property '%s' of %s", p->name,
                       obj->type->name);
            return false;
        case OBJ_RUNTIME_FIXED_DOT:
            error_setg(errp, "cannot change property '%s' of %s.", p->name,
                       obj->type->name);
            return false;
        }
    }
    v = json_loads(value_json, JSON_DECODE_ANY, NULL);
    ok = v && set_prop_json(obj, p, v, errp);
    json_decref(v);
    if (!ok) {
        return false;
    }
    g_hash_table_add(obj->set, (gpointer)p->name);
    return !obj->completed || !obj->type->changed ||
           obj->type->changed(obj, p, errp);
}

/* Parents first, so a type can override its parent's defaults. */
static void instance_init(const ObjectType *type, UserObject *obj)
{
    if (type) {
        instance_init(object_type_find(type->parent), obj);
        if (type->instance_init) {
            type->instance_init(obj);
        }
    }
}

/* Type and id first, as QEMU's ObjectOptions visitor checks them. */
static UserObject *object_new(const char *type_name, const char *id,
                              const char *text, GError **errp)
{
    const ObjectType *type;
    UserObject *obj;

    if (!type_name) {
        error_setg(errp, "Parameter 'qom-type' is missing");
        return NULL;
    }
    type = object_type_find(type_name);
    if (!type || type->abstract) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type_name);
        return NULL;
    }
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return NULL;
    }
    obj = g_malloc0(type->instance_size);
    obj->type = type;
    obj->id = g_strdup(id);
    obj->optarg = g_strdup(text);
    obj->set = g_hash_table_new(g_str_hash, g_str_equal);
    instance_init(type, obj);
    return obj;
}

static bool set_one(UserObject *obj, const char *key, const char *text,
                    json_t *json, GError **errp)
{
    const ObjectProp *p = prop_find(obj->type, key);

    if (!p) {
        error_setg(errp, "Parameter '%s' is unexpected", key);
        return false;
    }
    if (!(json ? set_prop_json(obj, p, json, errp)
               : set_prop_text(obj, p, text, errp))) {
        return false;
    }
    g_hash_table_add(obj->set, (gpointer)p->name);
    return true;
}

static UserObject *parse_keyval(const char *text, GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(text);
    const char *type = NULL, *id = NULL;
    UserObject *obj;

    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');

        if (!eq && i == 0) {
            type = parts[i];
        } else if (!eq) {
            error_setg(errp, "Expected '=' after parameter '%s'", parts[i]);
            return NULL;
        } else if (!strncmp(parts[i], "qom-type=", 9)) {
            type = eq + 1;
        } else if (!strncmp(parts[i], "id=", 3)) {
            id = eq + 1;
        }
    }
    obj = object_new(type, id, text, errp);
    for (int i = 0; obj && parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');
        g_autofree char *key = eq ? g_strndup(parts[i], eq - parts[i]) : NULL;

        if (!key || !strcmp(key, "qom-type") || !strcmp(key, "id")) {
            continue;
        }
        if (!set_one(obj, key, eq + 1, NULL, errp)) {
            g_clear_pointer(&obj, object_free);
        }
    }
    return obj;
}

static const char *json_member_str(json_t *o, const char *key, GError **errp)
{
    json_t *v = json_object_get(o, key);

    if (v && !json_is_string(v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: string",
                   key);
    }
    return json_string_value(v);
}

static UserObject *parse_json(const char *text, GError **errp)
{
    json_error_t jerr;
    g_autoptr(GError) err = NULL;
    json_t *o =
        json_load_nul(text, strlen(text), JSON_REJECT_DUPLICATES, &jerr);
    const char *type, *id, *key;
    UserObject *obj = NULL;
    json_t *v;

    if (!o) {
        error_setg(errp, "JSON parse error, %s", jerr.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        error_setg(errp, "Invalid parameter type, expected: object");
        goto out;
    }
    if (!json_check_no_nul(o, errp)) {
        goto out;
    }
    type = json_member_str(o, "qom-type", &err);
    id = err ? NULL : json_member_str(o, "id", &err);
    if (err) {
        g_propagate_error(errp, g_steal_pointer(&err));
        goto out;
    }
    obj = object_new(type, id, text, errp);
    json_object_foreach(o, key, v)
    {
        if (!obj || !strcmp(key, "qom-type") || !strcmp(key, "id")) {
            continue;
        }
        if (!set_one(obj, key, NULL, v, errp)) {
            g_clear_pointer(&obj, object_free);
        }
    }
out:
    json_decref(o);
    return obj;
}

typedef struct Required {
    UserObject *obj;
    const char *missing;
} Required;

static void check_required(const ObjectProp *p, void *opaque)
{
    Required *r = opaque;

    if (p->required && !r->missing &&
        !user_object_prop_is_set(r->obj, p->name)) {
        r->missing = p->name;
    }
}

UserObject *user_object_parse(const char *text, GError **errp)
{
    UserObject *obj =
        text[0] == '{' ? parse_json(text, errp) : parse_keyval(text, errp);
    Required req = {obj, NULL};

    if (!obj) {
        return NULL;
    }
    object_type_foreach_prop(obj->type, check_required, &req);
    if (req.missing) {
        error_setg(errp, "Parameter '%s' is missing", req.missing);
    } else if (!id_wellformed(obj->id)) {
        error_setg(errp, "Parameter 'id' expects an identifier");
    } else if (user_object_find(obj->id)) {
        error_setg(errp,
                   "attempt to add duplicate property '%s' to object "
                   "(type 'container')",
                   obj->id);
    } else {
        if (!objects) {
            objects = g_ptr_array_new();
        }
        g_ptr_array_add(objects, obj);
        return obj;
    }
    object_free(obj);
    return NULL;
}

typedef struct DefaultsCtx {
    UserObject *obj;
    const UserObjectDefaults *d;
} DefaultsCtx;

/* The machine-wide defaults of the memory backends' dump and merge. */
static void apply_default(const ObjectProp *p, void *opaque)
{
    DefaultsCtx *c = opaque;

    if (user_object_prop_is_set(c->obj, p->name) || p->kind != OBJ_PROP_BOOL) {
        return;
    }
    if (!strcmp(p->name, "dump")) {
        *(bool *)prop_ptr(c->obj, p) = c->d->dump_guest_core;
    } else if (!strcmp(p->name, "merge")) {
        *(bool *)prop_ptr(c->obj, p) = c->d->mem_merge;
    }
}

/* The command line's defaults, for objects added later (object-add). */
static UserObjectDefaults saved_defaults = {true, true};

static bool complete_one(UserObject *obj, const UserObjectDefaults *defaults,
                         GError **errp)
{
    DefaultsCtx c = {obj, defaults};

    if (object_type_is_a(obj->type, "memory-backend")) {
        object_type_foreach_prop(obj->type, apply_default, &c);
    }
    if (obj->type->complete && !obj->type->complete(obj, errp)) {
        return false;
    }
    obj->completed = true;
    return true;
}

static void forget(UserObject *obj)
{
    g_ptr_array_remove(objects, obj);
    object_free(obj);
}

bool user_object_add(const char *json, GError **errp)
{
    UserObject *obj = user_object_parse(json, errp);

    if (!obj) {
        return false;
    }
    if (!complete_one(obj, &saved_defaults, errp)) {
        forget(obj);
        return false;
    }
    return true;
}

bool user_object_del(const char *id, GError **errp)
{
    UserObject *obj = user_object_find(id);

    if (!obj) {
        error_setg(errp, "object '%s' not found", id);
        return false;
    }
    if (obj->type->in_use && obj->type->in_use(obj)) {
        error_setg(errp, "object '%s' is in use, can not be deleted", id);
        return false;
    }
    forget(obj);
    return true;
}

bool user_object_complete_all(const UserObjectDefaults *defaults, GError **errp)
{
    saved_defaults = *defaults;
    for (guint i = 0; objects && i < objects->len; i++) {
        UserObject *obj = g_ptr_array_index(objects, i);

        if (obj->completed) {
            continue;
        }
        if (!complete_one(obj, defaults, errp)) {
            g_prefix_error(errp, "-object %s: ", obj->optarg);
            return false;
        }
    }
    return true;
}

void user_object_foreach(void (*fn)(UserObject *obj, void *opaque),
                         void *opaque)
{
    for (guint i = 0; objects && i < objects->len; i++) {
        fn(g_ptr_array_index(objects, i), opaque);
    }
}

void user_object_del_all(void)
{
    if (!objects) {
        return;
    }
    /* Reverse order: a later object may use an earlier one. */
    for (guint i = objects->len; i > 0; i--) {
        object_free(g_ptr_array_index(objects, i - 1));
    }
    g_ptr_array_free(objects, true);
    objects = NULL;
}

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "  name=<type>", padded to column 24, " - description" (QEMU's form). */
static void add_help_line(const ObjectProp *p, void *opaque)
{
    GString *s = g_string_new(NULL);

    g_string_append_printf(s, "  %s=<%s>", p->name, p->qom_type);
    if (p->description) {
        while (s->len < 24) {
            g_string_append_c(s, ' ');
        }
        g_string_append_printf(s, " - %s", p->description);
    }
    g_ptr_array_add(opaque, g_string_free(s, false));
}

static void print_sorted(GPtrArray *lines)
{
    g_ptr_array_sort(lines, compare_strings);
    for (guint i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
}

int user_object_help(const char *text)
{
    static const char *const help[] = {"help", "?", NULL};
    g_auto(GStrv) parts = NULL;
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    const ObjectType *type;

    if (text[0] == '{') {
        return -1;
    }
    parts = qemu_opts_split(text);
    if (parts[0] && g_strv_contains(help, parts[0])) {
        printf("List of user creatable objects:\n");
        for (size_t i = 0; i < G_N_ELEMENTS(object_types); i++) {
            if (!object_types[i]->abstract) {
                g_ptr_array_add(lines,
                                g_strdup_printf("  %s", object_types[i]->name));
            }
        }
        print_sorted(lines);
        return 0;
    }
    if (!parts[0] || !parts[1] || !g_strv_contains(help, parts[1])) {
        return -1;
    }
    type = object_type_find(parts[0]);
    if (!type || type->abstract) {
        return -1; /* parsing reports the unknown type */
    }
    object_type_foreach_prop(type, add_help_line, lines);
    printf("%s options:\n", type->name);
    print_sorted(lines);
    return 0;
}
