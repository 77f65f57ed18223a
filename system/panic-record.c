/*
 * Panic records (include/system/panic-record.h): capture, history, files.
 *
 * Capture runs in the GUEST_PANICKED listener, on the thread that
 * reported the panic (a vCPU thread under KVM) with the BQL held: the
 * registers are read there, from that vCPU's own fd, while it is still
 * inside the exit that reported.  The monitor registered its listener
 * first, so GUEST_PANICKED is already queued when capture starts and the
 * event's latency does not include it.  Files are written by the main
 * loop (a bottom half), never by a vCPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system/panic-record.h"

#include "hw/char/serial.h"
#include "hw/misc/vmcoreinfo.h"
#include "system/dump.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qobject/json-writer.h"
#include "system/accel.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "hw/core/cpu.h"
#include "chardev/char.h"

static PanicRecordConfig config = {.history = PANIC_RECORD_HISTORY_DEFAULT};
static GQueue history = G_QUEUE_INIT; /* json_t *, oldest first */
static uint64_t next_seq = 1;
static uint64_t panic_count;
static int64_t guest_start_ns; /* QEMU_CLOCK_VIRTUAL at the last start */
static GArray *listeners;      /* Listener */
static GQueue to_write = G_QUEUE_INIT; /* json_t * waiting for the BH */
static QEMUBH *write_bh;

typedef struct Listener {
    PanicRecordListener *fn;
    void *opaque;
} Listener;

void panic_record_configure(const PanicRecordConfig *cfg)
{
    g_free(config.dir);
    config = *cfg;
    config.dir = g_strdup(cfg->dir);
    if (!config.history) {
        config.history = PANIC_RECORD_HISTORY_DEFAULT;
    }
}

bool panic_record_event_enabled(void)
{
    return config.event;
}

void panic_record_add_listener(PanicRecordListener *fn, void *opaque)
{
    Listener l = {fn, opaque};

    if (!listeners) {
        listeners = g_array_new(FALSE, FALSE, sizeof(Listener));
    }
    g_array_append_val(listeners, l);
}

void panic_record_guest_started(void)
{
    guest_start_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

json_t *panic_record_history(void)
{
    json_t *list = json_array();

    for (GList *l = history.head; l; l = l->next) {
        json_array_append(list, l->data);
    }
    return list;
}

uint64_t panic_record_count(void)
{
    return panic_count;
}

/* ---- pieces of a record ---- */

static json_t *time_json(void)
{
    gint64 real_us = g_get_real_time();
    g_autoptr(GDateTime) dt =
        g_date_time_new_from_unix_utc(real_us / G_USEC_PER_SEC);
    g_autofree char *iso = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    g_autofree char *stamp = g_strdup_printf(
        "%s.%06" PRId64 "Z", iso, (int64_t)(real_us % G_USEC_PER_SEC));
    json_t *t = json_object();

    json_object_set_new(t, "host-realtime", json_string(stamp));
    json_object_set_new(t, "host-realtime-us", json_integer(real_us));
    json_object_set_new(t, "host-monotonic-ns",
                        json_integer(g_get_monotonic_time() * 1000));
    json_object_set_new(
        t, "guest-uptime-ns",
        json_integer(qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) - guest_start_ns));
    return t;
}

static json_t *segment_json(const DumpSegment *s)
{
    return json_pack("{s:i,s:o,s:I,s:I}", "selector", (int)s->selector, "base",
                     json_uint64(s->base), "limit", (json_int_t)s->limit,
                     "flags", (json_int_t)s->flags);
}

