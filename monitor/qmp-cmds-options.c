/*
 * What the command line accepts and set: query-command-line-options
 * (from the tables the option parser registered, include/monitor/cmdline.h)
 * and query-uuid.
 */
#include "monitor-internal.h"
#include "monitor/cmdline.h"
#include "system/system.h"

static const CmdlineOption *registered;
static size_t registered_count;

void qmp_cmdline_options_register(const CmdlineOption *opts, size_t count)
{
    registered = opts;
    registered_count = count;
}

const CmdlineOption *qmp_cmdline_option_find(const char *name)
{
    for (size_t i = 0; name && i < registered_count; i++) {
        if (strcmp(registered[i].name, name) == 0) {
            return &registered[i];
        }
    }
    return NULL;
}

/* ---- types (qapi/misc.json) ---- */

static const char *const param_type_values[] = {
    "string", "boolean", "number", "size", NULL,
};
static const QmpType param_type = {
    .meta = QMP_META_ENUM,
    .values = param_type_values,
};
static const QmpType param_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"name", &qmp_type_str},
            {"type", &param_type},
            {"help", &qmp_type_str, true},
            {"default", &qmp_type_str, true},
            {NULL},
        },
};
static const QmpType param_info_list = {
    .meta = QMP_META_ARRAY,
    .element = &param_info,
};
static const QmpType option_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"option", &qmp_type_str},
            {"parameters", &param_info_list},
            {NULL},
        },
};
const QmpType qmp_command_line_options_ret = {
    .meta = QMP_META_ARRAY,
    .element = &option_info,
};
const QmpType qmp_command_line_options_arg = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"option", &qmp_type_str, true}, {NULL}},
};
const QmpType qmp_uuid_info = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"UUID", &qmp_type_str}, {NULL}},
};

/* ---- commands ---- */

static json_t *option_json(const CmdlineOption *o)
{
    json_t *params = json_array();

    for (const CmdlineParam *p = o->params; p && p->name; p++) {
        json_t *e = json_object();

        /* QEMU's key order on the wire. */
        json_object_set_new(e, "name", json_string(p->name));
        if (p->help) {
            json_object_set_new(e, "help", json_string(p->help));
        }
        json_object_set_new(e, "type", json_string(param_type_values[p->type]));
        json_array_append_new(params, e);
    }
    return json_pack("{s:o,s:s}", "parameters", params, "option", o->name);
}

json_t *qmp_query_command_line_options(QmpSession *s, json_t *args,
                                       GError **errp)
{
    const char *option = json_string_value(json_object_get(args, "option"));
    json_t *list = json_array();

    for (size_t i = 0; i < registered_count; i++) {
        if (!option || strcmp(option, registered[i].name) == 0) {
            json_array_append_new(list, option_json(&registered[i]));
        }
    }
    if (option && json_array_size(list) == 0) {
        json_decref(list);
        error_setg(errp, "invalid option name: %s", option);
        return NULL;
    }
    return list;
}

json_t *qmp_query_uuid(QmpSession *s, json_t *args, GError **errp)
{
    g_autofree char *uuid = qemu_uuid_unparse();

    return json_pack("{s:s}", "UUID", uuid);
}
