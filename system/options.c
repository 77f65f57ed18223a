/*
 * The option table and the first parsing pass.
 *
 * Every option is one row: name, whether it takes an argument, handler.
 * Handlers only record into VigilConfig or check a value; nothing here
 * opens a file or a socket.  The settings other rooms read are set from
 * here but live below (autostart in runstate, qemu_name and the serial
 * ports in system/system.c), so that those rooms need not reach up.
 * Options with key=value lists check their keys against a CmdlineParam
 * table, the same one query-command-line-options reports.  -machine and
 * the options libvirt adds are in options-machine.c.
 */
#include "system/options.h"
#include "qemu/cutils.h"
#include "options-internal.h"
#include "qemu/option.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "qemu/fdset.h"
#include "qemu/log.h"
#include "hw/char/serial.h"
#include "system/accel.h"
#include "system/runstate.h"
#include "system/system.h"

typedef struct VigilOption {
    const char *name; /* without the leading dash */
    bool has_arg;
    /* Returns false with errp set; or sets *exit_status >= 0 to stop. */
    bool (*handler)(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp);
    /*
     * Options with no handler are only recorded, in order, for the
     * validate step (they need the device and chardev layers).
     */
    VigilDeferredKind deferred;
    /*
     * Options that take key=value lists: QEMU's name for the option
     * group and the keys it accepts (query-command-line-options).  The
     * handlers check keys against the same table.
     */
    const char *group;
    const CmdlineParam *params;
} VigilOption;

bool vigil_is_help(const char *arg)
{
    return !strcmp(arg, "help") || !strcmp(arg, "?");
}

static void defer(VigilConfig *cfg, VigilDeferredKind kind, const char *opt,
                  const char *arg)
{
    VigilDeferredOpt d = {.kind = kind, .opt = opt, .arg = arg};

    g_array_append_val(cfg->deferred, d);
}

/* Record one accelerator name (tried in order by accel_choose()). */
static bool add_accel(VigilConfig *cfg, const char *name, GError **errp)
{
    if (!accel_find(name)) {
        error_setg(errp, "invalid accelerator %s", name);
        return false;
    }
    g_ptr_array_add(cfg->accels, g_strdup(name));
    return true;
}

bool vigil_add_accel_list(VigilConfig *cfg, const char *list, GError **errp)
{
    g_auto(GStrv) names = g_strsplit(list, ":", -1);

    for (int i = 0; names[i]; i++) {
        if (!add_accel(cfg, names[i], errp)) {
            return false;
        }
    }
    return true;
}

static const CmdlineParam accel_params[] = {
    {"accel", CMDLINE_PARAM_STRING, "accelerator"},
    {"kernel-irqchip", CMDLINE_PARAM_STRING, "on (the only choice)"},
    {"thread", CMDLINE_PARAM_STRING, "single or multi (accepted)"},
    {NULL},
};

/* KVM here always uses the in-kernel irqchip; say so for anything else. */
bool vigil_check_kernel_irqchip(const char *v, GError **errp)
{
    bool on;

    if (v && (!qemu_parse_bool("kernel-irqchip", v, &on, NULL) || !on)) {
        error_setg(errp,
                   "kernel-irqchip=%s: Vigil's KVM always uses the "
                   "in-kernel irqchip (kernel-irqchip=on)",
                   v);
        return false;
    }
    return true;
}

static bool opt_accel(VigilConfig *cfg, const char *arg, int *exit_status,
                      GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);
    g_autofree char *prefix = NULL;
    g_autoptr(GHashTable) opts = NULL;
    const char *name;

    if (vigil_is_help(arg)) {
        accel_print_help();
        *exit_status = 0;
        return true;
    }
    prefix = g_strdup_printf(
        "%s-accel", parts[0] && !strchr(parts[0], '=') ? parts[0] : "accel");
    opts = vigil_opts_parse(arg, accel_params, true, prefix, errp);
    if (!opts || !vigil_check_kernel_irqchip(
                     g_hash_table_lookup(opts, "kernel-irqchip"), errp)) {
        return false;
    }
    name = g_hash_table_lookup(opts, "accel");
    if (!name) {
        error_setg(errp, "Parameter 'accel' is missing");
        return false;
    }
    if (cfg->accel_from_machine) {
        error_setg(errp, "The -accel and \"-machine accel=\" options are "
                         "incompatible");
        return false;
    }
    if (accel_find(name) == &accel_tcg_ops) {
        /* Alone it can never work: say so now, not after start-up. */
        return accel_tcg_ops.available(errp);
    }
    cfg->accel_from_option = true;
    return add_accel(cfg, name, errp);
}

