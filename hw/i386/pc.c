/*
 * The "pc" machine type.
 *
 * Order: the ISA bus over the port space, then the fixed board devices
 * (pc-board.c) and the ACPI PM block; user -device options are realized
 * by main() in between init and done; done() builds what depends on the
 * final device set (ACPI tables, kernel loading: pc-boot.c).
 */
#include "hw/acpi/pm.h"
#include "hw/i386/cpu-models.h"
#include "hw/i386/pc.h"
#include "hw/isa/isa.h"

/*
 * The PM block is part of the board, not a -device: it has no
 * properties and exactly one instance per machine, and QMP
 * system_powerdown must find it without a machine argument.
 */
static AcpiPMState pc_pm;
static bool pc_pm_ready;

static bool pc_init(MachineState *ms, GError **errp)
{
    const X86CPUModel *model;

    /* vCPUs first: they take device[0..n-1], as in QEMU. */
    if (!x86_cpu_model_for_machine(ms->mc, &model, errp) ||
        !x86_cpus_create(model, ms->smp_cpus, errp)) {
        return false;
    }
    if (ms->mc->has_pci) {
        if (!pc_pci_init(ms, errp)) {
            return false;
        }
    } else {
        ms->isa_bus = isa_bus_new(ms->io);
    }
    if (ms->mc->has_fw_cfg && !pc_fw_cfg_init(ms, errp)) {
        return false;
    }
    if (!pc_board_devices_init(ms, errp) ||
        !acpi_pm_init(&pc_pm, ms->io, errp)) {
        return false;
    }
    pc_pm_ready = true;
    return true;
}

static bool pc_done(MachineState *ms, GError **errp)
{
    if (ms->mc->has_fw_cfg && !pc_fw_cfg_done(ms, errp)) {
        return false;
    }
    return pc_boot_setup(ms, errp);
}

static void pc_reset(MachineState *ms)
{
    if (pc_pm_ready) {
        acpi_pm_reset(&pc_pm);
    }
    pc_boot_reset(ms);
}

static void pc_finalize(MachineState *ms)
{
    pc_boot_cleanup(ms);
    if (pc_pm_ready) {
        acpi_pm_fini(&pc_pm);
        pc_pm_ready = false;
    }
}

void pc_acpi_powerdown(void)
{
    if (pc_pm_ready) {
        acpi_pm_powerdown(&pc_pm);
    }
}

/*
 * The versions.  Each keeps the hardware it was released with, whatever
 * later versions add (the guest ABI a libvirt domain was defined with);
 * the alias "pc" names the newest, as in QEMU.
 */
#define PC_I440FX_COMMON                                                       \
    .desc = "Standard PC (i440FX + PIIX, 1996)",                               \
    .default_ram_size = 128 * 1024 * 1024,                                     \
    .max_cpus =                                                                \
        255, /* Vigil's default guest CPU is KVM's host passthrough. */        \
        .default_cpu_model = "host", .default_ram_id = "pc.ram", .acpi = true, \
    .init = pc_init, .done = pc_done, .reset = pc_reset,                       \
    .finalize = pc_finalize

const MachineClass pc_i440fx_9_2_machine_class = {
    .name = "pc-i440fx-9.2",
    .alias = "pc",
    .is_default = true,
    .has_pci = true,
    .has_fw_cfg = true,
    PC_I440FX_COMMON,
};

/* ISA only: no PCI host, no fw_cfg. */
const MachineClass pc_i440fx_9_1_machine_class = {
    .name = "pc-i440fx-9.1",
    PC_I440FX_COMMON,
};
