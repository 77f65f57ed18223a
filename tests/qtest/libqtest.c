/*
 * libqtest: see libqtest.h.  Written for Vigil's tests; it follows the
 * launch protocol of QEMU's libqtest so that both binaries can be driven
 * the same way.
 */
#include "libqtest.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct QTestConn {
    int fd;
    GString *buf; /* bytes received but not yet returned */
} QTestConn;

struct QTestState {
    pid_t pid;
    bool reaped;
    int status;
    QTestConn qt;
    QTestConn qmp;
    GQueue stash; /* json_t * events read while waiting for a reply */
    /* "IRQ raise/lower N" lines seen (irq_intercept_in): levels and how
     * many times each line was raised. */
    bool irq_level[64];
    unsigned irq_raised[64];
};

const char *qtest_binary(void)
{
    const char *bin = g_getenv("QTEST_QEMU_BINARY");

    return bin ? bin : "build/vigil-system-x86_64";
}

bool qtest_is_qemu72(void)
{
    return g_getenv("LIBQTEST_QEMU72") != NULL;
}

const char *qtest_get_arch(void)
{
    const char *dash = strrchr(qtest_binary(), '-');

    return dash ? dash + 1 : "x86_64";
}

pid_t qtest_pid(QTestState *s)
{
    return s->pid;
}

/* ---- sockets ---- */

static int unix_listen(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    g_assert(fd >= 0);
    g_assert(strlen(path) < sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
        listen(fd, 1) < 0) {
        g_error("cannot listen on %s: %s", path, g_strerror(errno));
    }
    return fd;
}

int qtest_socket_connect(const char *path, int timeout_ms)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;

    g_assert(strlen(path) < sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        g_assert(fd >= 0);
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0) {
            return fd;
        }
        close(fd);
        if (g_get_monotonic_time() > deadline) {
            return -1;
        }
        g_usleep(2000);
    }
}

static bool child_exited(QTestState *s)
{
    if (!s->reaped && waitpid(s->pid, &s->status, WNOHANG) == s->pid) {
        s->reaped = true;
    }
    return s->reaped;
}

/* accept() the binary's connection; fail early if it died instead. */
static int accept_child(QTestState *s, int lfd, const char *what)
{
    gint64 deadline = g_get_monotonic_time() + QTEST_TIMEOUT_MS * 1000ll;
    struct pollfd pfd = {.fd = lfd, .events = POLLIN};

    while (poll(&pfd, 1, 50) <= 0) {
        if (child_exited(s)) {
            g_error("%s exited (status 0x%x) before connecting to the %s "
                    "socket",
                    qtest_binary(), s->status, what);
        }
        if (g_get_monotonic_time() > deadline) {
            g_error("timeout waiting for the %s connection", what);
        }
    }
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* A line including its "\n", or NULL on EOF/timeout. */
static char *conn_read_line(QTestConn *c, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;
    char chunk[65536];

    for (;;) {
        char *nl = memchr(c->buf->str, '\n', c->buf->len);
        struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
        gint64 left;
        ssize_t n;

        if (nl) {
            size_t len = nl - c->buf->str + 1;
            char *line = g_strndup(c->buf->str, len);

            g_string_erase(c->buf, 0, len);
            return line;
        }
        left = (deadline - g_get_monotonic_time()) / 1000;
        if (left <= 0 || poll(&pfd, 1, left) <= 0) {
            return NULL;
        }
        n = read(c->fd, chunk, sizeof(chunk));
        if (n <= 0) {
            return NULL;
        }
        g_string_append_len(c->buf, chunk, n);
    }
}

char *qtest_fd_recv_line(int fd, int timeout_ms)
{
    gint64 deadline = g_get_monotonic_time() + timeout_ms * 1000ll;
    GString *line = g_string_new(NULL);

    /* Byte by byte, so nothing after the line is consumed. */
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        gint64 left = (deadline - g_get_monotonic_time()) / 1000;
        char ch;

        if (left <= 0 || poll(&pfd, 1, left) <= 0 || read(fd, &ch, 1) != 1) {
            g_string_free(line, TRUE);
            return NULL;
        }
        g_string_append_c(line, ch);
        if (ch == '\n') {
            return g_string_free(line, FALSE);
        }
    }
}

static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            g_error("write failed: %s", g_strerror(errno));
        }
        p += n;
        len -= n;
    }
}

/* ---- process ---- */

/*
 * Processes still running, killed if the test aborts on a failed
 * assertion (a binary without exit-with-parent would linger otherwise).
 */
#define QTEST_MAX_LIVE 16
static volatile pid_t live_pids[QTEST_MAX_LIVE];

