/*
 * Guest memory dumps: an ELF core of guest-physical memory, laid out as
 * QEMU's "dump-guest-memory" writes it, so that crash(8) and gdb read it.
 *
 * Layout (x86-64, little endian, ET_CORE, EM_X86_64):
 *   ELF header
 *   program headers: one PT_NOTE, then one PT_LOAD per guest memory
 *       block (RAM below 4 GiB, RAM above 4 GiB, a -bios ROM), each
 *       clipped to the [begin, begin + length) filter when one is given;
 *       p_paddr = p_vaddr = guest-physical address, p_flags 0
 *   notes: one "CORE"/NT_PRSTATUS per vCPU (the kernel's x86-64
 *       elf_prstatus: pr_pid = vCPU index + 1, user_regs_struct), then
 *       one "QEMU"/type 0 per vCPU (QEMUCPUState version 1: GPRs, RIP,
 *       RFLAGS, the segments, GDT/IDT, CR0-CR4, KERNEL_GS_BASE), then
 *       the guest's "VMCOREINFO" note as the guest wrote it, when it gave
 *       one through -device vmcoreinfo (dump_read_guest_note())
 *   the memory, block after block, in program-header order
 *
 * Always ELFCLASS64 (QEMU writes ELFCLASS32 for a guest that is not in
 * long mode and stays below 4 GiB; tools read either).  Accelerators
 * without vCPUs (qtest) contribute no vCPU notes.
 *
 * The kdump-compressed formats (dump/dump-kdump.c) hold the same notes
 * and the same memory, compressed page by page; their layout is described
 * before dump_write_kdump() below.
 *
 * The caller stops the vCPUs first; this module only reads them.
 */
#ifndef SYSTEM_DUMP_H
#define SYSTEM_DUMP_H

#include "qemu/common.h"
#include "hw/boards.h"

/* One segment register in the descriptor's own terms. */
typedef struct DumpSegment {
    uint16_t selector;
    uint32_t limit; /* byte granular (KVM's view) */
    /* Bits 8-23 of the descriptor's high word: type, S, DPL, P, AVL, L,
     * D/B, G, as QEMU's CPU state keeps them. */
    uint32_t flags;
    uint64_t base;
} DumpSegment;

/* What a vCPU contributes to a dump; filled by the accelerator. */
typedef struct VCPUDumpState {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    DumpSegment cs, ds, es, fs, gs, ss, ldt, tr;
    uint64_t gdt_base, idt_base;
    uint32_t gdt_limit, idt_limit;
    uint64_t cr[5];
    uint64_t kernel_gs_base;
} VCPUDumpState;

/* One contiguous piece of guest memory as the dump sees it. */
typedef struct DumpBlock {
    uint64_t gpa;
    uint64_t size;
    const uint8_t *host;
} DumpBlock;

/*
 * The memory blocks of @ms clipped to [begin, begin + length) when
 * @filter is set (empty pieces dropped).  Returns the number stored in
 * @blocks (at most @max); *total is the byte count of all of them.
 */
size_t dump_collect_blocks(const MachineState *ms, bool filter, uint64_t begin,
                           uint64_t length, DumpBlock *blocks, size_t max,
                           uint64_t *total);

/*
 * Create @path for a dump as QEMU does (write-only, truncated, mode
 * 0400: a core is private; "/dev/fdset/N" takes an -add-fd fd).  Returns
 * the fd (close it with qemu_close()), or -1 with QEMU's message ("Could
 * not open 'PATH': ...").  A function of its own so that the QMP fuzzer
 * can swap it for /dev/null (tests/fuzz/meson.build).
 */
int dump_open_file(const char *path, GError **errp);

/*
 * Write the ELF core to @fd: @ncpus vCPU states from @cpus, then
 * @blocks.  Returns false with errp set when a write fails.
 */
bool dump_write_elf(int fd, const VCPUDumpState *cpus, unsigned ncpus,
                    const DumpBlock *blocks, size_t nblocks, GError **errp);

/*
 * For a dump written by another thread while the main loop goes on:
 * the writer adds each chunk of memory written to @completed (read it
 * with __atomic_load_n), and gives up with "dump: cancelled" once
 * @cancel is set (__atomic_store_n) or @cancel_fd (an eventfd, or -1)
 * becomes readable.  With a non-blocking @fd the writer waits in poll()
 * for @fd or @cancel_fd, so a reader that stopped reading a pipe cannot
 * keep it (and process exit) waiting.
 */
typedef struct DumpProgress {
    uint64_t completed;
    bool cancel;
    int cancel_fd;
} DumpProgress;

/* dump_write_elf() that reports to @progress (may be NULL). */
bool dump_write_elf_progress(int fd, const VCPUDumpState *cpus, unsigned ncpus,
                             const DumpBlock *blocks, size_t nblocks,
                             DumpProgress *progress, GError **errp);

