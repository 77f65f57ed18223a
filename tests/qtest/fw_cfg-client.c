/*
 * fw_cfg from the guest's side over qtest (fw_cfg-client.h).
 */
#include "fw_cfg-client.h"

#include <inttypes.h>
#include <string.h>

#define FW_CFG_FILE_DIR 0x19

void fw_cfg_read_key(QTestState *s, uint16_t key, uint8_t *buf, size_t len)
{
    qtest_outw(s, FW_CFG_PORT_SEL, key);
    for (size_t i = 0; i < len; i++) {
        buf[i] = qtest_inb(s, FW_CFG_PORT_DATA);
    }
}

char *fw_cfg_hex(const uint8_t *buf, size_t len)
{
    GString *out = g_string_new(NULL);

    for (size_t i = 0; i < len; i++) {
        g_string_append_printf(out, "%s%02x", i ? " " : "", buf[i]);
    }
    return g_string_free(out, false);
}

char *fw_cfg_key_hex(QTestState *s, uint16_t key, size_t len)
{
    g_autofree uint8_t *buf = g_malloc(len);

    fw_cfg_read_key(s, key, buf, len);
    return fw_cfg_hex(buf, len);
}

void fw_cfg_mem_write(QTestState *s, uint64_t addr, const void *buf, size_t len)
{
    GString *hex = g_string_new("0x");
    g_autofree char *r = NULL;

    for (size_t i = 0; i < len; i++) {
        g_string_append_printf(hex, "%02x", ((const uint8_t *)buf)[i]);
    }
    r = qtest_cmd(s, "write 0x%" PRIx64 " 0x%zx %s", addr, len, hex->str);
    g_assert_cmpstr(r, ==, "OK");
    g_string_free(hex, true);
}

void fw_cfg_mem_read(QTestState *s, uint64_t addr, void *buf, size_t len)
{
    g_autofree char *r = qtest_cmd(s, "read 0x%" PRIx64 " 0x%zx", addr, len);
    uint8_t *out = buf;

    g_assert_true(g_str_has_prefix(r, "OK 0x"));
    g_assert_cmpuint(strlen(r), ==, 5 + 2 * len);
    for (size_t i = 0; i < len; i++) {
        out[i] = g_ascii_xdigit_value(r[5 + 2 * i]) << 4 |
                 g_ascii_xdigit_value(r[6 + 2 * i]);
    }
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

uint32_t fw_cfg_dma(QTestState *s, uint64_t access, uint32_t control,
                    uint32_t length, uint64_t address)
{
    uint8_t raw[16];
    uint8_t after[4];
    uint32_t hi = access >> 32, lo = (uint32_t)access;

    put_be32(raw, control);
    put_be32(raw + 4, length);
    put_be32(raw + 8, (uint32_t)(address >> 32));
    put_be32(raw + 12, (uint32_t)address);
    fw_cfg_mem_write(s, access, raw, sizeof(raw));
    /* outl is little endian: swap so the bytes land big endian. */
    qtest_outl(s, FW_CFG_PORT_DMA,
               hi << 24 | (hi & 0xff00) << 8 | (hi >> 8 & 0xff00) | hi >> 24);
    qtest_outl(s, FW_CFG_PORT_DMA + 4,
               lo << 24 | (lo & 0xff00) << 8 | (lo >> 8 & 0xff00) | lo >> 24);
    fw_cfg_mem_read(s, access, after, sizeof(after));
    return (uint32_t)after[0] << 24 | after[1] << 16 | after[2] << 8 | after[3];
}

uint32_t fw_cfg_file_count(QTestState *s)
{
    uint8_t b[4];

    fw_cfg_read_key(s, FW_CFG_FILE_DIR, b, sizeof(b));
    return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

bool fw_cfg_find_file(QTestState *s, const char *name, uint16_t *key,
                      uint32_t *size)
{
    uint32_t n = fw_cfg_file_count(s);

    /* fw_cfg_file_count() left the offset just past the count. */
    for (uint32_t i = 0; i < n; i++) {
        uint8_t e[64];

        for (size_t j = 0; j < sizeof(e); j++) {
            e[j] = qtest_inb(s, FW_CFG_PORT_DATA);
        }
        if (strncmp((const char *)e + 8, name, 56) == 0) {
            *size = (uint32_t)e[0] << 24 | e[1] << 16 | e[2] << 8 | e[3];
            *key = e[4] << 8 | e[5];
            return true;
        }
    }
    return false;
}
