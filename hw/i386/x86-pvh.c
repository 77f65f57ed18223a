/*
 * PVH direct boot of an ELF kernel (an uncompressed vmlinux, or a tiny
 * test guest): the kernel announces a 32-bit entry point in an ELF note
 * (owner "Xen", type XEN_ELFNOTE_PHYS32_ENTRY); we load its PT_LOAD
 * segments at their physical addresses, describe the machine in an
 * hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h, version 1
 * with a memory map) and enter flat 32-bit protected mode with EBX
 * pointing at it.
 */
#include <elf.h>
#include <inttypes.h>
#include <string.h>

#include "hw/i386/e820.h"
#include "hw/i386/x86-loader.h"

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HVM_START_MAGIC          0x336ec578
#define HVM_START_VERSION        1

/* Layout of the start_info page (X86_PVH_START_INFO_ADDR). */
#define SI_SIZE        56
#define SI_MODLIST_OFF 0x40 /* one hvm_modlist_entry (32 bytes) */
#define SI_MEMMAP_OFF  0x80 /* hvm_memmap_table_entry[] (24 each) */
#define SI_PAGE_SIZE   0x1000

#define LOW_AREA_END X86_KERNEL_LOAD_ADDR

typedef struct ElfSeg {
    uint32_t type;
    uint64_t offset, paddr, filesz, memsz;
} ElfSeg;

/*
 * Read program header @i of class EhdrT/PhdrT (the 32- and 64-bit layouts
 * differ only in field widths), bounds-checked against @len.
 */
#define ELF_READ_PHDR(EhdrT, PhdrT, d, len, i, s)                              \
    ({                                                                         \
        EhdrT eh_;                                                             \
        PhdrT ph_;                                                             \
        uint64_t off_;                                                         \
        bool ok_;                                                              \
                                                                               \
        memcpy(&eh_, (d), sizeof(eh_));                                        \
        off_ = eh_.e_phoff + (uint64_t)(i)*eh_.e_phentsize;                    \
        ok_ = eh_.e_phoff <= (len) && eh_.e_phentsize >= sizeof(ph_) &&        \
              off_ <= (len) && (len)-off_ >= sizeof(ph_);                      \
        if (ok_) {                                                             \
            memcpy(&ph_, (d) + off_, sizeof(ph_));                             \
            *(s) = (ElfSeg){ph_.p_type, ph_.p_offset, ph_.p_paddr,             \
                            ph_.p_filesz, ph_.p_memsz};                        \
        }                                                                      \
        ok_;                                                                   \
    })

/* Program header @i of the ELF image @d (32- or 64-bit), bounds-checked. */
static bool elf_phdr(const uint8_t *d, size_t len, unsigned i, ElfSeg *s)
{
    bool ok = d[EI_CLASS] == ELFCLASS64
                  ? ELF_READ_PHDR(Elf64_Ehdr, Elf64_Phdr, d, len, i, s)
                  : ELF_READ_PHDR(Elf32_Ehdr, Elf32_Phdr, d, len, i, s);

    return ok && s->offset <= len && s->filesz <= len - s->offset &&
           (s->type != PT_LOAD || s->filesz <= s->memsz);
}

static unsigned elf_phnum(const uint8_t *d)
{
    uint16_t n;

    if (d[EI_CLASS] == ELFCLASS64) {
        memcpy(&n, d + offsetof(Elf64_Ehdr, e_phnum), 2);
    } else {
        memcpy(&n, d + offsetof(Elf32_Ehdr, e_phnum), 2);
    }
    return n;
}

/* Search one PT_NOTE segment for the PVH entry. */
static bool find_pvh_note(const uint8_t *p, uint64_t n, uint32_t *entry)
{
    while (n >= 12) {
        uint32_t namesz, descsz, type;
        uint64_t name_len, desc_len;

        memcpy(&namesz, p, 4);
        memcpy(&descsz, p + 4, 4);
        memcpy(&type, p + 8, 4);
        name_len = ((uint64_t)namesz + 3) & ~3u;
        desc_len = ((uint64_t)descsz + 3) & ~3u;
        if (12 + name_len + desc_len > n) {
            return false;
        }
        if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 &&
            memcmp(p + 12, "Xen", 4) == 0 && descsz >= 4) {
            memcpy(entry, p + 12 + name_len, 4);
            return true;
        }
        p += 12 + name_len + desc_len;
        n -= 12 + name_len + desc_len;
    }
    return false;
}

