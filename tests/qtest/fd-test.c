/*
 * Descriptors handed to Vigil, the way libvirt hands them over:
 * -add-fd sets used through "/dev/fdset/N" (a chardev file with
 * append=on, the pidfile), QEMU's errors for bad fds and sets, QMP
 * getfd/closefd/add-fd/remove-fd/query-fdsets with fds sent over
 * SCM_RIGHTS (and no fd left open that no command took), an inherited
 * listening socket as the monitor (-chardev socket,fd=N,server=on), an
 * inherited connected one, and query-chardev.
 */
#include "libqtest.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmp_path(const char *tag)
{
    return g_strdup_printf("%s/fd-test-%d-%s", g_get_tmp_dir(), getpid(), tag);
}

/* An fd the child inherits (no FD_CLOEXEC), as libvirt passes them. */
static int inheritable_open(const char *path, int flags)
{
    int fd = open(path, flags, 0600);

    g_assert_cmpint(fd, >=, 0);
    return fd;
}

static void assert_error(json_t *r, const char *desc)
{
    json_t *err = json_object_get(r, "error");

    g_assert_nonnull(err);
    g_assert_cmpstr(json_string_value(json_object_get(err, "desc")), ==, desc);
    json_decref(r);
}

static json_t *assert_return(json_t *r)
{
    json_t *ret = json_object_get(r, "return");

    g_assert_nonnull(ret);
    json_incref(ret);
    json_decref(r);
    return ret;
}

/* Run the binary through sh (so "N<file" redirections work); stderr. */
static char *run_sh(const char *args, int *status)
{
    g_autofree char *cmd =
        g_strdup_printf("exec %s -accel qtest %s", qtest_binary(), args);
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    g_autoptr(GError) err = NULL;
    char *out = NULL, *errtext = NULL;

    g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL, &out,
                               &errtext, status, &err));
    g_free(out);
    return errtext;
}

static void assert_fails(const char *args, const char *msg)
{
    g_autofree char *prog = g_path_get_basename(qtest_binary());
    g_autofree char *want = g_strdup_printf("%s: %s\n", prog, msg);
    int status;
    g_autofree char *err = run_sh(args, &status);

    qtest_assert_exit_status(status, 1);
    g_assert_cmpstr(err, ==, want);
}

/* QEMU's messages for every way -add-fd and /dev/fdset/N can be wrong. */
static void test_add_fd_errors(void)
{
    g_autofree char *pid = tmp_path("errors.pid");

    assert_fails("-add-fd set=0,fd=99",
                 "-add-fd set=0,fd=99: fd is not valid or already in use");
    assert_fails("-add-fd set=0", "-add-fd set=0: fd option is required and "
                                  "must be non-negative");
    assert_fails("-add-fd fd=5 5</dev/null", "-add-fd fd=5: set option is "
                                             "required and must be "
                                             "non-negative");
    assert_fails("-add-fd set=0,fd=1",
                 "-add-fd set=0,fd=1: fd cannot be a standard I/O stream");
    assert_fails("-add-fd set=0,fd=x",
                 "-add-fd set=0,fd=x: Parameter 'fd' expects a number");
    assert_fails("-add-fd set=0,fd=5,bogus=1 5</dev/null",
                 "-add-fd set=0,fd=5,bogus=1: Invalid parameter 'bogus'");
    /* No such set; a set without a write-only fd; not a set number. */
    assert_fails("-add-fd set=0,fd=5 -pidfile /dev/fdset/1 5>/dev/null",
                 "cannot create PID file: Could not dup FD for /dev/fdset/1 "
                 "flags 41: No such file or directory");
    assert_fails("-add-fd set=0,fd=5 -pidfile /dev/fdset/0 5</dev/null",
                 "cannot create PID file: Could not dup FD for /dev/fdset/0 "
                 "flags 41: Permission denied");
    assert_fails("-pidfile /dev/fdset/x",
                 "cannot create PID file: Could not parse fdset /dev/fdset/x");
    assert_fails("-chardev file,id=c,path=/dev/fdset/3 -serial chardev:c",
                 "Could not open '/dev/fdset/3': No such file or directory");
    g_assert_false(g_file_test(pid, G_FILE_TEST_EXISTS));
}

