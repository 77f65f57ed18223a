/*
 * QMP request checking and dispatch, with QEMU's exact messages and the
 * order in which QEMU checks things (qapi/qmp-dispatch.c): request
 * members, command lookup, negotiation, arguments, then the command.
 */
#include "monitor-internal.h"
#include "qobject/json-writer.h"

/*
 * The keys of @obj in the order QEMU's QDict would visit them, so that
 * the first offending key reported is the one QEMU reports.
 */
static JsonWriterKey *keys_in_qemu_order(json_t *obj, size_t *n)
{
    return json_writer_keys(obj, NULL, 0, n);
}

static const char *json_type_word(const QmpType *t)
{
    switch (t->meta) {
    case QMP_META_ENUM:
        return "string";
    case QMP_META_ARRAY:
        return "array";
    case QMP_META_OBJECT:
        return "object";
    case QMP_META_BUILTIN:
        break;
    }
    if (t == &qmp_type_int) {
        return "integer";
    }
    if (t == &qmp_type_bool) {
        return "boolean";
    }
    return "string";
}

static bool check_value(const char *name, const QmpType *t, json_t *v,
                        GError **errp);

/* Whether the @len bytes at @key are exactly the C string @name. */
static bool key_is(const char *key, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(key, name, len) == 0;
}

/* A client's string for a message: NULs as QEMU prints them. */
static char *quote_client(const json_t *str)
{
    return json_mutf8_dup(json_string_value(str), json_string_length(str));
}

static bool type_matches(const QmpType *t, json_t *v)
{
    switch (t->meta) {
    case QMP_META_ENUM:
        return json_is_string(v);
    case QMP_META_ARRAY:
        return json_is_array(v);
    case QMP_META_OBJECT:
        return json_is_object(v);
    case QMP_META_BUILTIN:
        break;
    }
    if (t == &qmp_type_any) {
        return true;
    }
    if (t == &qmp_type_int) {
        return json_is_integer(v);
    }
    if (t == &qmp_type_bool) {
        return json_is_boolean(v);
    }
    return json_is_string(v);
}

static bool check_value(const char *name, const QmpType *t, json_t *v,
                        GError **errp)
{
    size_t i;
    json_t *elt;

    if (!type_matches(t, v)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
                   json_type_word(t));
        return false;
    }
    switch (t->meta) {
    case QMP_META_ENUM: {
        g_autofree char *value = NULL;

        for (i = 0; t->values[i]; i++) {
            if (key_is(json_string_value(v), json_string_length(v),
                       t->values[i])) {
                return true;
            }
        }
        value = quote_client(v);
        error_setg(errp, "Parameter '%s' does not accept value '%s'", name,
                   value);
        return false;
    }
    case QMP_META_ARRAY:
        /* QEMU 7.2 names list elements "null" in its messages. */
        json_array_foreach(v, i, elt)
        {
            if (!check_value("null", t->element, elt, errp)) {
                return false;
            }
        }
        return true;
    case QMP_META_OBJECT:
        return qmp_check_args(t, v, errp);
    case QMP_META_BUILTIN:
        break;
    }
    return true;
}

bool qmp_check_args(const QmpType *type, json_t *args, GError **errp)
{
    g_autofree JsonWriterKey *keys = NULL;
    size_t n;

    /* Members in declaration order, then leftovers (QEMU's visitor). */
    for (const QmpMember *m = type->members; m && m->name; m++) {
        json_t *v = json_object_get(args, m->name);

        if (!v) {
            if (!m->optional) {
                error_setg(errp, "Parameter '%s' is missing", m->name);
                return false;
            }
            continue;
        }
        if (!check_value(m->name, m->type, v, errp)) {
            return false;
        }
    }
    keys = keys_in_qemu_order(args, &n);
    for (size_t i = 0; i < n; i++) {
        const QmpMember *m = type->members;

        while (m && m->name && !key_is(keys[i].key, keys[i].key_len, m->name)) {
            m++;
        }
        if ((!m || !m->name) && !type->open) {
            g_autofree char *key = json_mutf8_dup(keys[i].key, keys[i].key_len);

            error_setg(errp, "Parameter '%s' is unexpected", key);
            return false;
        }
    }
    return true;
}

