/*
 * libqtest: a small client for driving Vigil (or QEMU) from GTest cases.
 *
 * qtest_init() starts $QTEST_QEMU_BINARY the way QEMU's own libqtest does:
 * it listens on two unix sockets ($TMPDIR/qtest-<pid>.sock and .qmp), runs
 *
 *   /bin/sh -c "exec BIN -qtest unix:SOCK -qtest-log /dev/null
 *       -chardev socket,path=QMP,id=char0 -mon chardev=char0,mode=control
 *       -display none -audio none -run-with exit-with-parent=on EXTRA
 *       -accel qtest"
 *
 * accepts both connections (the VMM is the client), checks "endianness"
 * and negotiates QMP.  With QTEST_LOG set, the qtest log goes to stderr.
 *
 * LIBQTEST_QEMU72=1 is only for developing these tests against Debian's
 * QEMU 7.2, which has no qtest accelerator: it drops -audio none and
 * -run-with and uses -accel tcg.
 *
 * Failures (timeouts, a dead process, a reply that is not OK) end the
 * test with g_error().  Every wait is bounded (QTEST_TIMEOUT_MS).
 */
#ifndef TESTS_QTEST_LIBQTEST_H
#define TESTS_QTEST_LIBQTEST_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define QTEST_TIMEOUT_MS 30000

typedef struct QTestState QTestState;

/* Start the binary with @extra_args (shell syntax) and do the handshake. */
QTestState *qtest_init(const char *extra_args);
/* Same, but leave the QMP greeting unread and capabilities unnegotiated. */
QTestState *qtest_init_without_qmp_handshake(const char *extra_args);

/*
 * SIGTERM the process, wait for it (SIGKILL after the timeout), free @s.
 * Returns the waitpid() status, e.g. to assert WIFEXITED && status 0.
 */
int qtest_quit(QTestState *s);
/* Wait for a process that exits by itself; frees @s; returns the status. */
int qtest_wait_exit(QTestState *s);
pid_t qtest_pid(QTestState *s);

/* Assert that a waitpid() status is a normal exit with @code. */
void qtest_assert_exit_status(int status, int code);
/* qtest_quit() and assert exit status 0 (a valgrind wrapper's error
 * status then fails the test). */
void qtest_quit_ok(QTestState *s);

/* One GTest case of a qtest program. */
typedef struct QTestCase {
    const char *name;
    void (*fn)(void);
} QTestCase;
/* g_test_init(), register @cases as /ARCH/@group/NAME, g_test_run(). */
int qtest_run_cases(int *argc, char ***argv, const char *group,
                    const QTestCase *cases, size_t n);

/* "x86_64": the text after the last '-' of the binary name. */
const char *qtest_get_arch(void);
/* $QTEST_QEMU_BINARY (default "build/vigil-system-x86_64"). */
const char *qtest_binary(void);
bool qtest_is_qemu72(void);

/* ---- qtest protocol ---- */