bool x86_pvh_probe(X86LinuxBoot *lb, const char *name, GError **errp)
{
    gsize len;
    const uint8_t *d = g_bytes_get_data(lb->kernel, &len);
    size_t ehsize =
        d[EI_CLASS] == ELFCLASS64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    uint16_t machine;
    ElfSeg s;

    if (len < sizeof(Elf64_Ehdr) || d[EI_DATA] != ELFDATA2LSB ||
        (d[EI_CLASS] != ELFCLASS64 && d[EI_CLASS] != ELFCLASS32) ||
        len < ehsize) {
        error_setg(errp, "kernel '%s': not a little-endian x86 ELF file", name);
        return false;
    }
    memcpy(&machine, d + offsetof(Elf64_Ehdr, e_machine), 2);
    if (machine != EM_X86_64 && machine != EM_386) {
        error_setg(errp, "kernel '%s': ELF machine %u is not x86", name,
                   machine);
        return false;
    }
    for (unsigned i = 0; i < elf_phnum(d); i++) {
        if (!elf_phdr(d, len, i, &s)) {
            break;
        }
        if (s.type == PT_NOTE &&
            find_pvh_note(d + s.offset, s.filesz, &lb->pvh_entry)) {
            return true;
        }
    }
    error_setg(errp,
               "kernel '%s' is an ELF file without a PVH entry note "
               "(XEN_ELFNOTE_PHYS32_ENTRY); boot a bzImage instead",
               name);
    return false;
}

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static void st64(uint8_t *p, uint64_t v)
{
    st32(p, v);
    st32(p + 4, v >> 32);
}

static bool load_segments(const X86LinuxBoot *lb, MachineState *ms,
                          uint64_t *end, GError **errp)
{
    gsize len;
    const uint8_t *d = g_bytes_get_data(lb->kernel, &len);
    ElfSeg s;

    *end = LOW_AREA_END;
    for (unsigned i = 0; i < elf_phnum(d); i++) {
        uint8_t *p;

        if (!elf_phdr(d, len, i, &s)) {
            error_setg(errp, "kernel ELF program header %u is invalid", i);
            return false;
        }
        if (s.type != PT_LOAD || s.memsz == 0) {
            continue;
        }
        if (s.paddr < LOW_AREA_END) {
            error_setg(errp,
                       "kernel segment at 0x%" PRIx64 " overlaps the "
                       "boot areas below 1 MiB",
                       s.paddr);
            return false;
        }
        p = machine_ram_ptr(ms, s.paddr, s.memsz);
        if (!p || s.paddr + s.memsz > ms->below_4g_mem_size) {
            error_setg(errp,
                       "kernel too large for %" PRIu64 " MiB of RAM "
                       "(segment 0x%" PRIx64 "-0x%" PRIx64 ")",
                       ms->ram_size >> 20, s.paddr, s.paddr + s.memsz - 1);
            return false;
        }
        memcpy(p, d + s.offset, s.filesz);
        memset(p + s.filesz, 0, s.memsz - s.filesz);
        *end = MAX(*end, s.paddr + s.memsz);
    }
    return true;
}

bool x86_pvh_load(const X86LinuxBoot *lb, MachineState *ms, uint64_t rsdp_addr,
                  X86BootInfo *bi, GError **errp)
{
    uint8_t si[SI_PAGE_SIZE] = {0};
    E820Entry map[(SI_PAGE_SIZE - SI_MEMMAP_OFF) / 24];
    size_t cmdline_len = strlen(lb->cmdline);
    uint64_t end, initrd_addr;
    unsigned n;

    if (!load_segments(lb, ms, &end, errp) ||
        !x86_place_initrd(lb, ms, end, UINT32_MAX, &initrd_addr, errp)) {
        return false;
    }
    if (cmdline_len >= 0x10000 ||
        !x86_copy_to_guest(ms, X86_CMDLINE_ADDR, lb->cmdline,
                           cmdline_len + 1)) {
        error_setg(errp, "kernel command line too long or no RAM for it");
        return false;
    }

    st32(si + 0, HVM_START_MAGIC);
    st32(si + 4, HVM_START_VERSION);
    st64(si + 24, X86_CMDLINE_ADDR);
    st64(si + 32, rsdp_addr);
    if (lb->initrd) {
        uint8_t *mod = si + SI_MODLIST_OFF;

        st32(si + 12, 1); /* nr_modules */
        st64(si + 16, X86_PVH_START_INFO_ADDR + SI_MODLIST_OFF);
        st64(mod, initrd_addr);
        st64(mod + 8, g_bytes_get_size(lb->initrd));
    }
    n = e820_build(ms, map, G_N_ELEMENTS(map));
    st64(si + 40, X86_PVH_START_INFO_ADDR + SI_MEMMAP_OFF);
    st32(si + 48, n);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = si + SI_MEMMAP_OFF + i * 24;

        st64(e, map[i].addr);
        st64(e + 8, map[i].size);
        st32(e + 16, map[i].type);
    }
    if (!x86_copy_to_guest(ms, X86_PVH_START_INFO_ADDR, si, sizeof(si))) {
        error_setg(errp, "no RAM for the PVH start_info");
        return false;
    }

    memset(bi, 0, sizeof(*bi));
    bi->mode = X86_ENTRY_PROT32;
    bi->entry = lb->pvh_entry;
    bi->rbx = X86_PVH_START_INFO_ADDR;
    return true;
}
