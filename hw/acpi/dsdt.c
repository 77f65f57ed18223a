/*
 * DSDT: the namespace of the pc machine.
 *
 * Without PCI (pc-i440fx-9.1), devices sit directly under \_SB: the
 * board has no host bridge and no ISA bridge to hang them from (microvm
 * does the same):
 *   \_SB.COM1   PNP0501, _UID 1, IO 0x3f8-0x3ff, IRQ 4  (when COM1 exists)
 *   \_SB.RTC_   PNP0B00, IO 0x70-0x71, IRQ 8             (when the RTC does)
 *   \_SB.<dev>  every realized device with a build_aml hook, in realize
 *               order (pvpanic: PEVT, QEMU0001)
 *   \_S5_       the soft-off sleep type the PM block decodes
 *
 * With PCI (pc-i440fx-9.2) the same ISA devices move under the PIIX3,
 * where QEMU puts them, and the root bridge describes its windows:
 *   \_SB.PCI0       PNP0A03, _UID 0, no _CID (i440FX); _CRS: bus 0-0xff,
 *                   IO 0xcf8/8, IO 0-0xcf7 and 0xd00-0xffff, memory
 *                   0xA0000-0xBFFFF, low_ram_top-0xFEBFFFFF, mem64 window
 *   \_SB.PCI0.S08   _ADR 0x00010000 (PIIX3): COM1, RTC_, <dev> as above
 *   \_SB.PCI0.FWCF  QEMU0002, _STA 0x0B, IO 0x510 length 0x0C (fw_cfg)
 *   \_SB.PCI0.Sxx   _ADR slot << 16 | function for every device on the
 *                   bus outside slots 0 and 1 (xx = devfn in hex, as QEMU
 *                   names them: S10 for 02.0); nothing else, as QEMU
 *                   describes pvpanic-pci
 * Linux finds the root bus from PNP0A03 and binds the ISA devices by
 * _HID wherever they are.
 */
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "hw/acpi/aml-build.h"
#include "hw/acpi/pm.h"
#include "hw/core/qdev.h"
#include "hw/pci/pci.h"

#define COM1_BASE 0x3f8
#define COM1_IRQ  4
#define RTC_BASE  0x70
#define RTC_IRQ   8

static Aml *build_com1(void)
{
    Aml *dev = aml_device("COM1");
    Aml *crs = aml_resource_template();

    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0501")));
    aml_append(dev, aml_name_decl("_UID", aml_int(1)));
    aml_append(crs, aml_io(AML_DEC16, COM1_BASE, COM1_BASE, 0x00, 0x08));
    aml_append(crs, aml_irq_no_flags(COM1_IRQ));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

static Aml *build_rtc(void)
{
    Aml *dev = aml_device("RTC");
    Aml *crs = aml_resource_template();

    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0B00")));
    aml_append(crs, aml_io(AML_DEC16, RTC_BASE, RTC_BASE, 0x01, 0x02));
    aml_append(crs, aml_irq_no_flags(RTC_IRQ));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

static void build_device_aml(DeviceState *dev, void *opaque)
{
    Aml *scope = opaque;

    if (dev->realized && dev->klass->build_aml) {
        dev->klass->build_aml(dev, scope);
    }
}

/* COM1, RTC and the devices' own nodes into @scope. */
static void build_isa_devices(const AcpiBuildConfig *cfg, Aml *scope)
{
    if (cfg->com1) {
        aml_append(scope, build_com1());
    }
    if (cfg->rtc) {
        aml_append(scope, build_rtc());
    }
    qdev_foreach(build_device_aml, scope);
}

#define PCI_CONF1_PORT 0xcf8
#define PCI_HOLE_END   0xfebfffff /* below the IOAPIC, HPET, LAPIC */
#define FW_CFG_PORT    0x510
#define FW_CFG_PORTS   0x0c /* selector, data, DMA */

static Aml *build_pci0_crs(const AcpiBuildConfig *cfg)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_word_bus_number(0x00, 0xff));
    aml_append(crs,
               aml_io(AML_DEC16, PCI_CONF1_PORT, PCI_CONF1_PORT, 0x01, 0x08));
    aml_append(crs, aml_word_io(0x0000, PCI_CONF1_PORT - 1));
    aml_append(crs, aml_word_io(0x0d00, 0xffff));
    /* Legacy VGA memory, cacheable as QEMU says it. */
    aml_append(crs, aml_dword_memory(true, 0xa0000, 0xbffff));
    if (cfg->low_ram_top <= PCI_HOLE_END) {
        aml_append(crs,
                   aml_dword_memory(false, cfg->low_ram_top, PCI_HOLE_END));
    }
    if (cfg->mem64_end > cfg->mem64_start) {
        aml_append(crs,
                   aml_qword_memory(true, cfg->mem64_start, cfg->mem64_end));
    }
    return crs;
}

