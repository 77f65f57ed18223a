/*
 * Second pass over the command line: the options that need another
 * room's parser (chardevs, monitors, devices) and the help requests that
 * QEMU answers only after the whole command line was read.  Everything
 * here stays in memory; sockets are created later by main().
 */
#include "system/options.h"
#include "qemu/option.h"

#include <stdio.h>
#include <string.h>

#include "hw/boards.h"
#include "hw/catalog.h"
#include "qemu/log.h"
#include "system/qdev-monitor.h"
#include "system/system.h"

static void report(const VigilDeferredOpt *d, const GError *err)
{
    error_report("%s %s: %s", d->opt, d->arg, err->message);
}

/* -mon [chardev=]ID[,mode=control|readline][,pretty=on|off] */
static bool parse_mon(VigilConfig *cfg, const char *arg, GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);
    const char *id = NULL;
    bool control = false, pretty = false;
    VigilMonitorOpt mon;

    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');
        const char *v = eq ? eq + 1 : NULL;

        if (!eq && i == 0) {
            id = parts[i];
        } else if (eq && !strncmp(parts[i], "chardev=", 8)) {
            id = v;
        } else if (eq && !strncmp(parts[i], "mode=", 5)) {
            if (!strcmp(v, "control")) {
                control = true;
            } else if (!strcmp(v, "readline")) {
                control = false;
            } else {
                error_setg(errp,
                           "Parameter 'mode' does not accept value "
                           "'%s'",
                           v);
                return false;
            }
        } else if (eq && !strncmp(parts[i], "pretty=", 7)) {
            if (!strcmp(v, "on")) {
                pretty = true;
            } else if (!strcmp(v, "off")) {
                pretty = false;
            } else {
                error_setg(errp, "Parameter 'pretty' expects 'on' or 'off'");
                return false;
            }
        } else {
            error_setg(errp, "Invalid parameter '%.*s'",
                       (int)(eq ? eq - parts[i] : (long)strlen(parts[i])),
                       parts[i]);
            return false;
        }
    }
    if (!id) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    mon.chr = qemu_chr_find(id);
    if (!mon.chr) {
        error_setg(errp, "chardev \"%s\" not found", id);
        return false;
    }
    if (!control) {
        error_setg(errp, "HMP monitor (mode=readline, the default) is not "
                         "supported; use mode=control");
        return false;
    }
    mon.pretty = pretty;
    g_array_append_val(cfg->monitors, mon);
    return true;
}

static bool add_compat_monitor(VigilConfig *cfg, const char *spec, bool pretty,
                               GError **errp)
{
    /* QEMU numbers only the compat monitors, not -mon ones. */
    g_autofree char *label =
        g_strdup_printf("compat_monitor%u", cfg->nb_compat_monitors++);
    VigilMonitorOpt mon = {.pretty = pretty};

    mon.chr = qemu_chr_parse_compat(label, spec, errp);
    if (!mon.chr) {
        return false;
    }
    g_array_append_val(cfg->monitors, mon);
    return true;
}

static bool uses_stdio(const VigilDeferredOpt *d)
{
    switch (d->kind) {
    case VIGIL_OPT_CHARDEV:
        return !strncmp(d->arg, "stdio", 5) && (d->arg[5] == ',' || !d->arg[5]);
    case VIGIL_OPT_QMP:
    case VIGIL_OPT_QMP_PRETTY:
    case VIGIL_OPT_SERIAL:
        return !strcmp(d->arg, "stdio");
    default:
        return false;
    }
}

/* Run @kind's options (chardev, serial or device) in order through
 * their parser. */
static bool validate_kind(VigilConfig *cfg, VigilDeferredKind kind,
                          int *serial_index)
{
    for (guint i = 0; i < cfg->deferred->len; i++) {
        const VigilDeferredOpt *d =
            &g_array_index(cfg->deferred, VigilDeferredOpt, i);
        g_autoptr(GError) err = NULL;
        bool ok = true;

        if (d->kind != kind) {
            continue;
        }
        if (cfg->daemonize && uses_stdio(d)) {
            error_report("%s %s: cannot use stdio with -daemonize", d->opt,
                         d->arg);
            return false;
        }
        switch (kind) {
        case VIGIL_OPT_CHARDEV:
            ok = qemu_chr_parse_opts(d->arg, &err) != NULL;
            break;
        case VIGIL_OPT_SERIAL: {
            int idx = (*serial_index)++;

            if (strcmp(d->arg, "none")) {
                g_autofree char *label = g_strdup_printf("serial%d", idx);
                Chardev *chr = qemu_chr_parse_compat(label, d->arg, &err);

                ok = chr != NULL;
                serial_hd_set(idx, chr);
            }
            break;
        }
        case VIGIL_OPT_DEVICE:
            ok = qdev_device_parse(d->arg, &err) != NULL;
            break;
        default:
            /* Monitors are handled in their own loop, in order. */
            break;
        }
        if (!ok) {
            report(d, err);
            return false;
        }
    }
    return true;
}

