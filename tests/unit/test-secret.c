/*
 * Secrets encrypted with another secret (keyid=, iv=): AES-256-CBC as
 * QEMU decrypts libvirt's secrets with its master key.  The vectors were
 * made with "openssl enc -aes-256-cbc" (key 32 x 'k', IV 16 x 'i'), an
 * implementation independent of the one under test.
 */
#include <string.h>

#include "qom/object.h"

#define KEY                                                                    \
    "{\"qom-type\":\"secret\",\"id\":\"mk\",\"format\":\"base64\","            \
    "\"data\":\"a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=\"}"
#define IV "aWlpaWlpaWlpaWlpaWlpaQ=="

static void add_ok(const char *json)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(user_object_add(json, &err));
    g_assert_no_error(err);
}

static void add_fails(const char *json, const char *msg)
{
    g_autoptr(GError) err = NULL;

    g_assert_false(user_object_add(json, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, msg);
}

static void check_secret(const char *id, const char *want)
{
    g_autoptr(GError) err = NULL;
    size_t len;
    const uint8_t *v = secret_lookup(id, &len, &err);

    g_assert_no_error(err);
    g_assert_cmpuint(len, ==, strlen(want));
    g_assert_cmpmem(v, len, want, strlen(want));
}

static void test_decrypt(void)
{
    add_ok(KEY);
    add_ok("{\"qom-type\":\"secret\",\"id\":\"s1\",\"format\":\"base64\","
           "\"keyid\":\"mk\",\"iv\":\"" IV "\","
           "\"data\":\"aHkCalJobgf1/utciszS6w==\"}");
    check_secret("s1", "libvirt-pass");
    /* A plaintext of a whole block: a whole block of padding. */
    add_ok("{\"qom-type\":\"secret\",\"id\":\"s2\",\"format\":\"base64\","
           "\"keyid\":\"mk\",\"iv\":\"" IV "\","
           "\"data\":\"ye1eTG2+BvmdUnVYItt8sNsC7VLr4HfbrwivHc2u+Rw=\"}");
    check_secret("s2", "exactly16bytes!!");
    user_object_del_all();
}

static void test_errors(void)
{
    add_ok(KEY);
    add_ok("{\"qom-type\":\"secret\",\"id\":\"short\",\"data\":\"abc\"}");
    add_fails("{\"qom-type\":\"secret\",\"id\":\"a\",\"keyid\":\"nope\","
              "\"iv\":\"" IV "\",\"data\":\"x\"}",
              "No secret with id 'nope'");
    add_fails("{\"qom-type\":\"secret\",\"id\":\"a\",\"keyid\":\"short\","
              "\"iv\":\"" IV "\",\"data\":\"x\"}",
              "Key should be 32 bytes in length");
    add_fails("{\"qom-type\":\"secret\",\"id\":\"a\",\"keyid\":\"mk\","
              "\"data\":\"x\"}",
              "IV is required to decrypt secret");
    add_fails("{\"qom-type\":\"secret\",\"id\":\"a\",\"keyid\":\"mk\","
              "\"iv\":\"aWlp\",\"data\":\"x\"}",
              "IV should be 16 bytes in length not 3");
    add_fails("{\"qom-type\":\"secret\",\"id\":\"a\",\"keyid\":\"mk\","
              "\"iv\":\"" IV "\",\"format\":\"base64\",\"data\":\"!!\"}",
              "Base64 data contains invalid characters");
    /* A failed add leaves nothing behind: the id is free again. */
    add_ok("{\"qom-type\":\"secret\",\"id\":\"a\",\"data\":\"x\"}");
    user_object_del_all();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/secret/decrypt", test_decrypt);
    g_test_add_func("/secret/errors", test_errors);
    return g_test_run();
}
