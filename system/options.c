/*
 * The option table and the first parsing pass.
 *
 * Every option is one row: name, whether it takes an argument, handler.
 * Handlers only record into VigilConfig or check a value; nothing here
 * opens a file or a socket.  The settings other rooms read are set from
 * here but live below (autostart in runstate, qemu_name and the serial
 * ports in system/system.c), so that those rooms need not reach up.
 */
#include "system/options.h"
#include "qemu/option.h"

#include <stdio.h>
#include <string.h>

#include "qemu/log.h"
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
} VigilOption;

/* "on"/"off" (QEMU's wording for anything else). */
static bool parse_on_off(const char *key, const char *value, bool *out,
                         GError **errp)
{
    if (!strcmp(value, "on")) {
        *out = true;
    } else if (!strcmp(value, "off")) {
        *out = false;
    } else {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}

static bool is_help(const char *arg)
{
    return !strcmp(arg, "help") || !strcmp(arg, "?");
}

static void defer(VigilConfig *cfg, VigilDeferredKind kind, const char *opt,
                  const char *arg)
{
    VigilDeferredOpt d = {.kind = kind, .opt = opt, .arg = arg};

    g_array_append_val(cfg->deferred, d);
}

/* Record one accelerator name; "tcg" gets its own explanation. */
static bool add_accel(VigilConfig *cfg, const char *name, GError **errp)
{
    /*
     * "tcg" is recorded so that an accel= list such as libvirt's probe
     * "kvm:tcg" is tried in order; accel_choose() says why it cannot be
     * used if it is ever reached.
     */
    if (strcmp(name, "tcg") != 0 && !accel_find(name)) {
        error_setg(errp, "invalid accelerator %s", name);
        return false;
    }
    g_ptr_array_add(cfg->accels, g_strdup(name));
    return true;
}

static bool add_accel_list(VigilConfig *cfg, const char *list, GError **errp)
{
    g_auto(GStrv) names = g_strsplit(list, ":", -1);

    for (int i = 0; names[i]; i++) {
        if (!add_accel(cfg, names[i], errp)) {
            return false;
        }
    }
    return true;
}

static bool opt_accel(VigilConfig *cfg, const char *arg, int *exit_status,
                      GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);
    const char *name = NULL;

    if (is_help(arg)) {
        accel_print_help();
        *exit_status = 0;
        return true;
    }
    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');

        if (!eq && i == 0) {
            name = parts[i];
        } else if (eq && !strncmp(parts[i], "accel=", 6)) {
            name = eq + 1;
        } else if (eq && (!strncmp(parts[i], "kernel-irqchip=", 15) ||
                          !strncmp(parts[i], "thread=", 7))) {
            continue; /* KVM always uses the in-kernel irqchip */
        } else {
            error_setg(errp, "Property '%s-accel.%.*s' not found",
                       name ? name : "accel",
                       (int)(eq ? eq - parts[i] : (long)strlen(parts[i])),
                       parts[i]);
            return false;
        }
    }
    if (!name) {
        error_setg(errp, "Parameter 'accel' is missing");
        return false;
    }
    if (cfg->accel_from_machine) {
        error_setg(errp, "The -accel and \"-machine accel=\" options are "
                         "incompatible");
        return false;
    }
    if (!strcmp(name, "tcg")) {
        /* Alone it can never work: say so now, not after start-up. */
        error_setg(errp, "Vigil has no TCG accelerator; "
                         "use -accel kvm or -accel qtest");
        return false;
    }
    cfg->accel_from_option = true;
    return add_accel(cfg, name, errp);
}

static bool opt_enable_kvm(VigilConfig *cfg, const char *arg, int *exit_status,
                           GError **errp)
{
    return opt_accel(cfg, "kvm", exit_status, errp);
}

static bool opt_machine(VigilConfig *cfg, const char *arg, int *exit_status,
                        GError **errp)
{
    static const char *const ignored[] = {
        "usb",  "vmport", "dump-guest-core", "mem-merge", "kernel-irqchip",
        "hpet", "smm",    "graphics",        NULL,
    };
    g_auto(GStrv) parts = qemu_opts_split(arg);

    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');
        g_autofree char *key = NULL;

        if (!eq && i == 0) {
            g_free(cfg->machine_type);
            cfg->machine_type = g_strdup(parts[i]);
            continue;
        }
        key = eq ? g_strndup(parts[i], eq - parts[i]) : g_strdup(parts[i]);
        if (!strcmp(key, "type") && eq) {
            g_free(cfg->machine_type);
            cfg->machine_type = g_strdup(eq + 1);
        } else if (!strcmp(key, "accel") && eq) {
            if (cfg->accel_from_option) {
                error_setg(errp, "The -accel and \"-machine accel=\" "
                                 "options are incompatible");
                return false;
            }
            cfg->accel_from_machine = true;
            if (!add_accel_list(cfg, eq + 1, errp)) {
                return false;
            }
        } else if (!g_strv_contains(ignored, key)) {
            error_setg(errp, "Property '%s-machine.%s' not found",
                       cfg->machine_type ? cfg->machine_type : "pc", key);
            return false;
        }
    }
    if (cfg->machine_type && is_help(cfg->machine_type)) {
        cfg->machine_help = true;
    }
    return true;
}

static bool opt_m(VigilConfig *cfg, const char *arg, int *exit_status,
                  GError **errp)
{
    return vigil_parse_ram_size(arg, &cfg->ram_size, errp);
}

