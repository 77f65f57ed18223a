/*
 * -bios FILE: a firmware image entered at the reset vector.
 *
 * The image sits read-only just below 4 GiB, where the CPU fetches its
 * first instruction (0xfffffff0), and its last 128 KiB also appear at
 * 0xe0000-0xfffff, where real-mode firmware runs after its first far
 * jump.  Below 1 MiB it is a copy in RAM (put back on every reset by
 * x86_bios_load), as on a PC whose chipset shadows the BIOS, on machines
 * without PAM; with the i440FX's PAM it is the ROM side (pc-pam.c).
 */
#include <inttypes.h>
#include <string.h>

#include "hw/i386/x86-loader.h"
#include "qemu/log.h"

#define BIOS_ALIGN    (64 * 1024)
#define BIOS_MAX_SIZE (16 * 1024 * 1024)
#define LOW_BIOS_SIZE (128 * 1024)
#define LOW_BIOS_END  0x100000
#define FOUR_GIB      (UINT64_C(1) << 32)

struct X86Bios {
    GBytes *image;
    MemoryRegion mr;
    bool mapped;
};

static uint64_t bios_read(void *opaque, uint64_t addr, unsigned size)
{
    X86Bios *bios = opaque;
    gsize len;
    const uint8_t *d = g_bytes_get_data(bios->image, &len);
    uint64_t val = 0;

    for (unsigned i = 0; i < size && addr + i < len; i++) {
        val |= (uint64_t)d[addr + i] << (8 * i);
    }
    return val;
}

static void bios_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    qemu_log_mask(LOG_GUEST_ERROR,
                  "bios: write to read-only firmware at offset 0x%" PRIx64
                  " ignored\n",
                  addr);
}

static const MemoryRegionOps bios_ops = {
    .read = bios_read,
    .write = bios_write,
    .impl_min = 1,
    .impl_max = 8,
};

X86Bios *x86_bios_prepare(MachineState *ms, const char *filename, GError **errp)
{
    X86Bios *bios;
    gchar *data;
    gsize len;

    if (!x86_load_file("bios", filename, &data, &len, errp)) {
        return NULL;
    }
    if (len == 0 || len % BIOS_ALIGN || len > BIOS_MAX_SIZE) {
        error_setg(errp,
                   "bios '%s' is %zu bytes; its size must be a "
                   "multiple of 64 KiB, at most 16 MiB",
                   filename, (size_t)len);
        g_free(data);
        return NULL;
    }
    bios = g_new0(X86Bios, 1);
    bios->image = g_bytes_new_take(data, len);
    memory_region_init_io(&bios->mr, &bios_ops, bios, "pc.bios", len);
    if (!address_space_map(ms->memory, &bios->mr, FOUR_GIB - len, "bios",
                           errp)) {
        x86_bios_free(bios, ms);
        return NULL;
    }
    bios->mapped = true;
    ms->rom = (const uint8_t *)data;
    ms->rom_base = FOUR_GIB - len;
    ms->rom_size = len;
    return bios;
}

void x86_bios_load(X86Bios *bios, MachineState *ms, X86BootInfo *bi)
{
    gsize len;
    const uint8_t *d = g_bytes_get_data(bios->image, &len);
    size_t low = MIN(len, LOW_BIOS_SIZE);

    /* No RAM there (tiny -m): the firmware only runs from the top. */
    x86_copy_to_guest(ms, LOW_BIOS_END - low, d + len - low, low);
    memset(bi, 0, sizeof(*bi));
    bi->mode = X86_ENTRY_RESET;
}

void x86_bios_free(X86Bios *bios, MachineState *ms)
{
    if (!bios) {
        return;
    }
    if (bios->mapped) {
        address_space_unmap(ms->memory, &bios->mr);
        ms->rom = NULL;
        ms->rom_base = 0;
        ms->rom_size = 0;
    }
    g_bytes_unref(bios->image);
    g_free(bios);
}
