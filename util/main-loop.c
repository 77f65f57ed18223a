/*
 * The main loop on one epoll instance (see include/qemu/main-loop.h).
 *
 * It replaced glib's GMainContext, whose prepare/query/check/dispatch
 * walk over every source cost about 2,200 instructions per iteration,
 * more than handling a qtest command: here an iteration is a few checks
 * and one epoll_wait().  Few fds and bottom halves ever exist (one or
 * two per chardev), so plain arrays and a list are enough.
 */
#include "qemu/main-loop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "qemu/timer.h"
#include "system/bql.h"

#define MAX_EVENTS 64
#define MAX_HOOKS  8
/* Rounds of bottom halves main_loop_run() still runs after the exit. */
#define EXIT_BH_ROUNDS 8

typedef struct FdHandler {
    IOHandler *read;
    IOHandler *write;
    void *opaque;
    uint32_t gen;    /* tells a stale epoll event from a re-added fd */
    uint32_t events; /* what epoll watches */
    bool always_ready;
} FdHandler;

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    bool scheduled;
    bool deleted;
    QEMUBH *next;
};

static int epoll_fd = -1;
static int wake_fd = -1;
static FdHandler **handlers; /* indexed by fd */
static int handlers_len;
static uint32_t handler_gen;
static int always_ready_count;

static QEMUBH *bh_list;
static int bh_scheduled_count;
static int bh_walking;
static bool bh_deleted_any;

static struct {
    const MainLoopHook *hook;
    void *opaque;
} hooks[MAX_HOOKS];
static int hook_count;

static bool exit_requested;
static int exit_status;
static bool exiting;

/* ---- fd handlers ---- */

static FdHandler *handler_of(int fd)
{
    return fd >= 0 && fd < handlers_len ? handlers[fd] : NULL;
}

static bool ensure_epoll(void)
{
    if (epoll_fd < 0) {
        epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    }
    return epoll_fd >= 0;
}

static void handler_remove(int fd)
{
    FdHandler *h = handler_of(fd);

    if (!h) {
        return;
    }
    if (h->always_ready) {
        always_ready_count--;
    } else {
        /* The caller may have closed the fd already: nothing to undo. */
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, fd, NULL);
    }
    handlers[fd] = NULL;
    g_free(h);
}

void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque)
{
    FdHandler *h;
    uint32_t events = (fd_read ? EPOLLIN : 0) | (fd_write ? EPOLLOUT : 0);
    struct epoll_event ev;

    if (fd < 0) {
        return;
    }
    if (!events) {
        handler_remove(fd);
        return;
    }
    if (!ensure_epoll()) {
        return;
    }
    if (fd >= handlers_len) {
        int len = MAX(fd + 1, handlers_len * 2);

        handlers = g_renew(FdHandler *, handlers, len);
        memset(handlers + handlers_len, 0,
               (len - handlers_len) * sizeof(*handlers));
        handlers_len = len;
    }
    h = handlers[fd];
    if (!h) {
        h = g_new0(FdHandler, 1);
        h->gen = ++handler_gen;
        handlers[fd] = h;
    }
    h->read = fd_read;
    h->write = fd_write;
    h->opaque = opaque;
    if (h->always_ready || h->events == events) {
        h->events = events;
        return;
    }
    ev.events = events;
    ev.data.u64 = ((uint64_t)h->gen << 32) | (uint32_t)fd;
    if (epoll_ctl(epoll_fd, h->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd,
                  &ev) < 0) {
        /* EPERM: a regular file or /dev/null, which poll() calls ready. */
        h->always_ready = true;
        always_ready_count++;
    }
    h->events = events;
}

/* Run @fd's handlers for @ev, unless the watch changed meanwhile. */
static void dispatch_fd(int fd, uint32_t gen, uint32_t ev)
{
    FdHandler *h = handler_of(fd);

    if (!h || h->gen != gen) {
        return;
    }
    if (h->read && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
        h->read(h->opaque);
        h = handler_of(fd);
        if (!h || h->gen != gen) {
            return;
        }
    }
    if (h->write && (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))) {
        h->write(h->opaque);
    }
}

static void dispatch_always_ready(void)
{
    for (int fd = 0; fd < handlers_len && always_ready_count; fd++) {
        FdHandler *h = handlers[fd];

        if (h && h->always_ready) {
            dispatch_fd(fd, h->gen, h->events);
        }
    }
}

void main_loop_wait_io(int timeout_ms)
{
    struct epoll_event ev[MAX_EVENTS];
    bool locked;
    int n;

    if (!ensure_epoll()) {
        return;
    }
    if (always_ready_count) {
        timeout_ms = 0;
    }
    /* vCPU threads run device code exactly while we sleep. */
    locked = timeout_ms != 0 && bql_locked();
    if (locked) {
        bql_unlock();
    }
    n = epoll_wait(epoll_fd, ev, MAX_EVENTS, timeout_ms);
    if (locked) {
        bql_lock();
    }
    for (int i = 0; i < n; i++) {
        dispatch_fd((int)(uint32_t)ev[i].data.u64,
                    (uint32_t)(ev[i].data.u64 >> 32), ev[i].events);
    }
    if (always_ready_count) {
        dispatch_always_ready();
    }
}

