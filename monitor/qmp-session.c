/*
 * One QMP conversation, independent of any chardev: input framing,
 * negotiation state, reply formatting.  qmp.c ties a session to a
 * chardev; the unit tests drive it directly.
 */
#include "monitor-internal.h"
#include "qemu/log.h"
#include "qobject/json-writer.h"

#define QMP_SESSION_BUF_KEEP (64 * 1024)

/* Input that arrived while a reply was deferred. */
typedef struct Pending {
    json_t *req;
    GError *err;
} Pending;

static Pending *pending_new(json_t *req, const GError *err)
{
    Pending *p = g_new(Pending, 1);

    p->req = req;
    p->err = err ? g_error_copy(err) : NULL;
    return p;
}

static void pending_free(Pending *p)
{
    json_decref(p->req);
    if (p->err) {
        g_error_free(p->err);
    }
    g_free(p);
}

static void session_emit(void *opaque, json_t *value, const GError *err)
{
    QmpSession *s = opaque;

    if (err) {
        if (s->deferring) {
            /* Keep the order: the error is replied to in its turn. */
            g_queue_push_tail(&s->pending, pending_new(NULL, err));
            return;
        }
        qmp_session_send_error(s, NULL, err);
        return;
    }
    if (s->deferring) {
        g_queue_push_tail(&s->pending, pending_new(value, NULL));
        return;
    }
    qmp_dispatch(s, value);
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
}

void qmp_session_destroy(QmpSession *s)
{
    session_clear(s);
    json_stream_destroy(&s->stream);
    g_string_free(s->buf, TRUE);
    g_string_free(s->deferred, TRUE);
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
            qmp_dispatch(s, p->req);
        }
        pending_free(p);
    }
}
