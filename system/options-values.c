/*
 * Values of command-line options: the key=value splitter every option
 * with keys uses (checked against its CmdlineParam table), sizes, CPU
 * topology, -action lists.
 *
 * Kept apart from the option table so the unit tests can check each
 * parser on its own.
 */
#include "system/options.h"
#include "qemu/option.h"
#include "qemu/cutils.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "system/runstate.h"

static const char size_error[] =
    "Parameter 'size' expects a non-negative number below 2^64";

static const CmdlineParam *param_find(const CmdlineParam *params,
                                      const char *name)
{
    for (const CmdlineParam *p = params; p->name; p++) {
        if (!strcmp(p->name, name)) {
            return p;
        }
    }
    return NULL;
}

/* The value has the type the table gives (QemuOpts' checks). */
static bool check_type(const CmdlineParam *p, const char *value, GError **errp)
{
    uint64_t n;
    bool b;

    switch (p->type) {
    case CMDLINE_PARAM_BOOLEAN:
        return qemu_parse_bool(p->name, value, &b, errp);
    case CMDLINE_PARAM_NUMBER: {
        char *end;

        errno = 0;
        n = g_ascii_strtoull(value, &end, 0);
        if (!g_ascii_isdigit(*value) || *end || errno) {
            error_setg(errp, "Parameter '%s' expects a number", p->name);
            return false;
        }
        return true;
    }
    case CMDLINE_PARAM_SIZE:
        if (!qemu_strtosz(value, 0, &n)) {
            error_setg(errp,
                       "Parameter '%s' expects a non-negative number "
                       "below 2^64",
                       p->name);
            return false;
        }
        return true;
    default:
        return true;
    }
}

GHashTable *vigil_opts_parse(const char *arg, const CmdlineParam *params,
                             bool implied, const char *unknown_prefix,
                             GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(arg);
    g_autoptr(GHashTable) h =
        g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);

    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');
        g_autofree char *key = NULL;
        const char *value;
        const CmdlineParam *p;

        if (eq) {
            key = g_strndup(parts[i], eq - parts[i]);
            value = eq + 1;
        } else if (i == 0 && implied) {
            key = g_strdup(params[0].name);
            value = parts[i];
        } else {
            /* QemuOpts' shorthand: a bare "key" is "key=on". */
            key = g_strdup(parts[i]);
            value = "on";
        }
        p = param_find(params, key);
        if (!p) {
            if (unknown_prefix) {
                error_setg(errp, "Property '%s.%s' not found", unknown_prefix,
                           key);
            } else {
                error_setg(errp, "Invalid parameter '%s'", key);
            }
            return NULL;
        }
        if (!check_type(p, value, errp)) {
            return NULL;
        }
        g_hash_table_replace(h, (gpointer)p->name, g_strdup(value));
    }
    return g_steal_pointer(&h);
}

bool vigil_opts_get_bool(GHashTable *opts, const char *key, bool dflt)
{
    const char *v = g_hash_table_lookup(opts, key);
    bool b = dflt;

    /* Checked by vigil_opts_parse() already. */
    return v && qemu_parse_bool(key, v, &b, NULL) ? b : dflt;
}

uint64_t vigil_opts_get_number(GHashTable *opts, const char *key, uint64_t dflt)
{
    const char *v = g_hash_table_lookup(opts, key);

    return v ? g_ascii_strtoull(v, NULL, 0) : dflt;
}

/*
 * -m: the size, then keys for memory hotplug, which Vigil does not
 * have: they are accepted (QEMU's syntax) and change nothing.
 */
const CmdlineParam vigil_memory_params[] = {
    {"size", CMDLINE_PARAM_SIZE},
    {"slots", CMDLINE_PARAM_NUMBER},
    {"maxmem", CMDLINE_PARAM_SIZE},
    {NULL},
};

bool vigil_parse_ram_size(const char *str, uint64_t *bytes, GError **errp)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(str, vigil_memory_params, true, NULL, &err);
    const char *value;

    if (!opts && err && !g_str_has_suffix(err->message, "below 2^64")) {
        g_propagate_error(errp, g_steal_pointer(&err));
        return false;
    }
    /* A plain number means MiB: parse again with that default. */
    value = opts ? g_hash_table_lookup(opts, "size") : NULL;
    if (!value || !qemu_strtosz(value, 20, bytes)) {
        error_setg(errp, size_error);
        return false;
    }
    return true;
}

const CmdlineParam vigil_smp_params[] = {
    {"cpus", CMDLINE_PARAM_NUMBER},     {"maxcpus", CMDLINE_PARAM_NUMBER},
    {"sockets", CMDLINE_PARAM_NUMBER},  {"dies", CMDLINE_PARAM_NUMBER},
    {"clusters", CMDLINE_PARAM_NUMBER}, {"cores", CMDLINE_PARAM_NUMBER},
    {"threads", CMDLINE_PARAM_NUMBER},  {NULL},
};

/* "sockets (1) * dies (1) * cores (2) * threads (1)": pc has dies. */
static char *hierarchy(const VigilSmp *t)
{
    return g_strdup_printf("sockets (%u) * dies (%u) * cores (%u) * "
                           "threads (%u)",
                           t->sockets, t->dies, t->cores, t->threads);
}

