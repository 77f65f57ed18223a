/*
 * Size parsing shared by -m (system/options-values.c) and the
 * properties of -object (qom/object.c).
 */
#include "qemu/cutils.h"

#include <errno.h>

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

bool qemu_strtosz(const char *str, int default_shift, uint64_t *bytes)
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

bool id_wellformed(const char *id)
{
    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (const char *p = id + 1; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

bool qemu_parse_bool(const char *key, const char *value, bool *out,
                     GError **errp)
{
    static const char *const on[] = {"on", "yes", "true", "y", NULL};
    static const char *const off[] = {"off", "no", "false", "n", NULL};

    if (g_strv_contains(on, value)) {
        *out = true;
    } else if (g_strv_contains(off, value)) {
        *out = false;
    } else {
        error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        return false;
    }
    return true;
}
