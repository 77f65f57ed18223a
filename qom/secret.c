/*
 * -object secret: a named secret given inline (data=) or in a file
 * (file=), raw or base64 (format=), as QEMU's "secret" type.
 *
 * The bytes are decoded when the object is completed (the file is read
 * then, once).  Secrets encrypted with another secret (keyid=, iv=) are
 * not implemented yet: those properties fail with a clear message.
 */
#include "qom/object.h"

#include <string.h>

typedef struct SecretObject {
    UserObject parent_obj;
    char *data;
    char *file;
    int format; /* index into format_values */
    char *keyid;
    char *iv;
    uint8_t *raw; /* decoded, NUL-terminated for convenience */
    size_t rawlen;
} SecretObject;

enum { FORMAT_RAW, FORMAT_BASE64 };

static const char *const format_values[] = {"raw", "base64", NULL};

static SecretObject *secret(UserObject *obj)
{
    return container_of(obj, SecretObject, parent_obj);
}

/* QEMU's check: g_base64_decode() accepts any text, so look first. */
static bool base64_valid(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isalnum(s[i]) && !strchr("+/=", s[i])) {
            return false;
        }
    }
    return len % 4 == 0;
}

static bool secret_complete(UserObject *obj, GError **errp)
{
    SecretObject *s = secret(obj);
    g_autofree char *input = NULL;
    size_t len;

    if (s->data && s->file) {
        error_setg(errp, "'data' and 'file' are mutually exclusive");
        return false;
    }
    if (!s->data && !s->file) {
        error_setg(errp, "Either 'data' or 'file' must be provided");
        return false;
    }
    if (s->file) {
        g_autoptr(GError) err = NULL;

        if (!g_file_get_contents(s->file, &input, &len, &err)) {
            error_setg(errp, "Unable to read %s: %s", s->file, err->message);
            return false;
        }
    } else {
        input = g_strdup(s->data);
        len = strlen(input);
    }
    if (s->format == FORMAT_BASE64) {
        gsize out;

        if (!base64_valid(input, len)) {
            error_setg(errp, "Base64 data contains invalid characters");
            return false;
        }
        s->raw = g_base64_decode(input, &out);
        s->rawlen = out;
    } else {
        s->raw = (uint8_t *)g_steal_pointer(&input);
        s->rawlen = len;
    }
    return true;
}

static void secret_finalize(UserObject *obj)
{
    SecretObject *s = secret(obj);

    if (s->raw) {
        /* Do not leave the secret in freed memory. */
        memset(s->raw, 0, s->rawlen);
        g_free(s->raw);
    }
}

const uint8_t *secret_lookup(const char *id, size_t *len, GError **errp)
{
    UserObject *obj = user_object_find(id);

    if (!obj) {
        error_setg(errp, "No secret with id '%s'", id);
        return NULL;
    }
    if (obj->type != &secret_type) {
        error_setg(errp, "Object '%s' is not a secret", id);
        return NULL;
    }
    if (!secret(obj)->raw) {
        error_setg(errp, "Secret '%s' is not loaded", id);
        return NULL;
    }
    *len = secret(obj)->rawlen;
    return secret(obj)->raw;
}

static const ObjectProp secret_props[] = {
    {"format", OBJ_PROP_ENUM, "QCryptoSecretFormat", NULL,
     offsetof(SecretObject, format), format_values},
    {"data", OBJ_PROP_STR, "string", NULL, offsetof(SecretObject, data)},
    {"file", OBJ_PROP_STR, "string", NULL, offsetof(SecretObject, file)},
    {"keyid", OBJ_PROP_STR, "string", NULL, offsetof(SecretObject, keyid),
     .unsupported = "secrets encrypted with another secret are not "
                    "implemented"},
    {"iv", OBJ_PROP_STR, "string", NULL, offsetof(SecretObject, iv),
     .unsupported = "secrets encrypted with another secret are not "
                    "implemented"},
    {NULL},
};

const ObjectType secret_type = {
    .name = "secret",
    .parent = "object",
    .instance_size = sizeof(SecretObject),
    .props = secret_props,
    .complete = secret_complete,
    .finalize = secret_finalize,
};
