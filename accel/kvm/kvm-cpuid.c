/*
 * The CPUID a KVM vCPU sees, from its CPU model (hw/i386/cpu-models.h).
 *
 * host, max: what KVM_GET_SUPPORTED_CPUID reports, as it is.
 * A fixed model (qemu64): built from the model's table entry alone, so
 *   that nothing of the host leaks in: its levels, family/model/stepping
 *   and brand string, the host's vendor string (as QEMU does under KVM:
 *   SYSCALL/SYSENTER in compatibility mode follow the real vendor), and
 *   each feature word the model asks for, masked by what KVM supports.
 *   A requested feature KVM lacks is dropped with a warning, as QEMU
 *   does without "enforce"; query-cpu-definitions lists it.  Leaves the
 *   model does not describe (caches, power, PMU, XSAVE without xsave)
 *   are left out, so the guest reads zeros, except the physical and
 *   linear address widths (0x80000008 EAX), which must be the host's.
 * Then for every model: per-vCPU APIC IDs in leaves 1, 0xB and 0x1F, a
 *   flat topology of one package with N cores, the hypervisor bit and
 *   KVM's signature leaf.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kvm-internal.h"
#include "system/accel.h"

#define CPUID_1_EDX_HTT     (1u << 28)
#define CPUID_1_EDX_CLFLUSH (1u << 19)
#define CPUID_1_ECX_XSAVE   (1u << 26)
#define KVM_CPUID_SIGNATURE 0x40000000u
#define KVM_CPUID_FEATURES  0x40000001u
/* Leaf 1 EDX bits AMD repeats in leaf 0x80000001 EDX. */
#define AMD_ALIASES 0x0183f3ffu

static struct kvm_cpuid2 *supported_cpuid_fetch(int fd, GError **errp)
{
    for (unsigned nent = 128; nent <= 4096; nent *= 2) {
        struct kvm_cpuid2 *c =
            g_malloc0(sizeof(*c) + nent * sizeof(c->entries[0]));

        c->nent = nent;
        if (ioctl(fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
            return c;
        }
        g_free(c);
        if (errno != E2BIG) {
            break;
        }
    }
    error_setg(errp, "KVM_GET_SUPPORTED_CPUID failed: %s", g_strerror(errno));
    return NULL;
}

bool kvm_x86_init_cpuid(KVMState *s, GError **errp)
{
    s->supported_cpuid = supported_cpuid_fetch(s->fd, errp);
    /* The Hyper-V crash MSRs come with their CPUID leaves. */
    return s->supported_cpuid != NULL && kvm_hyperv_init(s, errp);
}

static struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c,
                                           uint32_t function, uint32_t index)
{
    for (uint32_t i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];

        if (e->function == function &&
            (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
             e->index == index)) {
            return e;
        }
    }
    return NULL;
}

static uint32_t *cpuid_reg(struct kvm_cpuid_entry2 *e, X86CPUIDReg reg)
{
    switch (reg) {
    case X86_REG_EAX:
        return &e->eax;
    case X86_REG_EBX:
        return &e->ebx;
    case X86_REG_ECX:
        return &e->ecx;
    default:
        return &e->edx;
    }
}

/* The feature words of a CPUID table (zero where a leaf is absent). */
static void cpuid_features(struct kvm_cpuid2 *c, X86FeatureSet out)
{
    for (unsigned w = 0; w < X86_FEATURE_WORDS; w++) {
        const X86FeatureWord *fw = &x86_feature_words[w];
        struct kvm_cpuid_entry2 *e = cpuid_find(c, fw->leaf, fw->subleaf);

        out[w] = e ? *cpuid_reg(e, fw->reg) : 0;
    }
}

static void cpuid_remove(struct kvm_cpuid2 *c, uint32_t function)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < c->nent; i++) {
        if (c->entries[i].function != function) {
            c->entries[n++] = c->entries[i];
        }
    }
    c->nent = n;
}

