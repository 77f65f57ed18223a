/*
 * The main loop: fd handlers, bottom halves, timers and a wake-up
 * eventfd, on one epoll instance (util/main-loop.c).
 *
 * It is a bottom-layer piece: it knows nothing of the monitor, run
 * states or chardevs.  What the layers above need to happen on every
 * iteration (deliver queued QMP events, act on shutdown/reset requests)
 * they register with main_loop_add_hook(); main() does the wiring.
 *
 * One iteration:
 *   1. every hook's run(), in registration order
 *   2. the bottom halves scheduled so far, in scheduling order
 *   3. epoll_wait(), with the BQL dropped while sleeping; the timeout is
 *      0 if a bottom half or a hook has work, else the next timer deadline
 *   4. the handlers of ready fds
 *   5. the expired timers
 * So work a command queues (a request, a deferred reply in a bottom half)
 * is acted on at the start of the next iteration, request first.
 *
 * Everything here runs on the main thread with the BQL held, except
 * qemu_notify_event() and main_loop_wakeup_from_signal().
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

#include "qemu/common.h"

/* Create the epoll instance and the wake-up eventfd (once; later calls
 * do nothing).  Call first thing in main(): signals may arrive from then
 * on.  Without it, fd handlers, bottom halves and main_loop_poll_once()
 * still work, but other threads cannot wake the loop. */
bool main_loop_init(GError **errp);
/* Close everything and forget every hook, fd handler and bottom half:
 * the bottom halves are freed, so delete your own first. */
void main_loop_cleanup(void);

/*
 * Iterate until main_loop_exit(); returns its status.  Then bottom halves
 * already scheduled (a reply deferred until a request was acted on) run,
 * a bounded number of rounds without blocking, and every hook's run()
 * once more.  Nothing is read from any fd after main_loop_exit().
 */
int main_loop_run(void);
/* Make main_loop_run() return @status after the current iteration. */
void main_loop_exit(int status);
/* One full iteration, waiting at most @timeout_ms (-1: no limit) in
 * step 3.  For harnesses that drive the loop themselves (fuzzers).
 * Returns true if a bottom half ran (more work may follow). */
bool main_loop_poll_once(int timeout_ms);
/*
 * Steps 3 and 4 only: wait at most @timeout_ms for fd events and run
 * their handlers, with no hook, bottom half or timer.  For the exit
 * drain, which only writes queued output (chardev/).
 */
void main_loop_wait_io(int timeout_ms);

/* Wake the loop (any thread).  From the main thread it does nothing: the
 * next iteration sees whatever was just requested. */
void qemu_notify_event(void);
/* Async-signal-safe wake-up (always writes the eventfd). */
void main_loop_wakeup_from_signal(void);

/*
 * For an fd handler that wants to read again instead of returning to
 * epoll_wait(): runs the hooks marked between_reads, then returns true
 * only on the main thread, before main_loop_exit(), with no hook
 * pending, no bottom half scheduled and no timer due, i.e. when an
 * iteration would do nothing but wait.
 */
bool main_loop_io_may_continue(void);

/* ---- registrations from the layers above ---- */

typedef struct MainLoopHook {
    /* Step 1 of each iteration (NULL: none). */
    void (*run)(void *opaque);
    /* True if run() has work now: the loop must not sleep and fd
     * handlers must return to the loop (NULL: never). */
    bool (*pending)(void *opaque);
    /* run() is cheap, keeps order, and is also called by
     * main_loop_io_may_continue() (flushing queued events). */
    bool between_reads;
} MainLoopHook;

/* @hook must stay valid until main_loop_cleanup(). */
void main_loop_add_hook(const MainLoopHook *hook, void *opaque);

/* ---- fd handlers ---- */

typedef void IOHandler(void *opaque);

/*
 * Watch @fd: @fd_read runs while it is readable (or at end of file, hang
 * up or error), @fd_write while it is writable (or on error).  Replaces
 * the handlers @fd had; both NULL removes the watch.  A handler may
 * change or remove any watch, its own included, and close the fd after
 * removing its watch.  Regular files and other fds epoll cannot watch are
 * treated as always ready, as poll() does.
 */
void qemu_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write,
                         void *opaque);

/* ---- bottom halves: run once, soon, on the main thread ---- */

typedef struct QEMUBH QEMUBH;
typedef void QEMUBHFunc(void *opaque);

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
/* Run @bh at step 2 of the next iteration (again if it reschedules). */
void qemu_bh_schedule(QEMUBH *bh);
void qemu_bh_cancel(QEMUBH *bh);
/* Cancel and free (NULL-safe); may be called from the bh itself. */
void qemu_bh_delete(QEMUBH *bh);

#endif /* QEMU_MAIN_LOOP_H */
