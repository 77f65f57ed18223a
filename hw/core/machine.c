/*
 * The one machine instance: RAM, address spaces, buses, reset.  The
 * list of machine types is the board layer's (hw/catalog.c).
 *
 * Guest RAM is one anonymous private mapping with MAP_NORESERVE, so a
 * large -m costs nothing until the guest touches it (idle RSS is one of
 * the things Vigil is measured on), or a memory backend's mapping that
 * main() hands over (-machine memory-backend=ID).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "hw/boards.h"

#define FOUR_GIB (UINT64_C(1) << 32)
/* i440FX: RAM up to this size stays below 4 GiB ... */
#define BELOW_4G_MAX_WHOLE UINT64_C(0xe0000000)
/* ... otherwise only this much does, and the rest goes above 4 GiB. */
#define BELOW_4G_SPLIT UINT64_C(0xc0000000)

MachineState *current_machine;
int64_t rtc_base_offset;
RtcClock rtc_clock;

#define RAM_ALIGN ((uintptr_t)2 * 1024 * 1024)

static bool machine_alloc_ram(MachineState *ms, const MachineRamConfig *cfg,
                              GError **errp)
{
    void *p;

    ms->below_4g_mem_size =
        ms->ram_size < BELOW_4G_MAX_WHOLE ? ms->ram_size : BELOW_4G_SPLIT;
    ms->above_4g_mem_size = ms->ram_size - ms->below_4g_mem_size;
    if (ms->ram_size == 0) {
        return true;
    }
    if (cfg->host) {
        /* A memory backend mapped it with its own dump/merge settings. */
        ms->ram = cfg->host;
        ms->ram_external = true;
        return true;
    }
    if (ms->ram_size > SIZE_MAX) {
        error_setg(errp, "ram size too large");
        return false;
    }
    /*
     * Reserve 2 MiB more than needed and start RAM on a 2 MiB boundary,
     * then ask for transparent huge pages: a kernel that does not align
     * large anonymous mappings itself (6.1, as in our nested L1) would
     * otherwise make KVM map guest RAM with 4 KiB pages, which costs a
     * nested guest several times more exits.  Untouched RAM still costs
     * no RSS (MAP_NORESERVE).
     */
    p = mmap(NULL, ms->ram_size + RAM_ALIGN, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        error_setg(errp, "cannot set up guest memory 'pc.ram': %s",
                   g_strerror(errno));
        return false;
    }
    ms->ram = (uint8_t *)(((uintptr_t)p + RAM_ALIGN - 1) & ~(RAM_ALIGN - 1));
    /* Give back the unaligned head and tail of the reservation. */
    if (ms->ram > (uint8_t *)p) {
        munmap(p, ms->ram - (uint8_t *)p);
    }
    if ((uint8_t *)p + RAM_ALIGN > ms->ram) {
        size_t tail = (uint8_t *)p + RAM_ALIGN - ms->ram;

        munmap(ms->ram + ms->ram_size, tail);
    }
    /*
     * The first 2 MiB stay on small pages: start-up writes ACPI tables
     * and boot data there, and a huge page would make every VMM pay
     * 2 MiB of RSS for a few KiB (qtest machines included).
     */
    if (ms->ram_size > RAM_ALIGN) {
        madvise(ms->ram + RAM_ALIGN, ms->ram_size - RAM_ALIGN, MADV_HUGEPAGE);
    }
    if (!cfg->dump_guest_core) {
        madvise(ms->ram, ms->ram_size, MADV_DONTDUMP);
    }
    if (cfg->mem_merge) {
        madvise(ms->ram, ms->ram_size, MADV_MERGEABLE);
    }
    return true;
}

MachineState *machine_create(const MachineClass *mc, uint64_t ram_size,
                             unsigned smp_cpus, GError **errp)
{
    return machine_create_with_ram(mc, ram_size, smp_cpus, NULL, errp);
}