static void abort_handler(int sig)
{
    unsigned i;

    for (i = 0; i < QTEST_MAX_LIVE; i++) {
        if (live_pids[i] > 0) {
            kill(live_pids[i], SIGKILL);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void live_track(pid_t pid, bool add)
{
    static bool installed;
    unsigned i;

    if (!installed) {
        signal(SIGABRT, abort_handler);
        installed = true;
    }
    for (i = 0; i < QTEST_MAX_LIVE; i++) {
        if (add ? live_pids[i] == 0 : live_pids[i] == pid) {
            live_pids[i] = add ? pid : 0;
            return;
        }
    }
}

static QTestState *qtest_spawn(const char *extra_args, bool qmp_handshake)
{
    QTestState *s = g_new0(QTestState, 1);
    g_autofree char *sock =
        g_strdup_printf("%s/qtest-%d.sock", g_get_tmp_dir(), getpid());
    g_autofree char *qmp =
        g_strdup_printf("%s/qtest-%d.qmp", g_get_tmp_dir(), getpid());
    bool q72 = qtest_is_qemu72();
    /* QTEST_WRAPPER runs the VMM under a tool, e.g. valgrind. */
    const char *wrapper = g_getenv("QTEST_WRAPPER");
    g_autofree char *cmd = g_strdup_printf(
        "exec %s %s -qtest unix:%s -qtest-log %s "
        "-chardev socket,path=%s,id=char0 -mon chardev=char0,mode=control "
        "-display none %s %s -accel %s",
        wrapper ? wrapper : "", qtest_binary(), sock,
        g_getenv("QTEST_LOG") ? "/dev/fd/2" : "/dev/null", qmp,
        q72 ? "" : "-audio none -run-with exit-with-parent=on",
        extra_args ? extra_args : "", q72 ? "tcg" : "qtest");
    int lq = unix_listen(sock);
    int lm = unix_listen(qmp);
    g_autofree char *r = NULL;

    g_test_message("starting: %s", cmd);
    s->pid = fork();
    g_assert(s->pid >= 0);
    if (s->pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    live_track(s->pid, true);
    s->qt.fd = accept_child(s, lq, "qtest");
    s->qmp.fd = accept_child(s, lm, "QMP");
    s->qt.buf = g_string_new(NULL);
    s->qmp.buf = g_string_new(NULL);
    close(lq);
    close(lm);
    unlink(sock);
    unlink(qmp);
    g_queue_init(&s->stash);

    r = qtest_cmd(s, "endianness");
    g_assert_cmpstr(r, ==, "OK little");
    if (qmp_handshake) {
        json_t *greeting = qtest_qmp_receive(s);
        json_t *reply;

        g_assert(greeting && json_object_get(greeting, "QMP"));
        json_decref(greeting);
        reply = qtest_qmp(s, "{\"execute\": \"qmp_capabilities\"}");
        g_assert(reply && json_object_get(reply, "return"));
        json_decref(reply);
    }
    return s;
}

QTestState *qtest_init(const char *extra_args)
{
    return qtest_spawn(extra_args, true);
}

QTestState *qtest_init_without_qmp_handshake(const char *extra_args)
{
    return qtest_spawn(extra_args, false);
}

/* Wait up to the timeout for the process; SIGKILL it if still there. */
static int qtest_reap(QTestState *s)
{
    gint64 deadline = g_get_monotonic_time() + QTEST_TIMEOUT_MS * 1000ll;
    int status;

    while (!child_exited(s)) {
        if (g_get_monotonic_time() > deadline) {
            g_test_message("pid %d did not exit; killing it", (int)s->pid);
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &s->status, 0);
            s->reaped = true;
            break;
        }
        g_usleep(1000);
    }
    live_track(s->pid, false);
    status = s->status;
    close(s->qt.fd);
    close(s->qmp.fd);
    g_string_free(s->qt.buf, TRUE);
    g_string_free(s->qmp.buf, TRUE);
    g_queue_clear_full(&s->stash, (GDestroyNotify)json_decref);
    g_free(s);
    return status;
}

int qtest_quit(QTestState *s)
{
    if (!child_exited(s)) {
        kill(s->pid, SIGTERM);
    }
    return qtest_reap(s);
}

int qtest_wait_exit(QTestState *s)
{
    return qtest_reap(s);
}

int qtest_run_direct(const char *args, char **out, char **err)
{
    g_autofree char *cmd =
        g_strdup_printf("timeout -s KILL %d %s %s", QTEST_TIMEOUT_MS / 1000,
                        qtest_binary(), args);
    g_auto(GStrv) argv = NULL;
    g_autoptr(GError) gerr = NULL;
    int status = -1;

    if (!g_shell_parse_argv(cmd, NULL, &argv, &gerr) ||
        !g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out,
                      err, &status, &gerr)) {
        g_error("cannot run %s: %s", cmd, gerr->message);
    }
    return status;
}

/* ---- qtest protocol ---- */

void qtest_sendf(QTestState *s, const char *fmt, ...)
{
    g_autofree char *str = NULL;
    va_list ap;

    va_start(ap, fmt);
    str = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    write_all(s->qt.fd, str, strlen(str));
}

char *qtest_recv_line(QTestState *s)
{
    for (;;) {
        char *line = conn_read_line(&s->qt, QTEST_TIMEOUT_MS);

        if (!line) {
            return NULL;
        }
        line[strlen(line) - 1] = '\0';
        if (!g_str_has_prefix(line, "IRQ ")) {
            return line;
        }
        {
            char dir[8];
            unsigned n;

            if (sscanf(line, "IRQ %7s %u", dir, &n) == 2 && n < 64) {
                bool up = !strcmp(dir, "raise");

                s->irq_level[n] = up;
                s->irq_raised[n] += up;
            }
        }
        g_free(line);
    }
}

char *qtest_cmd(QTestState *s, const char *fmt, ...)
{
    g_autofree char *str = NULL;
    va_list ap;
    char *reply;

    va_start(ap, fmt);
    str = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qtest_sendf(s, "%s\n", str);
    reply = qtest_recv_line(s);
    if (!reply) {
        g_error("no reply to qtest command '%s'", str);
    }
    return reply;
}

/* Run a command whose reply must be "OK" or "OK 0x<value>". */
static uint64_t qtest_cmd_value(QTestState *s, const char *cmd)
{
    g_autofree char *r = qtest_cmd(s, "%s", cmd);

    if (strcmp(r, "OK") == 0) {
        return 0;
    }
    if (!g_str_has_prefix(r, "OK ")) {
        g_error("qtest '%s' answered '%s'", cmd, r);
    }
    return g_ascii_strtoull(r + 3, NULL, 0);
}

#define QTEST_CMD(s, ...)                                                      \
    ({                                                                         \
        g_autofree char *c_ = g_strdup_printf(__VA_ARGS__);                    \
        qtest_cmd_value((s), c_);                                              \
    })

uint8_t qtest_inb(QTestState *s, uint16_t port)
{
    return QTEST_CMD(s, "inb 0x%x", port);
}

uint16_t qtest_inw(QTestState *s, uint16_t port)
{
    return QTEST_CMD(s, "inw 0x%x", port);
}

uint32_t qtest_inl(QTestState *s, uint16_t port)
{
    return QTEST_CMD(s, "inl 0x%x", port);
}

void qtest_outb(QTestState *s, uint16_t port, uint8_t value)
{
    QTEST_CMD(s, "outb 0x%x 0x%x", port, value);
}

void qtest_outw(QTestState *s, uint16_t port, uint16_t value)
{
    QTEST_CMD(s, "outw 0x%x 0x%x", port, value);
}

void qtest_outl(QTestState *s, uint16_t port, uint32_t value)
{
    QTEST_CMD(s, "outl 0x%x 0x%x", port, value);
}

uint8_t qtest_readb(QTestState *s, uint64_t addr)
{
    return QTEST_CMD(s, "readb 0x%" G_GINT64_MODIFIER "x", addr);
}

uint16_t qtest_readw(QTestState *s, uint64_t addr)
{
    return QTEST_CMD(s, "readw 0x%" G_GINT64_MODIFIER "x", addr);
}

uint32_t qtest_readl(QTestState *s, uint64_t addr)
{
    return QTEST_CMD(s, "readl 0x%" G_GINT64_MODIFIER "x", addr);
}

uint64_t qtest_readq(QTestState *s, uint64_t addr)
{
    return QTEST_CMD(s, "readq 0x%" G_GINT64_MODIFIER "x", addr);
}

void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value)
{
    QTEST_CMD(s, "writeb 0x%" G_GINT64_MODIFIER "x 0x%x", addr, value);
}

void qtest_writew(QTestState *s, uint64_t addr, uint16_t value)
{
    QTEST_CMD(s, "writew 0x%" G_GINT64_MODIFIER "x 0x%x", addr, value);
}

void qtest_writel(QTestState *s, uint64_t addr, uint32_t value)
{
    QTEST_CMD(s, "writel 0x%" G_GINT64_MODIFIER "x 0x%x", addr, value);
}

void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value)
{
    QTEST_CMD(s, "writeq 0x%" G_GINT64_MODIFIER "x 0x%" G_GINT64_MODIFIER "x",
              addr, value);
}

