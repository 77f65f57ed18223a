/*
 * Address spaces: claiming ranges and dispatching guest accesses.
 *
 * Regions are kept in an array sorted by base address, so a lookup is a
 * binary search; a one-entry cache of the last region hit makes the
 * common case (a guest hammering one port) a single range check.  The
 * dispatch path allocates nothing.
 *
 * An access is handed to the region that holds its first byte, and the
 * whole access stays with that region even if it runs past the region's
 * end: QEMU does the same (MMIO accesses are not clipped to the region),
 * which is why "inw 0x505" reads 0x0303 from a 1-byte pvpanic.  Widths the
 * region does not implement are split into, or widened to, the sizes its
 * callbacks accept.
 */
#include <inttypes.h>
#include <string.h>

#include "system/memory.h"
#include "qemu/log.h"

struct AddressSpace {
    char *name;
    uint64_t limit;
    uint8_t unassigned_value;
    MemoryRegion **regions; /* sorted by addr, never overlapping */
    size_t nr;
    size_t cap;
    MemoryRegion *last_hit; /* cache; NULL after any unmap */
};

void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops,
                           void *opaque, const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->ops = ops;
    mr->opaque = opaque;
    mr->name = name;
    mr->size = size;
}

AddressSpace *address_space_new(const char *name, uint64_t limit,
                                uint8_t unassigned_value)
{
    AddressSpace *as = g_new0(AddressSpace, 1);

    as->name = g_strdup(name);
    as->limit = limit;
    as->unassigned_value = unassigned_value;
    return as;
}

void address_space_free(AddressSpace *as)
{
    if (!as) {
        return;
    }
    /* Regions still mapped belong to owners that may already be gone:
     * do not touch them. */
    g_free(as->regions);
    g_free(as->name);
    g_free(as);
}

static bool address_space_is_io(const AddressSpace *as)
{
    return strcmp(as->name, "io") == 0;
}

static const char *range_kind(const AddressSpace *as)
{
    return address_space_is_io(as) ? "I/O port range" : "Memory range";
}

