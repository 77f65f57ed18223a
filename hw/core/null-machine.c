/*
 * The "none" machine: no buses and no board devices, only what the
 * command line asks for (which, without an ISA bus, cannot be pvpanic).
 * No vCPU either (QEMU's "none" has none without -cpu; Vigil refuses
 * -cpu with it, since a vCPU without RAM or firmware has nothing to run).
 */
#include "hw/boards.h"

const MachineClass none_machine_class = {
    .name = "none",
    .desc = "empty machine",
    .default_ram_size = 0,
    .max_cpus = 1,
    .default_ram_id = "ram",
};
