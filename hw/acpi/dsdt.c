/*
 * DSDT: the namespace of the pc machine.
 *
 *   \_SB.COM1   PNP0501, _UID 1, IO 0x3f8-0x3ff, IRQ 4  (when COM1 exists)
 *   \_SB.RTC_   PNP0B00, IO 0x70-0x71, IRQ 8             (when the RTC does)
 *   \_SB.<dev>  every realized device with a build_aml hook, in realize
 *               order (pvpanic: PEVT, QEMU0001)
 *   \_S5_       the soft-off sleep type the PM block decodes
 *
 * Devices sit directly under \_SB: the board has no PCI host bridge and
 * no ISA bridge device to hang them from (microvm does the same).  Linux
 * enumerates ACPI devices wherever they are in the namespace.
 */
#include "hw/acpi/acpi-build.h"
#include "hw/acpi/acpi-table.h"
#include "hw/acpi/aml-build.h"
#include "hw/acpi/pm.h"
#include "hw/core/qdev.h"

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

GByteArray *acpi_build_dsdt(const AcpiBuildConfig *cfg)
{
    GByteArray *b = g_byte_array_new();
    g_autoptr(GByteArray) body = NULL;
    Aml *root = aml_new();
    Aml *sb = aml_scope("\\_SB");
    Aml *s5 = aml_package(4);

    if (cfg->com1) {
        aml_append(sb, build_com1());
    }
    if (cfg->rtc) {
        aml_append(sb, build_rtc());
    }
    qdev_foreach(build_device_aml, sb);
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