/* Send one raw line (the caller includes "\n"). */
void qtest_sendf(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Next reply line without "\n" ("IRQ ..." lines are skipped); NULL on
 * EOF or timeout.  Caller frees. */
char *qtest_recv_line(QTestState *s);
/* Send a line ("\n" appended) and return the reply.  Caller frees. */
char *qtest_cmd(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

uint8_t qtest_inb(QTestState *s, uint16_t port);
uint16_t qtest_inw(QTestState *s, uint16_t port);
uint32_t qtest_inl(QTestState *s, uint16_t port);
void qtest_outb(QTestState *s, uint16_t port, uint8_t value);
void qtest_outw(QTestState *s, uint16_t port, uint16_t value);
void qtest_outl(QTestState *s, uint16_t port, uint32_t value);
uint8_t qtest_readb(QTestState *s, uint64_t addr);
uint16_t qtest_readw(QTestState *s, uint64_t addr);
uint32_t qtest_readl(QTestState *s, uint64_t addr);
uint64_t qtest_readq(QTestState *s, uint64_t addr);
void qtest_writeb(QTestState *s, uint64_t addr, uint8_t value);
void qtest_writew(QTestState *s, uint64_t addr, uint16_t value);
void qtest_writel(QTestState *s, uint64_t addr, uint32_t value);
void qtest_writeq(QTestState *s, uint64_t addr, uint64_t value);

/* ---- QMP ---- */

/*
 * Send a command (printf format producing JSON text; "\n" appended) and
 * return the first non-event message.  Events read meanwhile are stashed.
 * Caller owns the reply (json_decref).
 */
json_t *qtest_qmp(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Send without waiting for a reply. */
void qtest_qmp_send(QTestState *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Next message from the socket (event or reply); NULL on EOF/timeout. */
json_t *qtest_qmp_receive(QTestState *s);
/* The first event named @event, from the stash or the socket (other
 * events stay stashed).  NULL on EOF/timeout. */
json_t *qtest_qmp_eventwait(QTestState *s, const char *event);
/* How many events named @event are stashed right now (NULL: all). */
unsigned qtest_qmp_stashed(QTestState *s, const char *event);
void qtest_qmp_stash_clear(QTestState *s);
/* Shortcut: reply["return"]["status"] of query-status, caller frees. */
char *qtest_query_status(QTestState *s, bool *running);
/* Assert query-status says @want with "running" @want_running. */
void qtest_assert_status(QTestState *s, const char *want, bool want_running);
/*
 * Wait for @event (GUEST_PANICKED, GUEST_CRASHLOADED) and assert its data
 * is exactly {"action": @action}: pvpanic never sends "info".
 */
void qtest_assert_panic_event(QTestState *s, const char *event,
                              const char *action);
/* Wait for @event (SHUTDOWN, RESET) and assert its guest and reason. */
void qtest_assert_shutdown_event(QTestState *s, const char *event, bool guest,
                                 const char *reason);

/*
 * qtest_qmp() that sends @fds (@nfds of them; they stay open here) with
 * the command's bytes as SCM_RIGHTS, as libvirt sends getfd/add-fd.
 */
json_t *qtest_qmp_fds(QTestState *s, const int *fds, size_t nfds,
                      const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* Send @buf over unix socket @fd with @fds attached (SCM_RIGHTS). */
void qtest_send_with_fds(int fd, const void *buf, size_t len, const int *fds,
                         size_t nfds);
/* How many descriptors process @pid has open (/proc/PID/fd). */
unsigned qtest_count_fds(pid_t pid);

/* Raw QMP bytes for conformance tests. */
void qtest_qmp_send_raw(QTestState *s, const void *buf, size_t len);
/* Bytes up to and including the next "\n" (so "\r\n" is visible);
 * NULL on EOF or timeout. */
char *qtest_qmp_recv_raw(QTestState *s);
int qtest_qmp_fd(QTestState *s);
/* The qtest socket itself, for tests that send raw bytes or fds on it. */
int qtest_qtest_fd(QTestState *s);

/* ---- helpers for tests that do not use libqtest's sockets ---- */

/* Connect to a unix socket, retrying until @timeout_ms; -1 on failure. */
int qtest_socket_connect(const char *path, int timeout_ms);
/* Read one "\n"-terminated line from @fd (bytes kept as sent). */
char *qtest_fd_recv_line(int fd, int timeout_ms);
/*
 * Run BIN @args (shell syntax) directly, without sockets, and wait at most
 * QTEST_TIMEOUT_MS.  Returns the wait status; output is returned through
 * @out/@err when non-NULL (caller frees).
 */
int qtest_run_direct(const char *args, char **out, char **err);

/* One qtest_run_direct() whose output is kept (qtest_run_free() frees). */
typedef struct QTestRun {
    int status;
    char *out;
    char *err;
} QTestRun;

void qtest_run(QTestRun *r, const char *args);
void qtest_run_free(QTestRun *r);
/* Asserts that the run exited (not killed) with status @code. */
void qtest_run_assert_exit(const QTestRun *r, int code);

/* Runs @cmd and asserts a "return": that member, which the caller owns. */
json_t *qtest_qmp_return(QTestState *s, const char *cmd);
/* Runs @cmd and asserts an error reply of class @klass saying @desc. */
void qtest_qmp_assert_error(QTestState *s, const char *cmd, const char *klass,
                            const char *desc);
/*
 * After "irq_intercept_in ioapic": the level of interrupt line @num from
 * the "IRQ raise/lower" lines received, and how many times it was raised.
 */
bool qtest_get_irq(QTestState *s, unsigned num);
unsigned qtest_irq_raises(QTestState *s, unsigned num);

/* True if a member of the JSON array @list has "name": @name. */
bool qtest_json_list_has_name(json_t *list, const char *name);

#endif /* TESTS_QTEST_LIBQTEST_H */
