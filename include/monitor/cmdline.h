/*
 * What the command line accepts, as the monitor tells it
 * (query-command-line-options, and the machine's properties in
 * qom-list-properties).
 *
 * The option parser (system/options.c) is above the monitor, so it
 * registers its own tables here at start-up: the answers are the very
 * tables the parser checks keys against, never a second copy.  Without a
 * registration (unit tests, fuzz harnesses) the monitor knows no option.
 */
#ifndef MONITOR_CMDLINE_H
#define MONITOR_CMDLINE_H

#include "qemu/common.h"

/* QEMU's CommandLineParameterType. */
typedef enum CmdlineParamType {
    CMDLINE_PARAM_STRING,
    CMDLINE_PARAM_BOOLEAN,
    CMDLINE_PARAM_NUMBER,
    CMDLINE_PARAM_SIZE,
} CmdlineParamType;

typedef struct CmdlineParam {
    const char *name;
    CmdlineParamType type;
    const char *help; /* or NULL */
    /*
     * -machine keys that are properties of the machine object: the type
     * qom-list-properties shows ("bool", "link<memory-backend>"); NULL
     * for keys that are not (type=, accel=).
     */
    const char *qom_type;
} CmdlineParam;

typedef struct CmdlineOption {
    /* QEMU's option group name: "machine", "smp-opts", "boot-opts" */
    const char *name;
    /*
     * The keys the option accepts, {NULL}-terminated.  Empty for options
     * whose keys depend on a driver or type (-device, -object,
     * -chardev), as QEMU reports them.
     */
    const CmdlineParam *params;
} CmdlineOption;

/* Register the option tables (main, once; @opts stays valid). */
void qmp_cmdline_options_register(const CmdlineOption *opts, size_t count);
/* The registered option called @name, or NULL. */
const CmdlineOption *qmp_cmdline_option_find(const char *name);

#endif /* MONITOR_CMDLINE_H */
