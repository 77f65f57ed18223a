/*
 * Monitor internals: the QMP session (framing, negotiation, dispatch,
 * output) independent of any chardev, the command/event tables and the
 * type descriptions used both to validate arguments and to answer
 * query-qmp-schema.
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include "qemu/common.h"
#include "qobject/json-stream.h"

/* Per-client output cap; a client that lets this much pile up is dropped. */
#define MONITOR_OUTQ_MAX (4u << 20)

/* ---- types (qmp-schema.c) ---- */

typedef enum QmpMeta {
    QMP_META_BUILTIN,
    QMP_META_ENUM,
    QMP_META_ARRAY,
    QMP_META_OBJECT,
} QmpMeta;

typedef struct QmpType QmpType;

typedef struct QmpMember {
    const char *name;
    const QmpType *type;
    bool optional;
} QmpMember;

struct QmpType {
    QmpMeta meta;
    const char *name;          /* builtin name ("str"); NULL otherwise */
    const char *json_type;     /* builtin: "string", "int", ... */
    const char *const *values; /* enum: NULL-terminated */
    const QmpType *element;    /* array */
    const QmpMember *members;  /* object: {NULL}-terminated, may be NULL */
};

extern const QmpType qmp_type_str;
extern const QmpType qmp_type_int;
extern const QmpType qmp_type_bool;
extern const QmpType qmp_type_any;
extern const QmpType qmp_type_empty; /* object without members */
extern const QmpType qmp_type_run_state;
extern const QmpType qmp_type_shutdown_cause;
extern const QmpType qmp_type_guest_panic_action;

/* ---- the session ---- */

typedef struct QmpSession QmpSession;

/* Where a session's output goes: one complete message incl. "\r\n". */
typedef void QmpOutputFn(void *opaque, const char *buf, size_t len);
/*
 * A reply was deferred (see QmpCommand.reply_after_requests): the owner
 * of the session must call qmp_session_flush_deferred() once the main
 * loop has acted on the request.  Called once per deferred reply.
 */
typedef void QmpDeferFn(QmpSession *s);

struct QmpSession {
    JSONStream stream;
    QmpOutputFn *output;
    QmpDeferFn *defer; /* NULL: the owner polls s->deferring itself */
    void *opaque;
    bool pretty;
    bool negotiated; /* command mode: events are delivered */
    bool oob_enabled;
    bool deferring;    /* a reply waits for the main loop */
    GString *deferred; /* that reply */
    GQueue pending;    /* json_t requests that arrived meanwhile */
    GString *buf;      /* reused formatting buffer */
};

typedef json_t *QmpCommandFn(QmpSession *s, json_t *args, GError **errp);

typedef struct QmpCommand {
    const char *name;
    QmpCommandFn *fn;
    const QmpType *arg_type;
    const QmpType *ret_type;
    /*
     * Reply only after the main loop has acted on the request this
     * command made, so that (as in QEMU) RESET/POWERDOWN precede it.
     */
    bool reply_after_requests;
} QmpCommand;

typedef struct QmpEventInfo {
    const char *name;
    const QmpType *arg_type;
} QmpEventInfo;

/* qmp-cmds.c */
extern const QmpCommand qmp_commands[];
extern const size_t qmp_commands_count;
const QmpCommand *qmp_find_command(const char *name);
json_t *qmp_version_info(void);

/* qmp-events.c */
extern const QmpEventInfo qmp_events[];
extern const size_t qmp_events_count;

/* qmp-cmds-qom.c */
json_t *qmp_qom_list(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_qom_get(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_qom_list_types(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_device_list_properties(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_qom_list_arg, qmp_qom_get_arg, qmp_qom_list_types_arg,
    qmp_device_list_properties_arg;
extern const QmpType qmp_qom_list_ret, qmp_qom_list_types_ret,
    qmp_device_list_properties_ret;

/* qmp-cmds-dump.c */
json_t *qmp_dump_guest_memory(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_query_dump(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_query_dump_capability(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_dump_guest_memory_arg, qmp_dump_query_result,
    qmp_dump_capability_ret, qmp_dump_completed_arg;
/* Drop a detached dump that has not run yet; forget the last result. */
void qmp_dump_cleanup(void);

/* qmp-schema.c */
json_t *qmp_query_qmp_schema(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_schema_ret;
void qmp_schema_cleanup(void);

/* hmp.c: run one HMP command line, return its output ("\r\n" ends). */
char *hmp_run(const char *cmdline);

/* qmp-dispatch.c */
/* Validate @args (an object) against @type; QEMU's messages. */
bool qmp_check_args(const QmpType *type, json_t *args, GError **errp);
/* Handle one parsed request (or framing error) and send the reply. */
void qmp_dispatch(QmpSession *s, json_t *req);

/* qmp-session.c */
/* @output and @defer get @opaque's session; @defer may be NULL. */
void qmp_session_init(QmpSession *s, bool pretty, QmpOutputFn *output,
                      QmpDeferFn *defer, void *opaque);
void qmp_session_destroy(QmpSession *s);
/* A client connected: forget everything, send the greeting. */
void qmp_session_start(QmpSession *s);
/* The client went away: forget everything. */
void qmp_session_reset(QmpSession *s);
void qmp_session_feed(QmpSession *s, const char *buf, size_t len);
/* Format @msg (not consumed) and send it as one line. */
void qmp_session_send(QmpSession *s, const json_t *msg);
/* Send an error reply, echoing @id when non-NULL. */
void qmp_session_send_error(QmpSession *s, const json_t *id, const GError *err);
/* Send the deferred reply, then process requests queued behind it. */
void qmp_session_flush_deferred(QmpSession *s);

/* qmp.c: deliver a formatted event to every negotiated client. */
void monitor_broadcast_event(const json_t *event);

#endif /* MONITOR_INTERNAL_H */
