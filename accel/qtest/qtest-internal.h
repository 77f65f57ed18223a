/*
 * Private interface between the qtest server (qtest.c: socket, line
 * framing, log) and its command table (qtest-cmds.c).
 *
 * A command line is split on single spaces into words that point into
 * the receive buffer (nothing is copied or NUL-terminated).  A handler
 * appends exactly one reply line, "\n" included, to @out.
 */
#ifndef ACCEL_QTEST_INTERNAL_H
#define ACCEL_QTEST_INTERNAL_H

#include "qemu/common.h"

/* One word of a command line: not NUL-terminated. */
typedef struct QTestWord {
    const char *p;
    size_t len;
} QTestWord;

/* Longest command has 5 words; one more slot detects extra arguments. */
#define QTEST_MAX_WORDS 6

/* Largest SIZE a read/write/memset/b64 command may name. */
#define QTEST_MAX_XFER (16u * 1024 * 1024)

/* Longest accepted line: a full-size hex "write" plus its arguments. */
#define QTEST_MAX_LINE (2u * QTEST_MAX_XFER + 256)

/*
 * Run the command in @w[0] with arguments @w[1..nw-1] and append its reply
 * line to @out.  @nw may be QTEST_MAX_WORDS + 1 to mean "more words than
 * any command takes".  Never fails: problems become "FAIL <reason>".
 */
void qtest_dispatch(const QTestWord *w, unsigned nw, GString *out);

/*
 * An intercepted interrupt line changed: send "IRQ raise N" / "IRQ lower
 * N".  During a command it goes out before that command's reply (as in
 * QEMU); from a timer of the main loop it is written at once.
 */
void qtest_send_irq(unsigned n, int level);

/* Release scratch memory kept between commands. */
void qtest_cmds_cleanup(void);

#endif /* ACCEL_QTEST_INTERNAL_H */
