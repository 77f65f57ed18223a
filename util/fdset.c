/*
 * File descriptor sets and qemu_open() (include/qemu/fdset.h).
 */
#include "qemu/fdset.h"
#include "qemu/option.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#define FDSET_PREFIX "/dev/fdset/"

typedef struct FdsetFd {
    int fd;
    char *opaque;
    bool removed;
} FdsetFd;

typedef struct Fdset {
    int64_t id;
    GArray *fds;  /* FdsetFd, oldest first */
    GArray *dups; /* int: fds qemu_open() handed out, still open */
} Fdset;

static GPtrArray *fdsets;     /* Fdset *, ascending id */
static GArray *inherited_fds; /* int: the M of each -add-fd */

static void fdset_fd_clear(gpointer p)
{
    FdsetFd *f = p;

    close(f->fd);
    g_free(f->opaque);
}

static Fdset *fdset_find(int64_t id)
{
    for (guint i = 0; fdsets && i < fdsets->len; i++) {
        Fdset *set = g_ptr_array_index(fdsets, i);

        if (set->id == id) {
            return set;
        }
    }
    return NULL;
}

static void fdset_free(Fdset *set)
{
    g_array_unref(set->fds);
    g_array_unref(set->dups);
    g_free(set);
}

/* Set @id, created (in id order) if it does not exist yet. */
static Fdset *fdset_get(int64_t id)
{
    Fdset *set = fdset_find(id);
    guint pos = 0;

    if (set) {
        return set;
    }
    if (!fdsets) {
        fdsets = g_ptr_array_new();
    }
    while (pos < fdsets->len &&
           ((Fdset *)g_ptr_array_index(fdsets, pos))->id < id) {
        pos++;
    }
    set = g_new0(Fdset, 1);
    set->id = id;
    set->fds = g_array_new(false, false, sizeof(FdsetFd));
    g_array_set_clear_func(set->fds, fdset_fd_clear);
    set->dups = g_array_new(false, false, sizeof(int));
    g_ptr_array_insert(fdsets, pos, set);
    return set;
}

static void fdset_add(Fdset *set, int fd, const char *opaque)
{
    FdsetFd f = {.fd = fd, .opaque = g_strdup(opaque)};

    g_array_append_val(set->fds, f);
}

/* Forget @set if nothing is left in it. */
static void fdset_drop_if_empty(Fdset *set)
{
    if (set->fds->len == 0 && set->dups->len == 0) {
        g_ptr_array_remove(fdsets, set);
        fdset_free(set);
    }
}

/* ---- qemu_open ---- */

/* "/dev/fdset/N" -> N; -1 if N is not a non-negative decimal number. */
static int64_t fdset_parse_id(const char *s)
{
    char *end;
    gint64 id;

    if (!g_ascii_isdigit(*s)) {
        return -1;
    }
    errno = 0;
    id = g_ascii_strtoll(s, &end, 10);
    return *end || errno ? -1 : id;
}

/* QEMU's choice: the newest fd with the same access mode, dup'ed. */
static int fdset_dup(int64_t id, int flags)
{
    Fdset *set = fdset_find(id);
    int fd = -1, dup_fd;

    if (!set) {
        errno = ENOENT;
        return -1;
    }
    for (guint i = set->fds->len; i-- > 0;) {
        FdsetFd *f = &g_array_index(set->fds, FdsetFd, i);
        int fl = fcntl(f->fd, F_GETFL);

        if (fl < 0) {
            return -1;
        }
        if ((fl & O_ACCMODE) == (flags & O_ACCMODE)) {
            fd = f->fd;
            break;
        }
    }
    if (fd < 0) {
        errno = EACCES;
        return -1;
    }
    dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
        return -1;
    }
    /* What open() would have done with these flags, where it can be. */
    if (fcntl(dup_fd, F_SETFL, flags) < 0 ||
        ((flags & O_TRUNC ||
          (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) &&
         ftruncate(dup_fd, 0) < 0)) {
        int saved = errno;

        close(dup_fd);
        errno = saved;
        return -1;
    }
    g_array_append_val(set->dups, dup_fd);
    return dup_fd;
}

