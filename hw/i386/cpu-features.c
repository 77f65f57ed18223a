/*
 * The CPUID feature words Vigil's CPU models use, with QEMU's names for
 * their bits (the names query-cpu-definitions reports in
 * unavailable-features).  Bit positions are the architectural ones
 * (Intel SDM vol. 2A "CPUID", AMD APM vol. 3 appendix E, the KVM API's
 * "KVM_CPUID_FEATURES").
 */
#include "hw/i386/cpu-models.h"

const X86FeatureWord x86_feature_words[X86_FEATURE_WORDS] = {
    [FEAT_1_EDX] = {1,
                    0,
                    X86_REG_EDX,
                    {
                        "fpu", "vme",  "de",   "pse",   "tsc", "msr",     "pae",
                        "mce", "cx8",  "apic", NULL,    "sep", "mtrr",    "pge",
                        "mca", "cmov", "pat",  "pse36", "pn",  "clflush", NULL,
                        "ds",  "acpi", "mmx",  "fxsr",  "sse", "sse2",    "ss",
                        "ht",  "tm",   "ia64", "pbe",
                    }},
    [FEAT_1_ECX] = {1,
                    0,
                    X86_REG_ECX,
                    {
                        "pni",          "pclmulqdq", "dtes64", "monitor",
                        "ds-cpl",       "vmx",       "smx",    "est",
                        "tm2",          "ssse3",     "cid",    NULL,
                        "fma",          "cx16",      "xtpr",   "pdcm",
                        NULL,           "pcid",      "dca",    "sse4.1",
                        "sse4.2",       "x2apic",    "movbe",  "popcnt",
                        "tsc-deadline", "aes",       "xsave",  NULL,
                        "avx",          "f16c",      "rdrand", "hypervisor",
                    }},
    [FEAT_7_0_EBX] = {7,
                      0,
                      X86_REG_EBX,
                      {
                          "fsgsbase", "tsc-adjust", "sgx",      "bmi1",
                          "hle",      "avx2",       NULL,       "smep",
                          "bmi2",     "erms",       "invpcid",  "rtm",
                          NULL,       NULL,         "mpx",      NULL,
                          "avx512f",  "avx512dq",   "rdseed",   "adx",
                          "smap",     "avx512ifma", "pcommit",  "clflushopt",
                          "clwb",     "intel-pt",   "avx512pf", "avx512er",
                          "avx512cd", "sha-ni",     "avx512bw", "avx512vl",
                      }},
    [FEAT_7_0_ECX] = {7,
                      0,
                      X86_REG_ECX,
                      {
                          NULL,
                          "avx512vbmi",
                          "umip",
                          "pku",
                          NULL,
                          "waitpkg",
                          "avx512vbmi2",
                          NULL,
                          "gfni",
                          "vaes",
                          "vpclmulqdq",
                          "avx512vnni",
                          "avx512bitalg",
                          NULL,
                          "avx512-vpopcntdq",
                          NULL,
                          "la57",
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          NULL,
                          "rdpid",
                          NULL,
                          "bus-lock-detect",
                          "cldemote",
                          NULL,
                          "movdiri",
                          "movdir64b",
                          NULL,
                          "sgxlc",
                          "pks",
                      }},
    [FEAT_7_0_EDX] = {7,
                      0,
                      X86_REG_EDX,
                      {
                          NULL,
                          NULL,
                          "avx512-4vnniw",
                          "avx512-4fmaps",
                          "fsrm",
                          NULL,
                          NULL,
                          NULL,
                          "avx512-vp2intersect",
                          NULL,
                          "md-clear",
                          NULL,
                          NULL,
                          NULL,
                          "serialize",
                          NULL,
                          "tsx-ldtrk",
                          NULL,
                          NULL,
                          "arch-lbr",
                          NULL,
                          NULL,
                          "amx-bf16",
                          "avx512-fp16",
                          "amx-tile",
                          "amx-int8",
                          "spec-ctrl",
                          "stibp",
                          "flush-l1d",
                          "arch-capabilities",
                          "core-capability",
                          "ssbd",
                      }},
    /* The bits that mirror leaf 1 EDX on AMD have no names of their own. */
    [FEAT_8000_0001_EDX] = {0x80000001,
                            0,
                            X86_REG_EDX,
                            {
                                [11] = "syscall",
                                [20] = "nx",
                                [22] = "mmxext",
                                [25] = "fxsr-opt",
                                [26] = "pdpe1gb",
                                [27] = "rdtscp",
                                [29] = "lm",
                                [30] = "3dnowext",
                                [31] = "3dnow",
                            }},
    [FEAT_8000_0001_ECX] = {0x80000001,
                            0,
                            X86_REG_ECX,
                            {
                                "lahf_lm",    "cmp_legacy",  "svm",
                                "extapic",    "cr8legacy",   "abm",
                                "sse4a",      "misalignsse", "3dnowprefetch",
                                "osvw",       "ibs",         "xop",
                                "skinit",     "wdt",         NULL,
                                "lwp",        "fma4",        "tce",
                                NULL,         "nodeid-msr",  NULL,
                                "tbm",        "topoext",     "perfctr-core",
                                "perfctr-nb",
                            }},
    [FEAT_KVM] = {0x40000001,
                  0,
                  X86_REG_EAX,
                  {
                      [0] = "kvmclock",
                      [1] = "kvm-nopiodelay",
                      [2] = "kvm-mmu",
                      [3] = "kvmclock",
                      [4] = "kvm-asyncpf",
                      [5] = "kvm-steal-time",
                      [6] = "kvm-pv-eoi",
                      [7] = "kvm-pv-unhalt",
                      [9] = "kvm-pv-tlb-flush",
                      [10] = "kvm-asyncpf-vmexit",
                      [11] = "kvm-pv-ipi",
                      [12] = "kvm-poll-control",
                      [13] = "kvm-pv-sched-yield",
                      [14] = "kvm-asyncpf-int",
                      [15] = "kvm-msi-ext-dest-id",
                      [24] = "kvmclock-stable-bit",
                  }},
};

void x86_feature_set_missing(const X86FeatureSet want, const X86FeatureSet have,
                             GPtrArray *names)
{
    for (unsigned w = 0; w < X86_FEATURE_WORDS; w++) {
        uint32_t missing = want[w] & ~have[w];

        for (unsigned bit = 0; bit < 32; bit++) {
            const char *name = x86_feature_words[w].names[bit];

            /* kvmclock is two bits with one name: report it once. */
            if ((missing & (1u << bit)) && name &&
                !(w == FEAT_KVM && bit == 3 && (missing & 1u))) {
                g_ptr_array_add(names, (gpointer)name);
            }
        }
    }
}
