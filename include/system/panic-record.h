/*
 * The panic record: what the guest was doing when it reported a panic.
 *
 * At each GUEST_PANICKED (pvpanic ISA or PCI, the Hyper-V crash MSRs),
 * when a vCPU stops the machine in internal-error and when one
 * triple-faults, Vigil captures a
 * record: host wall-clock and monotonic time, the time since the guest
 * last started, the event and its source (the device region the guest
 * wrote, or the MSR), the reporting vCPU and its registers (read on the
 * vCPU's own thread under KVM), the tail of every serial console and the
 * kernel's panic message found in it.  Records are numbered (seq, never
 * reused in a process) and kept in a bounded history that survives
 * system_reset; with -panic-record path=DIR each is also written to
 * DIR/panic-<seq>.json atomically (temporary file, fsync, rename).
 *
 * Nothing here changes what a QEMU client receives: GUEST_PANICKED is
 * sent (by the monitor) before the record exists, and the record's own
 * event and query use Vigil's downstream names (docs/interop/vigil-qmp.rst).
 * The schema is docs/specs/panic-record.rst.
 *
 * All functions expect the BQL.
 */
#ifndef SYSTEM_PANIC_RECORD_H
#define SYSTEM_PANIC_RECORD_H

#include "qemu/common.h"
#include <jansson.h>

#define PANIC_RECORD_HISTORY_DEFAULT 32
#define PANIC_RECORD_HISTORY_MAX     4096

/* -panic-record [path=DIR][,history=K][,console-tail=SIZE][,event=on|off] */
typedef struct PanicRecordConfig {
    char *dir;        /* NULL: records are kept in memory only */
    unsigned history; /* records kept (K) */
    bool event;       /* emit the vendor event (on when the option is given) */
} PanicRecordConfig;

/* Apply the configuration (main(), before the machine starts). */
void panic_record_configure(const PanicRecordConfig *cfg);
/* Subscribe to the run-state events (main(), once, after the monitor's
 * listener and the main loop exist). */
void panic_record_init(void);
/* At exit: write what is still queued for files, free the history. */
void panic_record_cleanup(void);
/* A guest (re)start: the origin of the record's guest uptime. */
void panic_record_guest_started(void);

/*
 * Listeners get each new record (borrowed; json_incref to keep it) right
 * after it is captured, on the capturing thread.  The monitor emits the
 * vendor event from here when event=on.
 */
typedef void PanicRecordListener(json_t *record, void *opaque);
void panic_record_add_listener(PanicRecordListener *fn, void *opaque);
bool panic_record_event_enabled(void);

/* The history, oldest first (a new reference), and the panic counter. */
json_t *panic_record_history(void);
uint64_t panic_record_count(void);

/*
 * Queue @rec's file (-panic-record path=): written by the main loop.
 * The capture does it, or the dump once it has added its result.
 */
void panic_record_file_queue(json_t *rec);

/* ---- the automatic dump (panic-dump.c) ---- */

/* -panic-dump path=DIR[,format=F][,max=N]: a dump per panic in DIR
 * (panic-<seq>.core for ELF, .kdump for kdump-raw-*, .flat for the
 * flattened kdump-*), the newest N kept (0: all). */
typedef struct PanicDumpConfig {
    char *dir; /* NULL: off */
    unsigned max;
    unsigned format; /* a DumpFormat (system/dump.h); 0 is ELF */
} PanicDumpConfig;

void panic_dump_configure(const PanicDumpConfig *cfg);
bool panic_dump_enabled(void);
/* Capture time: mark @rec ("dump": pending) for the main loop. */
void panic_dump_request(json_t *rec);
/* Main loop, before run-state requests: write what is pending (vCPUs
 * paused meanwhile); each record gets "dump" and its file. */
bool panic_dump_pending(void);
void panic_dump_run(void);
void panic_dump_cleanup(void);

/* ---- the crash-loop brake (panic-restart.c) ---- */

/*
 * -panic-restart [delay=T][,max-delay=T][,limit=N][,window=T]
 *                [,then=pause|exit-failure]
 * After a panic (the guest held paused: the panic action is pause), the
 * guest is reset and started again after a delay that doubles with each
 * panic in the last @window (delay, 2*delay, 4*delay, ... at most
 * max-delay).  The panic that makes more than @limit panics in the
 * window is the last: the guest stays in guest-panicked (then=pause) or
 * Vigil shuts down with exit status 1 (then=exit-failure).  Each
 * decision goes into the record ("restart") and, as the vendor event
 * __org.vigil-vmm_PANIC_RESTART, to QMP clients.
 */
typedef struct PanicRestartConfig {
    bool enabled;
    int64_t delay_ms;     /* default 1000 */
    int64_t max_delay_ms; /* default 60000 */
    unsigned limit;       /* default 5 */
    int64_t window_ms;    /* default 600000 */
    bool exit_on_give_up; /* then=exit-failure */
} PanicRestartConfig;

void panic_restart_configure(const PanicRestartConfig *cfg);
/* Decide for record @rec (capture time, BQL held) and add "restart". */
void panic_restart_decide(json_t *rec);
void panic_restart_cleanup(void);

/* ---- the guest kernel's log (panic-dmesg.c) ---- */

/*
 * The last @max_bytes of the Linux kernel log, read from guest memory:
 * printk's ring buffer located through the guest's VMCOREINFO text
 * (@vmcoreinfo, the note's descriptor) and the page tables of the vCPU
 * state @st.  One line per record, "[seconds.micros] text".  NULL when
 * the note lacks what is needed or guest memory does not hold a valid
 * ring.  Caller frees.
 */
typedef struct VCPUDumpState VCPUDumpState;
char *panic_guest_log(const uint8_t *vmcoreinfo, size_t vmcoreinfo_len,
                      const VCPUDumpState *st, size_t max_bytes);

/* ---- the kernel message in a console tail (panic-message.c) ---- */

typedef struct PanicMessage {
    char *panic; /* "Kernel panic - not syncing: ..." or NULL */
    char *rip;   /* "RIP: 0010:sysrq_handle_crash+0x16/0x20" or NULL */
    GPtrArray *call_trace; /* char *, the last "Call Trace:" block */
} PanicMessage;

/*
 * Find the kernel's panic line, the kernel RIP line of the last oops
 * before it and the call trace in @len bytes of console text; printk
 * timestamps ("[   12.345678] ") are removed.  Returns whether anything
 * was found; free with panic_message_clear().
 */
bool panic_message_extract(const char *text, size_t len, PanicMessage *out);
void panic_message_clear(PanicMessage *m);

#endif /* SYSTEM_PANIC_RECORD_H */
