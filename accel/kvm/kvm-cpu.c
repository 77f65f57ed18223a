/*
 * KVM vCPU threads and the run loop.
 *
 * One thread per vCPU.  A thread is either in its run loop (KVM_RUN and
 * exit handling) or parked on kvm_cpus_cond.  Exits are dispatched to the
 * machine's address spaces with the BQL held only around the dispatch.
 *
 * Stopping: the controller clears kvm_cpus_running, sets every vCPU's
 * kvm_run.immediate_exit and sends SIG_IPI.  The signal is blocked in vCPU
 * threads except inside KVM_RUN (KVM_SET_SIGNAL_MASK), so it never
 * interrupts device code; immediate_exit covers a thread that is about to
 * enter KVM_RUN.  Each thread then parks and reports it, and pause waits
 * on the condition variable until every thread has reported.
 *
 * Lock order: BQL before kvm_cpus_lock.  A vCPU thread never takes the
 * BQL while holding kvm_cpus_lock, and a controller that holds the BQL
 * drops it while it waits for vCPUs (they may need it to finish an exit).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm-internal.h"
#include "qemu/log.h"
#include "system/bql.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "system/system.h"

#define SIG_IPI SIGUSR1

static pthread_mutex_t kvm_cpus_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kvm_cpus_cond = PTHREAD_COND_INITIALIZER;
static bool kvm_cpus_running; /* desired state; false until vm_start */
static bool kvm_cpus_exiting; /* teardown: threads leave */
static __thread KVMVCpu *kvm_current_vcpu;

static void kvm_sig_ipi_handler(int sig)
{
    /* Only there to make KVM_RUN return -EINTR. */
}

static bool kvm_vcpu_should_run(const KVMVCpu *cpu)
{
    return kvm_cpus_running && !kvm_cpus_exiting && !cpu->wait_reset;
}

/* Called with kvm_cpus_lock held. */
static void kvm_kick_all_locked(KVMState *s)
{
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        KVMVCpu *cpu = &s->vcpus[i];

        __atomic_store_n(&cpu->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
        if (cpu->thread_started && !cpu->parked && cpu != kvm_current_vcpu) {
            pthread_kill(cpu->thread, SIG_IPI);
        }
    }
}

static bool kvm_all_parked_locked(KVMState *s)
{
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        if (s->vcpus[i].thread_started && !s->vcpus[i].parked) {
            return false;
        }
    }
    return true;
}

/* The vCPU cannot continue (triple fault, internal error): park it until
 * the next reset. */
static void kvm_vcpu_mark_dead(KVMVCpu *cpu)
{
    pthread_mutex_lock(&kvm_cpus_lock);
    cpu->wait_reset = true;
    pthread_mutex_unlock(&kvm_cpus_lock);
}

/*
 * End of an exit's dispatch, BQL held.  If the exit stopped the VM
 * (pvpanic with panic=pause, a shutdown with shutdown=pause, ...), stop
 * now rather than run on until the main loop pauses the vCPUs.
 */
static inline void kvm_dispatch_done(void)
{
    if (G_UNLIKELY(!runstate_is_running())) {
        kvm_vcpus_pause();
    }
    bql_unlock();
}

static void kvm_handle_io(struct kvm_run *run)
{
    AddressSpace *as = current_machine->io;
    uint8_t *p = (uint8_t *)run + run->io.data_offset;
    unsigned size = run->io.size;
    uint16_t port = run->io.port;

    bql_lock();
    for (uint32_t i = 0; i < run->io.count; i++, p += size) {
        uint64_t v = 0;

        if (run->io.direction == KVM_EXIT_IO_OUT) {
            memcpy(&v, p, size);
            address_space_write(as, port, v, size);
        } else {
            v = address_space_read(as, port, size);
            memcpy(p, &v, size);
        }
    }
    kvm_dispatch_done();
}

static void kvm_handle_mmio(struct kvm_run *run)
{
    AddressSpace *as = current_machine->memory;
    uint64_t addr = run->mmio.phys_addr;
    unsigned len = run->mmio.len;
    uint8_t *data = run->mmio.data;

    bql_lock();
    if (len == 1 || len == 2 || len == 4 || len == 8) {
        uint64_t v = 0;

        if (run->mmio.is_write) {
            memcpy(&v, data, len);
            address_space_write(as, addr, v, len);
        } else {
            v = address_space_read(as, addr, len);
            memcpy(data, &v, len);
        }
    } else {
        /* Odd sizes (rare string moves): byte by byte. */
        for (unsigned i = 0; i < len && i < sizeof(run->mmio.data); i++) {
            if (run->mmio.is_write) {
                address_space_write(as, addr + i, data[i], 1);
            } else {
                data[i] = address_space_read(as, addr + i, 1);
            }
        }
    }
    kvm_dispatch_done();
}

