/*
 * The machine the harnesses drive: what main() builds for
 * "-M pc -m 16M -accel qtest -serial null -device pvpanic", without
 * sockets or a main loop.  Building it costs far more than one input, so
 * it is built once and reset between inputs instead.
 */
#include "fuzz-machine.h"

#include <stdio.h>
#include <stdlib.h>

#include "hw/i386/pc.h"
#include "monitor/qmp-events.h"
#include "qemu/log.h"
#include "qemu/timer.h"
#include "system/accel.h"
#include "system/bql.h"
#include "system/qdev-monitor.h"
#include "system/runstate.h"
#include "system/system.h"

static MachineState *machine;

/* As main(): machine_reset() is the one reset routine. */
static const RunstateHooks fuzz_hooks = {
    .reset_machine = machine_reset,
    .powerdown = pc_acpi_powerdown,
};

static void die(const char *what, GError *err)
{
    fprintf(stderr, "fuzz harness set-up: %s: %s\n", what,
            err ? err->message : "failed");
    abort();
}

MachineState *fuzz_machine_init(void)
{
    GError *err = NULL;
    Chardev *serial;

    if (machine) {
        return machine;
    }
    bql_lock();
    runstate_init();
    serial = qemu_chr_parse_compat("serial0", "null", &err);
    if (!serial) {
        die("-serial null", err);
    }
    serial_hd_set(0, serial);
    current_accel = &accel_qtest_ops;
    /* As main(): runstate's events reach the monitor's event writer. */
    monitor_events_init();
    machine =
        machine_create(&pc_i440fx_9_2_machine_class, FUZZ_RAM_SIZE, 1, &err);
    if (!machine) {
        die("machine", err);
    }
    machine_set_vcpu_reset(machine, accel_qtest_ops.reset_vcpus);
    if (!accel_qtest_ops.init_machine(machine, &err)) {
        die("accel", err);
    }
    if (!qdev_device_parse("pvpanic", &err) ||
        !qdev_device_realize_all(machine, &err) ||
        !machine_done(machine, &err)) {
        die("-device pvpanic", err);
    }
    runstate_set_hooks(&fuzz_hooks);
    fuzz_machine_reset();
    return machine;
}

void fuzz_machine_reset(void)
{
    /* Drops whatever the previous input left pending (a quit included). */
    runstate_init();
    runstate_reset_actions();
    autostart = true;
    qemu_loglevel = 0;
    machine_reset();
    qemu_clock_set_manual(true);
    vm_start();
}

bool fuzz_machine_poll(void)
{
    int status;

    return runstate_process_requests(&status);
}
