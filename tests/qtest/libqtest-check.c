/*
 * libqtest: checks built on the public calls (query-status, events,
 * replies, exit statuses); see libqtest.h.
 */
#include "libqtest.h"

#include <string.h>
#include <sys/wait.h>

char *qtest_query_status(QTestState *s, bool *running)
{
    json_t *r = qtest_qmp(s, "{\"execute\": \"query-status\"}");
    json_t *ret = json_object_get(r, "return");
    char *status;

    g_assert(ret);
    status = g_strdup(json_string_value(json_object_get(ret, "status")));
    if (running) {
        *running = json_is_true(json_object_get(ret, "running"));
    }
    json_decref(r);
    return status;
}

void qtest_assert_status(QTestState *s, const char *want, bool want_running)
{
    bool running;
    g_autofree char *status = qtest_query_status(s, &running);

    g_assert_cmpstr(status, ==, want);
    g_assert_cmpint(running, ==, want_running);
}

/* Wait for @event and return its "data" member (borrowed from *@ev). */
static json_t *event_data(QTestState *s, const char *event, json_t **ev)
{
    *ev = qtest_qmp_eventwait(s, event);
    g_assert_nonnull(*ev);
    return json_object_get(*ev, "data");
}

void qtest_assert_panic_event(QTestState *s, const char *event,
                              const char *action)
{
    json_t *ev;
    json_t *data = event_data(s, event, &ev);

    g_assert_nonnull(data);
    g_assert_cmpstr(json_string_value(json_object_get(data, "action")), ==,
                    action);
    g_assert_cmpuint(json_object_size(data), ==, 1);
    json_decref(ev);
}

void qtest_assert_shutdown_event(QTestState *s, const char *event, bool guest,
                                 const char *reason)
{
    json_t *ev;
    json_t *data = event_data(s, event, &ev);

    g_assert_nonnull(data);
    g_assert_cmpint(json_is_true(json_object_get(data, "guest")), ==, guest);
    g_assert_cmpstr(json_string_value(json_object_get(data, "reason")), ==,
                    reason);
    json_decref(ev);
}

void qtest_assert_exit_status(int status, int code)
{
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, code);
}

void qtest_quit_ok(QTestState *s)
{
    qtest_assert_exit_status(qtest_quit(s), 0);
}

json_t *qtest_qmp_return(QTestState *s, const char *cmd)
{
    json_t *r = qtest_qmp(s, "%s", cmd);
    json_t *ret = json_incref(json_object_get(r, "return"));

    g_assert_nonnull(ret);
    json_decref(r);
    return ret;
}

void qtest_qmp_assert_error(QTestState *s, const char *cmd, const char *klass,
                            const char *desc)
{
    json_t *r = qtest_qmp(s, "%s", cmd);
    json_t *e = json_object_get(r, "error");

    g_assert_cmpstr(json_string_value(json_object_get(e, "class")), ==, klass);
    g_assert_cmpstr(json_string_value(json_object_get(e, "desc")), ==, desc);
    json_decref(r);
}

bool qtest_json_list_has_name(json_t *list, const char *name)
{
    size_t i;
    json_t *e;

    json_array_foreach(list, i, e)
    {
        const char *n = json_string_value(json_object_get(e, "name"));

        if (n && !strcmp(n, name)) {
            return true;
        }
    }
    return false;
}
