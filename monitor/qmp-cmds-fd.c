/*
 * Passing file descriptors to Vigil: getfd/closefd (an fd under a name,
 * for "fd:NAME" arguments such as dump-guest-memory's protocol) and
 * add-fd/remove-fd/query-fdsets (fd sets, for "/dev/fdset/N" paths; the
 * sets themselves are util/fdset.c's).  The fds arrive with the command's
 * bytes over a unix socket (SCM_RIGHTS); QEMU's messages throughout.
 */
#include "monitor-internal.h"
#include "qemu/fdset.h"
#include "system/runstate.h"

#include <unistd.h>

const QmpType qmp_getfd_arg = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"fdname", &qmp_type_str}, {NULL}},
};
const QmpType qmp_add_fd_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"fdset-id", &qmp_type_int, true},
            {"opaque", &qmp_type_str, true},
            {NULL},
        },
};
const QmpType qmp_add_fd_ret = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"fdset-id", &qmp_type_int},
            {"fd", &qmp_type_int},
            {NULL},
        },
};
const QmpType qmp_remove_fd_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"fdset-id", &qmp_type_int},
            {"fd", &qmp_type_int, true},
            {NULL},
        },
};
static const QmpType fdset_fd_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"fd", &qmp_type_int},
            {"opaque", &qmp_type_str, true},
            {NULL},
        },
};
static const QmpType fdset_fd_info_list = {QMP_META_ARRAY,
                                           .element = &fdset_fd_info};
static const QmpType fdset_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"fdset-id", &qmp_type_int},
            {"fds", &fdset_fd_info_list},
            {NULL},
        },
};
const QmpType qmp_query_fdsets_ret = {QMP_META_ARRAY, .element = &fdset_info};

static int take_passed_fd(QmpSession *s, GError **errp)
{
    int fd = qmp_session_take_msgfd(s);

    if (fd < 0) {
        error_setg(errp, "No file descriptor supplied via SCM_RIGHTS");
    }
    return fd;
}

json_t *qmp_getfd(QmpSession *s, json_t *args, GError **errp)
{
    const char *name = json_string_value(json_object_get(args, "fdname"));
    int fd = take_passed_fd(s, errp);

    if (fd < 0) {
        return NULL;
    }
    /* A name must not look like an fd number ("fd=3" means fd 3). */
    if (g_ascii_isdigit(name[0])) {
        close(fd);
        error_setg(errp, "Parameter 'fdname' expects a name not starting "
                         "with a digit");
        return NULL;
    }
    qmp_session_set_named_fd(s, name, fd);
    return json_object();
}

json_t *qmp_closefd(QmpSession *s, json_t *args, GError **errp)
{
    const char *name = json_string_value(json_object_get(args, "fdname"));

    if (!qmp_session_close_named_fd(s, name)) {
        error_setg(errp, "File descriptor named '%s' not found", name);
        return NULL;
    }
    return json_object();
}

json_t *qmp_add_fd(QmpSession *s, json_t *args, GError **errp)
{
    json_t *jid = json_object_get(args, "fdset-id");
    const char *opaque = json_string_value(json_object_get(args, "opaque"));
    int64_t id;
    int fd = take_passed_fd(s, errp);

    if (fd < 0) {
        return NULL;
    }
    if (!fdset_add_fd(fd, jid != NULL, jid ? json_integer_value(jid) : 0,
                      opaque, &id, errp)) {
        return NULL;
    }
    return json_pack("{s:I,s:i}", "fdset-id", (json_int_t)id, "fd", fd);
}

json_t *qmp_remove_fd(QmpSession *s, json_t *args, GError **errp)
{
    json_t *jfd = json_object_get(args, "fd");

    if (!fdset_remove_fd(json_integer_value(json_object_get(args, "fdset-id")),
                         jfd != NULL, jfd ? json_integer_value(jfd) : 0,
                         errp)) {
        return NULL;
    }
    fdset_cleanup(runstate_is_running(), monitor_has_clients());
    return json_object();
}

static void add_fdset(int64_t id, const FdsetFdInfo *fds, size_t n,
                      void *opaque)
{
    json_t *list = json_array();

    for (size_t i = 0; i < n; i++) {
        json_t *fd = json_pack("{s:i}", "fd", fds[i].fd);

        if (fds[i].opaque) {
            json_object_set_new(fd, "opaque", json_string(fds[i].opaque));
        }
        json_array_append_new(list, fd);
    }
    /* QEMU lists the highest set first. */
    json_array_insert_new(
        opaque, 0,
        json_pack("{s:I,s:o}", "fdset-id", (json_int_t)id, "fds", list));
}

json_t *qmp_query_fdsets(QmpSession *s, json_t *args, GError **errp)
{
    json_t *sets = json_array();

    fdset_foreach(add_fdset, sets);
    return sets;
}
