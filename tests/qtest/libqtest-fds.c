/*
 * libqtest: passing descriptors to the VMM (SCM_RIGHTS) and counting the
 * ones it holds; see libqtest.h.
 */
#include "libqtest.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void qtest_send_with_fds(int fd, const void *buf, size_t len, const int *fds,
                         size_t nfds)
{
    size_t space = CMSG_SPACE(sizeof(int) * nfds);
    g_autofree char *control = g_malloc0(space);
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    struct msghdr msg = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control,
        .msg_controllen = space,
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    ssize_t n;

    g_assert(nfds > 0 && len > 0);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    do {
        n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    g_assert_cmpint(n, >, 0);
    /* The descriptors went with the first byte; the rest plainly. */
    for (size_t off = n; off < len; off += n) {
        do {
            n = write(fd, (const char *)buf + off, len - off);
        } while (n < 0 && errno == EINTR);
        g_assert_cmpint(n, >, 0);
    }
}

unsigned qtest_count_fds(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/fd", (int)pid);
    GDir *dir = g_dir_open(path, 0, NULL);
    unsigned n = 0;

    g_assert_nonnull(dir);
    while (g_dir_read_name(dir)) {
        n++;
    }
    g_dir_close(dir);
    return n;
}
