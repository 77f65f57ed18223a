/*
 * kdump-compressed dumps (see include/system/dump.h for the layout).
 *
 * Pages are compressed one at a time into two buffers, the page
 * descriptors and the page data, and each buffer is flushed at its own
 * file offset when it fills up: a page's data offset is only known once
 * the pages before it are compressed, so neither area can be written in
 * one go.  In the flattened format each flush is one record (the reader
 * places it); in the raw format it is a seek and a write.
 */
#include "system/dump.h"
#include "dump-internal.h"

#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define KDUMP_PAGE           4096u
#define KDUMP_SIGNATURE      "KDUMP   "
#define KDUMP_HEADER_VERSION 6
#define KDUMP_DUMP_LEVEL     1 /* QEMU's value */
#define KDUMP_FLAG_ZLIB      0x1
#define KDUMP_FLAG_LZO       0x2
#define KDUMP_FLAG_SNAPPY    0x4
#define KDUMP_FLUSH_AT       (1u << 20) /* bytes per area between flushes */
#define KDUMP_PHYS_BASE      "NUMBER(phys_base)="

#define FLAT_SIGNATURE   "makedumpfile"
#define FLAT_HEADER_SIZE 4096
#define FLAT_TYPE        1
#define FLAT_VERSION     1

/* The kernel's struct new_utsname: six 65-byte strings. */
#define UTS_LEN     65
#define UTS_MACHINE 4

/* struct disk_dump_header as an x86-64 makedumpfile/crash lays it out. */
typedef struct KdumpHeader {
    char signature[8];
    int32_t header_version;
    char utsname[6][UTS_LEN];
    uint8_t pad[6]; /* struct timeval is 8-aligned */
    int64_t tv_sec, tv_usec;
    uint32_t status;
    int32_t block_size;
    int32_t sub_hdr_size; /* blocks */
    uint32_t bitmap_blocks;
    uint32_t max_mapnr; /* clipped; max_mapnr_64 has the real one */
    uint32_t total_ram_blocks, device_blocks, written_blocks;
    uint32_t current_cpu;
    int32_t nr_cpus;
} KdumpHeader;

/* struct kdump_sub_header, header_version 6. */
typedef struct KdumpSubHeader {
    uint64_t phys_base;
    int32_t dump_level;
    int32_t split;
    uint64_t start_pfn, end_pfn;
    uint64_t offset_vmcoreinfo, size_vmcoreinfo;
    uint64_t offset_note, size_note;
    uint64_t offset_eraseinfo, size_eraseinfo;
    uint64_t start_pfn_64, end_pfn_64, max_mapnr_64;
} KdumpSubHeader;

/* struct page_desc. */
typedef struct KdumpPageDesc {
    int64_t offset;
    uint32_t size;
    uint32_t flags;
    uint64_t page_flags;
} KdumpPageDesc;

G_STATIC_ASSERT(offsetof(KdumpHeader, tv_sec) == 408);
G_STATIC_ASSERT(sizeof(KdumpHeader) == 464);
G_STATIC_ASSERT(sizeof(KdumpSubHeader) == 104);
G_STATIC_ASSERT(sizeof(KdumpPageDesc) == 24);

static const struct {
    const char *name;
    uint32_t flag; /* 0: ELF */
    bool raw;
} formats[DUMP_FORMAT__MAX] = {
    [DUMP_FORMAT_ELF] = {"elf", 0, false},
    [DUMP_FORMAT_KDUMP_ZLIB] = {"kdump-zlib", KDUMP_FLAG_ZLIB, false},
    [DUMP_FORMAT_KDUMP_RAW_ZLIB] = {"kdump-raw-zlib", KDUMP_FLAG_ZLIB, true},
    [DUMP_FORMAT_KDUMP_LZO] = {"kdump-lzo", KDUMP_FLAG_LZO, false},
    [DUMP_FORMAT_KDUMP_RAW_LZO] = {"kdump-raw-lzo", KDUMP_FLAG_LZO, true},
    [DUMP_FORMAT_KDUMP_SNAPPY] = {"kdump-snappy", KDUMP_FLAG_SNAPPY, false},
    [DUMP_FORMAT_KDUMP_RAW_SNAPPY] = {"kdump-raw-snappy", KDUMP_FLAG_SNAPPY,
                                      true},
};

