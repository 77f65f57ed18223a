/*
 * The pc machine's PCI host (placeholder until hw/pci lands).
 */
#include "hw/i386/pc.h"
#include "hw/isa/isa.h"

bool pc_pci_init(MachineState *ms, GError **errp)
{
    ms->isa_bus = isa_bus_new(ms->io);
    return true;
}
