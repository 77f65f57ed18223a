/*
 * Vigil's own options around guest panics: -panic-record, -panic-restart
 * and -panic-dump (docs/system/panics.rst).  None is in
 * query-command-line-options, whose answer stays QEMU's.
 */
#include "system/options.h"
#include "options-internal.h"

#include <stddef.h>
#include <string.h>

#include "hw/char/serial.h"
#include "qemu/cutils.h"
#include "system/dump.h"
#include "system/runstate.h"

/*
 * -panic-record: Vigil's own option (docs/system/panics.rst), so it is
 * not in query-command-line-options, whose answer stays QEMU's.  Records
 * exist without it; the option adds files, the vendor event and sizes.
 */
static const CmdlineParam panic_record_params[] = {
    {"path", CMDLINE_PARAM_STRING, "directory for panic-<seq>.json files"},
    {"history", CMDLINE_PARAM_NUMBER, "records kept in memory"},
    {"console-tail", CMDLINE_PARAM_SIZE, "bytes kept of each serial console"},
    {"event", CMDLINE_PARAM_BOOLEAN, "emit the record event"},
    {NULL},
};

bool opt_panic_record(VigilConfig *cfg, const char *arg, int *exit_status,
                      GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, panic_record_params, false, NULL, errp);
    uint64_t history, tail;

    if (!opts) {
        return false;
    }
    history =
        vigil_opts_get_number(opts, "history", PANIC_RECORD_HISTORY_DEFAULT);
    if (history < 1 || history > PANIC_RECORD_HISTORY_MAX) {
        error_setg(errp,
                   "-panic-record history=%" G_GUINT64_FORMAT
                   ": must be 1 to %u",
                   history, PANIC_RECORD_HISTORY_MAX);
        return false;
    }
    tail = SERIAL_TAIL_DEFAULT;
    if (g_hash_table_lookup(opts, "console-tail") &&
        !qemu_strtosz(g_hash_table_lookup(opts, "console-tail"), 0, &tail)) {
        return false; /* checked by vigil_opts_parse already */
    }
    if (tail &&
        (tail < 1024 || tail > 64 * 1024 * 1024 || (tail & (tail - 1)))) {
        error_setg(errp,
                   "-panic-record console-tail=%" G_GUINT64_FORMAT
                   ": must be 0 (off) or a power of two from 1K to 64M",
                   tail);
        return false;
    }
    g_free(cfg->panic_record.dir);
    cfg->panic_record.dir = g_strdup(g_hash_table_lookup(opts, "path"));
    cfg->panic_record.history = history;
    cfg->panic_record.event = vigil_opts_get_bool(opts, "event", true);
    cfg->console_tail = tail;
    return true;
}

/* "250ms", "2s", "10m", "1h" or plain milliseconds; > 0, at most a day. */
static bool parse_duration_ms(const char *key, const char *v, int64_t *out,
                              GError **errp)
{
    static const struct {
        const char *suffix;
        int64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
    char *end;
    guint64 n = g_ascii_strtoull(v, &end, 10);
    int64_t scale = 1;

    if (end != v && *end) {
        scale = 0;
        for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
            if (!strcmp(end, units[i].suffix)) {
                scale = units[i].ms;
            }
        }
    }
    if (end == v || !scale || n == 0 || n > (guint64)(86400000 / scale)) {
        error_setg(errp,
                   "-panic-restart %s=%s: expects a duration such as "
                   "500ms, 2s or 10m (more than 0, at most 24h)",
                   key, v);
        return false;
    }
    *out = (int64_t)n * scale;
    return true;
}

static const CmdlineParam panic_restart_params[] = {
    {"delay", CMDLINE_PARAM_STRING, "first delay before a restart"},
    {"max-delay", CMDLINE_PARAM_STRING, "longest delay"},
    {"limit", CMDLINE_PARAM_NUMBER, "panics allowed in the window"},
    {"window", CMDLINE_PARAM_STRING, "the window panics are counted in"},
    {"then", CMDLINE_PARAM_STRING, "pause or exit-failure after the limit"},
    {NULL},
};

/*
 * -panic-restart: Vigil's crash-loop brake (docs/system/panics.rst).  It
 * holds the guest paused between restarts, so it sets the panic action
 * to pause; main() refuses a later -action panic= of anything else.
 */
