/*
 * Address spaces: lookup, dispatch, access splitting and widening,
 * overlap rejection and unassigned accesses.
 */
#include "system/memory.h"

#define MAX_LOG 16

/* A test region that records every callback. */
typedef struct Rec {
    MemoryRegion mr;
    unsigned n;
    struct {
        bool write;
        uint64_t addr;
        uint64_t val;
        unsigned size;
    } log[MAX_LOG];
    uint8_t fill; /* byte returned by reads (per byte of the piece) */
} Rec;

static uint64_t rec_read(void *opaque, uint64_t addr, unsigned size)
{
    Rec *r = opaque;
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)(r->fill + addr + i) << (8 * i);
    }
    if (r->n < MAX_LOG) {
        r->log[r->n].write = false;
        r->log[r->n].addr = addr;
        r->log[r->n].size = size;
        r->log[r->n].val = v;
        r->n++;
    }
    return v;
}

static void rec_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    Rec *r = opaque;

    if (r->n < MAX_LOG) {
        r->log[r->n].write = true;
        r->log[r->n].addr = addr;
        r->log[r->n].size = size;
        r->log[r->n].val = val;
        r->n++;
    }
}

static const MemoryRegionOps byte_ops = {
    .read = rec_read,
    .write = rec_write,
    .impl_min = 1,
    .impl_max = 1,
};
static const MemoryRegionOps word_ops = {
    .read = rec_read,
    .write = rec_write,
    .impl_min = 2,
    .impl_max = 2,
};
static const MemoryRegionOps dword_ops = {
    .read = rec_read,
    .write = rec_write,
    .impl_min = 4,
    .impl_max = 4,
};
static const MemoryRegionOps any_ops = {
    .read = rec_read,
    .write = rec_write,
    .impl_min = 1,
    .impl_max = 8,
};

static void rec_init(Rec *r, const MemoryRegionOps *ops, uint64_t size,
                     uint8_t fill)
{
    memory_region_init_io(&r->mr, ops, r, "rec", size);
    r->n = 0;
    r->fill = fill;
}

static void test_dispatch(void)
{
    AddressSpace *as = address_space_new("io", 0x10000, 0xff);
    Rec r;

    rec_init(&r, &byte_ops, 1, 0x07);
    g_assert_true(address_space_map(as, &r.mr, 0x505, "pvpanic", NULL));
    g_assert_true(r.mr.mapped);
    g_assert_cmphex(r.mr.addr, ==, 0x505);
    g_assert_cmpstr(r.mr.owner, ==, "pvpanic");
    g_assert_true(address_space_lookup(as, 0x505) == &r.mr);
    g_assert_null(address_space_lookup(as, 0x504));
    g_assert_null(address_space_lookup(as, 0x506));

    g_assert_cmphex(address_space_read(as, 0x505, 1), ==, 0x07);
    address_space_write(as, 0x505, 0x01, 1);
    g_assert_cmpuint(r.n, ==, 2);
    g_assert_true(r.log[1].write);
    g_assert_cmphex(r.log[1].addr, ==, 0);
    g_assert_cmphex(r.log[1].val, ==, 1);
    g_assert_cmpuint(r.log[1].size, ==, 1);

    address_space_unmap(as, &r.mr);
    g_assert_false(r.mr.mapped);
    g_assert_null(address_space_lookup(as, 0x505));
    g_assert_cmphex(address_space_read(as, 0x505, 1), ==, 0xff);
    address_space_free(as);
}

/* outw 0x505 0x0201 on a byte-only device: two byte writes, low first,
 * both handed to the device (QEMU does not clip to the region). */