const char *dump_format_name(DumpFormat fmt)
{
    return fmt < DUMP_FORMAT__MAX ? formats[fmt].name : NULL;
}

bool dump_format_parse(const char *name, DumpFormat *fmt)
{
    for (unsigned i = 0; i < DUMP_FORMAT__MAX; i++) {
        if (name && strcmp(name, formats[i].name) == 0) {
            *fmt = (DumpFormat)i;
            return true;
        }
    }
    return false;
}

bool dump_format_is_raw(DumpFormat fmt)
{
    return fmt < DUMP_FORMAT__MAX && formats[fmt].raw;
}

/* One dump being written. */
typedef struct KdumpWriter {
    int fd;
    bool flat;
    uint32_t flag;
    DumpProgress *prog;
    GByteArray *desc;  /* descriptors not yet written ... */
    uint64_t desc_off; /* ... and the file offset of the first one */
    GByteArray *data;
    uint64_t data_off;
    uint64_t data_end; /* file offset of the next page's data */
    uint8_t *cbuf;     /* one compressed page */
    size_t cbuf_size;
    void *lzo_work;
    z_stream zs; /* reset per page: compress2() would set it up each time */
    bool zs_ready;
} KdumpWriter;

static bool put_at(KdumpWriter *w, uint64_t off, const void *buf, size_t len,
                   GError **errp)
{
    if (w->flat) {
        uint64_t rec[2] = {htobe64(off), htobe64(len)};

        return dump_write_all(w->fd, rec, sizeof(rec), w->prog, false, errp) &&
               dump_write_all(w->fd, buf, len, w->prog, false, errp);
    }
    if (lseek(w->fd, (off_t)off, SEEK_SET) < 0) {
        error_setg(errp, "dump: failed to save memory: %s", g_strerror(errno));
        return false;
    }
    return dump_write_all(w->fd, buf, len, w->prog, false, errp);
}

/* Write out what an area holds; its next byte goes right after. */
static bool flush_area(KdumpWriter *w, GByteArray *area, uint64_t *off,
                       GError **errp)
{
    if (area->len == 0) {
        return true;
    }
    if (!put_at(w, *off, area->data, area->len, errp)) {
        return false;
    }
    *off += area->len;
    g_byte_array_set_size(area, 0);
    return true;
}

static bool page_is_zero(const uint8_t *p)
{
    for (size_t i = 0; i < KDUMP_PAGE; i += 64) {
        uint64_t w[8];

        memcpy(w, p + i, sizeof(w));
        if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7]) {
            return false;
        }
    }
    return true;
}

/* @page compressed into w->cbuf: its size, 0 if the compressor failed. */
static size_t compress_page(KdumpWriter *w, const uint8_t *page)
{
    switch (w->flag) {
    case KDUMP_FLAG_ZLIB:
        /* The same zlib stream compress2(Z_BEST_SPEED) writes. */
        if (deflateReset(&w->zs) != Z_OK) {
            return 0;
        }
        w->zs.next_in = (Bytef *)page;
        w->zs.avail_in = KDUMP_PAGE;
        w->zs.next_out = w->cbuf;
        w->zs.avail_out = (uInt)w->cbuf_size;
        return deflate(&w->zs, Z_FINISH) == Z_STREAM_END ? w->zs.total_out : 0;
    case KDUMP_FLAG_LZO: {
        lzo_uint n = 0;

        return lzo1x_1_compress(page, KDUMP_PAGE, w->cbuf, &n, w->lzo_work) ==
                       LZO_E_OK
                   ? n
                   : 0;
    }
    default: {
        size_t n = w->cbuf_size;

        return snappy_compress((const char *)page, KDUMP_PAGE, (char *)w->cbuf,
                               &n) == SNAPPY_OK
                   ? n
                   : 0;
    }
    }
}

static void add_desc(KdumpWriter *w, uint64_t off, uint32_t size,
                     uint32_t flags)
{
    KdumpPageDesc d = {.offset = (int64_t)off, .size = size, .flags = flags};

    g_byte_array_append(w->desc, (const guint8 *)&d, sizeof(d));
}

