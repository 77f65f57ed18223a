/*
 * The pc machine's PCI host: bus pci.0 with the i440FX at 00.0 and the
 * PIIX3 at 01.0, and the ISA bus behind the PIIX3.
 *
 * Creation order is QEMU's (host, 00.0, 01.0), so user devices without
 * addr= start at slot 2.
 */
#include "hw/i386/pc.h"
#include "hw/i386/pc-pam.h"
#include "hw/isa/piix3.h"
#include "hw/pci-host/i440fx.h"

/* The board's meaning of the i440FX PAM/SMRAM registers (pc-pam.c). */
static const I440FXPamHooks pc_pam_hooks = {
    .reset_values = pc_pam_reset_values,
    .update = pc_pam_update,
};

/*
 * Create @dc at QOM path @path (taken), set its addr, let @setup adjust
 * it, realize it on @bus; NULL on failure.
 */
static DeviceState *pc_pci_add(const DeviceClass *dc, BusState *bus,
                               const char *addr, char *path,
                               void (*setup)(DeviceState *dev), GError **errp)
{
    DeviceState *dev = qdev_new(dc);

    dev->canonical_path = path; /* QEMU's (pc.h) */

    if (setup) {
        setup(dev);
    }
    if ((addr && !qdev_set_prop_text(dev, "addr", addr, errp)) ||
        !qdev_realize(dev, bus, errp)) {
        qdev_unref(dev);
        return NULL;
    }
    return dev;
}

static void pc_i440fx_setup(DeviceState *dev)
{
    i440fx_set_pam_hooks(dev, &pc_pam_hooks);
}

bool pc_pci_init(MachineState *ms, GError **errp)
{
    DeviceState *host, *piix3;

    host = pc_pci_add(&i440fx_pcihost_class, ms->sysbus, NULL,
                      g_strdup(PC_QOM_PCIHOST_PATH), NULL, errp);
    if (!host) {
        return false;
    }
    ms->pci_bus = i440fx_pcihost_bus(host);
    if (!pc_pci_add(&i440fx_class, ms->pci_bus, "00.0",
                    pc_board_qom_path(ms, PC_QOM_I440FX, 0), pc_i440fx_setup,
                    errp)) {
        return false;
    }
    piix3 = pc_pci_add(&piix3_class, ms->pci_bus, "01.0",
                       pc_board_qom_path(ms, PC_QOM_PIIX3, 0), NULL, errp);
    if (!piix3) {
        return false;
    }
    ms->isa_bus = piix3_isa_bus(piix3);
    return true;
}
