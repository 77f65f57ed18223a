/*
 * A reader of kdump-compressed files for the tests, written from the
 * format's description (makedumpfile's and crash's diskdump layout), not
 * from dump/dump-kdump.c: it reads fields at their byte offsets, checks
 * what it can, and rebuilds guest memory page by page with zlib, lzo or
 * snappy.  It takes the plain file and makedumpfile's flattened format.
 */
#ifndef TESTS_KDUMP_READER_H
#define TESTS_KDUMP_READER_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct KdumpImage {
    bool flattened;    /* the input was makedumpfile's flattened format */
    GByteArray *plain; /* the plain file (the flattened input rebuilt) */
    int32_t header_version;
    char machine[66]; /* utsname.machine */
    uint32_t status;  /* compression flag */
    uint32_t block_size;
    int32_t nr_cpus;
    uint64_t max_mapnr; /* max_mapnr_64 */
    uint64_t phys_base;
    const uint8_t *notes; /* into plain */
    uint64_t notes_len;
    char *vmcoreinfo;     /* the text the sub header points at, or NULL */
    uint8_t *present;     /* per pfn: 1 when both bitmaps have its bit */
    uint64_t *slot;       /* per pfn: its page in mem (present pfns only) */
    uint8_t *mem;         /* the present pages, in pfn order */
    uint64_t pages;       /* page descriptors read */
    uint64_t compressed;  /* pages stored compressed */
    uint64_t stored;      /* pages stored as they are, other than zero ones */
    uint64_t shared_zero; /* pages whose descriptor is the first one's */
} KdumpImage;

/*
 * Parse @len bytes at @file into @img.  Returns false with a message in
 * *@why (free it) on the first thing that is not as the format says.
 */
bool kdump_read(const uint8_t *file, size_t len, KdumpImage *img, char **why);
void kdump_image_clear(KdumpImage *img);

/*
 * Compare guest-physical [@gpa, @gpa + @len) of @img with @buf, as
 * memcmp() does; pages that are not present read as zero.  (Only present
 * pages are kept: a guest with a ROM below 4 GiB has a million pfns.)
 */
int kdump_compare(const KdumpImage *img, uint64_t gpa, const uint8_t *buf,
                  uint64_t len);

/* The number of ELF notes of @type in img->notes; -1 if malformed. */
int kdump_count_notes(const KdumpImage *img, uint32_t type, const char *name);

#endif /* TESTS_KDUMP_READER_H */