int qemu_open(const char *path, int flags, mode_t mode, GError **errp)
{
    int fd;

    if (g_str_has_prefix(path, FDSET_PREFIX)) {
        int64_t id = fdset_parse_id(path + strlen(FDSET_PREFIX));

        if (id < 0) {
            errno = EINVAL;
            error_setg(errp, "Could not parse fdset %s", path);
            return -1;
        }
        fd = fdset_dup(id, flags);
        if (fd < 0) {
            int saved = errno;

            error_setg(errp, "Could not dup FD for %s flags %x: %s", path,
                       (unsigned)flags, g_strerror(saved));
            errno = saved;
        }
        return fd;
    }
    do {
        fd = open(path, flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int saved = errno;

        error_setg(errp, "Could not %s '%s': %s",
                   flags & O_CREAT ? "create" : "open", path,
                   g_strerror(saved));
        errno = saved;
    }
    return fd;
}

/* @fd is about to be closed: if it is a dup of a set, forget it. */
static void fdset_forget_dup(int fd)
{
    for (guint i = 0; fdsets && i < fdsets->len; i++) {
        Fdset *set = g_ptr_array_index(fdsets, i);

        for (guint j = 0; j < set->dups->len; j++) {
            if (g_array_index(set->dups, int, j) == fd) {
                g_array_remove_index(set->dups, j);
                fdset_drop_if_empty(set);
                return;
            }
        }
    }
}

int qemu_close(int fd)
{
    fdset_forget_dup(fd);
    return close(fd);
}

FILE *qemu_fopen_w(const char *path)
{
    int fd = qemu_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666, NULL);
    FILE *f;

    if (fd < 0) {
        return NULL;
    }
    f = fdopen(fd, "w");
    if (!f) {
        int saved = errno;

        qemu_close(fd);
        errno = saved;
    }
    return f;
}

int qemu_fclose(FILE *f)
{
    fdset_forget_dup(fileno(f));
    return fclose(f);
}

/* ---- -add-fd ---- */

/* QemuOpts' number syntax (a leading '-' parses, the caller judges). */
static bool parse_number(const char *key, const char *v, int64_t *out,
                         GError **errp)
{
    char *end;

    errno = 0;
    *out = g_ascii_strtoll(v, &end, 0);
    if (!*v || *end || errno) {
        error_setg(errp, "Parameter '%s' expects a number", key);
        return false;
    }
    return true;
}

