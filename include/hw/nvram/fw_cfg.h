/*
 * fw_cfg: QEMU's firmware configuration device, I/O port variant
 * ("fw_cfg_io"), as docs/specs/fw_cfg.rst describes it.
 *
 * Guest interface (x86 ports):
 *   0x510  selector: only a 16-bit write selects a key (and resets the
 *          read offset); a byte read returns the next data byte.
 *   0x511  data: byte reads return the selected item's bytes, then 0
 *          past its end.  Every write and every wider read is ignored
 *          (reads as 0) as in QEMU: items are written only through DMA.
 *   0x514  DMA address, big endian, 8 bytes: a 32-bit write at 0x514 sets
 *          the high half (and clears the low half), a 32-bit write at
 *          0x518 sets the low half and runs the transfer.  Reads return
 *          "QEMU CFG" in memory order.
 *
 * Keys: bits 0-13 index the item, bit 14 (write channel) is ignored,
 * bit 15 selects the architecture-specific items.  Keys at or above
 * FW_CFG_FILE_FIRST + FW_CFG_FILE_SLOTS read as zeros.
 *
 * Files live in a directory (key FW_CFG_FILE_DIR) sorted by name; keys
 * are handed out from FW_CFG_FILE_FIRST in name order, so adding a file
 * renumbers the files after it (as QEMU does).  Files are added while the
 * machine is built (board init, then devices' realize); guests look them
 * up by name.
 *
 * The store owns copies of all item data.  Every call expects the BQL.
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include "hw/boards.h"

#define TYPE_FW_CFG_IO "fw_cfg_io"
#define TYPE_FW_CFG    "fw_cfg" /* the abstract parent (qom-list-types) */

/* Ports of the x86 variant. */
#define FW_CFG_IO_BASE  0x510 /* selector; data at +1 */
#define FW_CFG_DMA_BASE 0x514

/* Legacy keys (QEMU's numbering; docs/specs/fw_cfg.rst). */
#define FW_CFG_SIGNATURE      0x00
#define FW_CFG_ID             0x01
#define FW_CFG_UUID           0x02
#define FW_CFG_RAM_SIZE       0x03
#define FW_CFG_NOGRAPHIC      0x04
#define FW_CFG_NB_CPUS        0x05
#define FW_CFG_MACHINE_ID     0x06
#define FW_CFG_KERNEL_ADDR    0x07
#define FW_CFG_KERNEL_SIZE    0x08
#define FW_CFG_KERNEL_CMDLINE 0x09
#define FW_CFG_INITRD_ADDR    0x0a
#define FW_CFG_INITRD_SIZE    0x0b
#define FW_CFG_BOOT_DEVICE    0x0c
#define FW_CFG_NUMA           0x0d
#define FW_CFG_BOOT_MENU      0x0e
#define FW_CFG_MAX_CPUS       0x0f
#define FW_CFG_FILE_DIR       0x19
#define FW_CFG_FILE_FIRST     0x20
#define FW_CFG_FILE_SLOTS     0x20 /* QEMU's default x-file-slots */
#define FW_CFG_WRITE_CHANNEL  0x4000
#define FW_CFG_ARCH_LOCAL     0x8000
/* x86 architecture items (FW_CFG_ARCH_LOCAL + n). */
#define FW_CFG_IRQ0_OVERRIDE (FW_CFG_ARCH_LOCAL + 2)

/* ID / feature bits (key FW_CFG_ID). */
#define FW_CFG_VERSION     0x01 /* the traditional port interface */
#define FW_CFG_VERSION_DMA 0x02

/* DMA control bits (FWCfgDmaAccess.control, big endian in guest RAM). */
#define FW_CFG_DMA_CTL_ERROR  0x01
#define FW_CFG_DMA_CTL_READ   0x02
#define FW_CFG_DMA_CTL_SKIP   0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE  0x10

#define FW_CFG_MAX_FILE_PATH 56 /* name field of a directory entry */

typedef struct FWCfgState FWCfgState;

/*
 * Called after a guest DMA write changed bytes [@offset, @offset + @len)
 * of a writable file; @data is the file's whole content (@size bytes).
 */
typedef void (*FWCfgWriteCallback)(void *opaque, const uint8_t *data,
                                   size_t size, size_t offset, size_t len);

/*
 * Create the device, realize it on @ms->sysbus (QOM path
 * /machine/fw_cfg, as QEMU's) and claim 0x510-0x511 and 0x514-0x51b of
 * @ms->io.  DMA reads and writes guest memory through @ms.  The
 * signature and ID items are set; everything else is the board's.
 */
FWCfgState *fw_cfg_init_io(MachineState *ms, GError **errp);

/* The realized fw_cfg device of this machine, or NULL (none exists). */
FWCfgState *fw_cfg_find(void);

/* Set legacy item @key (copies @len bytes; replaces an earlier value).
 * The integer forms store little endian, as QEMU does. */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data,
                      size_t len);
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);

/*
 * Add file @name (copies @len bytes).  With @write_cb the guest may
 * change it over DMA (within its size) and @write_cb hears about it.
 * Fails with QEMU's words on a duplicate name ("duplicate fw_cfg file
 * name: NAME"), a name of FW_CFG_MAX_FILE_PATH bytes or more, or when
 * every file slot is taken.
 */
bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     size_t len, GError **errp);
bool fw_cfg_add_file_callback(FWCfgState *s, const char *name, const void *data,
                              size_t len, FWCfgWriteCallback write_cb,
                              void *opaque, GError **errp);
/* Replace the content of existing file @name (same size); false if there
 * is no such file or the size differs. */
bool fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data,
                        size_t len);
/* Stop calling the write callback of @name (its owner goes away). */
void fw_cfg_detach_callback(FWCfgState *s, const char *name);

/* The key @name has now, or 0 if there is no such file. */
uint16_t fw_cfg_file_key(FWCfgState *s, const char *name);

#endif /* HW_NVRAM_FW_CFG_H */
