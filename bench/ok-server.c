/*
 * A do-nothing VMM stand-in: the ceiling of the unix sockets themselves.
 *
 *   ok-server [--batch] [--epoll] ... -qtest unix:PATH ... [-chardev
 * socket,path=Q,...]
 *
 * Takes the same command line shape as a VMM under libqtest and ignores
 * everything but "-qtest unix:PATH" and a "-chardev socket,path=..." (the
 * QMP monitor).  It connects to PATH and answers every line with "OK\n",
 * one write() per line, as a server that handles a line and then replies
 * does: that is the reference ceiling.  With --batch it answers all the
 * lines one read() brought with one write(): the most any server could
 * get out of the socket.
 *
 * With a QMP socket it sends a greeting, answers the first line with
 * {"return": {}}, and for each qtest "outb 0x505 1" writes a canned
 * GUEST_PANICKED event there before the "OK": the floor for the panic
 * latency measure.  With a QMP socket and no qtest socket it only
 * negotiates and exits 0 on "quit": the floor for the start-up measures.
 * Exits on EOF.
 */
#include "bench-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

static const char greeting[] =
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 0, "
    "\"major\": 0}, \"package\": \"ok-server\"}, \"capabilities\": []}}\r\n";
static const char qmp_return[] = "{\"return\": {}}\r\n";
static const char panicked[] =
    "{\"timestamp\": {\"seconds\": 0, \"microseconds\": 0}, "
    "\"event\": \"GUEST_PANICKED\", \"data\": {\"action\": \"run\"}}\r\n";

static int qmp_connect(const char *spec)
{
    char path[512];
    const char *p = strstr(spec, "path=");
    size_t len;

    if (!p) {
        return -1;
    }
    p += 5;
    len = strcspn(p, ",");
    if (len >= sizeof(path)) {
        bench_die("ok-server: QMP path too long");
    }
    memcpy(path, p, len);
    path[len] = '\0';
    return bench_connect(path, 10000);
}

/*
 * --epoll: sleep in epoll_wait() on both sockets and read the qtest one
 * when it is ready, as any server that serves more than one socket must
 * (Vigil's main loop does, with non-blocking reads); without it the
 * program sleeps in read() on the one socket it serves.
 */
static int epoll_setup(int fd, int qfd)
{
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN};

    if (ep < 0) {
        bench_die("epoll_create1: %s", strerror(errno));
    }
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    if (qfd >= 0) {
        ev.data.fd = qfd;
        epoll_ctl(ep, EPOLL_CTL_ADD, qfd, &ev);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return ep;
}

/* Wait until @fd is readable; false when the peer hung up. */
static bool epoll_until_readable(int ep, int fd)
{
    for (;;) {
        struct epoll_event evs[2];
        int n = epoll_wait(ep, evs, 2, -1);

        for (int i = 0; i < n; i++) {
            if (evs[i].data.fd == fd) {
                return true;
            }
            /* the QMP socket: nothing said there is answered after
             * negotiation; drop it, and stop when the client hung up */
            char junk[256];

            if (read(evs[i].data.fd, junk, sizeof(junk)) <= 0) {
                return false;
            }
        }
        if (n < 0 && errno != EINTR) {
            return false;
        }
    }
}

int main(int argc, char **argv)
{
    static char in[1 << 16], out[3 << 16];
    static BenchReader qmp;
    const char *path = NULL, *qmp_spec = NULL;
    bool batch = false, use_epoll = false;
    int fd, qfd = -1, ep = -1;
    size_t match = 0; /* bytes of "outb 0x505 1\n" seen on this line */
    static const char panic_cmd[] = "outb 0x505 1\n";

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--batch")) {
            batch = true;
        } else if (!strcmp(argv[i], "--epoll")) {
            use_epoll = true;
        } else if (i + 1 < argc && !strcmp(argv[i], "-qtest") &&
                   !strncmp(argv[i + 1], "unix:", 5)) {
            path = argv[i + 1] + 5;
        } else if (i + 1 < argc && !strcmp(argv[i], "-chardev")) {
            qmp_spec = argv[i + 1];
        }
    }
    if (!path && !qmp_spec) {
        bench_die("ok-server: no -qtest unix:PATH and no -chardev");
    }
    fd = path ? bench_connect(path, 10000) : -1;
    if (qmp_spec) {
        qfd = qmp_connect(qmp_spec);
        if (qfd >= 0) {
            bench_write_all(qfd, greeting, sizeof(greeting) - 1);
            bench_reader_init(&qmp, qfd);
            if (!bench_read_line(&qmp, 10000)) {
                return 0;
            }
            bench_write_all(qfd, qmp_return, sizeof(qmp_return) - 1);
        }
    }
    if (fd < 0) {
        char *line;

        while ((line = bench_read_line(&qmp, 60000))) {
            bench_write_all(qfd, qmp_return, sizeof(qmp_return) - 1);
            if (strstr(line, "quit")) {
                return 0;
            }
        }
        return 0;
    }
    if (use_epoll) {
        ep = epoll_setup(fd, qfd);
    }
    for (;;) {
        ssize_t n;
        size_t len = 0;

        if (ep >= 0 && !epoll_until_readable(ep, fd)) {
            return 0;
        }
        n = read(fd, in, sizeof(in));

        if (n <= 0) {
            return 0;
        }
        for (ssize_t k = 0; k < n; k++) {
            match = (in[k] == panic_cmd[match]) ? match + 1 : 0;
            if (in[k] != '\n') {
                continue;
            }
            if (qfd >= 0 && match == sizeof(panic_cmd) - 1) {
                bench_write_all(qfd, panicked, sizeof(panicked) - 1);
            }
            match = 0;
            if (batch) {
                memcpy(out + len, "OK\n", 3);
                len += 3;
            } else {
                bench_write_all(fd, "OK\n", 3);
            }
        }
        if (len) {
            bench_write_all(fd, out, len);
        }
    }
}
