/*
 * fw_cfg, I/O port variant (include/hw/nvram/fw_cfg.h).
 *
 * Behaviour follows what QEMU 10.2 was observed to do over qtest
 * (/work/shared/reference, docs/specs/fw_cfg.rst): which port widths
 * count, where offsets reset, what an invalid key reads, and the DMA
 * interface's error rules.  The item store, the selector and the DMA
 * engine are one piece of state, so they share this file; the pc board
 * decides what goes in (hw/i386/pc-fw-cfg.c).
 */
#include "hw/nvram/fw_cfg.h"
#include "qemu/log.h"

#include <inttypes.h>
#include <string.h>

#define FW_CFG_ENTRY_MASK                                                      \
    ((uint16_t) ~(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL))
#define FW_CFG_DIR_ENTRY 64 /* BE32 size, BE16 select, BE16 0, name[56] */

/* The DMA register reads this, most significant byte first. */
static const uint8_t fw_cfg_dma_signature[8] = "QEMU CFG";
static const uint8_t fw_cfg_signature[4] = "QEMU";

/* What a DMA transfer reads from guest memory (all big endian there). */
typedef struct FWCfgDmaAccess {
    uint32_t control;
    uint32_t length;
    uint64_t address;
} FWCfgDmaAccess;
#define FW_CFG_DMA_ACCESS_SIZE 16

typedef struct FWCfgEntry {
    uint8_t *data; /* owned; NULL: the item does not exist (reads 0) */
    size_t len;
    bool writable; /* through DMA only */
    FWCfgWriteCallback write_cb;
    void *opaque;
} FWCfgEntry;

struct FWCfgState {
    DeviceState parent_obj;
    /* Properties (QEMU's names and defaults; info qtree shows them). */
    bool dma_enabled;
    uint16_t file_slots;
    bool acpi_mr_restore;

    MachineState *ms;
    MemoryRegion io;  /* 0x510-0x511 */
    MemoryRegion dma; /* 0x514-0x51b */
    /* [0] generic, [1] architecture-local; max_entry each. */
    FWCfgEntry *entries[2];
    unsigned max_entry;
    /* File names in key order (= name order); files[i] has key 0x20 + i. */
    char **files;
    unsigned nfiles;

    uint16_t cur_key;
    bool cur_valid;
    uint32_t cur_offset;
    uint64_t dma_addr;
};

extern const DeviceClass fw_cfg_io_class;
static FWCfgState *fw_cfg_instance;

static FWCfgState *fw_cfg(DeviceState *dev)
{
    return container_of(dev, FWCfgState, parent_obj);
}

FWCfgState *fw_cfg_find(void)
{
    return fw_cfg_instance;
}

/* ---- the item store ---- */

static FWCfgEntry *fw_cfg_entry(FWCfgState *s, uint16_t key)
{
    unsigned idx = key & FW_CFG_ENTRY_MASK;

    if (idx >= s->max_entry) {
        return NULL;
    }
    return &s->entries[!!(key & FW_CFG_ARCH_LOCAL)][idx];
}

static void fw_cfg_set_entry(FWCfgEntry *e, const void *data, size_t len)
{
    g_free(e->data);
    e->data = g_memdup2(data ? data : "", len);
    e->len = len;
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, const void *data, size_t len)
{
    FWCfgEntry *e = fw_cfg_entry(s, key);

    g_assert(e && (key & FW_CFG_ENTRY_MASK) < FW_CFG_FILE_FIRST);
    fw_cfg_set_entry(e, data, len);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    uint16_t le = GUINT16_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    uint32_t le = GUINT32_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    uint64_t le = GUINT64_TO_LE(value);

    fw_cfg_add_bytes(s, key, &le, sizeof(le));
}

