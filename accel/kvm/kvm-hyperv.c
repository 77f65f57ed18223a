/*
 * Hyper-V crash reporting (-cpu ...,hv-crash) under KVM.
 *
 * A Hyper-V aware guest (Windows; Linux with its hyperv code) that sees
 * HV_GUEST_CRASH_MSR_AVAILABLE in CPUID 0x40000003 EDX writes its bug
 * check code and four parameters to HV_X64_MSR_CRASH_P0..P4, then
 * CRASH_NOTIFY to HV_X64_MSR_CRASH_CTL.  QEMU lets KVM's in-kernel
 * Hyper-V code keep those MSRs and turn the CTL write into a crash
 * system event.  Vigil keeps them itself instead: an MSR filter sends
 * exactly these six MSRs to userspace (KVM_EXIT_X86_RDMSR/WRMSR), which
 * works on every KVM with KVM_CAP_X86_USER_SPACE_MSR, including ones
 * built without Hyper-V emulation, and needs no Hyper-V feature KVM
 * would otherwise have to enable.  What the guest sees is the same.
 *
 * The parameters are partition-wide, as on Hyper-V, and cleared by
 * system_reset.  Every other Hyper-V MSR stays KVM's (a guest that
 * touches one without the matching CPUID bit gets #GP, as on QEMU).
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hw/i386/cpu-models.h"
#include "kvm-internal.h"
#include "system/bql.h"
#include "system/runstate.h"

#define HV_CPUID_VENDOR_AND_MAX 0x40000000u
#define HV_CPUID_INTERFACE      0x40000001u
#define HV_CPUID_VERSION        0x40000002u
#define HV_CPUID_FEATURES       0x40000003u
#define HV_CPUID_ENLIGHTENMENT  0x40000004u
#define HV_CPUID_IMPLEM_LIMITS  0x40000005u
/* Where KVM's own leaves go once Hyper-V's take 0x40000000 (as QEMU). */
#define KVM_CPUID_BASE_WITH_HV 0x40000100u

#define HV_GUEST_CRASH_MSR_AVAILABLE (1u << 10) /* leaf 3 EDX */
#define HV_X64_MSR_CRASH_P0          0x40000100u
#define HV_X64_MSR_CRASH_CTL         0x40000105u
#define HV_CRASH_MSRS                6
#define HV_CRASH_CTL_CRASH_NOTIFY    (UINT64_C(1) << 63)

/* The interface signature "Hv#1" and the version QEMU reports by default
 * (hv-version-id-build 0x3839, major 10, minor 0). */
#define HV_INTERFACE_HV1     0x31237648u
#define HV_VERSION_BUILD     0x3839u
#define HV_VERSION_MAJOR_MIN 0x000a0000u
#define HV_SPINLOCK_NEVER    0xffffffffu

/* P0..P4; written by vCPU threads under the BQL. */
static uint64_t hv_crash_params[5];

bool kvm_hyperv_enabled(void)
{
    return x86_cpu_props.hv_crash;
}

bool kvm_hyperv_init(KVMState *s, GError **errp)
{
    static uint8_t deny[1]; /* 6 bits, all 0: every access exits */
    struct kvm_enable_cap cap = {
        .cap = KVM_CAP_X86_USER_SPACE_MSR,
        .args[0] = KVM_MSR_EXIT_REASON_FILTER,
    };
    struct kvm_msr_filter filter = {
        .flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
        .ranges[0] =
            {
                .flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
                .nmsrs = HV_CRASH_MSRS,
                .base = HV_X64_MSR_CRASH_P0,
                .bitmap = deny,
            },
    };

    if (!kvm_hyperv_enabled()) {
        return true;
    }
    if (!kvm_check_extension(s, KVM_CAP_X86_USER_SPACE_MSR) ||
        !kvm_check_extension(s, KVM_CAP_X86_MSR_FILTER)) {
        error_setg(errp, "hv-crash needs KVM_CAP_X86_USER_SPACE_MSR and "
                         "KVM_CAP_X86_MSR_FILTER, which this KVM lacks");
        return false;
    }
    if (ioctl(s->vm_fd, KVM_ENABLE_CAP, &cap) < 0 ||
        ioctl(s->vm_fd, KVM_X86_SET_MSR_FILTER, &filter) < 0) {
        error_setg(errp, "cannot route the Hyper-V crash MSRs: %s",
                   g_strerror(errno));
        return false;
    }
    return true;
}

