/*
 * -machine and the settings libvirt passes (-name, -uuid, -overcommit,
 * -rtc, -boot, -audio, -audiodev): their handlers and key tables, used
 * by the option table in system/options.c.
 */
#include "system/options.h"
#include "qemu/cutils.h"
#include "options-internal.h"

#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "hw/boards.h"
#include "hw/catalog.h"
#include "hw/rtc/mc146818rtc.h"
#include "qemu/option.h"
#include "qobject/json-writer.h"
#include "system/system.h"

const CmdlineParam vigil_machine_params[] = {
    {"type", CMDLINE_PARAM_STRING, "emulated machine"},
    {"accel", CMDLINE_PARAM_STRING, "accelerator list"},
    {"usb", CMDLINE_PARAM_BOOLEAN, "Set on/off to enable/disable usb", "bool"},
    {"dump-guest-core", CMDLINE_PARAM_BOOLEAN,
     "Include guest memory in a core dump", "bool"},
    {"mem-merge", CMDLINE_PARAM_BOOLEAN, "Enable/disable memory merge support",
     "bool"},
    {"memory-backend", CMDLINE_PARAM_STRING,
     "Set RAM backend. Valid value is ID of hostmem based backend",
     "link<memory-backend>"},
    {"kernel", CMDLINE_PARAM_STRING, "Linux kernel image file", "string"},
    {"initrd", CMDLINE_PARAM_STRING, "Linux initial ramdisk file", "string"},
    {"append", CMDLINE_PARAM_STRING, "Linux kernel command line", "string"},
    {"firmware", CMDLINE_PARAM_STRING, "Firmware image", "string"},
    {"graphics", CMDLINE_PARAM_BOOLEAN,
     "Set on/off to enable/disable graphics emulation", "bool"},
    {"kernel-irqchip", CMDLINE_PARAM_STRING, "use KVM in-kernel irqchip"},
    {"hpet", CMDLINE_PARAM_BOOLEAN, "off (Vigil has no HPET)", "bool"},
    {"vmport", CMDLINE_PARAM_STRING, "off or auto (Vigil has no vmport)",
     "OnOffAuto"},
    {"smm", CMDLINE_PARAM_STRING, "off or auto (Vigil has no SMM)",
     "OnOffAuto"},
    {NULL},
};

/*
 * Machine features Vigil does not have: accepted when they ask for
 * nothing, a clear error when they would change what the guest sees.
 */
static const struct {
    const char *key;
    const char *refused; /* the value that needs the feature */
    const char *why;
} machine_absent[] = {
    {"usb", "on", "Vigil has no USB controller"},
    {"hpet", "on", "Vigil has no HPET"},
    {"vmport", "on", "Vigil has no VMware I/O port"},
    {"smm", "on", "Vigil has no System Management Mode"},
};

static bool check_machine_absent(GHashTable *opts, GError **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(machine_absent); i++) {
        const char *v = g_hash_table_lookup(opts, machine_absent[i].key);
        bool on = false;

        if (!v) {
            continue;
        }
        if (strcmp(v, "auto") &&
            !qemu_parse_bool(machine_absent[i].key, v, &on, errp)) {
            return false;
        }
        if (on) {
            error_setg(errp, "%s=%s: %s", machine_absent[i].key, v,
                       machine_absent[i].why);
            return false;
        }
    }
    return vigil_check_kernel_irqchip(
        g_hash_table_lookup(opts, "kernel-irqchip"), errp);
}

static void set_str(char **dst, GHashTable *opts, const char *key)
{
    const char *v = g_hash_table_lookup(opts, key);

    if (v) {
        g_free(*dst);
        *dst = g_strdup(v);
    }
}

static const char *interned(GHashTable *opts, const char *key, const char *old)
{
    const char *v = g_hash_table_lookup(opts, key);

    return v ? g_intern_string(v) : old;
}

/* What qom-get /machine reports (system/system.h machine_opts). */
static void record_machine_opts(const VigilConfig *cfg, GHashTable *opts)
{
    MachineOptions *m = &machine_opts;

    m->hpet_off = !vigil_opts_get_bool(opts, "hpet", !m->hpet_off);
    m->graphics_off = !vigil_opts_get_bool(opts, "graphics", !m->graphics_off);
    m->no_dump_guest_core = !cfg->dump_guest_core;
    m->no_mem_merge = !cfg->mem_merge;
    m->vmport = interned(opts, "vmport", m->vmport);
    m->smm = interned(opts, "smm", m->smm);
    m->memory_backend = interned(opts, "memory-backend", m->memory_backend);
}