static bool opt_enable_kvm(VigilConfig *cfg, const char *arg, int *exit_status,
                           GError **errp)
{
    return opt_accel(cfg, "kvm", exit_status, errp);
}

static bool opt_m(VigilConfig *cfg, const char *arg, int *exit_status,
                  GError **errp)
{
    return vigil_parse_ram_size(arg, &cfg->ram_size, errp);
}

static bool opt_smp(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    if (!vigil_parse_smp_config(arg, &cfg->smp, errp)) {
        return false;
    }
    cfg->smp_cpus = cfg->smp.cpus;
    return true;
}

static bool opt_cpu(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    cfg->cpu_model = arg;
    cfg->cpu_help = vigil_is_help(arg);
    return true;
}

static bool opt_serial(VigilConfig *cfg, const char *arg, int *exit_status,
                       GError **errp)
{
    if (cfg->nb_serial >= MAX_SERIAL_PORTS) {
        error_setg(errp, "too many serial ports (at most %d)",
                   MAX_SERIAL_PORTS);
        return false;
    }
    cfg->nb_serial++;
    defer(cfg, VIGIL_OPT_SERIAL, "-serial", arg);
    return true;
}

static bool opt_qtest(VigilConfig *cfg, const char *arg, int *exit_status,
                      GError **errp)
{
    cfg->qtest_spec = arg;
    return true;
}

static bool opt_qtest_log(VigilConfig *cfg, const char *arg, int *exit_status,
                          GError **errp)
{
    cfg->qtest_log = arg;
    qtest_log_arg = arg;
    return true;
}

static bool opt_S(VigilConfig *cfg, const char *arg, int *exit_status,
                  GError **errp)
{
    autostart = false;
    return true;
}

static bool opt_preconfig(VigilConfig *cfg, const char *arg, int *exit_status,
                          GError **errp)
{
    cfg->preconfig = true;
    return true;
}

static bool opt_no_shutdown(VigilConfig *cfg, const char *arg, int *exit_status,
                            GError **errp)
{
    return runstate_set_action("shutdown", "pause", errp);
}

static bool opt_no_reboot(VigilConfig *cfg, const char *arg, int *exit_status,
                          GError **errp)
{
    return runstate_set_action("reboot", "shutdown", errp);
}

static bool opt_action(VigilConfig *cfg, const char *arg, int *exit_status,
                       GError **errp)
{
    if (vigil_is_help(arg)) {
        runstate_print_action_help();
        *exit_status = 1; /* QEMU exits 1 after -action help */
        return true;
    }
    return vigil_parse_action(arg, errp);
}

static bool opt_watchdog_action(VigilConfig *cfg, const char *arg,
                                int *exit_status, GError **errp)
{
    return runstate_set_action("watchdog", arg, errp);
}

static bool opt_pidfile(VigilConfig *cfg, const char *arg, int *exit_status,
                        GError **errp)
{
    cfg->pidfile = arg;
    return true;
}

static bool opt_daemonize(VigilConfig *cfg, const char *arg, int *exit_status,
                          GError **errp)
{
    cfg->daemonize = true;
    return true;
}

static bool opt_version(VigilConfig *cfg, const char *arg, int *exit_status,
                        GError **errp)
{
    printf("QEMU emulator version %d.%d.%d (vigil-%s)\n", VIGIL_QEMU_MAJOR,
           VIGIL_QEMU_MINOR, VIGIL_QEMU_MICRO, VIGIL_VERSION);
    printf("Vigil %s: a small QEMU-compatible VMM, "
           "wire-compatible with QEMU %d.%d\n",
           VIGIL_VERSION, VIGIL_QEMU_MAJOR, VIGIL_QEMU_MINOR);
    *exit_status = 0;
    return true;
}