static void test_split_byte_device(void)
{
    AddressSpace *as = address_space_new("io", 0x10000, 0xff);
    Rec r;

    rec_init(&r, &byte_ops, 1, 0x03);
    g_assert_true(address_space_map(as, &r.mr, 0x505, "pvpanic", NULL));
    address_space_write(as, 0x505, 0x0201, 2);
    g_assert_cmpuint(r.n, ==, 2);
    g_assert_cmphex(r.log[0].addr, ==, 0);
    g_assert_cmphex(r.log[0].val, ==, 0x01);
    g_assert_cmphex(r.log[1].addr, ==, 1);
    g_assert_cmphex(r.log[1].val, ==, 0x02);
    g_assert_cmpuint(r.log[1].size, ==, 1);

    r.n = 0;
    r.fill = 0x10;
    /* bytes 0x10, 0x11, 0x12, 0x13 at offsets 0..3 */
    g_assert_cmphex(address_space_read(as, 0x505, 4), ==, 0x13121110);
    g_assert_cmpuint(r.n, ==, 4);
    g_assert_cmphex(address_space_read(as, 0x505, 2), ==, 0x1110);

    r.n = 0;
    address_space_write(as, 0x505, 0x0807060504030201ull, 8);
    g_assert_cmpuint(r.n, ==, 8);
    for (unsigned i = 0; i < 8; i++) {
        g_assert_cmphex(r.log[i].addr, ==, i);
        g_assert_cmphex(r.log[i].val, ==, i + 1);
    }
    address_space_free(as);
}

static void test_split_and_widen(void)
{
    AddressSpace *as = address_space_new("memory", UINT64_MAX, 0);
    Rec w, d, a;

    rec_init(&w, &word_ops, 8, 0x20);
    rec_init(&d, &dword_ops, 8, 0x40);
    rec_init(&a, &any_ops, 8, 0x60);
    g_assert_true(address_space_map(as, &w.mr, 0x1000, "w", NULL));
    g_assert_true(address_space_map(as, &d.mr, 0x2000, "d", NULL));
    g_assert_true(address_space_map(as, &a.mr, 0x3000, "a", NULL));

    /* 4-byte access on a 2-byte device: two word pieces. */
    address_space_write(as, 0x1000, 0xaabbccdd, 4);
    g_assert_cmpuint(w.n, ==, 2);
    g_assert_cmphex(w.log[0].val, ==, 0xccdd);
    g_assert_cmpuint(w.log[0].size, ==, 2);
    g_assert_cmphex(w.log[1].addr, ==, 2);
    g_assert_cmphex(w.log[1].val, ==, 0xaabb);

    /* 1-byte read on a 2-byte device: widened, low byte kept. */
    w.n = 0;
    g_assert_cmphex(address_space_read(as, 0x1002, 1), ==, 0x22);
    g_assert_cmpuint(w.log[0].size, ==, 2);

    /* 2-byte read on a dword device */
    g_assert_cmphex(address_space_read(as, 0x2000, 2), ==, 0x4140);
    g_assert_cmpuint(d.log[0].size, ==, 4);
    /* narrow write: one impl_min access with the value zero-extended */
    address_space_write(as, 0x2004, 0xee, 1);
    g_assert_cmpuint(d.log[1].size, ==, 4);
    g_assert_cmphex(d.log[1].val, ==, 0xee);

    /* A device that takes any size gets the access whole. */
    g_assert_cmphex(address_space_read(as, 0x3000, 8), ==,
                    0x6766656463626160ull);
    g_assert_cmpuint(a.n, ==, 1);
    g_assert_cmpuint(a.log[0].size, ==, 8);
    address_space_free(as);
}