/* A new entry (zeroed) at the end of @c, which has room for it. */
static struct kvm_cpuid_entry2 *
cpuid_add(struct kvm_cpuid2 *c, uint32_t function, uint32_t index, bool indexed)
{
    struct kvm_cpuid_entry2 *e = &c->entries[c->nent++];

    memset(e, 0, sizeof(*e));
    e->function = function;
    e->index = index;
    e->flags = indexed ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
    return e;
}

/*
 * Leaves 0xB (SMT, core) and 0x1F (SMT, core, die): per level, the APIC
 * ID shift to the next level and the logical processors below it; then
 * an invalid level.  0xB folds the dies into its core level.
 */
static void cpuid_set_topology_leaf(struct kvm_cpuid2 *c, uint32_t leaf,
                                    unsigned apic_id, const CpuTopology *t)
{
    unsigned smt = x86_topology_bits(t->threads);
    unsigned core = smt + x86_topology_bits(t->cores);
    unsigned die = core + x86_topology_bits(t->dies);
    const struct {
        unsigned type, shift, count;
    } levels[] = {
        {1, smt, t->threads},
        {2, leaf == 0x1f ? core : die,
         t->threads * t->cores * (leaf == 0x1f ? 1 : t->dies)},
        {5, die, t->threads * t->cores * t->dies}, /* 0x1F only */
    };
    unsigned n = leaf == 0x1f ? 3 : 2;

    cpuid_remove(c, leaf);
    for (uint32_t sub = 0; sub <= n; sub++) {
        struct kvm_cpuid_entry2 *e = cpuid_add(c, leaf, sub, true);

        e->edx = apic_id;
        e->ecx = sub;
        if (sub < n) {
            e->eax = levels[sub].shift;
            e->ebx = levels[sub].count;
            e->ecx |= levels[sub].type << 8;
        }
    }
}

static void cpuid_fixup(KVMState *s, struct kvm_cpuid2 *c, unsigned apic_id,
                        bool passthrough)
{
    CpuTopology t;
    unsigned per_pkg, cores_per_pkg;
    struct kvm_cpuid_entry2 *e;
    uint32_t max_basic = 0;

    x86_cpu_topology(s->nr_vcpus, &t);
    per_pkg = t.threads * t.cores * t.dies;
    cores_per_pkg = t.cores * t.dies;

    e = cpuid_find(c, 0, 0);
    if (e) {
        max_basic = e->eax;
    }
    e = cpuid_find(c, 1, 0);
    if (e) {
        e->ebx = (e->ebx & 0xffff) | (apic_id << 24) |
                 ((1u << x86_topology_bits(per_pkg)) << 16);
        e->ecx |= X86_1_ECX_HYPERVISOR;
        /* A fixed model has TSC-deadline only if its table says so. */
        if (passthrough && s->has_tsc_deadline) {
            e->ecx |= X86_1_ECX_TSC_DEADLINE;
        }
        if (per_pkg > 1) {
            e->edx |= CPUID_1_EDX_HTT;
        }
    }
    for (uint32_t i = 0; i < c->nent; i++) {
        e = &c->entries[i];
        if (e->function == 4 && (e->eax & 0x1f)) {
            /* cores per package - 1, one thread per cache */
            e->eax = (e->eax & 0x3fff) | ((cores_per_pkg - 1) << 26);
        }
    }
    if (max_basic >= 0xb) {
        cpuid_set_topology_leaf(c, 0xb, apic_id, &t);
    }
    if (max_basic >= 0x1f) {
        cpuid_set_topology_leaf(c, 0x1f, apic_id, &t);
    }
    e = cpuid_find(c, 0x80000008, 0);
    if (e) {
        e->ecx = (e->ecx & ~0xf0ffu) | (x86_topology_bits(per_pkg) << 12) |
                 (per_pkg - 1);
    }
    if (!cpuid_find(c, KVM_CPUID_SIGNATURE, 0)) {
        e = cpuid_add(c, KVM_CPUID_SIGNATURE, 0, false);
        e->eax = KVM_CPUID_FEATURES;
        memcpy(&e->ebx, "KVMK", 4);
        memcpy(&e->ecx, "VMKV", 4);
        memcpy(&e->edx, "M\0\0\0", 4);
    }
}