static bool opt_smp(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    return vigil_parse_smp(arg, &cfg->smp_cpus, errp);
}

static bool opt_cpu(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    cfg->cpu_model = arg;
    cfg->cpu_help = is_help(arg);
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
    return true;
}

static bool opt_S(VigilConfig *cfg, const char *arg, int *exit_status,
                  GError **errp)
{
    autostart = false;
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
    if (is_help(arg)) {
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

static bool opt_name(VigilConfig *cfg, const char *arg, int *exit_status,
                     GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);

    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');

        if (!eq && i == 0) {
            g_free(cfg->name);
            cfg->name = g_strdup(parts[i]);
        } else if (eq && !strncmp(parts[i], "guest=", 6)) {
            g_free(cfg->name);
            cfg->name = g_strdup(eq + 1);
        } else if (eq && (!strncmp(parts[i], "process=", 8) ||
                          !strncmp(parts[i], "debug-threads=", 14))) {
            continue;
        } else {
            error_setg(errp, "Invalid parameter '%.*s'",
                       (int)(eq ? eq - parts[i] : (long)strlen(parts[i])),
                       parts[i]);
            return false;
        }
    }
    qemu_name = cfg->name;
    return true;
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
    if (is_help(arg)) {
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

static bool opt_msg(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);

    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');
        bool ignored;

        if (eq && !strncmp(parts[i], "timestamp=", 10)) {
            if (!parse_on_off("timestamp", eq + 1, &cfg->msg_timestamp, errp)) {
                return false;
            }
        } else if (eq && !strncmp(parts[i], "guest-name=", 11)) {
            if (!parse_on_off("guest-name", eq + 1, &ignored, errp)) {
                return false;
            }
        } else {
            error_setg(errp, "Invalid parameter '%.*s'",
                       (int)(eq ? eq - parts[i] : (long)strlen(parts[i])),
                       parts[i]);
            return false;
        }
    }
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

static bool opt_audio(VigilConfig *cfg, const char *arg, int *exit_status,
                      GError **errp)
{
    if (strcmp(arg, "none") && strcmp(arg, "driver=none") &&
        strncmp(arg, "none,", 5) && strncmp(arg, "driver=none,", 12)) {
        error_setg(errp, "Vigil has no audio support; use -audio none");
        return false;
    }
    return true;
}

static bool opt_run_with(VigilConfig *cfg, const char *arg, int *exit_status,
                         GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);

    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');

        if (eq && !strncmp(parts[i], "exit-with-parent=", 17)) {
            if (!parse_on_off("exit-with-parent", eq + 1,
                              &cfg->exit_with_parent, errp)) {
                return false;
            }
        } else {
            error_setg(errp, "Invalid parameter '%.*s'",
                       (int)(eq ? eq - parts[i] : (long)strlen(parts[i])),
                       parts[i]);
            return false;
        }
    }
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

static bool opt_trace(VigilConfig *cfg, const char *arg, int *exit_status,
                      GError **errp)
{
    warn_report("-trace %s: trace events are not supported, ignored", arg);
    return true;
}

static const VigilOption vigil_options[] = {
    {"accel", true, opt_accel},
    {"action", true, opt_action},
    {"append", true, opt_append},
    {"audio", true, opt_audio},
    {"bios", true, opt_bios},
    {"chardev", true, NULL, VIGIL_OPT_CHARDEV},
    {"cpu", true, opt_cpu},
    {"D", true, opt_D},
    {"d", true, opt_d},
    {"daemonize", false, opt_daemonize},
    {"device", true, NULL, VIGIL_OPT_DEVICE},
    {"display", true, opt_display},
    {"enable-kvm", false, opt_enable_kvm},
    {"h", false, opt_help},
    {"help", false, opt_help},
    {"initrd", true, opt_initrd},
    {"kernel", true, opt_kernel},
    {"M", true, opt_machine},
    {"m", true, opt_m},
    {"machine", true, opt_machine},
    {"mon", true, NULL, VIGIL_OPT_MON},
    {"msg", true, opt_msg},
    {"name", true, opt_name},
    {"no-reboot", false, opt_no_reboot},
    {"no-shutdown", false, opt_no_shutdown},
    {"no-user-config", false, opt_no_user_config},
    {"nodefaults", false, opt_nodefaults},
    {"nographic", false, opt_nographic},
    {"pidfile", true, opt_pidfile},
    {"qmp", true, NULL, VIGIL_OPT_QMP},
    {"qmp-pretty", true, NULL, VIGIL_OPT_QMP_PRETTY},
    {"qtest", true, opt_qtest},
    {"qtest-log", true, opt_qtest_log},
    {"run-with", true, opt_run_with},
    {"S", false, opt_S},
    {"serial", true, opt_serial},
    {"smp", true, opt_smp},
    {"trace", true, opt_trace},
    {"version", false, opt_version},
    {"watchdog-action", true, opt_watchdog_action},
};

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
    "-name name               name the guest\n"
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
}

void vigil_config_free(VigilConfig *cfg)
{
    g_clear_pointer(&cfg->deferred, g_array_unref);
    g_clear_pointer(&cfg->accels, g_ptr_array_unref);
    g_clear_pointer(&cfg->monitors, g_array_unref);
    g_clear_pointer(&cfg->machine_type, g_free);
    if (qemu_name == cfg->name) {
        qemu_name = NULL;
    }
    g_clear_pointer(&cfg->name, g_free);
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
