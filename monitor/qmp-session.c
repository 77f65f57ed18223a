/*
 * One QMP conversation, independent of any chardev: input framing,
 * negotiation state, reply formatting.  qmp.c ties a session to a
 * chardev; the unit tests drive it directly.
 */
#include "monitor-internal.h"
#include "qemu/log.h"
#include "qobject/json-writer.h"

#include <unistd.h>

#define QMP_SESSION_BUF_KEEP (64 * 1024)

/*
 * Descriptors waiting for the request they came with: beyond this many
 * the oldest is closed, so a client cannot make Vigil hold fds.  A
 * command takes one (getfd, add-fd).
 */
#define QMP_SESSION_MAX_FDS 16

/* Input that arrived while a reply was deferred. */
typedef struct Pending {
    json_t *req;
    GError *err;
    GArray *fds; /* that came with it, or NULL */
} Pending;

/* named_fds' values are the fds themselves (0 included). */
static void close_named_fd(gpointer fd)
{
    close(GPOINTER_TO_INT(fd));
}

static void fds_close(GArray *fds)
{
    for (guint i = 0; fds && i < fds->len; i++) {
        close(g_array_index(fds, int, i));
    }
    if (fds) {
        g_array_unref(fds);
    }
}

/* The fds that arrived so far now go with the request just parsed. */
static GArray *take_incoming(QmpSession *s)
{
    GArray *fds = s->incoming_fds;

    s->incoming_fds = NULL;
    return fds;
}

static Pending *pending_new(json_t *req, const GError *err, GArray *fds)
{
    Pending *p = g_new(Pending, 1);

    p->req = req;
    p->err = err ? g_error_copy(err) : NULL;
    p->fds = fds;
    return p;
}

static void pending_free(Pending *p)
{
    json_decref(p->req);
    if (p->err) {
        g_error_free(p->err);
    }
    fds_close(p->fds);
    g_free(p);
}

/* Dispatch @req with @fds (consumed: the ones not taken are closed). */
static void dispatch_with_fds(QmpSession *s, json_t *req, GArray *fds)
{
    GArray *outer = s->cur_fds;

    s->cur_fds = fds;
    qmp_dispatch(s, req);
    fds_close(s->cur_fds);
    s->cur_fds = outer;
}

static void session_emit(void *opaque, json_t *value, const GError *err)
{
    QmpSession *s = opaque;

    if (err) {
        if (s->deferring) {
            /* Keep the order: the error is replied to in its turn. */
            g_queue_push_tail(&s->pending,
                              pending_new(NULL, err, take_incoming(s)));
            return;
        }
        fds_close(take_incoming(s));
        qmp_session_send_error(s, NULL, err);
        return;
    }
    if (s->deferring) {
        g_queue_push_tail(&s->pending,
                          pending_new(value, NULL, take_incoming(s)));
        return;
    }
    dispatch_with_fds(s, value, take_incoming(s));
    json_decref(value);
}

void qmp_session_init(QmpSession *s, bool pretty, QmpOutputFn *output,
                      QmpDeferFn *defer, void *opaque)
{
    memset(s, 0, sizeof(*s));
    json_stream_init(&s->stream, session_emit, s);
    s->output = output;
    s->defer = defer;
    s->opaque = opaque;
    s->pretty = pretty;
    s->buf = g_string_sized_new(512);
    s->deferred = g_string_new(NULL);
    g_queue_init(&s->pending);
    s->named_fds =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, close_named_fd);
}

static void session_clear(QmpSession *s)
{
    Pending *p;

    json_stream_reset(&s->stream);
    s->negotiated = false;
    s->oob_enabled = false;
    s->deferring = false;
    g_string_truncate(s->deferred, 0);
    while ((p = g_queue_pop_head(&s->pending))) {
        pending_free(p);
    }
    fds_close(take_incoming(s));
}

void qmp_session_destroy(QmpSession *s)
{
    session_clear(s);
    json_stream_destroy(&s->stream);
    g_string_free(s->buf, TRUE);
    g_string_free(s->deferred, TRUE);
    g_hash_table_destroy(s->named_fds);
}

void qmp_session_reset(QmpSession *s)
{
    session_clear(s);
}

void qmp_session_start(QmpSession *s)
{
    json_t *greeting;

    session_clear(s);
    greeting = json_pack("{s:{s:o,s:[s]}}", "QMP", "version",
                         qmp_version_info(), "capabilities", "oob");
    qmp_session_send(s, greeting);
    json_decref(greeting);
}

