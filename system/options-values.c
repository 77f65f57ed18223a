/*
 * Values of command-line options: sizes, CPU counts, -action lists.
 *
 * Kept apart from the option table so the unit tests can check each
 * parser on its own.
 */
#include "system/options.h"
#include "qemu/option.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "system/runstate.h"

static const char size_error[] =
    "Parameter 'size' expects a non-negative number below 2^64";

/* Binary suffixes, QEMU's set. */
static int size_suffix_shift(char c)
{
    static const struct {
        char c;
        int shift;
    } suffixes[] = {
        {'B', 0},  {'b', 0},  {'k', 10}, {'K', 10}, {'M', 20},
        {'m', 20}, {'G', 30}, {'g', 30}, {'T', 40}, {'t', 40},
        {'P', 50}, {'p', 50}, {'E', 60}, {'e', 60},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        if (suffixes[i].c == c) {
            return suffixes[i].shift;
        }
    }
    return -1;
}

/*
 * Parse "N[.F][suffix]" with @default_shift applied when there is no
 * suffix.  Hex ("0x...") takes no fraction.  No octal: "010" is ten.
 */
static bool parse_size_shift(const char *str, int default_shift,
                             uint64_t *bytes)
{
    const char *p = str;
    char *end;
    uint64_t whole;
    double frac = 0;
    int shift = default_shift;
    bool hex;

    if (!*p || *p == '-' || *p == '+' || g_ascii_isspace(*p)) {
        return false;
    }
    hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    errno = 0;
    whole = g_ascii_strtoull(p, &end, hex ? 16 : 10);
    if (errno || end == p || (hex && end == p + 2)) {
        return false;
    }
    p = end;
    if (*p == '.' && !hex) {
        const char *fstart = ++p;
        double scale = 0.1;

        while (g_ascii_isdigit(*p)) {
            frac += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
        if (p == fstart) {
            return false;
        }
    }
    if (*p) {
        shift = size_suffix_shift(*p);
        if (shift < 0 || p[1]) {
            return false;
        }
    } else if (frac != 0) {
        /* A fraction needs an explicit unit, as in QEMU. */
        return false;
    }
    if (shift && whole > (UINT64_MAX >> shift)) {
        return false;
    }
    whole <<= shift;
    if (frac != 0) {
        double extra = frac * (double)((uint64_t)1 << shift);

        if (whole + (uint64_t)extra < whole) {
            return false;
        }
        whole += (uint64_t)extra;
    }
    *bytes = whole;
    return true;
}

/*
 * "[KEY=]VALUE[,IGNORED=...]": the shape of -m and -smp.  The first item
 * may be the bare value; @key names it; @ignored keys are accepted and
 * dropped (hotplug and topology do not exist here).  *value is NULL when
 * none was given; the caller frees it.
 */
static bool parse_main_value(const char *str, const char *key,
                             const char *const *ignored, char **value,
                             GError **errp)
{
    g_auto(GStrv) parts = qemu_opts_split(str);

    *value = NULL;
    for (int i = 0; parts[i]; i++) {
        const char *eq = strchr(parts[i], '=');
        g_autofree char *k = NULL;

        if (!eq && i == 0) {
            *value = g_strdup(parts[i]);
            continue;
        }
        if (!eq) {
            error_setg(errp, "Invalid parameter '%s'", parts[i]);
            goto fail;
        }
        k = g_strndup(parts[i], eq - parts[i]);
        if (!strcmp(k, key)) {
            g_free(*value);
            *value = g_strdup(eq + 1);
        } else if (!g_strv_contains(ignored, k)) {
            error_setg(errp, "Invalid parameter '%s'", k);
            goto fail;
        }
    }
    return true;
fail:
    g_free(*value);
    *value = NULL;
    return false;
}

bool vigil_parse_ram_size(const char *str, uint64_t *bytes, GError **errp)
{
    static const char *const ignored[] = {"slots", "maxmem", NULL};
    g_autofree char *value = NULL;

    if (!parse_main_value(str, "size", ignored, &value, errp)) {
        return false;
    }
    if (!value || !parse_size_shift(value, 20, bytes)) {
        error_setg(errp, size_error);
        return false;
    }
    return true;
}

bool vigil_parse_smp(const char *str, unsigned *cpus, GError **errp)
{
    static const char *const ignored[] = {
        "maxcpus", "sockets", "dies", "clusters", "cores", "threads", NULL,
    };
    g_autofree char *value = NULL;

    if (!parse_main_value(str, "cpus", ignored, &value, errp)) {
        return false;
    }
    if (value) {
        char *end;
        guint64 n;

        errno = 0;
        n = g_ascii_strtoull(value, &end, 10);
        if (errno || end == value || *end || !g_ascii_isdigit(*value) ||
            n > G_MAXUINT) {
            error_setg(errp, "Parameter 'smp.cpus' expects integer");
            return false;
        }
        if (n == 0) {
            error_setg(errp, "Invalid SMP CPUs 0: CPU topology parameters "
                             "must be greater than zero");
            return false;
        }
        *cpus = (unsigned)n;
    }
    return true;
}

bool vigil_parse_action(const char *str, GError **errp)
{
    static const char *const action_keys[] = {
        "panic", "reboot", "shutdown", "watchdog", NULL,
    };
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
        if (!g_strv_contains(action_keys, key)) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
        if (!runstate_set_action(key, eq + 1, errp)) {
            return false;
        }
    }
    return true;
}
