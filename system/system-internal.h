/*
 * Private to system/'s top layer (main.c, os-posix.c): the POSIX process
 * plumbing main() uses.  The run-state files have their own private
 * header (runstate-internal.h) and must not include this one
 * (docs/devel/layers.rst).
 */
#ifndef SYSTEM_SYSTEM_INTERNAL_H
#define SYSTEM_SYSTEM_INTERNAL_H

#include "qemu/common.h"

/* The main loop is util/main-loop.c. */
#include "qemu/main-loop.h"

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
