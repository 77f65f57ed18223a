/*
 * Machines: which buses and board devices exist, guest RAM, and the
 * machine-wide address spaces.
 *
 * A machine type is a static MachineClass; there is exactly one machine
 * instance per process (current_machine), created by main() from the
 * validated command line.  The machine never adds a device the user did
 * not ask for beyond its fixed board devices: unchanged command lines give
 * the guest unchanged hardware.
 */
#ifndef HW_BOARDS_H
#define HW_BOARDS_H

#include "qemu/common.h"
#include "hw/core/qdev.h"
#include "system/memory.h"

typedef struct MachineState MachineState;

typedef struct MachineClass {
    /*
     * The type name, versioned as QEMU's ("pc-i440fx-9.1"); its QOM type
     * is "<name>-machine".  -M accepts it and the alias.
     */
    const char *name;
    const char *alias; /* the short name ("pc"), or NULL */
    const char *desc;  /* for -M help */
    bool is_default;
    uint64_t default_ram_size;
    unsigned max_cpus; /* query-machines "cpu-max" */
    /*
     * The CPU model (-cpu name, hw/i386/cpu-models.h) of the vCPUs
     * without -cpu; NULL: no vCPU unless -cpu asks for one.
     */
    const char *default_cpu_model;
    /* The id of the memory backend holding guest RAM ("pc.ram"). */
    const char *default_ram_id;
    bool acpi; /* the board builds ACPI tables */
    /*
     * Guest-visible hardware that differs between versions of one
     * machine type.  A version, once released, never changes what it
     * builds: new hardware comes with a new version (docs/system/
     * machines.rst).
     */
    bool has_pci;    /* i440FX host bridge, PIIX3, bus pci.0 */
    bool has_fw_cfg; /* fw_cfg at 0x510/0x511, DMA at 0x514 */
    /*
     * What Vigil does not have; kept here so that query-machines reads
     * them from the table.  hotpluggable_cpus must stay false until
     * query-hotpluggable-cpus and device_add of CPUs exist.
     */
    bool hotpluggable_cpus;
    bool numa_mem_supported;
    bool deprecated;
    /*
     * Build board devices and buses; RAM is already allocated.  Runs
     * before user -device options are realized.
     */
    bool (*init)(MachineState *ms, GError **errp);
    /*
     * After all -device options are realized: final board work that
     * depends on them (ACPI tables, kernel loading).  May be NULL.
     */
    bool (*done)(MachineState *ms, GError **errp);
    /* Board part of system_reset (reload the kernel, ...).  May be NULL. */
    void (*reset)(MachineState *ms);
    void (*finalize)(MachineState *ms);
} MachineClass;

struct MachineState {
    const MachineClass *mc;
    uint64_t ram_size; /* -m, bytes */
    uint8_t *ram;      /* host mapping of guest RAM (mmap'ed) */
    bool ram_external; /* ram belongs to a memory backend: never unmapped */
    /*
     * Guest-physical layout of RAM (i440FX rule): [0, below_4g) maps
     * ram[0..below_4g); [4 GiB, 4 GiB + above_4g) maps the rest.
     * below_4g = ram_size if ram_size < 0xe0000000, else 0xc0000000.
     */
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    unsigned smp_cpus; /* -smp */
    /* -cpu: the board reads the config layer's cpu_model_arg in init
     * (x86_cpu_model_for_machine()). */
    char *kernel_filename; /* -kernel */
    char *initrd_filename; /* -initrd */
    char *kernel_cmdline;  /* -append */
    char *firmware;        /* -bios FILE, NULL = none (direct boot) */
    /*
     * Read-only memory the board maps outside RAM (-bios: the firmware
     * image at 4 GiB - rom_size), set by machine done().  Accelerators
     * that execute guest code map it as a read-only memory slot
     * (KVM_MEM_READONLY); the same bytes are also readable through
     * ms->memory.  rom == NULL: none.
     */
    const uint8_t *rom;
    uint64_t rom_base;
    uint64_t rom_size;
    AddressSpace *io;     /* port space, 64 KiB */
    AddressSpace *memory; /* guest-physical MMIO (RAM is separate) */
    BusState *isa_bus;    /* NULL on machines without ISA */
    BusState *pci_bus;    /* "pci.0", NULL on machines without PCI */
    BusState *sysbus;     /* board devices without a bus type */
    void *opaque;         /* machine-specific state */
    /* The vCPUs' part of a reset (machine_set_vcpu_reset()), or NULL. */
    void (*reset_vcpus)(void);
    /*
     * Shadow RAM below 1 MiB (the i440FX's PAM, hw/i386/pc-pam.c).  Bit
     * i of low_rom_mask set: the 16 KiB segment at MACHINE_SHADOW_BASE +
     * i * MACHINE_SHADOW_SEG shows the ROM side instead of RAM, so every
     * access there goes through ms->memory (where the board maps its
     * ROM) and the RAM underneath keeps its contents.  low_rom holds the
     * ROM side's bytes (MACHINE_SHADOW_SIZE, page-aligned) for
     * accelerators that map it as read-only memory; they register
     * low_rom_changed to hear of every change.  Set through
     * machine_set_low_rom(); 0 / NULL (the default): RAM everywhere.
     */
    uint16_t low_rom_mask;
    const uint8_t *low_rom;
    void (*low_rom_changed)(MachineState *ms);
};

