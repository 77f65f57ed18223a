/*
 * The KVM accelerator: the VM itself.
 *
 * One VM per process.  init_machine() creates it with the in-kernel
 * interrupt controllers (PIC, IOAPIC, LAPICs) and PIT, maps guest RAM as
 * memory slots following the machine's below/above-4G split, and routes
 * qemu_set_irq() to KVM_IRQ_LINE.  setup_vcpus() creates the vCPUs
 * (kvm-cpu.c), which then wait for vm_start().
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm-internal.h"
#include "hw/irq.h"
#include "qemu/log.h"
#include "system/accel.h"

#define KVM_API_VERSION_EXPECTED 12
#define KVM_DEV_PATH             "/dev/kvm"

KVMState *kvm_state;

/* Capabilities without which the accelerator cannot work at all. */
static const struct {
    unsigned cap;
    const char *name;
} kvm_required_caps[] = {
    {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
    {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
    {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
    {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
    {KVM_CAP_PIT2, "KVM_CAP_PIT2"},
    {KVM_CAP_IRQ_ROUTING, "KVM_CAP_IRQ_ROUTING"},
    {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
    {KVM_CAP_MP_STATE, "KVM_CAP_MP_STATE"},
};

int kvm_check_extension(KVMState *s, unsigned cap)
{
    int r = ioctl(s->fd, KVM_CHECK_EXTENSION, cap);

    return r < 0 ? 0 : r;
}

static int kvm_open_dev(GError **errp)
{
    int fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
    int ver;

    if (fd < 0) {
        error_setg(errp, "Could not access KVM kernel module: %s",
                   g_strerror(errno));
        return -1;
    }
    ver = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (ver != KVM_API_VERSION_EXPECTED) {
        error_setg(errp, "KVM API version %d is not supported (expected %d)",
                   ver, KVM_API_VERSION_EXPECTED);
        close(fd);
        return -1;
    }
    return fd;
}

static bool kvm_available(GError **errp)
{
    int fd = kvm_open_dev(errp);

    if (fd < 0) {
        return false;
    }
    close(fd);
    return true;
}

static bool kvm_check_required_caps(KVMState *s, GError **errp)
{
    for (size_t i = 0; i < G_N_ELEMENTS(kvm_required_caps); i++) {
        if (!kvm_check_extension(s, kvm_required_caps[i].cap)) {
            g_set_error(errp, VIGIL_ERROR, VIGIL_ERROR_KVM_MISSING_CAP,
                        "kvm does not support %s", kvm_required_caps[i].name);
            return false;
        }
    }
    return true;
}

static bool kvm_set_slot(KVMState *s, unsigned slot, uint64_t gpa,
                         uint64_t size, const void *host, uint32_t flags,
                         GError **errp)
{
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .flags = flags,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uint64_t)(uintptr_t)host,
    };

    if (ioctl(s->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        error_setg(errp, "KVM_SET_USER_MEMORY_REGION (slot %u) failed: %s",
                   slot, g_strerror(errno));
        return false;
    }
    return true;
}

/*
 * Slots: 0 low RAM (below the shadow area when split), 1 RAM above 4 GiB,
 * 2 the -bios image, 3.. one per shadow segment, then RAM above 1 MiB.
 */
enum {
    SLOT_SHADOW0 = 3,
    SLOT_ABOVE_1M = SLOT_SHADOW0 + MACHINE_SHADOW_SEGS,
};

static uint32_t kvm_readonly_flag(KVMState *s)
{
    /* Without read-only slots a guest could write its ROM copy. */
    return kvm_check_extension(s, KVM_CAP_READONLY_MEM) ? KVM_MEM_READONLY : 0;
}

/* Point shadow segment @i at RAM or at the ROM side, as ms says. */
static bool kvm_map_shadow_seg(KVMState *s, MachineState *ms, unsigned i,
                               GError **errp)
{
    uint64_t gpa = MACHINE_SHADOW_BASE + i * MACHINE_SHADOW_SEG;
    bool rom = ms->low_rom_mask & (1u << i);

    if (gpa + MACHINE_SHADOW_SEG > ms->below_4g_mem_size) {
        return true; /* no RAM there (tiny -m): MMIO exits either way */
    }
    /* KVM cannot change a slot's flags or backing in place. */
    if ((s->low_split &&
         !kvm_set_slot(s, SLOT_SHADOW0 + i, gpa, 0, NULL, 0, errp)) ||
        !kvm_set_slot(s, SLOT_SHADOW0 + i, gpa, MACHINE_SHADOW_SEG,
                      rom ? ms->low_rom + i * MACHINE_SHADOW_SEG
                          : ms->ram + gpa,
                      rom ? kvm_readonly_flag(s) : 0, errp)) {
        return false;
    }
    s->low_rom_mapped = (s->low_rom_mapped & ~(1u << i)) | (rom ? 1u << i : 0);
    return true;
}

/*
 * Low RAM of a machine with shadow segments (PAM): the 16 KiB segments
 * of 0xc0000-0xfffff get slots of their own so that each can switch
 * between RAM and the read-only ROM side.  @slot0_mapped: slot 0 holds
 * all of low RAM and must be replaced.
 */
static bool kvm_map_low_split(KVMState *s, MachineState *ms, bool slot0_mapped,
                              GError **errp)
{
    uint64_t end = MACHINE_SHADOW_BASE + MACHINE_SHADOW_SIZE;

    if (!s->low_split) {
        if ((slot0_mapped && !kvm_set_slot(s, 0, 0, 0, NULL, 0, errp)) ||
            !kvm_set_slot(s, 0, 0,
                          MIN(ms->below_4g_mem_size, MACHINE_SHADOW_BASE),
                          ms->ram, 0, errp)) {
            return false;
        }
        for (unsigned i = 0; i < MACHINE_SHADOW_SEGS; i++) {
            if (!kvm_map_shadow_seg(s, ms, i, errp)) {
                return false;
            }
        }
        if (ms->below_4g_mem_size > end &&
            !kvm_set_slot(s, SLOT_ABOVE_1M, end, ms->below_4g_mem_size - end,
                          ms->ram + end, 0, errp)) {
            return false;
        }
        s->low_split = true;
        return true;
    }
    for (unsigned i = 0; i < MACHINE_SHADOW_SEGS; i++) {
        if (((s->low_rom_mapped ^ ms->low_rom_mask) & (1u << i)) &&
            !kvm_map_shadow_seg(s, ms, i, errp)) {
            return false;
        }
    }
    return true;
}

/* MachineState.low_rom_changed: the board switched shadow segments. */
static void kvm_low_rom_changed(MachineState *ms)
{
    g_autoptr(GError) err = NULL;

    if (kvm_state && ms->low_rom && ms->below_4g_mem_size &&
        !kvm_map_low_split(kvm_state, ms, true, &err)) {
        warn_report("KVM: cannot remap 0xc0000-0xfffff: %s", err->message);
    }
}

static bool kvm_map_ram(KVMState *s, MachineState *ms, GError **errp)
{
    if (ms->low_rom && ms->below_4g_mem_size) {
        if (!kvm_map_low_split(s, ms, false, errp)) {
            return false;
        }
    } else if (ms->below_4g_mem_size &&
               !kvm_set_slot(s, 0, 0, ms->below_4g_mem_size, ms->ram, 0,
                             errp)) {
        return false;
    }
    if (ms->above_4g_mem_size &&
        !kvm_set_slot(s, 1, 4ULL << 30, ms->above_4g_mem_size,
                      ms->ram + ms->below_4g_mem_size, 0, errp)) {
        return false;
    }
    return true;
}

/*
 * The board's ROM (-bios image below 4 GiB), known only after
 * machine_done().  KVM needs a page-aligned host mapping, so the slot is
 * backed by our own copy.  Read-only where KVM supports it, so guest
 * writes trap as MMIO and go nowhere; otherwise the guest may write to
 * its copy (like shadowed firmware).
 */
static bool kvm_map_rom(KVMState *s, MachineState *ms, GError **errp)
{
    uint32_t flags = 0;

    if (!ms->rom || !ms->rom_size) {
        return true;
    }
    flags = kvm_readonly_flag(s);
    s->rom_copy_size = (ms->rom_size + 4095) & ~4095ULL;
    s->rom_copy = mmap(NULL, s->rom_copy_size, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s->rom_copy == MAP_FAILED) {
        s->rom_copy = NULL;
        error_setg(errp, "cannot allocate the ROM copy: %s", g_strerror(errno));
        return false;
    }
    memcpy(s->rom_copy, ms->rom, ms->rom_size);
    return kvm_set_slot(s, 2, ms->rom_base, s->rom_copy_size, s->rom_copy,
                        flags, errp);
}

/*
 * GSI routing that matches the MADT the board publishes (ISA IRQ 0 is
 * overridden to GSI 2): the PIT, which KVM wires to GSI 0, must then reach
 * IOAPIC pin 2, and GSI 2 (the PIC cascade) must not be routed at all.
 * The rest is identity: GSI n goes to PIC pin n (n < 16) and IOAPIC pin n.
 */
static bool kvm_setup_gsi_routing(KVMState *s, GError **errp)
{
    enum { MAX_ROUTES = 64 };
    g_autofree struct kvm_irq_routing *rt =
        g_malloc0(sizeof(*rt) + MAX_ROUTES * sizeof(rt->entries[0]));
    unsigned n = 0;

    for (unsigned gsi = 0; gsi < 16; gsi++) {
        if (gsi == 2) {
            continue;
        }
        rt->entries[n++] = (struct kvm_irq_routing_entry){
            .gsi = gsi,
            .type = KVM_IRQ_ROUTING_IRQCHIP,
            .u.irqchip.irqchip =
                gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE,
            .u.irqchip.pin = gsi % 8,
        };
    }
    for (unsigned gsi = 0; gsi < IRQ_MAX_GSI; gsi++) {
        if (gsi == 2) {
            continue;
        }
        rt->entries[n++] = (struct kvm_irq_routing_entry){
            .gsi = gsi,
            .type = KVM_IRQ_ROUTING_IRQCHIP,
            .u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC,
            .u.irqchip.pin = gsi == 0 ? 2 : gsi,
        };
    }
    rt->nr = n;
    if (ioctl(s->vm_fd, KVM_SET_GSI_ROUTING, rt) < 0) {
        error_setg(errp, "KVM_SET_GSI_ROUTING failed: %s", g_strerror(errno));
        return false;
    }
    return true;
}

/* IrqSetFn: called with the BQL from any thread.  KVM_IRQ_LINE_STATUS
 * says whether a raise was delivered or coalesced (RTC slew). */
static int kvm_irq_set(void *opaque, unsigned gsi, int level)
{
    KVMState *s = opaque;
    struct kvm_irq_level irq = {.irq = gsi, .level = !!level};

    if (ioctl(s->vm_fd, KVM_IRQ_LINE_STATUS, &irq) < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "kvm: KVM_IRQ_LINE_STATUS gsi %u: %s\n",
                      gsi, g_strerror(errno));
        return -1;
    }
    /* 0: coalesced.  A masked line (< 0) counts as delivered, as in
     * QEMU: nothing is owed for ticks the guest chose not to take. */
    return irq.status != 0;
}

static bool kvm_create_vm(KVMState *s, GError **errp)
{
    struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
    uint64_t idmap = KVM_IDENTITY_MAP_ADDR;

    do {
        s->vm_fd = ioctl(s->fd, KVM_CREATE_VM, 0);
    } while (s->vm_fd < 0 && errno == EINTR);
    if (s->vm_fd < 0) {
        error_setg(errp, "failed to initialize kvm: KVM_CREATE_VM: %s",
                   g_strerror(errno));
        return false;
    }
    if (kvm_check_extension(s, KVM_CAP_SET_IDENTITY_MAP_ADDR) &&
        ioctl(s->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0) {
        error_setg(errp, "KVM_SET_IDENTITY_MAP_ADDR failed: %s",
                   g_strerror(errno));
        return false;
    }
    if (ioctl(s->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0) {
        error_setg(errp, "KVM_SET_TSS_ADDR failed: %s", g_strerror(errno));
        return false;
    }
    if (ioctl(s->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
        error_setg(errp, "KVM_CREATE_IRQCHIP failed: %s", g_strerror(errno));
        return false;
    }
    if (!kvm_setup_gsi_routing(s, errp)) {
        return false;
    }
    if (ioctl(s->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
        error_setg(errp, "KVM_CREATE_PIT2 failed: %s", g_strerror(errno));
        return false;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(s->reset_irqchip); i++) {
        s->reset_irqchip[i].chip_id = i;
        if (ioctl(s->vm_fd, KVM_GET_IRQCHIP, &s->reset_irqchip[i]) < 0) {
            error_setg(errp, "KVM_GET_IRQCHIP failed: %s", g_strerror(errno));
            return false;
        }
    }
    if (ioctl(s->vm_fd, KVM_GET_PIT2, &s->reset_pit) < 0) {
        error_setg(errp, "KVM_GET_PIT2 failed: %s", g_strerror(errno));
        return false;
    }
    return true;
}

void kvm_irqchip_reset(KVMState *s)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(s->reset_irqchip); i++) {
        if (ioctl(s->vm_fd, KVM_SET_IRQCHIP, &s->reset_irqchip[i]) < 0) {
            qemu_log_mask(LOG_GUEST_ERROR, "kvm: KVM_SET_IRQCHIP: %s\n",
                          g_strerror(errno));
        }
    }
    if (ioctl(s->vm_fd, KVM_SET_PIT2, &s->reset_pit) < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "kvm: KVM_SET_PIT2: %s\n",
                      g_strerror(errno));
    }
}

static void kvm_state_free(KVMState *s)
{
    if (!s) {
        return;
    }
    if (s->vm_fd >= 0) {
        close(s->vm_fd);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    if (s->rom_copy) {
        munmap(s->rom_copy, s->rom_copy_size);
    }
    g_free(s->supported_cpuid);
    g_free(s);
}

static bool kvm_init_machine(MachineState *ms, GError **errp)
{
    KVMState *s = g_new0(KVMState, 1);

    s->vm_fd = -1;
    s->ms = ms;
    s->fd = kvm_open_dev(errp);
    if (s->fd < 0 || !kvm_check_required_caps(s, errp)) {
        goto fail;
    }
    s->run_size = ioctl(s->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (s->run_size < (int)sizeof(struct kvm_run)) {
        error_setg(errp, "KVM_GET_VCPU_MMAP_SIZE failed");
        goto fail;
    }
    s->has_xsave = kvm_check_extension(s, KVM_CAP_XSAVE) > 0;
    s->has_xcrs = kvm_check_extension(s, KVM_CAP_XCRS) > 0;
    s->has_tsc_deadline = kvm_check_extension(s, KVM_CAP_TSC_DEADLINE_TIMER);
    if (!kvm_create_vm(s, errp) || !kvm_map_ram(s, ms, errp) ||
        !kvm_x86_init_cpuid(s, errp)) {
        goto fail;
    }
    kvm_state = s;
    irq_set_handler(kvm_irq_set, s);
    ms->low_rom_changed = kvm_low_rom_changed;
    return true;

fail:
    kvm_state_free(s);
    return false;
}

static bool kvm_setup_vcpus(MachineState *ms, GError **errp)
{
    KVMState *s = kvm_state;
    int max = kvm_check_extension(s, KVM_CAP_MAX_VCPUS);

    if (!max) {
        max = kvm_check_extension(s, KVM_CAP_NR_VCPUS);
    }
    if (!max) {
        max = 4; /* what the KVM API documents when neither cap exists */
    }
    /* One KVM vCPU per vCPU device the board created (none on "none"). */
    s->nr_vcpus = cpu_count();
    if (s->nr_vcpus > (unsigned)max) {
        error_setg(errp,
                   "Number of SMP CPUs requested (%u) exceeds the "
                   "maximum CPUs supported by KVM (%d)",
                   s->nr_vcpus, max);
        return false;
    }
    return kvm_map_rom(s, ms, errp) && kvm_vcpus_create(s, errp);
}

static void kvm_pause_vcpus(void)
{
    kvm_vcpus_pause();
}

static void kvm_resume_vcpus(void)
{
    kvm_vcpus_resume();
}

static void kvm_reset_vcpus(void)
{
    kvm_vcpus_reset();
}

static void kvm_teardown(void)
{
    if (!kvm_state) {
        return;
    }
    kvm_vcpus_destroy();
    irq_set_handler(NULL, NULL);
    if (kvm_state->ms) {
        kvm_state->ms->low_rom_changed = NULL;
    }
    kvm_state_free(kvm_state);
    kvm_state = NULL;
}

static bool kvm_get_vcpu_dump_state(unsigned index, VCPUDumpState *st,
                                    GError **errp)
{
    if (!kvm_state || index >= kvm_state->nr_vcpus) {
        error_setg(errp, "KVM: no vCPU %u", index);
        return false;
    }
    return kvm_x86_get_dump_state(&kvm_state->vcpus[index], st, errp);
}

const AccelOps accel_kvm_ops = {
    .name = "kvm",
    .available = kvm_available,
    .init_machine = kvm_init_machine,
    .setup_vcpus = kvm_setup_vcpus,
    .runs_guest_code = true,
    .pause_vcpus = kvm_pause_vcpus,
    .resume_vcpus = kvm_resume_vcpus,
    .reset_vcpus = kvm_reset_vcpus,
    .teardown = kvm_teardown,
    .get_vcpu_dump_state = kvm_get_vcpu_dump_state,
    .current_vcpu_state = kvm_current_vcpu_state,
};
