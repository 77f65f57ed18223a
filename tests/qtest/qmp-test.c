/*
 * QMP conformance on the raw socket: exact bytes, key order, "\r\n",
 * framing of split and batched input, errors, sessions, shutdown paths.
 */
#include "libqtest.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static void send_str(QTestState *s, const char *str)
{
    qtest_qmp_send_raw(s, str, strlen(str));
}

static void expect_line(QTestState *s, const char *want)
{
    g_autofree char *line = qtest_qmp_recv_raw(s);

    g_assert_cmpstr(line, ==, want);
}

/* Send @cmd plus "\n" and expect exactly @want plus "\r\n". */
static void expect_reply(QTestState *s, const char *cmd, const char *want)
{
    g_autofree char *w = g_strconcat(want, "\r\n", NULL);

    send_str(s, cmd);
    send_str(s, "\n");
    expect_line(s, w);
}

static bool line_matches(const char *pattern, const char *line)
{
    return g_regex_match_simple(pattern, line, 0, 0);
}

#define VERSION_RE                                                             \
    "\\{\"qemu\": \\{\"micro\": [0-9]+, \"minor\": [0-9]+, "                   \
    "\"major\": [0-9]+\\}, \"package\": \"[^\"]*\"\\}"

static void test_greeting(void)
{
    QTestState *s = qtest_init_without_qmp_handshake(NULL);
    g_autofree char *line = qtest_qmp_recv_raw(s);

    g_assert_nonnull(line);
    g_assert_true(g_str_has_suffix(line, "}\r\n"));
    g_assert_true(line_matches("^\\{\"QMP\": \\{\"version\": " VERSION_RE
                               ", \"capabilities\": \\[\"oob\"\\]\\}\\}\r\n$",
                               line));
    qtest_assert_exit_status(qtest_quit(s), 0);
}

static void test_negotiation(void)
{
    QTestState *s = qtest_init_without_qmp_handshake(NULL);

    g_free(qtest_qmp_recv_raw(s));
    expect_reply(s, "{\"execute\": \"query-status\", \"id\": 1}",
                 "{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", "
                 "\"desc\": \"Expecting capabilities negotiation with "
                 "'qmp_capabilities'\"}}");
    expect_reply(s, "{\"execute\": \"qmp_capabilities\", \"id\": \"a\"}",
                 "{\"return\": {}, \"id\": \"a\"}");
    expect_reply(s, "{\"execute\": \"qmp_capabilities\", \"id\": \"b\"}",
                 "{\"id\": \"b\", \"error\": {\"class\": \"CommandNotFound\", "
                 "\"desc\": \"Capabilities negotiation is already complete, "
                 "command ignored\"}}");
    qtest_assert_exit_status(qtest_quit(s), 0);
}

static void test_parse_errors(void)
{
    QTestState *s = qtest_init(NULL);

    expect_reply(s, "{\"execute\": }",
                 "{\"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"JSON parse error, expecting value\"}}");
    /* the parser recovered */
    expect_reply(s, "{\"execute\": \"query-name\", \"id\": 2}",
                 "{\"return\": {}, \"id\": 2}");
    expect_reply(s, "[1]",
                 "{\"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"QMP input must be a JSON object\"}}");
    expect_reply(s, "{\"execute\": \"x\", \"foo\": 1, \"id\": 3}",
                 "{\"id\": 3, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"QMP input member 'foo' is unexpected\"}}");
    expect_reply(s, "{\"execute\": 1, \"id\": 4}",
                 "{\"id\": 4, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"QMP input member 'execute' must be a string\"}}");
    expect_reply(s, "{\"arguments\": {}, \"id\": 5}",
                 "{\"id\": 5, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"QMP input lacks member 'execute'\"}}");
    expect_reply(s,
                 "{\"execute\": \"query-name\", \"arguments\": [], \"id\": 6}",
                 "{\"id\": 6, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"QMP input member 'arguments' must be an "
                 "object\"}}");
    qtest_assert_exit_status(qtest_quit(s), 0);
}