static bool opt_help(VigilConfig *cfg, const char *arg, int *exit_status,
                     GError **errp);

static bool opt_d(VigilConfig *cfg, const char *arg, int *exit_status,
                  GError **errp)
{
    if (vigil_is_help(arg)) {
        cfg->log_help = true;
        return true;
    }
    return qemu_log_parse(arg, &cfg->log_mask, errp);
}

static bool opt_D(VigilConfig *cfg, const char *arg, int *exit_status,
                  GError **errp)
{
    cfg->log_file = arg;
    return true;
}

static const CmdlineParam msg_params[] = {
    {"timestamp", CMDLINE_PARAM_BOOLEAN},
    {"guest-name", CMDLINE_PARAM_BOOLEAN},
    {NULL},
};

static bool opt_msg(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, msg_params, false, NULL, errp);

    if (!opts) {
        return false;
    }
    /* guest-name= prefixes messages with -name, which Vigil accepts. */
    cfg->msg_timestamp =
        vigil_opts_get_bool(opts, "timestamp", cfg->msg_timestamp);
    error_set_timestamps(cfg->msg_timestamp);
    return true;
}

static bool opt_display(VigilConfig *cfg, const char *arg, int *exit_status,
                        GError **errp)
{
    if (strcmp(arg, "none") && strncmp(arg, "none,", 5)) {
        error_setg(errp, "Vigil has no display support; "
                         "use -display none");
        return false;
    }
    return true;
}

static const CmdlineParam run_with_params[] = {
    {"exit-with-parent", CMDLINE_PARAM_BOOLEAN},
    {NULL},
};

static bool opt_run_with(VigilConfig *cfg, const char *arg, int *exit_status,
                         GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, run_with_params, false, NULL, errp);

    if (!opts) {
        return false;
    }
    cfg->exit_with_parent =
        vigil_opts_get_bool(opts, "exit-with-parent", cfg->exit_with_parent);
    return true;
}

static bool opt_nodefaults(VigilConfig *cfg, const char *arg, int *exit_status,
                           GError **errp)
{
    cfg->nodefaults = true;
    return true;
}

static bool opt_no_user_config(VigilConfig *cfg, const char *arg,
                               int *exit_status, GError **errp)
{
    cfg->no_user_config = true; /* Vigil reads no config files anyway */
    return true;
}

static bool opt_nographic(VigilConfig *cfg, const char *arg, int *exit_status,
                          GError **errp)
{
    cfg->nographic = true;
    qemu_nographic = true; /* fw_cfg reads it (system/system.h) */
    return true;
}

static bool opt_kernel(VigilConfig *cfg, const char *arg, int *exit_status,
                       GError **errp)
{
    cfg->kernel = arg;
    return true;
}

static bool opt_initrd(VigilConfig *cfg, const char *arg, int *exit_status,
                       GError **errp)
{
    cfg->initrd = arg;
    return true;
}

static bool opt_append(VigilConfig *cfg, const char *arg, int *exit_status,
                       GError **errp)
{
    cfg->append = arg;
    return true;
}

static bool opt_bios(VigilConfig *cfg, const char *arg, int *exit_status,
                     GError **errp)
{
    cfg->bios = arg;
    return true;
}

/* -add-fd: checked and dup'ed into its set now (util/fdset.c). */
static bool opt_add_fd(VigilConfig *cfg, const char *arg, int *exit_status,
                       GError **errp)
{
    return fdset_parse_add_fd(arg, errp);
}

static bool opt_trace(VigilConfig *cfg, const char *arg, int *exit_status,
                      GError **errp)
{
    warn_report("-trace %s: trace events are not supported, ignored", arg);
    return true;
}

/* -add-fd's keys (util/fdset.c parses them). */
static const CmdlineParam add_fd_params[] = {
    {"fd", CMDLINE_PARAM_NUMBER},
    {"set", CMDLINE_PARAM_NUMBER},
    {"opaque", CMDLINE_PARAM_STRING},
    {NULL},
};

