/*
 * ELF cores of guest memory (see include/system/dump.h for the layout).
 *
 * Everything before the memory (headers and notes) is built in one
 * buffer; the memory is then written straight from the guest mapping,
 * block by block, so a dump costs no copy of guest RAM.
 */
#include "system/dump.h"
#include "dump-internal.h"
#include "qemu/fdset.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define NOTE_NAME_CORE        "CORE"
#define NOTE_NAME_QEMU        "QEMU"
#define QEMU_NOTE_TYPE        0
#define QEMU_CPUSTATE_VERSION 1
#define NOTE_NAME_VMCOREINFO  "VMCOREINFO"
/* QEMU's bounds for the guest's note and the one format it takes. */
#define GUEST_NOTE_MAX        (1u << 20)
#define GUEST_NOTE_FORMAT_ELF 1

/* The kernel's x86-64 struct elf_prstatus, reduced to what we fill. */
#define PRSTATUS_SIZE     336
#define PRSTATUS_PID_OFF  32
#define PRSTATUS_REGS_OFF 112

/* QEMUCPUState v1, as QEMU's notes carry it (little endian, packed by
 * construction: every member is naturally aligned). */
typedef struct QemuNoteSegment {
    uint32_t selector;
    uint32_t limit;
    uint32_t flags;
    uint32_t pad;
    uint64_t base;
} QemuNoteSegment;

typedef struct QemuNoteCPU {
    uint32_t version;
    uint32_t size;
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    QemuNoteSegment cs, ds, es, fs, gs, ss, ldt, tr, gdt, idt;
    uint64_t cr[5];
    uint64_t kernel_gs_base;
} QemuNoteCPU;

G_STATIC_ASSERT(sizeof(QemuNoteSegment) == 24);
G_STATIC_ASSERT(sizeof(QemuNoteCPU) == 440);

size_t dump_collect_blocks(const MachineState *ms, bool filter, uint64_t begin,
                           uint64_t length, DumpBlock *blocks, size_t max,
                           uint64_t *total)
{
    const DumpBlock all[] = {
        {0, ms->below_4g_mem_size, ms->ram},
        {4ULL << 30, ms->above_4g_mem_size, ms->ram + ms->below_4g_mem_size},
        {ms->rom_base, ms->rom ? ms->rom_size : 0, ms->rom},
    };
    /* begin + length may overflow: clip the filter's end at 2^64 - 1. */
    uint64_t end = length > UINT64_MAX - begin ? UINT64_MAX : begin + length;
    size_t n = 0;

    *total = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(all) && n < max; i++) {
        DumpBlock b = all[i];

        if (b.size == 0) {
            continue;
        }
        if (filter) {
            uint64_t lo = MAX(b.gpa, begin);
            uint64_t hi = MIN(b.gpa + b.size, end);

            if (lo >= hi) {
                continue;
            }
            b.host += lo - b.gpa;
            b.gpa = lo;
            b.size = hi - lo;
        }
        blocks[n++] = b;
        *total += b.size;
    }
    return n;
}

static void put_note(GByteArray *out, const char *name, uint32_t type,
                     const void *desc, uint32_t descsz)
{
    static const uint8_t zeros[4];
    Elf64_Nhdr nh = {
        .n_namesz = (uint32_t)strlen(name) + 1,
        .n_descsz = descsz,
        .n_type = type,
    };

    g_byte_array_append(out, (const guint8 *)&nh, sizeof(nh));
    g_byte_array_append(out, (const guint8 *)name, nh.n_namesz);
    g_byte_array_append(out, zeros, (4 - nh.n_namesz % 4) % 4);
    g_byte_array_append(out, desc, descsz);
    g_byte_array_append(out, zeros, (4 - descsz % 4) % 4);
}

static void put_prstatus(GByteArray *out, unsigned index,
                         const VCPUDumpState *c)
{
    uint8_t desc[PRSTATUS_SIZE] = {0};
    uint32_t pid = index + 1; /* as QEMU: no vCPU is "pid 0" */
    /* user_regs_struct order; orig_rax is not known for a vCPU. */
    const uint64_t regs[27] = {
        c->r15,         c->r14,         c->r13,         c->r12,
        c->rbp,         c->rbx,         c->r11,         c->r10,
        c->r9,          c->r8,          c->rax,         c->rcx,
        c->rdx,         c->rsi,         c->rdi,         0,
        c->rip,         c->cs.selector, c->rflags,      c->rsp,
        c->ss.selector, c->fs.base,     c->gs.base,     c->ds.selector,
        c->es.selector, c->fs.selector, c->gs.selector,
    };

    memcpy(desc + PRSTATUS_PID_OFF, &pid, sizeof(pid));
    memcpy(desc + PRSTATUS_REGS_OFF, regs, sizeof(regs));
    put_note(out, NOTE_NAME_CORE, NT_PRSTATUS, desc, sizeof(desc));
}

