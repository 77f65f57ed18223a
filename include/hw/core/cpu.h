/*
 * vCPUs as devices: what every CPU type shares, whatever its model.
 *
 * A board creates its vCPUs as devices (instance struct CPUState, device
 * category DEVICE_CATEGORY_CPU) before any other device, so that they
 * take the first QOM paths, "/machine/unattached/device[0]" and on, as in
 * QEMU (libvirt reads the guest CPU at that fixed path).  The registry of
 * realized devices is the list of vCPUs: cpu_foreach() walks the CPU
 * devices in realize order, which is cpu-index order.
 *
 * Who runs a vCPU is the accelerator's business: it records the host
 * thread in thread_id (KVM: the vCPU thread).  Until it does, thread_id
 * is the thread that created the vCPU, the main thread, which is also
 * the one that drives the machine under qtest.
 */
#ifndef HW_CORE_CPU_H
#define HW_CORE_CPU_H

#include "qemu/common.h"
#include "hw/core/qdev.h"

typedef struct CPUState {
    DeviceState parent_obj;
    unsigned cpu_index; /* 0..n-1, the APIC ID on x86 */
    /* Position in the -smp topology (query-cpus-fast "props"). */
    unsigned socket_id;
    unsigned die_id;
    unsigned core_id;
    unsigned thread_id_in_core; /* QMP "thread-id" inside props */
    /* Host thread running this vCPU (gettid()); see above. */
    int thread_id;
    bool has_die_id; /* the machine has more than one die per socket */
} CPUState;

/* The CPUState of @dev, or NULL if @dev is not a vCPU. */
CPUState *cpu_from_device(DeviceState *dev);
/* Every vCPU of the machine, in cpu-index order. */
void cpu_foreach(void (*fn)(CPUState *cpu, void *opaque), void *opaque);
/* Number of vCPUs the machine created (0 on "none" without -cpu). */
unsigned cpu_count(void);
/* vCPU @index, or NULL. */
CPUState *cpu_get(unsigned index);

/* The accelerator publishes the thread of a vCPU (any thread may call). */
void cpu_set_thread_id(CPUState *cpu, int tid);
int cpu_get_thread_id(const CPUState *cpu);

/* gettid() of the calling thread. */
int cpu_current_thread_id(void);

#endif /* HW_CORE_CPU_H */
