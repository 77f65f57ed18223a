/*
 * A deferred reply (system_reset, system_powerdown) is announced to the
 * session's own defer callback, given at qmp_session_init(): two
 * sessions with different owners each hear only about their own reply
 * (there is no process-wide hook for one owner to overwrite).
 */
#include "../../monitor/monitor-internal.h"
#include "system/runstate.h"

#include <fcntl.h>
#include <unistd.h>

typedef struct Owner {
    QmpSession s;
    GString *out;
    int deferred; /* calls of this owner's defer callback */
} Owner;

/* Calls of each owner's callback, whichever session they came for. */
static int calls_a, calls_b;

static void owner_output(void *opaque, const char *buf, size_t len)
{
    Owner *o = opaque;

    g_string_append_len(o->out, buf, len);
}

static void owner_defer_a(QmpSession *s)
{
    Owner *o = s->opaque;

    calls_a++;
    o->deferred++;
}

/* Another owner (say, a harness) with its own callback. */
static void owner_defer_b(QmpSession *s)
{
    Owner *o = s->opaque;

    calls_b++;
    o->deferred++;
}

static void owner_init(Owner *o, QmpDeferFn *defer)
{
    static const char cap[] = "{\"execute\": \"qmp_capabilities\"}\n";

    o->out = g_string_new(NULL);
    o->deferred = 0;
    qmp_session_init(&o->s, false, owner_output, defer, o);
    qmp_session_start(&o->s);
    qmp_session_feed(&o->s, cap, strlen(cap));
    g_string_truncate(o->out, 0);
}

static void owner_destroy(Owner *o)
{
    qmp_session_destroy(&o->s);
    g_string_free(o->out, TRUE);
}

static void feed(Owner *o, const char *req)
{
    qmp_session_feed(&o->s, req, strlen(req));
}

static void test_defer_per_session(void)
{
    Owner a, b;
    int status;

    runstate_init();
    runstate_reset_actions();
    vm_start();
    calls_a = calls_b = 0;
    owner_init(&a, owner_defer_a);
    owner_init(&b, owner_defer_b);

    feed(&a, "{\"execute\": \"system_reset\"}\n");
    g_assert_cmpint(calls_a, ==, 1);
    g_assert_cmpint(calls_b, ==, 0);
    g_assert_cmpint(a.deferred, ==, 1);
    g_assert_cmpint(b.deferred, ==, 0);
    g_assert_cmpstr(a.out->str, ==, ""); /* held back */
    /* A request queued behind the deferred reply waits too. */
    feed(&a, "{\"execute\": \"query-status\"}\n");
    g_assert_cmpstr(a.out->str, ==, "");

    feed(&b, "{\"execute\": \"system_powerdown\"}\n");
    g_assert_cmpint(calls_a, ==, 1);
    g_assert_cmpint(calls_b, ==, 1);
    g_assert_cmpint(a.deferred, ==, 1);
    g_assert_cmpint(b.deferred, ==, 1);

    /* The owner flushes once the main loop acted on the requests. */
    g_assert_false(runstate_process_requests(&status));
    qmp_session_flush_deferred(&a.s);
    g_assert_cmpstr(a.out->str, ==,
                    "{\"return\": {}}\r\n"
                    "{\"return\": {\"status\": \"running\", "
                    "\"running\": true}}\r\n");
    g_assert_cmpstr(b.out->str, ==, "");
    qmp_session_flush_deferred(&b.s);
    g_assert_cmpstr(b.out->str, ==, "{\"return\": {}}\r\n");

    owner_destroy(&a);
    owner_destroy(&b);
}

static void test_defer_without_callback(void)
{
    Owner o;
    int status;

    /* NULL: the owner polls s->deferring itself (the fuzz harness). */
    runstate_init();
    vm_start();
    owner_init(&o, NULL);
    feed(&o, "{\"execute\": \"system_reset\", \"id\": 1}\n");
    g_assert_true(o.s.deferring);
    g_assert_cmpint(o.deferred, ==, 0);
    g_assert_cmpstr(o.out->str, ==, "");
    g_assert_false(runstate_process_requests(&status));
    qmp_session_flush_deferred(&o.s);
    g_assert_cmpstr(o.out->str, ==, "{\"return\": {}, \"id\": 1}\r\n");
    owner_destroy(&o);
}

static bool fd_is_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

/*
 * Passed fds go with the request their bytes complete, even one queued
 * behind a deferred reply; fds no command takes are closed; more than
 * the bound waiting for a request are closed oldest first.
 */
static void test_passed_fds(void)
{
    Owner o;
    int status, fds[20];

    runstate_init();
    vm_start();
    owner_init(&o, NULL);

    /* Sent with a command that takes none: closed after it. */
    fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    qmp_session_add_fd(&o.s, fds[0]);
    feed(&o, "{\"execute\": \"query-status\"}\n");
    g_assert_false(fd_is_open(fds[0]));

    /* Queued behind system_reset's deferred reply, getfd still gets it. */
    g_string_truncate(o.out, 0);
    feed(&o, "{\"execute\": \"system_reset\"}\n");
    fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    qmp_session_add_fd(&o.s, fds[0]);
    feed(&o, "{\"execute\": \"getfd\", \"arguments\": {\"fdname\": \"x\"}}\n");
    g_assert_true(fd_is_open(fds[0]));
    g_assert_false(runstate_process_requests(&status));
    qmp_session_flush_deferred(&o.s);
    g_assert_cmpstr(o.out->str, ==, "{\"return\": {}}\r\n{\"return\": {}}\r\n");
    g_assert_cmpint(qmp_session_take_named_fd(&o.s, "x", NULL), ==, fds[0]);
    close(fds[0]);

    /* A client that only sends fds: at most 16 are held. */
    for (int i = 0; i < 20; i++) {
        fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
        qmp_session_add_fd(&o.s, fds[i]);
    }
    /* (numbers of closed fds are reused: look at what is held) */
    g_assert_cmpuint(o.s.incoming_fds->len, ==, 16);
    for (int i = 4; i < 20; i++) {
        g_assert_cmpint(g_array_index(o.s.incoming_fds, int, i - 4), ==,
                        fds[i]);
        g_assert_true(fd_is_open(fds[i]));
    }
    /* A client that goes away leaves none behind. */
    qmp_session_reset(&o.s);
    for (int i = 4; i < 20; i++) {
        g_assert_false(fd_is_open(fds[i]));
    }
    owner_destroy(&o);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp-session/defer/per-session", test_defer_per_session);
    g_test_add_func("/qmp-session/defer/no-callback",
                    test_defer_without_callback);
    g_test_add_func("/qmp-session/passed-fds", test_passed_fds);
    return g_test_run();
}
