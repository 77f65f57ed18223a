/*
 * The x86 CPU model table (hw/i386/cpu-models.h), the CPU device types
 * made from it, and the creation of a board's vCPUs.
 *
 * TO ADD A MODEL: add an X86CPUModel below and to models[]; -cpu help,
 * -cpu NAME, query-cpu-definitions, qom-list-types and the KVM CPUID
 * follow.
 */
#include "hw/i386/cpu-models.h"
#include "qemu/cutils.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Leaf 1 EDX */
#define F_FPU     (1u << 0)
#define F_DE      (1u << 2)
#define F_PSE     (1u << 3)
#define F_TSC     (1u << 4)
#define F_MSR     (1u << 5)
#define F_PAE     (1u << 6)
#define F_MCE     (1u << 7)
#define F_CX8     (1u << 8)
#define F_APIC    (1u << 9)
#define F_SEP     (1u << 11)
#define F_MTRR    (1u << 12)
#define F_PGE     (1u << 13)
#define F_MCA     (1u << 14)
#define F_CMOV    (1u << 15)
#define F_PAT     (1u << 16)
#define F_PSE36   (1u << 17)
#define F_CLFLUSH (1u << 19)
#define F_MMX     (1u << 23)
#define F_FXSR    (1u << 24)
#define F_SSE     (1u << 25)
#define F_SSE2    (1u << 26)
/* Leaf 1 ECX */
#define F_PNI  (1u << 0)
#define F_CX16 (1u << 13)
/* Leaf 0x80000001 EDX */
#define F_SYSCALL (1u << 11)
#define F_NX      (1u << 20)
#define F_LM      (1u << 29)
/* Leaf 0x80000001 ECX */
#define F_LAHF_LM (1u << 0)
/* Leaf 0x40000001 EAX */
#define F_KVMCLOCK        (1u << 0)
#define F_KVM_NOPIODELAY  (1u << 1)
#define F_KVMCLOCK2       (1u << 3)
#define F_KVM_ASYNCPF     (1u << 4)
#define F_KVM_STEAL_TIME  (1u << 5)
#define F_KVM_PV_EOI      (1u << 6)
#define F_KVMCLOCK_STABLE (1u << 24)

/* The Pentium Pro set every 64-bit model starts from. */
#define PPRO_FEATURES                                                          \
    (F_FPU | F_DE | F_PSE | F_TSC | F_MSR | F_MCE | F_CX8 | F_PGE | F_CMOV |   \
     F_PAT | F_FXSR | F_MMX | F_SSE | F_SSE2 | F_PAE | F_SEP | F_APIC)

/* What QEMU turns on for every KVM guest of a fixed model. */
static const X86FeatureSet kvm_defaults_on = {
    [FEAT_1_ECX] = X86_1_ECX_X2APIC,
    [FEAT_KVM] = F_KVMCLOCK | F_KVMCLOCK2 | F_KVM_NOPIODELAY | F_KVM_ASYNCPF |
                 F_KVM_STEAL_TIME | F_KVM_PV_EOI | F_KVMCLOCK_STABLE,
};
/* ... and off: nested SVM is not offered by default. */
static const X86FeatureSet kvm_defaults_off = {
    [FEAT_8000_0001_ECX] = X86_8000_0001_ECX_SVM,
};

#define CPU_CLASS(type)                                                        \
    {                                                                          \
        .name = (type), .parent = "x86_64-cpu",                                \
        .category = DEVICE_CATEGORY_CPU, .instance_size = sizeof(CPUState),    \
    }

static const X86CPUModel model_host = {
    .klass = CPU_CLASS("host-x86_64-cpu"),
    .name = "host",
    .desc = "KVM processor with all supported host features",
    .passthrough = true,
};

static const X86CPUModel model_max = {
    .klass = CPU_CLASS("max-x86_64-cpu"),
    .name = "max",
    .desc = "Enables all features supported by the accelerator in the "
            "current host",
    .passthrough = true,
};

static const X86CPUModel model_qemu64 = {
    .klass = CPU_CLASS("qemu64-x86_64-cpu"),
    .name = "qemu64",
    .desc = "QEMU Virtual CPU version 2.5+",
    .migration_safe = true,
    .level = 0xd,
    .xlevel = 0x8000000a,
    .family = 15,
    .model = 107,
    .stepping = 1,
    .model_id = "QEMU Virtual CPU version 2.5+",
    .features =
        {
            [FEAT_1_EDX] = PPRO_FEATURES | F_MTRR | F_CLFLUSH | F_MCA | F_PSE36,
            [FEAT_1_ECX] = F_PNI | F_CX16,
            [FEAT_8000_0001_EDX] = F_LM | F_SYSCALL | F_NX,
            [FEAT_8000_0001_ECX] = F_LAHF_LM | X86_8000_0001_ECX_SVM,
        },
};

/* -cpu help order: QEMU lists named models first, then host and max. */
static const X86CPUModel *const models[] = {
    &model_qemu64,
    &model_host,
    &model_max,
};

G_STATIC_ASSERT(G_N_ELEMENTS(models) == X86_CPU_MODEL_COUNT);

const X86CPUModel *const *x86_cpu_models(size_t *count)
{
    *count = G_N_ELEMENTS(models);
    return models;
}

const X86CPUModel *x86_cpu_model_find(const char *name)
{
    for (size_t i = 0; name && i < G_N_ELEMENTS(models); i++) {
        if (strcmp(models[i]->name, name) == 0) {
            return models[i];
        }
    }
    return NULL;
}

