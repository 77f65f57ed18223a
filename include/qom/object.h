/*
 * User-creatable objects (-object): a registry of objects named by id,
 * and the table of object types Vigil has (qom/object.c).
 *
 * Not QEMU's object model: a type is a static ObjectType with a parent,
 * a property table and two hooks; an instance is a struct whose first
 * member is UserObject.  What exists is what `-object` can create:
 * "secret" (qom/secret.c) and the memory backends "memory-backend-ram",
 * "memory-backend-memfd" and "memory-backend-file" (qom/hostmem.c).
 *
 * Two steps, as for the rest of the command line:
 *   user_object_parse()         key=value or JSON text -> an object with
 *                               its properties checked and its id
 *                               registered; nothing outside the process
 *                               is touched (no file read, no memory);
 *   user_object_complete_all()  QEMU's "complete", in creation order:
 *                               secrets read their file, memory backends
 *                               map their memory.
 * Errors use QEMU's wording; callers prefix the option ("-object ARG: ").
 * Every function expects the BQL (or a single thread at start-up).
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "qemu/common.h"

typedef struct UserObject UserObject;
typedef struct ObjectType ObjectType;

typedef enum ObjectPropKind {
    OBJ_PROP_STR,  /* char *, JSON string */
    OBJ_PROP_BOOL, /* bool, on/off or JSON true/false */
    OBJ_PROP_SIZE, /* uint64_t, QEMU size syntax (bytes) or JSON integer */
    OBJ_PROP_UINT, /* uint64_t, decimal or JSON integer */
    OBJ_PROP_ENUM, /* int index into values[], JSON string */
} ObjectPropKind;

/* What qom-set may do once the object is complete (QEMU 7.2's setters). */
typedef enum ObjectPropRuntime {
    OBJ_RUNTIME_SET,         /* stored, then ObjectType.changed() applies it */
    OBJ_RUNTIME_FIXED,       /* "cannot change property value" */
    OBJ_RUNTIME_FIXED_SIZE,  /* "cannot change property NAME of TYPE " */
    OBJ_RUNTIME_FIXED_NAMED, /* "cannot change property 'NAME' of TYPE" */
    OBJ_RUNTIME_FIXED_DOT,   /* the same with a full stop */
} ObjectPropRuntime;

struct json_t;

typedef struct ObjectProp {
    const char *name;
    ObjectPropKind kind;
    const char *qom_type;      /* qom-list-properties "type" */
    const char *description;   /* or NULL */
    size_t offset;             /* of the value in the instance */
    const char *const *values; /* OBJ_PROP_ENUM: NULL-terminated */
    bool required;             /* "Parameter 'X' is missing" if absent */
    /*
     * Known to QEMU but not implemented by Vigil: setting it fails with
     * "Property 'TYPE.NAME' is not supported by Vigil: <unsupported>",
     * and qom-list-properties does not list it.
     */
    const char *unsupported;
    ObjectPropRuntime runtime;
    /*
     * OBJ_PROP_UINT: QEMU's range.  Above @max (when not 0) or negative:
     * "Parameter 'NAME' expects <max_ctype>"; below @min: "property
     * 'NAME' of TYPE doesn't take value 'N'".
     */
    uint64_t min, max;
    const char *max_ctype;
    /*
     * A value no kind describes (a list of host nodes, a link): @parse
     * takes -object text (@json NULL) or a JSON value (@text NULL), @get
     * gives the qom-get value.  The field at @offset is then a char *
     * holding the value's text (kind OBJ_PROP_STR), or NULL.
     */
    bool (*parse)(UserObject *obj, const struct ObjectProp *p, const char *text,
                  struct json_t *json, GError **errp);
    struct json_t *(*get)(const UserObject *obj, const struct ObjectProp *p);
} ObjectProp;

struct ObjectType {
    const char *name;
    const char *parent; /* "object" at the root */
    bool abstract;
    size_t instance_size;
    const ObjectProp *props; /* own properties, {NULL}-terminated */
    /* Defaults that are not zero; may be NULL. */
    void (*instance_init)(UserObject *obj);
    /* QEMU's complete(): may read files and map memory. */
    bool (*complete)(UserObject *obj, GError **errp);
    /* Undo complete() and free what the props do not own; may be NULL. */
    void (*finalize)(UserObject *obj);
    /* Something uses the object (object-del refuses); may be NULL. */
    bool (*in_use)(UserObject *obj);
    /* qom-set stored a new value of @p in a complete object: apply it
     * (false keeps the value but reports @errp); may be NULL. */
    bool (*changed)(UserObject *obj, const ObjectProp *p, GError **errp);
};

