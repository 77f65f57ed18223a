/*
 * The tests' kdump-compressed reader (see kdump-reader.h).
 */
#include "kdump-reader.h"

#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <string.h>
#include <zlib.h>

/* Byte offsets of the fields read, from the format's description. */
enum {
    H_SIGNATURE = 0,
    H_VERSION = 8,
    H_MACHINE = 12 + 4 * 65,
    H_STATUS = 424,
    H_BLOCK_SIZE = 428,
    H_SUB_HDR_SIZE = 432,
    H_BITMAP_BLOCKS = 436,
    H_MAX_MAPNR = 440,
    H_NR_CPUS = 460,
    S_PHYS_BASE = 0,
    S_OFFSET_VMCOREINFO = 32,
    S_SIZE_VMCOREINFO = 40,
    S_OFFSET_NOTE = 48,
    S_SIZE_NOTE = 56,
    S_MAX_MAPNR_64 = 96,
    DESC_SIZE = 24,
    FLAT_HEADER = 4096,
};

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = n; i-- > 0;) {
        v = v << 8 | p[i];
    }
    return v;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static bool fail(char **why, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool fail(char **why, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    *why = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    return false;
}

/* makedumpfile -R, in memory. */
static bool unflatten(const uint8_t *f, size_t len, GByteArray *out, char **why)
{
    size_t pos = FLAT_HEADER;

    if (len < FLAT_HEADER || be64(f + 16) != 1 || be64(f + 24) != 1) {
        return fail(why, "flattened header: bad type/version");
    }
    for (size_t i = 12; i < FLAT_HEADER; i++) {
        if ((i < 16 || i >= 32) && f[i]) {
            return fail(why, "flattened header: byte %zu is not zero", i);
        }
    }
    for (;;) {
        uint64_t off, size;

        if (len - pos < 16) {
            return fail(why, "flattened: no end record");
        }
        off = be64(f + pos);
        size = be64(f + pos + 8);
        pos += 16;
        if (off == UINT64_MAX && size == UINT64_MAX) {
            break;
        }
        if (off >> 62 || size > len - pos) {
            return fail(why, "flattened: bad record at %zu", pos - 16);
        }
        if (out->len < off + size) {
            size_t old = out->len;

            g_byte_array_set_size(out, (guint)(off + size));
            memset(out->data + old, 0, out->len - old);
        }
        memcpy(out->data + off, f + pos, size);
        pos += size;
    }
    if (pos != len) {
        return fail(why, "flattened: %zu bytes after the end record",
                    len - pos);
    }
    return true;
}

static bool inflate_page(uint32_t flags, const uint8_t *src, uint32_t n,
                         uint8_t *dst, uint32_t bs)
{
    if (flags == 0x1) {
        uLongf out = bs;

        return uncompress(dst, &out, src, n) == Z_OK && out == bs;
    }
    if (flags == 0x2) {
        lzo_uint out = bs;

        return lzo1x_decompress_safe(src, n, dst, &out, NULL) == LZO_E_OK &&
               out == bs;
    }
    if (flags == 0x4) {
        size_t out = 0;

        if (snappy_uncompressed_length((const char *)src, n, &out) !=
                SNAPPY_OK ||
            out != bs) {
            return false;
        }
        return snappy_uncompress((const char *)src, n, (char *)dst, &out) ==
                   SNAPPY_OK &&
               out == bs;
    }
    return false;
}

static bool read_pages(KdumpImage *img, const uint8_t *p, size_t len,
                       uint64_t bitmap_off, uint64_t bitmap_len, char **why)
{
    uint32_t bs = img->block_size;
    uint64_t desc = bitmap_off + 2 * bitmap_len, npages = 0, data0;
    const uint8_t *b1 = p + bitmap_off, *b2 = b1 + bitmap_len;

    for (uint64_t pfn = 0; pfn < img->max_mapnr; pfn++) {
        bool in1 = b1[pfn / 8] >> (pfn % 8) & 1,
             in2 = b2[pfn / 8] >> (pfn % 8) & 1;

        if (in2 && !in1) {
            return fail(why, "pfn %" G_GUINT64_FORMAT " dumped, not present",
                        pfn);
        }
        npages += in2;
    }
    if (desc + npages * DESC_SIZE > len) {
        return fail(why, "descriptors past the end of the file");
    }
    data0 = desc + npages * DESC_SIZE;
    img->present = g_malloc0(img->max_mapnr);
    img->slot = g_new0(uint64_t, img->max_mapnr);
    img->mem = g_malloc0(MAX(npages, 1) * bs);
    for (uint64_t pfn = 0; pfn < img->max_mapnr; pfn++, desc += DESC_SIZE) {
        uint8_t *dst = img->mem + img->pages * bs;
        uint64_t off;
        uint32_t size, flags;

        if (!(b2[pfn / 8] >> (pfn % 8) & 1)) {
            desc -= DESC_SIZE;
            continue;
        }
        img->present[pfn] = 1;
        img->slot[pfn] = img->pages++;
        off = le(p + desc, 8);
        size = (uint32_t)le(p + desc + 8, 4);
        flags = (uint32_t)le(p + desc + 12, 4);
        if (off < data0 || off > len || size > len - off) {
            return fail(why, "pfn %" G_GUINT64_FORMAT ": data out of the file",
                        pfn);
        }
        if (flags == 0) {
            if (size != bs) {
                return fail(why, "pfn %" G_GUINT64_FORMAT ": raw size %u", pfn,
                            size);
            }
            memcpy(dst, p + off, bs);
            img->shared_zero += off == data0;
            img->stored += off != data0;
        } else if (flags != img->status) {
            return fail(why, "pfn %" G_GUINT64_FORMAT ": flags %#x, not %#x",
                        pfn, flags, img->status);
        } else if (!inflate_page(flags, p + off, size, dst, bs)) {
            return fail(why, "pfn %" G_GUINT64_FORMAT ": does not decompress",
                        pfn);
        } else {
            img->compressed++;
        }
    }
    return true;
}

bool kdump_read(const uint8_t *file, size_t len, KdumpImage *img, char **why)
{
    const uint8_t *p, *s;
    uint64_t sub_blocks, bitmap_blocks, bitmap_off, bitmap_len, voff, vlen;

    memset(img, 0, sizeof(*img));
    img->plain = g_byte_array_new();
    if (len >= 16 && memcmp(file, "makedumpfile", 12) == 0) {
        img->flattened = true;
        if (!unflatten(file, len, img->plain, why)) {
            return false;
        }
    } else {
        g_byte_array_append(img->plain, file, (guint)len);
    }
    p = img->plain->data;
    len = img->plain->len;
    if (len < 4096 || memcmp(p + H_SIGNATURE, "KDUMP   ", 8) != 0) {
        return fail(why, "no KDUMP signature");
    }
    img->header_version = (int32_t)le(p + H_VERSION, 4);
    memcpy(img->machine, p + H_MACHINE, 65);
    img->status = (uint32_t)le(p + H_STATUS, 4);
    img->block_size = (uint32_t)le(p + H_BLOCK_SIZE, 4);
    img->nr_cpus = (int32_t)le(p + H_NR_CPUS, 4);
    if (img->header_version < 6 || img->block_size != 4096) {
        return fail(why, "header_version %d, block_size %u",
                    img->header_version, img->block_size);
    }
    sub_blocks = le(p + H_SUB_HDR_SIZE, 4);
    bitmap_blocks = le(p + H_BITMAP_BLOCKS, 4);
    s = p + img->block_size;
    if ((1 + sub_blocks) * img->block_size > len || bitmap_blocks % 2) {
        return fail(why, "sub header or bitmaps out of the file");
    }
    img->phys_base = le(s + S_PHYS_BASE, 8);
    img->max_mapnr = le(s + S_MAX_MAPNR_64, 8);
    if (le(p + H_MAX_MAPNR, 4) != MIN(img->max_mapnr, UINT32_MAX)) {
        return fail(
            why, "max_mapnr %" G_GUINT64_FORMAT " vs 64-bit %" G_GUINT64_FORMAT,
            le(p + H_MAX_MAPNR, 4), img->max_mapnr);
    }
    img->notes_len = le(s + S_SIZE_NOTE, 8);
    if (le(s + S_OFFSET_NOTE, 8) + img->notes_len >
        (1 + sub_blocks) * img->block_size) {
        return fail(why, "notes outside the sub header blocks");
    }
    img->notes = p + le(s + S_OFFSET_NOTE, 8);
    voff = le(s + S_OFFSET_VMCOREINFO, 8);
    vlen = le(s + S_SIZE_VMCOREINFO, 8);
    if (vlen) {
        if (voff < le(s + S_OFFSET_NOTE, 8) ||
            voff + vlen > le(s + S_OFFSET_NOTE, 8) + img->notes_len) {
            return fail(why, "VMCOREINFO outside the notes");
        }
        img->vmcoreinfo = g_strndup((const char *)p + voff, vlen);
    }
    bitmap_off = (1 + sub_blocks) * img->block_size;
    bitmap_len = bitmap_blocks / 2 * img->block_size;
    if (bitmap_off + 2 * bitmap_len > len || img->max_mapnr > bitmap_len * 8) {
        return fail(why,
                    "bitmaps: %" G_GUINT64_FORMAT
                    " blocks for %" G_GUINT64_FORMAT " pfns",
                    bitmap_blocks, img->max_mapnr);
    }
    return read_pages(img, p, len, bitmap_off, bitmap_len, why);
}

void kdump_image_clear(KdumpImage *img)
{
    if (img->plain) {
        g_byte_array_unref(img->plain);
    }
    g_free(img->vmcoreinfo);
    g_free(img->present);
    g_free(img->slot);
    g_free(img->mem);
    memset(img, 0, sizeof(*img));
}

int kdump_compare(const KdumpImage *img, uint64_t gpa, const uint8_t *buf,
                  uint64_t len)
{
    static const uint8_t zero[4096];

    while (len) {
        uint64_t pfn = gpa / img->block_size, in = gpa % img->block_size;
        uint64_t n = MIN(len, img->block_size - in);
        const uint8_t *page = zero;
        int d;

        if (pfn < img->max_mapnr && img->present[pfn]) {
            page = img->mem + img->slot[pfn] * img->block_size;
        }
        d = memcmp(page + in, buf, n);
        if (d) {
            return d;
        }
        gpa += n;
        buf += n;
        len -= n;
    }
    return 0;
}

int kdump_count_notes(const KdumpImage *img, uint32_t type, const char *name)
{
    uint64_t pos = 0;
    int n = 0;

    while (pos < img->notes_len) {
        uint32_t namesz, descsz;

        if (img->notes_len - pos < 12) {
            return -1;
        }
        namesz = (uint32_t)le(img->notes + pos, 4);
        descsz = (uint32_t)le(img->notes + pos + 4, 4);
        if (12 + (uint64_t)((namesz + 3) & ~3u) + ((descsz + 3) & ~3u) >
            img->notes_len - pos) {
            return -1;
        }
        if (le(img->notes + pos + 8, 4) == type && namesz == strlen(name) + 1 &&
            memcmp(img->notes + pos + 12, name, namesz) == 0) {
            n++;
        }
        pos += 12 + ((namesz + 3) & ~3u) + ((descsz + 3) & ~3u);
    }
    return n;
}
