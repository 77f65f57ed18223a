/*
 * vmcoreinfo: the guest tells the host where its VMCOREINFO ELF note is,
 * so that host-side dumps carry it (docs/specs/fw_cfg.rst).
 *
 * "-device vmcoreinfo" needs a machine with fw_cfg and DMA (pc-i440fx-9.2
 * and later); at most one may exist.  It publishes the writable fw_cfg
 * file "etc/vmcoreinfo", 16 bytes, all little endian:
 *   le16 host_format   formats the host reads (1 = ELF note)
 *   le16 guest_format  format of the guest's data (1 = ELF note)
 *   le32 size          bytes at paddr
 *   le64 paddr         guest-physical address of the note
 * A guest DMA write of the whole 16 bytes at offset 0 counts as "the
 * guest told us"; system_reset forgets it and restores the initial bytes.
 */
#ifndef HW_MISC_VMCOREINFO_H
#define HW_MISC_VMCOREINFO_H

#include "qemu/common.h"

#define TYPE_VMCOREINFO               "vmcoreinfo"
#define FW_CFG_VMCOREINFO_FILENAME    "etc/vmcoreinfo"
#define FW_CFG_VMCOREINFO_FORMAT_NONE 0
#define FW_CFG_VMCOREINFO_FORMAT_ELF  1

/* What the guest wrote, host byte order. */
typedef struct VMCoreInfoGuest {
    bool present; /* the guest wrote the whole record since reset */
    uint16_t host_format;
    uint16_t guest_format;
    uint32_t size;
    uint64_t paddr;
} VMCoreInfoGuest;

/*
 * The record of the machine's vmcoreinfo device into @out.  False when
 * there is no such device (then @out is zeroed).
 */
bool vmcoreinfo_get(VMCoreInfoGuest *out);

#endif /* HW_MISC_VMCOREINFO_H */