/*
 * The guest's own note (-device vmcoreinfo, include/hw/misc/
 * vmcoreinfo.h): what the guest declared (@present: it wrote the record
 * since the last reset; @format, @size bytes at guest-physical @paddr).
 * Reads the note from guest memory and checks it as QEMU does: present,
 * @format 1 (ELF note), 12 <= @size <= 1 MiB, a header whose padded
 * name and descriptor fit in @size; and, beyond QEMU, that it is named
 * "VMCOREINFO".  Returns exactly the note (header, padded name, padded
 * descriptor), to be written as is, or NULL after a warning on stderr
 * saying why (QEMU's words); the dump then goes on without it.
 */
GByteArray *dump_read_guest_note(MachineState *ms, bool present,
                                 uint16_t format, uint32_t size,
                                 uint64_t paddr);

/*
 * dump_write_elf_progress() with the guest's note (from
 * dump_read_guest_note(), or NULL) appended to the PT_NOTE segment
 * after the vCPU notes, where QEMU puts it.
 */
bool dump_write_elf_guest_note(int fd, const VCPUDumpState *cpus,
                               unsigned ncpus, const GByteArray *guest_note,
                               const DumpBlock *blocks, size_t nblocks,
                               DumpProgress *progress, GError **errp);

/*
 * QMP's DumpGuestMemoryFormat values that Vigil writes, in the order
 * query-dump-guest-memory-capability lists them (QEMU's: each flattened
 * kdump format followed by its raw variant).
 */
typedef enum DumpFormat {
    DUMP_FORMAT_ELF,
    DUMP_FORMAT_KDUMP_ZLIB,
    DUMP_FORMAT_KDUMP_RAW_ZLIB,
    DUMP_FORMAT_KDUMP_LZO,
    DUMP_FORMAT_KDUMP_RAW_LZO,
    DUMP_FORMAT_KDUMP_SNAPPY,
    DUMP_FORMAT_KDUMP_RAW_SNAPPY,
    DUMP_FORMAT__MAX,
} DumpFormat;

/* The QMP name of @fmt ("elf", "kdump-zlib", ...). */
const char *dump_format_name(DumpFormat fmt);
/* @name's format; false when Vigil does not write it (e.g. "win-dmp"). */
bool dump_format_parse(const char *name, DumpFormat *fmt);
/* kdump-raw-*: the plain file, written at offsets (needs a seekable fd). */
bool dump_format_is_raw(DumpFormat fmt);

/*
 * kdump-compressed ("diskdump") file of the same memory and notes as the
 * ELF core, as QEMU writes it (x86-64, little endian, block = page =
 * 4096 bytes):
 *   block 0: disk_dump_header: "KDUMP   ", header_version 6, utsname
 *       with machine "x86_64", status = the compression flag (zlib 1,
 *       lzo 2, snappy 4), block_size, sub_hdr_size (blocks),
 *       bitmap_blocks, max_mapnr (32-bit, clipped), nr_cpus
 *   block 1..: kdump_sub_header (phys_base from the guest's VMCOREINFO
 *       "NUMBER(phys_base)=", dump_level 1, offset/size of the notes and
 *       of the VMCOREINFO text, max_mapnr_64), then the notes
 *       (dump_build_notes())
 *   two bitmaps of max_mapnr bits (bit = pfn, LSB first): the pages
 *       that exist, then the pages dumped; both are the guest's memory
 *       blocks, so holes have 0 bits
 *   one 24-byte page descriptor per set bit, in pfn order: offset of
 *       the data, its size, flags (the compression flag, or 0 for a page
 *       stored as is), page_flags 0
 *   the data: first one zero page that every all-zero page's descriptor
 *       points at, then each other page compressed, or as is when
 *       compression does not make it smaller
 * kdump-zlib/-lzo/-snappy wrap that file in makedumpfile's flattened
 * format, for pipes: a 4096-byte header ("makedumpfile", type 1,
 * version 1 as big-endian int64s, zero padded), then records of
 * {offset, size} (big-endian int64s) followed by size bytes to be placed
 * at offset, ended by {-1, -1}; "makedumpfile -R" turns it into the
 * plain file.  kdump-raw-* write the plain file directly.
 *
 * @progress counts guest bytes as their pages are written.  Returns
 * false with errp set (QEMU's "dump: failed to save memory: ..." for
 * write errors) when a write or a compressor fails.
 */
bool dump_write_kdump(int fd, DumpFormat fmt, const VCPUDumpState *cpus,
                      unsigned ncpus, const GByteArray *guest_note,
                      const DumpBlock *blocks, size_t nblocks,
                      DumpProgress *progress, GError **errp);

/* dump_write_elf_guest_note() or dump_write_kdump(), as @fmt says. */
bool dump_write_format(int fd, DumpFormat fmt, const VCPUDumpState *cpus,
                       unsigned ncpus, const GByteArray *guest_note,
                       const DumpBlock *blocks, size_t nblocks,
                       DumpProgress *progress, GError **errp);

#endif /* SYSTEM_DUMP_H */