/*
 * The request-level checks.  On success *@name is the command name, a
 * NUL in it written as 0xC0 0x80, so that it matches no command and is
 * quoted back exactly (as QEMU does).
 */
static bool check_request(QmpSession *s, json_t *req, bool *oob, json_t **args,
                          char **name, GError **errp)
{
    g_autofree JsonWriterKey *keys = NULL;
    g_autofree char *exec_name = NULL;
    const char *exec_key = NULL;
    size_t n;

    *args = NULL;
    *name = NULL;
    keys = keys_in_qemu_order(req, &n);
    for (size_t i = 0; i < n; i++) {
        const char *key = keys[i].key;
        size_t len = keys[i].key_len;
        json_t *v = keys[i].value;

        if (key_is(key, len, "execute") ||
            (s->oob_enabled && key_is(key, len, "exec-oob"))) {
            if (!json_is_string(v)) {
                error_setg(errp, "QMP input member '%s' must be a string", key);
                return false;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member '%s' clashes with '%s'", key,
                           exec_key);
                return false;
            }
            exec_key = key;
            exec_name = quote_client(v);
        } else if (key_is(key, len, "arguments")) {
            if (!json_is_object(v)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return false;
            }
            *args = v;
        } else if (!key_is(key, len, "id")) {
            g_autofree char *quoted = json_mutf8_dup(key, len);

            error_setg(errp, "QMP input member '%s' is unexpected", quoted);
            return false;
        }
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return false;
    }
    *oob = strcmp(exec_key, "exec-oob") == 0;
    *name = g_steal_pointer(&exec_name);
    return true;
}

static const QmpCommand *lookup(QmpSession *s, const char *name, bool oob,
                                GError **errp)
{
    const QmpCommand *cmd = qmp_find_command(name);

    /* While negotiating only qmp_capabilities exists. */
    if (!s->negotiated && (!cmd || strcmp(cmd->name, "qmp_capabilities"))) {
        g_set_error(errp, VIGIL_ERROR, VIGIL_ERROR_COMMAND_NOT_FOUND,
                    "Expecting capabilities negotiation with "
                    "'qmp_capabilities'");
        return NULL;
    }
    if (!cmd) {
        g_set_error(errp, VIGIL_ERROR, VIGIL_ERROR_COMMAND_NOT_FOUND,
                    "The command %s has not been found", name);
        return NULL;
    }
    if (oob) {
        /* None of Vigil's commands may jump the queue. */
        error_setg(errp, "The command %s does not support OOB", name);
        return NULL;
    }
    if (monitor_in_preconfig() && !cmd->allow_preconfig) {
        error_setg(errp,
                   "The command '%s' is permitted only after machine "
                   "initialization has completed",
                   cmd->name);
        return NULL;
    }
    return cmd;
}

void qmp_dispatch(QmpSession *s, json_t *req)
{
    g_autoptr(GError) err = NULL;
    const QmpCommand *cmd;
    json_t *id, *args, *ret, *reply;
    g_autofree char *name = NULL;
    bool oob = false;

    if (!json_is_object(req)) {
        error_setg(&err, "QMP input must be a JSON object");
        qmp_session_send_error(s, NULL, err);
        return;
    }
    id = json_object_get(req, "id");
    cmd = check_request(s, req, &oob, &args, &name, &err)
              ? lookup(s, name, oob, &err)
              : NULL;
    if (cmd) {
        json_t *empty = args ? NULL : json_object();

        /*
         * Commands see only strings without NULs: the schema checks
         * above quote a client's NUL back as QEMU does, and whatever
         * passes them must not hold one anywhere (docs/specs/qmp.rst).
         */
        if (qmp_check_args(cmd->arg_type, args ? args : empty, &err) &&
            (!args || json_check_no_nul(args, &err))) {
            ret = cmd->fn(s, args ? args : empty, &err);
        } else {
            ret = NULL;
        }
        json_decref(empty);
        if (ret) {
            if (cmd->reply_after_requests) {
                s->deferring = true;
            }
            reply = json_object();
            json_object_set_new(reply, "return", ret);
            if (id) {
                json_object_set(reply, "id", id);
            }
            qmp_session_send(s, reply);
            json_decref(reply);
            return;
        }
    }
    qmp_session_send_error(s, id, err);
}