static void test_overlap(void)
{
    AddressSpace *as = address_space_new("io", 0x10000, 0xff);
    Rec r1, r2, r3, r4;
    GError *err = NULL;

    rec_init(&r1, &byte_ops, 1, 0);
    rec_init(&r2, &byte_ops, 1, 0);
    rec_init(&r3, &byte_ops, 8, 0);
    rec_init(&r4, &byte_ops, 2, 0);
    g_assert_true(address_space_map(as, &r1.mr, 0x505, "pvpanic0", NULL));
    g_assert_false(address_space_map(as, &r2.mr, 0x505, "pvpanic", &err));
    g_assert_cmpstr(err->message, ==,
                    "I/O port range 0x505-0x505 of 'pvpanic' overlaps "
                    "0x505-0x505 of 'pvpanic0'");
    g_clear_error(&err);
    g_assert_false(r2.mr.mapped);

    g_assert_false(address_space_map(as, &r3.mr, 0x500, "serial", &err));
    g_assert_cmpstr(err->message, ==,
                    "I/O port range 0x500-0x507 of 'serial' overlaps "
                    "0x505-0x505 of 'pvpanic0'");
    g_clear_error(&err);

    /* Adjacent is fine on both sides. */
    g_assert_true(address_space_map(as, &r3.mr, 0x4fd, "a", NULL));
    g_assert_true(address_space_map(as, &r4.mr, 0x506, "b", NULL));
    g_assert_true(address_space_lookup(as, 0x504) == &r3.mr);
    g_assert_true(address_space_lookup(as, 0x507) == &r4.mr);
    g_assert_null(address_space_lookup(as, 0x508));

    /* Leaving the space, or mapping twice, fails. */
    address_space_unmap(as, &r4.mr);
    g_assert_false(address_space_map(as, &r4.mr, 0xffff, "edge", &err));
    g_assert_nonnull(strstr(err->message, "0xffff-0x10000 of 'edge'"));
    g_clear_error(&err);
    g_assert_false(address_space_map(as, &r1.mr, 0x600, "again", &err));
    g_clear_error(&err);
    address_space_free(as);
}

static void test_memory_overlap_message(void)
{
    AddressSpace *as = address_space_new("memory", UINT64_MAX, 0);
    Rec r1, r2;
    GError *err = NULL;

    rec_init(&r1, &any_ops, 0x1000, 0);
    rec_init(&r2, &any_ops, 0x10, 0);
    g_assert_true(address_space_map(as, &r1.mr, 0xfed00000, "hpet", NULL));
    g_assert_false(address_space_map(as, &r2.mr, 0xfed00ff8, "x", &err));
    g_assert_cmpstr(err->message, ==,
                    "Memory range 0xfed00ff8-0xfed01007 of 'x' overlaps "
                    "0xfed00000-0xfed00fff of 'hpet'");
    g_clear_error(&err);
    address_space_free(as);
}

static void test_unassigned(void)
{
    AddressSpace *io = address_space_new("io", 0x10000, 0xff);
    AddressSpace *mem = address_space_new("memory", UINT64_MAX, 0);

    g_assert_cmphex(address_space_read(io, 0x506, 1), ==, 0xff);
    g_assert_cmphex(address_space_read(io, 0x506, 2), ==, 0xffff);
    g_assert_cmphex(address_space_read(io, 0x506, 4), ==, 0xffffffff);
    g_assert_cmphex(address_space_read(io, 0x506, 8), ==, UINT64_MAX);
    /* beyond the space: unassigned, never a crash */
    g_assert_cmphex(address_space_read(io, 0x10000, 1), ==, 0xff);
    g_assert_cmphex(address_space_read(io, UINT64_MAX, 4), ==, 0xffffffff);
    address_space_write(io, 0x10000, 1, 1);
    address_space_write(io, 0x506, 1, 1);
    g_assert_cmphex(address_space_read(mem, 0xe0000000, 4), ==, 0);
    g_assert_cmphex(address_space_read(mem, UINT64_MAX, 8), ==, 0);
    address_space_write(mem, 0xe0000000, 0x1234, 2);
    /* odd sizes are clamped, 0 is a no-op */
    g_assert_cmphex(address_space_read(io, 0x506, 0), ==, 0);
    address_space_free(io);
    address_space_free(mem);
}

static void count_region(MemoryRegion *mr, void *opaque)
{
    uint64_t *prev = opaque;

    g_assert_cmphex(mr->addr, >, *prev);
    *prev = mr->addr;
}