/*
 * libvirt's serial file: -add-fd set=0,fd=M,opaque=... and -chardev
 * file,path=/dev/fdset/0,append=on keeps what the file held; the pidfile
 * through a set too; without append=on a file chardev truncates;
 * logfile=,logappend=on copies a chardev's output after what was there.
 */
static void test_add_fd_files(void)
{
    g_autofree char *serial = tmp_path("serial.log");
    g_autofree char *pid = tmp_path("pid");
    g_autofree char *trunc = tmp_path("trunc.log");
    g_autofree char *log = tmp_path("chardev.log");
    g_autofree char *args = NULL;
    g_autofree char *content = NULL;
    g_autofree char *want_pid = NULL;
    int serial_fd, pid_fd;
    QTestState *s;
    json_t *ret;
    pid_t child;

    g_assert_true(g_file_set_contents(serial, "earlier\n", -1, NULL));
    g_assert_true(g_file_set_contents(trunc, "old contents\n", -1, NULL));
    g_assert_true(g_file_set_contents(log, "L:", -1, NULL));
    serial_fd = inheritable_open(serial, O_WRONLY | O_APPEND);
    pid_fd = inheritable_open(pid, O_WRONLY | O_CREAT | O_TRUNC);
    args = g_strdup_printf(
        "-add-fd set=0,fd=%d,opaque=serial0-source "
        "-chardev file,id=charserial0,path=/dev/fdset/0,append=on "
        "-serial chardev:charserial0 -add-fd set=4,fd=%d "
        "-pidfile /dev/fdset/4 -chardev file,id=t,path=%s "
        "-chardev null,id=nl,logfile=%s,logappend=on -serial chardev:nl",
        serial_fd, pid_fd, trunc, log);
    s = qtest_init(args);
    close(serial_fd);
    close(pid_fd);
    child = qtest_pid(s);

    qtest_outb(s, 0x3f8, 'O');
    qtest_outb(s, 0x3f8, 'K');
    qtest_outb(s, 0x2f8, 'x'); /* COM2: null, with a logfile */

    ret = assert_return(qtest_qmp(s, "{\"execute\": \"query-fdsets\"}"));
    /* Highest set first, as QEMU lists them. */
    g_assert_cmpuint(json_array_size(ret), ==, 2);
    g_assert_cmpint(
        json_integer_value(json_object_get(json_array_get(ret, 0), "fdset-id")),
        ==, 4);
    {
        json_t *set0 = json_array_get(ret, 1);
        json_t *fds = json_object_get(set0, "fds");

        g_assert_cmpint(json_integer_value(json_object_get(set0, "fdset-id")),
                        ==, 0);
        g_assert_cmpuint(json_array_size(fds), ==, 1);
        g_assert_cmpstr(json_string_value(
                            json_object_get(json_array_get(fds, 0), "opaque")),
                        ==, "serial0-source");
    }
    json_decref(ret);

    ret = assert_return(qtest_qmp(s, "{\"execute\": \"query-chardev\"}"));
    for (size_t i = 0; i < json_array_size(ret); i++) {
        json_t *c = json_array_get(ret, i);
        const char *label = json_string_value(json_object_get(c, "label"));

        if (!strcmp(label, "charserial0") || !strcmp(label, "t")) {
            g_assert_cmpstr(json_string_value(json_object_get(c, "filename")),
                            ==, "file");
            g_assert_true(json_is_true(json_object_get(c, "frontend-open")) ==
                          !strcmp(label, "charserial0"));
        }
    }
    json_decref(ret);

    /* The pid file holds the pid while Vigil runs. */
    want_pid = g_strdup_printf("%d\n", (int)child);
    g_assert_true(g_file_get_contents(pid, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, want_pid);
    g_clear_pointer(&content, g_free);
    g_assert_true(g_file_get_contents(trunc, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, "");
    g_clear_pointer(&content, g_free);

    qtest_quit_ok(s);
    g_assert_true(g_file_get_contents(serial, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, "earlier\nOK");
    g_clear_pointer(&content, g_free);
    g_assert_true(g_file_get_contents(log, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, "L:x");
    unlink(log);
    unlink(serial);
    unlink(pid);
    unlink(trunc);
}

static void qmp_roundtrip(QTestState *s)
{
    json_decref(assert_return(qtest_qmp(s, "{\"execute\": \"query-status\"}")));
}

/* Vigil's open fds once it has finished with everything sent so far
 * (fds a command did not take are closed after its reply is queued). */
static unsigned vigil_fds(QTestState *s)
{
    qmp_roundtrip(s);
    return qtest_count_fds(qtest_pid(s));
}

/* getfd/closefd and QEMU's errors; nothing a client sends stays open. */
static void test_getfd(void)
{
    g_autofree char *path = tmp_path("getfd");
    QTestState *s = qtest_init(NULL);
    int fd = inheritable_open(path, O_WRONLY | O_CREAT | O_TRUNC);
    int three[3] = {fd, fd, fd};
    unsigned base;

    base = vigil_fds(s);

    assert_error(qtest_qmp(s, "{\"execute\": \"getfd\", \"arguments\": "
                              "{\"fdname\": \"dump\"}}"),
                 "No file descriptor supplied via SCM_RIGHTS");
    assert_error(qtest_qmp_fds(s, &fd, 1,
                               "{\"execute\": \"getfd\", \"arguments\": "
                               "{\"fdname\": \"1dump\"}}"),
                 "Parameter 'fdname' expects a name not starting with a "
                 "digit");
    assert_error(qtest_qmp(s, "{\"execute\": \"closefd\", \"arguments\": "
                              "{\"fdname\": \"dump\"}}"),
                 "File descriptor named 'dump' not found");
    /* fds sent with commands that take none are closed. */
    for (int i = 0; i < 5; i++) {
        json_decref(assert_return(
            qtest_qmp_fds(s, three, 3, "{\"execute\": \"query-status\"}")));
    }
    g_assert_cmpuint(vigil_fds(s), ==, base);

    /* One name holds one fd: the one it replaces is closed. */
    for (int i = 0; i < 3; i++) {
        json_decref(assert_return(
            qtest_qmp_fds(s, three, 3,
                          "{\"execute\": \"getfd\", \"arguments\": "
                          "{\"fdname\": \"dump\"}}")));
        g_assert_cmpuint(vigil_fds(s), ==, base + 1);
    }
    json_decref(
        assert_return(qtest_qmp(s, "{\"execute\": \"closefd\", \"arguments\": "
                                   "{\"fdname\": \"dump\"}}")));
    g_assert_cmpuint(vigil_fds(s), ==, base);

    /* fds sent in the middle of a request go with it. */
    {
        const char *head = "{\"execute\": \"getfd\", ";
        const char *tail = "\"arguments\": {\"fdname\": \"split\"}}\n";
        json_t *r;

        qtest_send_with_fds(qtest_qmp_fd(s), head, strlen(head), &fd, 1);
        g_usleep(20 * 1000);
        qtest_qmp_send_raw(s, tail, strlen(tail));
        r = qtest_qmp_receive(s);
        json_decref(assert_return(r));
        g_assert_cmpuint(vigil_fds(s), ==, base + 1);
        json_decref(assert_return(
            qtest_qmp(s, "{\"execute\": \"closefd\", \"arguments\": "
                         "{\"fdname\": \"split\"}}")));
    }
    g_assert_cmpuint(vigil_fds(s), ==, base);
    close(fd);
    unlink(path);
    qtest_quit_ok(s);
}

/* add-fd/remove-fd/query-fdsets over QMP, and a set used by a dump. */
static void test_qmp_fdsets(void)
{
    g_autofree char *path = tmp_path("fdset.core");
    QTestState *s = qtest_init("-m 4");
    int fd = inheritable_open(path, O_WRONLY | O_CREAT | O_TRUNC);
    unsigned base;
    json_t *ret;
    json_int_t vigil_fd;

    base = vigil_fds(s);
    assert_error(qtest_qmp(s, "{\"execute\": \"add-fd\"}"),
                 "No file descriptor supplied via SCM_RIGHTS");
    ret = assert_return(qtest_qmp_fds(
        s, &fd, 1,
        "{\"execute\": \"add-fd\", \"arguments\": {\"fdset-id\": 2, "
        "\"opaque\": \"core\"}}"));
    g_assert_cmpint(json_integer_value(json_object_get(ret, "fdset-id")), ==,
                    2);
    vigil_fd = json_integer_value(json_object_get(ret, "fd"));
    json_decref(ret);
    /* Without an id: the lowest free one. */
    ret = assert_return(qtest_qmp_fds(s, &fd, 1, "{\"execute\": \"add-fd\"}"));
    g_assert_cmpint(json_integer_value(json_object_get(ret, "fdset-id")), ==,
                    0);
    json_decref(ret);

    ret = assert_return(qtest_qmp(s, "{\"execute\": \"query-fdsets\"}"));
    g_assert_cmpuint(json_array_size(ret), ==, 2);
    {
        json_t *set2 = json_array_get(ret, 0);
        json_t *f = json_array_get(json_object_get(set2, "fds"), 0);

        g_assert_cmpint(json_integer_value(json_object_get(set2, "fdset-id")),
                        ==, 2);
        g_assert_cmpint(json_integer_value(json_object_get(f, "fd")), ==,
                        vigil_fd);
        g_assert_cmpstr(json_string_value(json_object_get(f, "opaque")), ==,
                        "core");
    }
    json_decref(ret);

    /* A dump through the set. */
    json_decref(assert_return(qtest_qmp(
        s, "{\"execute\": \"dump-guest-memory\", \"arguments\": {\"paging\": "
           "false, \"protocol\": \"file:/dev/fdset/2\"}}")));
    {
        g_autofree char *core = NULL;
        gsize len;

        g_assert_true(g_file_get_contents(path, &core, &len, NULL));
        g_assert_cmpuint(len, >, 4u << 20);
        g_assert_cmpmem(core, 4, "\177ELF", 4);
    }

    assert_error(qtest_qmp(s, "{\"execute\": \"remove-fd\", \"arguments\": "
                              "{\"fdset-id\": 7}}"),
                 "File descriptor named 'fdset-id:7' not found");
    assert_error(qtest_qmp(s, "{\"execute\": \"remove-fd\", \"arguments\": "
                              "{\"fdset-id\": 2, \"fd\": 999}}"),
                 "File descriptor named 'fdset-id:2, fd:999' not found");
    json_decref(
        assert_return(qtest_qmp(s,
                                "{\"execute\": \"remove-fd\", \"arguments\": "
                                "{\"fdset-id\": 2, \"fd\": %d}}",
                                (int)vigil_fd)));
    json_decref(assert_return(
        qtest_qmp(s, "{\"execute\": \"remove-fd\", \"arguments\": "
                     "{\"fdset-id\": 0}}")));
    ret = assert_return(qtest_qmp(s, "{\"execute\": \"query-fdsets\"}"));
    g_assert_cmpuint(json_array_size(ret), ==, 0);
    json_decref(ret);
    g_assert_cmpuint(vigil_fds(s), ==, base);
    close(fd);
    unlink(path);
    qtest_quit_ok(s);
}

static int listen_unix(const char *path, bool cloexec)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | (cloexec ? SOCK_CLOEXEC : 0), 0);

    g_assert_cmpint(fd, >=, 0);
    strcpy(addr.sun_path, path);
    unlink(path);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd, 1), ==, 0);
    return fd;
}