static json_t *regs_json(const VCPUDumpState *st)
{
    static const struct {
        const char *name;
        size_t off;
    } gprs[] = {
#define R(n) {#n, offsetof(VCPUDumpState, n)}
        R(rax), R(rbx), R(rcx), R(rdx), R(rsi), R(rdi),
        R(rsp), R(rbp), R(r8),  R(r9),  R(r10), R(r11),
        R(r12), R(r13), R(r14), R(r15), R(rip), R(rflags),
#undef R
    };
    json_t *r = json_object();

    for (size_t i = 0; i < G_N_ELEMENTS(gprs); i++) {
        uint64_t v;

        memcpy(&v, (const char *)st + gprs[i].off, sizeof(v));
        json_object_set_new(r, gprs[i].name, json_uint64(v));
    }
    json_object_set_new(r, "cr0", json_uint64(st->cr[0]));
    json_object_set_new(r, "cr2", json_uint64(st->cr[2]));
    json_object_set_new(r, "cr3", json_uint64(st->cr[3]));
    json_object_set_new(r, "cr4", json_uint64(st->cr[4]));
    json_object_set_new(r, "cs", segment_json(&st->cs));
    json_object_set_new(r, "ss", segment_json(&st->ss));
    json_object_set_new(r, "ds", segment_json(&st->ds));
    json_object_set_new(r, "es", segment_json(&st->es));
    json_object_set_new(r, "fs", segment_json(&st->fs));
    json_object_set_new(r, "gs", segment_json(&st->gs));
    json_object_set_new(r, "kernel-gs-base", json_uint64(st->kernel_gs_base));
    return r;
}

/* The vCPU whose exit is being handled on this thread, if any; its
 * state goes to *@st. */
static json_t *vcpu_json(VCPUDumpState *st, bool *have_st)
{
    unsigned index;
    CPUState *cpu;
    json_t *v;

    *have_st = false;
    if (!current_accel || !current_accel->current_vcpu_state ||
        !current_accel->current_vcpu_state(&index, st)) {
        return NULL;
    }
    *have_st = true;
    v = json_object();
    json_object_set_new(v, "index", json_integer(index));
    cpu = cpu_get(index);
    if (cpu) {
        json_object_set_new(v, "thread-id",
                            json_integer(cpu_get_thread_id(cpu)));
    }
    json_object_set_new(v, "regs", regs_json(st));
    return v;
}

/*
 * The kernel log from guest memory, when the guest gave its VMCOREINFO
 * (-device vmcoreinfo) and a vCPU's page tables are at hand.
 */
#define KERNEL_LOG_MAX (16 * 1024)

static char *guest_log(const VCPUDumpState *st)
{
    g_autoptr(GByteArray) note = NULL;
    VMCoreInfoGuest g;
    uint32_t namesz, descsz;
    size_t desc;

    if (!current_machine || !vmcoreinfo_get(&g) || !g.present) {
        return NULL;
    }
    note = dump_read_guest_note(current_machine, g.present, g.guest_format,
                                g.size, g.paddr);
    if (!note || note->len < 12) {
        return NULL;
    }
    memcpy(&namesz, note->data, 4);
    memcpy(&descsz, note->data + 4, 4);
    desc = 12 + ((namesz + 3) & ~3u);
    if (desc > note->len || descsz > note->len - desc) {
        return NULL;
    }
    return panic_guest_log(note->data + desc, descsz, st, KERNEL_LOG_MAX);
}

/* What the guest wrote to report: the device region, or the MSR. */
static json_t *source_json(const GuestPanicInformation *info)
{
    MemoryAccessInfo a;

    if (info && info->type == GUEST_PANIC_INFORMATION_TYPE_HYPER_V) {
        return json_pack("{s:s,s:s,s:i}", "kind", "msr", "name",
                         "HV_X64_MSR_CRASH_CTL", "index", 0x40000105);
    }
    if (!memory_current_write(&a)) {
        return NULL;
    }
    return json_pack("{s:s,s:o,s:i,s:o,s:s,s:s}", "kind", a.space, "address",
                     json_uint64(a.addr), "size", (int)a.size, "value",
                     json_uint64(a.value), "region", a.region, "owner",
                     a.owner ? a.owner : a.region);
}

typedef struct ConsoleScan {
    json_t *list;
    PanicMessage msg; /* from the first console that has one */
    bool have_msg;
    unsigned n;
} ConsoleScan;

