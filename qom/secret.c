/*
 * -object secret: a named secret given inline (data=) or in a file
 * (file=), raw or base64 (format=), as QEMU's "secret" type.
 *
 * The bytes are decoded when the object is completed (the file is read
 * then, once).  A secret encrypted with another one (keyid=ID, iv=B64) is
 * decrypted as QEMU does for libvirt's master key: AES-256-CBC with the
 * 32-byte secret ID as key and the 16-byte IV, the ciphertext base64
 * with format=base64, padding bytes counted by the last byte.  The
 * cipher is nettle's.
 */
#include "qom/object.h"

#include <nettle/aes.h>
#include <nettle/cbc.h>
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

/* QEMU's qcrypto_secret_decrypt(): @input is the data or file bytes. */
static bool secret_decrypt(SecretObject *s, const char *input, size_t len,
                           GError **errp)
{
    g_autofree guchar *iv = NULL, *cipher = NULL;
    const uint8_t *key;
    struct aes256_ctx ctx;
    uint8_t ivbuf[AES_BLOCK_SIZE];
    size_t keylen, clen;
    gsize ivlen, n;
    uint8_t *plain;
    unsigned pad;

    key = secret_lookup(s->keyid, &keylen, errp);
    if (!key) {
        return false;
    }
    if (keylen != AES256_KEY_SIZE) {
        error_setg(errp, "Key should be 32 bytes in length");
        return false;
    }
    if (!s->iv) {
        error_setg(errp, "IV is required to decrypt secret");
        return false;
    }
    if (!base64_valid(s->iv, strlen(s->iv))) {
        error_setg(errp, "Base64 data contains invalid characters");
        return false;
    }
    iv = g_base64_decode(s->iv, &ivlen);
    if (ivlen != AES_BLOCK_SIZE) {
        error_setg(errp, "IV should be 16 bytes in length not %zu",
                   (size_t)ivlen);
        return false;
    }
    if (s->format == FORMAT_BASE64) {
        if (!base64_valid(input, len)) {
            error_setg(errp, "Base64 data contains invalid characters");
            return false;
        }
        cipher = g_base64_decode(input, &n);
        clen = n;
    } else {
        cipher = g_memdup2(input, len);
        clen = len;
    }
    if (clen == 0 || clen % AES_BLOCK_SIZE) {
        error_setg(errp,
                   "Length of ciphertext must be a multiple of the "
                   "block size %d",
                   AES_BLOCK_SIZE);
        return false;
    }
    plain = g_malloc0(clen + 1);
    memcpy(ivbuf, iv, sizeof(ivbuf));
    aes256_set_decrypt_key(&ctx, key);
    cbc_decrypt(&ctx, (nettle_cipher_func *)aes256_decrypt, AES_BLOCK_SIZE,
                ivbuf, clen, plain, cipher);
    memset(&ctx, 0, sizeof(ctx));
    pad = plain[clen - 1];
    if (pad > AES_BLOCK_SIZE || pad > clen) {
        error_setg(errp,
                   "Incorrect number of padding bytes (%u) found on "
                   "decrypted data",
                   pad);
        memset(plain, 0, clen);
        g_free(plain);
        return false;
    }
    clen -= pad;
    plain[clen] = 0;
    s->raw = plain;
    s->rawlen = clen;
    return true;
}

static bool secret_complete(UserObject *obj, GError **errp)
{
    SecretObject *s = secret(obj);
    g_autofree char *input = NULL;
    size_t len;

    if (s->data && s->file) {
        error_setg(errp, "'file' and 'data' are mutually exclusive");
        return false;
    }
    if (!s->data && !s->file) {
        error_setg(errp, "Either 'file' or 'data' must be provided");
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
    if (s->keyid) {
        return secret_decrypt(s, input, len, errp);
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
    {"keyid", OBJ_PROP_STR, "string", NULL, offsetof(SecretObject, keyid)},
    {"iv", OBJ_PROP_STR, "string", NULL, offsetof(SecretObject, iv)},
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