/* Key FW_CFG_FILE_DIR: BE32 count, then one 64-byte entry per file. */
static void fw_cfg_rebuild_dir(FWCfgState *s)
{
    size_t len = 4 + (size_t)s->nfiles * FW_CFG_DIR_ENTRY;
    uint8_t *dir = g_malloc0(len);
    uint32_t count = GUINT32_TO_BE(s->nfiles);

    memcpy(dir, &count, 4);
    for (unsigned i = 0; i < s->nfiles; i++) {
        uint8_t *d = dir + 4 + (size_t)i * FW_CFG_DIR_ENTRY;
        const FWCfgEntry *e = &s->entries[0][FW_CFG_FILE_FIRST + i];
        uint32_t size = GUINT32_TO_BE((uint32_t)e->len);
        uint16_t select = GUINT16_TO_BE(FW_CFG_FILE_FIRST + i);

        memcpy(d, &size, 4);
        memcpy(d + 4, &select, 2);
        memcpy(d + 8, s->files[i], strlen(s->files[i]));
    }
    fw_cfg_set_entry(&s->entries[0][FW_CFG_FILE_DIR], dir, len);
    g_free(dir);
}

static int fw_cfg_file_index(FWCfgState *s, const char *name)
{
    for (unsigned i = 0; i < s->nfiles; i++) {
        if (strcmp(s->files[i], name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

bool fw_cfg_add_file_callback(FWCfgState *s, const char *name, const void *data,
                              size_t len, FWCfgWriteCallback write_cb,
                              void *opaque, GError **errp)
{
    FWCfgEntry *files = &s->entries[0][FW_CFG_FILE_FIRST];
    unsigned pos = 0;

    if (strlen(name) >= FW_CFG_MAX_FILE_PATH) {
        error_setg(errp, "fw_cfg file name too long: %s", name);
        return false;
    }
    if (fw_cfg_file_index(s, name) >= 0) {
        error_setg(errp, "duplicate fw_cfg file name: %s", name);
        return false;
    }
    if (s->nfiles >= s->max_entry - FW_CFG_FILE_FIRST) {
        error_setg(errp, "fw_cfg: out of file slots (%s)", name);
        return false;
    }
    /*
     * Keys follow name order, as in QEMU: make room at the sorted
     * position, so every file after it moves up one key.
     */
    while (pos < s->nfiles && strcmp(s->files[pos], name) < 0) {
        pos++;
    }
    memmove(&s->files[pos + 1], &s->files[pos],
            (s->nfiles - pos) * sizeof(s->files[0]));
    memmove(&files[pos + 1], &files[pos], (s->nfiles - pos) * sizeof(files[0]));
    s->files[pos] = g_strdup(name);
    files[pos] = (FWCfgEntry){
        .writable = write_cb != NULL,
        .write_cb = write_cb,
        .opaque = opaque,
    };
    fw_cfg_set_entry(&files[pos], data, len);
    s->nfiles++;
    fw_cfg_rebuild_dir(s);
    return true;
}

bool fw_cfg_add_file(FWCfgState *s, const char *name, const void *data,
                     size_t len, GError **errp)
{
    return fw_cfg_add_file_callback(s, name, data, len, NULL, NULL, errp);
}

bool fw_cfg_modify_file(FWCfgState *s, const char *name, const void *data,
                        size_t len)
{
    int i = fw_cfg_file_index(s, name);
    FWCfgEntry *e;

    if (i < 0) {
        return false;
    }
    e = &s->entries[0][FW_CFG_FILE_FIRST + i];
    if (e->len != len) {
        return false;
    }
    memcpy(e->data, data, len);
    return true;
}

void fw_cfg_detach_callback(FWCfgState *s, const char *name)
{
    int i = fw_cfg_file_index(s, name);

    if (i >= 0) {
        s->entries[0][FW_CFG_FILE_FIRST + i].write_cb = NULL;
        s->entries[0][FW_CFG_FILE_FIRST + i].opaque = NULL;
    }
}

uint16_t fw_cfg_file_key(FWCfgState *s, const char *name)
{
    int i = fw_cfg_file_index(s, name);

    return i < 0 ? 0 : FW_CFG_FILE_FIRST + i;
}

/* ---- selector and data port ---- */

/* Any key selects; one past the entries reads zeros.  Offset back to 0. */
static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_key = key;
    s->cur_valid = fw_cfg_entry(s, key) != NULL;
    s->cur_offset = 0;
}

static FWCfgEntry *fw_cfg_current(FWCfgState *s)
{
    FWCfgEntry *e = s->cur_valid ? fw_cfg_entry(s, s->cur_key) : NULL;

    return e && e->data ? e : NULL;
}

static uint8_t fw_cfg_read_byte(FWCfgState *s)
{
    FWCfgEntry *e = fw_cfg_current(s);

    if (!e || s->cur_offset >= e->len) {
        return 0;
    }
    return e->data[s->cur_offset++];
}

/*
 * 0x510-0x511.  QEMU accepts byte reads and writes and 16-bit writes at
 * 0x510 only; any other access is invalid there and reads as 0.  Byte
 * writes once wrote item data; QEMU ignores them now, and so do we.
 */
static uint64_t fw_cfg_io_read(void *opaque, uint64_t addr, unsigned size)
{
    return size == 1 ? fw_cfg_read_byte(opaque) : 0;
}

static void fw_cfg_io_write(void *opaque, uint64_t addr, uint64_t val,
                            unsigned size)
{
    if (size == 2 && addr == 0) {
        fw_cfg_select(opaque, (uint16_t)val);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: ignored %u-byte write of 0x%" PRIx64
                      " at port 0x%" PRIx64 "\n",
                      size, val, FW_CFG_IO_BASE + addr);
    }
}

static const MemoryRegionOps fw_cfg_io_ops = {
    .read = fw_cfg_io_read,
    .write = fw_cfg_io_write,
    .impl_min = 1,
    .impl_max = 8,
};

/* ---- DMA ---- */

static uint32_t be32_at(const uint8_t *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return GUINT32_FROM_BE(v);
}

/*
 * Guest RAM for [gpa, gpa + len): a transfer that leaves RAM fails, as
 * QEMU's fails on unassigned memory (and nothing else a guest could aim
 * at here takes multi-kilobyte DMA).
 */
static uint8_t *fw_cfg_dma_ptr(FWCfgState *s, uint64_t gpa, size_t len)
{
    return len ? machine_ram_ptr(s->ms, gpa, len) : NULL;
}

/* One step of a transfer: @len bytes of @e at the current offset (or
 * past the item's end when @e is NULL).  Returns false on error. */
static bool fw_cfg_dma_step(FWCfgState *s, FWCfgEntry *e, uint32_t control,
                            uint64_t gpa, size_t len)
{
    uint8_t *ram;

    if (!(control & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE))) {
        return true; /* skip */
    }
    ram = fw_cfg_dma_ptr(s, gpa, len);
    if (!ram) {
        return false;
    }
    if (control & FW_CFG_DMA_CTL_READ) {
        if (e) {
            memcpy(ram, e->data + s->cur_offset, len);
        } else {
            memset(ram, 0, len); /* past the end: zeros */
        }
        return true;
    }
    /* Write: only into a writable item, never past its end. */
    if (!e || !e->writable) {
        return false;
    }
    memcpy(e->data + s->cur_offset, ram, len);
    if (e->write_cb) {
        e->write_cb(e->opaque, e->data, e->len, s->cur_offset, len);
    }
    return true;
}

static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint64_t access_addr = s->dma_addr;
    uint8_t raw[FW_CFG_DMA_ACCESS_SIZE];
    FWCfgDmaAccess dma;
    uint32_t result = 0, op;

    s->dma_addr = 0;
    if (!machine_mem_read(s->ms, access_addr, raw, sizeof(raw))) {
        return; /* wraps around the address space: nowhere to report */
    }
    dma.control = be32_at(raw);
    dma.length = be32_at(raw + 4);
    dma.address = (uint64_t)be32_at(raw + 8) << 32 | be32_at(raw + 12);

    if (dma.control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, dma.control >> 16);
    }
    /* Read wins over write, write over skip; none of them: nothing. */
    op = dma.control & FW_CFG_DMA_CTL_READ    ? FW_CFG_DMA_CTL_READ
         : dma.control & FW_CFG_DMA_CTL_WRITE ? FW_CFG_DMA_CTL_WRITE
         : dma.control & FW_CFG_DMA_CTL_SKIP  ? FW_CFG_DMA_CTL_SKIP
                                              : 0;
    if (!op) {
        dma.length = 0;
    }
    while (dma.length > 0) {
        FWCfgEntry *e = fw_cfg_current(s);
        size_t len = dma.length;

        if (e && s->cur_offset < e->len) {
            len = MIN(len, e->len - s->cur_offset);
            if (op == FW_CFG_DMA_CTL_WRITE && len != dma.length) {
                e = NULL; /* would run past the end: refused whole */
            }
        } else {
            e = NULL;
        }
        if (!fw_cfg_dma_step(s, e, op, dma.address, len)) {
            result = FW_CFG_DMA_CTL_ERROR;
            break;
        }
        if (e) {
            s->cur_offset += len;
        }
        dma.address += len;
        dma.length -= len;
    }
    result = GUINT32_TO_BE(result);
    machine_mem_write(s->ms, access_addr, &result, sizeof(result));
}