/* Keys that depend on the driver or type, reported empty as QEMU does. */
static const CmdlineParam by_driver[] = {{NULL}};

static const VigilOption vigil_options[] = {
    {"accel", true, opt_accel, .group = "accel", .params = accel_params},
    {"action", true, opt_action, .group = "action",
     .params = vigil_action_params},
    {"add-fd", true, opt_add_fd, .group = "add-fd", .params = add_fd_params},
    {"append", true, opt_append},
    {"audio", true, opt_audio, .group = "audio", .params = vigil_audio_params},
    {"audiodev", true, opt_audiodev, .group = "audiodev",
     .params = vigil_audiodev_params},
    {"bios", true, opt_bios},
    {"boot", true, opt_boot, .group = "boot-opts", .params = vigil_boot_params},
    {"chardev", true, NULL, VIGIL_OPT_CHARDEV, "chardev", by_driver},
    {"cpu", true, opt_cpu},
    {"D", true, opt_D},
    {"d", true, opt_d},
    {"daemonize", false, opt_daemonize},
    {"device", true, NULL, VIGIL_OPT_DEVICE, "device", by_driver},
    {"display", true, opt_display},
    {"enable-kvm", false, opt_enable_kvm},
    {"global", true, opt_global},
    {"h", false, opt_help},
    {"help", false, opt_help},
    {"initrd", true, opt_initrd},
    {"kernel", true, opt_kernel},
    {"M", true, opt_machine, .group = "machine",
     .params = vigil_machine_params},
    {"m", true, opt_m, .group = "memory", .params = vigil_memory_params},
    {"machine", true, opt_machine, .group = "machine",
     .params = vigil_machine_params},
    {"mon", true, NULL, VIGIL_OPT_MON, "mon", vigil_mon_params},
    {"msg", true, opt_msg, .group = "msg", .params = msg_params},
    {"name", true, opt_name, .group = "name", .params = vigil_name_params},
    {"no-reboot", false, opt_no_reboot},
    {"no-shutdown", false, opt_no_shutdown},
    {"no-user-config", false, opt_no_user_config},
    {"nodefaults", false, opt_nodefaults},
    {"nographic", false, opt_nographic},
    {"object", true, NULL, VIGIL_OPT_OBJECT, "object", by_driver},
    {"panic-dump", true, opt_panic_dump},
    {"panic-record", true, opt_panic_record},
    {"preconfig", false, opt_preconfig},
    {"panic-restart", true, opt_panic_restart},
    {"overcommit", true, opt_overcommit, .group = "overcommit",
     .params = vigil_overcommit_params},
    {"pidfile", true, opt_pidfile},
    {"qmp", true, NULL, VIGIL_OPT_QMP},
    {"qmp-pretty", true, NULL, VIGIL_OPT_QMP_PRETTY},
    {"qtest", true, opt_qtest},
    {"qtest-log", true, opt_qtest_log},
    {"rtc", true, opt_rtc, .group = "rtc", .params = vigil_rtc_params},
    {"run-with", true, opt_run_with, .group = "run-with",
     .params = run_with_params},
    {"S", false, opt_S},
    {"serial", true, opt_serial},
    {"smp", true, opt_smp, .group = "smp-opts", .params = vigil_smp_params},
    {"trace", true, opt_trace},
    {"uuid", true, opt_uuid},
    {"version", false, opt_version},
    {"watchdog-action", true, opt_watchdog_action},
};

const CmdlineOption *vigil_cmdline_options(size_t *count)
{
    static CmdlineOption list[G_N_ELEMENTS(vigil_options)];
    static size_t n;
    static bool built;

    /* One entry per group (-M and -machine share "machine"). */
    for (size_t i = 0; !built && i < G_N_ELEMENTS(vigil_options); i++) {
        const VigilOption *o = &vigil_options[i];
        bool dup = false;

        for (size_t j = 0; j < i && o->group; j++) {
            dup |= vigil_options[j].group &&
                   !strcmp(vigil_options[j].group, o->group);
        }
        if (o->group && !dup) {
            list[n].name = o->group;
            list[n].params = o->params;
            n++;
        }
    }
    built = true;
    *count = n;
    return list;
}

