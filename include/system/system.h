/*
 * Machine-wide configuration from the command line that more than one
 * room needs (system/system.c).  Filled by main() before the machine is
 * built; read-only afterwards.  A "config" layer just above chardev
 * (docs/devel/layers.rst): the board and the monitor read it.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "qemu/common.h"
#include "chardev/char.h"

#define MAX_SERIAL_PORTS 4

/* -name guest name, or NULL. */
extern const char *qemu_name;

/*
 * -name ...,debug-threads=on: give each thread a name that says what it
 * does (QEMU's "CPU 0/KVM"), so host tools (ps, top, libvirt) show it.
 */
extern bool qemu_debug_threads;

/* -uuid: QEMU's format, 8-4-4-4-12 hex digits; false with QEMU's
 * message "Fail to parse UUID string. Wrong format." */
bool qemu_uuid_set(const char *text, GError **errp);
/* The UUID as text, lower case; all zeros without -uuid (QEMU). */
char *qemu_uuid_unparse(void);
/* The UUID's 16 bytes in text order; all zeros without -uuid. */
void qemu_uuid_get(uint8_t out[16]);

/* -nographic was given (fw_cfg's "nographic" item). */
extern bool qemu_nographic;

/*
 * -boot keys the firmware interface passes on (fw_cfg): menu=, and
 * splash-time= / reboot-timeout= when given (values as parsed; -1 wraps
 * to UINT64_MAX).  The board checks the ranges.
 */
typedef struct BootConfig {
    bool menu;
    bool has_splash_time;
    uint64_t splash_time;
    bool has_reboot_timeout;
    uint64_t reboot_timeout;
} BootConfig;
extern BootConfig boot_config;

/* -cpu model name (without properties), or NULL: the machine's default. */
extern const char *cpu_model_arg;

/*
 * -smp topology as resolved; all zero without -smp (then one socket of
 * smp_cpus cores).  The board lays its vCPUs out by it and KVM describes
 * it in CPUID (hw/i386/cpu-models.h x86_cpu_topology()).
 */
typedef struct CpuTopology {
    unsigned sockets, dies, cores, threads;
} CpuTopology;
extern CpuTopology cpu_topology;

/*
 * -machine and -boot settings that only QOM's machine properties show
 * (qom-get /machine, monitor/qmp-cmds-qom-machine.c), and hpet=, which
 * also moves QEMU's numbering of the board's devices (hw/i386/pc.h).
 * Strings are interned; NULL: not given.
 */
typedef struct MachineOptions {
    bool hpet_off;            /* hpet=off (Vigil has no HPET) */
    bool graphics_off;        /* graphics=off (-nographic: qemu_nographic) */
    bool no_dump_guest_core;  /* dump-guest-core=off */
    bool no_mem_merge;        /* mem-merge=off */
    const char *vmport, *smm; /* "off" or "auto" */
    const char *memory_backend;
    const char *boot_order, *boot_once, *boot_splash;
    bool boot_strict;
} MachineOptions;
extern MachineOptions machine_opts;

/* -qtest-log FILE as given, or NULL (QOM's /machine/qtest "log"). */
extern const char *qtest_log_arg;

/* -serial N (or -nographic's implicit stdio); NULL when absent. */
Chardev *serial_hd(int i);
void serial_hd_set(int i, Chardev *chr);

#endif /* SYSTEM_SYSTEM_H */
