/*
 * The command line (system/options*.c).
 *
 * Two steps, both without effects outside the process:
 *   vigil_options_parse()     argv -> VigilConfig: every option is looked
 *                             up in one table, simple values (sizes,
 *                             numbers, actions, -d items) are checked,
 *                             -version/-help/-action help/-accel help
 *                             print and ask main() to exit;
 *   vigil_options_validate()  the options that need other rooms'
 *                             parsers: -chardev and the compat chardevs
 *                             (-serial, -qmp, -mon, -qtest), -device
 *                             (help first), -M help, -d help.
 * Only then does main() create the machine and open sockets.  Both
 * report errors themselves as one line ("vigil: -m foo: ...") and return
 * false with *exit_status set (0 after a help text, 1 after an error).
 */
#ifndef SYSTEM_OPTIONS_H
#define SYSTEM_OPTIONS_H

#include "system/panic-record.h"
#include "qemu/common.h"
#include "chardev/char.h"
#include "monitor/cmdline.h"

typedef enum VigilDeferredKind {
    VIGIL_OPT_OBJECT,
    VIGIL_OPT_CHARDEV,
    VIGIL_OPT_DEVICE,
    VIGIL_OPT_MON,
    VIGIL_OPT_QMP,
    VIGIL_OPT_QMP_PRETTY,
    VIGIL_OPT_SERIAL,
} VigilDeferredKind;

/* An option handled in the validate step; strings point into argv. */
typedef struct VigilDeferredOpt {
    VigilDeferredKind kind;
    const char *opt; /* as typed, e.g. "-qmp" */
    const char *arg;
} VigilDeferredOpt;

typedef struct VigilMonitorOpt {
    Chardev *chr;
    bool pretty;
} VigilMonitorOpt;

/* -smp: 0 = not given; vigil_parse_smp_config() fills every field. */
typedef struct VigilSmp {
    unsigned cpus, maxcpus, sockets, dies, clusters, cores, threads;
} VigilSmp;

/* -boot: recorded and checked; Vigil boots no firmware that reads it. */
typedef struct VigilBoot {
    char *order, *once, *splash;
    bool menu, strict;
    uint64_t splash_time, reboot_timeout;
} VigilBoot;

typedef struct VigilConfig {
    /* -chardev, -device, -mon, -qmp, -serial in command-line order */
    GArray *deferred;        /* VigilDeferredOpt */
    GPtrArray *accels;       /* char *: accelerators to try, in order */
    bool accel_from_machine; /* -machine accel= was used */
    bool accel_from_option;  /* -accel / -enable-kvm was used */
    char *machine_type;      /* NULL: the default machine */
    bool machine_help;
    uint64_t ram_size;    /* bytes; 0: the machine's default */
    unsigned smp_cpus;    /* 0: 1 */
    VigilSmp smp;         /* -smp as resolved (cpus == smp_cpus) */
    char *memory_backend; /* -machine memory-backend=ID, or NULL */
    bool dump_guest_core; /* -machine dump-guest-core (default on) */
    bool mem_merge;       /* -machine mem-merge (default on) */
    bool mem_lock;        /* -overcommit mem-lock=on */
    char *process_name;   /* -name ...,process=NAME */
    VigilBoot boot;
    GPtrArray *audiodevs;  /* char *: -audiodev ids */
    const char *cpu_model; /* NULL: "host" */
    bool cpu_help;
    const char *kernel, *initrd, *append;
    const char *bios;       /* -bios */
    const char *qtest_spec; /* -qtest */
    const char *qtest_log;  /* -qtest-log; NULL = stderr */
    const char *pidfile;
    bool daemonize;
    unsigned log_mask;
    bool log_help;
    const char *log_file; /* -D */
    bool msg_timestamp;
    bool preconfig; /* --preconfig */
    /* -panic-record (Vigil's own; system/panic-record.h) */
    PanicRecordConfig panic_record;
    uint64_t console_tail;            /* console-tail=, bytes per UART */
    PanicRestartConfig panic_restart; /* -panic-restart */
    PanicDumpConfig panic_dump;       /* -panic-dump */
    bool exit_with_parent;
    bool nographic;
    bool nodefaults;
    bool no_user_config;
    int nb_serial; /* -serial options seen */
    char *name;    /* -name guest name */

    /* Filled by vigil_options_validate(): */
    Chardev *qtest_chr;
    GArray *monitors;            /* VigilMonitorOpt */
    unsigned nb_compat_monitors; /* -qmp/-qmp-pretty seen so far */
} VigilConfig;

void vigil_config_init(VigilConfig *cfg);
void vigil_config_free(VigilConfig *cfg);

bool vigil_options_parse(VigilConfig *cfg, int argc, char **argv,
                         int *exit_status);
bool vigil_options_validate(VigilConfig *cfg, int *exit_status);

/*
 * -m syntax: "[size=]N[suffix]".  A plain number means MiB (QEMU);
 * suffixes k, M, G, T, P, E (binary); "B" means bytes; a fraction is
 * allowed with a suffix ("1.5G").  Errors use QEMU's wording.
 */
bool vigil_parse_ram_size(const char *str, uint64_t *bytes, GError **errp);
/* -action "key=value[,key=value...]" through runstate_set_action(). */
bool vigil_parse_action(const char *str, GError **errp);
/* -smp "[cpus=]N[,maxcpus=N,...]"; range checked later per machine. */
bool vigil_parse_smp(const char *str, unsigned *cpus, GError **errp);
/*
 * -smp with its topology, resolved as QEMU resolves it for the pc
 * machine (dies supported, clusters not; missing counts prefer cores):
 * "Invalid CPU topology: product of the hierarchy must match maxcpus:
 * sockets (2) * dies (1) * cores (1) * threads (1) != maxcpus (3)".
 * Vigil has no CPU hotplug, so maxcpus above cpus is an error too.
 */
bool vigil_parse_smp_config(const char *str, VigilSmp *smp, GError **errp);

/*
 * The keys of every option that takes a key=value list, as
 * query-command-line-options reports them (registered with the monitor
 * by main()); the parser checks keys against these same tables.
 */
const CmdlineOption *vigil_cmdline_options(size_t *count);
extern const CmdlineParam vigil_mon_params[];
extern const CmdlineParam vigil_memory_params[];
extern const CmdlineParam vigil_smp_params[];
extern const CmdlineParam vigil_action_params[];

/*
 * Split "[VALUE,]key=value,..." (",," escapes a comma) and check each
 * key and value against @params: with @implied a bare first item is the
 * value of params[0]; any other bare "key" means "key=on", as in QEMU.
 * Unknown keys: "Invalid parameter 'K'", or with @unknown_prefix
 * "Property 'PREFIX.K' not found".  Values must have the key's type
 * ("Parameter 'K' expects 'on' or 'off'").  Returns key -> value (later
 * ones win; keys are the params' own strings), or NULL.
 */
GHashTable *vigil_opts_parse(const char *arg, const CmdlineParam *params,
                             bool implied, const char *unknown_prefix,
                             GError **errp);
bool vigil_opts_get_bool(GHashTable *opts, const char *key, bool dflt);
uint64_t vigil_opts_get_number(GHashTable *opts, const char *key,
                               uint64_t dflt);

#endif /* SYSTEM_OPTIONS_H */