static void test_single_quotes(void)
{
    QTestState *s = qtest_init("-name foo");

    expect_reply(s, "{'execute': 'query-name', 'id': 'sq'}",
                 "{\"return\": {\"name\": \"foo\"}, \"id\": \"sq\"}");
    qtest_assert_exit_status(qtest_quit(s), 0);
}

static void test_split_input(void)
{
    QTestState *s = qtest_init(NULL);
    const char *cmd =
        "{\"execute\": \"query-name\", \"id\": {\"a\": [1, 2]}}\n";
    size_t i;

    for (i = 0; cmd[i]; i++) {
        qtest_qmp_send_raw(s, &cmd[i], 1);
        g_usleep(200);
    }
    expect_line(s, "{\"return\": {}, \"id\": {\"a\": [1, 2]}}\r\n");
    /* an object spread over several lines */
    send_str(s, "{\"execute\":\n\"query-name\",\n\"id\": 7}\n");
    expect_line(s, "{\"return\": {}, \"id\": 7}\r\n");
    qtest_assert_exit_status(qtest_quit(s), 0);
}

static void test_batched_input(void)
{
    QTestState *s = qtest_init(NULL);

    send_str(s, "{\"execute\": \"query-name\", \"id\": 1}"
                "{\"execute\": \"nope\", \"id\": 2}\n"
                "{\"execute\": \"query-name\", \"id\": 3}\n");
    expect_line(s, "{\"return\": {}, \"id\": 1}\r\n");
    expect_line(s, "{\"id\": 2, \"error\": {\"class\": \"CommandNotFound\", "
                   "\"desc\": \"The command nope has not been found\"}}\r\n");
    expect_line(s, "{\"return\": {}, \"id\": 3}\r\n");
    qtest_assert_exit_status(qtest_quit(s), 0);
}

static void test_argument_errors(void)
{
    QTestState *s = qtest_init(NULL);

    expect_reply(s,
                 "{\"execute\": \"set-action\", "
                 "\"arguments\": {\"panic\": \"bogus\"}, \"id\": 7}",
                 "{\"id\": 7, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'panic' does not accept value "
                 "'bogus'\"}}");
    expect_reply(s,
                 "{\"execute\": \"set-action\", \"arguments\": {\"foo\": 1}, "
                 "\"id\": 8}",
                 "{\"id\": 8, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'foo' is unexpected\"}}");
    expect_reply(s,
                 "{\"execute\": \"set-action\", \"arguments\": {\"panic\": 1}, "
                 "\"id\": 9}",
                 "{\"id\": 9, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Invalid parameter type for 'panic', expected: "
                 "string\"}}");
    expect_reply(s,
                 "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
                 "\"/machine\"}, \"id\": {\"a\": [1, 2]}}",
                 "{\"id\": {\"a\": [1, 2]}, \"error\": {\"class\": "
                 "\"GenericError\", \"desc\": \"Parameter 'property' is "
                 "missing\"}}");
    expect_reply(s, "{\"execute\": \"nope\", \"id\": 10}",
                 "{\"id\": 10, \"error\": {\"class\": \"CommandNotFound\", "
                 "\"desc\": \"The command nope has not been found\"}}");
    qtest_assert_exit_status(qtest_quit(s), 0);
}

/*
 * "\u0000" over a real socket (docs/specs/qmp.rst, "NUL characters"):
 * a command name with a NUL is not found, byte for byte as QEMU 7.2 says
 * it; an argument with one never reaches a command; the id comes back
 * exactly.
 */