/* Greeting, capabilities, one command; the reply line. */
static char *qmp_exchange(int fd, const char *cmd)
{
    g_autofree char *greeting = qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);
    g_autofree char *neg = NULL;
    const char *cap = "{\"execute\": \"qmp_capabilities\"}\n";

    g_assert_nonnull(greeting);
    g_assert_nonnull(strstr(greeting, "\"QMP\""));
    g_assert_cmpint(write(fd, cap, strlen(cap)), ==, (ssize_t)strlen(cap));
    neg = qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);
    g_assert_cmpstr(neg, ==, "{\"return\": {}}\r\n");
    g_assert_cmpint(write(fd, cmd, strlen(cmd)), ==, (ssize_t)strlen(cmd));
    return qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);
}

/*
 * libvirt's monitor: a listening socket it created, passed as fd=N with
 * server=on,wait=off.  Vigil accepts on it (one client after another);
 * query-chardev shows it as QEMU does.  A connected socket passed
 * without server=on is adopted as the peer.
 */
static void test_inherited_sockets(void)
{
    g_autofree char *path = tmp_path("mon.sock");
    g_autofree char *args = NULL;
    g_autofree char *want = NULL;
    int lfd = listen_unix(path, false);
    int pair[2];
    QTestState *s;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), ==, 0);
    fcntl(pair[0], F_SETFD, FD_CLOEXEC);
    args = g_strdup_printf(
        "-chardev socket,id=charmonitor,fd=%d,server=on,wait=off "
        "-mon chardev=charmonitor,mode=control "
        "-chardev socket,id=peer,fd=%d -mon chardev=peer,mode=control",
        lfd, pair[1]);
    s = qtest_init(args);
    close(lfd);
    close(pair[1]);

    want = g_strdup_printf("\"filename\": \"unix:%s,server=on\"", path);
    for (int round = 0; round < 2; round++) {
        int c = qtest_socket_connect(path, QTEST_TIMEOUT_MS);
        g_autofree char *reply = NULL;

        g_assert_cmpint(c, >=, 0);
        reply = qmp_exchange(c, "{\"execute\": \"query-chardev\"}\n");
        g_assert_nonnull(reply);
        g_assert_nonnull(strstr(reply, want));
        close(c);
    }
    {
        g_autofree char *reply =
            qmp_exchange(pair[0], "{\"execute\": \"query-status\"}\n");

        g_assert_nonnull(strstr(reply, "\"running\": true"));
    }
    {
        g_autofree char *disc = NULL;
        json_t *ret =
            assert_return(qtest_qmp(s, "{\"execute\": \"query-chardev\"}"));

        disc = g_strdup_printf("disconnected:unix:%s,server=on", path);
        for (size_t i = 0; i < json_array_size(ret); i++) {
            json_t *c = json_array_get(ret, i);

            if (!strcmp(json_string_value(json_object_get(c, "label")),
                        "charmonitor")) {
                g_assert_cmpstr(
                    json_string_value(json_object_get(c, "filename")), ==,
                    disc);
                g_assert_true(
                    json_is_true(json_object_get(c, "frontend-open")));
            }
        }
        json_decref(ret);
    }
    close(pair[0]);
    qtest_quit_ok(s);
    unlink(path);
}