/* Many regions mapped out of order: lookup and iteration stay sorted. */
static void test_many_regions(void)
{
    enum { N = 200 };
    AddressSpace *as = address_space_new("io", 0x10000, 0xff);
    Rec *r = g_new0(Rec, N);
    uint64_t prev = 0;

    for (unsigned i = 0; i < N; i++) {
        unsigned k = (i * 37) % N; /* a permutation of 0..N-1 */

        rec_init(&r[k], &byte_ops, 2, k);
        g_assert_true(
            address_space_map(as, &r[k].mr, 0x100 + k * 4, "r", NULL));
    }
    for (unsigned k = 0; k < N; k++) {
        g_assert_true(address_space_lookup(as, 0x100 + k * 4) == &r[k].mr);
        g_assert_true(address_space_lookup(as, 0x101 + k * 4) == &r[k].mr);
        g_assert_null(address_space_lookup(as, 0x102 + k * 4));
        g_assert_cmphex(address_space_read(as, 0x101 + k * 4, 1), ==,
                        (k + 1) & 0xff);
    }
    address_space_foreach(as, count_region, &prev);
    g_assert_cmphex(prev, ==, 0x100 + (N - 1) * 4);
    for (unsigned k = 0; k < N; k += 2) {
        address_space_unmap(as, &r[k].mr);
    }
    for (unsigned k = 0; k < N; k++) {
        g_assert_true(address_space_lookup(as, 0x100 + k * 4) ==
                      (k % 2 ? &r[k].mr : NULL));
    }
    address_space_free(as);
    g_free(r);
}

/*
 * Overlapping mappings (PCI BARs): the higher priority answers, among
 * equal priorities the later mapping; unmapping reveals what was below;
 * the pieces on either side of a covered range stay with their owner.
 */
static void test_overlap_priority(void)
{
    AddressSpace *as = address_space_new("memory", UINT64_MAX, 0);
    Rec low, a, b, top;

    rec_init(&low, &byte_ops, 0x100, 0x10);
    rec_init(&a, &byte_ops, 0x10, 0xa0);
    rec_init(&b, &byte_ops, 0x10, 0xb0);
    rec_init(&top, &byte_ops, 4, 0xc0);
    g_assert_true(address_space_map(as, &low.mr, 0x1000, "low", NULL));
    g_assert_true(address_space_map_overlap(as, &a.mr, 0x1040, 1, "a", NULL));
    /* a covers 0x1040-0x104f of low; low shows on both sides. */
    g_assert_true(address_space_lookup(as, 0x103f) == &low.mr);
    g_assert_true(address_space_lookup(as, 0x1040) == &a.mr);
    g_assert_true(address_space_lookup(as, 0x104f) == &a.mr);
    g_assert_true(address_space_lookup(as, 0x1050) == &low.mr);
    /* Offsets stay relative to each region's own base. */
    g_assert_cmphex(address_space_read(as, 0x1041, 1), ==, 0xa1);
    g_assert_cmphex(address_space_read(as, 0x1051, 1), ==, 0x10 + 0x51);
    /* Same priority, mapped later: b wins where they overlap. */
    g_assert_true(address_space_map_overlap(as, &b.mr, 0x1048, 1, "b", NULL));
    g_assert_true(address_space_lookup(as, 0x1047) == &a.mr);
    g_assert_true(address_space_lookup(as, 0x1048) == &b.mr);
    g_assert_true(address_space_lookup(as, 0x1057) == &b.mr);
    /* A higher priority mapped first still wins over later ones. */
    g_assert_true(address_space_map_overlap(as, &top.mr, 0x104c, 2, "t", NULL));
    g_assert_true(address_space_lookup(as, 0x104c) == &top.mr);
    address_space_unmap(as, &b.mr);
    g_assert_true(address_space_lookup(as, 0x1048) == &a.mr);
    g_assert_true(address_space_lookup(as, 0x104c) == &top.mr);
    g_assert_true(address_space_lookup(as, 0x1050) == &low.mr);
    address_space_unmap(as, &top.mr);
    address_space_unmap(as, &a.mr);
    g_assert_true(address_space_lookup(as, 0x1048) == &low.mr);
    /* A negative priority sits below a priority-0 claim. */
    g_assert_true(address_space_map_overlap(as, &a.mr, 0x10f8, -1, "a", NULL));
    g_assert_true(address_space_lookup(as, 0x10f8) == &low.mr);
    g_assert_true(address_space_lookup(as, 0x1100) == &a.mr);
    address_space_unmap(as, &a.mr);
    g_assert_null(address_space_lookup(as, 0x1100));
    address_space_unmap(as, &low.mr);
    address_space_free(as);
}