static void test_nul_strings(void)
{
    QTestState *s = qtest_init(NULL);
    g_autofree char *dir = g_dir_make_tmp("qmp-nul-XXXXXX", NULL);
    g_autofree char *file = g_build_filename(dir, "x", NULL);
    g_autofree char *dump = NULL;

    expect_reply(s, "{\"execute\": \"query-status\\u0000junk\", \"id\": 1}",
                 "{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", "
                 "\"desc\": \"The command query-status\\u0000junk has not "
                 "been found\"}}");
    expect_reply(s, "{\"execute\": \"quit\\u0000\", \"id\": \"a\\u0000b\"}",
                 "{\"id\": \"a\\u0000b\", \"error\": {\"class\": "
                 "\"CommandNotFound\", \"desc\": \"The command quit\\u0000 has "
                 "not been found\"}}");
    expect_reply(s,
                 "{\"execute\": \"qom-get\", \"arguments\": {\"path\": "
                 "\"/machine\\u0000x\", \"property\": \"type\"}, \"id\": 2}",
                 "{\"id\": 2, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'path' contains a NUL character\"}}");
    expect_reply(s,
                 "{\"execute\": \"qom-get\", \"arguments\": {\"path\\u0000\": "
                 "\"/machine\", \"property\": \"type\"}, \"id\": 3}",
                 "{\"id\": 3, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'path' is missing\"}}");
    /* The file name is cut at the NUL nowhere: no file appears. */
    dump = g_strdup_printf("{\"execute\": \"dump-guest-memory\", "
                           "\"arguments\": {\"paging\": false, \"protocol\": "
                           "\"file:%s\\u0000.elf\"}, \"id\": 4}",
                           file);
    expect_reply(s, dump,
                 "{\"id\": 4, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'protocol' contains a NUL "
                 "character\"}}");
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    expect_reply(s,
                 "{\"execute\": \"set-action\", \"arguments\": {\"panic\": "
                 "\"pause\\u0000\"}, \"id\": 5}",
                 "{\"id\": 5, \"error\": {\"class\": \"GenericError\", "
                 "\"desc\": \"Parameter 'panic' does not accept value "
                 "'pause\\u0000'\"}}");
    /* Still serving, and the id with a NUL in a key comes back as sent. */
    expect_reply(s,
                 "{\"execute\": \"query-status\", \"id\": {\"k\\u0000\": "
                 "\"v\\u0000\"}}",
                 "{\"return\": {\"status\": \"running\", \"running\": "
                 "true}, \"id\": {\"k\\u0000\": \"v\\u0000\"}}");
    qtest_assert_exit_status(qtest_quit(s), 0);
    rmdir(dir);
}

static void test_query_shapes(void)
{
    QTestState *s = qtest_init("-name vm1");
    g_autofree char *line = NULL;

    if (!qtest_is_qemu72()) {
        /* upstream dropped "singlestep" in 9.0; 7.2 still sends it */
        expect_reply(s, "{\"execute\": \"query-status\"}",
                     "{\"return\": {\"status\": \"running\", "
                     "\"running\": true}}");
    }
    expect_reply(s, "{\"execute\": \"query-name\"}",
                 "{\"return\": {\"name\": \"vm1\"}}");
    expect_reply(s, "{\"execute\": \"query-target\"}",
                 "{\"return\": {\"arch\": \"x86_64\"}}");
    send_str(s, "{\"execute\": \"query-kvm\"}\n");
    line = qtest_qmp_recv_raw(s);
    g_assert_true(line_matches("^\\{\"return\": \\{\"enabled\": false, "
                               "\"present\": (true|false)\\}\\}\r\n$",
                               line));
    g_free(line);
    send_str(s, "{\"execute\": \"query-version\"}\n");
    line = qtest_qmp_recv_raw(s);
    g_assert_true(line_matches("^\\{\"return\": " VERSION_RE "\\}\r\n$", line));
    qtest_assert_exit_status(qtest_quit(s), 0);
}

static void test_quit(void)
{
    QTestState *s = qtest_init(NULL);
    g_autofree char *ev = NULL;

    send_str(s, "{\"execute\": \"quit\", \"id\": 1}\n");
    ev = qtest_qmp_recv_raw(s);
    g_assert_true(line_matches(
        "^\\{\"timestamp\": \\{\"seconds\": [0-9]+, \"microseconds\": "
        "[0-9]+\\}, \"event\": \"SHUTDOWN\", \"data\": \\{\"guest\": false, "
        "\"reason\": \"host-qmp-quit\"\\}\\}\r\n$",
        ev));
    expect_line(s, "{\"return\": {}, \"id\": 1}\r\n");
    qtest_assert_exit_status(qtest_wait_exit(s), 0);
}