static QemuNoteSegment note_segment(const DumpSegment *s)
{
    return (QemuNoteSegment){
        .selector = s->selector,
        .limit = s->limit,
        .flags = s->flags,
        .base = s->base,
    };
}

static void put_qemu_note(GByteArray *out, const VCPUDumpState *c)
{
    QemuNoteCPU q = {
        .version = QEMU_CPUSTATE_VERSION,
        .size = sizeof(QemuNoteCPU),
        .rax = c->rax,
        .rbx = c->rbx,
        .rcx = c->rcx,
        .rdx = c->rdx,
        .rsi = c->rsi,
        .rdi = c->rdi,
        .rsp = c->rsp,
        .rbp = c->rbp,
        .r8 = c->r8,
        .r9 = c->r9,
        .r10 = c->r10,
        .r11 = c->r11,
        .r12 = c->r12,
        .r13 = c->r13,
        .r14 = c->r14,
        .r15 = c->r15,
        .rip = c->rip,
        .rflags = c->rflags,
        .cs = note_segment(&c->cs),
        .ds = note_segment(&c->ds),
        .es = note_segment(&c->es),
        .fs = note_segment(&c->fs),
        .gs = note_segment(&c->gs),
        .ss = note_segment(&c->ss),
        .ldt = note_segment(&c->ldt),
        .tr = note_segment(&c->tr),
        .gdt = {.limit = c->gdt_limit, .base = c->gdt_base},
        .idt = {.limit = c->idt_limit, .base = c->idt_base},
        .kernel_gs_base = c->kernel_gs_base,
    };

    memcpy(q.cr, c->cr, sizeof(q.cr));
    put_note(out, NOTE_NAME_QEMU, QEMU_NOTE_TYPE, &q, sizeof(q));
}

int dump_open_file(const char *path, GError **errp)
{
    int fd = qemu_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0400, NULL);

    if (fd < 0) {
        error_setg(errp, "Could not open '%s': %s", path, g_strerror(errno));
    }
    return fd;
}

static bool cancelled(const DumpProgress *p)
{
    return p && __atomic_load_n(&p->cancel, __ATOMIC_ACQUIRE);
}

/* EAGAIN on a non-blocking fd: wait until it takes more or we give up. */
static bool wait_writable(int fd, DumpProgress *p)
{
    struct pollfd pfd[2] = {
        {.fd = fd, .events = POLLOUT},
        {.fd = p ? p->cancel_fd : -1, .events = POLLIN},
    };

    while (!cancelled(p)) {
        int n = poll(pfd, 2, -1);

        if (n < 0 && errno != EINTR) {
            return false;
        }
        if (n > 0 && pfd[1].revents) {
            return false;
        }
        if (n > 0 && pfd[0].revents) {
            return true;
        }
    }
    return false;
}

bool dump_write_all(int fd, const void *buf, size_t len, DumpProgress *prog,
                    bool count, GError **errp)
{
    const uint8_t *p = buf;

    while (len) {
        /*
         * Bounded chunks: write() of more than 2 GiB is short anyway, and
         * a writer thread reports progress and notices cancel per chunk.
         */
        ssize_t n = write(fd, p, MIN(len, (size_t)(prog ? 4 << 20 : 1 << 30)));

        if (cancelled(prog)) {
            error_setg(errp, "dump: cancelled");
            return false;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_writable(fd, prog)) {
                error_setg(errp, "dump: cancelled");
                return false;
            }
            continue;
        }
        if (n <= 0) {
            /* QEMU's words. */
            error_setg(errp, "dump: failed to save memory: %s",
                       n < 0 ? g_strerror(errno) : "short write");
            return false;
        }
        p += n;
        len -= n;
        if (prog && count) {
            __atomic_add_fetch(&prog->completed, (uint64_t)n, __ATOMIC_RELEASE);
        }
    }
    return true;
}

bool dump_write_elf(int fd, const VCPUDumpState *cpus, unsigned ncpus,
                    const DumpBlock *blocks, size_t nblocks, GError **errp)
{
    return dump_write_elf_progress(fd, cpus, ncpus, blocks, nblocks, NULL,
                                   errp);
}

bool dump_write_elf_progress(int fd, const VCPUDumpState *cpus, unsigned ncpus,
                             const DumpBlock *blocks, size_t nblocks,
                             DumpProgress *progress, GError **errp)
{
    return dump_write_elf_guest_note(fd, cpus, ncpus, NULL, blocks, nblocks,
                                     progress, errp);
}

static uint32_t note_pad4(uint32_t n)
{
    return (n + 3) & ~3u;
}

