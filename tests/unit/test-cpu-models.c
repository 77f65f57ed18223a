/*
 * The CPU model table and the vCPU devices a board creates from it
 * (hw/i386/cpu-models.h, hw/core/cpu.h), and the machine table fields
 * query-machines reports.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hw/boards.h"
#include "hw/catalog.h"
#include "hw/core/cpu.h"
#include "hw/i386/cpu-models.h"
#include "system/system.h"

static void test_table(void)
{
    size_t n;
    const X86CPUModel *const *m = x86_cpu_models(&n);
    const X86CPUModel *q = x86_cpu_model_find("qemu64");

    g_assert_cmpuint(n, ==, 3);
    g_assert_cmpstr(m[0]->name, ==, "qemu64");
    g_assert_nonnull(q);
    g_assert_cmpstr(q->klass.name, ==, "qemu64-x86_64-cpu");
    g_assert_cmpstr(q->klass.parent, ==, "x86_64-cpu");
    g_assert_false(q->passthrough);
    g_assert_true(q->migration_safe);
    g_assert_true(x86_cpu_model_find("host")->passthrough);
    g_assert_true(x86_cpu_model_find("max")->passthrough);
    g_assert_null(x86_cpu_model_find("Skylake-Client"));
    g_assert_null(x86_cpu_model_find(NULL));
    /* Every CPU type is a QOM type, and -device refuses it. */
    for (size_t i = 0; i < n; i++) {
        const DeviceClass *dc = qdev_find_type(m[i]->klass.name);

        g_assert_true(dc == &m[i]->klass);
        g_assert_false(dc->user_creatable);
        g_assert_cmpint(dc->category, ==, DEVICE_CATEGORY_CPU);
    }
}

static void test_kvm_features(void)
{
    const X86CPUModel *q = x86_cpu_model_find("qemu64");
    X86FeatureSet want, none = {0};
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    x86_cpu_model_kvm_features(q, want);
    /* pni and cx16; x2apic added under KVM; svm taken away */
    g_assert_cmphex(want[FEAT_1_ECX], ==, (1u << 0) | (1u << 13) | (1u << 21));
    g_assert_cmphex(want[FEAT_8000_0001_ECX], ==, 1u << 0);
    g_assert_cmphex(want[FEAT_8000_0001_EDX], ==,
                    (1u << 11) | (1u << 20) | (1u << 29));
    g_assert_cmphex(want[FEAT_7_0_EBX], ==, 0);
    g_assert_true(want[FEAT_KVM] & 1u);

    /* Nothing available: every named feature, kvmclock once. */
    x86_feature_set_missing(want, none, names);
    g_assert_cmpstr(g_ptr_array_index(names, 0), ==, "fpu");
    for (guint i = 0, clocks = 0; i < names->len; i++) {
        clocks += strcmp(g_ptr_array_index(names, i), "kvmclock") == 0;
        g_assert_cmpuint(clocks, <=, 1);
    }
    /* Everything but pni: just pni. */
    g_ptr_array_set_size(names, 0);
    memcpy(none, want, sizeof(none));
    none[FEAT_1_ECX] &= ~1u;
    x86_feature_set_missing(want, none, names);
    g_assert_cmpuint(names->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(names, 0), ==, "pni");
}

static void capture_help(void)
{
    x86_cpu_model_print_help();
}

static void test_help(void)
{
    g_autofree char *path =
        g_build_filename(g_get_tmp_dir(), "cpuhelpXXXXXX", NULL);
    int fd = g_mkstemp(path);
    int saved = dup(STDOUT_FILENO);
    g_autofree char *out = NULL;

    fflush(stdout);
    dup2(fd, STDOUT_FILENO);
    capture_help();
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(fd);
    g_assert_true(g_file_get_contents(path, &out, NULL, NULL));
    unlink(path);
    g_assert_cmpstr(out, ==,
                    "Available CPUs:\n"
                    "x86 qemu64                QEMU Virtual CPU version 2.5+\n"
                    "x86 host                  KVM processor with all "
                    "supported host features\n"
                    "x86 max                   Enables all features "
                    "supported by the accelerator in the current host\n");
}

static void test_machine_fields(void)
{
    const MachineClass *pc = machine_find_type("pc");
    const MachineClass *none = machine_find_type("none");

    g_assert_cmpstr(pc->name, ==, "pc-i440fx-9.2");
    g_assert_cmpstr(pc->default_cpu_model, ==, "host");
    g_assert_cmpstr(pc->default_ram_id, ==, "pc.ram");
    g_assert_true(pc->acpi);
    g_assert_false(pc->hotpluggable_cpus);
    g_assert_null(none->default_cpu_model);
    g_assert_cmpstr(none->default_ram_id, ==, "ram");
    g_assert_false(none->acpi);
    g_assert_cmpuint(none->max_cpus, ==, 1);
}