/* ---- QMP ---- */

int qtest_qmp_fd(QTestState *s)
{
    return s->qmp.fd;
}

int qtest_qtest_fd(QTestState *s)
{
    return s->qt.fd;
}

void qtest_qmp_send_raw(QTestState *s, const void *buf, size_t len)
{
    write_all(s->qmp.fd, buf, len);
}

char *qtest_qmp_recv_raw(QTestState *s)
{
    return conn_read_line(&s->qmp, QTEST_TIMEOUT_MS);
}

json_t *qtest_qmp_receive(QTestState *s)
{
    g_autofree char *line = qtest_qmp_recv_raw(s);
    json_error_t err;
    json_t *msg;

    if (!line) {
        return NULL;
    }
    msg = json_loads(line, 0, &err);
    if (!msg) {
        g_error("bad QMP message '%s': %s", line, err.text);
    }
    return msg;
}

static void qtest_qmp_vsend(QTestState *s, const char *fmt, va_list ap)
{
    g_autofree char *body = g_strdup_vprintf(fmt, ap);
    /* One write: the VMM may act on the complete object (quit, a failing
     * x-exit-preconfig) and be gone before a separate newline. */
    g_autofree char *str = g_strconcat(body, "\n", NULL);

    write_all(s->qmp.fd, str, strlen(str));
}

