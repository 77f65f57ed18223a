/*
 * Debug logging (-d, -D), QEMU's qemu_log_mask().
 *
 * Guest misbehaviour is reported with qemu_log_mask(LOG_GUEST_ERROR, ...):
 * it is printed only when enabled with -d guest_errors and never stops
 * the machine.  Output goes to stderr or to the -D file.
 */
#ifndef QEMU_LOG_H
#define QEMU_LOG_H

#include "qemu/common.h"

#define LOG_GUEST_ERROR (1u << 0) /* -d guest_errors */
#define LOG_UNIMP       (1u << 1) /* -d unimp */
#define LOG_IOPORT      (1u << 2) /* -d ioport: unassigned port accesses */
#define LOG_QMP         (1u << 3) /* -d qmp: every QMP line in and out */

extern unsigned qemu_loglevel;

static inline bool qemu_loglevel_mask(unsigned mask)
{
    return (qemu_loglevel & mask) != 0;
}

void qemu_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

#define qemu_log_mask(mask, ...)                                               \
    do {                                                                       \
        if (qemu_loglevel_mask(mask)) {                                        \
            qemu_log(__VA_ARGS__);                                             \
        }                                                                      \
    } while (0)

/*
 * Parse a -d argument ("guest_errors,unimp").  "help" is handled by the
 * caller via qemu_log_print_help().  Returns false with errp set on an
 * unknown item.
 */
bool qemu_log_parse(const char *str, unsigned *mask, GError **errp);
void qemu_log_print_help(void);
/* -D FILE: open the log file (append).  NULL means stderr. */
bool qemu_log_set_file(const char *path, GError **errp);
void qemu_log_close(void);

#endif /* QEMU_LOG_H */