/* pc makes its vCPUs first: device[0..n-1], of the -cpu model. */
static void test_vcpu_devices(void)
{
    MachineState *ms;
    CPUState *cpu;

    cpu_model_arg = "qemu64";
    ms = machine_create(machine_find_type("pc"), 16 << 20, 3, NULL);
    g_assert_nonnull(ms);
    g_assert_cmpuint(cpu_count(), ==, 3);
    for (unsigned i = 0; i < 3; i++) {
        g_autofree char *path =
            g_strdup_printf("/machine/unattached/device[%u]", i ? i + 1 : 0);

        cpu = cpu_get(i);
        g_assert_nonnull(cpu);
        g_assert_cmpstr(cpu->parent_obj.canonical_path, ==, path);
        g_assert_cmpuint(cpu->core_id, ==, i);
        g_assert_cmpuint(cpu->socket_id, ==, 0);
        g_assert_true(x86_cpu_model_of(cpu) == x86_cpu_model_find("qemu64"));
        /* No accelerator ran it yet: the creating thread. */
        g_assert_cmpint(cpu_get_thread_id(cpu), ==, cpu_current_thread_id());
    }
    g_assert_null(cpu_get(3));
    cpu_set_thread_id(cpu_get(1), 4242);
    g_assert_cmpint(cpu_get_thread_id(cpu_get(1)), ==, 4242);
    machine_destroy(ms);
    g_assert_cmpuint(cpu_count(), ==, 0);

    /* Without -cpu: the machine's default, host. */
    cpu_model_arg = NULL;
    ms = machine_create(machine_find_type("pc"), 16 << 20, 1, NULL);
    g_assert_true(x86_cpu_model_of(cpu_get(0)) == x86_cpu_model_find("host"));
    machine_destroy(ms);

    /* "none" has no vCPU. */
    ms = machine_create(machine_find_type("none"), 0, 1, NULL);
    g_assert_cmpuint(cpu_count(), ==, 0);
    machine_destroy(ms);
}

static void test_topology(void)
{
    static const struct {
        CpuTopology t;
        bool ok;
    } cases[] = {
        {{1, 1, 6, 1}, true},  /* -smp 6: cores need no power of two */
        {{6, 1, 1, 1}, true},  /* libvirt's sockets=N */
        {{1, 1, 3, 2}, true},  /* threads below cores: 2 is fine */
        {{2, 1, 3, 1}, false}, /* 3 cores under 2 sockets: holes */
        {{1, 1, 2, 3}, false}, /* 3 threads under 2 cores */
        {{2, 3, 2, 1}, false}, /* 3 dies under 2 sockets */
        {{2, 2, 2, 2}, true},
    };
    MachineState *ms;
    CPUState *cpu;
    CpuTopology t;

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_cmpint(x86_cpu_topology_check(&cases[i].t, &err), ==,
                        cases[i].ok);
        g_assert_true(cases[i].ok == !err);
    }
    /* Without -smp: one socket of N cores. */
    cpu_topology = (CpuTopology){0};
    x86_cpu_topology(3, &t);
    g_assert_cmpuint(t.sockets, ==, 1);
    g_assert_cmpuint(t.cores, ==, 3);

    /* 2 sockets x 2 dies x 2 cores x 1 thread: QEMU's numbering. */
    cpu_topology = (CpuTopology){2, 2, 2, 1};
    cpu_model_arg = NULL;
    ms = machine_create(machine_find_type("pc"), 16 << 20, 8, NULL);
    cpu = cpu_get(5);
    g_assert_cmpuint(cpu->socket_id, ==, 1);
    g_assert_cmpuint(cpu->die_id, ==, 0);
    g_assert_cmpuint(cpu->core_id, ==, 1);
    g_assert_cmpuint(cpu->thread_id_in_core, ==, 0);
    g_assert_true(cpu->has_die_id);
    machine_destroy(ms);
    cpu_topology = (CpuTopology){0};
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cpu-models/table", test_table);
    g_test_add_func("/cpu-models/kvm-features", test_kvm_features);
    g_test_add_func("/cpu-models/help", test_help);
    g_test_add_func("/cpu-models/machine-fields", test_machine_fields);
    g_test_add_func("/cpu-models/vcpu-devices", test_vcpu_devices);
    g_test_add_func("/cpu-models/topology", test_topology);
    return g_test_run();
}