static bool smp_get(GHashTable *opts, const char *key, unsigned *out,
                    GError **errp)
{
    const char *v = g_hash_table_lookup(opts, key);
    char *end;
    guint64 n;

    *out = 0;
    if (!v) {
        return true;
    }
    errno = 0;
    n = g_ascii_strtoull(v, &end, 10);
    if (errno || end == v || *end || !g_ascii_isdigit(*v) || n > G_MAXUINT) {
        error_setg(errp, "Parameter 'smp.%s' expects integer", key);
        return false;
    }
    if (n == 0) {
        error_setg(errp, "Invalid CPU topology: CPU topology parameters must "
                         "be greater than zero");
        return false;
    }
    *out = (unsigned)n;
    return true;
}

bool vigil_parse_smp_config(const char *str, VigilSmp *smp, GError **errp)
{
    g_autoptr(GHashTable) opts = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *topo = NULL;
    VigilSmp t;
    unsigned total;

    opts = vigil_opts_parse(str, vigil_smp_params, true, NULL, &err);
    if (!opts) {
        /* Keep QEMU's wording for a bad number. */
        if (err && g_str_has_suffix(err->message, "expects a number")) {
            const char *q = strchr(err->message, '\'');

            error_setg(errp, "Parameter 'smp.%.*s' expects integer",
                       (int)(strchr(q + 1, '\'') - q - 1), q + 1);
        } else {
            g_propagate_error(errp, g_steal_pointer(&err));
        }
        return false;
    }
    if (!smp_get(opts, "cpus", &t.cpus, errp) ||
        !smp_get(opts, "maxcpus", &t.maxcpus, errp) ||
        !smp_get(opts, "sockets", &t.sockets, errp) ||
        !smp_get(opts, "dies", &t.dies, errp) ||
        !smp_get(opts, "clusters", &t.clusters, errp) ||
        !smp_get(opts, "cores", &t.cores, errp) ||
        !smp_get(opts, "threads", &t.threads, errp)) {
        return false;
    }
    if (t.clusters > 1) {
        error_setg(errp, "clusters not supported by this machine's CPU "
                         "topology");
        return false;
    }
    t.clusters = 1;
    t.dies = t.dies ? t.dies : 1;
    /* QEMU's rules since 6.2: fill in what is missing, cores first. */
    if (!t.cpus && !t.maxcpus) {
        t.sockets = t.sockets ? t.sockets : 1;
        t.cores = t.cores ? t.cores : 1;
        t.threads = t.threads ? t.threads : 1;
    } else {
        unsigned max = t.maxcpus = t.maxcpus ? t.maxcpus : t.cpus;

        if (!t.cores) {
            t.sockets = t.sockets ? t.sockets : 1;
            t.threads = t.threads ? t.threads : 1;
            t.cores = max / (t.sockets * t.dies * t.threads);
        } else if (!t.sockets) {
            t.threads = t.threads ? t.threads : 1;
            t.sockets = max / (t.dies * t.cores * t.threads);
        }
        if (!t.threads) {
            t.threads = max / (t.sockets * t.dies * t.cores);
        }
    }
    total = t.sockets * t.dies * t.cores * t.threads;
    t.maxcpus = t.maxcpus ? t.maxcpus : total;
    t.cpus = t.cpus ? t.cpus : t.maxcpus;
    topo = hierarchy(&t);
    if (total != t.maxcpus) {
        error_setg(errp,
                   "Invalid CPU topology: product of the hierarchy must "
                   "match maxcpus: %s != maxcpus (%u)",
                   topo, t.maxcpus);
        return false;
    }
    if (t.maxcpus < t.cpus) {
        error_setg(errp,
                   "Invalid CPU topology: maxcpus must be equal to or "
                   "greater than smp: %s == maxcpus (%u) < smp_cpus (%u)",
                   topo, t.maxcpus, t.cpus);
        return false;
    }
    if (t.maxcpus > t.cpus) {
        error_setg(errp,
                   "maxcpus (%u) above cpus (%u) needs CPU hotplug, which "
                   "Vigil does not have",
                   t.maxcpus, t.cpus);
        return false;
    }
    *smp = t;
    return true;
}

bool vigil_parse_smp(const char *str, unsigned *cpus, GError **errp)
{
    VigilSmp smp;

    if (!vigil_parse_smp_config(str, &smp, errp)) {
        return false;
    }
    *cpus = smp.cpus;
    return true;
}

const CmdlineParam vigil_action_params[] = {
    {"panic", CMDLINE_PARAM_STRING},
    {"reboot", CMDLINE_PARAM_STRING},
    {"shutdown", CMDLINE_PARAM_STRING},
    {"watchdog", CMDLINE_PARAM_STRING},
    {NULL},
};

bool vigil_parse_action(const char *str, GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(str);

    if (!parts[0]) {
        error_setg(errp, "Parameter 'action' expects key=value pairs");
        return false;
    }
    for (int i = 0; parts[i]; i++) {
        g_autofree char *key = NULL;
        const char *eq = strchr(parts[i], '=');

        if (!eq) {
            error_setg(errp, "Expected '=' after parameter '%s'", parts[i]);
            return false;
        }
        key = g_strndup(parts[i], eq - parts[i]);
        if (!param_find(vigil_action_params, key)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
        if (!runstate_set_action(key, eq + 1, errp)) {
            return false;
        }
    }
    return true;
}
