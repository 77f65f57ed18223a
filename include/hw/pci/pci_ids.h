/*
 * PCI vendor, device and class identifiers of the devices Vigil models.
 */
#ifndef HW_PCI_PCI_IDS_H
#define HW_PCI_PCI_IDS_H

#define PCI_VENDOR_ID_INTEL           0x8086
#define PCI_DEVICE_ID_INTEL_82441     0x1237 /* i440FX host bridge */
#define PCI_DEVICE_ID_INTEL_82371SB_0 0x7000 /* PIIX3 PCI-ISA bridge */

#define PCI_VENDOR_ID_REDHAT         0x1b36
#define PCI_DEVICE_ID_REDHAT_PVPANIC 0x0011

/* QEMU's subsystem IDs on every PCI function of the pc machine. */
#define PCI_SUBVENDOR_ID_REDHAT_QUMRANET 0x1af4
#define PCI_SUBDEVICE_ID_QEMU            0x1100

#define PCI_CLASS_BRIDGE_HOST  0x0600
#define PCI_CLASS_BRIDGE_ISA   0x0601
#define PCI_CLASS_SYSTEM_OTHER 0x0880

#endif /* HW_PCI_PCI_IDS_H */