/*
 * The qtest socket takes no descriptors (only the monitor does): it is
 * read with read(), so whatever a client sends along with its commands
 * is dropped by the kernel, and the commands are answered as usual.
 */
static void test_qtest_drops_fds(void)
{
    g_autofree char *path = tmp_path("qtest-fds");
    QTestState *s = qtest_init("-device pvpanic");
    int fd = inheritable_open(path, O_WRONLY | O_CREAT | O_TRUNC);
    int three[3] = {fd, fd, fd};
    unsigned base = vigil_fds(s);

    for (int i = 0; i < 5; i++) {
        static const char cmd[] = "inb 0x505\n";
        g_autofree char *reply = NULL;

        qtest_send_with_fds(qtest_qtest_fd(s), cmd, strlen(cmd), three, 3);
        reply = qtest_recv_line(s);
        g_assert_cmpstr(reply, ==,
                        qtest_is_qemu72() ? "OK 0x0003" : "OK 0x0007");
    }
    g_assert_cmpuint(vigil_fds(s), ==, base);
    close(fd);
    unlink(path);
    qtest_quit_ok(s);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"add-fd-errors", test_add_fd_errors},
        {"add-fd-files", test_add_fd_files},
        {"getfd", test_getfd},
        {"qmp-fdsets", test_qmp_fdsets},
        {"inherited-sockets", test_inherited_sockets},
        {"qtest-drops-fds", test_qtest_drops_fds},
    };

    return qtest_run_cases(&argc, &argv, "fd", cases, G_N_ELEMENTS(cases));
}
