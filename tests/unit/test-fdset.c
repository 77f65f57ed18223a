/*
 * util/fdset.c: which fd of a set qemu_open() picks for /dev/fdset/N and
 * what it does to the dup, set ids for add-fd, and when remove-fd and a
 * client disconnect really close fds (QEMU 7.2's rules).
 */
#include "qemu/fdset.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static void describe(int64_t id, const FdsetFdInfo *fds, size_t n, void *opaque)
{
    GString *out = opaque;

    g_string_append_printf(out, "%" G_GINT64_FORMAT ":", id);
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(out, " %s", fds[i].opaque ? fds[i].opaque : "-");
    }
    g_string_append(out, ";");
}

static char *sets(void)
{
    GString *out = g_string_new(NULL);

    fdset_foreach(describe, out);
    return g_string_free(out, false);
}

static int tmp_open(int flags, char **path)
{
    g_autoptr(GError) err = NULL;
    int fd = g_file_open_tmp("test-fdset-XXXXXX", path, &err);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    fd = open(*path, flags | O_CLOEXEC);
    g_assert_cmpint(fd, >=, 0);
    return fd;
}

/* The newest fd with the requested access mode; flags and O_TRUNC. */
static void test_pick(void)
{
    g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL;
    g_autofree char *got = NULL;
    int64_t id;
    int fd;

    g_assert_true(
        fdset_add_fd(tmp_open(O_RDONLY, &p1), true, 3, "ro", &id, NULL));
    g_assert_true(
        fdset_add_fd(tmp_open(O_WRONLY, &p2), true, 3, "wo-old", &id, NULL));
    fd = tmp_open(O_WRONLY, &p3);
    g_assert_cmpint(write(fd, "old", 3), ==, 3);
    g_assert_true(fdset_add_fd(fd, true, 3, "wo-new", &id, NULL));

    fd = qemu_open("/dev/fdset/3", O_WRONLY | O_APPEND, 0, NULL);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(fcntl(fd, F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
    g_assert_cmpint(fcntl(fd, F_GETFL) & O_APPEND, ==, O_APPEND);
    g_assert_cmpint(write(fd, "+", 1), ==, 1);
    g_assert_cmpint(qemu_close(fd), ==, 0);
    g_assert_true(g_file_get_contents(p3, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, "old+"); /* the newest, appended */
    g_clear_pointer(&got, g_free);

    fd = qemu_open("/dev/fdset/3", O_WRONLY | O_TRUNC, 0, NULL);
    g_assert_cmpint(fd, >=, 0);
    qemu_close(fd);
    g_assert_true(g_file_get_contents(p3, &got, NULL, NULL));
    g_assert_cmpstr(got, ==, "");
    g_clear_pointer(&got, g_free);

    fd = qemu_open("/dev/fdset/3", O_RDONLY, 0, NULL);
    g_assert_cmpint(fd, >=, 0);
    qemu_close(fd);

    {
        g_autoptr(GError) err = NULL;

        g_assert_cmpint(qemu_open("/dev/fdset/3", O_RDWR, 0, &err), ==, -1);
        g_assert_cmpint(errno, ==, EACCES);
        g_assert_cmpstr(err->message, ==,
                        "Could not dup FD for /dev/fdset/3 flags 2: "
                        "Permission denied");
    }
    {
        g_autoptr(GError) err = NULL;

        g_assert_cmpint(qemu_open("/dev/fdset/4", O_WRONLY, 0, &err), ==, -1);
        g_assert_cmpint(errno, ==, ENOENT);
    }
    {
        g_autoptr(GError) err = NULL;

        g_assert_cmpint(qemu_open("/dev/fdset/3x", O_WRONLY, 0, &err), ==, -1);
        g_assert_cmpint(errno, ==, EINVAL);
        g_assert_cmpstr(err->message, ==,
                        "Could not parse fdset /dev/fdset/3x");
    }
    {
        g_autoptr(GError) err = NULL;

        g_assert_cmpint(
            qemu_open("/nonexistent/x", O_WRONLY | O_CREAT, 0600, &err), ==,
            -1);
        g_assert_cmpstr(err->message, ==,
                        "Could not create '/nonexistent/x': No such file or "
                        "directory");
    }
    got = sets();
    g_assert_cmpstr(got, ==, "3: ro wo-old wo-new;");
    fdset_free_all();
    unlink(p1);
    unlink(p2);
    unlink(p3);
}

/* add-fd without an id takes the lowest free one; ids stay sorted. */
static void test_ids(void)
{
    g_autofree char *p = NULL;
    g_autofree char *got = NULL;
    int fd = tmp_open(O_RDONLY, &p);
    int64_t id;
    g_autoptr(GError) err = NULL;

    g_assert_true(fdset_add_fd(dup(fd), true, 1, NULL, &id, NULL));
    g_assert_true(fdset_add_fd(dup(fd), false, 0, NULL, &id, NULL));
    g_assert_cmpint(id, ==, 0);
    g_assert_true(fdset_add_fd(dup(fd), false, 0, NULL, &id, NULL));
    g_assert_cmpint(id, ==, 2);
    g_assert_false(fdset_add_fd(dup(fd), true, -1, NULL, &id, &err));
    g_assert_cmpstr(err->message, ==,
                    "Parameter 'fdset-id' expects a non-negative value");
    got = sets();
    g_assert_cmpstr(got, ==, "0: -;1: -;2: -;");
    fdset_free_all();
    close(fd);
    unlink(p);
}

/*
 * remove-fd closes only while the VM runs; a set with a dup in use stays
 * (empty); with no client left, unused sets of a running VM go.
 */
static void test_cleanup(void)
{
    g_autofree char *p = NULL;
    g_autofree char *got = NULL;
    g_autoptr(GError) err = NULL;
    int fd = tmp_open(O_WRONLY, &p);
    int64_t id;
    int dup_fd;

    g_assert_true(fdset_add_fd(dup(fd), true, 0, "a", &id, NULL));
    g_assert_true(fdset_add_fd(dup(fd), true, 5, "b", &id, NULL));
    dup_fd = qemu_open("/dev/fdset/0", O_WRONLY, 0, NULL);
    g_assert_cmpint(dup_fd, >=, 0);

    g_assert_false(fdset_remove_fd(0, true, 999, &err));
    g_assert_cmpstr(err->message, ==,
                    "File descriptor named 'fdset-id:0, fd:999' not found");
    g_clear_error(&err);
    g_assert_false(fdset_remove_fd(7, false, 0, &err));
    g_assert_cmpstr(err->message, ==,
                    "File descriptor named 'fdset-id:7' not found");

    g_assert_true(fdset_remove_fd(0, false, 0, NULL));
    fdset_cleanup(false, true); /* paused: kept */
    got = sets();
    g_assert_cmpstr(got, ==, "0: a;5: b;");
    g_clear_pointer(&got, g_free);
    fdset_cleanup(true, true); /* running: closed; the dup keeps set 0 */
    got = sets();
    g_assert_cmpstr(got, ==, "0:;5: b;");
    g_clear_pointer(&got, g_free);
    qemu_close(dup_fd);
    got = sets();
    g_assert_cmpstr(got, ==, "5: b;");
    g_clear_pointer(&got, g_free);
    fdset_cleanup(true, false); /* last client gone: unused sets go */
    got = sets();
    g_assert_cmpstr(got, ==, "");
    fdset_free_all();
    close(fd);
    unlink(p);
}

/* -add-fd: QEMU's checks on the inherited fd and the option string. */
static void test_add_fd_option(void)
{
    g_autofree char *p = NULL;
    g_autofree char *arg = NULL;
    g_autofree char *got = NULL;
    int fd = tmp_open(O_WRONLY, &p);
    static const struct {
        const char *arg;
        const char *msg;
    } bad[] = {
        {"set=0", "fd option is required and must be non-negative"},
        {"set=0,fd=2", "fd cannot be a standard I/O stream"},
        {"set=0,fd=9999", "fd is not valid or already in use"},
        {"set=0,fd=z", "Parameter 'fd' expects a number"},
        {"set=0,fd=3,x=1", "Invalid parameter 'x'"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) err = NULL;

        g_assert_false(fdset_parse_add_fd(bad[i].arg, &err));
        g_assert_cmpstr(err->message, ==, bad[i].msg);
    }
    /* Ours (FD_CLOEXEC) is not an inherited fd. */
    arg = g_strdup_printf("set=1,fd=%d", fd);
    {
        g_autoptr(GError) err = NULL;

        g_assert_false(fdset_parse_add_fd(arg, &err));
        g_assert_cmpstr(err->message, ==, "fd is not valid or already in use");
    }
    fcntl(fd, F_SETFD, 0);
    {
        g_autoptr(GError) err = NULL;
        g_autofree char *noset = g_strdup_printf("fd=%d", fd);

        g_assert_false(fdset_parse_add_fd(noset, &err));
        g_assert_cmpstr(err->message, ==,
                        "set option is required and must be non-negative");
    }
    g_free(arg);
    arg = g_strdup_printf("set=1,fd=%d,opaque=serial0-source", fd);
    g_assert_true(fdset_parse_add_fd(arg, NULL));
    g_assert_true(fdset_parse_add_fd(arg, NULL)); /* the same M twice */
    got = sets();
    g_assert_cmpstr(got, ==, "1: serial0-source serial0-source;");
    fdset_close_inherited();
    g_assert_cmpint(fcntl(fd, F_GETFD), ==, -1); /* M was closed */
    fdset_free_all();
    unlink(p);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/fdset/pick", test_pick);
    g_test_add_func("/fdset/ids", test_ids);
    g_test_add_func("/fdset/cleanup", test_cleanup);
    g_test_add_func("/fdset/add-fd-option", test_add_fd_option);
    return g_test_run();
}