bool opt_machine(VigilConfig *cfg, const char *arg, int *exit_status,
                 GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);
    g_autofree char *prefix = NULL;
    g_autoptr(GHashTable) opts = NULL;
    const char *type =
        parts[0] && !strchr(parts[0], '=') ? parts[0] : cfg->machine_type;
    const char *v;

    prefix = g_strdup_printf("%s-machine", type ? type : "pc");
    opts = vigil_opts_parse(arg, vigil_machine_params, true, prefix, errp);
    if (!opts || !check_machine_absent(opts, errp)) {
        return false;
    }
    set_str(&cfg->machine_type, opts, "type");
    v = g_hash_table_lookup(opts, "accel");
    if (v) {
        if (cfg->accel_from_option) {
            error_setg(errp, "The -accel and \"-machine accel=\" "
                             "options are incompatible");
            return false;
        }
        cfg->accel_from_machine = true;
        if (!vigil_add_accel_list(cfg, v, errp)) {
            return false;
        }
    }
    set_str(&cfg->memory_backend, opts, "memory-backend");
    cfg->dump_guest_core =
        vigil_opts_get_bool(opts, "dump-guest-core", cfg->dump_guest_core);
    cfg->mem_merge = vigil_opts_get_bool(opts, "mem-merge", cfg->mem_merge);
    record_machine_opts(cfg, opts);
    /* The same as -kernel, -initrd, -append and -bios. */
    cfg->kernel = g_hash_table_lookup(opts, "kernel")
                      ? g_intern_string(g_hash_table_lookup(opts, "kernel"))
                      : cfg->kernel;
    cfg->initrd = g_hash_table_lookup(opts, "initrd")
                      ? g_intern_string(g_hash_table_lookup(opts, "initrd"))
                      : cfg->initrd;
    cfg->append = g_hash_table_lookup(opts, "append")
                      ? g_intern_string(g_hash_table_lookup(opts, "append"))
                      : cfg->append;
    cfg->bios = g_hash_table_lookup(opts, "firmware")
                    ? g_intern_string(g_hash_table_lookup(opts, "firmware"))
                    : cfg->bios;
    if (cfg->machine_type && vigil_is_help(cfg->machine_type)) {
        cfg->machine_help = true;
    }
    return true;
}

const CmdlineParam vigil_name_params[] = {
    {"guest", CMDLINE_PARAM_STRING, "Sets the name of the guest"},
    {"process", CMDLINE_PARAM_STRING,
     "Sets the name of the QEMU process, as shown in top etc"},
    {"debug-threads", CMDLINE_PARAM_BOOLEAN,
     "When enabled, name the individual threads; defaults off."},
    {NULL},
};

bool opt_name(VigilConfig *cfg, const char *arg, int *exit_status,
              GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, vigil_name_params, true, NULL, errp);

    if (!opts) {
        return false;
    }
    set_str(&cfg->name, opts, "guest");
    set_str(&cfg->process_name, opts, "process");
    qemu_debug_threads =
        vigil_opts_get_bool(opts, "debug-threads", qemu_debug_threads);
    qemu_name = cfg->name;
    return true;
}

const CmdlineParam vigil_audio_params[] = {
    {"driver", CMDLINE_PARAM_STRING, "none (the only choice)"},
    {NULL},
};

/* Audio drivers QEMU has; Vigil has none of them. */
static const char *const audio_drivers[] = {
    "alsa",     "coreaudio", "dbus",  "dsound", "jack", "oss", "pa",
    "pipewire", "sdl",       "sndio", "spice",  "wav",  NULL,
};

static bool check_audio_driver(const char *driver, GError **errp)
{
    if (!driver) {
        error_setg(errp, "Parameter 'driver' is missing");
        return false;
    }
    if (g_strv_contains(audio_drivers, driver)) {
        error_setg(errp,
                   "Vigil has no audio support: driver '%s' is not "
                   "available; use driver=none",
                   driver);
        return false;
    }
    if (strcmp(driver, "none")) {
        error_setg(errp, "Parameter 'driver' does not accept value '%s'",
                   driver);
        return false;
    }
    return true;
}

bool opt_audio(VigilConfig *cfg, const char *arg, int *exit_status,
               GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, vigil_audio_params, true, NULL, errp);

    return opts &&
           check_audio_driver(g_hash_table_lookup(opts, "driver"), errp);
}