static const VigilOption *option_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(vigil_options); i++) {
        if (!strcmp(vigil_options[i].name, name)) {
            return &vigil_options[i];
        }
    }
    return NULL;
}

/* Usage text: one line per option, in the table's spirit. */
static const char usage_text[] =
    "Standard options:\n"
    "-h or -help              display this help and exit\n"
    "-version                 display version information and exit\n"
    "-machine [type=]name[,accel=qtest|kvm]\n"
    "                         select the machine ('-machine help' lists)\n"
    "-accel qtest|kvm         select the accelerator ('-accel help' lists)\n"
    "-enable-kvm              same as -accel kvm\n"
    "-cpu model               select the CPU model (default: host)\n"
    "-m [size=]megs           guest RAM (suffixes k, M, G, T)\n"
    "-smp [cpus=]n            number of vCPUs\n"
    "-name [guest=]name[,process=p][,debug-threads=on|off]\n"
    "                         name the guest, the process, the threads\n"
    "-uuid uuid               the VM's UUID (query-uuid)\n"
    "-object type,id=id[,...] secret, memory-backend-ram|memfd|file\n"
    "                         (also JSON); -machine memory-backend=id\n"
    "-overcommit mem-lock=on|off\n"
    "                         lock all memory, guest RAM included\n"
    "-rtc base=utc|localtime|date\n"
    "                         the time the guest's RTC starts from\n"
    "-boot [order=]drives[,strict=on|off,...]\n"
    "                         checked and recorded (no firmware reads it)\n"
    "-audiodev none,id=id     no audio (also JSON)\n"
    "\nDevices and character devices:\n"
    "-device driver[,prop=value][,...]\n"
    "                         add a device ('-device help', "
    "'-device driver,help')\n"
    "-chardev backend,id=id[,...]\n"
    "                         socket (path= or host=,port=; server=on|off,\n"
    "                         wait=on|off), stdio, null, file (path=)\n"
    "-serial dev              serial port (up to 4; 'none' skips one)\n"
    "-nographic               put serial0 on stdio\n"
    "-nodefaults              create no default devices\n"
    "-no-user-config          read no user configuration (accepted)\n"
    "\nMonitor and debugging:\n"
    "-qmp dev                 QMP monitor on a chardev (compat syntax)\n"
    "-qmp-pretty dev          the same, pretty-printed JSON\n"
    "-mon [chardev=]id,mode=control[,pretty=on|off]\n"
    "                         QMP monitor on a -chardev\n"
    "-qtest dev               qtest protocol on a chardev\n"
    "-qtest-log file|none     qtest log (default: stderr)\n"
    "-d item1[,...]           enable log items ('-d help' lists)\n"
    "-D logfile               log to logfile instead of stderr\n"
    "-msg timestamp=on|off    timestamps on error messages\n"
    "-trace ...               accepted and ignored\n"
    "\nRun state:\n"
    "-S                       do not start vCPUs (use 'cont' over QMP)\n"
    "-no-shutdown             same as -action shutdown=pause\n"
    "-no-reboot               same as -action reboot=shutdown\n"
    "-action panic=pause|shutdown|exit-failure|none,shutdown=poweroff|pause,\n"
    "        reboot=reset|shutdown,watchdog=...\n"
    "                         what guest events do ('-action help')\n"
    "-watchdog-action action  same as -action watchdog=action\n"
    "\nLinux boot:\n"
    "-kernel bzImage          boot this Linux kernel directly\n"
    "-bios file               firmware image mapped below 4 GiB\n"
    "-initrd file             initial ram disk\n"
    "-append cmdline          kernel command line\n"
    "\nProcess:\n"
    "-daemonize               detach once start-up has finished\n"
    "-pidfile file            write the process id to file\n"
    "-add-fd set=N,fd=M[,opaque=text]\n"
    "                         put inherited fd M in set N (path /dev/fdset/N)\n"
    "-run-with exit-with-parent=on|off\n"
    "                         exit when the parent process exits\n"
    "-display none            no display (the only choice)\n"
    "-audio none              no audio (the only choice)\n"
    "\nExit status: 0 on normal exit, 1 on error or panic=exit-failure.\n";

