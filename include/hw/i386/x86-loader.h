/*
 * Loading a guest into RAM without firmware: direct Linux boot and -bios.
 *
 * Start-up reads every file once (x86_linux_prepare, x86_bios_prepare)
 * and keeps the bytes, so that system_reset can put the same images back
 * (x86_*_load) without touching the file system: a guest that reboots
 * gets exactly the kernel it started with.
 *
 * Guest-physical areas used (see also hw/i386/x86.h):
 *   0x6000   PVH hvm_start_info, then its module list and memory map
 *   0x7000   Linux boot_params (the "zero page")
 *   0x20000  kernel command line
 *   1 MiB    protected-mode kernel (bzImage) / PT_LOAD segments (PVH)
 *   top of low RAM: the initrd, page-aligned
 */
#ifndef HW_I386_X86_LOADER_H
#define HW_I386_X86_LOADER_H

#include "hw/boards.h"
#include "hw/i386/x86.h"

#define X86_PVH_START_INFO_ADDR 0x6000
#define X86_BOOT_PARAMS_ADDR    0x7000
#define X86_CMDLINE_ADDR        0x20000
#define X86_KERNEL_LOAD_ADDR    0x100000

/*
 * Read a whole guest image file.  Errors read like QEMU's:
 * "could not load WHAT 'PATH': No such file or directory".
 */
bool x86_load_file(const char *what, const char *path, gchar **data, gsize *len,
                   GError **errp);

typedef enum X86KernelFormat {
    X86_KERNEL_BZIMAGE, /* Linux boot protocol >= 2.06 */
    X86_KERNEL_PVH_ELF, /* ELF with XEN_ELFNOTE_PHYS32_ENTRY */
} X86KernelFormat;

typedef struct X86LinuxBoot {
    X86KernelFormat format;
    GBytes *kernel;     /* the whole -kernel file */
    GBytes *initrd;     /* the whole -initrd file, or NULL */
    char *cmdline;      /* -append, "" if none */
    uint32_t pvh_entry; /* PVH: 32-bit physical entry point */
} X86LinuxBoot;

/*
 * Read and check -kernel/-initrd/-append.  Errors name the file:
 * "could not load kernel 'x': No such file or directory",
 * "'x' is not a Linux kernel (no bzImage header and no PVH note)", ...
 * @initrd and @cmdline may be NULL.  On failure *lb is left empty.
 */
bool x86_linux_prepare(X86LinuxBoot *lb, const char *kernel, const char *initrd,
                       const char *cmdline, GError **errp);

/*
 * Copy the prepared images into guest RAM, build boot_params or the PVH
 * start_info (E820 map, command line, initrd, @rsdp_addr if non-zero)
 * and describe the entry in *bi.  Fails if the images do not fit in RAM
 * ("initrd too large", "kernel too large for 64 MiB of RAM").  Called at
 * start-up and on every system_reset.
 */
bool x86_linux_load(const X86LinuxBoot *lb, MachineState *ms,
                    uint64_t rsdp_addr, X86BootInfo *bi, GError **errp);
void x86_linux_free(X86LinuxBoot *lb);

/* x86-pvh.c: the PVH half of x86_linux_prepare/load. */
bool x86_pvh_probe(X86LinuxBoot *lb, const char *name, GError **errp);
bool x86_pvh_load(const X86LinuxBoot *lb, MachineState *ms, uint64_t rsdp_addr,
                  X86BootInfo *bi, GError **errp);
/* Shared by both formats: put the initrd at the top of low RAM, below
 * @max_addr (last usable byte) and above @min_addr.  Returns false with
 * "initrd too large" if it does not fit. */
bool x86_place_initrd(const X86LinuxBoot *lb, MachineState *ms,
                      uint64_t min_addr, uint64_t max_addr, uint64_t *addr,
                      GError **errp);
/* Copy @len bytes to guest-physical RAM @gpa; false if not all RAM. */
bool x86_copy_to_guest(MachineState *ms, uint64_t gpa, const void *buf,
                       size_t len);

/*
 * -bios FILE (x86-bios.c).  The image (a multiple of 64 KiB, at most
 * 16 MiB) is mapped read-only at 4 GiB - size (an MMIO region in
 * ms->memory that returns its bytes, plus ms->rom_* for accelerators
 * that map it as a read-only memory slot).  Below 1 MiB, machines without
 * PAM get its last 128 KiB copied to 0xe0000-0xfffff in low RAM
 * (x86_bios_load); machines with PAM show them as the ROM side instead
 * (hw/pci-host/pam.h).  Entry is the reset vector.
 */
typedef struct X86Bios X86Bios;
X86Bios *x86_bios_prepare(MachineState *ms, const char *filename,
                          GError **errp);
/* (Re)copy the low 128 KiB and return the reset entry in *bi. */
void x86_bios_load(X86Bios *bios, MachineState *ms, X86BootInfo *bi);
void x86_bios_free(X86Bios *bios, MachineState *ms);

#endif /* HW_I386_X86_LOADER_H */