const CmdlineParam vigil_audiodev_params[] = {
    {"driver", CMDLINE_PARAM_STRING, "none (the only choice)"},
    {"id", CMDLINE_PARAM_STRING},
    {"timer-period", CMDLINE_PARAM_NUMBER},
    {NULL},
};

/* -audiodev: key=value or JSON (libvirt always passes JSON). */
bool opt_audiodev(VigilConfig *cfg, const char *arg, int *exit_status,
                  GError **errp)
{
    g_autoptr(GHashTable) opts = NULL;
    const char *id;

    if (arg[0] == '{') {
        json_error_t jerr;
        g_autoptr(json_t) o = json_loads(arg, JSON_REJECT_DUPLICATES, &jerr);
        const char *key;
        json_t *v;

        if (!o || !json_is_object(o)) {
            error_setg(errp, "JSON parse error, %s",
                       o ? "expecting an object" : jerr.text);
            return false;
        }
        opts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
        json_object_foreach(o, key, v)
        {
            const CmdlineParam *p = vigil_audiodev_params;

            while (p->name && strcmp(p->name, key)) {
                p++;
            }
            if (!p->name) {
                error_setg(errp, "Parameter '%s' is unexpected", key);
                return false;
            }
            if (p->type == CMDLINE_PARAM_NUMBER ? !json_is_integer(v)
                                                : !json_is_string(v)) {
                error_setg(
                    errp, "Invalid parameter type for '%s', expected: %s", key,
                    p->type == CMDLINE_PARAM_NUMBER ? "integer" : "string");
                return false;
            }
            g_hash_table_replace(opts, (gpointer)p->name,
                                 json_is_string(v)
                                     ? g_strdup(json_string_value(v))
                                     : g_strdup_printf("%" JSON_INTEGER_FORMAT,
                                                       json_integer_value(v)));
        }
    } else {
        opts = vigil_opts_parse(arg, vigil_audiodev_params, true, NULL, errp);
        if (!opts) {
            return false;
        }
    }
    if (!check_audio_driver(g_hash_table_lookup(opts, "driver"), errp)) {
        return false;
    }
    id = g_hash_table_lookup(opts, "id");
    if (!id) {
        error_setg(errp, "Parameter 'id' is missing");
        return false;
    }
    for (guint i = 0; i < cfg->audiodevs->len; i++) {
        if (!strcmp(g_ptr_array_index(cfg->audiodevs, i), id)) {
            error_setg(errp, "Duplicate audiodev id '%s'", id);
            return false;
        }
    }
    g_ptr_array_add(cfg->audiodevs, g_strdup(id));
    return true;
}

const CmdlineParam vigil_overcommit_params[] = {
    {"mem-lock", CMDLINE_PARAM_BOOLEAN},
    {"cpu-pm", CMDLINE_PARAM_BOOLEAN},
    {NULL},
};

/* mem-lock=on: mlockall() once the process is set up (system/main.c). */
bool opt_overcommit(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, vigil_overcommit_params, false, NULL, errp);

    if (!opts) {
        return false;
    }
    if (vigil_opts_get_bool(opts, "cpu-pm", false)) {
        error_setg(errp, "cpu-pm=on: Vigil does not pass host CPU power "
                         "management (MWAIT, HLT) through to the guest");
        return false;
    }
    cfg->mem_lock = vigil_opts_get_bool(opts, "mem-lock", cfg->mem_lock);
    return true;
}

bool opt_uuid(VigilConfig *cfg, const char *arg, int *exit_status,
              GError **errp)
{
    return qemu_uuid_set(arg, errp);
}

const CmdlineParam vigil_rtc_params[] = {
    {"base", CMDLINE_PARAM_STRING},
    {"clock", CMDLINE_PARAM_STRING},
    {"driftfix", CMDLINE_PARAM_STRING},
    {NULL},
};

/*
 * Seconds since the epoch of the UTC date y-mo-d h:mi:sec, the fields
 * taken as they are: out-of-range months and days roll over (the civil
 * day count from March-based years), as QEMU's mktimegm() does.
 */
static int64_t civil_seconds(int64_t y, int64_t mo, int64_t d, int64_t h,
                             int64_t mi, int64_t sec)
{
    int64_t days;

    if (mo < 3) {
        mo += 12;
        y--;
    }
    days =
        d + (153 * mo - 457) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 719469;
    return days * 86400 + h * 3600 + mi * 60 + sec;
}