static void test_sigterm(void)
{
    QTestState *s = qtest_init("-no-shutdown");
    json_t *ev, *data;

    kill(qtest_pid(s), SIGTERM);
    ev = qtest_qmp_eventwait(s, "SHUTDOWN");
    g_assert_nonnull(ev);
    data = json_object_get(ev, "data");
    g_assert_true(json_is_false(json_object_get(data, "guest")));
    g_assert_cmpstr(json_string_value(json_object_get(data, "reason")), ==,
                    "host-signal");
    json_decref(ev);
    qtest_assert_exit_status(qtest_wait_exit(s), 0);
}

static char *extra_socket_path(const char *tag)
{
    return g_strdup_printf("%s/qmp-test-%d-%s.sock", g_get_tmp_dir(), getpid(),
                           tag);
}

static void client_send(int fd, const char *str)
{
    g_assert_cmpint(write(fd, str, strlen(str)), ==, (ssize_t)strlen(str));
}

static void client_expect(int fd, const char *want)
{
    g_autofree char *line = qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);

    g_assert_cmpstr(line, ==, want);
}

/* Connect and check the greeting (the caller negotiates, or not). */
static int client_open(const char *path)
{
    int fd = qtest_socket_connect(path, QTEST_TIMEOUT_MS);
    g_autofree char *greeting = NULL;

    g_assert_cmpint(fd, >=, 0);
    greeting = qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);
    g_assert_nonnull(greeting);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    return fd;
}

/* A new client on @path: negotiate, query-status says running, close. */
static void client_check_running(const char *path)
{
    int fd = client_open(path);

    client_send(fd, "{\"execute\": \"qmp_capabilities\"}\n"
                    "{\"execute\": \"query-status\", \"id\": 1}\n");
    client_expect(fd, "{\"return\": {}}\r\n");
    client_expect(fd, "{\"return\": {\"status\": \"running\", "
                      "\"running\": true}, \"id\": 1}\r\n");
    close(fd);
}

static void test_disconnect(void)
{
    g_autofree char *path = extra_socket_path("dc");
    g_autofree char *args =
        g_strdup_printf("-qmp unix:%s,server=on,wait=off", path);
    QTestState *s = qtest_init(args);
    int fd;

    /* mid-line: half a command, then gone */
    fd = client_open(path);
    client_send(fd, "{\"execute\": \"qmp_capabilities\"}\n{\"execute\": \"que");
    client_expect(fd, "{\"return\": {}}\r\n");
    close(fd);

    /* mid-command: the reply has nobody to go to */
    fd = client_open(path);
    client_send(fd, "{\"execute\": \"qmp_capabilities\"}\n"
                    "{\"execute\": \"query-status\"}\n");
    close(fd);

    /* a new client gets a fresh session, negotiation included */
    fd = client_open(path);
    client_send(fd, "{\"execute\": \"query-name\", \"id\": 1}\n");
    client_expect(fd, "{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", "
                      "\"desc\": \"Expecting capabilities negotiation with "
                      "'qmp_capabilities'\"}}\r\n");
    client_send(fd, "{\"execute\": \"qmp_capabilities\"}\n"
                    "{\"execute\": \"query-name\", \"id\": 2}\n");
    client_expect(fd, "{\"return\": {}}\r\n");
    client_expect(fd, "{\"return\": {}, \"id\": 2}\r\n");
    close(fd);

    /* the libqtest monitor and qtest were not disturbed */
    g_assert_cmpuint(qtest_inb(s, 0x80), ==, 0xff);
    g_free(qtest_query_status(s, NULL));
    qtest_assert_exit_status(qtest_quit(s), 0);
    /* Vigil removes the socket it created */
    if (!qtest_is_qemu72()) {
        g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    }
    unlink(path);
}

static void test_socket_mode(void)
{
    g_autofree char *path = extra_socket_path("mode");
    g_autofree char *args =
        g_strdup_printf("-qmp unix:%s,server=on,wait=off", path);
    QTestState *s = qtest_init(args);
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_true(S_ISSOCK(st.st_mode));
    if (!qtest_is_qemu72()) {
        g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    }
    qtest_assert_exit_status(qtest_quit(s), 0);
    unlink(path);
}

