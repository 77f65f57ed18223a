/*
 * fuzz-qtest: a qtest client's bytes, through everything a socket client
 * reaches.
 *
 * The input is what a qtest client writes to the -qtest socket, and it
 * is written to one (fuzz-socket.h): a real socket chardev with the real
 * qtest server (accel/qtest/qtest.c) attached, driven by the real main
 * loop, so line framing (lines split across reads, over-long lines),
 * word splitting, every command, partial writes, the output queue and
 * the server's input throttling (it holds input while more than 1 MiB of
 * replies is unread) run as behind -qtest; ports and memory reach the
 * fuzz machine (16 MiB of RAM, so addresses hit RAM, MMIO and unassigned
 * space).  Each input is a new connection.
 *
 * Input format: plain qtest lines, written in one piece; as in fuzz-qmp,
 * a leading control character (not white space) instead gives the size
 * of the pieces the rest is written in.
 *
 * The machine runs with -action panic=pause,shutdown=pause (what libvirt
 * uses) so that a panic or a guest shutdown does not end the input.  If
 * the real process would exit (reset to shutdown, ...), the rest is
 * dropped.  Every reply line must be well formed ("OK", "FAIL", "ERR" or
 * "IRQ", then a space or the end of the line); anything else aborts.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz-machine.h"
#include "fuzz-socket.h"
#include "system/qtest.h"
#include "system/runstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FuzzSocket sock;

/* One reply line, "\n" already taken off. */
static void check_line(const char *line, size_t len)
{
    static const char *const words[] = {"OK", "FAIL", "ERR", "IRQ"};

    for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
        size_t n = strlen(words[i]);

        if (len >= n && memcmp(line, words[i], n) == 0 &&
            (len == n || line[n] == ' ')) {
            return;
        }
    }
    abort(); /* not a qtest reply */
}

static void harness_init(void)
{
    g_autoptr(GError) err = NULL;
    Chardev *chr;

    fuzz_machine_init();
    chr = fuzz_socket_init(&sock, "qtest", "\n", check_line);
    if (!qtest_server_init(chr, "none", &err)) {
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
    runstate_set_action("panic", "pause", NULL);
    runstate_set_action("shutdown", "pause", NULL);

    if (size && data[0] && data[0] < 0x20 && !g_ascii_isspace(data[0])) {
        piece = data[0];
        data++;
        size--;
    }
    fuzz_socket_run(&sock, data, size, piece ? piece : 1);
    return 0;
}