/* ---- bottom halves ---- */

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->cb = cb;
    bh->opaque = opaque;
    bh->next = bh_list;
    bh_list = bh;
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    if (!bh->scheduled && !bh->deleted) {
        bh->scheduled = true;
        bh_scheduled_count++;
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    if (bh->scheduled) {
        bh->scheduled = false;
        bh_scheduled_count--;
    }
}

static void bh_sweep(void)
{
    QEMUBH **p = &bh_list;

    while (*p) {
        QEMUBH *bh = *p;

        if (bh->deleted) {
            *p = bh->next;
            g_free(bh);
        } else {
            p = &bh->next;
        }
    }
    bh_deleted_any = false;
}

void qemu_bh_delete(QEMUBH *bh)
{
    if (!bh) {
        return;
    }
    qemu_bh_cancel(bh);
    bh->deleted = true;
    bh_deleted_any = true;
    if (!bh_walking) {
        bh_sweep();
    }
}

/* Returns true if any bottom half ran. */
static bool run_bhs(void)
{
    bool ran = false;

    if (!bh_scheduled_count) {
        return false;
    }
    bh_walking++;
    for (QEMUBH *bh = bh_list; bh; bh = bh->next) {
        if (bh->scheduled) {
            bh->scheduled = false;
            bh_scheduled_count--;
            bh->cb(bh->opaque);
            ran = true;
        }
    }
    bh_walking--;
    if (!bh_walking && bh_deleted_any) {
        bh_sweep();
    }
    return ran;
}

/* ---- hooks ---- */

void main_loop_add_hook(const MainLoopHook *hook, void *opaque)
{
    g_assert(hook_count < MAX_HOOKS);
    hooks[hook_count].hook = hook;
    hooks[hook_count].opaque = opaque;
    hook_count++;
}

static void run_hooks(bool between_reads_only)
{
    for (int i = 0; i < hook_count; i++) {
        const MainLoopHook *h = hooks[i].hook;

        if (h->run && (!between_reads_only || h->between_reads)) {
            h->run(hooks[i].opaque);
        }
    }
}

static bool hooks_pending(void)
{
    for (int i = 0; i < hook_count; i++) {
        const MainLoopHook *h = hooks[i].hook;

        if (h->pending && h->pending(hooks[i].opaque)) {
            return true;
        }
    }
    return false;
}

/* ---- the loop ---- */

static void wake_read(void *opaque)
{
    uint64_t v;

    while (read(wake_fd, &v, sizeof(v)) == sizeof(v)) {
    }
}

bool main_loop_init(GError **errp)
{
    if (wake_fd >= 0) {
        return true; /* already done */
    }
    if (!ensure_epoll()) {
        error_setg(errp, "epoll_create1: %s", g_strerror(errno));
        return false;
    }
    wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd < 0) {
        error_setg(errp, "eventfd: %s", g_strerror(errno));
        return false;
    }
    qemu_set_fd_handler(wake_fd, wake_read, NULL, NULL);
    return true;
}

void qemu_notify_event(void)
{
    /*
     * The main thread never sleeps while it runs code: its next iteration
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
    if (exiting || exit_requested || !qemu_in_main_thread()) {
        return false;
    }
    run_hooks(true);
    return !bh_scheduled_count && !hooks_pending() &&
           qemu_timers_poll_timeout_ms() != 0;
}

/* One iteration; @limit_ms caps the wait (-1: none).  True if it ran a
 * bottom half. */
static bool iterate(int limit_ms)
{
    bool ran;
    int timeout;

    run_hooks(false);
    if (exit_requested) {
        return false;
    }
    ran = run_bhs();
    if (bh_scheduled_count || hooks_pending()) {
        timeout = 0;
    } else {
        timeout = qemu_timers_poll_timeout_ms();
        if (limit_ms >= 0 && (timeout < 0 || timeout > limit_ms)) {
            timeout = limit_ms;
        }
    }
    main_loop_wait_io(timeout);
    qemu_clock_run_all_timers();
    return ran;
}

void main_loop_exit(int status)
{
    exit_requested = true;
    exit_status = status;
}

int main_loop_run(void)
{
    exit_requested = false;
    while (!exit_requested) {
        iterate(-1);
    }
    /*
     * Work that is already due still runs, without blocking: a monitor
     * that deferred a reply until the request was acted on (system_reset
     * under -no-reboot) sends it now, after SHUTDOWN, as QEMU does.
     * Bounded: nothing here may keep the process alive.
     */
    exiting = true;
    for (int i = 0; i < EXIT_BH_ROUNDS && run_bhs(); i++) {
    }
    run_hooks(true);
    return exit_status;
}

bool main_loop_poll_once(int timeout_ms)
{
    return iterate(timeout_ms);
}

void main_loop_cleanup(void)
{
    for (int fd = 0; fd < handlers_len; fd++) {
        g_free(handlers[fd]);
    }
    g_clear_pointer(&handlers, g_free);
    handlers_len = 0;
    always_ready_count = 0;
    for (QEMUBH *bh = bh_list, *next; bh; bh = next) {
        next = bh->next;
        g_free(bh);
    }
    bh_list = NULL;
    bh_scheduled_count = 0;
    hook_count = 0;
    exiting = false;
    exit_requested = false;
    if (wake_fd >= 0) {
        close(wake_fd);
        wake_fd = -1;
    }
    if (epoll_fd >= 0) {
        close(epoll_fd);
        epoll_fd = -1;
    }
}