static void kvm_handle_system_event(KVMVCpu *cpu, struct kvm_run *run)
{
    bql_lock();
    switch (run->system_event.type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        qemu_system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
        break;
    case KVM_SYSTEM_EVENT_RESET:
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    case KVM_SYSTEM_EVENT_CRASH:
        qemu_system_guest_panicked();
        break;
    default:
        qemu_log_mask(LOG_UNIMP, "kvm: vCPU %u: system event %u ignored\n",
                      cpu->index, run->system_event.type);
        bql_unlock();
        return;
    }
    bql_unlock();
    kvm_vcpu_mark_dead(cpu);
}

/* Something KVM cannot handle: internal-error state, as QEMU does. */
static void kvm_vcpu_fail(KVMVCpu *cpu, const char *what, uint64_t detail)
{
    qemu_log_mask(LOG_GUEST_ERROR,
                  "kvm: vCPU %u: %s (0x%" G_GINT64_MODIFIER "x); "
                  "machine stopped in internal-error\n",
                  cpu->index, what, detail);
    kvm_x86_dump_state(cpu);
    kvm_vcpu_mark_dead(cpu);
    bql_lock();
    vm_stop(RUN_STATE_INTERNAL_ERROR);
    bql_unlock();
}

/*
 * KVM_RUN returns -EINTR when SIG_IPI is pending, but the signal stays
 * pending once the thread's own mask (SIG_IPI blocked) is back in force:
 * consume it, or every later KVM_RUN would fail at once.
 */
static void kvm_eat_sig_ipi(void)
{
    static const struct timespec zero;
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIG_IPI);
    while (sigtimedwait(&set, NULL, &zero) == SIG_IPI) {
        /* drained */
    }
}

/*
 * Run until asked to stop (immediate_exit) or the vCPU dies.
 *
 * The loop leaves only through KVM_RUN's -EINTR, never by testing
 * immediate_exit before entering: an I/O or MMIO exit is complete (the
 * IN's value in RAX, RIP past the instruction) only once KVM_RUN has been
 * entered again.  Parking without that re-entry leaves the completion
 * pending, and KVM applies it to whatever registers are set meanwhile: a
 * reset's fresh state then gets the old instruction's RIP and the guest
 * never boots again.  With immediate_exit set, KVM_RUN finishes the
 * pending operation and returns -EINTR without running guest code.
 */
static void kvm_vcpu_run(KVMVCpu *cpu)
{
    struct kvm_run *run = cpu->run;

    for (;;) {
        if (ioctl(cpu->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR) {
                kvm_eat_sig_ipi();
                if (__atomic_load_n(&run->immediate_exit, __ATOMIC_SEQ_CST)) {
                    return;
                }
                continue;
            }
            if (errno == EAGAIN) {
                continue;
            }
            kvm_vcpu_fail(cpu, "KVM_RUN failed", (uint64_t)errno);
            return;
        }
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            kvm_handle_io(run);
            break;
        case KVM_EXIT_MMIO:
            kvm_handle_mmio(run);
            break;
        case KVM_EXIT_X86_RDMSR:
        case KVM_EXIT_X86_WRMSR:
            bql_lock();
            kvm_hyperv_handle_msr(cpu, run);
            kvm_dispatch_done();
            break;
        case KVM_EXIT_INTR:
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_HLT: /* not with an in-kernel LAPIC */
        case KVM_EXIT_DEBUG:
            break;
        case KVM_EXIT_SHUTDOWN:
            /* Triple fault: reboot, as a PC does. */
            bql_lock();
            qemu_system_guest_triple_fault();
            bql_unlock();
            kvm_vcpu_mark_dead(cpu);
            return;
        case KVM_EXIT_SYSTEM_EVENT:
            kvm_handle_system_event(cpu, run);
            if (cpu->wait_reset) {
                return;
            }
            break;
        case KVM_EXIT_FAIL_ENTRY:
            kvm_vcpu_fail(cpu, "KVM_EXIT_FAIL_ENTRY",
                          run->fail_entry.hardware_entry_failure_reason);
            return;
        case KVM_EXIT_INTERNAL_ERROR:
            kvm_vcpu_fail(cpu, "KVM internal error, suberror",
                          run->internal.suberror);
            return;
        default:
            kvm_vcpu_fail(cpu, "unhandled exit reason", run->exit_reason);
            return;
        }
    }
}