/* 0x514-0x51b: reads give the signature, bytes in memory order. */
static uint64_t fw_cfg_dma_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    if (addr % size) {
        return 0; /* unaligned: invalid in QEMU */
    }
    for (unsigned i = 0; i < size && addr + i < 8; i++) {
        v |= (uint64_t)fw_cfg_dma_signature[addr + i] << (i * 8);
    }
    return v;
}

/* The register is big endian: a guest's little-endian outl is swapped. */
static void fw_cfg_dma_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    FWCfgState *s = opaque;

    if (size == 4 && addr == 0) {
        s->dma_addr = (uint64_t)GUINT32_SWAP_LE_BE((uint32_t)val) << 32;
    } else if (size == 4 && addr == 4) {
        s->dma_addr |= GUINT32_SWAP_LE_BE((uint32_t)val);
        fw_cfg_dma_transfer(s);
    } else if (size == 8 && addr == 0) {
        s->dma_addr = GUINT64_SWAP_LE_BE(val);
        fw_cfg_dma_transfer(s);
    } else {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "fw_cfg: ignored %u-byte DMA register write at +%" PRIu64
                      "\n",
                      size, addr);
    }
}

static const MemoryRegionOps fw_cfg_dma_ops = {
    .read = fw_cfg_dma_read,
    .write = fw_cfg_dma_write,
    .impl_min = 1,
    .impl_max = 8,
};

