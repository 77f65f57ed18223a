/*
 * Socket chardevs: unix (path=) and tcp (host=,port=), server or client.
 *
 * A client connects in qemu_chr_open_all().  A server listens with a
 * backlog of one and serves one peer at a time: while a peer is
 * connected the listening fd is not watched, so the next client waits
 * in the backlog until the current one goes away.
 */
#include "chardev-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <stdio.h>
#include <unistd.h>

char *chr_socket_describe(Chardev *chr)
{
    if (chr->passed_fd >= 0) {
        return g_strdup_printf("fd:%d%s", chr->passed_fd,
                               chr->server ? ",server=on" : "");
    }
    if (chr->path) {
        return g_strdup_printf("unix:%s%s", chr->path,
                               chr->server ? ",server=on" : "");
    }
    return g_strdup_printf("tcp:%s:%s%s", chr->host, chr->port,
                           chr->server ? ",server=on" : "");
}

/* "unix:PATH" or "tcp:HOST:PORT" of a socket's own (@peer: the other)
 * address, numeric, as QEMU prints it; NULL if it has none. */
static char *sock_addr_str(int fd, bool peer, bool with_proto)
{
    struct sockaddr_storage ss = {0};
    socklen_t len = sizeof(ss);
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    int rc = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                  : getsockname(fd, (struct sockaddr *)&ss, &len);

    if (rc < 0) {
        return NULL;
    }
    if (ss.ss_family == AF_UNIX) {
        const struct sockaddr_un *sun = (const struct sockaddr_un *)&ss;
        size_t n = len > offsetof(struct sockaddr_un, sun_path)
                       ? len - offsetof(struct sockaddr_un, sun_path)
                       : 0;

        return g_strdup_printf("unix:%.*s", (int)strnlen(sun->sun_path, n),
                               sun->sun_path);
    }
    if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        return NULL;
    }
    return g_strdup_printf(ss.ss_family == AF_INET6 ? "%s[%s]:%s" : "%s%s:%s",
                           with_proto ? "tcp:" : "", host, serv);
}

char *chr_socket_filename(Chardev *chr)
{
    const char *server = chr->server ? ",server=on" : "";
    g_autofree char *local = NULL;
    g_autofree char *remote = NULL;

    if (chr->connected && chr->in_fd >= 0) {
        local = sock_addr_str(chr->in_fd, false, true);
        if (local && g_str_has_prefix(local, "unix:")) {
            return g_strdup_printf("%s%s", local, server);
        }
        remote = sock_addr_str(chr->in_fd, true, false);
        if (local && remote) {
            return g_strdup_printf("%s%s <-> %s", local, server, remote);
        }
        return g_strdup("unknown");
    }
    /* Waiting for a client: where it listens (what it bound, fd= too). */
    local =
        chr->listen_fd >= 0 ? sock_addr_str(chr->listen_fd, false, true) : NULL;
    if (local) {
        return g_strdup_printf("disconnected:%s%s", local, server);
    }
    local = chr_socket_describe(chr);
    return g_strdup_printf("disconnected:%s", local);
}

static bool unix_addr(Chardev *chr, struct sockaddr_un *sun, GError **errp)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    if (strlen(chr->path) >= sizeof(sun->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", chr->path);
        return false;
    }
    strcpy(sun->sun_path, chr->path);
    return true;
}