struct UserObject {
    const ObjectType *type;
    char *id;
    char *optarg;    /* the -object text, for messages */
    GHashTable *set; /* names of the properties given */
    bool completed;
};

/*
 * Machine-wide defaults some properties take when not given, as QEMU's
 * memory backends take the machine's dump-guest-core and mem-merge.
 */
typedef struct UserObjectDefaults {
    bool dump_guest_core;
    bool mem_merge;
} UserObjectDefaults;

/* ---- types ---- */

/* Every type, abstract ones included, in a fixed order. */
const ObjectType *const *object_all_types(size_t *count);
const ObjectType *object_type_find(const char *name);
/* Is @type @ancestor or derived from it (by name)? */
bool object_type_is_a(const ObjectType *type, const char *ancestor);
/*
 * Calls @fn for each property @type accepts: inherited ones first, then
 * its own; properties marked unsupported are skipped.
 */
void object_type_foreach_prop(const ObjectType *type,
                              void (*fn)(const ObjectProp *p, void *opaque),
                              void *opaque);

/* ---- objects ---- */

/*
 * -object TEXT: "TYPE,id=ID[,prop=value...]" ("qom-type=TYPE" also
 * works) or a JSON object {"qom-type":..., "id":..., ...}.  Unknown
 * type: "Parameter 'qom-type' does not accept value 'X'"; an id already
 * taken: "attempt to add duplicate property 'ID' to object (type
 * 'container')".
 */
UserObject *user_object_parse(const char *text, GError **errp);
/*
 * -object help (the creatable types) or -object TYPE,help (its
 * properties): print QEMU's text and return 0; -1 when @text asks for
 * no help.
 */
int user_object_help(const char *text);
/* Complete every object not yet completed, in creation order; the error
 * names the object's option. */
bool user_object_complete_all(const UserObjectDefaults *defaults,
                              GError **errp);
UserObject *user_object_find(const char *id);
bool user_object_prop_is_set(const UserObject *obj, const char *name);
/* In creation order. */
void user_object_foreach(void (*fn)(UserObject *obj, void *opaque),
                         void *opaque);
/*
 * QMP object-add: @json is the command's arguments as JSON text ({"qom-
 * type":..., "id":..., props...}); the object is created and completed
 * at once (memory backends with the defaults of the command line), or
 * not at all.  QEMU's errors, without an option prefix.
 */
bool user_object_add(const char *json, GError **errp);
/*
 * qom-set on /objects/ID: @value_json is the value as JSON text.  Before
 * the object is complete any property may be set; after, as the
 * property's runtime rule says (QEMU 7.2's texts).  Unknown: "Property
 * 'TYPE.NAME' not found"; a value of the wrong type as object-add says.
 */
bool user_object_set(UserObject *obj, const char *name, const char *value_json,
                     GError **errp);
/*
 * qom-get of property @p of @obj: its JSON value (a new reference), as
 * QEMU's visitor gives it: an unset string reads "", a list of host
 * nodes [0, 1].
 */
struct json_t *user_object_prop_value(const UserObject *obj,
                                      const ObjectProp *p);
/*
 * QMP object-del: "object 'ID' not found", or "object 'ID' is in use,
 * can not be deleted" (a memory backend holding guest RAM).
 */
bool user_object_del(const char *id, GError **errp);
/* Finalize and free every object (at exit, and between unit tests). */
void user_object_del_all(void);

/* ---- secrets (qom/secret.c) ---- */

extern const ObjectType secret_type;
/*
 * The decoded bytes of secret @id once completed; NULL with QEMU's
 * "No secret with id 'X'" or "Object 'X' is not a secret".
 */
const uint8_t *secret_lookup(const char *id, size_t *len, GError **errp);

/* ---- memory backends (qom/hostmem.c) ---- */

extern const ObjectType memory_backend_type; /* abstract */
extern const ObjectType memory_backend_ram_type;
extern const ObjectType memory_backend_memfd_type;
extern const ObjectType memory_backend_file_type;

/*
 * Guest RAM from backend @id (-machine memory-backend=ID): its mapping
 * and size once completed.  A backend backs one user only: a second
 * claim fails with QEMU's "memory backend ID can't be used multiple
 * times."; an unknown id or another type with "Memory backend 'ID' not
 * found".  The mapping stays the backend's (unmapped by
 * user_object_del_all()).
 */
bool memory_backend_claim(const char *id, void **host, uint64_t *size,
                          GError **errp);
/* The size property of backend @id before completion (-m from it). */
bool memory_backend_size(const char *id, uint64_t *size, GError **errp);

#endif /* QOM_OBJECT_H */