void qmp_session_feed(QmpSession *s, const char *buf, size_t len)
{
    qemu_log_mask(LOG_QMP, "qmp: in: %.*s\n", (int)len, buf);
    json_stream_feed(&s->stream, buf, len);
}

void qmp_session_send(QmpSession *s, const json_t *msg)
{
    g_string_truncate(s->buf, 0);
    json_writer_append(s->buf, msg, s->pretty);
    qemu_log_mask(LOG_QMP, "qmp: out: %s\n", s->buf->str);
    g_string_append(s->buf, "\r\n");
    if (s->deferring && !s->deferred->len) {
        /* This is the reply that has to wait. */
        g_string_append_len(s->deferred, s->buf->str, s->buf->len);
        if (s->defer) {
            s->defer(s);
        }
        return;
    }
    s->output(s->opaque, s->buf->str, s->buf->len);
    /* Don't keep the memory of one huge reply for the session's life. */
    if (s->buf->allocated_len > QMP_SESSION_BUF_KEEP) {
        g_string_free(s->buf, TRUE);
        s->buf = g_string_sized_new(512);
    }
}

void qmp_session_send_error(QmpSession *s, const json_t *id, const GError *err)
{
    json_t *reply = json_object();
    json_t *error = json_object();
    int code = err->domain == VIGIL_ERROR ? err->code : VIGIL_ERROR_GENERIC;

    if (id) {
        json_object_set(reply, "id", (json_t *)id);
    }
    json_object_set_new(error, "class",
                        json_string(vigil_error_class_name(code)));
    /* May hold the client's invalid UTF-8; the writer prints U+FFFD. */
    json_object_set_new(error, "desc", json_string_nocheck(err->message));
    json_object_set_new(reply, "error", error);
    qmp_session_send(s, reply);
    json_decref(reply);
}

void qmp_session_flush_deferred(QmpSession *s)
{
    Pending *p;

    if (!s->deferring) {
        return;
    }
    s->deferring = false;
    if (s->deferred->len) {
        g_autoptr(GString) text =
            g_string_new_len(s->deferred->str, s->deferred->len);
        g_string_truncate(s->deferred, 0);
        s->output(s->opaque, text->str, text->len);
    }
    /* Requests that arrived meanwhile; one of them may defer again. */
    while (!s->deferring && (p = g_queue_pop_head(&s->pending))) {
        if (p->err) {
            qmp_session_send_error(s, NULL, p->err);
        } else {
            dispatch_with_fds(s, p->req, p->fds);
            p->fds = NULL;
        }
        pending_free(p);
    }
}

void qmp_session_add_fd(QmpSession *s, int fd)
{
    if (!s->incoming_fds) {
        s->incoming_fds = g_array_new(false, false, sizeof(int));
    }
    if (s->incoming_fds->len >= QMP_SESSION_MAX_FDS) {
        close(g_array_index(s->incoming_fds, int, 0));
        g_array_remove_index(s->incoming_fds, 0);
    }
    g_array_append_val(s->incoming_fds, fd);
}

int qmp_session_take_msgfd(QmpSession *s)
{
    int fd;

    if (!s->cur_fds || s->cur_fds->len == 0) {
        return -1;
    }
    /* As QEMU: the first fd; the others of this request are closed. */
    fd = g_array_index(s->cur_fds, int, 0);
    g_array_remove_index(s->cur_fds, 0);
    return fd;
}

void qmp_session_set_named_fd(QmpSession *s, const char *name, int fd)
{
    /* Replacing a name closes the fd it had, as QEMU does. */
    g_hash_table_replace(s->named_fds, g_strdup(name), GINT_TO_POINTER(fd));
}

int qmp_session_take_named_fd(QmpSession *s, const char *name, GError **errp)
{
    gpointer key, value;
    int fd;

    if (!g_hash_table_steal_extended(s->named_fds, name, &key, &value)) {
        error_setg(errp, "File descriptor named '%s' has not been found", name);
        return -1;
    }
    fd = GPOINTER_TO_INT(value);
    g_free(key);
    return fd;
}

bool qmp_session_close_named_fd(QmpSession *s, const char *name)
{
    return g_hash_table_remove(s->named_fds, name);
}
