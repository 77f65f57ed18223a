/*
 * fuzz-options: command-line option parsing, parse-only.
 *
 * Covers the parsers main() runs before anything is opened: -device
 * (key=value and JSON, help requests), -action, -chardev, the compat
 * chardev syntax of -qmp/-qtest/-serial, -m, -smp and -d, plus the whole
 * command line through vigil_options_parse() + vigil_options_validate().
 * Nothing here opens a socket or a file (chardevs are only recorded),
 * and everything recorded is freed after each input.
 *
 * Input format: one mode byte, then the argument text (cut at the first
 * NUL byte, except in mode 'V'):
 *   'D' -device ARG            'H' -device help request (ARG,help)
 *   'A' -action ARG            'C' -chardev ARG
 *   'c' -qmp ARG (compat)      'm' -m ARG
 *   's' -smp ARG               'd' -d ARG
 *   'V' a whole command line: words separated by NUL bytes
 * Any other mode byte selects one of these by its value modulo 9.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chardev/char.h"
#include "qemu/fdset.h"
#include "qemu/log.h"
#include "qom/object.h"
#include "system/options.h"
#include "system/qdev-monitor.h"
#include "system/runstate.h"
#include "system/system.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char modes[] = "DHACcmsdV";

/* Put back every global the parsers may have set. */
static void reset_globals(void)
{
    qdev_device_free_pending();
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        serial_hd_set(i, NULL);
    }
    qemu_chr_cleanup_all();
    fdset_free_all();      /* -add-fd dups */
    user_object_del_all(); /* -object */
    qemu_debug_threads = false;
    runstate_reset_actions();
    autostart = true;
    qemu_loglevel = 0;
    error_set_timestamps(false);
}

static void run_command_line(const char *text, size_t size)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    VigilConfig cfg;
    int status;
    size_t i = 0;

    g_ptr_array_add(argv, (gpointer) "vigil");
    while (i < size) {
        const char *w = text + i;

        g_ptr_array_add(argv, (gpointer)w);
        i += strlen(w) + 1;
    }
    g_ptr_array_add(argv, NULL);

    vigil_config_init(&cfg);
    if (vigil_options_parse(&cfg, argv->len - 1, (char **)argv->pdata,
                            &status)) {
        (void)vigil_options_validate(&cfg, &status);
    }
    vigil_config_free(&cfg);
}

static void run_one(char mode, const char *arg)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *help = NULL;
    uint64_t bytes;
    unsigned n;

    switch (mode) {
    case 'D':
        if (qdev_device_help(arg) < 0) {
            (void)qdev_device_parse(arg, &err);
        }
        break;
    case 'H':
        help = g_strconcat(arg, ",help", NULL);
        (void)qdev_device_help(help);
        break;
    case 'A':
        (void)vigil_parse_action(arg, &err);
        break;
    case 'C':
        (void)qemu_chr_parse_opts(arg, &err);
        break;
    case 'c':
        (void)qemu_chr_parse_compat("compat_monitor0", arg, &err);
        break;
    case 'm':
        (void)vigil_parse_ram_size(arg, &bytes, &err);
        break;
    case 's':
        (void)vigil_parse_smp(arg, &n, &err);
        break;
    case 'd':
        (void)qemu_log_parse(arg, &n, &err);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    char mode;

    if (size == 0) {
        return 0;
    }
    mode = strchr(modes, data[0]) && data[0] ? data[0] : modes[data[0] % 9];
    /* One terminating NUL more than the words need. */
    text = g_malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (mode == 'V') {
        run_command_line(text, size - 1);
    } else {
        run_one(mode, text);
    }
    /* Not g_autofree: clang-analyzer 14 does not model the cleanup
     * attribute here and reports a leak at the next call. */
    g_free(text);
    reset_globals();
    return 0;
}