MachineState *machine_create_with_ram(const MachineClass *mc, uint64_t ram_size,
                                      unsigned smp_cpus,
                                      const MachineRamConfig *ram,
                                      GError **errp)
{
    static const MachineRamConfig qemu_defaults = {
        .dump_guest_core = true,
        .mem_merge = true,
    };
    MachineState *ms = g_new0(MachineState, 1);

    ms->mc = mc;
    ms->ram_size = ram_size;
    ms->smp_cpus = smp_cpus ? smp_cpus : 1;
    if (mc->max_cpus && ms->smp_cpus > mc->max_cpus) {
        error_setg(errp,
                   "Invalid SMP CPUs %u. The max CPUs supported by machine "
                   "'%s' is %u",
                   ms->smp_cpus, mc->name, mc->max_cpus);
        g_free(ms);
        return NULL;
    }
    ms->io = address_space_new("io", 0x10000, 0xff);
    ms->memory = address_space_new("memory", UINT64_MAX, 0);
    ms->sysbus = qbus_new("System", "main-system-bus", NULL);
    current_machine = ms;
    if (!machine_alloc_ram(ms, ram ? ram : &qemu_defaults, errp) ||
        (mc->init && !mc->init(ms, errp))) {
        machine_destroy(ms);
        return NULL;
    }
    return ms;
}

bool machine_done(MachineState *ms, GError **errp)
{
    if (ms->mc->done && !ms->mc->done(ms, errp)) {
        return false;
    }
    qdev_machine_creation_done();
    return true;
}

void machine_destroy(MachineState *ms)
{
    if (!ms) {
        return;
    }
    if (ms->mc->finalize) {
        ms->mc->finalize(ms);
    }
    qdev_destroy_all();
    qbus_free(ms->isa_bus);
    qbus_free(ms->sysbus);
    address_space_free(ms->io);
    address_space_free(ms->memory);
    if (ms->ram && !ms->ram_external) {
        munmap(ms->ram, ms->ram_size);
    }
    g_free(ms->kernel_filename);
    g_free(ms->initrd_filename);
    g_free(ms->kernel_cmdline);
    g_free(ms->firmware);
    if (current_machine == ms) {
        current_machine = NULL;
    }
    g_free(ms);
}

void machine_set_vcpu_reset(MachineState *ms, void (*reset_vcpus)(void))
{
    ms->reset_vcpus = reset_vcpus;
}

void machine_reset(void)
{
    MachineState *ms = current_machine;

    if (!ms) {
        return;
    }
    qdev_reset_all();
    if (ms->mc->reset) {
        ms->mc->reset(ms);
    }
    if (ms->reset_vcpus) {
        ms->reset_vcpus();
    }
}

BusState *machine_find_bus_for(MachineState *ms, const DeviceClass *dc,
                               GError **errp)
{
    BusState *const buses[] = {ms->pci_bus, ms->isa_bus, ms->sysbus};

    if (!dc->bus_type) {
        return ms->sysbus;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(buses); i++) {
        if (buses[i] && strcmp(buses[i]->type, dc->bus_type) == 0) {
            return buses[i];
        }
    }
    error_setg(errp, "No '%s' bus found for device '%s'", dc->bus_type,
               dc->name);
    return NULL;
}

/*
 * Low RAM at @gpa, with *avail bytes of RAM from there: clip it at the
 * shadow segments that show ROM.  Returns false (with *avail bytes of ROM
 * from @gpa) if @gpa itself is in one.
 */
