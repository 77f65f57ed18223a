/*
 * A socket client for the protocol fuzzers (fuzz-qmp, fuzz-qtest): the
 * fuzz input reaches Vigil exactly as a client's bytes do.
 *
 * Vigil's side is a real socket chardev, "-chardev socket,id=ID,fd=N,
 * server=on,wait=off" adopting a listening AF_UNIX socket in the abstract
 * namespace (no file), with the real frontend (monitor or qtest server)
 * attached and opened by qemu_chr_open_all().  Each input is one client
 * connection: accept, OPENED, reads, replies, CLOSED, all through the
 * main loop (util/main-loop.c), pumped with main_loop_poll_once(0).
 *
 * Both socket buffers are small (FUZZ_SOCK_BUF), so Vigil's writes are
 * partial and its output queue fills; the harness writes the input in
 * pieces without blocking and reads the replies slowly
 * (FUZZ_SOCK_READ_SLICE bytes per loop turn), so Vigil's input
 * throttling (qtest's held input, a monitor's paused input while a reply
 * is deferred) and the drained path run too.  Everything received is
 * split into lines (@eol) and each complete line is handed to @check,
 * which aborts on a malformed one (a finding).
 *
 * Contract:
 *   fuzz_socket_init()     once: main loop, hooks (event flush, run-state
 *                          requests), the listening socket and chardev;
 *                          returns the chardev for the frontend, which
 *                          the caller attaches before fuzz_socket_open().
 *   fuzz_socket_open()     once, after the frontend is attached.
 *   fuzz_socket_run()      per input, after fuzz_machine_reset(): connect,
 *                          feed @data in pieces of @piece bytes, wait
 *                          until Vigil has read and answered everything
 *                          (or the process would exit, or Vigil dropped
 *                          the client), check every reply line, then
 *                          disconnect and wait until the chardev has
 *                          seen the client go, so that the next input
 *                          starts from a fresh connection.
 */
#ifndef TESTS_FUZZ_FUZZ_SOCKET_H
#define TESTS_FUZZ_FUZZ_SOCKET_H

#include "chardev/char.h"

/* SO_SNDBUF/SO_RCVBUF of both ends (the kernel's minimum is about 4 KiB). */
#define FUZZ_SOCK_BUF 4096
/* Bytes of replies the client takes per loop turn while input remains. */
#define FUZZ_SOCK_READ_SLICE 2048

typedef void FuzzLineCheck(const char *line, size_t len);

typedef struct FuzzSocket {
    Chardev *chr;
    int listen_fd;
    char name[64]; /* abstract unix address, without the leading NUL */
    const char *eol;
    FuzzLineCheck *check;
    GString *rx; /* received, not yet a complete line */
} FuzzSocket;

Chardev *fuzz_socket_init(FuzzSocket *fs, const char *id, const char *eol,
                          FuzzLineCheck *check);
void fuzz_socket_open(FuzzSocket *fs);
void fuzz_socket_run(FuzzSocket *fs, const uint8_t *data, size_t size,
                     size_t piece);

#endif /* TESTS_FUZZ_FUZZ_SOCKET_H */