#define MACHINE_SHADOW_BASE UINT64_C(0xc0000)
#define MACHINE_SHADOW_SEG  UINT64_C(0x4000)
#define MACHINE_SHADOW_SEGS 16
#define MACHINE_SHADOW_SIZE (MACHINE_SHADOW_SEG * MACHINE_SHADOW_SEGS)

extern MachineState *current_machine;

/*
 * -rtc base=utc|localtime|DATE: the guest RTC's time minus host UTC in
 * seconds when it starts (0 for utc, the host's UTC offset for
 * localtime, DATE - now for a date).  Set by main before the machine is
 * created; the RTC reads it when it is created.
 */
extern int64_t rtc_base_offset;
/*
 * -rtc clock=: the clock the RTC counts with.  host: host wall-clock
 * time (the default); rt: host monotonic time (immune to host clock
 * steps); vm: the guest's virtual clock (stops while the VM is paused;
 * moved by a qtest client's clock_step).
 */
typedef enum RtcClock {
    RTC_CLOCK_HOST,
    RTC_CLOCK_RT,
    RTC_CLOCK_VM,
} RtcClock;
extern RtcClock rtc_clock;

/* The "none" machine (hw/core/null-machine.c).  The list of all machine
 * types is the board layer's: hw/catalog.h. */
extern const MachineClass none_machine_class;

/* Allocate RAM and run mc->init.  Sets current_machine. */
MachineState *machine_create(const MachineClass *mc, uint64_t ram_size,
                             unsigned smp_cpus, GError **errp);

/*
 * Where guest RAM comes from and how the host treats it (-machine
 * memory-backend=, dump-guest-core=, mem-merge=).
 */
typedef struct MachineRamConfig {
    /*
     * ram_size bytes mapped by someone else (a memory backend), used as
     * is and never unmapped by the machine; NULL: anonymous private
     * memory the machine allocates.
     */
    void *host;
    /* Both apply to memory the machine allocates itself; a backend has
     * its own dump= and merge= (defaulting to these). */
    bool dump_guest_core; /* false: MADV_DONTDUMP, as QEMU */
    bool mem_merge;       /* true: MADV_MERGEABLE (KSM), as QEMU */
} MachineRamConfig;

/* machine_create() with RAM as @ram says (NULL: QEMU's defaults,
 * dump-guest-core=on and mem-merge=on). */
MachineState *machine_create_with_ram(const MachineClass *mc, uint64_t ram_size,
                                      unsigned smp_cpus,
                                      const MachineRamConfig *ram,
                                      GError **errp);
bool machine_done(MachineState *ms, GError **errp);
void machine_destroy(MachineState *ms);

/*
 * The vCPUs belong to the accelerator, a layer above hw/: whoever
 * creates them registers how to put them back in their architectural
 * reset state (main() passes the accelerator's reset_vcpus).  NULL: no
 * vCPUs (qtest).
 */
void machine_set_vcpu_reset(MachineState *ms, void (*reset_vcpus)(void));
/*
 * system_reset of current_machine, the one reset routine (main's
 * runstate hook, the fuzz harnesses and the tests all use it): every
 * device in creation order (qdev_reset_all()), then the board's reset
 * (mc->reset: reload the kernel, ...), then the vCPUs.  Does nothing
 * without a machine.  The caller pauses the vCPUs first (runstate does).
 */
void machine_reset(void);

/*
 * Find the bus a device of type @dc plugs into, or fail with QEMU's
 * message "No 'ISA' bus found for device 'pvpanic'".
 */
BusState *machine_find_bus_for(MachineState *ms, const DeviceClass *dc,
                               GError **errp);

/*
 * Guest-physical memory access (qtest read/write/memset, KVM loaders):
 * RAM where there is RAM, MMIO dispatch through ms->memory elsewhere.
 * Returns false only if @gpa + @len overflows.
 */
bool machine_mem_read(MachineState *ms, uint64_t gpa, void *buf, size_t len);
bool machine_mem_write(MachineState *ms, uint64_t gpa, const void *buf,
                       size_t len);
/* Host pointer for [gpa, gpa+len) if it lies entirely in RAM, else NULL. */
void *machine_ram_ptr(MachineState *ms, uint64_t gpa, size_t len);

/*
 * The board changes which shadow segments show ROM (@mask, see
 * MachineState.low_rom_mask) and what that ROM holds (@rom, or NULL
 * together with @mask 0).  Calls ms->low_rom_changed if anything changed.
 */
void machine_set_low_rom(MachineState *ms, const uint8_t *rom, uint16_t mask);

#endif /* HW_BOARDS_H */
