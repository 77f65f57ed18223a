/*
 * The "pc" machine type.
 *
 * Order: the ISA bus over the port space, then the fixed board devices;
 * user -device options are realized by main() in between init and done;
 * done() builds what depends on the final device set (ACPI, boot).
 */
#include "hw/i386/pc.h"
#include "hw/isa/isa.h"

static bool pc_init(MachineState *ms, GError **errp)
{
    ms->isa_bus = isa_bus_new(ms->io);
    return pc_board_devices_init(ms, errp);
}

static bool pc_done(MachineState *ms, GError **errp)
{
    return pc_boot_setup(ms, errp);
}

static void pc_reset(MachineState *ms)
{
    pc_boot_reset(ms);
}

const MachineClass pc_machine_class = {
    .name = "pc",
    .alias = "pc-i440fx-9.1",
    .desc = "Standard PC (i440FX + PIIX, 1996)",
    .is_default = true,
    .default_ram_size = 128 * 1024 * 1024,
    .max_cpus = 255,
    .init = pc_init,
    .done = pc_done,
    .reset = pc_reset,
};