/* Index of the first region whose base is > @addr. */
static size_t upper_bound(const AddressSpace *as, uint64_t addr)
{
    size_t lo = 0, hi = as->nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (as->regions[mid]->addr <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static inline bool region_contains(const MemoryRegion *mr, uint64_t addr)
{
    return addr >= mr->addr && addr - mr->addr < mr->size;
}

bool address_space_map(AddressSpace *as, MemoryRegion *mr, uint64_t base,
                       const char *owner, GError **errp)
{
    uint64_t last;
    size_t pos;

    if (mr->mapped) {
        error_setg(errp, "Region '%s' of '%s' is already mapped",
                   mr->name ? mr->name : "?", mr->owner ? mr->owner : "?");
        return false;
    }
    if (mr->size == 0 || base >= as->limit || mr->size > as->limit - base) {
        error_setg(errp,
                   "%s 0x%" PRIx64 "-0x%" PRIx64 " of '%s' does not fit "
                   "in the %s address space (size 0x%" PRIx64 ")",
                   range_kind(as), base, base + (mr->size ? mr->size - 1 : 0),
                   owner ? owner : "?", as->name, as->limit);
        return false;
    }
    last = base + mr->size - 1;

    /* Only the neighbours on either side of the insertion point can
     * overlap, because mapped regions never overlap each other. */
    pos = upper_bound(as, base);
    for (size_t i = pos ? pos - 1 : 0; i < as->nr && i <= pos; i++) {
        MemoryRegion *o = as->regions[i];
        uint64_t olast = o->addr + o->size - 1;

        if (o->addr <= last && base <= olast) {
            error_setg(errp,
                       "%s 0x%" PRIx64 "-0x%" PRIx64 " of '%s' overlaps "
                       "0x%" PRIx64 "-0x%" PRIx64 " of '%s'",
                       range_kind(as), base, last, owner ? owner : "?", o->addr,
                       olast, o->owner ? o->owner : "?");
            return false;
        }
    }

    if (as->nr == as->cap) {
        as->cap = as->cap ? as->cap * 2 : 16;
        as->regions = g_renew(MemoryRegion *, as->regions, as->cap);
    }
    memmove(&as->regions[pos + 1], &as->regions[pos],
            (as->nr - pos) * sizeof(as->regions[0]));
    as->regions[pos] = mr;
    as->nr++;
    mr->addr = base;
    mr->owner = owner;
    mr->mapped = true;
    return true;
}

void address_space_unmap(AddressSpace *as, MemoryRegion *mr)
{
    for (size_t i = 0; i < as->nr; i++) {
        if (as->regions[i] == mr) {
            memmove(&as->regions[i], &as->regions[i + 1],
                    (as->nr - i - 1) * sizeof(as->regions[0]));
            as->nr--;
            mr->mapped = false;
            as->last_hit = NULL;
            return;
        }
    }
}

MemoryRegion *address_space_lookup(AddressSpace *as, uint64_t addr)
{
    MemoryRegion *mr = as->last_hit;
    size_t pos;

    if (mr && region_contains(mr, addr)) {
        return mr;
    }
    pos = upper_bound(as, addr);
    if (pos == 0) {
        return NULL;
    }
    mr = as->regions[pos - 1];
    if (!region_contains(mr, addr)) {
        return NULL;
    }
    as->last_hit = mr;
    return mr;
}

static inline uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (UINT64_C(1) << (size * 8)) - 1;
}

static inline unsigned clamp_size(unsigned size)
{
    if (size == 0) {
        return 0;
    }
    return size > 8 ? 8 : size;
}

/* The piece size the region's callbacks are given for a @size access. */
static unsigned piece_size(const MemoryRegionOps *ops, unsigned size)
{
    unsigned lo = ops->impl_min ? ops->impl_min : 1;
    unsigned hi = ops->impl_max ? ops->impl_max : 4;

    if (hi < lo) {
        hi = lo;
    }
    if (size < lo) {
        return lo;
    }
    return size > hi ? hi : size;
}

static uint64_t unassigned_read(AddressSpace *as, uint64_t addr, unsigned size)
{
    qemu_log_mask(LOG_IOPORT, "unassigned %s read addr 0x%" PRIx64 " size %u\n",
                  as->name, addr, size);
    return (UINT64_C(0x0101010101010101) * as->unassigned_value) &
           size_mask(size);
}

uint64_t address_space_read(AddressSpace *as, uint64_t addr, unsigned size)
{
    MemoryRegion *mr;
    const MemoryRegionOps *ops;
    uint64_t offset, val = 0;
    unsigned piece;

    size = clamp_size(size);
    if (size == 0) {
        return 0;
    }
    mr = addr < as->limit ? address_space_lookup(as, addr) : NULL;
    if (!mr || !mr->ops->read) {
        return unassigned_read(as, addr, size);
    }
    ops = mr->ops;
    offset = addr - mr->addr;
    piece = piece_size(ops, size);
    if (piece >= size) {
        return ops->read(mr->opaque, offset, piece) & size_mask(size);
    }
    for (unsigned i = 0; i < size; i += piece) {
        uint64_t v = ops->read(mr->opaque, offset + i, piece);

        val |= (v & size_mask(piece)) << (i * 8);
    }
    return val;
}

void address_space_write(AddressSpace *as, uint64_t addr, uint64_t val,
                         unsigned size)
{
    MemoryRegion *mr;
    const MemoryRegionOps *ops;
    uint64_t offset;
    unsigned piece;

    size = clamp_size(size);
    if (size == 0) {
        return;
    }
    val &= size_mask(size);
    mr = addr < as->limit ? address_space_lookup(as, addr) : NULL;
    if (!mr || !mr->ops->write) {
        qemu_log_mask(LOG_IOPORT,
                      "unassigned %s write addr 0x%" PRIx64 " size %u "
                      "value 0x%" PRIx64 "\n",
                      as->name, addr, size, val);
        return;
    }
    ops = mr->ops;
    offset = addr - mr->addr;
    piece = piece_size(ops, size);
    if (piece >= size) {
        ops->write(mr->opaque, offset, val, piece);
        return;
    }
    for (unsigned i = 0; i < size; i += piece) {
        ops->write(mr->opaque, offset + i, (val >> (i * 8)) & size_mask(piece),
                   piece);
    }
}

void address_space_foreach(AddressSpace *as,
                           void (*fn)(MemoryRegion *mr, void *opaque),
                           void *opaque)
{
    for (size_t i = 0; i < as->nr; i++) {
        fn(as->regions[i], opaque);
    }
}