/*
 * base=DATE: "2006-06-17T16:01:21" or "2006-06-17", UTC.  As QEMU reads
 * it: what follows the fields is ignored and nothing is range-checked.
 */
static bool rtc_date_offset(const char *base, int64_t *offset, GError **errp)
{
    int y, mo, d, h = 0, mi = 0, sec = 0;

    if (sscanf(base, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) != 6) {
        h = mi = sec = 0;
        if (sscanf(base, "%d-%d-%d", &y, &mo, &d) != 3) {
            /* QEMU's two lines, the second without the program name. */
            error_setg(errp, "invalid datetime format\nvalid formats: "
                             "'2006-06-17T16:01:21' or '2006-06-17'");
            return false;
        }
    }
    *offset = civil_seconds(y, mo, d, h, mi, sec) -
              g_get_real_time() / G_USEC_PER_SEC;
    return true;
}

/*
 * -global DRIVER.PROP=VALUE or driver=D,property=P,value=V
 * (qdev_add_global).  QEMU checks the value when it creates the device
 * and says so without naming the option; a key without a dot is a bad
 * option, one without "=" the deprecated short-form boolean "=on".
 */
static bool global_long_form(const char *arg, char **driver, char **prop,
                             char **value, GError **errp)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);

    for (char **p = parts; *p; p++) {
        char **dst = g_str_has_prefix(*p, "driver=")     ? driver
                     : g_str_has_prefix(*p, "property=") ? prop
                     : g_str_has_prefix(*p, "value=")    ? value
                                                         : NULL;

        if (!dst) {
            g_autofree char *key = g_strndup(*p, strcspn(*p, "="));

            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
        g_free(*dst);
        *dst = g_strdup(strchr(*p, '=') + 1);
    }
    if (!*driver || !*prop || !*value) {
        error_setg(errp,
                   "options 'driver', 'property', and 'value' are required");
        return false;
    }
    return true;
}

bool opt_global(VigilConfig *cfg, const char *arg, int *exit_status,
                GError **errp)
{
    const char *eq = strchr(arg, '=');
    g_autofree char *key = eq ? g_strndup(arg, eq - arg) : g_strdup(arg);
    const char *dot = strchr(key, '.');
    g_autofree char *driver = NULL;
    g_autofree char *prop = NULL;
    g_autofree char *value = NULL;
    g_autoptr(GError) err = NULL;

    if (g_str_has_prefix(arg, "driver=") ||
        g_str_has_prefix(arg, "property=") || g_str_has_prefix(arg, "value=")) {
        if (!global_long_form(arg, &driver, &prop, &value, errp)) {
            return false;
        }
    } else {
        if (!eq) {
            warn_report("-global %s: short-form boolean option '%s' "
                        "deprecated\nPlease use %s=on instead",
                        arg, arg, arg);
            if (!dot) {
                return true; /* QEMU ignores it too */
            }
        }
        if (!dot || dot == key || !dot[1]) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
        driver = g_strndup(key, dot - key);
        prop = g_strdup(dot + 1);
        value = g_strdup(eq ? eq + 1 : "on");
    }
    if (!qdev_add_global(qdev_find_type(driver), driver, prop, value, &err)) {
        error_report("%s", err->message);
        *exit_status = 1;
    }
    return true;
}

/* -rtc's values, once the option parsed. */
static bool rtc_apply(GHashTable *opts, GError **errp)
{
    const char *base = g_hash_table_lookup(opts, "base");
    const char *clock = g_hash_table_lookup(opts, "clock");
    const char *drift = g_hash_table_lookup(opts, "driftfix");

    if (!base || !strcmp(base, "utc")) {
        rtc_base_offset = 0;
    } else if (!strcmp(base, "localtime")) {
        g_autoptr(GDateTime) now = g_date_time_new_now_local();

        rtc_base_offset = g_date_time_get_utc_offset(now) / G_USEC_PER_SEC;
    } else if (!rtc_date_offset(base, &rtc_base_offset, errp)) {
        return false;
    }
    if (!clock || !strcmp(clock, "host")) {
        rtc_clock = RTC_CLOCK_HOST;
    } else if (!strcmp(clock, "rt")) {
        rtc_clock = RTC_CLOCK_RT;
    } else if (!strcmp(clock, "vm")) {
        rtc_clock = RTC_CLOCK_VM;
    } else {
        error_setg(errp, "invalid option value '%s'", clock);
        return false;
    }
    /* driftfix=slew is QEMU's global mc146818rtc.lost_tick_policy=slew
     * (a later -global may override it); none sets nothing. */
    if (drift && strcmp(drift, "none")) {
        if (strcmp(drift, "slew")) {
            error_setg(errp, "invalid option value '%s'", drift);
            return false;
        }
        return qdev_add_global(qdev_find_type(TYPE_MC146818_RTC),
                               TYPE_MC146818_RTC, "lost_tick_policy", "slew",
                               errp);
    }
    return true;
}

