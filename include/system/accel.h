/*
 * Accelerators: who drives the devices.
 *
 * "qtest": no CPU; a socket speaks the qtest protocol.
 * "kvm":   vCPU threads in KVM_RUN; port and MMIO exits go to the
 *          machine's address spaces under the BQL.
 * An accelerator never knows a device; devices never know the
 * accelerator.
 */
#ifndef SYSTEM_ACCEL_H
#define SYSTEM_ACCEL_H

#include "qemu/common.h"
#include "hw/boards.h"
#include "hw/i386/cpu-models.h"
#include "system/dump.h"

typedef struct AccelOps {
    const char *name;
    /* The vCPUs execute guest code (so something must be loaded). */
    bool runs_guest_code;
    /* Usable on this host (e.g. /dev/kvm opens)?  May set errp. */
    bool (*available)(GError **errp);
    /* After the machine is built and before devices are realized. */
    bool (*init_machine)(MachineState *ms, GError **errp);
    /* After machine_done(): create vCPUs (stopped). */
    bool (*setup_vcpus)(MachineState *ms, GError **errp);
    void (*pause_vcpus)(void); /* returns when every vCPU is stopped */
    void (*resume_vcpus)(void);
    void (*reset_vcpus)(void); /* architectural reset state */
    void (*teardown)(void);
    /*
     * Registers of vCPU @index (< cpu_count(), hw/core/cpu.h) for a memory
     * dump; the vCPUs must be paused.  NULL: no vCPUs to report (qtest).
     */
    bool (*get_vcpu_dump_state)(unsigned index, VCPUDumpState *st,
                                GError **errp);
    /*
     * On a vCPU thread in the middle of handling that vCPU's exit (a
     * device reporting a panic): its index and registers as they are at
     * the exit.  False on any other thread, or when there are no vCPUs.
     */
    bool (*current_vcpu_state)(unsigned *index, VCPUDumpState *st);
} AccelOps;

extern const AccelOps accel_qtest_ops;
extern const AccelOps accel_kvm_ops;
/* Known by name only, never available (accel_find("tcg")). */
extern const AccelOps accel_tcg_ops;

/*
 * accel/kvm/kvm-cpuid.c: append to @names the features of CPU model @m
 * that KVM on this host cannot give a guest (query-cpu-definitions'
 * unavailable-features; host and max never miss any).  Asks the running
 * VM's KVM or, without one (qtest), /dev/kvm.  Returns false when KVM is
 * not usable here; every feature of a fixed model is then listed.
 */
bool kvm_cpu_model_unavailable(const X86CPUModel *m, GPtrArray *names);

const AccelOps *accel_find(const char *name);
void accel_print_help(void); /* "Accelerators supported in QEMU binary:" */
extern const AccelOps *current_accel;

/*
 * Pick the first usable accelerator of @names (-accel order).  With no
 * names: KVM if available, else an error that suggests -accel qtest.
 * Does not set current_accel.
 */
const AccelOps *accel_choose(const char *const *names, size_t n, GError **errp);

#endif /* SYSTEM_ACCEL_H */
