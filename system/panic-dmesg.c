/*
 * The guest kernel's log, read from its memory at the panic.
 *
 * Linux (5.10 and later) keeps printk's records in a lockless ring
 * buffer, and its VMCOREINFO note (-device vmcoreinfo) gives the address
 * of the "prb" pointer and the offset of every field Vigil reads, so the
 * layout is not hard-coded per kernel version.  Kernel virtual addresses
 * are translated with the reporting vCPU's own page tables (CR3, 4- or
 * 5-level), so KASLR and wherever the buffers were allocated need no
 * special case.  This is what the console cannot give: Linux calls the
 * panic notifiers (pvpanic) before it flushes "Kernel panic - not
 * syncing" to the console, but the line is already in the ring buffer.
 *
 * Every value read comes from the guest and is treated as untrusted:
 * counts and lengths are bounded, and a bad pointer ends the walk.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "system/panic-record.h"

#include "hw/boards.h"
#include "system/dump.h"

#define LOG_MAX_RECORDS 4096
#define LOG_MAX_TEXT    1024 /* bytes of one record kept */

/* The VMCOREINFO values used: "SYMBOL(prb)=", "OFFSET(x.y)=", ... */
typedef struct Layout {
    uint64_t prb;
    uint64_t desc_ring, text_data_ring;            /* in printk_ringbuffer */
    uint64_t count_bits, descs, infos, head, tail; /* prb_desc_ring */
    uint64_t size_bits, data;                      /* prb_data_ring */
    uint64_t desc_size, state_var, text_blk_lpos;  /* prb_desc */
    uint64_t lpos_begin, lpos_next;                /* prb_data_blk_lpos */
    uint64_t info_size, ts_nsec, text_len;         /* printk_info */
    uint64_t counter;                              /* atomic_long_t */
} Layout;

static const struct {
    const char *key;
    size_t off;
    bool hex; /* SYMBOL values are hex, the others decimal */
} layout_keys[] = {
#define L(k, f, h)                                                             \
    {                                                                          \
        k, offsetof(Layout, f), h                                              \
    }
    L("SYMBOL(prb)", prb, true),
    L("OFFSET(printk_ringbuffer.desc_ring)", desc_ring, false),
    L("OFFSET(printk_ringbuffer.text_data_ring)", text_data_ring, false),
    L("OFFSET(prb_desc_ring.count_bits)", count_bits, false),
    L("OFFSET(prb_desc_ring.descs)", descs, false),
    L("OFFSET(prb_desc_ring.infos)", infos, false),
    L("OFFSET(prb_desc_ring.head_id)", head, false),
    L("OFFSET(prb_desc_ring.tail_id)", tail, false),
    L("OFFSET(prb_data_ring.size_bits)", size_bits, false),
    L("OFFSET(prb_data_ring.data)", data, false),
    L("SIZE(prb_desc)", desc_size, false),
    L("OFFSET(prb_desc.state_var)", state_var, false),
    L("OFFSET(prb_desc.text_blk_lpos)", text_blk_lpos, false),
    L("OFFSET(prb_data_blk_lpos.begin)", lpos_begin, false),
    L("OFFSET(prb_data_blk_lpos.next)", lpos_next, false),
    L("SIZE(printk_info)", info_size, false),
    L("OFFSET(printk_info.ts_nsec)", ts_nsec, false),
    L("OFFSET(printk_info.text_len)", text_len, false),
    L("OFFSET(atomic_long_t.counter)", counter, false),
#undef L
};

static bool parse_layout(const char *info, size_t len, Layout *l)
{
    unsigned found = 0;

    memset(l, 0, sizeof(*l));
    for (size_t i = 0; i < G_N_ELEMENTS(layout_keys); i++) {
        size_t klen = strlen(layout_keys[i].key);
        const char *p = info, *end = info + len;

        for (; p + klen + 1 < end; p++) {
            if ((p == info || p[-1] == '\n') &&
                memcmp(p, layout_keys[i].key, klen) == 0 && p[klen] == '=') {
                char num[24] = {0};
                const char *v = p + klen + 1;
                size_t n = 0;

                while (v + n < end && v[n] != '\n' && n < sizeof(num) - 1) {
                    num[n] = v[n];
                    n++;
                }
                *(uint64_t *)((char *)l + layout_keys[i].off) =
                    g_ascii_strtoull(num, NULL, layout_keys[i].hex ? 16 : 10);
                found++;
                break;
            }
        }
    }
    return found == G_N_ELEMENTS(layout_keys);
}

/* ---- guest memory through the vCPU's page tables ---- */

typedef struct Guest {
    MachineState *ms;
    uint64_t cr3;
    bool la57;
} Guest;

#define PTE_PRESENT 1ull
#define PTE_PS      (1ull << 7)
#define PTE_ADDR    0x000ffffffffff000ull