static void console_json(SerialState *s, void *opaque)
{
    ConsoleScan *cs = opaque;
    size_t len;
    g_autofree uint8_t *tail = serial_tail_copy(s, &len);
    g_autofree char *dev = g_strdup_printf("serial%u", cs->n++);
    json_t *c = json_object();

    json_object_set_new(c, "device", json_string(dev));
    json_object_set_new(
        c, "chardev", s->chr ? json_string(qemu_chr_id(s->chr)) : json_null());
    json_object_set_new(c, "total-bytes", json_uint64(s->tail_total));
    /* Guest bytes: the writer shows what is not UTF-8 as U+FFFD. */
    json_object_set_new(c, "tail",
                        json_stringn_nocheck(tail ? (char *)tail : "", len));
    json_array_append_new(cs->list, c);
    if (!cs->have_msg && tail) {
        PanicMessage m;

        if (panic_message_extract((char *)tail, len, &m)) {
            cs->msg = m;
            cs->have_msg = true;
        } else {
            panic_message_clear(&m);
        }
    }
}

static json_t *message_json(const PanicMessage *m)
{
    json_t *o = json_object();
    json_t *trace = json_array();

    json_object_set_new(o, "panic",
                        m->panic ? json_string_nocheck(m->panic) : json_null());
    json_object_set_new(o, "rip",
                        m->rip ? json_string_nocheck(m->rip) : json_null());
    for (guint i = 0; i < m->call_trace->len; i++) {
        json_array_append_new(
            trace, json_string_nocheck(g_ptr_array_index(m->call_trace, i)));
    }
    json_object_set_new(o, "call-trace", trace);
    return o;
}

/* ---- files ---- */

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return false;
        }
        p += w;
        n -= w;
    }
    return true;
}

/*
 * DIR/panic-<seq>.json appears complete or not at all: the text goes to
 * a temporary name, is fsynced, then renamed over the final name, and
 * the directory is fsynced so the rename survives a host crash.
 */
static bool record_write_file(json_t *rec, GError **errp)
{
    uint64_t seq = json_integer_value(json_object_get(rec, "seq"));
    g_autofree char *path =
        g_strdup_printf("%s/panic-%06" PRIu64 ".json", config.dir, seq);
    g_autofree char *tmp =
        g_strdup_printf("%s/.panic-%06" PRIu64 ".json.tmp", config.dir, seq);
    g_autoptr(GString) text = g_string_new(NULL);
    int fd, dfd;
    bool ok;

    json_writer_append(text, rec, false);
    g_string_append_c(text, '\n');
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_setg(errp, "cannot create %s: %s", tmp, g_strerror(errno));
        return false;
    }
    ok = write_all(fd, text->str, text->len) && fsync(fd) == 0;
    if (!ok) {
        error_setg(errp, "cannot write %s: %s", tmp, g_strerror(errno));
    }
    close(fd);
    if (!ok || rename(tmp, path) < 0) {
        if (ok) {
            error_setg(errp, "cannot rename %s: %s", tmp, g_strerror(errno));
        }
        unlink(tmp);
        return false;
    }
    dfd = open(config.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return true;
}

static void write_bh_cb(void *opaque)
{
    json_t *rec;

    while ((rec = g_queue_pop_head(&to_write))) {
        g_autoptr(GError) err = NULL;

        if (!record_write_file(rec, &err)) {
            /* The record stays in memory; the file is what failed. */
            error_report("panic record %" JSON_INTEGER_FORMAT ": %s",
                         json_integer_value(json_object_get(rec, "seq")),
                         err->message);
        }
        json_decref(rec);
    }
}

/* ---- capture ---- */

