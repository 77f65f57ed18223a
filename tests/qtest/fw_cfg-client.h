/*
 * A guest's view of fw_cfg over qtest, as a firmware or Linux's
 * qemu_fw_cfg driver uses it: legacy selector/data port reads, the file
 * directory, and DMA transfers through an FWCfgDmaAccess in guest RAM.
 * Shared by fw_cfg-test and vmcoreinfo-test.
 */
#ifndef TESTS_QTEST_FW_CFG_CLIENT_H
#define TESTS_QTEST_FW_CFG_CLIENT_H

#include "libqtest.h"

#define FW_CFG_PORT_SEL  0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA  0x514

#define FW_CFG_DMA_ERROR  0x01
#define FW_CFG_DMA_READ   0x02
#define FW_CFG_DMA_SKIP   0x04
#define FW_CFG_DMA_SELECT 0x08
#define FW_CFG_DMA_WRITE  0x10

/* Select @key (outw 0x510) and read @len bytes from 0x511. */
void fw_cfg_read_key(QTestState *s, uint16_t key, uint8_t *buf, size_t len);
/* @len bytes of @buf as "51 45 4d 55" (caller frees). */
char *fw_cfg_hex(const uint8_t *buf, size_t len);
/* fw_cfg_read_key() of @len bytes, as fw_cfg_hex() text. */
char *fw_cfg_key_hex(QTestState *s, uint16_t key, size_t len);

/* Guest memory through qtest "write"/"read". */
void fw_cfg_mem_write(QTestState *s, uint64_t addr, const void *buf,
                      size_t len);
void fw_cfg_mem_read(QTestState *s, uint64_t addr, void *buf, size_t len);

/*
 * Place an FWCfgDmaAccess {control, length, address} (big endian) at
 * @access, hand its address to 0x514/0x518 as a little-endian guest
 * would (byte-swapped halves, high first) and return the control word
 * read back afterwards.
 */
uint32_t fw_cfg_dma(QTestState *s, uint64_t access, uint32_t control,
                    uint32_t length, uint64_t address);

/* Look @name up in the directory: true with its key and size. */
bool fw_cfg_find_file(QTestState *s, const char *name, uint16_t *key,
                      uint32_t *size);
/* Number of directory entries (key 0x19's BE32 count). */
uint32_t fw_cfg_file_count(QTestState *s);

#endif /* TESTS_QTEST_FW_CFG_CLIENT_H */
