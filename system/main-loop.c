/*
 * The main loop: glib's default GMainContext plus one "core" source.
 *
 * The core source owns an eventfd that anything (a vCPU thread, a signal
 * handler, a timer being armed) writes to wake the loop, and it runs the
 * timers: its prepare() gives glib the next timer deadline as the poll
 * timeout.  The poll function drops the BQL only while sleeping, so vCPU
 * threads can run device code exactly then.
 */
#include "system-internal.h"

#include <errno.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include "monitor/monitor.h"
#include "qemu/timer.h"
#include "system/bql.h"
#include "system/runstate.h"

typedef struct CoreSource {
    GSource source;
    gpointer tag; /* the eventfd's poll record */
} CoreSource;

static int wake_fd = -1;
static GSource *core_source;
static bool exiting;

static void wake_fd_drain(void)
{
    uint64_t v;

    while (read(wake_fd, &v, sizeof(v)) == sizeof(v)) {
    }
}

static gboolean core_prepare(GSource *source, gint *timeout)
{
    if (exiting) {
        *timeout = -1;
        return FALSE;
    }
    if (runstate_has_pending_requests()) {
        *timeout = 0;
        return TRUE;
    }
    *timeout = qemu_timers_poll_timeout_ms();
    return *timeout == 0;
}

static gboolean core_check(GSource *source)
{
    CoreSource *cs = (CoreSource *)source;

    if (exiting) {
        return FALSE;
    }
    if (g_source_query_unix_fd(source, cs->tag) & G_IO_IN) {
        return TRUE;
    }
    return runstate_has_pending_requests() ||
           qemu_timers_poll_timeout_ms() == 0;
}

static gboolean core_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
    CoreSource *cs = (CoreSource *)source;

    if (g_source_query_unix_fd(source, cs->tag) & G_IO_IN) {
        wake_fd_drain();
    }
    qemu_clock_run_all_timers();
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs core_source_funcs = {
    .prepare = core_prepare,
    .check = core_check,
    .dispatch = core_dispatch,
};

static gint poll_without_bql(GPollFD *fds, guint nfds, gint timeout)
{
    bool locked = bql_locked();
    gint ret;

    if (locked) {
        bql_unlock();
    }
    ret = g_poll(fds, nfds, timeout);
    if (locked) {
        bql_lock();
    }
    return ret;
}

bool main_loop_init(GError **errp)
{
    CoreSource *cs;

    wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0) {
        error_setg(errp, "eventfd: %s", g_strerror(errno));
        return false;
    }
    core_source = g_source_new(&core_source_funcs, sizeof(CoreSource));
    cs = (CoreSource *)core_source;
    cs->tag = g_source_add_unix_fd(core_source, wake_fd, G_IO_IN);
    g_source_set_priority(core_source, G_PRIORITY_HIGH);
    g_source_attach(core_source, NULL);
    g_main_context_set_poll_func(NULL, poll_without_bql);
    return true;
}

void qemu_notify_event(void)
{
    /*
     * The main thread never sleeps while it runs code: its next prepare()
     * sees whatever it just requested.  Other threads must wake it.
     */
    if (wake_fd >= 0 && !qemu_in_main_thread()) {
        main_loop_wakeup_from_signal();
    }
}

void main_loop_wakeup_from_signal(void)
{
    uint64_t one = 1;
    int saved = errno;

    if (wake_fd >= 0) {
        /* EAGAIN means the counter is already non-zero: fine. */
        if (write(wake_fd, &one, sizeof(one)) < 0) {
            errno = saved;
        }
    }
    errno = saved;
}

bool main_loop_io_may_continue(void)
{
    if (exiting || !qemu_in_main_thread()) {
        return false;
    }
    monitor_flush_event_queue();
    return !runstate_has_pending_requests() &&
           qemu_timers_poll_timeout_ms() != 0;
}

int main_loop_run(void)
{
    int status = 0;

    for (;;) {
        monitor_flush_event_queue();
        if (runstate_process_requests(&status)) {
            break;
        }
        g_main_context_iteration(NULL, TRUE);
    }
    /*
     * Work that is already due still runs once, without blocking: a
     * monitor that deferred a reply until the request was acted on
     * (system_reset under -no-reboot) sends it now, after SHUTDOWN, as
     * QEMU does.  Bounded: nothing here may keep the process alive.
     */
    exiting = true;
    for (int i = 0; i < 8 && g_main_context_pending(NULL); i++) {
        g_main_context_iteration(NULL, FALSE);
    }
    monitor_flush_event_queue();
    return status;
}

void main_loop_cleanup(void)
{
    exiting = false;
    g_main_context_set_poll_func(NULL, NULL);
    if (core_source) {
        g_source_destroy(core_source);
        g_source_unref(core_source);
        core_source = NULL;
    }
    if (wake_fd >= 0) {
        close(wake_fd);
        wake_fd = -1;
    }
}