bool opt_panic_restart(VigilConfig *cfg, const char *arg, int *exit_status,
                       GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, panic_restart_params, false, NULL, errp);
    PanicRestartConfig *r = &cfg->panic_restart;
    static const struct {
        const char *key;
        size_t off;
    } durations[] = {
        {"delay", offsetof(PanicRestartConfig, delay_ms)},
        {"max-delay", offsetof(PanicRestartConfig, max_delay_ms)},
        {"window", offsetof(PanicRestartConfig, window_ms)},
    };
    const char *then;
    uint64_t limit;

    if (!opts) {
        return false;
    }
    *r = (PanicRestartConfig){.enabled = true,
                              .delay_ms = 1000,
                              .max_delay_ms = 60000,
                              .window_ms = 600000};
    for (size_t i = 0; i < G_N_ELEMENTS(durations); i++) {
        const char *v = g_hash_table_lookup(opts, durations[i].key);

        if (v && !parse_duration_ms(durations[i].key, v,
                                    (int64_t *)((char *)r + durations[i].off),
                                    errp)) {
            return false;
        }
    }
    if (r->max_delay_ms < r->delay_ms) {
        error_setg(errp, "-panic-restart: max-delay is shorter than delay");
        return false;
    }
    limit = vigil_opts_get_number(opts, "limit", 5);
    if (limit < 1 || limit > 1000) {
        error_setg(errp,
                   "-panic-restart limit=%" G_GUINT64_FORMAT
                   ": must be 1 to 1000",
                   limit);
        return false;
    }
    r->limit = limit;
    then = g_hash_table_lookup(opts, "then");
    if (then && strcmp(then, "pause") && strcmp(then, "exit-failure")) {
        error_setg(errp,
                   "-panic-restart then=%s: expects pause or "
                   "exit-failure",
                   then);
        return false;
    }
    r->exit_on_give_up = then && !strcmp(then, "exit-failure");
    return runstate_set_action("panic", "pause", errp);
}

/*
 * -panic-dump path=DIR[,max=N][,format=F]: Vigil's own
 * (docs/system/panics.rst).  F is one of dump-guest-memory's formats
 * that Vigil writes (elf, kdump-zlib, kdump-raw-zlib, ...); win-dmp is
 * not one of them.
 */
static const CmdlineParam panic_dump_params[] = {
    {"path", CMDLINE_PARAM_STRING, "directory for panic-<seq>.core"},
    {"max", CMDLINE_PARAM_NUMBER, "dumps kept (0: all)"},
    {"format", CMDLINE_PARAM_STRING,
     "elf (default), kdump-zlib, kdump-lzo, kdump-snappy, kdump-raw-zlib, "
     "kdump-raw-lzo or kdump-raw-snappy"},
    {NULL},
};

bool opt_panic_dump(VigilConfig *cfg, const char *arg, int *exit_status,
                    GError **errp)
{
    g_autoptr(GHashTable) opts =
        vigil_opts_parse(arg, panic_dump_params, false, NULL, errp);
    const char *path, *format;
    DumpFormat fmt = DUMP_FORMAT_ELF;
    uint64_t max;

    if (!opts) {
        return false;
    }
    path = g_hash_table_lookup(opts, "path");
    format = g_hash_table_lookup(opts, "format");
    if (!path || !*path) {
        error_setg(errp, "-panic-dump: Parameter 'path' is missing");
        return false;
    }
    if (format && !dump_format_parse(format, &fmt)) {
        error_setg(errp,
                   "-panic-dump format=%s: expects elf, kdump-zlib, "
                   "kdump-lzo, kdump-snappy, kdump-raw-zlib, kdump-raw-lzo "
                   "or kdump-raw-snappy",
                   format);
        return false;
    }
    max = vigil_opts_get_number(opts, "max", 0);
    if (max > 100000) {
        error_setg(
            errp, "-panic-dump max=%" G_GUINT64_FORMAT ": at most 100000", max);
        return false;
    }
    g_free(cfg->panic_dump.dir);
    cfg->panic_dump.dir = g_strdup(path);
    cfg->panic_dump.max = max;
    cfg->panic_dump.format = fmt;
    return true;
}
