/*
 * Character devices: byte streams to the outside (sockets, stdio, files).
 *
 * Two phases, so that a bad command line fails before any socket exists:
 *   qemu_chr_parse_opts()/qemu_chr_parse_compat()  validate and record
 *   qemu_chr_open_all()                            create sockets/files
 *
 * Backends: socket (unix path= or tcp host=,port=; server=on|off,
 * wait=on|off, legacy "server,nowait"; client sockets connect at open),
 * stdio, null, file (path=, append=on|off), ringbuf (size=, a power of
 * two, default 64 KiB: keeps the newest bytes written, for
 * ringbuf-read).  Unix sockets Vigil creates
 * are mode 0600.  Files are opened with qemu_open(), so "/dev/fdset/N"
 * names an fd given with -add-fd.  fd=N adopts an inherited socket: a
 * listening one with server=on (accept()ed like our own), a connected
 * one otherwise.  Every backend takes logfile=PATH[,logappend=on]: a copy
 * of all output (truncated at start unless logappend=on).
 * A server chardev serves one client at a time; further connections
 * wait in the listen backlog until the current client goes away.
 *
 * Writes never block: data is appended to an output queue that the main
 * loop drains as the peer reads.  The queue itself has no limit: each
 * frontend asks how much is queued and enforces its own cap (the monitor
 * drops or mutes its client, qtest stops reading commands, the UART
 * drops bytes).  null discards all output and never queues any.
 * All calls happen on the main thread with the BQL held.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qemu/common.h"

typedef struct Chardev Chardev;

typedef enum ChardevEvent {
    CHR_EVENT_OPENED, /* a peer is connected (or the backend is ready) */
    CHR_EVENT_CLOSED, /* the peer went away; pending output dropped */
} ChardevEvent;

typedef struct ChardevHandlers {
    /* Data from the peer.  @buf is valid only during the call. */
    void (*read)(void *opaque, const uint8_t *buf, size_t len);
    void (*event)(void *opaque, ChardevEvent event);
    /*
     * Optional: the output queue has just emptied.  A frontend that
     * paused its input because the peer was not reading (see
     * qemu_chr_fe_accept_input) resumes here.
     */
    void (*drained)(void *opaque);
    /*
     * The frontend takes descriptors a peer sends with its bytes
     * (qemu_chr_fe_take_msgfd: the monitor's getfd and add-fd).  For the
     * others a socket backend reads with plain read(): the kernel then
     * drops any descriptors sent along, and recvmsg()'s control-message
     * handling is not paid on every request (the qtest socket).
     */
    bool takes_fds;
} ChardevHandlers;

/*
 * -chardev BACKEND,id=ID,...  Records the chardev under @id.  Errors:
 * unknown backend, missing id/path, duplicate id, bad boolean.
 */
Chardev *qemu_chr_parse_opts(const char *opts, GError **errp);
/*
 * Compat syntax of -qmp, -qtest, -serial, -monitor:
 * "unix:PATH[,server=on][,wait=off]", "tcp:HOST:PORT[,...]", "stdio",
 * "null", "file:PATH", "chardev:ID" (returns the existing one).  @label
 * becomes the id ("compat_monitor0", "qtest", "serial0").
 */
Chardev *qemu_chr_parse_compat(const char *label, const char *spec,
                               GError **errp);
Chardev *qemu_chr_find(const char *id);
const char *qemu_chr_id(Chardev *chr);
/* QOM type name for qom-list: "chardev-socket", "chardev-stdio", ... */
const char *qemu_chr_type_name(Chardev *chr);
/*
 * query-chardev's "filename", as QEMU 7.2 words it: "unix:PATH,server=on"
 * (or "disconnected:unix:..." while a server has no client), "tcp:L:P
 * <-> R:Q" when connected over TCP, else the backend name ("file",
 * "stdio", "null").  Caller frees.
 */
char *qemu_chr_filename(Chardev *chr);
/* A frontend is attached (query-chardev's "frontend-open"). */
bool qemu_chr_has_frontend(Chardev *chr);
/* Every chardev in command-line order (qom-list /chardevs). */
void qemu_chr_foreach(void (*fn)(Chardev *chr, void *opaque), void *opaque);

/*
 * ringbuf backend (QEMU's semantics).  write() keeps the newest rb_size
 * bytes, overwriting the oldest; read() takes up to @len of the oldest
 * unread bytes and returns how many.  Frontend output (qemu_chr_write)
 * goes through write() too.  Only for chardevs where
 * qemu_chr_is_ringbuf() is true.
 */
#define CHR_RINGBUF_DEFAULT_SIZE (64 * 1024)
#define CHR_RINGBUF_MAX_SIZE     (UINT64_C(1) << 30)
bool qemu_chr_is_ringbuf(Chardev *chr);
void qemu_chr_ringbuf_write(Chardev *chr, const void *buf, size_t len);
size_t qemu_chr_ringbuf_read(Chardev *chr, void *buf, size_t len);
size_t qemu_chr_ringbuf_count(Chardev *chr);

/* Create every recorded chardev (listen, connect, open).  A server with
 * wait=on blocks here until a client connects, as QEMU does. */
bool qemu_chr_open_all(GError **errp);

/*
 * Attach the one frontend.  If the backend is already connected the
 * OPENED event is delivered from the main loop right after this call.
 * Fails if another frontend is attached.
 */
bool qemu_chr_fe_init(Chardev *chr, const ChardevHandlers *h, void *opaque,
                      GError **errp);
/*
 * Only from the frontend's read(): the next descriptor that arrived with
 * these bytes (SCM_RIGHTS on a unix socket), oldest first, now owned by
 * the caller; -1 when there is none.  Whatever the frontend does not take
 * is closed when read() returns, so a client cannot make Vigil hold fds.
 */
int qemu_chr_fe_take_msgfd(Chardev *chr);
/* Stop/start delivering reads (flow control). */
void qemu_chr_fe_accept_input(Chardev *chr, bool accept);

/* Queue bytes for the peer; dropped if nobody is connected. */
void qemu_chr_write(Chardev *chr, const void *buf, size_t len);
size_t qemu_chr_outq_len(Chardev *chr);
bool qemu_chr_is_connected(Chardev *chr);
/*
 * Drop the current peer (a server then accepts the next one).  Only a
 * socket has a peer to drop: for stdio, file and null this does nothing
 * and returns false, and the frontend decides what to do instead.
 */
bool qemu_chr_disconnect(Chardev *chr);
/*
 * At exit, after the main loop: stop reading and accepting, then write
 * all queued output, for as long as each peer keeps taking it.  A peer
 * that takes no byte for @stall_ms is dropped with a warning; that is
 * the only bound (CHR_EXIT_STALL_MS is the documented value).
 */
#define CHR_EXIT_STALL_MS 3000
void qemu_chr_drain_all(int stall_ms);
/* Close everything, unlink unix socket paths Vigil created. */
void qemu_chr_cleanup_all(void);

#endif /* CHARDEV_CHAR_H */
