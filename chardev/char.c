/*
 * Chardev registry and option parsing (-chardev and the compat syntax of
 * -qmp, -qtest, -serial).  Parsing only records; qemu_chr_open_all()
 * creates the sockets and files, so a bad command line fails before any
 * socket exists.
 */
#include "chardev-internal.h"
#include "qemu/cutils.h"
#include "qemu/fdset.h"
#include "qemu/option.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

static GPtrArray *chardevs; /* Chardev *, in command-line order */

typedef enum OptKey {
    KEY_ID,
    KEY_PATH,
    KEY_HOST,
    KEY_PORT,
    KEY_SERVER,
    KEY_WAIT,
    KEY_FD,
    KEY_APPEND,
    KEY_LOGFILE,
    KEY_LOGAPPEND,
    KEY_SIZE,
} OptKey;

typedef struct OptDesc {
    const char *name;
    OptKey key;
    bool is_bool;
} OptDesc;

/* Every backend also takes logfile= and logappend= (QEMU's common ones). */
static const OptDesc socket_opts[] = {
    {"id", KEY_ID, false},
    {"path", KEY_PATH, false},
    {"host", KEY_HOST, false},
    {"port", KEY_PORT, false},
    {"server", KEY_SERVER, true},
    {"wait", KEY_WAIT, true},
    {"fd", KEY_FD, false},
    {"logfile", KEY_LOGFILE, false},
    {"logappend", KEY_LOGAPPEND, true},
    {NULL},
};
static const OptDesc file_opts[] = {
    {"id", KEY_ID, false},
    {"path", KEY_PATH, false},
    {"append", KEY_APPEND, true},
    {"logfile", KEY_LOGFILE, false},
    {"logappend", KEY_LOGAPPEND, true},
    {NULL},
};
static const OptDesc ringbuf_opts[] = {
    {"id", KEY_ID, false},
    {"size", KEY_SIZE, false},
    {"logfile", KEY_LOGFILE, false},
    {"logappend", KEY_LOGAPPEND, true},
    {NULL},
};
static const OptDesc id_opts[] = {
    {"id", KEY_ID, false},
    {"logfile", KEY_LOGFILE, false},
    {"logappend", KEY_LOGAPPEND, true},
    {NULL},
};

static const struct {
    const char *name;
    ChardevKind kind;
    const OptDesc *opts;
} backends[] = {
    {"socket", CHARDEV_SOCKET, socket_opts},
    {"stdio", CHARDEV_STDIO, id_opts},
    {"null", CHARDEV_NULL, id_opts},
    {"file", CHARDEV_FILE, file_opts},
    {"ringbuf", CHARDEV_RINGBUF, ringbuf_opts},
};

/* Legacy short booleans: "server" means server=on, "nowait" wait=off. */
static const struct {
    const char *word;
    const char *key;
    const char *value;
} short_bools[] = {
    {"server", "server", "on"},
    {"noserver", "server", "off"},
    {"wait", "wait", "on"},
    {"nowait", "wait", "off"},
};

/*
 * fd=N names an inherited descriptor.  QEMU also accepts the name of an
 * fd passed with "getfd", which Vigil does not have: a name is an error.
 */
static bool parse_fd(const char *v, int *out, GError **errp)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (!g_ascii_isdigit(*v) || *end || errno || n > INT_MAX) {
        error_setg(errp, "File descriptor named '%s' has not been found", v);
        return false;
    }
    *out = (int)n;
    return true;
}

static Chardev *chr_new(ChardevKind kind)
{
    Chardev *chr = g_new0(Chardev, 1);

    chr->kind = kind;
    chr->wait = true;
    chr->listen_fd = chr->in_fd = chr->out_fd = chr->passed_fd = -1;
    chr->log_fd = -1;
    chr->saved_fl[0] = chr->saved_fl[1] = -1;
    chr->outq = g_string_new(NULL);
    chr->accept_input = true;
    chr->rb_size = CHR_RINGBUF_DEFAULT_SIZE;
    return chr;
}

