/*
 * x86 CPU models (-cpu) and the CPU device types built from them.
 *
 * One table (hw/i386/cpu-models.c) says, per model, what the guest's
 * CPUID is asked to contain; -cpu help, query-cpu-definitions, the QOM
 * types "<model>-x86_64-cpu" and the CPUID KVM gives each vCPU
 * (accel/kvm) are all computed from it.
 *
 *   host, max   pass KVM's supported CPUID through ("passthrough"); the
 *               default of the pc machine
 *   qemu64      a fixed feature set (QEMU's qemu64 of the 2.5+ machine
 *               types); under KVM the host's vendor string, like QEMU,
 *               and only the features KVM can provide (the others are
 *               dropped with a warning and listed in
 *               query-cpu-definitions' unavailable-features)
 *
 * Feature names are QEMU's (hw/i386/cpu-features.c).
 */
#ifndef HW_I386_CPU_MODELS_H
#define HW_I386_CPU_MODELS_H

#include "hw/boards.h"
#include "hw/core/cpu.h"
#include "system/system.h"

/* The CPUID registers a feature word can live in. */
typedef enum X86CPUIDReg {
    X86_REG_EAX,
    X86_REG_EBX,
    X86_REG_ECX,
    X86_REG_EDX,
} X86CPUIDReg;

/* The CPUID words Vigil's models and checks speak about. */
typedef enum X86FeatureWordIndex {
    FEAT_1_EDX,
    FEAT_1_ECX,
    FEAT_7_0_EBX,
    FEAT_7_0_ECX,
    FEAT_7_0_EDX,
    FEAT_8000_0001_EDX,
    FEAT_8000_0001_ECX,
    FEAT_KVM, /* 0x40000001 EAX: KVM paravirtual features */
    X86_FEATURE_WORDS,
} X86FeatureWordIndex;

typedef struct X86FeatureWord {
    uint32_t leaf;
    uint32_t subleaf;
    X86CPUIDReg reg;
    const char *names[32]; /* QEMU's names; NULL: a bit with no name */
} X86FeatureWord;

extern const X86FeatureWord x86_feature_words[X86_FEATURE_WORDS];

typedef uint32_t X86FeatureSet[X86_FEATURE_WORDS];

/* A few bits the CPUID builder treats specially. */
#define X86_1_ECX_X2APIC       (1u << 21)
#define X86_1_ECX_TSC_DEADLINE (1u << 24)
#define X86_1_ECX_HYPERVISOR   (1u << 31)
#define X86_8000_0001_ECX_SVM  (1u << 2)

typedef struct X86CPUModel {
    /* The QOM type "<name>-x86_64-cpu"; instances are CPUState. */
    DeviceClass klass;
    const char *name; /* -cpu NAME */
    const char *desc; /* -cpu help */
    /* host/max: the guest gets what KVM supports; no fixed fields. */
    bool passthrough;
    bool is_static;      /* query-cpu-definitions "static" */
    bool migration_safe; /* ... "migration-safe" */
    bool deprecated;
    /* Fixed models only. */
    uint32_t level;  /* highest basic leaf */
    uint32_t xlevel; /* highest extended leaf */
    unsigned family, model, stepping;
    const char *model_id; /* brand string, leaves 0x80000002..4 */
    X86FeatureSet features;
} X86CPUModel;

/*
 * -cpu MODEL,PROP[=VALUE],...: the CPU properties Vigil implements.
 *   hv-crash   the Hyper-V crash MSRs (HV_X64_MSR_CRASH_P0..P4, CTL) and
 *              the Hyper-V CPUID leaves that announce them (KVM's own
 *              leaves move to 0x40000100, as in QEMU); a guest write of
 *              CTL with CRASH_NOTIFY reports a panic whose
 *              GUEST_PANICKED carries {"type": "hyper-v", "arg1".."arg5"}
 * x86_cpu_props holds what the command line asked for; the accelerator
 * reads it when it builds vCPUs.
 */
typedef struct X86CPUProps {
    bool hv_crash;
} X86CPUProps;
extern X86CPUProps x86_cpu_props;
/*
 * Parse the text after "MODEL," into @out (QEMU's forms: "prop",
 * "prop=on|off"; QEMU's error for a property that does not exist).
 */
bool x86_cpu_props_parse(const char *model, const char *text, X86CPUProps *out,
                         GError **errp);

/* How many models the table has (the catalog sizes its type list by it). */
#define X86_CPU_MODEL_COUNT 3

/* Every model, in -cpu help order. */
const X86CPUModel *const *x86_cpu_models(size_t *count);
/* By -cpu name; NULL if unknown. */
const X86CPUModel *x86_cpu_model_find(const char *name);
/* The model of a vCPU created by x86_cpus_create(). */
const X86CPUModel *x86_cpu_model_of(const CPUState *cpu);
/* "Available CPUs:" as QEMU prints it for -cpu help. */
void x86_cpu_model_print_help(void);

/*
 * The features a fixed model asks for under KVM: its table entry plus
 * what QEMU turns on for every KVM guest (x2apic, the kvmclock family of
 * paravirtual features), minus what it turns off (svm).  The hypervisor
 * and TSC-deadline bits are not included: the CPUID builder sets them
 * from what the VM has, they are never "unavailable".
 */
void x86_cpu_model_kvm_features(const X86CPUModel *m, X86FeatureSet out);
/*
 * Append (as char *, static strings) to @names the name of every named
 * bit set in @want and clear in @have, in word and bit order.
 */
void x86_feature_set_missing(const X86FeatureSet want, const X86FeatureSet have,
                             GPtrArray *names);

/*
 * The vCPU layout of @ncpus vCPUs: the config layer's cpu_topology
 * (-smp) or, without one, one socket of @ncpus single-thread cores.
 */
void x86_cpu_topology(unsigned ncpus, CpuTopology *out);
/*
 * Whether APIC ID = vCPU number describes @t: each level below the
 * outermost one with more than one member must have a power-of-two
 * count, so that the IDs need no holes.  Vigil's vCPU numbers, KVM vCPU
 * ids, MADT entries and CPUID all use the vCPU number as APIC ID.
 */
bool x86_cpu_topology_check(const CpuTopology *t, GError **errp);
/* Bits of the APIC ID below the package level (CPUID 0xB, 0x80000008). */
unsigned x86_topology_bits(unsigned count);

/*
 * Create and realize @count vCPUs of @m laid out by x86_cpu_topology()
 * (cpu_index = APIC ID).  Call before any other device is realized so
 * they take device[0..count-1].
 */
bool x86_cpus_create(const X86CPUModel *m, unsigned count, GError **errp);

/*
 * The model the board builds its vCPUs from: -cpu NAME (the config
 * layer's cpu_model_arg) or, without -cpu, the machine's default.
 * NULL: no vCPU (a machine without default_cpu_model, "none", has no
 * vCPU; the option parser refuses -cpu for it).  An unknown name
 * fails (validated earlier by the option parser, so only a harness that
 * sets a bad name sees it).
 */
bool x86_cpu_model_for_machine(const MachineClass *mc,
                               const X86CPUModel **model, GError **errp);

#endif /* HW_I386_CPU_MODELS_H */
