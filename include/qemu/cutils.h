/*
 * Small string helpers shared by the command-line parsers of several
 * layers (util/cutils.c).
 */
#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

#include "qemu/common.h"

/*
 * QEMU's size syntax: "N[.F][suffix]", suffixes B/b (bytes) and
 * k/K, M/m, G/g, T/t, P/p, E/e (binary multiples); @default_shift is
 * applied without a suffix (20 for -m, where a plain number means MiB;
 * 0 for object properties, where it means bytes).  "0x..." is hex and
 * takes no fraction; there is no octal ("010" is ten).  A fraction needs
 * an explicit suffix.  Returns false, leaving *bytes alone, for anything
 * else or a value that does not fit in 64 bits.
 */
bool qemu_strtosz(const char *str, int default_shift, uint64_t *bytes);

/*
 * QEMU's boolean option values: on/yes/true/y and off/no/false/n.
 * Anything else: "Parameter '@key' expects 'on' or 'off'".
 */
bool qemu_parse_bool(const char *key, const char *value, bool *out,
                     GError **errp);

/*
 * QEMU's rule for user-given ids (-device id=, -object id=, ...): a
 * letter, then letters, digits, '-', '.' and '_'.
 */
bool id_wellformed(const char *id);

#endif /* QEMU_CUTILS_H */