/* One non-zero page: compressed when that makes it smaller. */
static void add_page(KdumpWriter *w, const uint8_t *page)
{
    size_t n = compress_page(w, page);

    if (n > 0 && n < KDUMP_PAGE) {
        add_desc(w, w->data_end, (uint32_t)n, w->flag);
        g_byte_array_append(w->data, w->cbuf, (guint)n);
    } else {
        add_desc(w, w->data_end, KDUMP_PAGE, 0);
        g_byte_array_append(w->data, page, KDUMP_PAGE);
        n = KDUMP_PAGE;
    }
    w->data_end += n;
}

static gint block_cmp(gconstpointer a, gconstpointer b)
{
    const DumpBlock *x = a, *y = b;

    return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

/*
 * The pages a dump holds: @blocks sorted by address, each covering the
 * pfns [first, end) that no earlier block covered.  Returns the page
 * count; sets the bits in @bitmap when it is not NULL.
 */
static uint64_t walk_pfns(const DumpBlock *blocks, size_t nblocks,
                          uint8_t *bitmap, uint64_t *max_mapnr)
{
    uint64_t next = 0, n = 0;

    for (size_t i = 0; i < nblocks; i++) {
        uint64_t first = MAX(blocks[i].gpa / KDUMP_PAGE, next);
        uint64_t end =
            (blocks[i].gpa + blocks[i].size + KDUMP_PAGE - 1) / KDUMP_PAGE;

        for (uint64_t pfn = first; bitmap && pfn < end; pfn++) {
            bitmap[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
        }
        if (end > first) {
            n += end - first;
            next = end;
        }
    }
    *max_mapnr = next;
    return n;
}

/* The value the guest's VMCOREINFO gives phys_base, or 0. */
static uint64_t guest_phys_base(const GByteArray *note, uint64_t *text_off,
                                uint64_t *text_len)
{
    Elf64_Nhdr nh;
    g_autofree char *text = NULL;
    const char *p;

    *text_off = *text_len = 0;
    if (!note || note->len < sizeof(nh)) {
        return 0;
    }
    memcpy(&nh, note->data, sizeof(nh));
    *text_off = sizeof(nh) + ((nh.n_namesz + 3) & ~3u);
    *text_len = nh.n_descsz; /* dump_read_guest_note() checked both */
    text = g_strndup((const char *)note->data + *text_off, nh.n_descsz);
    for (p = text; p; p = strchr(p, '\n')) {
        p += *p == '\n';
        /* The kernel prints it with %ld (QEMU reads it as hex). */
        if (g_str_has_prefix(p, KDUMP_PHYS_BASE)) {
            return (uint64_t)g_ascii_strtoll(p + strlen(KDUMP_PHYS_BASE), NULL,
                                             10);
        }
    }
    return 0;
}

static bool put_headers(KdumpWriter *w, const GByteArray *notes,
                        const GByteArray *guest_note, unsigned ncpus,
                        uint64_t max_mapnr, uint64_t bitmap_len, GError **errp)
{
    uint32_t sub_blocks =
        (uint32_t)((sizeof(KdumpSubHeader) + notes->len + KDUMP_PAGE - 1) /
                   KDUMP_PAGE);
    uint8_t *blk = g_malloc0((1 + sub_blocks) * KDUMP_PAGE);
    KdumpHeader h = {
        .signature = KDUMP_SIGNATURE,
        .header_version = KDUMP_HEADER_VERSION,
        .utsname[UTS_MACHINE] = "x86_64",
        .status = w->flag,
        .block_size = KDUMP_PAGE,
        .sub_hdr_size = (int32_t)sub_blocks,
        .bitmap_blocks = (uint32_t)(2 * bitmap_len / KDUMP_PAGE),
        .max_mapnr = (uint32_t)MIN(max_mapnr, UINT32_MAX),
        .nr_cpus = (int32_t)ncpus,
    };
    KdumpSubHeader s = {
        .dump_level = KDUMP_DUMP_LEVEL,
        .offset_note = KDUMP_PAGE + sizeof(KdumpSubHeader),
        .size_note = notes->len,
        .max_mapnr_64 = max_mapnr,
    };
    uint64_t text_off, text_len;
    bool ok;

    /* The guest's note is the last one; point at its text. */
    s.phys_base = guest_phys_base(guest_note, &text_off, &text_len);
    if (guest_note) {
        s.offset_vmcoreinfo =
            s.offset_note + notes->len - guest_note->len + text_off;
        s.size_vmcoreinfo = text_len;
    }
    memcpy(blk, &h, sizeof(h));
    memcpy(blk + KDUMP_PAGE, &s, sizeof(s));
    if (notes->len) { /* an empty GByteArray has no data pointer */
        memcpy(blk + KDUMP_PAGE + sizeof(s), notes->data, notes->len);
    }
    ok = put_at(w, 0, blk, (1 + sub_blocks) * KDUMP_PAGE, errp);
    g_free(blk);
    return ok;
}

static bool put_flat_header(KdumpWriter *w, GError **errp)
{
    uint8_t h[FLAT_HEADER_SIZE] = {0};
    uint64_t type = htobe64(FLAT_TYPE), version = htobe64(FLAT_VERSION);

    memcpy(h, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE));
    memcpy(h + 16, &type, sizeof(type));
    memcpy(h + 24, &version, sizeof(version));
    return dump_write_all(w->fd, h, sizeof(h), w->prog, false, errp);
}

static bool cancelled(const DumpProgress *p)
{
    return p && __atomic_load_n(&p->cancel, __ATOMIC_ACQUIRE);
}

/* Every page of @blocks (sorted) into the two areas, in pfn order. */
static bool put_pages(KdumpWriter *w, const DumpBlock *blocks, size_t nblocks,
                      GError **errp)
{
    uint64_t zero_off = w->data_end, next = 0;
    uint8_t part[KDUMP_PAGE];

    /* The one zero page all zero pages share comes first. */
    g_byte_array_set_size(w->data, KDUMP_PAGE);
    memset(w->data->data, 0, KDUMP_PAGE);
    w->data_end += KDUMP_PAGE;
    for (size_t i = 0; i < nblocks; i++) {
        const DumpBlock *b = &blocks[i];
        uint64_t end = b->gpa + b->size;
        uint64_t pfn = MAX(b->gpa / KDUMP_PAGE, next);

        for (; pfn * KDUMP_PAGE < end; pfn++) {
            uint64_t lo = MAX(pfn * KDUMP_PAGE, b->gpa);
            uint64_t hi = MIN((pfn + 1) * KDUMP_PAGE, end);
            const uint8_t *page = b->host + (lo - b->gpa);

            if (hi - lo < KDUMP_PAGE) {
                /* A block edge inside a page: the rest reads as zero. */
                memset(part, 0, sizeof(part));
                memcpy(part + lo % KDUMP_PAGE, page, hi - lo);
                page = part;
            }
            if (page_is_zero(page)) {
                add_desc(w, zero_off, KDUMP_PAGE, 0);
            } else {
                add_page(w, page);
            }
            if (cancelled(w->prog)) {
                error_setg(errp, "dump: cancelled");
                return false;
            }
            if ((w->desc->len >= KDUMP_FLUSH_AT &&
                 !flush_area(w, w->desc, &w->desc_off, errp)) ||
                (w->data->len >= KDUMP_FLUSH_AT &&
                 !flush_area(w, w->data, &w->data_off, errp))) {
                return false;
            }
            if (w->prog) {
                __atomic_add_fetch(&w->prog->completed, hi - lo,
                                   __ATOMIC_RELEASE);
            }
        }
        next = MAX(next, pfn);
    }
    return flush_area(w, w->desc, &w->desc_off, errp) &&
           flush_area(w, w->data, &w->data_off, errp);
}

bool dump_write_kdump(int fd, DumpFormat fmt, const VCPUDumpState *cpus,
                      unsigned ncpus, const GByteArray *guest_note,
                      const DumpBlock *blocks, size_t nblocks,
                      DumpProgress *progress, GError **errp)
{
    g_autoptr(GByteArray) notes = dump_build_notes(cpus, ncpus, guest_note);
    g_autofree DumpBlock *sorted = g_memdup2(blocks, nblocks * sizeof(*blocks));
    uint8_t *bitmap;
    uint64_t max_mapnr, npages, bitmap_len, bitmap_off;
    KdumpWriter w = {
        .fd = fd,
        .flat = !formats[fmt].raw,
        .flag = formats[fmt].flag,
        .prog = progress,
    };
    bool ok;

    g_assert(fmt != DUMP_FORMAT_ELF && fmt < DUMP_FORMAT__MAX);
    qsort(sorted, nblocks, sizeof(*sorted), block_cmp);
    walk_pfns(sorted, nblocks, NULL, &max_mapnr);
    bitmap_len =
        ((max_mapnr + 7) / 8 + KDUMP_PAGE - 1) / KDUMP_PAGE * KDUMP_PAGE;
    bitmap = g_malloc0(MAX(bitmap_len, 1));
    npages = walk_pfns(sorted, nblocks, bitmap, &max_mapnr);

    w.cbuf_size = MAX(compressBound(KDUMP_PAGE),
                      MAX(snappy_max_compressed_length(KDUMP_PAGE),
                          KDUMP_PAGE + KDUMP_PAGE / 16 + 64 + 3));
    w.cbuf = g_malloc(w.cbuf_size);
    if (w.flag == KDUMP_FLAG_LZO) {
        if (lzo_init() != LZO_E_OK) {
            g_free(w.cbuf);
            g_free(bitmap);
            error_setg(errp, "dump: failed to initialize lzo");
            return false;
        }
        w.lzo_work = g_malloc(LZO1X_1_MEM_COMPRESS);
    }
    if (w.flag == KDUMP_FLAG_ZLIB) {
        if (deflateInit(&w.zs, Z_BEST_SPEED) != Z_OK) {
            g_free(w.cbuf);
            g_free(bitmap);
            error_setg(errp, "dump: failed to initialize zlib");
            return false;
        }
        w.zs_ready = true;
    }
    w.desc = g_byte_array_sized_new(KDUMP_FLUSH_AT + KDUMP_PAGE);
    w.data = g_byte_array_sized_new(KDUMP_FLUSH_AT + KDUMP_PAGE);
    bitmap_off = (1 + (sizeof(KdumpSubHeader) + notes->len + KDUMP_PAGE - 1) /
                          KDUMP_PAGE) *
                 KDUMP_PAGE;
    /* One descriptor per page, plus the shared zero page's data. */
    w.desc_off = bitmap_off + 2 * bitmap_len;
    w.data_off = w.data_end = w.desc_off + npages * sizeof(KdumpPageDesc);

    ok = (!w.flat || put_flat_header(&w, errp)) &&
         put_headers(&w, notes, guest_note, ncpus, max_mapnr, bitmap_len,
                     errp) &&
         put_at(&w, bitmap_off, bitmap, bitmap_len, errp) &&
         put_at(&w, bitmap_off + bitmap_len, bitmap, bitmap_len, errp) &&
         put_pages(&w, sorted, nblocks, errp);
    if (ok && w.flat) {
        uint64_t end[2] = {UINT64_MAX, UINT64_MAX}; /* {-1, -1} */

        ok = dump_write_all(fd, end, sizeof(end), progress, false, errp);
    }
    g_byte_array_unref(w.desc);
    g_byte_array_unref(w.data);
    g_free(w.cbuf);
    g_free(w.lzo_work);
    g_free(bitmap);
    if (w.zs_ready) {
        deflateEnd(&w.zs);
    }
    return ok;
}

bool dump_write_format(int fd, DumpFormat fmt, const VCPUDumpState *cpus,
                       unsigned ncpus, const GByteArray *guest_note,
                       const DumpBlock *blocks, size_t nblocks,
                       DumpProgress *progress, GError **errp)
{
    if (fmt == DUMP_FORMAT_ELF) {
        return dump_write_elf_guest_note(fd, cpus, ncpus, guest_note, blocks,
                                         nblocks, progress, errp);
    }
    return dump_write_kdump(fd, fmt, cpus, ncpus, guest_note, blocks, nblocks,
                            progress, errp);
}
