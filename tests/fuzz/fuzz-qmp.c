/*
 * fuzz-qmp: a QMP client's bytes, through everything a socket client
 * reaches.
 *
 * The input is what a client writes to a QMP socket, and it is written to
 * one (fuzz-socket.h): a real socket chardev with a real monitor
 * (monitor_init_qmp(), as for -qmp), driven by the real main loop, so
 * accept, greeting, framing, negotiation, argument checking, every
 * command, deferred replies, events, partial writes, the output queue
 * and the monitor's input pausing run as behind -qmp; the commands act
 * on a real pc machine with pvpanic.  Each input is a new connection.
 *
 * Input format: plain QMP text, written in one piece.  If the first byte
 * is a control character other than white space (0x01..0x08, 0x0b, 0x0c,
 * 0x0e..0x1f), it is not sent: it gives the size of the pieces the rest
 * is written in, so requests split at any byte are covered too.
 *
 * When the real process would exit ("quit", a shutdown), the rest of the
 * input is dropped and the machine is reset for the next input.  Every
 * line Vigil sends (greeting, replies, events) must be one valid JSON
 * object ending in "\r\n"; anything else aborts (a finding).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "../../monitor/monitor-internal.h"
#include "fuzz-machine.h"
#include "fuzz-socket.h"
#include "monitor/monitor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FuzzSocket sock;

/* One line, "\r\n" already taken off. */
static void check_line(const char *line, size_t len)
{
    json_error_t jerr;
    json_t *v;

    if (memchr(line, '\n', len) || memchr(line, '\r', len)) {
        abort(); /* not exactly one line */
    }
    /* Valid JSON may hold \u0000, in keys too (an echoed id). */
    v = json_load_nul(line, len, 0, &jerr);
    if (!v || !json_is_object(v)) {
        abort(); /* Vigil wrote something that is not a JSON object */
    }
    json_decref(v);
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

static void harness_init(void)
{
    g_autoptr(GError) err = NULL;
    Chardev *chr;

    fuzz_machine_init();
    chr = fuzz_socket_init(&sock, "fuzzqmp", "\r\n", check_line);
    if (!monitor_init_qmp(chr, false, &err)) {
        abort();
    }
    fuzz_socket_open(&sock);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t piece = size;

    if (!sock.chr) {
        harness_init();
    }
    fuzz_machine_reset();
    qmp_dump_cleanup(); /* no dump state carried from the last input */

    if (size && data[0] && data[0] < 0x20 && !g_ascii_isspace(data[0])) {
        piece = data[0];
        data++;
        size--;
    }
    fuzz_socket_run(&sock, data, size, piece ? piece : 1);
    return 0;
}
