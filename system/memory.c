/*
 * Address spaces: claiming ranges and dispatching guest accesses.
 *
 * Mapped regions may overlap (PCI BARs do, as in QEMU), so the address
 * space keeps two arrays: every mapped region sorted by base (for
 * overlap checks and "info mtree"), and a flattened view of disjoint
 * ranges, each naming the region that is visible there.  The flat view is
 * rebuilt on map and unmap, which are rare; a lookup is a binary search
 * over it, and a one-entry cache of the last range hit makes the common
 * case (a guest hammering one port) a single range check.  The dispatch
 * path allocates nothing.
 *
 * An access is handed to the region visible at its first byte, and the
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

/* [start, last] of the flat view shows @mr. */
typedef struct FlatRange {
    uint64_t start;
    uint64_t last;
    MemoryRegion *mr;
} FlatRange;

struct AddressSpace {
    char *name;
    uint64_t limit;
    uint8_t unassigned_value;
    MemoryRegion **regions; /* every mapped region, sorted by addr, seq */
    size_t nr;
    size_t cap;
    FlatRange *flat; /* disjoint, sorted by start */
    size_t nr_flat;
    const FlatRange *last_hit; /* cache into flat; NULL after a rebuild */
    uint64_t next_seq;
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
    g_free(as->flat);
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

/* Index of the first flat range whose start is > @addr. */
static size_t upper_bound(const AddressSpace *as, uint64_t addr)
{
    size_t lo = 0, hi = as->nr_flat;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (as->flat[mid].start <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static int compare_paint_order(const void *a, const void *b)
{
    const MemoryRegion *x = *(MemoryRegion *const *)a;
    const MemoryRegion *y = *(MemoryRegion *const *)b;

    if (x->priority != y->priority) {
        return x->priority < y->priority ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Lay @mr over @flat (n ranges, sorted, disjoint) into @out: what it
 * covers is replaced, what sticks out on either side is kept.  Returns
 * the number of ranges written; @out has room for n + 2.
 */
static size_t paint(const FlatRange *flat, size_t n, MemoryRegion *mr,
                    FlatRange *out)
{
    FlatRange top = {mr->addr, mr->addr + mr->size - 1, mr};
    bool placed = false;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        const FlatRange *r = &flat[i];

        if (r->last < top.start) {
            out[k++] = *r;
            continue;
        }
        if (r->start > top.last) {
            if (!placed) {
                out[k++] = top;
                placed = true;
            }
            out[k++] = *r;
            continue;
        }
        if (r->start < top.start) {
            out[k++] = (FlatRange){r->start, top.start - 1, r->mr};
        }
        if (!placed) {
            out[k++] = top;
            placed = true;
        }
        if (r->last > top.last) {
            out[k++] = (FlatRange){top.last + 1, r->last, r->mr};
        }
    }
    if (!placed) {
        out[k++] = top;
    }
    return k;
}

/* Recompute the flat view: lowest priority first, each painted over. */
static void rebuild_flat(AddressSpace *as)
{
    g_autofree MemoryRegion **order =
        g_memdup2(as->regions, as->nr * sizeof(as->regions[0]));
    /* Each paint adds at most two ranges. */
    size_t room = 2 * as->nr + 1;
    FlatRange *buf[2] = {g_new(FlatRange, room), g_new(FlatRange, room)};
    unsigned cur = 0; /* buf[cur] holds the view so far */
    size_t n = 0;

    if (as->nr) { /* qsort() may not be given NULL, even for 0 items */
        qsort(order, as->nr, sizeof(order[0]), compare_paint_order);
    }
    for (size_t i = 0; i < as->nr; i++) {
        n = paint(buf[cur], n, order[i], buf[!cur]);
        cur = !cur;
    }
    g_free(buf[!cur]);
    g_free(as->flat);
    as->flat = buf[cur];
    as->nr_flat = n;
    as->last_hit = NULL;
}

/* Index in as->regions where a region at @base goes (after equal bases). */
static size_t region_insert_pos(const AddressSpace *as, uint64_t base)
{
    size_t lo = 0, hi = as->nr;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (as->regions[mid]->addr <= base) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static bool check_fits(AddressSpace *as, MemoryRegion *mr, uint64_t base,
                       const char *owner, GError **errp)
{
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
    return true;
}

static void insert_region(AddressSpace *as, MemoryRegion *mr, uint64_t base,
                          const char *owner, bool may_overlap, int priority)
{
    size_t pos = region_insert_pos(as, base);

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
    mr->may_overlap = may_overlap;
    mr->priority = priority;
    mr->seq = as->next_seq++;
    rebuild_flat(as);
}

bool address_space_map(AddressSpace *as, MemoryRegion *mr, uint64_t base,
                       const char *owner, GError **errp)
{
    uint64_t last;

    if (!check_fits(as, mr, base, owner, errp)) {
        return false;
    }
    last = base + mr->size - 1;
    /* Exclusive claims never overlap each other; overlapping mappings
     * (BARs) do not count. */
    for (size_t i = 0; i < as->nr && as->regions[i]->addr <= last; i++) {
        MemoryRegion *o = as->regions[i];
        uint64_t olast = o->addr + o->size - 1;

        if (!o->may_overlap && base <= olast) {
            error_setg(errp,
                       "%s 0x%" PRIx64 "-0x%" PRIx64 " of '%s' overlaps "
                       "0x%" PRIx64 "-0x%" PRIx64 " of '%s'",
                       range_kind(as), base, last, owner ? owner : "?", o->addr,
                       olast, o->owner ? o->owner : "?");
            return false;
        }
    }
    insert_region(as, mr, base, owner, false, 0);
    return true;
}

bool address_space_map_overlap(AddressSpace *as, MemoryRegion *mr,
                               uint64_t base, int priority, const char *owner,
                               GError **errp)
{
    if (!check_fits(as, mr, base, owner, errp)) {
        return false;
    }
    insert_region(as, mr, base, owner, true, priority);
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
            rebuild_flat(as);
            return;
        }
    }
}

MemoryRegion *address_space_lookup(AddressSpace *as, uint64_t addr)
{
    const FlatRange *r = as->last_hit;
    size_t pos;

    if (r && addr >= r->start && addr <= r->last) {
        return r->mr;
    }
    pos = upper_bound(as, addr);
    if (pos == 0) {
        return NULL;
    }
    r = &as->flat[pos - 1];
    if (addr > r->last) {
        return NULL;
    }
    as->last_hit = r;
    return r->mr;
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

/*
 * For a region with valid_max: the first piece of a @size access at
 * offset @addr into the region, as QEMU cuts it: at most valid_max
 * bytes, no more than the offset's alignment, a power of two.
 */
static unsigned valid_piece(const MemoryRegionOps *ops, uint64_t addr,
                            unsigned size)
{
    unsigned v = 1;

    while (v * 2 <= size && v * 2 <= ops->valid_max && !(addr & (v * 2 - 1))) {
        v *= 2;
    }
    return v;
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
    if (ops->valid_max && valid_piece(ops, addr - mr->addr, size) < size) {
        for (unsigned i = 0; i < size;) {
            MemoryRegion *p = address_space_lookup(as, addr + i);
            unsigned v = p && p->ops->valid_max
                             ? valid_piece(p->ops, addr + i - p->addr, size - i)
                             : 1;

            val |= address_space_read(as, addr + i, v) << (i * 8);
            i += v;
        }
        return val;
    }
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

static __thread const MemoryAccessInfo *current_write;

bool memory_current_write(MemoryAccessInfo *out)
{
    if (!current_write) {
        return false;
    }
    *out = *current_write;
    return true;
}

static void dispatch_write(AddressSpace *as, MemoryRegion *mr, uint64_t addr,
                           uint64_t val, unsigned size);

void address_space_write(AddressSpace *as, uint64_t addr, uint64_t val,
                         unsigned size)
{
    const MemoryRegionOps *ops;
    MemoryRegion *mr;

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
    if (ops->valid_max && valid_piece(ops, addr - mr->addr, size) < size) {
        for (unsigned i = 0; i < size;) {
            MemoryRegion *p = address_space_lookup(as, addr + i);
            unsigned v = p && p->ops->valid_max
                             ? valid_piece(p->ops, addr + i - p->addr, size - i)
                             : 1;

            address_space_write(as, addr + i, (val >> (i * 8)) & size_mask(v),
                                v);
            i += v;
        }
        return;
    }
    dispatch_write(as, mr, addr, val, size);
}

/* A few stores around the callback: the dispatch path stays
 * allocation-free. */
static void dispatch_write(AddressSpace *as, MemoryRegion *mr, uint64_t addr,
                           uint64_t val, unsigned size)
{
    const MemoryAccessInfo info = {as->name, addr,     size,
                                   val,      mr->name, mr->owner};
    const MemoryAccessInfo *outer = current_write;
    const MemoryRegionOps *ops = mr->ops;
    uint64_t offset = addr - mr->addr;
    unsigned piece = piece_size(ops, size);

    current_write = &info;
    if (piece >= size) {
        ops->write(mr->opaque, offset, val, piece);
    } else {
        for (unsigned i = 0; i < size; i += piece) {
            ops->write(mr->opaque, offset + i,
                       (val >> (i * 8)) & size_mask(piece), piece);
        }
    }
    current_write = outer;
}

void address_space_foreach(AddressSpace *as,
                           void (*fn)(MemoryRegion *mr, void *opaque),
                           void *opaque)
{
    for (size_t i = 0; i < as->nr; i++) {
        fn(as->regions[i], opaque);
    }
}
