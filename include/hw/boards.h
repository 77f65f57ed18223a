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
    const char *name;  /* "pc" */
    const char *alias; /* e.g. "pc-i440fx-9.1" style alias, or NULL */
    const char *desc;  /* for -M help */
    bool is_default;
    uint64_t default_ram_size;
    unsigned max_cpus;
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
    /*
     * Guest-physical layout of RAM (i440FX rule): [0, below_4g) maps
     * ram[0..below_4g); [4 GiB, 4 GiB + above_4g) maps the rest.
     * below_4g = ram_size if ram_size < 0xe0000000, else 0xc0000000.
     */
    uint64_t below_4g_mem_size;
    uint64_t above_4g_mem_size;
    unsigned smp_cpus;     /* -smp */
    char *cpu_model;       /* -cpu, NULL = default */
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
    BusState *sysbus;     /* board devices without a bus type */
    void *opaque;         /* machine-specific state */
    /* The vCPUs' part of a reset (machine_set_vcpu_reset()), or NULL. */
    void (*reset_vcpus)(void);
};

extern MachineState *current_machine;

/* The "none" machine (hw/core/null-machine.c).  The list of all machine
 * types is the board layer's: hw/catalog.h. */
extern const MachineClass none_machine_class;

/* Allocate RAM and run mc->init.  Sets current_machine. */
MachineState *machine_create(const MachineClass *mc, uint64_t ram_size,
                             unsigned smp_cpus, GError **errp);
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

#endif /* HW_BOARDS_H */