const X86CPUModel *x86_cpu_model_of(const CPUState *cpu)
{
    return container_of(cpu->parent_obj.klass, X86CPUModel, klass);
}

void x86_cpu_model_print_help(void)
{
    printf("Available CPUs:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        printf("x86 %-20s  %s\n", models[i]->name, models[i]->desc);
    }
}

void x86_cpu_model_kvm_features(const X86CPUModel *m, X86FeatureSet out)
{
    for (unsigned w = 0; w < X86_FEATURE_WORDS; w++) {
        out[w] = (m->features[w] | kvm_defaults_on[w]) & ~kvm_defaults_off[w];
    }
}

unsigned x86_topology_bits(unsigned count)
{
    unsigned b = 0;

    while ((1u << b) < count) {
        b++;
    }
    return b;
}

void x86_cpu_topology(unsigned ncpus, CpuTopology *out)
{
    if (cpu_topology.sockets && cpu_topology.dies && cpu_topology.cores &&
        cpu_topology.threads) {
        *out = cpu_topology;
        return;
    }
    /* QEMU's -smp N since 6.2: cores rather than sockets. */
    *out = (CpuTopology){
        .sockets = 1, .dies = 1, .cores = ncpus ? ncpus : 1, .threads = 1};
}

bool x86_cpu_topology_check(const CpuTopology *t, GError **errp)
{
    /* Innermost first; above the outermost level > 1, anything goes. */
    const unsigned counts[] = {t->threads, t->cores, t->dies, t->sockets};
    static const char *const names[] = {"threads", "cores", "dies"};
    int outer = 0;

    for (int i = 0; i < 4; i++) {
        if (counts[i] > 1) {
            outer = i;
        }
    }
    for (int i = 0; i < outer; i++) {
        if (counts[i] & (counts[i] - 1)) {
            error_setg(errp,
                       "%s=%u: with more than one of the level above, Vigil "
                       "needs a power of two (APIC IDs are vCPU numbers)",
                       names[i], counts[i]);
            return false;
        }
    }
    return true;
}

bool x86_cpus_create(const X86CPUModel *m, unsigned count, GError **errp)
{
    int tid = cpu_current_thread_id();
    CpuTopology t;

    x86_cpu_topology(count, &t);
    for (unsigned i = 0; i < count; i++) {
        DeviceState *dev = qdev_new(&m->klass);
        CPUState *cpu = cpu_from_device(dev);

        cpu->cpu_index = i;
        cpu->thread_id_in_core = i % t.threads;
        cpu->core_id = (i / t.threads) % t.cores;
        cpu->die_id = (i / (t.threads * t.cores)) % t.dies;
        cpu->socket_id = i / (t.threads * t.cores * t.dies);
        cpu->has_die_id = t.dies > 1;
        cpu->thread_id = tid;
        /* QEMU's QOM path: a kvmvapic takes device[1] after the first. */
        dev->canonical_path =
            g_strdup_printf("/machine/unattached/device[%u]", i ? i + 1 : 0);
        if (!qdev_realize(dev, NULL, errp)) {
            qdev_unref(dev);
            return false;
        }
    }
    return true;
}

bool x86_cpu_model_for_machine(const MachineClass *mc,
                               const X86CPUModel **model, GError **errp)
{
    const char *name = cpu_model_arg ? cpu_model_arg : mc->default_cpu_model;

    *model = NULL;
    if (!mc->default_cpu_model) {
        return true; /* a machine without vCPUs ("none") */
    }
    *model = x86_cpu_model_find(name);
    if (!*model) {
        error_setg(errp, "unable to find CPU model '%s'", name);
        return false;
    }
    return true;
}

X86CPUProps x86_cpu_props;

static const struct {
    const char *name;
    size_t offset; /* of a bool in X86CPUProps */
} x86_cpu_prop_table[] = {
    {"hv-crash", offsetof(X86CPUProps, hv_crash)},
};

bool x86_cpu_props_parse(const char *model, const char *text, X86CPUProps *out,
                         GError **errp)
{
    g_auto(GStrv) items = g_strsplit(text, ",", -1);

    *out = (X86CPUProps){0};
    for (char **it = items; *it; it++) {
        g_autofree char *key = NULL;
        const char *eq = strchr(*it, '=');
        const char *value = eq ? eq + 1 : "on";
        size_t i;
        g_autoptr(GError) err = NULL;

        if (!**it) {
            continue;
        }
        key = eq ? g_strndup(*it, eq - *it) : g_strdup(*it);
        for (i = 0; i < G_N_ELEMENTS(x86_cpu_prop_table); i++) {
            if (strcmp(key, x86_cpu_prop_table[i].name) == 0) {
                break;
            }
        }
        if (i == G_N_ELEMENTS(x86_cpu_prop_table)) {
            error_setg(errp,
                       "can't apply global %s-x86_64-cpu.%s=%s: Property "
                       "'%s-x86_64-cpu.%s' not found",
                       model, key, value, model, key);
            return false;
        }
        if (!qemu_parse_bool(
                key, value,
                (bool *)((char *)out + x86_cpu_prop_table[i].offset), &err)) {
            error_setg(errp, "can't apply global %s-x86_64-cpu.%s=%s: %s",
                       model, key, value, err->message);
            return false;
        }
    }
    return true;
}
