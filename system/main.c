/*
 * main(): the start-up order and the exit status, nothing else.
 *
 *   parse and validate the command line (no sockets, no files)
 *   -> daemonize, pidfile, log file
 *   -> machine, accelerator, chardevs with their frontends, devices,
 *      machine_done, vCPUs
 *   -> run state, main loop
 *   -> flush output, tear down in reverse order.
 */
#include "qemu/common.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "hw/boards.h"
#include "hw/i386/pc.h"
#include "hw/catalog.h"
#include "hw/char/serial.h"
#include "monitor/cmdline.h"
#include "monitor/monitor.h"
#include "monitor/qmp-events.h"
#include "qemu/fdset.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qom/object.h"
#include "system/accel.h"
#include "system/bql.h"
#include "system/options.h"
#include "system/qdev-monitor.h"
#include "system/qtest.h"
#include "system/runstate.h"
#include "system/system.h"
#include "system-internal.h"

/* Host page size KVM memory slots need. */
#define RAM_ALIGN 4096

static void pause_vcpus(void)
{
    if (current_accel && current_accel->pause_vcpus) {
        current_accel->pause_vcpus();
    }
}

static void resume_vcpus(void)
{
    if (current_accel && current_accel->resume_vcpus) {
        current_accel->resume_vcpus();
    }
}

/* The main loop is util: what it does for the layers above is wired here. */
static void loop_flush_events(void *opaque)
{
    monitor_flush_event_queue();
}

static void loop_process_requests(void *opaque)
{
    int status = 0;

    if (runstate_process_requests(&status)) {
        main_loop_exit(status);
    }
}

static bool loop_requests_pending(void *opaque)
{
    return runstate_has_pending_requests();
}

static void loop_panic_dump(void *opaque)
{
    panic_dump_run();
}

static bool loop_panic_dump_pending(void *opaque)
{
    return panic_dump_pending();
}

static const MainLoopHook loop_hooks[] = {
    /* Events queued by vCPU threads go out before anything newer. */
    {.run = loop_flush_events, .between_reads = true},
    /* A panic's dump before the panic action's requests (shutdown). */
    {.run = loop_panic_dump, .pending = loop_panic_dump_pending},
    {.run = loop_process_requests, .pending = loop_requests_pending},
};

/* Apply what the machine needs from the command line. */
static void machine_apply_config(MachineState *ms, const VigilConfig *cfg)
{
    ms->kernel_filename = g_strdup(cfg->kernel);
    ms->initrd_filename = g_strdup(cfg->initrd);
    ms->kernel_cmdline = g_strdup(cfg->append);
    ms->firmware = g_strdup(cfg->bios);
}

/* Attach monitors and qtest, then create every socket and file. */
static bool open_chardevs(const VigilConfig *cfg, GError **errp)
{
    for (guint i = 0; i < cfg->monitors->len; i++) {
        const VigilMonitorOpt *mon =
            &g_array_index(cfg->monitors, VigilMonitorOpt, i);

        if (!monitor_init_qmp(mon->chr, mon->pretty, errp)) {
            return false;
        }
    }
    if (cfg->qtest_chr &&
        !qtest_server_init(cfg->qtest_chr, cfg->qtest_log, errp)) {
        return false;
    }
    return qemu_chr_open_all(errp);
}

/*
 * QEMU's late backends: -object completes (secrets read their files,
 * memory backends map memory) with the machine's defaults, then guest
 * RAM comes from the -machine memory-backend= one if given.
 */
static bool setup_ram(const VigilConfig *cfg, MachineRamConfig *ram,
                      uint64_t *ram_size, GError **errp)
{
    const UserObjectDefaults defaults = {
        .dump_guest_core = cfg->dump_guest_core,
        .mem_merge = cfg->mem_merge,
    };

    ram->dump_guest_core = cfg->dump_guest_core;
    ram->mem_merge = cfg->mem_merge;
    if (!user_object_complete_all(&defaults, errp)) {
        return false;
    }
    return !cfg->memory_backend ||
           memory_backend_claim(cfg->memory_backend, &ram->host, ram_size,
                                errp);
}

