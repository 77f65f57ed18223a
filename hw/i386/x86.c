/*
 * The boot hand-off between the board and the accelerator
 * (hw/i386/x86.h).  One machine per process, so one record; the
 * default is an architectural reset, which is also right when nothing
 * was loaded.
 */
#include "hw/i386/x86.h"
#include "hw/i386/x86-loader.h"
#include "qemu/fdset.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static X86BootInfo boot_info = {.mode = X86_ENTRY_RESET};

void x86_set_boot_info(const X86BootInfo *bi)
{
    boot_info = *bi;
}

const X86BootInfo *x86_get_boot_info(void)
{
    return &boot_info;
}

bool x86_load_file(const char *what, const char *path, gchar **data, gsize *len,
                   GError **errp)
{
    /*
     * Plain POSIX I/O rather than g_file_get_contents(): GLib's message
     * repeats the path in its own quotes, while a QEMU user expects just
     * the errno text after our prefix.
     */
    int fd = qemu_open(path, O_RDONLY, 0, NULL);
    struct stat st;
    gsize off = 0;
    gchar *buf;

    if (fd < 0 || fstat(fd, &st) < 0) {
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        goto fail;
    }
    buf = g_malloc(st.st_size + 1);
    while (off < (gsize)st.st_size) {
        /* pread: a dup from an -add-fd set shares its file offset. */
        ssize_t n = pread(fd, buf + off, st.st_size - off, off);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO; /* the file shrank under us */
            }
            g_free(buf);
            goto fail;
        }
        off += n;
    }
    buf[off] = 0;
    qemu_close(fd);
    *data = buf;
    *len = off;
    return true;

fail:
    error_setg(errp, "could not load %s '%s': %s", what, path,
               g_strerror(errno));
    if (fd >= 0) {
        qemu_close(fd);
    }
    return false;
}
