/*
 * A small HMP for human-monitor-command.  Output lines end in "\r\n",
 * as QEMU's monitor turns every "\n" into "\r\n".
 */
#include "monitor-internal.h"
#include "hw/core/qdev-print.h"
#include "system/runstate.h"

typedef void HmpFn(GString *out);

typedef struct HmpCmd {
    const char *name;
    HmpFn *fn;
    const char *help;
} HmpCmd;

static void info_status(GString *out)
{
    RunState st = runstate_get();
    bool running = runstate_is_running();

    g_string_append_printf(out, "VM status: %s",
                           running ? "running" : "paused");
    if (!running && st != RUN_STATE_PAUSED) {
        g_string_append_printf(out, " (%s)", runstate_name(st));
    }
    g_string_append(out, "\r\n");
}

static void info_version(GString *out)
{
    g_string_append_printf(out, "%d.%d.%d (vigil-%s)\r\n", VIGIL_QEMU_MAJOR,
                           VIGIL_QEMU_MINOR, VIGIL_QEMU_MICRO, VIGIL_VERSION);
}

/* The monitor turns every "\n" into "\r\n", as QEMU's does. */
static void append_crlf(GString *out, const GString *text)
{
    for (gsize i = 0; i < text->len; i++) {
        if (text->str[i] == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, text->str[i]);
    }
}

static void info_machine_text(GString *out,
                              void (*print)(MachineState *, GString *))
{
    g_autoptr(GString) text = g_string_new(NULL);

    if (current_machine) {
        print(current_machine, text);
    }
    append_crlf(out, text);
}

static void info_qtree(GString *out)
{
    info_machine_text(out, qdev_print_qtree);
}

static void info_mtree(GString *out)
{
    info_machine_text(out, machine_print_mtree);
}

static void info_pci(GString *out)
{
    g_autoptr(GString) text = g_string_new(NULL);

    hmp_info_pci_text(text);
    append_crlf(out, text);
}

static const HmpCmd info_cmds[] = {
    {"mtree", info_mtree, "show memory tree"},
    {"panics", hmp_info_panics, "show the guest panics recorded (Vigil)"},
    {"pci", info_pci, "show PCI info"},
    {"qtree", info_qtree, "show device tree"},
    {"status", info_status, "show the current VM status (running|paused)"},
    {"version", info_version, "show the version of QEMU"},
};

static void list_info(GString *out)
{
    for (size_t i = 0; i < G_N_ELEMENTS(info_cmds); i++) {
        g_string_append_printf(out, "info %s  -- %s\r\n", info_cmds[i].name,
                               info_cmds[i].help);
    }
}

static void help(GString *out)
{
    g_string_append(out, "help|? [cmd] -- show the help\r\n"
                         "info [subcommand] -- show various information "
                         "about the system state\r\n");
}

char *hmp_run(const char *cmdline)
{
    g_auto(GStrv) words = g_strsplit_set(cmdline, " \t\r\n", -1);
    GString *out = g_string_new(NULL);
    const char *argv[3] = {NULL, NULL, NULL};
    int argc = 0;

    for (char **w = words; *w && argc < 3; w++) {
        if (**w) {
            argv[argc++] = *w;
        }
    }
    if (argc == 0) {
        /* An empty line does nothing. */
    } else if (strcmp(argv[0], "info") == 0 || strcmp(argv[0], "i") == 0) {
        size_t i;

        if (!argv[1]) {
            list_info(out);
            return g_string_free(out, FALSE);
        }
        for (i = 0; i < G_N_ELEMENTS(info_cmds); i++) {
            if (strcmp(info_cmds[i].name, argv[1]) == 0) {
                info_cmds[i].fn(out);
                break;
            }
        }
        if (i == G_N_ELEMENTS(info_cmds)) {
            g_string_append_printf(out, "unknown command: 'info %s'\r\n",
                                   argv[1]);
        }
    } else if (strcmp(argv[0], "help") == 0 || strcmp(argv[0], "?") == 0) {
        if (argv[1] && strcmp(argv[1], "info") == 0) {
            list_info(out);
        } else {
            help(out);
        }
    } else {
        g_string_append_printf(out, "unknown command: '%s'\r\n", argv[0]);
    }
    return g_string_free(out, FALSE);
}