static void chr_free(Chardev *chr)
{
    g_free(chr->id);
    g_free(chr->path);
    g_free(chr->host);
    g_free(chr->port);
    g_free(chr->file_path);
    g_free(chr->logfile);
    g_free(chr->rb);
    if (chr->msgfds) {
        g_array_unref(chr->msgfds);
    }
    g_string_free(chr->outq, TRUE);
    g_free(chr);
}

/*
 * Apply "key=value,..." items (from @items, starting at @first) to @chr.
 * @warn: report deprecated short booleans (the -chardev form does; the
 * compat syntax accepts them silently, as QEMU 7.2 does).
 */
static bool apply_opts(Chardev *chr, const OptDesc *opts, char **items,
                       bool warn, GError **errp)
{
    for (char **it = items; *it; it++) {
        g_autofree char *key = NULL;
        const char *value;
        const char *eq = strchr(*it, '=');
        const OptDesc *d;

        if (**it == '\0') {
            continue;
        }
        if (eq) {
            key = g_strndup(*it, eq - *it);
            value = eq + 1;
        } else {
            size_t i;

            for (i = 0; i < G_N_ELEMENTS(short_bools); i++) {
                if (strcmp(*it, short_bools[i].word) == 0) {
                    break;
                }
            }
            if (i == G_N_ELEMENTS(short_bools)) {
                key = g_strdup(*it);
                value = "on";
            } else {
                key = g_strdup(short_bools[i].key);
                value = short_bools[i].value;
            }
            if (warn) {
                warn_report("short-form boolean option '%s' deprecated\n"
                            "Please use %s=%s instead",
                            *it, key, value);
            }
        }
        for (d = opts; d->name; d++) {
            if (strcmp(d->name, key) == 0) {
                break;
            }
        }
        if (!d->name) {
            error_setg(errp, "Invalid parameter '%s'", key);
            return false;
        }
        switch (d->key) {
        case KEY_ID:
            g_free(chr->id);
            chr->id = g_strdup(value);
            break;
        case KEY_PATH:
            if (chr->kind == CHARDEV_FILE) {
                g_free(chr->file_path);
                chr->file_path = g_strdup(value);
            } else {
                g_free(chr->path);
                chr->path = g_strdup(value);
            }
            break;
        case KEY_HOST:
            g_free(chr->host);
            chr->host = g_strdup(value);
            break;
        case KEY_PORT:
            g_free(chr->port);
            chr->port = g_strdup(value);
            break;
        case KEY_SERVER:
            if (!qemu_parse_bool(key, value, &chr->server, errp)) {
                return false;
            }
            break;
        case KEY_WAIT:
            if (!qemu_parse_bool(key, value, &chr->wait, errp)) {
                return false;
            }
            break;
        case KEY_FD:
            if (!parse_fd(value, &chr->passed_fd, errp)) {
                return false;
            }
            break;
        case KEY_APPEND:
            if (!qemu_parse_bool(key, value, &chr->append, errp)) {
                return false;
            }
            break;
        case KEY_LOGFILE:
            g_free(chr->logfile);
            chr->logfile = g_strdup(value);
            break;
        case KEY_LOGAPPEND:
            if (!qemu_parse_bool(key, value, &chr->logappend, errp)) {
                return false;
            }
            break;
        case KEY_SIZE:
            /* A QEMU size: bytes, or a K/M/G suffix. */
            if (!qemu_strtosz(value, 0, &chr->rb_size)) {
                error_setg(errp,
                           "Parameter 'size' expects a non-negative number "
                           "below 2^64");
                return false;
            }
            break;
        }
    }
    return true;
}

