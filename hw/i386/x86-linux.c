/*
 * Direct Linux boot: the bzImage half of the x86 boot protocol
 * (Documentation/arch/x86/boot.rst), plus what both kernel formats share
 * (reading the files, the command line, the initrd).  The PVH half is in
 * x86-pvh.c.
 *
 * No real-mode setup code runs: we fill boot_params ourselves and jump
 * straight to the protected-mode kernel, 64-bit entry when the kernel
 * offers one, as QEMU's linuxboot_dma option ROM would have arranged.
 */
#include <inttypes.h>
#include <string.h>

#include "hw/i386/e820.h"
#include "hw/i386/x86-loader.h"

/* Setup header fields (offsets in the file and in boot_params). */
#define HDR_SETUP_SECTS     0x1f1
#define HDR_BOOT_FLAG       0x1fe
#define HDR_JUMP            0x200
#define HDR_MAGIC           0x202
#define HDR_VERSION         0x206
#define HDR_TYPE_OF_LOADER  0x210
#define HDR_LOADFLAGS       0x211
#define HDR_RAMDISK_IMAGE   0x218
#define HDR_RAMDISK_SIZE    0x21c
#define HDR_HEAP_END_PTR    0x224
#define HDR_CMD_LINE_PTR    0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_RELOCATABLE     0x234
#define HDR_XLOADFLAGS      0x236
#define HDR_CMDLINE_SIZE    0x238
#define HDR_PREF_ADDRESS    0x258
#define HDR_INIT_SIZE       0x260