bool opt_rtc(VigilConfig *cfg, const char *arg, int *exit_status, GError **errp)
{
    g_autoptr(GHashTable) opts = NULL;
    g_autoptr(GError) err = NULL;

    if (vigil_is_help(arg)) {
        /* QEMU's listing of the keys; it exits with status 1 after it. */
        printf("rtc options:\n");
        for (const CmdlineParam *p = vigil_rtc_params; p->name; p++) {
            printf("  %s=<str>\n", p->name);
        }
        *exit_status = 1;
        return true;
    }
    opts = vigil_opts_parse(arg, vigil_rtc_params, false, NULL, errp);
    if (!opts) {
        return false;
    }
    /* QEMU checks the values after parsing every option, so its
     * messages for them name no option; in its order: base, clock,
     * driftfix. */
    if (!rtc_apply(opts, &err)) {
        error_report("%s", err->message);
        *exit_status = 1;
    }
    return true;
}

const CmdlineParam vigil_boot_params[] = {
    {"order", CMDLINE_PARAM_STRING},
    {"once", CMDLINE_PARAM_STRING},
    {"menu", CMDLINE_PARAM_BOOLEAN},
    {"splash", CMDLINE_PARAM_STRING},
    {"splash-time", CMDLINE_PARAM_NUMBER},
    {"reboot-timeout", CMDLINE_PARAM_NUMBER},
    {"strict", CMDLINE_PARAM_BOOLEAN},
    {NULL},
};

/* QEMU's validate_bootdevices(): drives a..p, each at most once. */
static bool check_boot_devices(const char *devs, GError **errp)
{
    unsigned seen = 0;

    for (const char *p = devs; p && *p; p++) {
        if (*p < 'a' || *p > 'p') {
            error_setg(errp, "Invalid boot device '%c'", *p);
            return false;
        }
        if (seen & (1u << (*p - 'a'))) {
            error_setg(errp, "Boot device '%c' was given twice", *p);
            return false;
        }
        seen |= 1u << (*p - 'a');
    }
    return true;
}

/*
 * -boot: checked and recorded.  Vigil boots with -kernel or -bios and
 * has no firmware that reads a boot order (docs/system/invocation.rst).
 */
bool opt_boot(VigilConfig *cfg, const char *arg, int *exit_status,
              GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, vigil_boot_params, true, NULL, errp);

    if (!opts ||
        !check_boot_devices(g_hash_table_lookup(opts, "order"), errp) ||
        !check_boot_devices(g_hash_table_lookup(opts, "once"), errp)) {
        return false;
    }
    set_str(&cfg->boot.order, opts, "order");
    set_str(&cfg->boot.once, opts, "once");
    set_str(&cfg->boot.splash, opts, "splash");
    cfg->boot.menu = vigil_opts_get_bool(opts, "menu", cfg->boot.menu);
    machine_opts.boot_order = interned(opts, "order", machine_opts.boot_order);
    machine_opts.boot_once = interned(opts, "once", machine_opts.boot_once);
    machine_opts.boot_splash =
        interned(opts, "splash", machine_opts.boot_splash);
    cfg->boot.strict = vigil_opts_get_bool(opts, "strict", cfg->boot.strict);
    machine_opts.boot_strict = cfg->boot.strict;
    cfg->boot.splash_time =
        vigil_opts_get_number(opts, "splash-time", cfg->boot.splash_time);
    cfg->boot.reboot_timeout =
        vigil_opts_get_number(opts, "reboot-timeout", cfg->boot.reboot_timeout);
    /* What fw_cfg tells a guest (system/system.h). */
    boot_config.menu = cfg->boot.menu;
    boot_config.has_splash_time |= g_hash_table_contains(opts, "splash-time");
    boot_config.splash_time = cfg->boot.splash_time;
    boot_config.has_reboot_timeout |=
        g_hash_table_contains(opts, "reboot-timeout");
    boot_config.reboot_timeout = cfg->boot.reboot_timeout;
    return true;
}