static uint32_t model_signature(const X86CPUModel *m)
{
    unsigned fam = m->family > 0xf ? 0xf : m->family;
    unsigned ext_fam = m->family > 0xf ? m->family - 0xf : 0;

    return m->stepping | (m->model & 0xf) << 4 | fam << 8 |
           ((m->model >> 4) & 0xf) << 16 | ext_fam << 20;
}

/* Set feature word @w of @c to @value, adding its leaf if it is absent. */
static void cpuid_put_word(struct kvm_cpuid2 *c, unsigned w, uint32_t value)
{
    const X86FeatureWord *fw = &x86_feature_words[w];
    struct kvm_cpuid_entry2 *e = cpuid_find(c, fw->leaf, fw->subleaf);

    if (!e) {
        e = cpuid_add(c, fw->leaf, fw->subleaf, fw->leaf == 7);
    }
    *cpuid_reg(e, fw->reg) = value;
}

static void warn_dropped(const X86FeatureSet want, const X86FeatureSet have)
{
    for (unsigned w = 0; w < X86_FEATURE_WORDS; w++) {
        const X86FeatureWord *fw = &x86_feature_words[w];
        static const char *const regs[] = {"EAX", "EBX", "ECX", "EDX"};
        uint32_t missing = want[w] & ~have[w];

        for (unsigned bit = 0; bit < 32; bit++) {
            if (missing & (1u << bit)) {
                warn_report("host doesn't support requested feature: "
                            "CPUID.%02XH:%s%s%s [bit %u]",
                            fw->leaf, regs[fw->reg], fw->names[bit] ? "." : "",
                            fw->names[bit] ? fw->names[bit] : "", bit);
            }
        }
    }
}

/* The CPUID of a fixed model, before the per-vCPU fixups. */
static struct kvm_cpuid2 *cpuid_for_model(KVMState *s, const X86CPUModel *m,
                                          bool report)
{
    struct kvm_cpuid2 *sup = s->supported_cpuid;
    struct kvm_cpuid2 *c =
        g_malloc0(sizeof(*c) + (sup->nent + 32) * sizeof(c->entries[0]));
    struct kvm_cpuid_entry2 *e, *host0 = cpuid_find(sup, 0, 0);
    X86FeatureSet want, have;
    uint32_t vendor[3] = {0, 0, 0};
    char brand[48] = {0};

    x86_cpu_model_kvm_features(m, want);
    cpuid_features(sup, have);
    if (report) {
        warn_dropped(want, have);
    }
    if (host0) {
        vendor[0] = host0->ebx;
        vendor[1] = host0->edx;
        vendor[2] = host0->ecx;
    }
    e = cpuid_add(c, 0, 0, false);
    e->eax = m->level;
    e->ebx = vendor[0];
    e->edx = vendor[1];
    e->ecx = vendor[2];
    e = cpuid_add(c, 1, 0, false);
    e->eax = model_signature(m);
    if (want[FEAT_1_EDX] & CPUID_1_EDX_CLFLUSH) {
        e->ebx = 8 << 8; /* 64-byte lines */
    }
    if (m->level >= 7) {
        cpuid_add(c, 7, 0, true); /* eax: no further subleaves */
    }
    e = cpuid_add(c, 0x80000000, 0, false);
    e->eax = m->xlevel;
    e->ebx = vendor[0];
    e->edx = vendor[1];
    e->ecx = vendor[2];
    e = cpuid_add(c, 0x80000001, 0, false);
    e->eax = model_signature(m);
    for (unsigned w = 0; w < X86_FEATURE_WORDS; w++) {
        if (w != FEAT_KVM && x86_feature_words[w].leaf > m->level &&
            x86_feature_words[w].leaf < 0x80000000) {
            continue;
        }
        cpuid_put_word(c, w, want[w] & have[w]);
    }
    if (host0 && !memcmp(&host0->ebx, "Auth", 4)) {
        /* AMD: leaf 0x80000001 EDX repeats these bits of leaf 1 EDX. */
        e = cpuid_find(c, 0x80000001, 0);
        e->edx |= want[FEAT_1_EDX] & have[FEAT_1_EDX] & AMD_ALIASES;
    }
    strncpy(brand, m->model_id, sizeof(brand) - 1);
    for (uint32_t leaf = 0x80000002; leaf <= 0x80000004; leaf++) {
        e = cpuid_add(c, leaf, 0, false);
        memcpy(&e->eax, brand + (leaf - 0x80000002) * 16, 16);
    }
    e = cpuid_find(sup, 0x80000008, 0);
    if (e && m->xlevel >= 0x80000008) {
        uint32_t widths = e->eax & 0xffff;

        e = cpuid_add(c, 0x80000008, 0, false);
        e->eax = widths;
    }
    if ((want[FEAT_1_ECX] & have[FEAT_1_ECX] & CPUID_1_ECX_XSAVE) &&
        m->level >= 0xd) {
        for (uint32_t i = 0; i < sup->nent; i++) {
            if (sup->entries[i].function == 0xd) {
                c->entries[c->nent++] = sup->entries[i];
            }
        }
    }
    return c;
}

