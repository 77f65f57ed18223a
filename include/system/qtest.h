/*
 * The qtest protocol server (accel/qtest).
 *
 * qtest_server_init() attaches to the -qtest chardev; lines arrive as
 * "outb 0x505 0x1\n" and are answered one line each ("OK\n"), in order,
 * through the same address-space dispatch a vCPU uses.  See
 * docs/specs/qtest.rst.
 */
#ifndef SYSTEM_QTEST_H
#define SYSTEM_QTEST_H

#include "qemu/common.h"
#include "chardev/char.h"

/* @log: NULL = stderr, "none" = no log, else a file path. */
bool qtest_server_init(Chardev *chr, const char *log, GError **errp);
bool qtest_enabled(void); /* the qtest accelerator is in use */
void qtest_cleanup(void);

#endif /* SYSTEM_QTEST_H */