/* Overlap mappings never make an exclusive claim fail, and exclusive
 * claims still refuse each other with the same message. */
static void test_overlap_exclusive_mix(void)
{
    AddressSpace *as = address_space_new("io", 0x10000, 0xff);
    Rec bar, dev, other;
    g_autoptr(GError) err = NULL;

    rec_init(&bar, &byte_ops, 4, 0);
    rec_init(&dev, &byte_ops, 1, 0);
    rec_init(&other, &byte_ops, 2, 0);
    g_assert_true(
        address_space_map_overlap(as, &bar.mr, 0x500, 1, "bar", NULL));
    g_assert_true(address_space_map(as, &dev.mr, 0x502, "dev", NULL));
    g_assert_true(address_space_lookup(as, 0x502) == &bar.mr);
    g_assert_false(address_space_map(as, &other.mr, 0x501, "other", &err));
    g_assert_cmpstr(err->message, ==,
                    "I/O port range 0x501-0x502 of 'other' overlaps "
                    "0x502-0x502 of 'dev'");
    g_assert_false(other.mr.mapped);
    /* Mapped twice, or out of range: refused as before. */
    g_clear_error(&err);
    g_assert_false(
        address_space_map_overlap(as, &bar.mr, 0x600, 1, "bar", &err));
    g_clear_error(&err);
    g_assert_false(
        address_space_map_overlap(as, &other.mr, 0xffff, 1, "o", &err));
    address_space_unmap(as, &bar.mr);
    g_assert_true(address_space_lookup(as, 0x502) == &dev.mr);
    address_space_free(as);
}

/*
 * valid_max: accesses cut as QEMU cuts them, by size and by the
 * alignment of the offset in the region; pieces past the region are
 * unassigned.
 */
static uint64_t const_read(void *opaque, uint64_t addr, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++) {
        v |= UINT64_C(0x07) << (8 * i);
    }
    return v;
}

static const MemoryRegionOps valid4_ops = {
    .read = const_read,
    .write = rec_write,
    .impl_min = 1,
    .impl_max = 1,
    .valid_max = 4,
};

static void test_valid_max(void)
{
    AddressSpace *as = address_space_new("memory", UINT64_MAX, 0);
    Rec r;

    rec_init(&r, &valid4_ops, 2, 0);
    g_assert_true(
        address_space_map_overlap(as, &r.mr, 0xe0000000, 1, "p", NULL));
    g_assert_cmphex(address_space_read(as, 0xe0000000, 1), ==, 0x07);
    g_assert_cmphex(address_space_read(as, 0xe0000000, 2), ==, 0x0707);
    g_assert_cmphex(address_space_read(as, 0xe0000000, 4), ==, 0x07070707);
    g_assert_cmphex(address_space_read(as, 0xe0000000, 8), ==, 0x07070707);
    g_assert_cmphex(address_space_read(as, 0xe0000001, 2), ==, 0x0007);
    g_assert_cmphex(address_space_read(as, 0xe0000002, 1), ==, 0);
    /* An 8-byte write: the low half reaches the region as bytes. */
    address_space_write(as, 0xe0000000, 0x1122334455667788ull, 8);
    g_assert_cmpuint(r.n, ==, 4);
    g_assert_cmphex(r.log[0].val, ==, 0x88);
    g_assert_cmphex(r.log[3].addr, ==, 3);
    address_space_unmap(as, &r.mr);
    address_space_free(as);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/memory/dispatch", test_dispatch);
    g_test_add_func("/memory/split/byte-device", test_split_byte_device);
    g_test_add_func("/memory/split/widen", test_split_and_widen);
    g_test_add_func("/memory/overlap/io", test_overlap);
    g_test_add_func("/memory/overlap/memory", test_memory_overlap_message);
    g_test_add_func("/memory/unassigned", test_unassigned);
    g_test_add_func("/memory/many-regions", test_many_regions);
    g_test_add_func("/memory/overlap/priority", test_overlap_priority);
    g_test_add_func("/memory/overlap/exclusive-mix",
                    test_overlap_exclusive_mix);
    g_test_add_func("/memory/valid-max", test_valid_max);
    return g_test_run();
}
