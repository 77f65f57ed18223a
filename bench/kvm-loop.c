/*
 * The limit for port-I/O exits: a bare KVM program, no VMM.
 *
 *   kvm-loop IMAGE
 *
 * Runs the 64 KiB real-mode image built from guest-loop.S (mapped at
 * 0xf0000 and below 4 GiB, where the reset vector is) on one vCPU and
 * handles each KVM_EXIT_IO itself: the write of 2 starts the clock, the
 * writes of 0 are counted, the write of 1 stops it.  Nothing else: no
 * lock, no dispatch, no device.  Prints exits per second.
 */
#include "bench-util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define IMAGE_SIZE 0x10000
#define LOW_SIZE   0x100000

static void *guest_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED) {
        bench_die("mmap: %s", strerror(errno));
    }
    return p;
}

static void set_slot(int vm, unsigned slot, uint64_t gpa, void *host,
                     size_t size)
{
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)host,
    };

    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        bench_die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
    }
}

int main(int argc, char **argv)
{
    uint8_t *low, *high;
    struct kvm_run *run;
    long zeros = 0;
    uint64_t t0 = 0, t1 = 0;
    int kvm, vm, vcpu, img, run_size;

    if (argc != 2) {
        bench_die("usage: kvm-loop IMAGE");
    }
    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        bench_die("/dev/kvm: %s", strerror(errno));
    }
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) {
        bench_die("KVM_CREATE_VM: %s", strerror(errno));
    }
    /* Needed by VMX for real mode; harmless (or refused) elsewhere. */
    ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000ul);

    low = guest_alloc(LOW_SIZE);
    high = guest_alloc(IMAGE_SIZE);
    img = open(argv[1], O_RDONLY);
    if (img < 0 || read(img, high, IMAGE_SIZE) != IMAGE_SIZE) {
        bench_die("%s: not a 64 KiB image", argv[1]);
    }
    close(img);
    memcpy(low + LOW_SIZE - IMAGE_SIZE, high, IMAGE_SIZE);
    set_slot(vm, 0, 0, low, LOW_SIZE);
    set_slot(vm, 1, 0x100000000ull - IMAGE_SIZE, high, IMAGE_SIZE);

    vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (vcpu < 0 || run_size <= 0) {
        bench_die("KVM_CREATE_VCPU: %s", strerror(errno));
    }
    run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu,
               0);
    if (run == MAP_FAILED) {
        bench_die("mmap kvm_run: %s", strerror(errno));
    }

    for (;;) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            if (errno == EINTR) {
                continue;
            }
            bench_die("KVM_RUN: %s", strerror(errno));
        }
        if (run->exit_reason == KVM_EXIT_IO &&
            run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0x505) {
            uint8_t v = *((uint8_t *)run + run->io.data_offset);

            if (v == 0) {
                zeros++;
            } else if (v == 2) {
                t0 = bench_now_ns();
            } else if (v == 1) {
                t1 = bench_now_ns();
                break;
            }
        } else if (run->exit_reason == KVM_EXIT_IO) {
            /* another port: ignore, as an unassigned port would */
        } else {
            bench_die("unexpected exit reason %u", run->exit_reason);
        }
    }
    printf("{\"exits_per_s\": %.0f, \"exits\": %ld, \"seconds\": %.6f}\n",
           (double)zeros * 1e9 / (double)(t1 - t0), zeros,
           (double)(t1 - t0) / 1e9);
    return 0;
}
