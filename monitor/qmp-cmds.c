/*
 * The QMP command table and the machine-level commands (version, status,
 * run control, actions).  QOM commands are in qmp-cmds-qom.c, schema
 * introspection in qmp-schema.c.
 */
#include "monitor-internal.h"
#include "monitor/monitor.h"
#include "system/accel.h"
#include "system/runstate.h"
#include "system/system.h"

#include <unistd.h>

/* ---- argument and return types ---- */

static const char *const capability_values[] = {"oob", NULL};
static const QmpType capability_type = {
    .meta = QMP_META_ENUM,
    .values = capability_values,
};
static const QmpType capability_list = {
    .meta = QMP_META_ARRAY,
    .element = &capability_type,
};
static const QmpType capabilities_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"enable", &capability_list, true},
            {NULL},
        },
};

static const QmpType version_triple = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"major", &qmp_type_int},
            {"minor", &qmp_type_int},
            {"micro", &qmp_type_int},
            {NULL},
        },
};
static const QmpType version_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"qemu", &version_triple},
            {"package", &qmp_type_str},
            {NULL},
        },
};
static const QmpType status_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"running", &qmp_type_bool},
            {"status", &qmp_type_run_state},
            {NULL},
        },
};
static const QmpType command_info = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"name", &qmp_type_str}, {NULL}},
};
static const QmpType command_info_list = {
    .meta = QMP_META_ARRAY,
    .element = &command_info,
};
static const QmpType name_info = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"name", &qmp_type_str, true}, {NULL}},
};
static const QmpType target_info = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"arch", &qmp_type_str}, {NULL}},
};
static const QmpType kvm_info = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"enabled", &qmp_type_bool},
            {"present", &qmp_type_bool},
            {NULL},
        },
};

/* Values as runstate_set_action() accepts them (qapi/run-state.json). */
static const char *const reboot_values[] = {"reset", "shutdown", NULL};
static const char *const shutdown_values[] = {"poweroff", "pause", NULL};
static const char *const panic_values[] = {
    "pause", "shutdown", "exit-failure", "none", NULL,
};
static const char *const watchdog_values[] = {
    "reset", "shutdown", "poweroff",   "pause",
    "debug", "none",     "inject-nmi", NULL,
};
static const QmpType reboot_action = {QMP_META_ENUM, .values = reboot_values};
static const QmpType shutdown_action = {QMP_META_ENUM,
                                        .values = shutdown_values};
static const QmpType panic_action = {QMP_META_ENUM, .values = panic_values};
static const QmpType watchdog_action = {QMP_META_ENUM,
                                        .values = watchdog_values};
static const QmpType set_action_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"reboot", &reboot_action, true},
            {"shutdown", &shutdown_action, true},
            {"panic", &panic_action, true},
            {"watchdog", &watchdog_action, true},
            {NULL},
        },
};
static const QmpType hmp_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"command-line", &qmp_type_str},
            {"cpu-index", &qmp_type_int, true},
            {NULL},
        },
};

/* ---- commands ---- */

static json_t *qmp_capabilities(QmpSession *s, json_t *args, GError **errp)
{
    json_t *enable = json_object_get(args, "enable");

    if (s->negotiated) {
        g_set_error(errp, VIGIL_ERROR, VIGIL_ERROR_COMMAND_NOT_FOUND,
                    "Capabilities negotiation is already complete, command "
                    "ignored");
        return NULL;
    }
    /* "oob" is the only value the schema lets through. */
    s->oob_enabled = enable && json_array_size(enable) > 0;
    s->negotiated = true;
    return json_object();
}

json_t *qmp_version_info(void)
{
    return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu", "major", VIGIL_QEMU_MAJOR,
                     "minor", VIGIL_QEMU_MINOR, "micro", VIGIL_QEMU_MICRO,
                     "package", "vigil-" VIGIL_VERSION);
}

static json_t *query_version(QmpSession *s, json_t *args, GError **errp)
{
    return qmp_version_info();
}

static json_t *query_status(QmpSession *s, json_t *args, GError **errp)
{
    /* Upstream shape: "singlestep" was removed in QEMU 9.0. */
    return json_pack("{s:b,s:s}", "running", runstate_is_running(), "status",
                     runstate_name(runstate_get()));
}

static json_t *query_commands(QmpSession *s, json_t *args, GError **errp)
{
    json_t *list = json_array();

    for (size_t i = 0; i < qmp_commands_count; i++) {
        json_array_append_new(list,
                              json_pack("{s:s}", "name", qmp_commands[i].name));
    }
    return list;
}

static json_t *query_name(QmpSession *s, json_t *args, GError **errp)
{
    return qemu_name ? json_pack("{s:s}", "name", qemu_name) : json_object();
}

static json_t *query_target(QmpSession *s, json_t *args, GError **errp)
{
    return json_pack("{s:s}", "arch", "x86_64");
}