bool kvm_x86_set_cpuid(KVMState *s, KVMVCpu *cpu, GError **errp)
{
    const X86CPUModel *m = x86_cpu_model_of(cpu->cpu);
    struct kvm_cpuid2 *sup = s->supported_cpuid;
    struct kvm_cpuid2 *c;
    bool ok;

    if (m->passthrough) {
        /* topology, signature and Hyper-V leaves */
        size_t room = sup->nent + 16;

        c = g_malloc0(sizeof(*c) + room * sizeof(c->entries[0]));
        c->nent = sup->nent;
        memcpy(c->entries, sup->entries, sup->nent * sizeof(c->entries[0]));
    } else {
        c = cpuid_for_model(s, m, cpu->index == 0);
    }
    cpuid_fixup(s, c, cpu->index, m->passthrough);
    kvm_hyperv_cpuid(c);
    ok = ioctl(cpu->fd, KVM_SET_CPUID2, c) == 0;
    if (!ok) {
        error_setg(errp, "KVM_SET_CPUID2 failed: %s", g_strerror(errno));
    }
    g_free(c);
    return ok;
}

/* KVM's supported CPUID, from the VM or, without one, from /dev/kvm. */
static struct kvm_cpuid2 *supported_cpuid_probe(void)
{
    static struct kvm_cpuid2 *probed;
    static bool tried;
    int fd;

    if (kvm_state && kvm_state->supported_cpuid) {
        return kvm_state->supported_cpuid;
    }
    if (!tried) {
        tried = true;
        fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
            probed = supported_cpuid_fetch(fd, NULL);
            close(fd);
        }
    }
    return probed;
}

bool kvm_cpu_model_unavailable(const X86CPUModel *m, GPtrArray *names)
{
    struct kvm_cpuid2 *sup = supported_cpuid_probe();
    X86FeatureSet want, have;

    memset(have, 0, sizeof(have));
    if (sup) {
        cpuid_features(sup, have);
    }
    if (m->passthrough) {
        return sup != NULL; /* asks for exactly what there is */
    }
    x86_cpu_model_kvm_features(m, want);
    x86_feature_set_missing(want, have, names);
    return sup != NULL;
}