static bool virt_to_phys(const Guest *g, uint64_t va, uint64_t *pa)
{
    uint64_t table = g->cr3 & PTE_ADDR;
    int levels = g->la57 ? 5 : 4;

    for (int lvl = levels; lvl >= 1; lvl--) {
        unsigned shift = 12 + 9 * (lvl - 1);
        uint64_t e;

        if (!machine_mem_read(g->ms, table + ((va >> shift) & 511) * 8, &e,
                              8) ||
            !(e & PTE_PRESENT)) {
            return false;
        }
        if (lvl <= 3 && lvl >= 2 && (e & PTE_PS)) {
            uint64_t size = 1ull << shift;

            *pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
            return true;
        }
        table = e & PTE_ADDR;
    }
    *pa = table | (va & 0xfff);
    return true;
}

/* Read @len bytes at virtual @va, page by page. */
static bool vread(const Guest *g, uint64_t va, void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len) {
        uint64_t pa;
        size_t n = MIN(len, 4096 - (va & 4095));

        if (!virt_to_phys(g, va, &pa) || !machine_mem_read(g->ms, pa, p, n)) {
            return false;
        }
        va += n;
        p += n;
        len -= n;
    }
    return true;
}

static bool vread64(const Guest *g, uint64_t va, uint64_t *v)
{
    return vread(g, va, v, 8);
}

/* ---- the ring ---- */

#define DESC_SV_BITS     64
#define DESC_FLAGS_SHIFT (DESC_SV_BITS - 2)
#define DESC_ID_MASK     (~(3ull << DESC_FLAGS_SHIFT))
#define DESC_COMMITTED   1
#define DESC_FINALIZED   2

char *panic_guest_log(const uint8_t *vmcoreinfo, size_t vmcoreinfo_len,
                      const VCPUDumpState *st, size_t max_bytes)
{
    Guest g = {current_machine, st->cr[3], !!(st->cr[4] & (1u << 12))};
    g_autoptr(GString) out = g_string_new(NULL);
    Layout l;
    uint64_t prb, ring, data_ring, bits, sbits, descs, infos, data, head, tail;
    uint64_t count, size;

    if (!g.ms || !parse_layout((const char *)vmcoreinfo, vmcoreinfo_len, &l) ||
        !vread64(&g, l.prb, &prb)) {
        return NULL;
    }
    ring = prb + l.desc_ring;
    data_ring = prb + l.text_data_ring;
    bits = sbits = 0;
    if (!vread(&g, ring + l.count_bits, &bits, 4) ||
        !vread64(&g, ring + l.descs, &descs) ||
        !vread64(&g, ring + l.infos, &infos) ||
        !vread64(&g, ring + l.head + l.counter, &head) ||
        !vread64(&g, ring + l.tail + l.counter, &tail) ||
        !vread(&g, data_ring + l.size_bits, &sbits, 4) ||
        !vread64(&g, data_ring + l.data, &data) || bits > 24 || sbits > 30 ||
        bits == 0 || sbits < 6) {
        return NULL;
    }
    count = 1ull << bits;
    size = 1ull << sbits;
    head &= DESC_ID_MASK;
    tail &= DESC_ID_MASK;
    if (head - tail >= MIN(count, (uint64_t)LOG_MAX_RECORDS)) {
        tail = head - MIN(count, (uint64_t)LOG_MAX_RECORDS) + 1;
    }
    for (uint64_t id = tail;; id = (id + 1) & DESC_ID_MASK) {
        uint64_t idx = id & (count - 1);
        uint64_t sv, begin, next, ts = 0;
        uint16_t tlen = 0;
        char text[LOG_MAX_TEXT];
        uint64_t off;

        if (vread64(&g, descs + idx * l.desc_size + l.state_var, &sv) &&
            (sv & DESC_ID_MASK) == id &&
            ((sv >> DESC_FLAGS_SHIFT) == DESC_COMMITTED ||
             (sv >> DESC_FLAGS_SHIFT) == DESC_FINALIZED) &&
            vread64(&g,
                    descs + idx * l.desc_size + l.text_blk_lpos + l.lpos_begin,
                    &begin) &&
            vread64(&g,
                    descs + idx * l.desc_size + l.text_blk_lpos + l.lpos_next,
                    &next) &&
            vread(&g, infos + idx * l.info_size + l.text_len, &tlen, 2) &&
            vread64(&g, infos + idx * l.info_size + l.ts_nsec, &ts) &&
            !(begin & 1) && !(next & 1)) {
            /* A block that would wrap is stored at the ring's start. */
            off = (begin >> sbits) == (next >> sbits) ? begin & (size - 1) : 0;
            tlen = MIN(tlen, sizeof(text));
            if (off + 8 + tlen <= size &&
                vread(&g, data + off + 8, text, tlen)) {
                g_string_append_printf(out, "[%5" PRIu64 ".%06" PRIu64 "] ",
                                       ts / 1000000000, ts % 1000000000 / 1000);
                g_string_append_len(out, text, tlen);
                g_string_append_c(out, '\n');
            }
        }
        if (id == head) {
            break;
        }
    }
    if (out->len > max_bytes) {
        g_string_erase(out, 0, out->len - max_bytes);
    }
    return out->len ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}