/* -device help requests are answered before anything is parsed. */
static int device_help_status(VigilConfig *cfg)
{
    for (guint i = 0; i < cfg->deferred->len; i++) {
        const VigilDeferredOpt *d =
            &g_array_index(cfg->deferred, VigilDeferredOpt, i);
        int status;

        if (d->kind == VIGIL_OPT_DEVICE) {
            status = qdev_device_help(d->arg);
            if (status >= 0) {
                return status;
            }
        }
    }
    return -1;
}

bool vigil_options_validate(VigilConfig *cfg, int *exit_status)
{
    const MachineClass *mc;
    int serial_index = 0;
    int status;

    *exit_status = 1;
    if (cfg->log_help) {
        qemu_log_print_help();
        return false; /* QEMU exits 1 after -d help */
    }
    if (cfg->machine_help) {
        machine_print_help();
        *exit_status = 0;
        return false;
    }
    if (cfg->cpu_help) {
        printf("Available CPUs:\n"
               "x86 host                  KVM processor with all "
               "supported host features\n");
        *exit_status = 0;
        return false;
    }
    mc = cfg->machine_type ? machine_find_type(cfg->machine_type)
                           : machine_default_type();
    if (!mc) {
        error_report("-machine %s: unsupported machine type; "
                     "use -machine help to list supported machines",
                     cfg->machine_type);
        return false;
    }
    if (cfg->smp_cpus > mc->max_cpus) {
        error_report("Invalid SMP CPUs %u. The max CPUs supported by "
                     "machine '%s' is %u",
                     cfg->smp_cpus, mc->name, mc->max_cpus);
        return false;
    }
    status = device_help_status(cfg);
    if (status >= 0) {
        *exit_status = status;
        return false;
    }
    if (!validate_kind(cfg, VIGIL_OPT_CHARDEV, &serial_index) ||
        !validate_kind(cfg, VIGIL_OPT_SERIAL, &serial_index)) {
        return false;
    }
    /*
     * -nographic only changes the defaults: with -nodefaults (libvirt's
     * probe passes both with -daemonize) it adds nothing.  The stdio
     * serial it would add cannot outlive -daemonize, as in QEMU.
     */
    if (cfg->nographic && !cfg->nodefaults && cfg->nb_serial == 0) {
        g_autoptr(GError) err = NULL;

        if (cfg->daemonize) {
            error_report("-nographic: cannot use stdio with -daemonize");
            return false;
        }
        Chardev *chr = qemu_chr_parse_compat("serial0", "stdio", &err);

        if (!chr) {
            error_report("-nographic: %s", err->message);
            return false;
        }
        serial_hd_set(0, chr);
    }
    for (guint i = 0; i < cfg->deferred->len; i++) {
        /* Monitors keep their command-line order across -mon/-qmp. */
        const VigilDeferredOpt *d =
            &g_array_index(cfg->deferred, VigilDeferredOpt, i);
        g_autoptr(GError) err = NULL;
        bool ok = true;

        if (cfg->daemonize && uses_stdio(d) &&
            (d->kind == VIGIL_OPT_QMP || d->kind == VIGIL_OPT_QMP_PRETTY)) {
            error_report("%s %s: cannot use stdio with -daemonize", d->opt,
                         d->arg);
            return false;
        }
        if (d->kind == VIGIL_OPT_MON) {
            ok = parse_mon(cfg, d->arg, &err);
        } else if (d->kind == VIGIL_OPT_QMP ||
                   d->kind == VIGIL_OPT_QMP_PRETTY) {
            ok = add_compat_monitor(cfg, d->arg,
                                    d->kind == VIGIL_OPT_QMP_PRETTY, &err);
        }
        if (!ok) {
            report(d, err);
            return false;
        }
    }
    if (cfg->qtest_spec) {
        g_autoptr(GError) err = NULL;

        if (cfg->daemonize && !strcmp(cfg->qtest_spec, "stdio")) {
            error_report("-qtest stdio: cannot use stdio with -daemonize");
            return false;
        }
        cfg->qtest_chr = qemu_chr_parse_compat("qtest", cfg->qtest_spec, &err);
        if (!cfg->qtest_chr) {
            error_report("-qtest %s: %s", cfg->qtest_spec, err->message);
            return false;
        }
    }
    if (!validate_kind(cfg, VIGIL_OPT_DEVICE, &serial_index)) {
        return false;
    }
    *exit_status = 0;
    return true;
}