static void *kvm_vcpu_thread(void *opaque)
{
    KVMVCpu *cpu = opaque;

    kvm_current_vcpu = cpu;
    /* Published before the thread first parks: see kvm_vcpus_create(). */
    cpu_set_thread_id(cpu->cpu, cpu_current_thread_id());
    pthread_mutex_lock(&kvm_cpus_lock);
    for (;;) {
        while (!kvm_vcpu_should_run(cpu)) {
            if (kvm_cpus_exiting) {
                goto out;
            }
            if (!cpu->parked) {
                cpu->parked = true;
                pthread_cond_broadcast(&kvm_cpus_cond);
            }
            pthread_cond_wait(&kvm_cpus_cond, &kvm_cpus_lock);
        }
        cpu->parked = false;
        /* Cleared under the lock, so a concurrent stop cannot be lost. */
        __atomic_store_n(&cpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
        pthread_mutex_unlock(&kvm_cpus_lock);
        kvm_vcpu_run(cpu);
        pthread_mutex_lock(&kvm_cpus_lock);
    }
out:
    cpu->parked = true;
    pthread_cond_broadcast(&kvm_cpus_cond);
    pthread_mutex_unlock(&kvm_cpus_lock);
    return NULL;
}

bool kvm_current_vcpu_state(unsigned *index, VCPUDumpState *st)
{
    KVMVCpu *cpu = kvm_current_vcpu;

    /* Its own fd, outside KVM_RUN: the registers of the exit. */
    if (!cpu || !kvm_x86_get_dump_state(cpu, st, NULL)) {
        return false;
    }
    *index = cpu->index;
    return true;
}

/* KVM_RUN runs with every signal blocked except SIG_IPI. */
static bool kvm_vcpu_set_signal_mask(KVMVCpu *cpu, GError **errp)
{
    struct {
        struct kvm_signal_mask hdr;
        uint64_t set;
    } m = {.hdr.len = 8};
    sigset_t set;

    sigfillset(&set);
    sigdelset(&set, SIG_IPI);
    G_STATIC_ASSERT(sizeof(set) >= 8);
    memcpy(&m.set, &set, 8);
    if (ioctl(cpu->fd, KVM_SET_SIGNAL_MASK, &m) < 0) {
        error_setg(errp, "KVM_SET_SIGNAL_MASK failed: %s", g_strerror(errno));
        return false;
    }
    return true;
}

static bool kvm_vcpu_create_one(KVMState *s, KVMVCpu *cpu, unsigned index,
                                GError **errp)
{
    void *run;

    cpu->index = index;
    cpu->cpu = cpu_get(index);
    if (!cpu->cpu) {
        error_setg(errp, "no vCPU device %u", index);
        return false;
    }
    cpu->fd = ioctl(s->vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
    if (cpu->fd < 0) {
        error_setg(errp, "KVM_CREATE_VCPU %u failed: %s", index,
                   g_strerror(errno));
        return false;
    }
    run =
        mmap(NULL, s->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->fd, 0);
    if (run == MAP_FAILED) {
        error_setg(errp, "mmap of vCPU %u failed: %s", index,
                   g_strerror(errno));
        return false;
    }
    cpu->run = run;
    return kvm_x86_vcpu_init(s, cpu, errp) &&
           kvm_x86_vcpu_reset(s, cpu, errp) &&
           kvm_vcpu_set_signal_mask(cpu, errp);
}

static bool kvm_vcpu_start_threads(KVMState *s, GError **errp)
{
    struct sigaction sa = {.sa_handler = kvm_sig_ipi_handler};
    sigset_t all, old;
    bool ok = true;

    sigemptyset(&sa.sa_mask);
    sigaction(SIG_IPI, &sa, NULL);
    /* Threads inherit a fully blocked mask: signals meant for the process
     * are handled by the main thread, SIG_IPI only inside KVM_RUN. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        KVMVCpu *cpu = &s->vcpus[i];
        char name[32];
        int r = pthread_create(&cpu->thread, NULL, kvm_vcpu_thread, cpu);

        if (r) {
            error_setg(errp, "cannot create vCPU thread: %s", g_strerror(r));
            ok = false;
            break;
        }
        cpu->thread_started = true;
        /* As QEMU: named only with -name ...,debug-threads=on.  Thread
         * names are limited to 15 characters. */
        if (qemu_debug_threads) {
            snprintf(name, sizeof(name), "CPU %u/KVM", i);
            name[15] = 0;
            pthread_setname_np(cpu->thread, name);
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}

static void kvm_wait_all_parked_locked(KVMState *s);

bool kvm_vcpus_create(KVMState *s, GError **errp)
{
    s->vcpus = g_new0(KVMVCpu, s->nr_vcpus);
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        s->vcpus[i].fd = -1;
    }
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        if (!kvm_vcpu_create_one(s, &s->vcpus[i], i, errp)) {
            return false;
        }
    }
    if (!kvm_vcpu_start_threads(s, errp)) {
        return false;
    }
    /*
     * Every thread parks before vm_start: once all have, each has
     * published its thread id, which query-cpus-fast reports.
     */
    pthread_mutex_lock(&kvm_cpus_lock);
    kvm_wait_all_parked_locked(s);
    pthread_mutex_unlock(&kvm_cpus_lock);
    return true;
}

/* Wait until every vCPU thread is parked, without holding the BQL. */
static void kvm_wait_all_parked_locked(KVMState *s)
{
    bool had_bql = bql_locked();

    if (had_bql) {
        bql_unlock();
    }
    while (!kvm_all_parked_locked(s)) {
        pthread_cond_wait(&kvm_cpus_cond, &kvm_cpus_lock);
    }
    if (had_bql) {
        /* Keep the lock order BQL -> kvm_cpus_lock. */
        pthread_mutex_unlock(&kvm_cpus_lock);
        bql_lock();
        pthread_mutex_lock(&kvm_cpus_lock);
    }
}

void kvm_vcpus_pause(void)
{
    KVMState *s = kvm_state;

    pthread_mutex_lock(&kvm_cpus_lock);
    kvm_cpus_running = false;
    if (s && s->vcpus) {
        kvm_kick_all_locked(s);
        /* On a vCPU thread (e.g. a panic with -action panic=pause) we
         * cannot wait for ourselves: this vCPU parks once its exit has
         * been handled, the others have been kicked. */
        if (!kvm_current_vcpu) {
            kvm_wait_all_parked_locked(s);
        }
    }
    pthread_mutex_unlock(&kvm_cpus_lock);
}

void kvm_vcpus_resume(void)
{
    pthread_mutex_lock(&kvm_cpus_lock);
    kvm_cpus_running = true;
    pthread_cond_broadcast(&kvm_cpus_cond);
    pthread_mutex_unlock(&kvm_cpus_lock);
}

void kvm_vcpus_reset(void)
{
    KVMState *s = kvm_state;
    bool was_running;

    if (!s || !s->vcpus) {
        return;
    }
    if (kvm_current_vcpu) {
        /* Resets are requests handled by the main loop; a vCPU thread
         * cannot reset itself synchronously. */
        qemu_log_mask(LOG_UNIMP, "kvm: reset_vcpus on a vCPU thread\n");
        return;
    }
    pthread_mutex_lock(&kvm_cpus_lock);
    was_running = kvm_cpus_running;
    pthread_mutex_unlock(&kvm_cpus_lock);
    kvm_vcpus_pause();
    kvm_irqchip_reset(s);
    kvm_hyperv_reset();
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        g_autoptr(GError) err = NULL;

        if (!kvm_x86_vcpu_reset(s, &s->vcpus[i], &err)) {
            qemu_log_mask(LOG_GUEST_ERROR, "kvm: reset of vCPU %u: %s\n", i,
                          err->message);
            continue;
        }
        pthread_mutex_lock(&kvm_cpus_lock);
        s->vcpus[i].wait_reset = false;
        pthread_mutex_unlock(&kvm_cpus_lock);
    }
    if (was_running) {
        kvm_vcpus_resume();
    }
}

void kvm_vcpus_destroy(void)
{
    KVMState *s = kvm_state;
    bool had_bql;

    if (!s || !s->vcpus) {
        return;
    }
    pthread_mutex_lock(&kvm_cpus_lock);
    kvm_cpus_exiting = true;
    kvm_kick_all_locked(s);
    pthread_cond_broadcast(&kvm_cpus_cond);
    pthread_mutex_unlock(&kvm_cpus_lock);

    had_bql = bql_locked();
    if (had_bql) {
        bql_unlock();
    }
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        if (s->vcpus[i].thread_started) {
            pthread_join(s->vcpus[i].thread, NULL);
            s->vcpus[i].thread_started = false;
        }
    }
    if (had_bql) {
        bql_lock();
    }
    for (unsigned i = 0; i < s->nr_vcpus; i++) {
        KVMVCpu *cpu = &s->vcpus[i];

        if (cpu->run) {
            munmap(cpu->run, s->run_size);
        }
        if (cpu->fd >= 0) {
            close(cpu->fd);
        }
    }
    g_free(s->vcpus);
    s->vcpus = NULL;
    s->nr_vcpus = 0;
    kvm_cpus_exiting = false;
    kvm_cpus_running = false;
}
