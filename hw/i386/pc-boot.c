/*
 * ACPI tables and direct Linux boot for the pc machine.  (Placeholder:
 * filled in by the KVM work.)
 */
#include "hw/i386/pc.h"

bool pc_boot_setup(MachineState *ms, GError **errp)
{
    return true;
}

void pc_boot_reset(MachineState *ms)
{
}
