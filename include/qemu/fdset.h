/*
 * File descriptor sets and the one way Vigil opens a file.
 *
 * A management layer that runs Vigil without giving it the right to open
 * paths (libvirt does) opens the files itself and hands over descriptors:
 * on the command line with "-add-fd set=N,fd=M[,opaque=STR]", or over QMP
 * with "add-fd" and SCM_RIGHTS.  Every option that opens a file then takes
 * "/dev/fdset/N" as its path, because every such open goes through
 * qemu_open() below.
 *
 * QEMU's rules, which these functions follow:
 *   - a set holds several fds; the newest fd whose access mode
 *     (O_ACCMODE) equals the requested one is chosen and dup'ed, the dup
 *     gets the requested status flags (O_APPEND, ...) and O_TRUNC, or
 *     O_CREAT|O_EXCL, truncates it; no fd with that access mode: EACCES;
 *     no such set: ENOENT; "/dev/fdset/abc": EINVAL;
 *   - the fds of a set stay open until removed ("remove-fd"); a removed
 *     fd is closed only while the VM runs (QEMU 7.2 keeps them while it
 *     is paused), and a set disappears once it has neither fds nor dups
 *     in use (query-fdsets shows a set whose fds were all removed while a
 *     dup is still open, with "fds": []).
 *
 * Main thread only (the BQL): nothing here is called from vCPU threads.
 */
#ifndef QEMU_FDSET_H
#define QEMU_FDSET_H

#include "qemu/common.h"

#include <stdio.h>
#include <sys/types.h>

/*
 * Open @path with open(2) @flags (O_CLOEXEC is always added) and @mode,
 * or dup an fd of a set for "/dev/fdset/N".  Returns the fd, or -1 with
 * errno set and errp (may be NULL) holding QEMU's message: "Could not
 * open 'P': ..." ("Could not create" with O_CREAT), "Could not dup FD
 * for /dev/fdset/N flags F: ...", "Could not parse fdset /dev/fdset/X".
 * Callers that word the error themselves (as QEMU does for chardev
 * files) pass NULL and use errno.  Close the result with qemu_close().
 */
int qemu_open(const char *path, int flags, mode_t mode, GError **errp);
/* close(2) that also forgets a dup handed out by qemu_open(); returns
 * close()'s result (a failed deferred write shows up here). */
int qemu_close(int fd);
/*
 * fopen(@path, "w") through qemu_open() (so "/dev/fdset/N" works), and
 * the matching fclose().  NULL with errno set on failure.
 */
FILE *qemu_fopen_w(const char *path);
int qemu_fclose(FILE *f);

/*
 * -add-fd "set=N,fd=M[,opaque=STR]": M must be an fd this process
 * inherited (open, not FD_CLOEXEC, not 0-2).  A dup of M joins set N;
 * M itself stays open until fdset_close_inherited(), so two -add-fd
 * may name the same M, as with QEMU.  QEMU's messages.
 */
bool fdset_parse_add_fd(const char *arg, GError **errp);
/* Close the M of every -add-fd: call once, after the command line. */
void fdset_close_inherited(void);

/*
 * QMP add-fd: @fd (owned, also on failure) joins set @id, or the lowest
 * free id when @has_id is false.  *id_out is the set it joined.
 */
bool fdset_add_fd(int fd, bool has_id, int64_t id, const char *opaque,
                  int64_t *id_out, GError **errp);
/*
 * QMP remove-fd: mark @fd (or, without @has_fd, every fd) of set @id as
 * removed; fdset_cleanup() closes it.  "File descriptor named
 * 'fdset-id:N[, fd:M]' not found" when there is no such set or fd.
 */
bool fdset_remove_fd(int64_t id, bool has_fd, int64_t fd, GError **errp);
/*
 * Close what QEMU would close now: removed fds, and, when no monitor
 * client is connected, every fd of a set with no dup in use; both only
 * while @vm_running.  Then drop sets with neither fds nor dups.  The
 * monitor calls it after remove-fd and when a client disconnects.
 */
void fdset_cleanup(bool vm_running, bool clients_connected);

typedef struct FdsetFdInfo {
    int fd;
    const char *opaque; /* NULL if none was given */
} FdsetFdInfo;
/* Every set in ascending id order, with its fds in the order added. */
typedef void FdsetVisitFn(int64_t id, const FdsetFdInfo *fds, size_t n,
                          void *opaque);
void fdset_foreach(FdsetVisitFn *fn, void *opaque);

/* At exit (and between fuzz inputs): close every fd of every set and
 * forget them; -add-fd originals not yet closed are only forgotten. */
void fdset_free_all(void);

#endif /* QEMU_FDSET_H */