/* ---- the device ---- */

static void fw_cfg_io_instance_init(DeviceState *dev)
{
    FWCfgState *s = fw_cfg(dev);

    memory_region_init_io(&s->io, &fw_cfg_io_ops, s, "fwcfg", 2);
    memory_region_init_io(&s->dma, &fw_cfg_dma_ops, s, "fwcfg.dma", 8);
}

static bool fw_cfg_io_realize(DeviceState *dev, GError **errp)
{
    FWCfgState *s = fw_cfg(dev);

    if (fw_cfg_instance) {
        error_setg(errp, "at most one %s device is permitted", TYPE_FW_CFG_IO);
        return false;
    }
    if (!s->ms) {
        error_setg(errp, "%s: created without a machine", TYPE_FW_CFG_IO);
        return false;
    }
    s->max_entry = FW_CFG_FILE_FIRST + s->file_slots;
    s->entries[0] = g_new0(FWCfgEntry, s->max_entry);
    s->entries[1] = g_new0(FWCfgEntry, s->max_entry);
    s->files = g_new0(char *, s->file_slots + 1);
    if (!address_space_map(s->ms->io, &s->io, FW_CFG_IO_BASE, TYPE_FW_CFG_IO,
                           errp)) {
        return false;
    }
    if (s->dma_enabled &&
        !address_space_map(s->ms->io, &s->dma, FW_CFG_DMA_BASE, TYPE_FW_CFG_IO,
                           errp)) {
        address_space_unmap(s->ms->io, &s->io);
        return false;
    }
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, fw_cfg_signature,
                     sizeof(fw_cfg_signature));
    fw_cfg_add_i32(s, FW_CFG_ID,
                   FW_CFG_VERSION | (s->dma_enabled ? FW_CFG_VERSION_DMA : 0));
    fw_cfg_rebuild_dir(s); /* an empty directory still has its count */
    fw_cfg_select(s, FW_CFG_SIGNATURE);
    fw_cfg_instance = s;
    return true;
}

