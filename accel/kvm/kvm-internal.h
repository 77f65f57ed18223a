/*
 * Private interface between the files of the KVM accelerator.
 *
 *   kvm-all.c  the VM: /dev/kvm, memory slots, in-kernel irqchip and PIT,
 *              GSI routing, the IRQ handler, the AccelOps table
 *   kvm-cpu.c  vCPU threads, the run loop, pause/resume/reset/teardown
 *   kvm-x86.c  x86 vCPU state: reset state, the boot hand-off,
 *              register dumps
 *   kvm-cpuid.c  the CPUID of each vCPU from its CPU model, and the
 *              models' unavailable features
 *
 * Nothing here is visible outside accel/kvm/.
 */
#ifndef ACCEL_KVM_INTERNAL_H
#define ACCEL_KVM_INTERNAL_H

#include <linux/kvm.h>
#include <pthread.h>

#include "qemu/common.h"
#include "hw/boards.h"
#include "hw/i386/cpu-models.h"
#include "system/dump.h"

/* Fixed guest-physical pages KVM needs on Intel (below the BIOS window). */
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ULL
#define KVM_TSS_ADDR          0xfeffd000ULL /* 3 pages */

/* MSRs whose reset value we capture at vCPU creation and restore. */
#define KVM_MAX_RESET_MSRS 32

typedef struct KVMVCpu {
    unsigned index; /* vCPU number = APIC ID */
    CPUState *cpu;  /* the machine's vCPU device (model, thread id) */
    int fd;
    struct kvm_run *run; /* mmap'ed, shared with the kernel */
    pthread_t thread;
    bool thread_started;

    /* Protected by kvm_cpus_lock. */
    bool parked;     /* outside KVM_RUN and not going back */
    bool wait_reset; /* dead (triple fault, internal error)
                        until the next reset_vcpus() */

    /* Architectural reset state, captured once after creation. */
    struct kvm_sregs reset_sregs;
    struct kvm_regs reset_regs;
    struct kvm_lapic_state reset_lapic;
    /* A kvm_msrs with room for its flexible entries[] (ISO C: a
     * struct with a flexible array may not be followed by more). */
    union {
        struct kvm_msrs hdr;
        uint8_t room[sizeof(struct kvm_msrs) +
                     KVM_MAX_RESET_MSRS * sizeof(struct kvm_msr_entry)];
    } reset_msrs;
} KVMVCpu;

typedef struct KVMState {
    int fd; /* /dev/kvm */
    int vm_fd;
    int run_size; /* KVM_GET_VCPU_MMAP_SIZE */
    bool has_xsave;
    bool has_xcrs;
    bool has_tsc_deadline;
    MachineState *ms;
    unsigned nr_vcpus;
    KVMVCpu *vcpus;
    struct kvm_cpuid2 *supported_cpuid;
    void *rom_copy; /* page-aligned copy of ms->rom */
    uint64_t rom_copy_size;
    /* Low RAM split around the shadow segments (ms->low_rom), and which
     * of them are mapped as the read-only ROM side. */
    bool low_split;
    uint16_t low_rom_mapped;
    /* In-kernel PIC/IOAPIC/PIT state right after creation (reset). */
    struct kvm_irqchip reset_irqchip[3];
    struct kvm_pit_state2 reset_pit;
} KVMState;

extern KVMState *kvm_state;

/* kvm-all.c */
int kvm_check_extension(KVMState *s, unsigned cap);
/* Put the in-kernel PIC, IOAPIC and PIT back in their reset state. */
void kvm_irqchip_reset(KVMState *s);

/* kvm-cpuid.c */
/* Fetch KVM_GET_SUPPORTED_CPUID into s->supported_cpuid. */
bool kvm_x86_init_cpuid(KVMState *s, GError **errp);

/* kvm-hyperv.c: -cpu ...,hv-crash (see there).  init() routes the crash
 * MSRs to userspace (VM-wide), cpuid() adds the Hyper-V leaves to a
 * vCPU's CPUID (room for 6 more entries needed), handle_msr() serves a
 * KVM_EXIT_X86_RDMSR/WRMSR with the BQL held, reset() clears P0..P4. */
bool kvm_hyperv_enabled(void);
bool kvm_hyperv_init(KVMState *s, GError **errp);
void kvm_hyperv_cpuid(struct kvm_cpuid2 *c);
void kvm_hyperv_handle_msr(KVMVCpu *cpu, struct kvm_run *run);
void kvm_hyperv_reset(void);
/* KVM_SET_CPUID2 for @cpu from its model (APIC IDs, topology,
 * hypervisor leaves included). */
bool kvm_x86_set_cpuid(KVMState *s, KVMVCpu *cpu, GError **errp);

/* kvm-x86.c */
/* Per-vCPU CPUID (kvm_x86_set_cpuid()) and capture of the architectural
 * reset state.  Call once, right after creation. */
bool kvm_x86_vcpu_init(KVMState *s, KVMVCpu *cpu, GError **errp);
/* Architectural reset of @cpu (registers, LAPIC, MSRs, MP state) and,
 * for vCPU 0, the board's boot hand-off (hw/i386/x86.h).  The vCPU must
 * not be in KVM_RUN. */
bool kvm_x86_vcpu_reset(KVMState *s, KVMVCpu *cpu, GError **errp);
/* Log registers of @cpu under -d guest_errors. */
void kvm_x86_dump_state(KVMVCpu *cpu);
/* Registers of @cpu for a memory dump; @cpu must not be in KVM_RUN. */
bool kvm_x86_get_dump_state(KVMVCpu *cpu, VCPUDumpState *st, GError **errp);

/* kvm-cpu.c */
bool kvm_vcpus_create(KVMState *s, GError **errp);
/* AccelOps.current_vcpu_state (kvm-cpu.c). */
bool kvm_current_vcpu_state(unsigned *index, VCPUDumpState *st);
void kvm_vcpus_pause(void);
void kvm_vcpus_resume(void);
void kvm_vcpus_reset(void);
void kvm_vcpus_destroy(void);

#endif /* ACCEL_KVM_INTERNAL_H */