/* The machine, its accelerator and every chardev; false = exit 1. */
static bool start_machine(const VigilConfig *cfg, const AccelOps *accel)
{
    const MachineClass *mc = cfg->machine_type
                                 ? machine_find_type(cfg->machine_type)
                                 : machine_default_type();
    uint64_t ram_size = cfg->ram_size ? cfg->ram_size : mc->default_ram_size;
    MachineRamConfig ram = {0};
    g_autoptr(GError) err = NULL;
    MachineState *ms;

    if (!setup_ram(cfg, &ram, &ram_size, &err)) {
        error_report("%s", err->message);
        return false;
    }
    /* A backend's mapping covers whole pages too. */
    ram_size = (ram_size + RAM_ALIGN - 1) & ~(uint64_t)(RAM_ALIGN - 1);
    ms = machine_create_with_ram(mc, ram_size, cfg->smp_cpus, &ram, &err);
    if (!ms) {
        error_report("%s", err->message);
        return false;
    }
    machine_apply_config(ms, cfg);
    /*
     * Vigil has no firmware of its own: a guest with vCPUs and neither
     * -kernel nor -bios would run whatever the empty reset vector holds
     * (libvirt asks for that with a <boot dev=...> domain), so say so.
     */
    if (accel->runs_guest_code && mc->default_cpu_model && !cfg->kernel &&
        !cfg->bios) {
        error_report("the %s machine has no firmware: boot a kernel with "
                     "-kernel, or give a firmware image with -bios",
                     mc->name);
        return false;
    }
    current_accel = accel;
    machine_set_vcpu_reset(ms, accel->reset_vcpus);
    if (accel->init_machine && !accel->init_machine(ms, &err)) {
        error_report("failed to initialize %s: %s", accel->name, err->message);
        return false;
    }
    if (!open_chardevs(cfg, &err)) {
        error_report("%s", err->message);
        return false;
    }
    return true;
}

/*
 * The rest of start-up, which --preconfig defers to x-exit-preconfig:
 * -device options, the machine's final work, the vCPUs, and the start
 * (unless -S).  false = exit 1.
 */
static const RunstateHooks runstate_hooks_main = {
    .reset_machine = machine_reset,
    .pause_vcpus = pause_vcpus,
    .resume_vcpus = resume_vcpus,
    .powerdown = pc_acpi_powerdown,
};

static bool finish_start(void)
{
    g_autoptr(GError) err = NULL;
    MachineState *ms = current_machine;

    if (!qdev_device_realize_all(ms, &err) || !machine_done(ms, &err) ||
        (current_accel->setup_vcpus && !current_accel->setup_vcpus(ms, &err))) {
        error_report("%s", err->message);
        return false;
    }
    runstate_set_hooks(&runstate_hooks_main);
    if (autostart) {
        vm_start();
    }
    return true;
}

/*
 * x-exit-preconfig, inside the command as in QEMU (so RESUME precedes
 * its reply): an error here ends the process, as QEMU's error_fatal.
 */
static void preconfig_finish(void)
{
    if (!finish_start()) {
        main_loop_exit(1);
    }
}

