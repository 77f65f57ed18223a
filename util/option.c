/*
 * QEMU-style comma lists (see include/qemu/option.h).
 */
#include "qemu/option.h"

char **qemu_opts_split(const char *str)
{
    GPtrArray *items = g_ptr_array_new();
    GString *cur = g_string_new(NULL);
    const char *p = str;

    if (*p == '\0') {
        g_string_free(cur, true);
        g_ptr_array_add(items, NULL);
        return (char **)g_ptr_array_free(items, false);
    }
    for (;;) {
        if (p[0] == ',' && p[1] == ',') {
            /* Left to right: ",,," is a literal comma, then a separator. */
            g_string_append_c(cur, ',');
            p += 2;
        } else if (*p == ',' || *p == '\0') {
            g_ptr_array_add(items, g_strdup(cur->str));
            g_string_truncate(cur, 0);
            if (*p++ == '\0') {
                break;
            }
        } else {
            g_string_append_c(cur, *p++);
        }
    }
    g_string_free(cur, true);
    g_ptr_array_add(items, NULL);
    return (char **)g_ptr_array_free(items, false);
}
