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
#include "hw/i386/cpu-models.h"
#include "qemu/log.h"
#include "qom/object.h"
#include "system/qdev-monitor.h"
#include "system/system.h"

static void report(const VigilDeferredOpt *d, const GError *err)
{
    error_report("%s %s: %s", d->opt, d->arg, err->message);
}

const CmdlineParam vigil_mon_params[] = {
    {"chardev", CMDLINE_PARAM_STRING},
    {"id", CMDLINE_PARAM_STRING}, /* names the monitor; nothing refers to it */
    {"mode", CMDLINE_PARAM_STRING},
    {"pretty", CMDLINE_PARAM_BOOLEAN},
    {NULL},
};

/* -mon [chardev=]ID[,mode=control|readline][,pretty=on|off] */
static bool parse_mon(VigilConfig *cfg, const char *arg, GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, vigil_mon_params, true, NULL, errp);
    const char *id, *mode;
    VigilMonitorOpt mon;

    if (!opts) {
        return false;
    }
    id = g_hash_table_lookup(opts, "chardev");
    mode = g_hash_table_lookup(opts, "mode");
    if (mode && strcmp(mode, "control") && strcmp(mode, "readline")) {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'", mode);
        return false;
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
    if (!mode || strcmp(mode, "control")) {
        error_setg(errp, "HMP monitor (mode=readline, the default) is not "
                         "supported; use mode=control");
        return false;
    }
    mon.pretty = vigil_opts_get_bool(opts, "pretty", false);
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
        case VIGIL_OPT_OBJECT:
            ok = user_object_parse(d->arg, &err) != NULL;
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

/*
 * -machine memory-backend=ID: the backend exists and its size is -m's
 * (or defines it), as QEMU checks.
 */
static bool validate_ram_backend(VigilConfig *cfg, const MachineClass *mc)
{
    g_autoptr(GError) err = NULL;
    uint64_t size;

    if (!cfg->memory_backend) {
        /* QEMU keeps the id of the RAM it would create for itself. */
        if (mc->default_ram_id && user_object_find(mc->default_ram_id)) {
            error_report("object name '%s' is reserved for the default RAM "
                         "backend, it can't be used for any other purposes. "
                         "Change the object's 'id' to something else",
                         mc->default_ram_id);
            return false;
        }
        return true;
    }
    if (!memory_backend_size(cfg->memory_backend, &size, &err)) {
        error_report("%s", err->message);
        return false;
    }
    if (!cfg->ram_size) {
        cfg->ram_size = size;
    } else if (cfg->ram_size != size) {
        error_report("Machine memory size does not match the size of the "
                     "memory backend");
        return false;
    }
    return true;
}

/* -device and -object help requests are answered before anything is
 * parsed. */
static int device_help_status(VigilConfig *cfg)
{
    for (guint i = 0; i < cfg->deferred->len; i++) {
        const VigilDeferredOpt *d =
            &g_array_index(cfg->deferred, VigilDeferredOpt, i);
        int status = -1;

        if (d->kind == VIGIL_OPT_DEVICE) {
            status = qdev_device_help(d->arg);
        } else if (d->kind == VIGIL_OPT_OBJECT) {
            status = user_object_help(d->arg);
        }
        if (status >= 0) {
            return status;
        }
    }
    return -1;
}

/*
 * The vCPUs: -smp's topology (one APIC ID layout Vigil can describe, see
 * x86_cpu_topology_check()) and -cpu NAME, a model of
 * hw/i386/cpu-models.h, on a machine that has vCPUs, with the properties
 * Vigil implements (x86_cpu_props_parse(): hv-crash).  Others
 * ("qemu64,+x2apic", "host,migratable=on") would change the guest's CPUID
 * in ways Vigil does not model, so they are refused with QEMU's "not
 * found" rather than ignored.  The board and the accelerator read both
 * from the config layer.
 */
static bool validate_vcpus(const VigilConfig *cfg, const MachineClass *mc)
{
    static char *model_name; /* cpu_model_arg: -cpu without properties */

    const char *comma = cfg->cpu_model ? strchr(cfg->cpu_model, ',') : NULL;
    g_autoptr(GError) err = NULL;

    /* -smp's layout, for the board and KVM's CPUID (-smp N alone too). */
    cpu_topology = (CpuTopology){0};
    if (cfg->smp.cpus) {
        cpu_topology = (CpuTopology){cfg->smp.sockets, cfg->smp.dies,
                                     cfg->smp.cores, cfg->smp.threads};
        if (!x86_cpu_topology_check(&cpu_topology, &err)) {
            error_report("-smp: %s", err->message);
            return false;
        }
    }
    cpu_model_arg = NULL;
    x86_cpu_props = (X86CPUProps){0};
    if (!cfg->cpu_model) {
        return true;
    }
    g_free(model_name);
    model_name = comma ? g_strndup(cfg->cpu_model, comma - cfg->cpu_model)
                       : g_strdup(cfg->cpu_model);
    if (!x86_cpu_model_find(model_name)) {
        error_report("unable to find CPU model '%s'", model_name);
        return false;
    }
    if (!mc->default_cpu_model) {
        error_report("-cpu %s: machine '%s' has no vCPU", cfg->cpu_model,
                     mc->name);
        return false;
    }
    if (comma &&
        !x86_cpu_props_parse(model_name, comma + 1, &x86_cpu_props, &err)) {
        error_report("%s", err->message);
        return false;
    }
    cpu_model_arg = model_name;
    return true;
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
        x86_cpu_model_print_help();
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
    if (!validate_vcpus(cfg, mc)) {
        return false;
    }
    status = device_help_status(cfg);
    if (status >= 0) {
        *exit_status = status;
        return false;
    }
    /* Objects first: QEMU creates them before chardevs (TLS secrets). */
    if (!validate_kind(cfg, VIGIL_OPT_OBJECT, &serial_index) ||
        !validate_ram_backend(cfg, mc)) {
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
