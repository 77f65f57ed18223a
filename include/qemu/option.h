/*
 * Splitting QEMU-style option strings ("driver,key=value,...").
 *
 * Every option that takes a comma list goes through qemu_opts_split(), so
 * ",," means a literal comma everywhere, as in QEMU: a chardev path or a
 * file name may contain commas ("path=/tmp/a,,b" is "/tmp/a,b").
 */
#ifndef QEMU_OPTION_H
#define QEMU_OPTION_H

#include "qemu/common.h"

/*
 * Split @str at single commas, turning each ",," into one literal comma.
 * Returns a NULL-terminated vector the caller frees with g_strfreev().
 * Apart from the escape it matches g_strsplit(str, ",", -1): "" gives no
 * items, and empty items ("a,,,b" -> "a,", "b"; "a," -> "a", "") are kept
 * for the caller to judge.  Cannot fail.
 */
char **qemu_opts_split(const char *str);

#endif /* QEMU_OPTION_H */