static Aml *build_fwcf(void)
{
    Aml *dev = aml_device("FWCF");
    Aml *crs = aml_resource_template();

    aml_append(dev, aml_name_decl("_HID", aml_string("QEMU0002")));
    /* present, enabled, not shown in the UI */
    aml_append(dev, aml_name_decl("_STA", aml_int(0x0b)));
    aml_append(crs,
               aml_io(AML_DEC16, FW_CFG_PORT, FW_CFG_PORT, 0x01, FW_CFG_PORTS));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

static void build_slot_node(PCIDevice *d, void *opaque)
{
    Aml *pci0 = opaque;
    int devfn = pci_device_devfn(d);
    Aml *dev;

    /* Slots 0 and 1: the host bridge and the PIIX3 (S08, built above). */
    if (PCI_SLOT(devfn) < 2) {
        return;
    }
    dev = aml_device("S%02X", devfn);
    aml_append(dev, aml_name_decl("_ADR", aml_int(PCI_SLOT(devfn) << 16 |
                                                  PCI_FUNC(devfn))));
    aml_append(pci0, dev);
}

static Aml *build_pci0(const AcpiBuildConfig *cfg)
{
    Aml *pci0 = aml_device("PCI0");
    Aml *isa = aml_device("S08");

    aml_append(pci0, aml_name_decl("_HID", aml_eisaid("PNP0A03")));
    aml_append(pci0, aml_name_decl("_UID", aml_int(0)));
    aml_append(pci0, aml_name_decl("_CRS", build_pci0_crs(cfg)));
    aml_append(isa, aml_name_decl("_ADR", aml_int(0x00010000)));
    build_isa_devices(cfg, isa);
    aml_append(pci0, isa);
    if (cfg->fw_cfg) {
        aml_append(pci0, build_fwcf());
    }
    if (cfg->pci_bus) {
        pci_bus_foreach_device(cfg->pci_bus, build_slot_node, pci0);
    }
    return pci0;
}

GByteArray *acpi_build_dsdt(const AcpiBuildConfig *cfg)
{
    GByteArray *b = g_byte_array_new();
    g_autoptr(GByteArray) body = NULL;
    Aml *root = aml_new();
    Aml *sb = aml_scope("\\_SB");
    Aml *s5 = aml_package(4);

    if (cfg->pci) {
        aml_append(sb, build_pci0(cfg));
    } else {
        build_isa_devices(cfg, sb);
    }
    aml_append(root, sb);

    /* SLP_TYPa, SLP_TYPb, reserved, reserved */
    aml_append(s5, aml_int(ACPI_PM_SLP_TYP_S5));
    aml_append(s5, aml_int(ACPI_PM_SLP_TYP_S5));
    aml_append(s5, aml_int(0));
    aml_append(s5, aml_int(0));
    aml_append(root, aml_name_decl("_S5", s5));

    body = aml_serialize_children(root);
    aml_free(root);

    /* Revision 2: integers are 64 bits wide. */
    acpi_table_begin(b, "DSDT", 2);
    g_byte_array_append(b, body->data, body->len);
    acpi_table_end(b);
    return b;
}