static void record_capture(const char *event, const RunstateEvent *ev)
{
    json_t *rec = json_object();
    json_t *v;
    VCPUDumpState st;
    bool have_st;
    g_autofree char *klog = NULL;
    ConsoleScan cs = {.list = json_array()};

    panic_count++;
    json_object_set_new(rec, "seq", json_integer(next_seq++));
    json_object_set_new(rec, "count", json_uint64(panic_count));
    json_object_set_new(rec, "event", json_string(event));
    if (ev->kind == RUNSTATE_EVENT_GUEST_PANICKED) {
        json_object_set_new(rec, "action",
                            json_string(guest_panic_action_name(ev->action)));
    }
    json_object_set_new(rec, "time", time_json());
    v = source_json(ev->info);
    json_object_set_new(rec, "source", v ? v : json_null());
    v = vcpu_json(&st, &have_st);
    json_object_set_new(rec, "vcpu", v ? v : json_null());
    serial_foreach(console_json, &cs);
    json_object_set_new(rec, "consoles", cs.list);
    klog = have_st ? guest_log(&st) : NULL;
    json_object_set_new(rec, "kernel-log",
                        klog ? json_string_nocheck(klog) : json_null());
    if (klog) {
        /* The log has what the console may not have printed yet. */
        PanicMessage m;

        if (panic_message_extract(klog, strlen(klog), &m) && m.panic) {
            if (cs.have_msg) {
                panic_message_clear(&cs.msg);
            }
            cs.msg = m;
            cs.have_msg = true;
        } else {
            panic_message_clear(&m);
        }
    }
    json_object_set_new(rec, "kernel-message",
                        cs.have_msg ? message_json(&cs.msg) : json_null());
    if (cs.have_msg) {
        panic_message_clear(&cs.msg);
    }

    panic_restart_decide(rec);
    if (panic_dump_enabled()) {
        panic_dump_request(rec); /* the dump queues the file */
    } else {
        json_object_set_new(rec, "dump", json_null());
    }
    g_queue_push_tail(&history, rec);
    while (g_queue_get_length(&history) > config.history) {
        json_decref(g_queue_pop_head(&history));
    }
    for (guint i = 0; listeners && i < listeners->len; i++) {
        Listener *l = &g_array_index(listeners, Listener, i);

        l->fn(rec, l->opaque);
    }
    if (!panic_dump_enabled()) {
        panic_record_file_queue(rec);
    } else {
        qemu_notify_event(); /* from a vCPU thread: the dump hook runs */
    }
}

void panic_record_file_queue(json_t *rec)
{
    if (config.dir) {
        g_queue_push_tail(&to_write, json_incref(rec));
        qemu_bh_schedule(write_bh);
        qemu_notify_event(); /* from a vCPU thread: wake the main loop */
    }
}

static void runstate_listener(const RunstateEvent *ev, void *opaque)
{
    switch (ev->kind) {
    case RUNSTATE_EVENT_GUEST_PANICKED:
        record_capture("GUEST_PANICKED", ev);
        break;
    case RUNSTATE_EVENT_STOP:
        /* A vCPU the accelerator could not run stops the machine. */
        if (runstate_check(RUN_STATE_INTERNAL_ERROR)) {
            record_capture("internal-error", ev);
        }
        break;
    case RUNSTATE_EVENT_GUEST_TRIPLE_FAULT:
        record_capture("triple-fault", ev);
        break;
    case RUNSTATE_EVENT_RESET:
        panic_record_guest_started();
        break;
    default:
        break;
    }
}

void panic_record_init(void)
{
    write_bh = qemu_bh_new(write_bh_cb, NULL);
    panic_record_guest_started();
    runstate_add_event_listener(runstate_listener, NULL);
}

void panic_record_cleanup(void)
{
    runstate_remove_event_listener(runstate_listener, NULL);
    if (write_bh) {
        write_bh_cb(NULL); /* records not yet on disk go now */
        qemu_bh_delete(write_bh);
        write_bh = NULL;
    }
    g_queue_clear_full(&history, (GDestroyNotify)json_decref);
    if (listeners) {
        g_array_free(listeners, TRUE);
        listeners = NULL;
    }
    g_clear_pointer(&config.dir, g_free);
}