static struct kvm_cpuid_entry2 *leaf(struct kvm_cpuid2 *c, uint32_t function)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        if (c->entries[i].function == function) {
            return &c->entries[i];
        }
    }
    c->entries[c->nent] = (struct kvm_cpuid_entry2){.function = function};
    return &c->entries[c->nent++];
}

void kvm_hyperv_cpuid(struct kvm_cpuid2 *c)
{
    struct kvm_cpuid_entry2 *e;

    if (!kvm_hyperv_enabled()) {
        return;
    }
    /* KVM's signature and features move up by 0x100; their max-leaf
     * value (EAX of the signature leaf) moves with them. */
    for (uint32_t i = 0; i < c->nent; i++) {
        e = &c->entries[i];
        if (e->function >= 0x40000000u && e->function < 0x40000100u) {
            e->function += KVM_CPUID_BASE_WITH_HV - 0x40000000u;
            if (e->function == KVM_CPUID_BASE_WITH_HV) {
                e->eax += KVM_CPUID_BASE_WITH_HV - 0x40000000u;
            }
        }
    }
    e = leaf(c, HV_CPUID_VENDOR_AND_MAX);
    e->eax = HV_CPUID_IMPLEM_LIMITS;
    memcpy(&e->ebx, "Micr", 4);
    memcpy(&e->ecx, "osof", 4);
    memcpy(&e->edx, "t Hv", 4);
    leaf(c, HV_CPUID_INTERFACE)->eax = HV_INTERFACE_HV1;
    e = leaf(c, HV_CPUID_VERSION);
    e->eax = HV_VERSION_BUILD;
    e->ebx = HV_VERSION_MAJOR_MIN;
    leaf(c, HV_CPUID_FEATURES)->edx = HV_GUEST_CRASH_MSR_AVAILABLE;
    leaf(c, HV_CPUID_ENLIGHTENMENT)->ebx = HV_SPINLOCK_NEVER;
    (void)leaf(c, HV_CPUID_IMPLEM_LIMITS);
}

void kvm_hyperv_reset(void)
{
    memset(hv_crash_params, 0, sizeof(hv_crash_params));
}

/*
 * A filtered MSR access, BQL held.  An index that is not one of ours
 * (cannot happen with our filter) fails the access: the guest gets #GP.
 */
void kvm_hyperv_handle_msr(KVMVCpu *cpu, struct kvm_run *run)
{
    uint32_t index = run->msr.index;
    bool write = run->exit_reason == KVM_EXIT_X86_WRMSR;

    run->msr.error = 0;
    if (index >= HV_X64_MSR_CRASH_P0 && index < HV_X64_MSR_CRASH_CTL) {
        if (write) {
            hv_crash_params[index - HV_X64_MSR_CRASH_P0] = run->msr.data;
        } else {
            run->msr.data = hv_crash_params[index - HV_X64_MSR_CRASH_P0];
        }
        return;
    }
    if (index == HV_X64_MSR_CRASH_CTL) {
        /* CTL reads back what it supports; writing CRASH_NOTIFY reports. */
        if (!write) {
            run->msr.data = HV_CRASH_CTL_CRASH_NOTIFY;
        } else if (run->msr.data & HV_CRASH_CTL_CRASH_NOTIFY) {
            GuestPanicInformation info = {
                .type = GUEST_PANIC_INFORMATION_TYPE_HYPER_V,
            };

            memcpy(info.arg, hv_crash_params, sizeof(info.arg));
            qemu_system_guest_panicked_info(&info);
        }
        return;
    }
    run->msr.error = 1; /* not ours: the guest gets #GP */
}