static json_t *query_kvm(QmpSession *s, json_t *args, GError **errp)
{
    bool enabled = current_accel && strcmp(current_accel->name, "kvm") == 0;
    bool present = access("/dev/kvm", R_OK | W_OK) == 0;

    return json_pack("{s:b,s:b}", "enabled", enabled, "present", present);
}

static json_t *cmd_cont(QmpSession *s, json_t *args, GError **errp)
{
    /* As QEMU: the guest stays stopped until a detached dump is done. */
    if (qmp_dump_in_progress()) {
        error_setg(errp, "There is a dump in process, please wait.");
        return NULL;
    }
    return qmp_cont(errp) ? json_object() : NULL;
}

static json_t *cmd_stop(QmpSession *s, json_t *args, GError **errp)
{
    qmp_stop();
    return json_object();
}

static json_t *cmd_system_reset(QmpSession *s, json_t *args, GError **errp)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return json_object();
}

static json_t *cmd_system_powerdown(QmpSession *s, json_t *args, GError **errp)
{
    qemu_system_powerdown_request();
    return json_object();
}

static json_t *cmd_quit(QmpSession *s, json_t *args, GError **errp)
{
    /* SHUTDOWN goes out now, before this command's reply (as QEMU). */
    qemu_system_quit_now();
    return json_object();
}

static json_t *cmd_set_action(QmpSession *s, json_t *args, GError **errp)
{
    /* The shutdown action is applied last, as QEMU does. */
    static const char *const order[] = {"reboot", "panic", "watchdog",
                                        "shutdown"};

    for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
        json_t *v = json_object_get(args, order[i]);

        if (v && !runstate_set_action(order[i], json_string_value(v), errp)) {
            return NULL;
        }
    }
    return json_object();
}

/* --preconfig: waiting for x-exit-preconfig (see monitor/monitor.h). */
static enum { PRECONFIG_NONE, PRECONFIG_WAITING, PRECONFIG_DONE } preconfig;
static void (*preconfig_done)(void);

void monitor_preconfig_begin(void (*done)(void))
{
    preconfig = PRECONFIG_WAITING;
    preconfig_done = done;
}

bool monitor_in_preconfig(void)
{
    return preconfig == PRECONFIG_WAITING;
}

static json_t *cmd_x_exit_preconfig(QmpSession *s, json_t *args, GError **errp)
{
    if (preconfig != PRECONFIG_WAITING) {
        error_setg(errp, "The command is permitted only before machine "
                         "initialization");
        return NULL;
    }
    preconfig = PRECONFIG_DONE;
    preconfig_done();
    return json_object();
}

static json_t *cmd_hmp(QmpSession *s, json_t *args, GError **errp)
{
    g_autofree char *out =
        hmp_run(json_string_value(json_object_get(args, "command-line")));

    return json_string_nocheck(out);
}