static bool shadow_span(MachineState *ms, uint64_t gpa, uint64_t *avail)
{
    const uint64_t end = MACHINE_SHADOW_BASE + MACHINE_SHADOW_SIZE;
    bool rom;
    uint64_t seg, next;

    if (!ms->low_rom_mask || gpa >= end) {
        return true;
    }
    if (gpa < MACHINE_SHADOW_BASE) {
        /* RAM up to the first ROM segment at most. */
        next = MACHINE_SHADOW_BASE +
               (uint64_t)__builtin_ctz(ms->low_rom_mask) * MACHINE_SHADOW_SEG;
        *avail = MIN(*avail, next - gpa);
        return true;
    }
    seg = (gpa - MACHINE_SHADOW_BASE) / MACHINE_SHADOW_SEG;
    rom = ms->low_rom_mask & (1u << seg);
    /* The run of segments alike ends where the mask bit flips. */
    next = seg + 1;
    while (next < MACHINE_SHADOW_SEGS &&
           !!(ms->low_rom_mask & (1u << next)) == rom) {
        next++;
    }
    next = MACHINE_SHADOW_BASE + next * MACHINE_SHADOW_SEG;
    if (rom) {
        *avail = next - gpa;
        return false;
    }
    if (next < end) {
        *avail = MIN(*avail, next - gpa);
    }
    return true;
}

/*
 * Where @gpa lands: in RAM (host offset in *ram_off, *avail bytes of RAM
 * from there) or not (*avail bytes until RAM starts again, 0 = never).
 */
static bool ram_span(MachineState *ms, uint64_t gpa, uint64_t *ram_off,
                     uint64_t *avail)
{
    if (gpa < ms->below_4g_mem_size) {
        *ram_off = gpa;
        *avail = ms->below_4g_mem_size - gpa;
        return shadow_span(ms, gpa, avail);
    }
    if (gpa >= FOUR_GIB && gpa - FOUR_GIB < ms->above_4g_mem_size) {
        *ram_off = ms->below_4g_mem_size + (gpa - FOUR_GIB);
        *avail = ms->above_4g_mem_size - (gpa - FOUR_GIB);
        return true;
    }
    *avail = (gpa < FOUR_GIB && ms->above_4g_mem_size) ? FOUR_GIB - gpa : 0;
    return false;
}

/* MMIO pieces: one access when the piece is a natural size, else bytes. */
static unsigned mmio_piece(uint64_t len)
{
    return (len == 1 || len == 2 || len == 4 || len == 8) ? len : 1;
}

static bool mem_access(MachineState *ms, uint64_t gpa, uint8_t *buf, size_t len,
                       bool write)
{
    if (len && gpa + len - 1 < gpa) {
        return false;
    }
    while (len) {
        uint64_t off, avail, n;

        if (ram_span(ms, gpa, &off, &avail)) {
            n = MIN(avail, len);
            if (write) {
                memcpy(ms->ram + off, buf, n);
            } else {
                memcpy(buf, ms->ram + off, n);
            }
        } else {
            n = avail ? MIN(avail, len) : len;
            n = mmio_piece(n);
            if (write) {
                uint64_t v = 0;

                for (unsigned i = 0; i < n; i++) {
                    v |= (uint64_t)buf[i] << (i * 8);
                }
                address_space_write(ms->memory, gpa, v, n);
            } else {
                uint64_t v = address_space_read(ms->memory, gpa, n);

                for (unsigned i = 0; i < n; i++) {
                    buf[i] = v >> (i * 8);
                }
            }
        }
        gpa += n;
        buf += n;
        len -= n;
    }
    return true;
}

bool machine_mem_read(MachineState *ms, uint64_t gpa, void *buf, size_t len)
{
    return mem_access(ms, gpa, buf, len, false);
}

bool machine_mem_write(MachineState *ms, uint64_t gpa, const void *buf,
                       size_t len)
{
    return mem_access(ms, gpa, (uint8_t *)buf, len, true);
}

void machine_set_low_rom(MachineState *ms, const uint8_t *rom, uint16_t mask)
{
    if (ms->low_rom == rom && ms->low_rom_mask == mask) {
        return;
    }
    ms->low_rom = rom;
    ms->low_rom_mask = rom ? mask : 0;
    if (ms->low_rom_changed) {
        ms->low_rom_changed(ms);
    }
}

void *machine_ram_ptr(MachineState *ms, uint64_t gpa, size_t len)
{
    uint64_t off, avail;

    if (!ram_span(ms, gpa, &off, &avail) || len > avail) {
        return NULL;
    }
    return ms->ram + off;
}