static bool setup_process(const VigilConfig *cfg)
{
    g_autoptr(GError) err = NULL;

    if (!main_loop_init(&err)) {
        error_report("%s", err->message);
        return false;
    }
    os_setup_signal_handling();
    if ((cfg->exit_with_parent && !os_set_exit_with_parent(&err)) ||
        (cfg->daemonize && !os_daemonize_start(&err)) ||
        (cfg->pidfile && !os_pidfile_create(cfg->pidfile, &err)) ||
        (cfg->log_file && !qemu_log_set_file(cfg->log_file, &err))) {
        error_report("%s", err->message);
        return false;
    }
    qemu_loglevel = cfg->log_mask;
    if (cfg->process_name) {
        /* -name process=: what ps and top show (15 bytes at most). */
        prctl(PR_SET_NAME, cfg->process_name);
    }
    /*
     * -overcommit mem-lock=on: lock every page, guest RAM included, now
     * and in the future (after -daemonize's fork, which drops locks).
     */
    if (cfg->mem_lock && mlockall(MCL_CURRENT | MCL_FUTURE) < 0) {
        error_report("locking memory failed: mlockall: %s", g_strerror(errno));
        return false;
    }
    return true;
}

static void teardown(void)
{
    /* Reverse order of start-up; output is delivered first. */
    qemu_chr_drain_all(CHR_EXIT_STALL_MS);
    if (current_accel && current_accel->teardown) {
        current_accel->teardown();
    }
    qtest_cleanup();
    monitor_cleanup();
    qemu_chr_cleanup_all();
    qdev_device_free_pending();
    panic_record_cleanup();
    panic_restart_cleanup();
    panic_dump_cleanup();
    if (current_machine) {
        machine_destroy(current_machine);
    }
    user_object_del_all(); /* after the machine: it may use their RAM */
    current_accel = NULL;
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        serial_hd_set(i, NULL);
    }
    main_loop_cleanup();
    os_pidfile_remove();
    qemu_log_close();
}

int main(int argc, char **argv)
{
    VigilConfig cfg;
    const AccelOps *accel;
    g_autoptr(GError) err = NULL;
    int status = 1;

    error_set_progname(argv[0]);
    qemu_main_thread_init();
    bql_lock();
    runstate_init();
    vigil_config_init(&cfg);
    {
        size_t n;
        const CmdlineOption *opts = vigil_cmdline_options(&n);

        qmp_cmdline_options_register(opts, n);
    }

    if (!vigil_options_parse(&cfg, argc, argv, &status) ||
        !vigil_options_validate(&cfg, &status)) {
        goto out;
    }
    /* -add-fd kept dups: the inherited originals are closed now. */
    fdset_close_inherited();
    status = 1;
    accel = accel_choose((const char *const *)cfg.accels->pdata,
                         cfg.accels->len, &err);
    if (!accel) {
        error_report("%s", err->message);
        goto out;
    }
    /* The monitor hears runstate's events from the first one on. */
    monitor_events_init();
    if (!setup_process(&cfg)) {
        goto out;
    }
    /* Panic records: their listener after the monitor's, so that
     * GUEST_PANICKED is on its way before a record is captured. */
    serial_tail_size = cfg.console_tail;
    if (cfg.panic_restart.enabled &&
        runstate_panic_action() != PANIC_ACTION_PAUSE) {
        error_report("-panic-restart holds the guest paused between "
                     "restarts: it cannot be combined with an -action "
                     "panic= other than pause");
        goto out;
    }
    panic_record_configure(&cfg.panic_record);
    panic_restart_configure(&cfg.panic_restart);
    panic_dump_configure(&cfg.panic_dump);
    panic_record_init();
    monitor_panic_record_init();
    for (size_t i = 0; i < G_N_ELEMENTS(loop_hooks); i++) {
        main_loop_add_hook(&loop_hooks[i], NULL);
    }
    if (!start_machine(&cfg, accel)) {
        goto out;
    }
    runstate_set_kill_report(!cfg.qtest_chr);
    if (cfg.preconfig) {
        /* QMP only, until x-exit-preconfig runs preconfig_finish(). */
        monitor_preconfig_begin(preconfig_finish);
    } else if (!finish_start()) {
        goto out;
    }
    os_daemonize_finish();
    status = main_loop_run();

out:
    teardown();
    runstate_set_hooks(NULL);
    monitor_events_cleanup();
    vigil_config_free(&cfg);
    bql_unlock();
    return status;
}
