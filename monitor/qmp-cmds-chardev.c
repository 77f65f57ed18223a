/*
 * query-chardev: every chardev with QEMU's "filename" wording (libvirt
 * reads it at start-up, and the pty path from it where there is one).
 */
#include "monitor-internal.h"
#include "chardev/char.h"

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
