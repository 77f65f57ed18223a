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

/* ---- shared by the command files (qtest-cmds.c, qtest-irq.c) ---- */

typedef struct QTestCommand QTestCommand;
typedef void QTestHandler(const QTestCommand *cmd, const QTestWord *a,
                          GString *out);

struct QTestCommand {
    const char *name;
    uint8_t min_args;
    uint8_t max_args;
    uint8_t size;    /* access width of the in/out/read/write families */
    bool accel_only; /* only with -accel qtest (QEMU's clock commands) */
    QTestHandler *fn;
};

/* Longest client text echoed back in a FAIL reply. */
#define QTEST_ECHO_MAX 256

/* The reply lines: "OK", "FAIL <text>", "FAIL invalid number '<word>'". */
void qtest_reply_ok(GString *out);
void G_GNUC_PRINTF(2, 3) qtest_reply_fail(GString *out, const char *fmt, ...);
void qtest_reply_bad_number(GString *out, const QTestWord *w);
/* A signed number as QEMU's qtest parses it (qemu_strtoi64, base 0). */
bool qtest_parse_i64(const QTestWord *w, int64_t *res);

/* ---- interrupts (qtest-irq.c) ---- */

/* irq_intercept_in / irq_intercept_out (cmd->size 1) and set_irq_in. */
void qtest_cmd_irq_intercept(const QTestCommand *cmd, const QTestWord *a,
                             GString *out);
void qtest_cmd_set_irq_in(const QTestCommand *cmd, const QTestWord *a,
                          GString *out);
/* Remove the interception (end of the qtest session). */
void qtest_irq_cleanup(void);

#endif /* ACCEL_QTEST_INTERNAL_H */
