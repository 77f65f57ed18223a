/*
 * Address spaces: the one dispatch path for guest port I/O and MMIO.
 *
 * A machine has two address spaces: "io" (64 KiB of x86 ports) and
 * "memory" (guest-physical; RAM is handled by the machine, devices claim
 * MMIO ranges here).  Every accelerator reaches devices only through
 * address_space_read()/address_space_write(): a qtest "outb" and a KVM
 * KVM_EXIT_IO end up in exactly the same call, so a device cannot tell
 * who drives it.
 *
 * Access splitting: a region declares the access sizes its callbacks
 * implement (impl_min..impl_max, each 1, 2, 4 or 8).  A wider access is
 * split into little-endian pieces of impl_max bytes (for a byte-only
 * device, outw 0x0201 becomes write(0, 0x01) then write(1, 0x02)); a
 * narrower one is widened and the bytes extracted.  The whole access
 * belongs to the region holding its first byte, even where it runs past
 * that region's end, as in QEMU: "inw 0x505" on a 1-byte pvpanic reads
 * the events byte twice (0x0707) and "outw 0x505 0x0201" reports a panic
 * and then a crash-load.  Unassigned ports read all-ones and ignore writes;
 * unassigned memory reads 0 and ignores writes (as QEMU does).
 *
 * All functions expect the BQL held (see system/bql.h).
 */
#ifndef SYSTEM_MEMORY_H
#define SYSTEM_MEMORY_H

#include "qemu/common.h"

typedef struct MemoryRegionOps {
    /* @addr is the offset from the start of the region. */
    uint64_t (*read)(void *opaque, uint64_t addr, unsigned size);
    void (*write)(void *opaque, uint64_t addr, uint64_t val, unsigned size);
    unsigned impl_min; /* smallest size the callbacks handle (1) */
    unsigned impl_max; /* largest size the callbacks handle (1..8) */
    /*
     * Largest access the region takes in one go (QEMU's valid max access
     * size), or 0 for no limit.  With a limit, an access is cut as QEMU
     * cuts it, into power-of-two pieces no wider than valid_max and no
     * wider than the alignment of their offset in the region, and each
     * piece is dispatched
     * on its own: an 8-byte read at a 2-byte region with valid_max 4 gives
     * the region the low 4 bytes and leaves the high 4 unassigned, and a
     * 2-byte read at its second byte gives it one byte.
     */
    unsigned valid_max;
} MemoryRegionOps;

/* A claimed range.  Embedded in the device state; owned by the device. */
typedef struct MemoryRegion {
    const MemoryRegionOps *ops;
    void *opaque;
    const char *name;  /* for qom-list, e.g. "pvpanic" */
    const char *owner; /* device id or type, for error messages */
    uint64_t size;
    /* Private to the address space: */
    uint64_t addr; /* base, valid while mapped */
    bool mapped;
    bool may_overlap; /* mapped with address_space_map_overlap() */
    int priority;     /* 0 for address_space_map() */
    uint64_t seq;     /* map order: among equal priorities, later wins */
} MemoryRegion;

typedef struct AddressSpace AddressSpace;

/* Initialise @mr; it is not yet mapped anywhere. */
void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size);

/*
 * Create an address space named @name ("io" or "memory") whose addresses
 * are below @limit (0x10000 for io).  @unassigned_value is what a read of
 * an unclaimed address returns per byte (0xff for io, 0 for memory).
 */
AddressSpace *address_space_new(const char *name, uint64_t limit,
                                uint8_t unassigned_value);
void address_space_free(AddressSpace *as);

/*
 * Map @mr at @base.  Fails (and maps nothing) if the range leaves the
 * address space or overlaps a region already mapped; the message names
 * both owners, e.g. "I/O port range 0x505-0x505 of 'pvpanic' overlaps
 * 0x505-0x505 of 'pvpanic0'".
 */
bool address_space_map(AddressSpace *as, MemoryRegion *mr, uint64_t base,
                       const char *owner, GError **errp);
/*
 * Map @mr at @base, allowed to overlap anything (PCI BARs, as QEMU maps
 * them).  Where regions overlap, the higher @priority wins; among equal
 * priorities the one mapped last wins; unmapping the winner reveals what
 * was below.  A region mapped by address_space_map() has priority 0 and
 * is never refused because of an overlapping region mapped here (nor the
 * other way round).  Fails only if the range leaves the address space or
 * @mr is already mapped (messages as address_space_map()).
 */
bool address_space_map_overlap(AddressSpace *as, MemoryRegion *mr,
                               uint64_t base, int priority, const char *owner,
                               GError **errp);
/* Unmap @mr, however it was mapped; no-op if it is not mapped in @as. */
void address_space_unmap(AddressSpace *as, MemoryRegion *mr);

/* The region that answers an access at @addr (the visible one), or NULL. */
MemoryRegion *address_space_lookup(AddressSpace *as, uint64_t addr);

/*
 * One guest access of @size bytes (1, 2, 4 or 8), little-endian.  Never
 * fails: out-of-range or unassigned addresses behave as unassigned.
 */
uint64_t address_space_read(AddressSpace *as, uint64_t addr, unsigned size);
void address_space_write(AddressSpace *as, uint64_t addr, uint64_t val,
                         unsigned size);

/*
 * The write being dispatched on this thread, for code called from inside
 * a device's write callback (a device that reports a guest panic: the
 * panic record names the region the guest wrote).  False outside one.
 */
typedef struct MemoryAccessInfo {
    const char *space; /* "io" or "memory" */
    uint64_t addr;
    unsigned size;
    uint64_t value;
    const char *region; /* the region's name */
    const char *owner;  /* its owner (device id or type), may be NULL */
} MemoryAccessInfo;
bool memory_current_write(MemoryAccessInfo *out);

/* Calls @fn for every mapped region (hidden ones included) in address
 * order, ties in map order. */
void address_space_foreach(AddressSpace *as,
                           void (*fn)(MemoryRegion *mr, void *opaque),
                           void *opaque);

#endif /* SYSTEM_MEMORY_H */
