/*
 * -d / -D debug logging.
 *
 * The item table is the single source for parsing and for "-d help".
 */
#include "qemu/fdset.h"
#include "qemu/log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

unsigned qemu_loglevel;
static FILE *log_file;

typedef struct LogItem {
    unsigned mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    {LOG_GUEST_ERROR, "guest_errors",
     "log when the guest does something invalid (unknown register\n"
     "bits, unexpected accesses)"},
    {LOG_UNIMP, "unimp", "log unimplemented functionality"},
    {LOG_IOPORT, "ioport", "log accesses to unassigned I/O ports"},
    {LOG_QMP, "qmp", "log every QMP line received and sent"},
};

void qemu_log(const char *fmt, ...)
{
    FILE *f = log_file ? log_file : stderr;
    va_list ap;

    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fflush(f);
}

static const LogItem *log_item_find(const char *name, size_t len)
{
    for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
        if (strlen(log_items[i].name) == len &&
            !strncmp(log_items[i].name, name, len)) {
            return &log_items[i];
        }
    }
    return NULL;
}

bool qemu_log_parse(const char *str, unsigned *mask, GError **errp)
{
    unsigned m = 0;
    const char *p = str;

    while (*p) {
        const char *end = strchrnul(p, ',');
        const LogItem *item;

        if (end == p) {
            error_setg(errp, "empty log item");
            return false;
        }
        if ((size_t)(end - p) == 3 && !strncmp(p, "all", 3)) {
            for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
                m |= log_items[i].mask;
            }
        } else {
            item = log_item_find(p, end - p);
            if (!item) {
                error_setg(errp, "unknown log item '%.*s' (use -d help)",
                           (int)(end - p), p);
                return false;
            }
            m |= item->mask;
        }
        p = *end ? end + 1 : end;
    }
    *mask = m;
    return true;
}

void qemu_log_print_help(void)
{
    printf("Log items (comma separated):\n");
    for (size_t i = 0; i < G_N_ELEMENTS(log_items); i++) {
        printf("%-15s %s\n", log_items[i].name, log_items[i].help);
    }
    printf("all             all of the above\n");
}

bool qemu_log_set_file(const char *path, GError **errp)
{
    FILE *f;

    if (!path) {
        qemu_log_close();
        return true;
    }
    /* A new run starts a new log, as QEMU's -D does. */
    f = qemu_fopen_w(path);
    if (!f) {
        error_setg(errp, "Error opening logfile %s: %s", path,
                   g_strerror(errno));
        return false;
    }
    qemu_log_close();
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    return true;
}

void qemu_log_close(void)
{
    if (log_file) {
        qemu_fclose(log_file);
        log_file = NULL;
    }
}