/*
 * ",," is a literal comma in every option, as in QEMU: a -chardev path
 * with a comma, a -mon naming it, a -qmp shorthand with one.
 */
static void test_comma_in_path(void)
{
    g_autofree char *a = extra_socket_path("comma,a");
    g_autofree char *b = extra_socket_path("comma,b");
    g_auto(GStrv) pa = g_strsplit(a, ",", -1);
    g_auto(GStrv) pb = g_strsplit(b, ",", -1);
    g_autofree char *qa = g_strjoinv(",,", pa);
    g_autofree char *qb = g_strjoinv(",,", pb);
    g_autofree char *args = g_strdup_printf(
        "-chardev socket,id=cm,path=%s,server=on,wait=off "
        "-mon chardev=cm,mode=control -qmp unix:%s,server=on,wait=off",
        qa, qb);
    QTestState *s = qtest_init(args);

    client_check_running(a);
    client_check_running(b);
    qtest_assert_exit_status(qtest_quit(s), 0);
    unlink(a);
    unlink(b);
}

/*
 * libvirt's way: the monitor socket is created, bound and listening
 * before the VMM starts, and handed over as -chardev socket,fd=N.  Also
 * a connected socket (server=off), and the mistakes: a listening fd
 * without server=on, a name instead of a number, fd plus path.
 */
static void test_passed_fd(void)
{
    g_autofree char *path = extra_socket_path("fd");
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0); /* inherited: no CLOEXEC */
    int pair[2];
    g_autofree char *args = NULL;
    g_autofree char *err = NULL;
    g_autofree char *greeting = NULL;
    QTestState *s;

    g_assert_cmpint(lfd, >=, 0);
    g_assert_cmpuint(strlen(path), <, sizeof(sun.sun_path));
    strcpy(sun.sun_path, path);
    unlink(path);
    g_assert_cmpint(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
    g_assert_cmpint(listen(lfd, 1), ==, 0);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM, 0, pair), ==, 0);

    args = g_strdup_printf(
        "-chardev socket,id=lm,fd=%d,server=on,wait=off "
        "-mon chardev=lm,mode=control "
        "-chardev socket,id=cm,fd=%d,server=off -mon chardev=cm,mode=control",
        lfd, pair[1]);
    s = qtest_init(args);
    close(pair[1]);

    client_check_running(path);
    /* The listener survives its client, as one Vigil created would. */
    client_check_running(path);

    greeting = qtest_fd_recv_line(pair[0], QTEST_TIMEOUT_MS);
    g_assert_nonnull(greeting);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    close(pair[0]);
    qtest_quit_ok(s);

    /* Names need getfd, which Vigil has not; fd and path exclude each
     * other; a descriptor that is no socket.  (A listening fd without
     * server=on: tests/soak/badinput.py, which can pass descriptors.) */
    qtest_assert_exit_status(
        qtest_run_direct("-accel qtest -chardev socket,id=x,fd=mon0", NULL,
                         &err),
        1);
    g_assert_nonnull(
        strstr(err, "File descriptor named 'mon0' has not been found"));
    g_free(err);
    err = NULL;
    qtest_assert_exit_status(
        qtest_run_direct("-accel qtest -chardev socket,id=x,fd=3,path=/tmp/x",
                         NULL, &err),
        1);
    g_assert_nonnull(strstr(err, "'fd' cannot be combined with 'path'"));
    g_free(err);
    err = NULL;
    qtest_assert_exit_status(
        qtest_run_direct("-accel qtest -chardev socket,id=x,fd=0,server=off "
                         "-mon chardev=x,mode=control",
                         NULL, &err),
        1);
    g_assert_nonnull(strstr(err, "fd 0 is not a stream socket"));
    close(lfd);
    unlink(path);
}

