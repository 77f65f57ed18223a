/*
 * fuzz-qtest: the qtest line parser and command dispatcher.
 *
 * The input is what a qtest client writes to the -qtest socket.  It is
 * delivered through the real chardev frontend callbacks of the real
 * qtest server (accel/qtest/qtest.c), attached to a null chardev, so
 * line framing (lines split across reads, over-long lines), word
 * splitting and every command run as in "vigil -accel qtest"; ports and
 * memory reach the fuzz machine (16 MiB of RAM, so addresses hit RAM,
 * MMIO and unassigned space).  Replies go to the unconnected chardev and
 * are dropped.
 *
 * Input format: plain qtest lines, fed in one piece; as in fuzz-qmp, a
 * leading control character (not white space) instead gives the size of
 * the pieces the rest is fed in.
 *
 * The machine runs with -action panic=pause,shutdown=pause (what libvirt
 * uses) so that a panic or a guest shutdown does not end the input.
 * After each piece the harness does what the main loop does; if the
 * real process would exit (reset to shutdown, ...), the rest is dropped.
 */
#include <stdlib.h>

#include "../../chardev/chardev-internal.h"
#include "fuzz-machine.h"
#include "system/qtest.h"
#include "system/runstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Chardev *qtest_chr;

static void qtest_harness_init(void)
{
    GError *err = NULL;

    fuzz_machine_init();
    qtest_chr = qemu_chr_parse_compat("qtest", "null", &err);
    if (!qtest_chr || !qtest_server_init(qtest_chr, "none", &err)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t piece = size;

    if (!qtest_chr) {
        qtest_harness_init();
    }
    fuzz_machine_reset();
    runstate_set_action("panic", "pause", NULL);
    runstate_set_action("shutdown", "pause", NULL);

    if (size && data[0] && data[0] < 0x20 && !g_ascii_isspace(data[0])) {
        piece = data[0];
        data++;
        size--;
    }
    /* A new client: no partial line from the previous input. */
    qtest_chr->h->event(qtest_chr->opaque, CHR_EVENT_OPENED);
    while (size) {
        size_t n = MIN(piece, size);

        qtest_chr->h->read(qtest_chr->opaque, data, n);
        data += n;
        size -= n;
        if (fuzz_machine_poll()) {
            break;
        }
    }
    qtest_chr->h->event(qtest_chr->opaque, CHR_EVENT_CLOSED);
    return 0;
}
