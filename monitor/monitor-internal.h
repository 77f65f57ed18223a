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
#include "system/runstate.h"

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
    /* object: members beyond @members are the command's to check
     * (object-add's type-specific properties). */
    bool open;
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
    /*
     * Descriptors passed with SCM_RIGHTS: @incoming_fds arrived and go
     * with the next request the parser completes; @cur_fds belong to the
     * request being dispatched, and what its command does not take is
     * closed after it.  @named_fds: getfd's names (fd per name), kept
     * across clients as QEMU keeps them per monitor.
     */
    GArray *incoming_fds;
    GArray *cur_fds;
    GHashTable *named_fds;
};

typedef json_t *QmpCommandFn(QmpSession *s, json_t *args, GError **errp);

typedef struct QmpCommand {
    const char *name;
    QmpCommandFn *fn;
    const QmpType *arg_type;
    const QmpType *ret_type;
    /* Runs under --preconfig before x-exit-preconfig (QEMU 7.2's set). */
    bool allow_preconfig;
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

/* The downstream prefix of Vigil's own QMP names (QEMU's QMP spec
 * reserves "__RFQDN_" for them): docs/interop/vigil-qmp.rst. */
#define VIGIL_QMP_PREFIX "__org.vigil-vmm_"

/* qmp-events.c: send event @name with @data (owned; NULL: no "data"). */
void monitor_emit_event(const char *name, json_t *data);

/* qmp-cmds-qom.c: qom-set */
json_t *qmp_qom_set(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_qom_set_arg;

/* qmp-cmds-qom.c: object-add / object-del */
json_t *qmp_object_add(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_object_del(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_object_add_arg, qmp_object_del_arg;

/* qmp-cmds-panic.c */
json_t *qmp_vigil_query_panics(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_vigil_query_panics_ret;
void hmp_info_panics(GString *out);

/* qmp-cmds.c: --preconfig (monitor/monitor.h) */
bool monitor_in_preconfig(void);

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
json_t *qmp_qom_list_properties(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_qom_list_arg, qmp_qom_get_arg, qmp_qom_list_types_arg,
    qmp_device_list_properties_arg;
extern const QmpType qmp_qom_list_ret, qmp_qom_list_types_ret,
    qmp_device_list_properties_ret;

/* qmp-cmds-options.c */
json_t *qmp_query_command_line_options(QmpSession *s, json_t *args,
                                       GError **errp);
json_t *qmp_query_uuid(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_command_line_options_arg, qmp_command_line_options_ret,
    qmp_uuid_info;

/* qmp-cmds-dump.c */
json_t *qmp_dump_guest_memory(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_query_dump(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_query_dump_capability(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_dump_guest_memory_arg, qmp_dump_query_result,
    qmp_dump_capability_ret, qmp_dump_completed_arg;
/* Stop and join a detached dump still being written (its file is left
 * incomplete, no event); forget the last result. */
void qmp_dump_cleanup(void);
/* A detached dump is being written: a second one and cont are refused. */
bool qmp_dump_in_progress(void);

/* qmp-cmds-machine.c */
json_t *qmp_query_machines(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_query_machines_arg, qmp_query_machines_ret;

/* qmp-cmds-cpu.c */
json_t *qmp_query_cpu_definitions(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_query_cpus_fast(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_query_cpu_definitions_ret, qmp_query_cpus_fast_ret;

/* qmp-cmds-misc-queries.c */
json_t *qmp_query_migrate_capabilities(QmpSession *s, json_t *args,
                                       GError **errp);
json_t *qmp_migrate_set_capabilities(QmpSession *s, json_t *args,
                                     GError **errp);
/* Every query whose answer is always [] (block, iothreads, jobs, TPM). */
json_t *qmp_query_empty_list(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_tpm_models_ret, qmp_tpm_types_ret, qmp_empty_list_ret,
    qmp_named_block_nodes_arg, qmp_migrate_capabilities_ret,
    qmp_migrate_set_capabilities_arg;

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
/* An fd that arrived with the bytes fed next (owned by the session). */
void qmp_session_add_fd(QmpSession *s, int fd);
/* The fd that came with the request being dispatched (the caller owns
 * it), or -1: QEMU's "No file descriptor supplied via SCM_RIGHTS". */
int qmp_session_take_msgfd(QmpSession *s);
/* getfd: @fd (owned) under @name; an fd of the same name is closed. */
void qmp_session_set_named_fd(QmpSession *s, const char *name, int fd);
/* Take the fd named @name out of the session (caller owns it), or -1
 * with "File descriptor named 'NAME' has not been found". */
int qmp_session_take_named_fd(QmpSession *s, const char *name, GError **errp);
/* closefd: close and forget @name; false if there is no such name. */
bool qmp_session_close_named_fd(QmpSession *s, const char *name);

/* qmp-cmds-fd.c: getfd, closefd, add-fd, remove-fd, query-fdsets */
json_t *qmp_getfd(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_closefd(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_add_fd(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_remove_fd(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_query_fdsets(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_getfd_arg, qmp_add_fd_arg, qmp_add_fd_ret,
    qmp_remove_fd_arg, qmp_query_fdsets_ret;

/* qmp-cmds-chardev.c */
json_t *qmp_query_chardev(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_query_chardev_ret;

/* qmp-cmds-pci.c: query-pci, and "info pci" built from the same reply. */
json_t *qmp_query_pci(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_query_pci_ret;
void hmp_info_pci_text(GString *out);
json_t *qmp_ringbuf_write(QmpSession *s, json_t *args, GError **errp);
json_t *qmp_ringbuf_read(QmpSession *s, json_t *args, GError **errp);
extern const QmpType qmp_ringbuf_write_arg;
extern const QmpType qmp_ringbuf_read_arg;

/* qmp.c: deliver a formatted event to every negotiated client. */
void monitor_broadcast_event(const json_t *event);
/* qmp.c: some negotiated client reads pretty-printed JSON. */
bool monitor_events_want_tree(void);
/*
 * qmp.c: deliver an event already printed in compact form (@text, @len
 * bytes ending in "\r\n") to every negotiated client; only when
 * monitor_events_want_tree() is false.
 */
void monitor_broadcast_compact(const char *text, size_t len);

/*
 * qmp-events.c: a run-state event raised at @now (microseconds since the
 * epoch), printed in compact form with "\r\n" into @buf without building
 * its tree; the length, or 0 where the event must go through the tree
 * (it carries "info", or its shape does not print timestamp-first).
 * The bytes are those of monitor_event_tree() printed compact.
 */
#define MONITOR_EVENT_COMPACT_MAX 384
size_t monitor_event_compact(const RunstateEvent *ev, gint64 now,
                             char buf[MONITOR_EVENT_COMPACT_MAX]);
json_t *monitor_event_tree(const RunstateEvent *ev, gint64 now);
/* qmp.c: some monitor has a client connected (QEMU's mon_refcount). */
bool monitor_has_clients(void);

#endif /* MONITOR_INTERNAL_H */
