/*
 * x86 vCPU state for KVM: the architectural reset state and the board's
 * boot hand-off (hw/i386/x86.h).  The CPUID a vCPU sees is built in
 * kvm-cpuid.c.  XSAVE state and XCR0 are touched only when KVM has
 * KVM_CAP_XSAVE / KVM_CAP_XCRS (a nested L1 on a CPU without XSAVE has
 * neither).
 *
 * Reset state: rather than encoding the architectural reset values, we
 * read back what KVM gives a freshly created vCPU (registers, segment
 * state, APIC base, LAPIC, a table of MSRs) and restore exactly that on
 * every reset; the board's boot info is then applied to vCPU 0.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm-internal.h"
#include "hw/i386/x86.h"
#include "qemu/log.h"

#define MSR_KERNEL_GS_BASE 0xc0000102u

#define GDT_ADDR  0x500
#define PML4_ADDR 0x9000
#define PDPT_ADDR 0xa000
#define PD_ADDR   0xb000

#define CR0_PE   (1ULL << 0)
#define CR0_ET   (1ULL << 4)
#define CR0_PG   (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

/*
 * MSRs restored on reset to the value a new vCPU has.  The kvmclock,
 * async-PF, steal-time and PV-EOI MSRs matter most: left enabled, KVM
 * would keep writing into the memory of the next kernel.  The wall-clock
 * MSRs are write-only triggers and deliberately absent.  MSRs the host
 * does not have are skipped.
 */
static const uint32_t kvm_reset_msr_list[] = {
    0x00000174, /* SYSENTER_CS */
    0x00000175, /* SYSENTER_ESP */
    0x00000176, /* SYSENTER_EIP */
    0x000001a0, /* MISC_ENABLE */
    0x00000277, /* PAT */
    0x000002ff, /* MTRR default type */
    0xc0000081, /* STAR */
    0xc0000082, /* LSTAR */
    0xc0000083, /* CSTAR */
    0xc0000084, /* SYSCALL_MASK */
    0xc0000102, /* KERNEL_GS_BASE */
    0xc0000103, /* TSC_AUX */
    0x00000012, /* KVM system time (old) */
    0x4b564d01, /* KVM system time */
    0x4b564d02, /* KVM async PF */
    0x4b564d03, /* KVM steal time */
    0x4b564d04, /* KVM PV EOI */
    0x4b564d05, /* KVM poll control */
};
G_STATIC_ASSERT(G_N_ELEMENTS(kvm_reset_msr_list) <= KVM_MAX_RESET_MSRS);