static void fw_cfg_io_unrealize(DeviceState *dev)
{
    FWCfgState *s = fw_cfg(dev);

    address_space_unmap(s->ms->io, &s->io);
    if (s->dma_enabled) {
        address_space_unmap(s->ms->io, &s->dma);
    }
    if (fw_cfg_instance == s) {
        fw_cfg_instance = NULL;
    }
}

static void fw_cfg_io_finalize(DeviceState *dev)
{
    FWCfgState *s = fw_cfg(dev);

    for (unsigned a = 0; a < 2; a++) {
        for (unsigned i = 0; s->entries[a] && i < s->max_entry; i++) {
            g_free(s->entries[a][i].data);
        }
        g_free(s->entries[a]);
    }
    for (unsigned i = 0; i < s->nfiles; i++) {
        g_free(s->files[i]);
    }
    g_free(s->files);
}

/* system_reset: key 0 selected, offset 0, no half-written DMA address. */
static void fw_cfg_io_reset(DeviceState *dev)
{
    FWCfgState *s = fw_cfg(dev);

    fw_cfg_select(s, FW_CFG_SIGNATURE);
    s->dma_addr = 0;
}

FWCfgState *fw_cfg_init_io(MachineState *ms, GError **errp)
{
    DeviceState *dev = qdev_new(&fw_cfg_io_class);
    FWCfgState *s = fw_cfg(dev);

    s->ms = ms;
    if (!qdev_realize(dev, ms->sysbus, errp)) {
        qdev_unref(dev);
        return NULL;
    }
    /* QEMU puts it at /machine/fw_cfg rather than among "unattached". */
    g_free(dev->canonical_path);
    dev->canonical_path = g_strdup("/machine/" TYPE_FW_CFG);
    return s;
}

static const Property fw_cfg_io_props[] = {
    DEFINE_PROP_BOOL("dma_enabled", FWCfgState, dma_enabled, true),
    DEFINE_PROP_UINT16("x-file-slots", FWCfgState, file_slots,
                       FW_CFG_FILE_SLOTS),
    DEFINE_PROP_BOOL("acpi-mr-restore", FWCfgState, acpi_mr_restore, true),
    DEFINE_PROP_END_OF_LIST(),
};

static const char *const fw_cfg_io_children[] = {
    "fwcfg[0]",     "child<memory-region>",
    "fwcfg.dma[0]", "child<memory-region>",
    NULL,           NULL,
};

static MemoryRegion *fw_cfg_child_region(DeviceState *dev, unsigned index)
{
    return index == 0 ? &fw_cfg(dev)->io : &fw_cfg(dev)->dma;
}

const DeviceClass fw_cfg_io_class = {
    .child_region = fw_cfg_child_region,
    .name = TYPE_FW_CFG_IO,
    .parent = TYPE_FW_CFG,
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = false,
    .hotpluggable = false,
    .instance_size = sizeof(FWCfgState),
    .props = fw_cfg_io_props,
    .children = fw_cfg_io_children,
    .instance_init = fw_cfg_io_instance_init,
    .realize = fw_cfg_io_realize,
    .unrealize = fw_cfg_io_unrealize,
    .reset = fw_cfg_io_reset,
    .finalize = fw_cfg_io_finalize,
};