static bool chr_validate(Chardev *chr, GError **errp)
{
    if (!chr->id) {
        error_setg(errp, "chardev: no id specified");
        return false;
    }
    if (qemu_chr_find(chr->id)) {
        error_setg(errp, "Duplicate ID '%s' for chardev", chr->id);
        return false;
    }
    switch (chr->kind) {
    case CHARDEV_SOCKET:
        if (chr->passed_fd >= 0 && (chr->path || chr->host)) {
            error_setg(errp, "chardev: socket: 'fd' cannot be combined with "
                             "'path' or 'host'");
            return false;
        }
        if (chr->passed_fd >= 0) {
            break;
        }
        if (!chr->path && !chr->host) {
            error_setg(errp, "chardev: socket: no host given");
            return false;
        }
        if (!chr->path && !chr->port) {
            error_setg(errp, "chardev: socket: no port given");
            return false;
        }
        break;
    case CHARDEV_FILE:
        if (!chr->file_path) {
            error_setg(errp, "chardev: file: no filename given");
            return false;
        }
        break;
    case CHARDEV_RINGBUF:
        /* QEMU's test; it also lets 0 through, which then indexes a
         * zero-sized buffer: refused here with the same words. */
        if (chr->rb_size == 0 || (chr->rb_size & (chr->rb_size - 1)) ||
            chr->rb_size > CHR_RINGBUF_MAX_SIZE) {
            error_setg(errp, "size of ringbuf chardev must be power of two");
            return false;
        }
        break;
    default:
        break;
    }
    return true;
}

static Chardev *chr_register(Chardev *chr, GError **errp)
{
    if (!chr_validate(chr, errp)) {
        chr_free(chr);
        return NULL;
    }
    if (!chardevs) {
        chardevs = g_ptr_array_new();
    }
    g_ptr_array_add(chardevs, chr);
    return chr;
}

Chardev *qemu_chr_parse_opts(const char *opts, GError **errp)
{
    g_auto(GStrv) items = qemu_opts_split(opts);
    Chardev *chr;
    size_t b;

    for (b = 0; b < G_N_ELEMENTS(backends); b++) {
        if (strcmp(items[0] ? items[0] : "", backends[b].name) == 0) {
            break;
        }
    }
    if (b == G_N_ELEMENTS(backends)) {
        error_setg(errp, "'%s' is not a valid char driver name",
                   items[0] ? items[0] : "");
        return NULL;
    }
    chr = chr_new(backends[b].kind);
    if (!apply_opts(chr, backends[b].opts, items + 1, true, errp)) {
        chr_free(chr);
        return NULL;
    }
    return chr_register(chr, errp);
}

Chardev *qemu_chr_parse_compat(const char *label, const char *spec,
                               GError **errp)
{
    g_auto(GStrv) items = qemu_opts_split(spec);
    const char *head = items[0] ? items[0] : "";
    Chardev *chr;

    if (g_str_has_prefix(spec, "chardev:")) {
        chr = qemu_chr_find(spec + strlen("chardev:"));
        if (!chr) {
            error_setg(errp, "chardev \"%s\" not found",
                       spec + strlen("chardev:"));
        }
        return chr;
    }
    if (g_str_has_prefix(head, "unix:")) {
        chr = chr_new(CHARDEV_SOCKET);
        chr->path = g_strdup(head + strlen("unix:"));
    } else if (g_str_has_prefix(head, "tcp:")) {
        const char *hp = head + strlen("tcp:");
        const char *colon = strrchr(hp, ':');

        if (!colon) {
            error_setg(errp, "'%s' is not a valid char driver", spec);
            return NULL;
        }
        chr = chr_new(CHARDEV_SOCKET);
        chr->host = g_strndup(hp, colon - hp);
        chr->port = g_strdup(colon + 1);
        if (!chr->host[0]) {
            g_free(chr->host);
            chr->host = g_strdup("0.0.0.0");
        }
    } else if (strcmp(spec, "stdio") == 0) {
        chr = chr_new(CHARDEV_STDIO);
    } else if (strcmp(spec, "null") == 0 || strcmp(spec, "none") == 0) {
        chr = chr_new(CHARDEV_NULL);
    } else if (g_str_has_prefix(spec, "file:")) {
        chr = chr_new(CHARDEV_FILE);
        chr->file_path = g_strdup(spec + strlen("file:"));
        chr->id = g_strdup(label);
        return chr_register(chr, errp);
    } else {
        error_setg(errp, "'%s' is not a valid char driver", spec);
        return NULL;
    }
    if (chr->kind == CHARDEV_SOCKET &&
        !apply_opts(chr, socket_opts, items + 1, false, errp)) {
        chr_free(chr);
        return NULL;
    }
    g_free(chr->id);
    chr->id = g_strdup(label);
    return chr_register(chr, errp);
}

