/*
 * vCPU devices (hw/core/cpu.h): the registry of realized devices is the
 * one list of vCPUs, so nothing here keeps a second copy that could
 * disagree with qom-list.
 */
#include "hw/core/cpu.h"

#include <sys/syscall.h>
#include <unistd.h>

CPUState *cpu_from_device(DeviceState *dev)
{
    if (!dev || dev->klass->category != DEVICE_CATEGORY_CPU) {
        return NULL;
    }
    return container_of(dev, CPUState, parent_obj);
}

typedef struct CPUWalk {
    void (*fn)(CPUState *cpu, void *opaque);
    void *opaque;
} CPUWalk;

static void cpu_walk_one(DeviceState *dev, void *opaque)
{
    CPUWalk *w = opaque;
    CPUState *cpu = cpu_from_device(dev);

    if (cpu) {
        w->fn(cpu, w->opaque);
    }
}

void cpu_foreach(void (*fn)(CPUState *cpu, void *opaque), void *opaque)
{
    CPUWalk w = {fn, opaque};

    qdev_foreach(cpu_walk_one, &w);
}

static void cpu_count_one(CPUState *cpu, void *opaque)
{
    (*(unsigned *)opaque)++;
}

unsigned cpu_count(void)
{
    unsigned n = 0;

    cpu_foreach(cpu_count_one, &n);
    return n;
}

typedef struct CPUFind {
    unsigned index;
    CPUState *found;
} CPUFind;

static void cpu_find_one(CPUState *cpu, void *opaque)
{
    CPUFind *f = opaque;

    if (!f->found && cpu->cpu_index == f->index) {
        f->found = cpu;
    }
}

CPUState *cpu_get(unsigned index)
{
    CPUFind f = {index, NULL};

    cpu_foreach(cpu_find_one, &f);
    return f.found;
}

void cpu_set_thread_id(CPUState *cpu, int tid)
{
    __atomic_store_n(&cpu->thread_id, tid, __ATOMIC_RELEASE);
}

int cpu_get_thread_id(const CPUState *cpu)
{
    return __atomic_load_n(&cpu->thread_id, __ATOMIC_ACQUIRE);
}

int cpu_current_thread_id(void)
{
    return (int)syscall(SYS_gettid);
}