/* boot_params fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_E820_ENTRIES   0x1e8
#define BP_E820_TABLE     0x2d0
#define BP_SIZE           0x1000

#define LOADFLAG_LOADED_HIGH  0x01
#define LOADFLAG_CAN_USE_HEAP 0x80
#define XLF_KERNEL_64         0x01
#define LOADER_TYPE_UNKNOWN   0xff
#define BOOT_FLAG_MAGIC       0xaa55
#define LINUX_ENTRY64_OFF     0x200

#define MIB (UINT64_C(1) << 20)

static uint16_t ld16(const uint8_t *p)
{
    return p[0] | (uint16_t)p[1] << 8;
}

static uint32_t ld32(const uint8_t *p)
{
    return ld16(p) | (uint32_t)ld16(p + 2) << 16;
}

static uint64_t ld64(const uint8_t *p)
{
    return ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void st32(uint8_t *p, uint32_t v)
{
    st16(p, v);
    st16(p + 2, v >> 16);
}

static void st64(uint8_t *p, uint64_t v)
{
    st32(p, v);
    st32(p + 4, v >> 32);
}

bool x86_copy_to_guest(MachineState *ms, uint64_t gpa, const void *buf,
                       size_t len)
{
    void *p = len ? machine_ram_ptr(ms, gpa, len) : NULL;

    if (len && !p) {
        return false;
    }
    if (len) {
        memcpy(p, buf, len);
    }
    return true;
}

static bool is_bzimage(const uint8_t *d, size_t n)
{
    return n >= HDR_CMDLINE_SIZE + 4 && memcmp(d + HDR_MAGIC, "HdrS", 4) == 0;
}

bool x86_linux_prepare(X86LinuxBoot *lb, const char *kernel, const char *initrd,
                       const char *cmdline, GError **errp)
{
    gchar *data = NULL;
    gsize len = 0;

    memset(lb, 0, sizeof(*lb));
    if (!x86_load_file("kernel", kernel, &data, &len, errp)) {
        return false;
    }
    lb->kernel = g_bytes_new_take(data, len);
    lb->cmdline = g_strdup(cmdline ? cmdline : "");
    if (is_bzimage((const uint8_t *)data, len)) {
        const uint8_t *d = (const uint8_t *)data;
        uint16_t ver = ld16(d + HDR_VERSION);

        lb->format = X86_KERNEL_BZIMAGE;
        if (ld16(d + HDR_BOOT_FLAG) != BOOT_FLAG_MAGIC || ver < 0x206) {
            error_setg(errp,
                       "kernel '%s': Linux boot protocol %u.%02u is not "
                       "supported (2.06 or later needed)",
                       kernel, (unsigned)(ver >> 8), (unsigned)(ver & 0xff));
            goto fail;
        }
        if (!(d[HDR_LOADFLAGS] & LOADFLAG_LOADED_HIGH)) {
            error_setg(errp,
                       "kernel '%s' is a zImage; only bzImage is "
                       "supported",
                       kernel);
            goto fail;
        }
    } else if (len >= 4 && memcmp(data, "\177ELF", 4) == 0) {
        lb->format = X86_KERNEL_PVH_ELF;
        if (!x86_pvh_probe(lb, kernel, errp)) {
            goto fail;
        }
    } else {
        error_setg(errp,
                   "'%s' is not a Linux kernel (neither a bzImage "
                   "nor an ELF with a PVH entry note)",
                   kernel);
        goto fail;
    }
    if (initrd) {
        if (!x86_load_file("initrd", initrd, &data, &len, errp)) {
            goto fail;
        }
        lb->initrd = g_bytes_new_take(data, len);
    }
    return true;

fail:
    x86_linux_free(lb);
    return false;
}

void x86_linux_free(X86LinuxBoot *lb)
{
    g_clear_pointer(&lb->kernel, g_bytes_unref);
    g_clear_pointer(&lb->initrd, g_bytes_unref);
    g_clear_pointer(&lb->cmdline, g_free);
}

bool x86_place_initrd(const X86LinuxBoot *lb, MachineState *ms,
                      uint64_t min_addr, uint64_t max_addr, uint64_t *addr,
                      GError **errp)
{
    gsize size;
    const void *data;
    uint64_t top = MIN(max_addr + 1, ms->below_4g_mem_size);

    *addr = 0;
    if (!lb->initrd) {
        return true;
    }
    data = g_bytes_get_data(lb->initrd, &size);
    if (size > top || ((top - size) & ~UINT64_C(0xfff)) < min_addr) {
        error_setg(errp,
                   "initrd too large: %zu bytes do not fit between the "
                   "kernel (ends at 0x%" PRIx64 ") and 0x%" PRIx64
                   "; give the guest more memory with -m",
                   (size_t)size, min_addr, top);
        return false;
    }
    *addr = (top - size) & ~UINT64_C(0xfff);
    return x86_copy_to_guest(ms, *addr, data, size);
}

static bool bzimage_load(const X86LinuxBoot *lb, MachineState *ms,
                         uint64_t rsdp_addr, X86BootInfo *bi, GError **errp)
{
    gsize len;
    const uint8_t *d = g_bytes_get_data(lb->kernel, &len);
    uint16_t ver = ld16(d + HDR_VERSION);
    unsigned setup_sects = d[HDR_SETUP_SECTS] ? d[HDR_SETUP_SECTS] : 4;
    size_t setup_size = (setup_sects + 1) * 512;
    size_t hdr_end = MIN(HDR_JUMP + 2 + (size_t)d[HDR_JUMP + 1], BP_SIZE);
    uint32_t cmdline_max = ld32(d + HDR_CMDLINE_SIZE);
    uint64_t initrd_max = ld32(d + HDR_INITRD_ADDR_MAX);
    uint64_t pref = X86_KERNEL_LOAD_ADDR, need, initrd_addr;
    size_t cmdline_len = strlen(lb->cmdline);
    uint8_t bp[BP_SIZE] = {0};
    E820Entry map[E820_MAX_ENTRIES];
    unsigned n;

    if (setup_size >= len || hdr_end > setup_size) {
        error_setg(errp, "kernel image is truncated (%zu bytes)", (size_t)len);
        return false;
    }
    if (ver >= 0x20a) {
        pref = MAX(pref, ld64(d + HDR_PREF_ADDRESS));
        need = pref + ld32(d + HDR_INIT_SIZE);
    } else {
        need = X86_KERNEL_LOAD_ADDR + 4 * (len - setup_size);
    }
    need = MAX(need, X86_KERNEL_LOAD_ADDR + (len - setup_size));
    if (need > ms->below_4g_mem_size) {
        error_setg(errp,
                   "kernel too large for %" PRIu64 " MiB of RAM (it needs "
                   "%" PRIu64 " MiB to decompress and run)",
                   ms->ram_size / MIB, (need + MIB - 1) / MIB);
        return false;
    }
    if (cmdline_len > cmdline_max) {
        error_setg(errp,
                   "kernel command line too long: %zu bytes (the "
                   "kernel accepts %u)",
                   cmdline_len, cmdline_max);
        return false;
    }

    if (!x86_copy_to_guest(ms, X86_KERNEL_LOAD_ADDR, d + setup_size,
                           len - setup_size) ||
        !x86_copy_to_guest(ms, X86_CMDLINE_ADDR, lb->cmdline,
                           cmdline_len + 1) ||
        !x86_place_initrd(lb, ms, need, initrd_max, &initrd_addr, errp)) {
        if (errp && !*errp) {
            error_setg(errp, "kernel does not fit in guest RAM");
        }
        return false;
    }

    memcpy(bp + HDR_SETUP_SECTS, d + HDR_SETUP_SECTS,
           hdr_end - HDR_SETUP_SECTS);
    bp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNKNOWN;
    bp[HDR_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
    st16(bp + HDR_HEAP_END_PTR, 0xfe00 - 0x200);
    st32(bp + HDR_CMD_LINE_PTR, X86_CMDLINE_ADDR);
    if (lb->initrd) {
        st32(bp + HDR_RAMDISK_IMAGE, initrd_addr);
        st32(bp + HDR_RAMDISK_SIZE, g_bytes_get_size(lb->initrd));
    }
    if (ver >= 0x20e && rsdp_addr) {
        st64(bp + BP_ACPI_RSDP_ADDR, rsdp_addr);
    }
    n = e820_build(ms, map, E820_MAX_ENTRIES);
    bp[BP_E820_ENTRIES] = n;
    for (unsigned i = 0; i < n; i++) {
        uint8_t *e = bp + BP_E820_TABLE + i * 20;

        st64(e, map[i].addr);
        st64(e + 8, map[i].size);
        st32(e + 16, map[i].type);
    }
    if (!x86_copy_to_guest(ms, X86_BOOT_PARAMS_ADDR, bp, sizeof(bp))) {
        error_setg(errp, "no RAM for the boot parameters");
        return false;
    }

    memset(bi, 0, sizeof(*bi));
    bi->rsi = X86_BOOT_PARAMS_ADDR;
    if (ver >= 0x20c && (ld16(d + HDR_XLOADFLAGS) & XLF_KERNEL_64)) {
        bi->mode = X86_ENTRY_LONG64;
        bi->entry = X86_KERNEL_LOAD_ADDR + LINUX_ENTRY64_OFF;
    } else {
        bi->mode = X86_ENTRY_PROT32;
        bi->entry = X86_KERNEL_LOAD_ADDR;
    }
    return true;
}

bool x86_linux_load(const X86LinuxBoot *lb, MachineState *ms,
                    uint64_t rsdp_addr, X86BootInfo *bi, GError **errp)
{
    if (lb->format == X86_KERNEL_PVH_ELF) {
        return x86_pvh_load(lb, ms, rsdp_addr, bi, errp);
    }
    return bzimage_load(lb, ms, rsdp_addr, bi, errp);
}