/* A client may send before it has read the greeting (QEMU queues it). */
static void test_input_before_greeting(void)
{
    g_autofree char *path = extra_socket_path("early");
    g_autofree char *args =
        g_strdup_printf("-qmp unix:%s,server=on,wait=off", path);
    QTestState *s = qtest_init(args);
    g_autofree char *greeting = NULL;
    int fd = qtest_socket_connect(path, QTEST_TIMEOUT_MS);

    g_assert_cmpint(fd, >=, 0);
    client_send(fd, "{\"execute\": \"qmp_capabilities\"}\n"
                    "{\"execute\": \"query-name\", \"id\": 1}\n");
    greeting = qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);
    g_assert_nonnull(greeting);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    client_expect(fd, "{\"return\": {}}\r\n");
    client_expect(fd, "{\"return\": {}, \"id\": 1}\r\n");
    close(fd);
    qtest_assert_exit_status(qtest_quit(s), 0);
    unlink(path);
}

/* A port on the loopback that nobody listens on right now. */
static int free_tcp_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&a, &len), ==, 0);
    close(fd);
    return ntohs(a.sin_port);
}

static void test_tcp(void)
{
    int port = free_tcp_port();
    g_autofree char *args =
        g_strdup_printf("-qmp tcp:127.0.0.1:%d,server=on,wait=off", port);
    QTestState *s = qtest_init(args);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    g_autofree char *greeting = NULL;

    g_assert_cmpint(connect(fd, (struct sockaddr *)&a, sizeof(a)), ==, 0);
    greeting = qtest_fd_recv_line(fd, QTEST_TIMEOUT_MS);
    g_assert_nonnull(greeting);
    g_assert_true(g_str_has_prefix(greeting, "{\"QMP\": "));
    g_assert_true(g_str_has_suffix(greeting, "}\r\n"));
    client_send(fd, "{\"execute\": \"qmp_capabilities\"}\n");
    client_expect(fd, "{\"return\": {}}\r\n");
    client_send(fd, "{\"execute\": \"query-target\"}\n");
    client_expect(fd, "{\"return\": {\"arch\": \"x86_64\"}}\r\n");
    close(fd);
    qtest_assert_exit_status(qtest_quit(s), 0);
}

/* -qmp stdio: every line of piped input is answered, even after EOF. */
static void test_stdio(void)
{
    g_autofree char *out = NULL;
    int status;

    if (qtest_is_qemu72()) {
        g_test_skip("harness-is-qemu: needs -accel qtest");
        return;
    }
    {
        g_autofree char *cmd = g_strdup_printf(
            "printf '%%s\\n' '{\"execute\": \"qmp_capabilities\"}' "
            "'{\"execute\": \"query-status\"}' '{\"execute\": \"quit\"}' "
            "| %s -accel qtest -M none -display none -qmp stdio",
            qtest_binary());
        const char *argv[] = {"/bin/sh", "-c", cmd, NULL};

        g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, 0, NULL, NULL,
                                   &out, NULL, &status, NULL));
    }
    qtest_assert_exit_status(status, 0);
    g_assert_true(g_regex_match_simple(
        "^\\{\"QMP\": .*\r\n"
        "\\{\"return\": \\{\\}\\}\r\n"
        "\\{\"return\": \\{\"status\": \"running\", \"running\": true\\}\\}\r\n"
        "\\{\"timestamp\": .*\"event\": \"SHUTDOWN\", .*\r\n"
        "\\{\"return\": \\{\\}\\}\r\n$",
        out, G_REGEX_DOTALL, 0));
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"greeting", test_greeting},
        {"negotiation", test_negotiation},
        {"parse-errors", test_parse_errors},
        {"single-quotes", test_single_quotes},
        {"split-input", test_split_input},
        {"batched-input", test_batched_input},
        {"argument-errors", test_argument_errors},
        {"nul-strings", test_nul_strings},
        {"query-shapes", test_query_shapes},
        {"quit", test_quit},
        {"sigterm", test_sigterm},
        {"disconnect", test_disconnect},
        {"socket-mode", test_socket_mode},
        {"comma-in-path", test_comma_in_path},
        {"passed-fd", test_passed_fd},
        {"input-before-greeting", test_input_before_greeting},
        {"tcp", test_tcp},
        {"stdio", test_stdio},
    };

    return qtest_run_cases(&argc, &argv, "qmp", cases, G_N_ELEMENTS(cases));
}
