/*
 * Unit tests for fw_cfg's item store (include/hw/nvram/fw_cfg.h): the
 * limits a guest cannot reach (file slots, duplicate and long names),
 * key renumbering, modify/detach, and a DMA write's callback.  The
 * device sits on a "none" machine and is driven through its ports.
 */
#include <string.h>

#include "hw/catalog.h"
#include "hw/nvram/fw_cfg.h"
#include "system/bql.h"
#include "system/memory.h"

typedef struct Fixture {
    MachineState *ms;
    FWCfgState *s;
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;

    f->ms = machine_create(machine_find_type("none"), 1 << 20, 1, &err);
    g_assert_no_error(err);
    f->s = fw_cfg_init_io(f->ms, &err);
    g_assert_no_error(err);
    g_assert_true(fw_cfg_find() == f->s);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    machine_destroy(f->ms);
    g_assert_null(fw_cfg_find());
}

static void read_key(Fixture *f, uint16_t key, uint8_t *buf, size_t len)
{
    address_space_write(f->ms->io, FW_CFG_IO_BASE, key, 2);
    for (size_t i = 0; i < len; i++) {
        buf[i] = address_space_read(f->ms->io, FW_CFG_IO_BASE + 1, 1);
    }
}

static void test_items(Fixture *f, gconstpointer data)
{
    uint8_t b[8];

    fw_cfg_add_i16(f->s, FW_CFG_NB_CPUS, 0x1234);
    fw_cfg_add_i32(f->s, FW_CFG_ARCH_LOCAL + 3, 0xdeadbeef);
    fw_cfg_add_i64(f->s, FW_CFG_RAM_SIZE, 0x0102030405060708);
    read_key(f, FW_CFG_NB_CPUS, b, 3);
    g_assert_cmpmem(b, 3, "\x34\x12\x00", 3);
    read_key(f, FW_CFG_ARCH_LOCAL + 3, b, 4);
    g_assert_cmpmem(b, 4, "\xef\xbe\xad\xde", 4);
    /* The generic key of the same index is a different item. */
    read_key(f, 3, b, 8);
    g_assert_cmpmem(b, 8, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
    /* Replacing a value. */
    fw_cfg_add_i16(f->s, FW_CFG_NB_CPUS, 2);
    read_key(f, FW_CFG_NB_CPUS, b, 2);
    g_assert_cmpmem(b, 2, "\x02\x00", 2);
}

static void test_file_keys(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(fw_cfg_add_file(f->s, "m", "1", 1, &err));
    g_assert_cmpuint(fw_cfg_file_key(f->s, "m"), ==, 0x20);
    g_assert_true(fw_cfg_add_file(f->s, "z", "2", 1, &err));
    g_assert_true(fw_cfg_add_file(f->s, "a", "3", 1, &err));
    /* Name order: a, m, z. */
    g_assert_cmpuint(fw_cfg_file_key(f->s, "a"), ==, 0x20);
    g_assert_cmpuint(fw_cfg_file_key(f->s, "m"), ==, 0x21);
    g_assert_cmpuint(fw_cfg_file_key(f->s, "z"), ==, 0x22);
    g_assert_cmpuint(fw_cfg_file_key(f->s, "b"), ==, 0);

    g_assert_false(fw_cfg_add_file(f->s, "m", "", 0, &err));
    g_assert_cmpstr(err->message, ==, "duplicate fw_cfg file name: m");
    g_clear_error(&err);

    g_assert_true(fw_cfg_modify_file(f->s, "m", "9", 1));
    g_assert_false(fw_cfg_modify_file(f->s, "m", "99", 2));
    g_assert_false(fw_cfg_modify_file(f->s, "nope", "9", 1));
}

static void test_file_limits(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    char name[FW_CFG_MAX_FILE_PATH + 1];

    memset(name, 'x', FW_CFG_MAX_FILE_PATH);
    name[FW_CFG_MAX_FILE_PATH] = '\0';
    g_assert_false(fw_cfg_add_file(f->s, name, "", 0, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    /* 55 bytes plus the NUL fit. */
    name[FW_CFG_MAX_FILE_PATH - 1] = '\0';
    g_assert_true(fw_cfg_add_file(f->s, name, "", 0, &err));

    for (unsigned i = 1; i < FW_CFG_FILE_SLOTS; i++) {
        g_autofree char *n = g_strdup_printf("f%02u", i);

        g_assert_true(fw_cfg_add_file(f->s, n, "", 0, &err));
    }
    g_assert_false(fw_cfg_add_file(f->s, "one-too-many", "", 0, &err));
    g_assert_nonnull(err);
}

typedef struct Written {
    unsigned calls;
    size_t offset, len;
    uint8_t data[4];
} Written;

static void record_write(void *opaque, const uint8_t *data, size_t size,
                         size_t offset, size_t len)
{
    Written *w = opaque;

    g_assert_cmpuint(size, ==, sizeof(w->data));
    memcpy(w->data, data, size);
    w->offset = offset;
    w->len = len;
    w->calls++;
}

/* A DMA write at offset 2 (skip, then write) reaches the callback. */
static void test_write_callback(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    Written w = {0};
    uint16_t key;
    /* Access structures at 0x100 and 0x200, data at 0x300. */
    const uint8_t skip[16] = {
        0, 0x20, 0, FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP, 0, 0, 0, 2};
    const uint8_t wr[16] = {
        0, 0, 0, FW_CFG_DMA_CTL_WRITE, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0x03, 0};
    uint8_t ctl[4];

    g_assert_true(
        fw_cfg_add_file_callback(f->s, "w", "abcd", 4, record_write, &w, &err));
    key = fw_cfg_file_key(f->s, "w");
    g_assert_cmpuint(key, ==, 0x20);
    g_assert_true(machine_mem_write(f->ms, 0x100, skip, sizeof(skip)));
    g_assert_true(machine_mem_write(f->ms, 0x200, wr, sizeof(wr)));
    g_assert_true(machine_mem_write(f->ms, 0x300, "XY", 2));

    address_space_write(f->ms->io, FW_CFG_DMA_BASE, 0, 4);
    address_space_write(f->ms->io, FW_CFG_DMA_BASE + 4,
                        GUINT32_SWAP_LE_BE(0x100), 4);
    address_space_write(f->ms->io, FW_CFG_DMA_BASE, 0, 4);
    address_space_write(f->ms->io, FW_CFG_DMA_BASE + 4,
                        GUINT32_SWAP_LE_BE(0x200), 4);
    g_assert_true(machine_mem_read(f->ms, 0x200, ctl, sizeof(ctl)));
    g_assert_cmpmem(ctl, 4, "\0\0\0\0", 4);
    g_assert_cmpuint(w.calls, ==, 1);
    g_assert_cmpuint(w.offset, ==, 2);
    g_assert_cmpuint(w.len, ==, 2);
    g_assert_cmpmem(w.data, 4, "abXY", 4);

    /* Detached: the write still lands, nobody is called. */
    fw_cfg_detach_callback(f->s, "w");
    address_space_write(f->ms->io, FW_CFG_DMA_BASE, 0, 4);
    address_space_write(f->ms->io, FW_CFG_DMA_BASE + 4,
                        GUINT32_SWAP_LE_BE(0x100), 4);
    g_assert_cmpuint(w.calls, ==, 1);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    bql_lock();
#define ADD(path, fn)                                                          \
    g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/fw_cfg/items", test_items);
    ADD("/fw_cfg/file-keys", test_file_keys);
    ADD("/fw_cfg/file-limits", test_file_limits);
    ADD("/fw_cfg/write-callback", test_write_callback);
    ret = g_test_run();
    bql_unlock();
    return ret;
}