Chardev *qemu_chr_find(const char *id)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);

        if (strcmp(chr->id, id) == 0) {
            return chr;
        }
    }
    return NULL;
}

const char *qemu_chr_id(Chardev *chr)
{
    return chr->id;
}

const char *qemu_chr_type_name(Chardev *chr)
{
    static const char *const names[] = {
        [CHARDEV_SOCKET] = "chardev-socket",
        [CHARDEV_STDIO] = "chardev-stdio",
        [CHARDEV_NULL] = "chardev-null",
        [CHARDEV_FILE] = "chardev-file",
        [CHARDEV_RINGBUF] = "chardev-ringbuf",
    };

    return names[chr->kind];
}

char *qemu_chr_filename(Chardev *chr)
{
    if (chr->kind == CHARDEV_SOCKET) {
        return chr_socket_filename(chr);
    }
    /* QEMU's filename for the other kinds is the backend name. */
    return g_strdup(qemu_chr_type_name(chr) + strlen("chardev-"));
}

bool qemu_chr_has_frontend(Chardev *chr)
{
    return chr->h != NULL;
}

void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        fn(g_ptr_array_index(chardevs, i), opaque);
    }
}

static bool chr_open_one(Chardev *chr, GError **errp)
{
    int fd;

    if (chr->logfile) {
        chr->log_fd = qemu_open(chr->logfile,
                                O_WRONLY | O_CREAT |
                                    (chr->logappend ? O_APPEND : O_TRUNC),
                                0666, NULL);
        if (chr->log_fd < 0) {
            error_setg(errp, "Unable to open logfile %s: %s", chr->logfile,
                       g_strerror(errno));
            return false;
        }
    }
    switch (chr->kind) {
    case CHARDEV_SOCKET:
        return chr_socket_open(chr, errp);
    case CHARDEV_STDIO:
        chr->saved_fl[0] = fcntl(0, F_GETFL);
        chr->saved_fl[1] = fcntl(1, F_GETFL);
        chr_attach_fds(chr, 0, 1, false);
        return true;
    case CHARDEV_NULL:
        chr_attach_fds(chr, -1, -1, false);
        return true;
    case CHARDEV_RINGBUF:
        chr->rb = g_malloc0(chr->rb_size);
        chr_attach_fds(chr, -1, -1, false);
        return true;
    case CHARDEV_FILE:
        /* As QEMU: the file is truncated unless append=on. */
        fd = qemu_open(chr->file_path,
                       O_WRONLY | O_CREAT | (chr->append ? O_APPEND : O_TRUNC),
                       0666, NULL);
        if (fd < 0) {
            error_setg(errp, "Could not open '%s': %s", chr->file_path,
                       g_strerror(errno));
            return false;
        }
        chr_attach_fds(chr, -1, fd, false);
        return true;
    }
    return false;
}

bool qemu_chr_open_all(GError **errp)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        if (!chr_open_one(g_ptr_array_index(chardevs, i), errp)) {
            return false;
        }
    }
    return true;
}

void qemu_chr_cleanup_all(void)
{
    for (guint i = 0; chardevs && i < chardevs->len; i++) {
        Chardev *chr = g_ptr_array_index(chardevs, i);

        chr_detach(chr, false);
        chr_socket_close_listener(chr);
        if (chr->log_fd >= 0) {
            qemu_close(chr->log_fd);
        }
        qemu_bh_delete(chr->idle_bh);
        for (int fd = 0; fd < 2; fd++) {
            if (chr->saved_fl[fd] >= 0) {
                fcntl(fd, F_SETFL, chr->saved_fl[fd]);
            }
        }
        chr_free(chr);
    }
    if (chardevs) {
        g_ptr_array_free(chardevs, TRUE);
        chardevs = NULL;
    }
}

GPtrArray *chr_all(void)
{
    return chardevs;
}