static bool opt_help(VigilConfig *cfg, const char *arg, int *exit_status,
                     GError **errp)
{
    printf("QEMU emulator version %d.%d.%d (vigil-%s)\n"
           "usage: %s [options]\n\n%s",
           VIGIL_QEMU_MAJOR, VIGIL_QEMU_MINOR, VIGIL_QEMU_MICRO, VIGIL_VERSION,
           error_get_progname(), usage_text);
    *exit_status = 0;
    return true;
}

void vigil_config_init(VigilConfig *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->deferred = g_array_new(false, false, sizeof(VigilDeferredOpt));
    cfg->accels = g_ptr_array_new_with_free_func(g_free);
    cfg->monitors = g_array_new(false, false, sizeof(VigilMonitorOpt));
    cfg->audiodevs = g_ptr_array_new_with_free_func(g_free);
    cfg->dump_guest_core = true;
    cfg->mem_merge = true;
    cfg->panic_record.history = PANIC_RECORD_HISTORY_DEFAULT;
    cfg->console_tail = SERIAL_TAIL_DEFAULT;
}

void vigil_config_free(VigilConfig *cfg)
{
    g_clear_pointer(&cfg->deferred, g_array_unref);
    g_clear_pointer(&cfg->accels, g_ptr_array_unref);
    g_clear_pointer(&cfg->monitors, g_array_unref);
    g_clear_pointer(&cfg->machine_type, g_free);
    g_clear_pointer(&cfg->memory_backend, g_free);
    g_clear_pointer(&cfg->process_name, g_free);
    g_clear_pointer(&cfg->boot.order, g_free);
    g_clear_pointer(&cfg->panic_record.dir, g_free);
    g_clear_pointer(&cfg->panic_dump.dir, g_free);
    g_clear_pointer(&cfg->boot.once, g_free);
    g_clear_pointer(&cfg->boot.splash, g_free);
    g_clear_pointer(&cfg->audiodevs, g_ptr_array_unref);
    if (qemu_name == cfg->name) {
        qemu_name = NULL;
    }
    g_clear_pointer(&cfg->name, g_free);
    boot_config = (BootConfig){0};
    machine_opts = (MachineOptions){0};
    qtest_log_arg = NULL;
    qemu_nographic = false;
}

bool vigil_options_parse(VigilConfig *cfg, int argc, char **argv,
                         int *exit_status)
{
    for (int i = 1; i < argc; i++) {
        const char *word = argv[i];
        const char *name = word;
        const VigilOption *o;
        const char *arg = NULL;
        g_autoptr(GError) err = NULL;
        int status = -1;

        if (name[0] != '-') {
            error_report("%s: disk images are not supported "
                         "(Vigil has no block devices)",
                         word);
            *exit_status = 1;
            return false;
        }
        name++;
        if (name[0] == '-') {
            name++; /* --option works as in QEMU */
        }
        o = option_find(name);
        if (!o) {
            error_report("%s: invalid option", word);
            *exit_status = 1;
            return false;
        }
        if (o->has_arg) {
            if (i + 1 >= argc) {
                error_report("%s: requires an argument", word);
                *exit_status = 1;
                return false;
            }
            arg = argv[++i];
        }
        if (!o->handler) {
            defer(cfg, o->deferred, word, arg);
            continue;
        }
        if (!o->handler(cfg, arg, &status, &err)) {
            if (arg) {
                error_report("%s %s: %s", word, arg, err->message);
            } else {
                error_report("%s: %s", word, err->message);
            }
            *exit_status = 1;
            return false;
        }
        if (status >= 0) {
            *exit_status = status;
            return false;
        }
    }
    error_set_timestamps(cfg->msg_timestamp);
    return true;
}