GByteArray *dump_read_guest_note(MachineState *ms, bool present,
                                 uint16_t format, uint32_t size, uint64_t paddr)
{
    g_autoptr(GByteArray) note = NULL;
    Elf64_Nhdr nh;
    uint64_t total;

    if (!present) {
        warn_report("guest note is not present");
        return NULL;
    }
    if (size < sizeof(Elf64_Nhdr) || size > GUEST_NOTE_MAX) {
        warn_report("guest note size is invalid: %" PRIu32, size);
        return NULL;
    }
    if (format != GUEST_NOTE_FORMAT_ELF) {
        warn_report("guest note format is unsupported: %" PRIu16, format);
        return NULL;
    }
    note = g_byte_array_sized_new(size);
    g_byte_array_set_size(note, size);
    if (!machine_mem_read(ms, paddr, note->data, size)) {
        warn_report("Invalid guest note header");
        return NULL;
    }
    memcpy(&nh, note->data, sizeof(nh));
    total =
        sizeof(nh) + (uint64_t)note_pad4(nh.n_namesz) + note_pad4(nh.n_descsz);
    if (nh.n_namesz > GUEST_NOTE_MAX || nh.n_descsz > GUEST_NOTE_MAX ||
        total > size) {
        warn_report("Invalid guest note header");
        return NULL;
    }
    /* Only the kernel's VMCOREINFO note belongs in a core (crash reads
     * it by name); anything else the guest points at stays out. */
    if (nh.n_namesz != sizeof(NOTE_NAME_VMCOREINFO) ||
        memcmp(note->data + sizeof(nh), NOTE_NAME_VMCOREINFO,
               sizeof(NOTE_NAME_VMCOREINFO)) != 0) {
        warn_report("guest note is not named " NOTE_NAME_VMCOREINFO);
        return NULL;
    }
    g_byte_array_set_size(note, (guint)total);
    return g_steal_pointer(&note);
}

GByteArray *dump_build_notes(const VCPUDumpState *cpus, unsigned ncpus,
                             const GByteArray *guest_note)
{
    GByteArray *notes = g_byte_array_new();

    for (unsigned i = 0; i < ncpus; i++) {
        put_prstatus(notes, i, &cpus[i]);
    }
    for (unsigned i = 0; i < ncpus; i++) {
        put_qemu_note(notes, &cpus[i]);
    }
    if (guest_note) {
        g_byte_array_append(notes, guest_note->data, guest_note->len);
    }
    return notes;
}

bool dump_write_elf_guest_note(int fd, const VCPUDumpState *cpus,
                               unsigned ncpus, const GByteArray *guest_note,
                               const DumpBlock *blocks, size_t nblocks,
                               DumpProgress *progress, GError **errp)
{
    g_autoptr(GByteArray) notes = dump_build_notes(cpus, ncpus, guest_note);
    g_autoptr(GByteArray) head = g_byte_array_new();
    size_t nphdr = 1 + nblocks;
    uint64_t off;
    Elf64_Ehdr eh = {
        .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
                    EV_CURRENT},
        .e_type = ET_CORE,
        .e_machine = EM_X86_64,
        .e_version = EV_CURRENT,
        .e_phoff = sizeof(Elf64_Ehdr),
        .e_ehsize = sizeof(Elf64_Ehdr),
        .e_phentsize = sizeof(Elf64_Phdr),
        .e_phnum = (Elf64_Half)nphdr,
    };
    Elf64_Phdr ph;

    g_byte_array_append(head, (const guint8 *)&eh, sizeof(eh));
    off = sizeof(eh) + nphdr * sizeof(Elf64_Phdr);
    ph = (Elf64_Phdr){
        .p_type = PT_NOTE,
        .p_offset = off,
        .p_filesz = notes->len,
        .p_memsz = notes->len,
    };
    g_byte_array_append(head, (const guint8 *)&ph, sizeof(ph));
    off += notes->len;
    for (size_t i = 0; i < nblocks; i++) {
        ph = (Elf64_Phdr){
            .p_type = PT_LOAD,
            .p_offset = off,
            .p_vaddr = blocks[i].gpa,
            .p_paddr = blocks[i].gpa,
            .p_filesz = blocks[i].size,
            .p_memsz = blocks[i].size,
        };
        g_byte_array_append(head, (const guint8 *)&ph, sizeof(ph));
        off += blocks[i].size;
    }
    g_byte_array_append(head, notes->data, notes->len);

    /* Headers and notes are not memory: they count for no progress. */
    if (!dump_write_all(fd, head->data, head->len, NULL, false, errp)) {
        return false;
    }
    for (size_t i = 0; i < nblocks; i++) {
        if (!dump_write_all(fd, blocks[i].host, blocks[i].size, progress, true,
                            errp)) {
            return false;
        }
    }
    return true;
}