const QmpCommand qmp_commands[] = {
    {"qmp_capabilities", qmp_capabilities, &capabilities_arg, &qmp_type_empty,
     .allow_preconfig = true},
    {"query-version", query_version, &qmp_type_empty, &version_info,
     .allow_preconfig = true},
    {"query-status", query_status, &qmp_type_empty, &status_info,
     .allow_preconfig = true},
    {"query-commands", query_commands, &qmp_type_empty, &command_info_list,
     .allow_preconfig = true},
    {"query-name", query_name, &qmp_type_empty, &name_info,
     .allow_preconfig = true},
    {"query-target", query_target, &qmp_type_empty, &target_info},
    {"query-kvm", query_kvm, &qmp_type_empty, &kvm_info},
    {"query-qmp-schema", qmp_query_qmp_schema, &qmp_type_empty, &qmp_schema_ret,
     .allow_preconfig = true},
    {"cont", cmd_cont, &qmp_type_empty, &qmp_type_empty},
    {"stop", cmd_stop, &qmp_type_empty, &qmp_type_empty},
    {"system_reset", cmd_system_reset, &qmp_type_empty, &qmp_type_empty,
     .reply_after_requests = true},
    {"system_powerdown", cmd_system_powerdown, &qmp_type_empty, &qmp_type_empty,
     .reply_after_requests = true},
    {"quit", cmd_quit, &qmp_type_empty, &qmp_type_empty,
     .allow_preconfig = true},
    {"set-action", cmd_set_action, &set_action_arg, &qmp_type_empty,
     .allow_preconfig = true},
    {"qom-list", qmp_qom_list, &qmp_qom_list_arg, &qmp_qom_list_ret,
     .allow_preconfig = true},
    {"qom-set", qmp_qom_set, &qmp_qom_set_arg, &qmp_type_empty,
     .allow_preconfig = true},
    {"qom-get", qmp_qom_get, &qmp_qom_get_arg, &qmp_type_any,
     .allow_preconfig = true},
    {"qom-list-types", qmp_qom_list_types, &qmp_qom_list_types_arg,
     &qmp_qom_list_types_ret, .allow_preconfig = true},
    {"device-list-properties", qmp_device_list_properties,
     &qmp_device_list_properties_arg, &qmp_device_list_properties_ret},
    {"qom-list-properties", qmp_qom_list_properties,
     &qmp_device_list_properties_arg, &qmp_qom_list_ret,
     .allow_preconfig = true},
    {"query-command-line-options", qmp_query_command_line_options,
     &qmp_command_line_options_arg, &qmp_command_line_options_ret,
     .allow_preconfig = true},
    {"query-uuid", qmp_query_uuid, &qmp_type_empty, &qmp_uuid_info,
     .allow_preconfig = true},
    {"x-exit-preconfig", cmd_x_exit_preconfig, &qmp_type_empty, &qmp_type_empty,
     .allow_preconfig = true},
    {"object-add", qmp_object_add, &qmp_object_add_arg, &qmp_type_empty,
     .allow_preconfig = true},
    {"object-del", qmp_object_del, &qmp_object_del_arg, &qmp_type_empty,
     .allow_preconfig = true},
    {"ringbuf-write", qmp_ringbuf_write, &qmp_ringbuf_write_arg,
     &qmp_type_empty},
    {"ringbuf-read", qmp_ringbuf_read, &qmp_ringbuf_read_arg, &qmp_type_str},
    {VIGIL_QMP_PREFIX "query-panics", qmp_vigil_query_panics, &qmp_type_empty,
     &qmp_vigil_query_panics_ret, .allow_preconfig = true},
    {"human-monitor-command", cmd_hmp, &hmp_arg, &qmp_type_str},
    {"dump-guest-memory", qmp_dump_guest_memory, &qmp_dump_guest_memory_arg,
     &qmp_type_empty},
    {"query-dump", qmp_query_dump, &qmp_type_empty, &qmp_dump_query_result},
    {"query-dump-guest-memory-capability", qmp_query_dump_capability,
     &qmp_type_empty, &qmp_dump_capability_ret},
    {"query-machines", qmp_query_machines, &qmp_query_machines_arg,
     &qmp_query_machines_ret},
    {"query-cpu-definitions", qmp_query_cpu_definitions, &qmp_type_empty,
     &qmp_query_cpu_definitions_ret},
    {"query-cpus-fast", qmp_query_cpus_fast, &qmp_type_empty,
     &qmp_query_cpus_fast_ret},
    {"query-tpm-models", qmp_query_empty_list, &qmp_type_empty,
     &qmp_tpm_models_ret},
    {"query-tpm-types", qmp_query_empty_list, &qmp_type_empty,
     &qmp_tpm_types_ret},
    {"query-migrate-capabilities", qmp_query_migrate_capabilities,
     &qmp_type_empty, &qmp_migrate_capabilities_ret},
    {"migrate-set-capabilities", qmp_migrate_set_capabilities,
     &qmp_migrate_set_capabilities_arg, &qmp_type_empty},
    {"query-block", qmp_query_empty_list, &qmp_type_empty, &qmp_empty_list_ret,
     .allow_preconfig = true},
    {"query-named-block-nodes", qmp_query_empty_list,
     &qmp_named_block_nodes_arg, &qmp_empty_list_ret, .allow_preconfig = true},
    {"query-iothreads", qmp_query_empty_list, &qmp_type_empty,
     &qmp_empty_list_ret, .allow_preconfig = true},
    {"query-jobs", qmp_query_empty_list, &qmp_type_empty, &qmp_empty_list_ret},
    {"getfd", qmp_getfd, &qmp_getfd_arg, &qmp_type_empty},
    {"closefd", qmp_closefd, &qmp_getfd_arg, &qmp_type_empty},
    {"add-fd", qmp_add_fd, &qmp_add_fd_arg, &qmp_add_fd_ret},
    {"remove-fd", qmp_remove_fd, &qmp_remove_fd_arg, &qmp_type_empty},
    {"query-fdsets", qmp_query_fdsets, &qmp_type_empty, &qmp_query_fdsets_ret},
    {"query-chardev", qmp_query_chardev, &qmp_type_empty,
     &qmp_query_chardev_ret, .allow_preconfig = true},
    {"query-pci", qmp_query_pci, &qmp_type_empty, &qmp_query_pci_ret},
};
const size_t qmp_commands_count = G_N_ELEMENTS(qmp_commands);

const QmpCommand *qmp_find_command(const char *name)
{
    for (size_t i = 0; i < qmp_commands_count; i++) {
        if (strcmp(qmp_commands[i].name, name) == 0) {
            return &qmp_commands[i];
        }
    }
    return NULL;
}