/* Remember the value of every MSR of our list that this host has. */
static void kvm_capture_reset_msrs(KVMVCpu *cpu)
{
    struct kvm_msr_entry *out = cpu->reset_msrs.hdr.entries;
    unsigned n = 0;

    for (size_t i = 0; i < G_N_ELEMENTS(kvm_reset_msr_list); i++) {
        union {
            struct kvm_msrs hdr;
            uint8_t
                room[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
        } one;

        memset(&one, 0, sizeof(one));
        one.hdr.nmsrs = 1;
        one.hdr.entries[0].index = kvm_reset_msr_list[i];
        if (ioctl(cpu->fd, KVM_GET_MSRS, &one) == 1) {
            out[n++] = one.hdr.entries[0];
        }
    }
    cpu->reset_msrs.hdr.nmsrs = n;
}

bool kvm_x86_vcpu_init(KVMState *s, KVMVCpu *cpu, GError **errp)
{
    if (!kvm_x86_set_cpuid(s, cpu, errp)) {
        return false;
    }
    if (ioctl(cpu->fd, KVM_GET_SREGS, &cpu->reset_sregs) < 0 ||
        ioctl(cpu->fd, KVM_GET_REGS, &cpu->reset_regs) < 0 ||
        ioctl(cpu->fd, KVM_GET_LAPIC, &cpu->reset_lapic) < 0) {
        error_setg(errp, "cannot read the reset state of vCPU %u: %s",
                   cpu->index, g_strerror(errno));
        return false;
    }
    kvm_capture_reset_msrs(cpu);
    return true;
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type,
                                       bool code64)
{
    return (struct kvm_segment){
        .base = 0,
        .limit = 0xffffffff,
        .selector = selector,
        .type = type,
        .present = 1,
        .s = 1,
        .db = !code64,
        .l = code64,
        .g = 1,
    };
}

/* The fixed GDT and (for LONG64) identity page tables of hw/i386/x86.h. */
static bool kvm_write_boot_tables(KVMState *s, bool long64, GError **errp)
{
    const uint64_t gdt[4] = {
        0,
        0,
        long64 ? 0x00af9b000000ffffULL : 0x00cf9b000000ffffULL,
        0x00cf93000000ffffULL,
    };
    uint64_t *gdt_host = machine_ram_ptr(s->ms, GDT_ADDR, sizeof(gdt));
    uint64_t *pt;

    if (!gdt_host) {
        error_setg(errp, "guest RAM too small for the boot GDT");
        return false;
    }
    memcpy(gdt_host, gdt, sizeof(gdt));
    if (!long64) {
        return true;
    }
    pt = machine_ram_ptr(s->ms, PML4_ADDR, 6 * 4096);
    if (!pt) {
        error_setg(errp, "guest RAM too small for the boot page tables");
        return false;
    }
    memset(pt, 0, 2 * 4096);
    pt[0] = PDPT_ADDR | 3; /* PML4[0] */
    for (unsigned i = 0; i < 4; i++) {
        pt[512 + i] = (PD_ADDR + i * 4096) | 3; /* PDPT[i] */
    }
    for (unsigned i = 0; i < 4 * 512; i++) {
        pt[1024 + i] = ((uint64_t)i << 21) | 0x83; /* 2 MiB, P|RW|PS */
    }
    return true;
}

static bool kvm_apply_boot_info(KVMState *s, const X86BootInfo *bi,
                                struct kvm_sregs *sr, struct kvm_regs *r,
                                GError **errp)
{
    bool long64 = bi->mode == X86_ENTRY_LONG64;
    struct kvm_segment data = flat_segment(0x18, 0x3, false);

    if (!kvm_write_boot_tables(s, long64, errp)) {
        return false;
    }
    sr->cs = flat_segment(0x10, 0xb, long64);
    sr->ds = sr->es = sr->fs = sr->gs = sr->ss = data;
    sr->gdt.base = GDT_ADDR;
    sr->gdt.limit = 4 * 8 - 1;
    sr->cr0 = CR0_PE | CR0_ET;
    sr->cr4 = 0;
    sr->efer = 0;
    if (long64) {
        sr->cr0 |= CR0_PG;
        sr->cr3 = PML4_ADDR;
        sr->cr4 = CR4_PAE;
        sr->efer = EFER_LME | EFER_LMA;
    }
    r->rip = bi->entry;
    r->rsi = bi->rsi;
    r->rbx = bi->rbx;
    r->rsp = bi->rsp;
    r->rflags = 0x2;
    return true;
}

static bool kvm_reset_fpu(KVMState *s, KVMVCpu *cpu)
{
    struct kvm_fpu fpu = {.fcw = 0x37f, .mxcsr = 0x1f80};

    if (ioctl(cpu->fd, KVM_SET_FPU, &fpu) < 0) {
        return false;
    }
    if (s->has_xcrs) {
        struct kvm_xcrs x = {.nr_xcrs = 1, .xcrs[0] = {.xcr = 0, .value = 1}};

        if (ioctl(cpu->fd, KVM_SET_XCRS, &x) < 0) {
            return false;
        }
    }
    return true;
}

bool kvm_x86_vcpu_reset(KVMState *s, KVMVCpu *cpu, GError **errp)
{
    struct kvm_sregs sr = cpu->reset_sregs;
    struct kvm_regs r = cpu->reset_regs;
    struct kvm_vcpu_events ev = {0};
    struct kvm_mp_state mp = {
        .mp_state = cpu->index == 0 ? KVM_MP_STATE_RUNNABLE
                                    : KVM_MP_STATE_UNINITIALIZED,
    };
    const X86BootInfo *bi = cpu->index == 0 ? x86_get_boot_info() : NULL;

    if (bi && bi->mode != X86_ENTRY_RESET &&
        !kvm_apply_boot_info(s, bi, &sr, &r, errp)) {
        return false;
    }
    if (ioctl(cpu->fd, KVM_SET_MSRS, &cpu->reset_msrs) < 0 ||
        ioctl(cpu->fd, KVM_SET_SREGS, &sr) < 0 ||
        ioctl(cpu->fd, KVM_SET_REGS, &r) < 0 || !kvm_reset_fpu(s, cpu) ||
        ioctl(cpu->fd, KVM_SET_LAPIC, &cpu->reset_lapic) < 0 ||
        ioctl(cpu->fd, KVM_SET_VCPU_EVENTS, &ev) < 0 ||
        ioctl(cpu->fd, KVM_SET_MP_STATE, &mp) < 0) {
        error_setg(errp, "cannot reset vCPU %u: %s", cpu->index,
                   g_strerror(errno));
        return false;
    }
    return true;
}

static void dump_segment(const char *name, const struct kvm_segment *sg)
{
    qemu_log("%-3s =%04x %016llx %08x type=%x p=%u dpl=%u db=%u s=%u l=%u "
             "g=%u\n",
             name, sg->selector, (unsigned long long)sg->base, sg->limit,
             sg->type, sg->present, sg->dpl, sg->db, sg->s, sg->l, sg->g);
}

void kvm_x86_dump_state(KVMVCpu *cpu)
{
    struct kvm_regs r;
    struct kvm_sregs s;

    if (!qemu_loglevel_mask(LOG_GUEST_ERROR)) {
        return;
    }
    if (ioctl(cpu->fd, KVM_GET_REGS, &r) < 0 ||
        ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0) {
        qemu_log("kvm: vCPU %u: cannot read registers\n", cpu->index);
        return;
    }
    qemu_log("RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
             "RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n"
             "R8 =%016llx R9 =%016llx R10=%016llx R11=%016llx\n"
             "R12=%016llx R13=%016llx R14=%016llx R15=%016llx\n"
             "RIP=%016llx RFL=%08llx\n",
             r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp, r.r8, r.r9,
             r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rip, r.rflags);
    dump_segment("CS", &s.cs);
    dump_segment("DS", &s.ds);
    dump_segment("SS", &s.ss);
    dump_segment("TR", &s.tr);
    qemu_log("GDT=%016llx %04x IDT=%016llx %04x\n"
             "CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx EFER=%016llx\n",
             s.gdt.base, s.gdt.limit, s.idt.base, s.idt.limit, s.cr0, s.cr2,
             s.cr3, s.cr4, s.efer);
}

/* KVM's unpacked segment back into the descriptor's flag bits. */
static DumpSegment dump_seg(const struct kvm_segment *sg)
{
    return (DumpSegment){
        .selector = sg->selector,
        .limit = sg->limit,
        .base = sg->base,
        .flags = (uint32_t)sg->type << 8 | (uint32_t)sg->s << 12 |
                 (uint32_t)sg->dpl << 13 | (uint32_t)sg->present << 15 |
                 (uint32_t)sg->avl << 20 | (uint32_t)sg->l << 21 |
                 (uint32_t)sg->db << 22 | (uint32_t)sg->g << 23,
    };
}

bool kvm_x86_get_dump_state(KVMVCpu *cpu, VCPUDumpState *st, GError **errp)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    union {
        struct kvm_msrs hdr;
        uint8_t room[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
    } msrs = {.hdr.nmsrs = 1};

    if (ioctl(cpu->fd, KVM_GET_REGS, &r) < 0 ||
        ioctl(cpu->fd, KVM_GET_SREGS, &s) < 0) {
        error_setg(errp, "KVM: cannot read the registers of vCPU %u: %s",
                   cpu->index, g_strerror(errno));
        return false;
    }
    *st = (VCPUDumpState){
        .rax = r.rax,
        .rbx = r.rbx,
        .rcx = r.rcx,
        .rdx = r.rdx,
        .rsi = r.rsi,
        .rdi = r.rdi,
        .rsp = r.rsp,
        .rbp = r.rbp,
        .r8 = r.r8,
        .r9 = r.r9,
        .r10 = r.r10,
        .r11 = r.r11,
        .r12 = r.r12,
        .r13 = r.r13,
        .r14 = r.r14,
        .r15 = r.r15,
        .rip = r.rip,
        .rflags = r.rflags,
        .cs = dump_seg(&s.cs),
        .ds = dump_seg(&s.ds),
        .es = dump_seg(&s.es),
        .fs = dump_seg(&s.fs),
        .gs = dump_seg(&s.gs),
        .ss = dump_seg(&s.ss),
        .ldt = dump_seg(&s.ldt),
        .tr = dump_seg(&s.tr),
        .gdt_base = s.gdt.base,
        .gdt_limit = s.gdt.limit,
        .idt_base = s.idt.base,
        .idt_limit = s.idt.limit,
        .cr = {s.cr0, 0, s.cr2, s.cr3, s.cr4},
    };
    /* Optional in the note; a kernel's per-CPU base when in user mode. */
    msrs.hdr.entries[0].index = MSR_KERNEL_GS_BASE;
    if (ioctl(cpu->fd, KVM_GET_MSRS, &msrs.hdr) == 1) {
        st->kernel_gs_base = msrs.hdr.entries[0].data;
    }
    return true;
}
