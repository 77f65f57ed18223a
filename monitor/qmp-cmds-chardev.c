/*
 * query-chardev: every chardev with QEMU's "filename" wording (libvirt
 * reads it at start-up, and the pty path from it where there is one).
 */
#include "monitor-internal.h"
#include "chardev/char.h"

#include <string.h>

static const QmpType chardev_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"label", &qmp_type_str},
            {"filename", &qmp_type_str},
            {"frontend-open", &qmp_type_bool},
            {NULL},
        },
};
const QmpType qmp_query_chardev_ret = {QMP_META_ARRAY,
                                       .element = &chardev_info};

static void add_chardev(Chardev *chr, void *opaque)
{
    g_autofree char *filename = qemu_chr_filename(chr);

    json_array_append_new(opaque,
                          json_pack("{s:s,s:s,s:b}", "label", qemu_chr_id(chr),
                                    "filename", filename, "frontend-open",
                                    qemu_chr_has_frontend(chr)));
}

json_t *qmp_query_chardev(QmpSession *s, json_t *args, GError **errp)
{
    json_t *list = json_array();

    /* Command-line order (QEMU's follows its QOM hash table). */
    qemu_chr_foreach(add_chardev, list);
    return list;
}

/* ---- ringbuf-write / ringbuf-read (QEMU's wording and semantics) ---- */

static const char *const data_format_values[] = {"utf8", "base64", NULL};
static const QmpType data_format = {QMP_META_ENUM,
                                    .values = data_format_values};

const QmpType qmp_ringbuf_write_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"device", &qmp_type_str},
            {"data", &qmp_type_str},
            {"format", &data_format, true},
            {NULL},
        },
};
const QmpType qmp_ringbuf_read_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"device", &qmp_type_str},
            {"size", &qmp_type_int},
            {"format", &data_format, true},
            {NULL},
        },
};

static Chardev *find_ringbuf(json_t *args, GError **errp)
{
    const char *device = json_string_value(json_object_get(args, "device"));
    Chardev *chr = qemu_chr_find(device);

    if (!chr) {
        error_setg(errp, "Device '%s' not found", device);
        return NULL;
    }
    if (!qemu_chr_is_ringbuf(chr)) {
        error_setg(errp, "%s is not a ringbuf device", device);
        return NULL;
    }
    return chr;
}

static bool is_base64(json_t *args)
{
    const char *f = json_string_value(json_object_get(args, "format"));

    return f && strcmp(f, "base64") == 0;
}

json_t *qmp_ringbuf_write(QmpSession *s, json_t *args, GError **errp)
{
    static const char b64_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                    "abcdefghijklmnopqrstuvwxyz0123456789+/=\n";
    Chardev *chr = find_ringbuf(args, errp);
    /* As QEMU: a C string, so the data ends at its first NUL. */
    const char *data = json_string_value(json_object_get(args, "data"));

    if (!chr) {
        return NULL;
    }
    if (is_base64(args)) {
        g_autofree guchar *bytes = NULL;
        gsize n;

        if (strspn(data, b64_chars) != strlen(data)) {
            error_setg(errp, "Base64 data contains invalid characters");
            return NULL;
        }
        bytes = g_base64_decode(data, &n);
        qemu_chr_ringbuf_write(chr, bytes, n);
    } else {
        qemu_chr_ringbuf_write(chr, data, strlen(data));
    }
    return json_object();
}

json_t *qmp_ringbuf_read(QmpSession *s, json_t *args, GError **errp)
{
    Chardev *chr = find_ringbuf(args, errp);
    json_int_t size = json_integer_value(json_object_get(args, "size"));
    g_autofree uint8_t *buf = NULL;
    size_t n;

    if (!chr) {
        return NULL;
    }
    if (size <= 0) {
        error_setg(errp, "size must be greater than zero");
        return NULL;
    }
    n = MIN((uint64_t)size, qemu_chr_ringbuf_count(chr));
    buf = g_malloc(n + 1);
    n = qemu_chr_ringbuf_read(chr, buf, n);
    if (is_base64(args)) {
        g_autofree char *b64 = g_base64_encode(buf, n);

        return json_string(b64);
    }
    /*
     * As QEMU: the bytes as a C string (so they end at a NUL byte, though
     * all n were consumed); invalid UTF-8 becomes U+FFFD on output.
     */
    buf[n] = 0;
    return json_stringn_nocheck((const char *)buf, strlen((char *)buf));
}
