/*
 * PAM/SMRAM routing of the pc machine (contract: hw/i386/pc-pam.h).
 *
 * The ROM side of 0xC0000-0xFFFFF is one page-aligned 256 KiB buffer:
 * 128 KiB of zeros (the option-ROM area, "pc.rom") and the last 128 KiB
 * of the -bios image ("isa-bios").  It is mapped in ms->memory, where
 * qtest and emulated accesses reach it whenever a segment shows ROM (the
 * machine routes them there from low_rom_mask), and accelerators map the
 * same bytes read-only.  Shadow RAM is the machine's RAM itself, so it
 * keeps its contents while its segment shows ROM.
 */
#include <inttypes.h>
#include <string.h>

#include "hw/i386/pc-pam.h"
#include "qemu/log.h"

#define OPTION_ROM_SIZE (128 * 1024) /* 0xC0000-0xDFFFF */
#define ISA_BIOS_MAX    (128 * 1024) /* at most 0xE0000-0xFFFFF */
#define SHADOW_END      (MACHINE_SHADOW_BASE + MACHINE_SHADOW_SIZE)

/* PAM0 high nibble, then PAM1-6 low and high nibbles. */
#define F_SEG_FIRST 12 /* 0xF0000 = segments 12..15 */

typedef struct PCPam {
    MachineState *ms;
    uint8_t *rom; /* MACHINE_SHADOW_SIZE, page-aligned (KVM slots) */
    MemoryRegion option_rom;
    MemoryRegion isa_bios;
    bool option_rom_mapped;
    bool isa_bios_mapped;
} PCPam;

/* One machine per process, set up on first use. */
static PCPam *pc_pam;

static uint64_t pam_rom_read(void *opaque, uint64_t addr, unsigned size)
{
    const uint8_t *p = opaque;
    uint64_t val = 0;

    /* The region may be accessed past its end (wide MMIO): clip. */
    for (unsigned i = 0; i < size; i++) {
        uint64_t gpa = (p - pc_pam->rom) + MACHINE_SHADOW_BASE + addr + i;

        if (gpa < SHADOW_END) {
            val |= (uint64_t)p[addr + i] << (8 * i);
        }
    }
    return val;
}

static void pam_rom_write(void *opaque, uint64_t addr, uint64_t val,
                          unsigned size)
{
    const uint8_t *p = opaque;

    qemu_log_mask(LOG_GUEST_ERROR,
                  "pam: write to ROM at 0x%" PRIx64 " ignored (PAM 0)\n",
                  (uint64_t)(p - pc_pam->rom) + MACHINE_SHADOW_BASE + addr);
}

static const MemoryRegionOps pam_rom_ops = {
    .read = pam_rom_read,
    .write = pam_rom_write,
    .impl_min = 1,
    .impl_max = 8,
};

static void pam_free(void)
{
    if (pc_pam) {
        g_aligned_free(pc_pam->rom);
        g_clear_pointer(&pc_pam, g_free);
    }
}

static PCPam *pam_get(MachineState *ms)
{
    g_autoptr(GError) err = NULL;

    if (pc_pam && pc_pam->ms == ms) {
        return pc_pam;
    }
    /* A machine destroyed without its finalize: forget its state. */
    pam_free();
    pc_pam = g_new0(PCPam, 1);
    pc_pam->ms = ms;
    pc_pam->rom = g_aligned_alloc0(1, MACHINE_SHADOW_SIZE, 4096);
    memory_region_init_io(&pc_pam->option_rom, &pam_rom_ops, pc_pam->rom,
                          "pc.rom", OPTION_ROM_SIZE);
    /* Only a tiny -m could put RAM-less MMIO there; then say so. */
    pc_pam->option_rom_mapped = address_space_map(
        ms->memory, &pc_pam->option_rom, MACHINE_SHADOW_BASE, "pc.rom", &err);
    if (!pc_pam->option_rom_mapped) {
        warn_report("pam: %s", err->message);
    }
    return pc_pam;
}

/* The mode (0-3) of shadow segment @seg according to @pam. */
static unsigned seg_mode(const uint8_t pam[I440FX_NR_PAM], unsigned seg)
{
    if (seg >= F_SEG_FIRST) {
        return (pam[0] >> 4) & 3;
    }
    return (pam[1 + seg / 2] >> (seg % 2 ? 4 : 0)) & 3;
}

void pc_pam_update(MachineState *ms, const uint8_t pam[I440FX_NR_PAM],
                   uint8_t smram)
{
    PCPam *s = pam_get(ms);
    uint16_t mask = 0;

    for (unsigned seg = 0; seg < MACHINE_SHADOW_SEGS; seg++) {
        /* Modes 1-3 all show RAM, reads and writes (QEMU's behaviour). */
        if (seg_mode(pam, seg) == 0) {
            mask |= 1u << seg;
        }
    }
    /*
     * SMRAM only matters where something hides behind 0xA0000-0xBFFFF
     * (VGA); Vigil has nothing there, so RAM shows whatever it says.
     */
    (void)smram;
    machine_set_low_rom(ms, s->rom, mask);
}

void pc_pam_reset_values(MachineState *ms, uint8_t pam[I440FX_NR_PAM],
                         uint8_t *smram)
{
    if (ms->firmware) {
        memset(pam, 0, I440FX_NR_PAM);
    } else {
        pam[0] = 0x30;
        memset(pam + 1, 0x33, I440FX_NR_PAM - 1);
    }
    *smram = 0x02;
    pc_pam_update(ms, pam, *smram);
}

void pc_pam_set_bios(MachineState *ms, const uint8_t *image, size_t len)
{
    PCPam *s = pam_get(ms);
    size_t low = MIN(len, (size_t)ISA_BIOS_MAX);
    g_autoptr(GError) err = NULL;

    if (s->isa_bios_mapped) {
        address_space_unmap(ms->memory, &s->isa_bios);
        s->isa_bios_mapped = false;
    }
    memset(s->rom + OPTION_ROM_SIZE, 0, ISA_BIOS_MAX);
    memcpy(s->rom + MACHINE_SHADOW_SIZE - low, image + len - low, low);
    if (!low) {
        return;
    }
    memory_region_init_io(&s->isa_bios, &pam_rom_ops,
                          s->rom + MACHINE_SHADOW_SIZE - low, "isa-bios", low);
    s->isa_bios_mapped = address_space_map(ms->memory, &s->isa_bios,
                                           SHADOW_END - low, "isa-bios", &err);
    if (!s->isa_bios_mapped) {
        warn_report("pam: %s", err->message);
    }
}

void pc_pam_cleanup(MachineState *ms)
{
    PCPam *s = pc_pam;

    if (!s || s->ms != ms) {
        return;
    }
    machine_set_low_rom(ms, NULL, 0);
    if (s->isa_bios_mapped) {
        address_space_unmap(ms->memory, &s->isa_bios);
    }
    if (s->option_rom_mapped) {
        address_space_unmap(ms->memory, &s->option_rom);
    }
    pam_free();
}
