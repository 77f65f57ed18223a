/*
 * fuzz-qmp: QMP stream framing and dispatch.
 *
 * The input is what a client writes to a QMP socket.  It goes through a
 * real QmpSession (the socket-free session test-qmp-dispatch uses), so
 * framing, negotiation, argument checking, every command and the reply
 * and event writers run exactly as behind a -qmp socket; the commands
 * act on a real pc machine with pvpanic.
 *
 * Input format: plain QMP text, fed in one piece.  If the first byte is
 * a control character other than white space (0x01..0x08, 0x0b, 0x0c,
 * 0x0e..0x1f), it is not fed: it gives the size of the pieces the rest
 * is fed in, so requests split at any byte are covered too.
 *
 * What a main loop would do between reads (act on shutdown/reset
 * requests, send deferred replies) happens after each piece.  "quit" or
 * a shutdown only set flags there; when the real process would exit,
 * the rest of the input is dropped and the machine is reset for the next
 * input.  Every reply and event must be one line of valid JSON ending in
 * "\r\n"; anything else aborts (a finding).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../../monitor/monitor-internal.h"
#include "fuzz-machine.h"
#include "qobject/json-writer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static QmpSession session;
static QmpSession *live_session; /* the session events go to, or NULL */
static GString *output;

static void check_output(const char *buf, size_t len)
{
    json_error_t jerr;
    json_t *v;

    if (len < 2 || buf[len - 2] != '\r' || buf[len - 1] != '\n' ||
        memchr(buf, '\n', len - 1)) {
        abort(); /* not exactly one line */
    }
    v = json_loadb(buf, len - 2, 0, &jerr);
    if (!v || !json_is_object(v)) {
        abort(); /* Vigil wrote something that is not a JSON object */
    }
    json_decref(v);
}

static void session_output(void *opaque, const char *buf, size_t len)
{
    check_output(buf, len);
    /* Bounded: only the last input's tail matters for debugging. */
    if (output->len > 65536) {
        g_string_truncate(output, 0);
    }
    g_string_append_len(output, buf, len);
}

/*
 * Events normally reach only chardev-backed monitors; also hand them to
 * the fuzzed session (linked with --wrap=monitor_broadcast_event).
 */
void __real_monitor_broadcast_event(const json_t *event);
void __wrap_monitor_broadcast_event(const json_t *event);
void __wrap_monitor_broadcast_event(const json_t *event)
{
    __real_monitor_broadcast_event(event);
    if (live_session && live_session->negotiated) {
        qmp_session_send(live_session, event);
    }
}

/*
 * dump-guest-memory writes its core to /dev/null here: fuzzed paths must
 * never create or truncate files (linked with --wrap=dump_open_file).
 */
int __wrap_dump_open_file(const char *path, GError **errp);
int __wrap_dump_open_file(const char *path, GError **errp)
{
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

    if (fd < 0) {
        error_setg(errp, "Could not open '%s': /dev/null: %s", path,
                   g_strerror(errno));
    }
    return fd;
}

/* Deferred replies are flushed by the harness's own "main loop". */
static void defer_hook(QmpSession *s)
{
}

/* One main-loop turn; false when the process would exit. */
static bool main_loop_turn(void)
{
    /* A deferred reply may be followed by requests that defer again. */
    for (int i = 0; i < 1000; i++) {
        /* Idle work, such as a detached dump-guest-memory. */
        while (g_main_context_iteration(NULL, FALSE)) {
        }
        if (fuzz_machine_poll()) {
            return false;
        }
        if (!session.deferring) {
            return true;
        }
        qmp_session_flush_deferred(&session);
    }
    abort(); /* a reply that never gets sent */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    size_t piece = size;

    if (!output) {
        fuzz_machine_init();
        output = g_string_new(NULL);
        qmp_session_defer_hook = defer_hook;
    }
    fuzz_machine_reset();
    qmp_dump_cleanup(); /* no dump state carried from the last input */
    g_string_truncate(output, 0);

    if (size && data[0] && data[0] < 0x20 && !g_ascii_isspace(data[0])) {
        piece = data[0];
        p++;
        size--;
    }
    qmp_session_init(&session, false, session_output, NULL);
    qmp_session_start(&session);
    live_session = &session;
    while (size) {
        size_t n = MIN(piece, size);

        qmp_session_feed(&session, p, n);
        p += n;
        size -= n;
        if (!main_loop_turn()) {
            break;
        }
    }
    live_session = NULL;
    qmp_session_destroy(&session);
    return 0;
}