void qtest_qmp_send(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
}

json_t *qtest_qmp(QTestState *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    qtest_qmp_vsend(s, fmt, ap);
    va_end(ap);
    for (;;) {
        json_t *msg = qtest_qmp_receive(s);

        if (!msg || !json_object_get(msg, "event")) {
            return msg;
        }
        g_queue_push_tail(&s->stash, msg);
    }
}

static bool is_event(json_t *msg, const char *event)
{
    const char *name = json_string_value(json_object_get(msg, "event"));

    return name && (!event || strcmp(name, event) == 0);
}

json_t *qtest_qmp_eventwait(QTestState *s, const char *event)
{
    GList *l;

    for (l = s->stash.head; l; l = l->next) {
        if (is_event(l->data, event)) {
            json_t *msg = l->data;

            g_queue_delete_link(&s->stash, l);
            return msg;
        }
    }
    for (;;) {
        json_t *msg = qtest_qmp_receive(s);

        if (!msg || is_event(msg, event)) {
            return msg;
        }
        if (json_object_get(msg, "event")) {
            g_queue_push_tail(&s->stash, msg);
        } else {
            g_test_message("unexpected QMP reply while waiting for %s", event);
            json_decref(msg);
        }
    }
}

unsigned qtest_qmp_stashed(QTestState *s, const char *event)
{
    unsigned n = 0;
    GList *l;

    for (l = s->stash.head; l; l = l->next) {
        n += is_event(l->data, event);
    }
    return n;
}

void qtest_qmp_stash_clear(QTestState *s)
{
    g_queue_clear_full(&s->stash, (GDestroyNotify)json_decref);
    g_queue_init(&s->stash);
}

int qtest_run_cases(int *argc, char ***argv, const char *group,
                    const QTestCase *cases, size_t n)
{
    g_test_init(argc, argv, NULL);
    /* A VMM that went away makes a write fail with a message that says
     * where (write_all), not kill the test silently. */
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < n; i++) {
        g_autofree char *path = g_strdup_printf("/%s/%s/%s", qtest_get_arch(),
                                                group, cases[i].name);

        g_test_add_func(path, cases[i].fn);
    }
    return g_test_run();
}

/* ---- descriptors (the rest is in libqtest-fds.c) ---- */

json_t *qtest_qmp_fds(QTestState *s, const int *fds, size_t nfds,
                      const char *fmt, ...)
{
    va_list ap;
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    line = g_strconcat(text, "\n", NULL);
    qtest_send_with_fds(s->qmp.fd, line, strlen(line), fds, nfds);
    for (;;) {
        json_t *msg = qtest_qmp_receive(s);

        if (!msg || !json_object_get(msg, "event")) {
            return msg;
        }
        g_queue_push_tail(&s->stash, msg);
    }
}

void qtest_run(QTestRun *r, const char *args)
{
    r->status = qtest_run_direct(args, &r->out, &r->err);
}

void qtest_run_free(QTestRun *r)
{
    g_free(r->out);
    g_free(r->err);
}

void qtest_run_assert_exit(const QTestRun *r, int code)
{
    g_assert_true(WIFEXITED(r->status));
    g_assert_cmpint(WEXITSTATUS(r->status), ==, code);
}

bool qtest_get_irq(QTestState *s, unsigned num)
{
    /* Read what the server sent so far (a round trip flushes it). */
    g_free(qtest_cmd(s, "endianness"));
    return num < 64 && s->irq_level[num];
}

unsigned qtest_irq_raises(QTestState *s, unsigned num)
{
    g_free(qtest_cmd(s, "endianness"));
    return num < 64 ? s->irq_raised[num] : 0;
}
