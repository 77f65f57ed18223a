/*
 * Private to system/: the main loop and the POSIX process plumbing used
 * by main() and runstate.
 */
#ifndef SYSTEM_SYSTEM_INTERNAL_H
#define SYSTEM_SYSTEM_INTERNAL_H

#include "qemu/common.h"

/* main-loop.c */
/* Create the wake-up eventfd and hook the default GMainContext.  Call
 * first thing in main(): signals may arrive from then on. */
bool main_loop_init(GError **errp);
/* Iterate until runstate asks to exit; returns the exit status. */
int main_loop_run(void);
void main_loop_cleanup(void);
/* Async-signal-safe wake-up (always writes the eventfd). */
void main_loop_wakeup_from_signal(void);

/* os-posix.c */
void os_setup_signal_handling(void);
bool os_set_exit_with_parent(GError **errp);
/* -daemonize: fork; the parent waits until os_daemonize_finish() (exit
 * 0) or until the child exits early (exit 1).  Returns in the child. */
bool os_daemonize_start(GError **errp);
void os_daemonize_finish(void);
bool os_pidfile_create(const char *path, GError **errp);
void os_pidfile_remove(void);

#endif /* SYSTEM_SYSTEM_INTERNAL_H */
