/*
 * Chardev internals shared by the chardev/ sources.  Not for frontends.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"
#include "qemu/main-loop.h"

typedef enum ChardevKind {
    CHARDEV_SOCKET,
    CHARDEV_STDIO,
    CHARDEV_NULL,
    CHARDEV_FILE,
    CHARDEV_RINGBUF,
} ChardevKind;

struct Chardev {
    char *id;
    ChardevKind kind;

    /* socket: unix when @path is set, else tcp @host:@port */
    char *path;
    char *host;
    char *port;
    bool server;
    bool wait;
    bool unlink_path; /* we created the unix socket file */
    /* fd=N: a socket the parent opened for us (libvirt passes the
     * monitor's listening socket this way); -1 if not given. */
    int passed_fd;

    /* ringbuf backend: the newest @rb_size bytes written (a power of
     * two); @rb_prod and @rb_cons count bytes ever put in and taken out,
     * so a position is "count & (rb_size - 1)". */
    uint8_t *rb;
    uint64_t rb_size;
    uint64_t rb_prod;
    uint64_t rb_cons;

    char *file_path; /* file backend */
    bool append;     /* file: append=on (O_APPEND instead of O_TRUNC) */
    /* logfile=: a copy of everything written to the chardev */
    char *logfile;
    bool logappend;
    int log_fd; /* -1 without logfile= */

    int listen_fd;  /* server socket, -1 otherwise */
    int in_fd;      /* connected peer (reads), -1 if none */
    int out_fd;     /* connected peer (writes), -1 if none */
    bool is_socket; /* use send(MSG_NOSIGNAL) */
    bool connected;
    int saved_fl[2]; /* stdio: fd flags to restore */

    /* What the main loop watches: listen_fd for accept, in_fd for
     * reading, out_fd for writing (the fd handlers are chr's). */
    bool listen_watched;
    bool in_watched;
    bool out_watched;
    unsigned in_gen; /* bumped whenever the input watch goes away */
    QEMUBH *idle_bh; /* deferred OPENED / CLOSED */
    bool pending_opened;
    bool pending_close;

    GString *outq;
    size_t outq_off;  /* bytes of @outq already written */
    guint64 consumed; /* bytes ever taken out of @outq by the peer */
    /* exit drain: when the peer last took bytes, and how far it must get */
    gint64 progress_us;
    guint64 drain_target;

    /* fds that came with the bytes being delivered (SCM_RIGHTS), for
     * the frontend to take during read(); the rest are closed after. */
    GArray *msgfds;

    const ChardevHandlers *h;
    void *opaque;
    bool accept_input;
};

/* char.c: every chardev, in command-line order (may be NULL) */
GPtrArray *chr_all(void);

/* char-socket.c */
bool chr_socket_open(Chardev *chr, GError **errp);
void chr_socket_listen_watch(Chardev *chr, bool on);
void chr_socket_close_listener(Chardev *chr);
char *chr_socket_describe(Chardev *chr);
/* query-chardev's filename of a socket chardev, as QEMU words it. */
char *chr_socket_filename(Chardev *chr);

/* char-io.c */
void chr_attach_fds(Chardev *chr, int in_fd, int out_fd, bool is_socket);
void chr_detach(Chardev *chr, bool notify);
void chr_set_nonblock(int fd);

#endif /* CHARDEV_INTERNAL_H */
