/*
 * The ringbuf backend: the newest bytes a frontend wrote, kept in memory
 * for QMP ringbuf-read (and ringbuf-write from a client).
 *
 * Positions are free-running 64-bit byte counts, so "full" and "empty"
 * need no extra flag and a reader that fell behind simply loses the
 * oldest bytes, as in QEMU.
 */
#include <string.h>

#include "chardev-internal.h"

bool qemu_chr_is_ringbuf(Chardev *chr)
{
    return chr->kind == CHARDEV_RINGBUF;
}

size_t qemu_chr_ringbuf_count(Chardev *chr)
{
    return chr->rb_prod - chr->rb_cons;
}

void qemu_chr_ringbuf_write(Chardev *chr, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    uint64_t mask = chr->rb_size - 1;

    if (!chr->rb) {
        return; /* not opened yet: nothing can have been attached */
    }
    /* Only the last rb_size bytes of a long write can survive. */
    if (len > chr->rb_size) {
        chr->rb_prod += len - chr->rb_size;
        p += len - chr->rb_size;
        len = chr->rb_size;
    }
    while (len) {
        uint64_t pos = chr->rb_prod & mask;
        size_t n = MIN(len, chr->rb_size - pos);

        memcpy(chr->rb + pos, p, n);
        chr->rb_prod += n;
        p += n;
        len -= n;
    }
    if (chr->rb_prod - chr->rb_cons > chr->rb_size) {
        chr->rb_cons = chr->rb_prod - chr->rb_size;
    }
}

size_t qemu_chr_ringbuf_read(Chardev *chr, void *buf, size_t len)
{
    uint8_t *p = buf;
    uint64_t mask = chr->rb_size - 1;
    size_t done = 0;

    len = MIN(len, qemu_chr_ringbuf_count(chr));
    while (done < len) {
        uint64_t pos = chr->rb_cons & mask;
        size_t n = MIN(len - done, chr->rb_size - pos);

        memcpy(p + done, chr->rb + pos, n);
        chr->rb_cons += n;
        done += n;
    }
    return done;
}