bool fdset_parse_add_fd(const char *arg, GError **errp)
{
    g_auto(GStrv) items = qemu_opts_split(arg);
    int64_t fd = -1, id = -1;
    g_autofree char *opaque = NULL;
    int dup_fd, fdfl;

    for (char **it = items; *it; it++) {
        const char *eq = strchr(*it, '=');
        g_autofree char *key = eq ? g_strndup(*it, eq - *it) : g_strdup(*it);
        const char *value = eq ? eq + 1 : "on";

        if (!strcmp(key, "fd")) {
            if (!parse_number(key, value, &fd, errp)) {
                return false;
            }
        } else if (!strcmp(key, "set")) {
            if (!parse_number(key, value, &id, errp)) {
                return false;
            }
        } else if (!strcmp(key, "opaque")) {
            g_free(opaque);
            opaque = g_strdup(value);
        } else {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
    }
    if (fd < 0) {
        error_setg(errp, "fd option is required and must be non-negative");
        return false;
    }
    if (fd <= STDERR_FILENO) {
        error_setg(errp, "fd cannot be a standard I/O stream");
        return false;
    }
    /* Inherited fds have FD_CLOEXEC clear; every fd of our own has it. */
    fdfl = fd > INT_MAX ? -1 : fcntl((int)fd, F_GETFD);
    if (fdfl < 0 || (fdfl & FD_CLOEXEC)) {
        error_setg(errp, "fd is not valid or already in use");
        return false;
    }
    if (id < 0) {
        error_setg(errp, "set option is required and must be non-negative");
        return false;
    }
    dup_fd = fcntl((int)fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
        error_setg(errp, "Error duplicating fd: %s", g_strerror(errno));
        return false;
    }
    fdset_add(fdset_get(id), dup_fd, opaque);
    if (!inherited_fds) {
        inherited_fds = g_array_new(false, false, sizeof(int));
    }
    g_array_append_val(inherited_fds, fd);
    return true;
}

void fdset_close_inherited(void)
{
    if (!inherited_fds) {
        return;
    }
    for (guint i = 0; i < inherited_fds->len; i++) {
        int fd = g_array_index(inherited_fds, int, i);

        /* The same M may be named twice: close it once. */
        if (fcntl(fd, F_GETFD) >= 0) {
            close(fd);
        }
    }
    g_clear_pointer(&inherited_fds, g_array_unref);
}

/* ---- QMP ---- */

bool fdset_add_fd(int fd, bool has_id, int64_t id, const char *opaque,
                  int64_t *id_out, GError **errp)
{
    if (has_id && id < 0) {
        close(fd);
        error_setg(errp, "Parameter 'fdset-id' expects a non-negative value");
        return false;
    }
    if (!has_id) {
        /* The lowest id no set has. */
        id = 0;
        for (guint i = 0; fdsets && i < fdsets->len; i++) {
            if (((Fdset *)g_ptr_array_index(fdsets, i))->id == id) {
                id++;
            }
        }
    }
    fdset_add(fdset_get(id), fd, opaque);
    *id_out = id;
    return true;
}

bool fdset_remove_fd(int64_t id, bool has_fd, int64_t fd, GError **errp)
{
    Fdset *set = fdset_find(id);

    for (guint i = 0; set && i < set->fds->len; i++) {
        FdsetFd *f = &g_array_index(set->fds, FdsetFd, i);

        if (!has_fd || f->fd == fd) {
            f->removed = true;
            if (has_fd) {
                return true;
            }
        }
    }
    if (set && !has_fd) {
        return true;
    }
    if (has_fd) {
        error_setg(errp,
                   "File descriptor named 'fdset-id:%" G_GINT64_FORMAT
                   ", fd:%" G_GINT64_FORMAT "' not found",
                   id, fd);
    } else {
        error_setg(errp,
                   "File descriptor named 'fdset-id:%" G_GINT64_FORMAT
                   "' not found",
                   id);
    }
    return false;
}

void fdset_cleanup(bool vm_running, bool clients_connected)
{
    for (guint i = fdsets ? fdsets->len : 0; i-- > 0;) {
        Fdset *set = g_ptr_array_index(fdsets, i);

        for (guint j = set->fds->len; vm_running && j-- > 0;) {
            FdsetFd *f = &g_array_index(set->fds, FdsetFd, j);

            if (f->removed || (set->dups->len == 0 && !clients_connected)) {
                g_array_remove_index(set->fds, j);
            }
        }
        fdset_drop_if_empty(set);
    }
}

void fdset_foreach(FdsetVisitFn *fn, void *opaque)
{
    for (guint i = 0; fdsets && i < fdsets->len; i++) {
        Fdset *set = g_ptr_array_index(fdsets, i);
        g_autofree FdsetFdInfo *info = g_new0(FdsetFdInfo, set->fds->len + 1);

        for (guint j = 0; j < set->fds->len; j++) {
            FdsetFd *f = &g_array_index(set->fds, FdsetFd, j);

            info[j].fd = f->fd;
            info[j].opaque = f->opaque;
        }
        fn(set->id, info, set->fds->len, opaque);
    }
}

void fdset_free_all(void)
{
    for (guint i = 0; fdsets && i < fdsets->len; i++) {
        fdset_free(g_ptr_array_index(fdsets, i));
    }
    g_clear_pointer(&fdsets, g_ptr_array_unref);
    /* Not closed here: main closed them; a harness's fds stay its own. */
    g_clear_pointer(&inherited_fds, g_array_unref);
}