/* The address of @chr's path and an unbound stream socket for it. */
static int unix_socket(Chardev *chr, struct sockaddr_un *sun, GError **errp)
{
    int fd;

    if (!unix_addr(chr, sun, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg(errp, "Failed to create socket: %s", g_strerror(errno));
    }
    return fd;
}

static int unix_listen(Chardev *chr, GError **errp)
{
    struct sockaddr_un sun;
    struct stat st;
    mode_t old_umask;
    int fd = unix_socket(chr, &sun, errp), ret;

    if (fd < 0) {
        return -1;
    }
    /* Replace a stale socket left by an earlier run, nothing else. */
    if (lstat(chr->path, &st) == 0 && S_ISSOCK(st.st_mode)) {
        unlink(chr->path);
    }
    /* Created 0600: only our user may drive the VM. */
    old_umask = umask(0177); /* socket file mode 0600 */
    ret = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
    umask(old_umask);
    if (ret < 0) {
        error_setg(errp, "Failed to bind socket to %s: %s", chr->path,
                   g_strerror(errno));
        close(fd);
        return -1;
    }
    chr->unlink_path = true;
    if (listen(fd, 1) < 0) {
        error_setg(errp, "Failed to listen on socket: %s", g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int unix_connect(Chardev *chr, GError **errp)
{
    struct sockaddr_un sun;
    int fd = unix_socket(chr, &sun, errp);

    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        error_setg(errp, "Failed to connect to '%s': %s", chr->path,
                   g_strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int tcp_open(Chardev *chr, GError **errp)
{
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    struct addrinfo *res, *ai;
    int fd = -1, err = 0, one = 1, rc;

    hints.ai_flags = chr->server ? AI_PASSIVE : 0;
    rc = getaddrinfo(chr->host, chr->port, &hints, &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s", chr->host,
                   chr->port, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (chr->server) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                listen(fd, 1) == 0) {
                break;
            }
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (chr->server) {
            error_setg(errp, "Failed to bind socket to %s:%s: %s", chr->host,
                       chr->port, g_strerror(err));
        } else {
            error_setg(errp, "Failed to connect to '%s:%s': %s", chr->host,
                       chr->port, g_strerror(err));
        }
    }
    return fd;
}

static void socket_connected(Chardev *chr, int fd)
{
    int one = 1;

    if (!chr->path) {
        /* Replies are small and latency matters more than batching. */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    chr_attach_fds(chr, fd, fd, true);
}

static void accept_cb(void *opaque)
{
    Chardev *chr = opaque;
    int fd = accept4(chr->listen_fd, NULL, NULL, SOCK_CLOEXEC);

    if (fd < 0) {
        return;
    }
    chr_socket_listen_watch(chr, false);
    socket_connected(chr, fd);
}

void chr_socket_listen_watch(Chardev *chr, bool on)
{
    on = on && chr->listen_fd >= 0 && !chr->connected;
    if (on != chr->listen_watched) {
        chr->listen_watched = on;
        qemu_set_fd_handler(chr->listen_fd, on ? accept_cb : NULL, NULL, chr);
    }
}

void chr_socket_close_listener(Chardev *chr)
{
    chr_socket_listen_watch(chr, false);
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
        chr->listen_fd = -1;
    }
    if (chr->unlink_path) {
        unlink(chr->path);
        chr->unlink_path = false;
    }
}

/* wait=on: block until the first client arrives, as QEMU does. */
static bool wait_for_client(Chardev *chr, GError **errp)
{
    g_autofree char *desc = chr_socket_describe(chr);
    int fd;

    fprintf(stderr,
            "%s: info: QEMU waiting for connection on: "
            "disconnected:%s\n",
            error_get_progname(), desc);
    for (;;) {
        struct pollfd pfd = {.fd = chr->listen_fd, .events = POLLIN};

        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
            error_setg(errp, "poll: %s", g_strerror(errno));
            return false;
        }
        fd = accept4(chr->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
            break;
        }
        if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) {
            error_setg(errp, "accept: %s", g_strerror(errno));
            return false;
        }
    }
    socket_connected(chr, fd);
    return true;
}

/*
 * fd=N: adopt an inherited socket.  It must be a stream socket, and a
 * listening one exactly when server=on, so that a mix-up fails at start
 * with a clear message instead of hanging on accept() or read().
 */
static int passed_socket(Chardev *chr, GError **errp)
{
    int fd = chr->passed_fd, type = 0, listening = 0;
    socklen_t len = sizeof(type);
    struct stat st;

    if (fstat(fd, &st) < 0) {
        error_setg(errp, "chardev: socket: fd %d: %s", fd, g_strerror(errno));
        return -1;
    }
    if (!S_ISSOCK(st.st_mode) ||
        getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
        type != SOCK_STREAM) {
        error_setg(errp, "chardev: socket: fd %d is not a stream socket", fd);
        return -1;
    }
    len = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0) {
        listening = 0;
    }
    if (chr->server != !!listening) {
        error_setg(errp,
                   chr->server ? "chardev: socket: fd %d is not listening "
                                 "(server=on needs a listening socket)"
                               : "chardev: socket: fd %d is a listening "
                                 "socket (add server=on)",
                   fd);
        return -1;
    }
    /* Ours now: not inherited by anything we might start. */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

bool chr_socket_open(Chardev *chr, GError **errp)
{
    int fd;

    if (chr->passed_fd >= 0) {
        fd = passed_socket(chr, errp);
    } else if (chr->server) {
        fd = chr->path ? unix_listen(chr, errp) : tcp_open(chr, errp);
    } else {
        fd = chr->path ? unix_connect(chr, errp) : tcp_open(chr, errp);
    }
    if (fd < 0) {
        return false;
    }
    if (!chr->server) {
        socket_connected(chr, fd);
        return true;
    }
    chr_set_nonblock(fd);
    chr->listen_fd = fd;
    if (chr->wait) {
        return wait_for_client(chr, errp);
    }
    chr_socket_listen_watch(chr, true);
    return true;
}
