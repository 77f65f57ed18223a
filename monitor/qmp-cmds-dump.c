/*
 * dump-guest-memory, query-dump, query-dump-guest-memory-capability and
 * the DUMP_COMPLETED event.
 *
 * The command checks everything it can before it touches anything, so a
 * bad request creates no file and never stops the guest.  Then, as QEMU
 * does: a running VM is stopped (STOP, run state "save-vm"), the ELF core
 * or kdump-compressed file is written (system/dump.h), DUMP_COMPLETED reports
 * the result, and the VM is resumed (RESUME).  Without "detach" all of that
 * happens before the reply.  With "detach" the reply comes right after STOP and
 * a thread writes the core while the main loop goes on serving monitors;
 * query-dump says "active" with the bytes written so far, a second dump
 * and "cont" are refused until the main loop has seen the thread finish.
 * The thread only reads guest memory (the vCPUs are stopped or the VM is
 * paused) and the job; everything else happens on the main thread.
 *
 * "protocol" is "file:PATH" ("/dev/fdset/N" works) or "fd:NAME", an fd
 * the client passed with getfd, which the dump takes and closes.
 */
#include "monitor-internal.h"
#include "hw/core/cpu.h"
#include "hw/misc/vmcoreinfo.h"
#include "monitor/qmp-events.h"
#include "qemu/fdset.h"
#include "qemu/main-loop.h"
#include "system/accel.h"
#include "system/dump.h"
#include "system/runstate.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define DUMP_MAX_BLOCKS 4

/* qapi/dump.json's DumpStatus and DumpGuestMemoryFormat, in order. */
typedef enum DumpStatus {
    DUMP_STATUS_NONE,
    DUMP_STATUS_ACTIVE,
    DUMP_STATUS_COMPLETED,
    DUMP_STATUS_FAILED,
} DumpStatus;
static const char *const dump_status_values[] = {
    "none", "active", "completed", "failed", NULL,
};
static const char *const dump_format_values[] = {
    "elf",
    "kdump-zlib",
    "kdump-lzo",
    "kdump-snappy",
    "kdump-raw-zlib",
    "kdump-raw-lzo",
    "kdump-raw-snappy",
    "win-dmp",
    NULL,
};

static const QmpType dump_status_type = {QMP_META_ENUM,
                                         .values = dump_status_values};
static const QmpType dump_format_type = {QMP_META_ENUM,
                                         .values = dump_format_values};
static const QmpType dump_format_list = {QMP_META_ARRAY,
                                         .element = &dump_format_type};

const QmpType qmp_dump_guest_memory_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"paging", &qmp_type_bool},
            {"protocol", &qmp_type_str},
            {"detach", &qmp_type_bool, true},
            {"begin", &qmp_type_int, true},
            {"length", &qmp_type_int, true},
            {"format", &dump_format_type, true},
            {NULL},
        },
};
const QmpType qmp_dump_query_result = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"status", &dump_status_type},
            {"completed", &qmp_type_int},
            {"total", &qmp_type_int},
            {NULL},
        },
};
const QmpType qmp_dump_capability_ret = {
    .meta = QMP_META_OBJECT,
    .members = (const QmpMember[]){{"formats", &dump_format_list}, {NULL}},
};
const QmpType qmp_dump_completed_arg = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"result", &qmp_dump_query_result},
            {"error", &qmp_type_str, true},
            {NULL},
        },
};

/* A dump that has been checked and prepared, then written. */
typedef struct DumpJob {
    int fd;
    DumpFormat format;
    bool resume; /* we stopped a running VM: start it again afterwards */
    unsigned ncpus;
    VCPUDumpState *cpus;
    GByteArray *guest_note; /* -device vmcoreinfo's note, or NULL */
    DumpBlock blocks[DUMP_MAX_BLOCKS];
    size_t nblocks;

    /* detach: the writer thread and what it shares with the main loop */
    GThread *thread;
    int done_fd;           /* eventfd the thread signals when it returns */
    DumpProgress progress; /* .cancel_fd: eventfd that stops it at exit */
    bool ok;               /* the thread's result, read after the join */
    GError *err;
} DumpJob;

static struct {
    DumpStatus status;
    uint64_t completed;
    uint64_t total;
} dump_result;
static DumpJob *dump_active; /* the detached dump being written */

static json_t *dump_result_json(void)
{
    uint64_t completed = dump_result.completed;

    if (dump_active) {
        completed =
            __atomic_load_n(&dump_active->progress.completed, __ATOMIC_ACQUIRE);
    }
    /* qapi/dump.json's member order. */
    return json_pack("{s:s,s:I,s:I}", "status",
                     dump_status_values[dump_result.status], "completed",
                     (json_int_t)completed, "total",
                     (json_int_t)dump_result.total);
}

bool qmp_dump_in_progress(void)
{
    return dump_active != NULL;
}

static void dump_job_free(DumpJob *job)
{
    if (job->fd >= 0) {
        qemu_close(job->fd);
    }
    if (job->done_fd >= 0) {
        close(job->done_fd);
    }
    if (job->progress.cancel_fd >= 0) {
        close(job->progress.cancel_fd);
    }
    if (job->err) {
        g_error_free(job->err);
    }
    g_free(job->cpus);
    if (job->guest_note) {
        g_byte_array_unref(job->guest_note);
    }
    g_free(job);
}

/* The write is over (@ok, @err consumed): report, resume, free. */
static bool dump_job_finish(DumpJob *job, bool ok, GError *err, GError **errp)
{
    /* close() reports a failed deferred write (NFS, quota). */
    if (qemu_close(job->fd) < 0 && ok) {
        ok = false;
        g_set_error(&err, VIGIL_ERROR, VIGIL_ERROR_GENERIC,
                    "dump: failed to save memory: %s", g_strerror(errno));
    }
    job->fd = -1;
    dump_result.status = ok ? DUMP_STATUS_COMPLETED : DUMP_STATUS_FAILED;
    dump_result.completed = ok ? dump_result.total : 0;
    qapi_event_send_dump_completed(dump_status_values[dump_result.status],
                                   dump_result.completed, dump_result.total,
                                   ok ? NULL : err->message);
    if (job->resume) {
        vm_start();
    }
    dump_job_free(job);
    if (!ok) {
        g_propagate_error(errp, err);
    }
    return ok;
}

static gpointer dump_thread(gpointer opaque)
{
    DumpJob *job = opaque;
    uint64_t one = 1;

    job->ok = dump_write_format(job->fd, job->format, job->cpus, job->ncpus,
                                job->guest_note, job->blocks, job->nblocks,
                                &job->progress, &job->err);
    if (write(job->done_fd, &one, sizeof(one)) < 0) {
        /* Cannot fail: an eventfd only refuses at 2^64 - 2. */
    }
    return NULL;
}

/* Main loop: the writer thread returned. */
static void dump_done_cb(void *opaque)
{
    DumpJob *job = dump_active;
    GError *err;

    qemu_set_fd_handler(job->done_fd, NULL, NULL, NULL);
    g_thread_join(job->thread);
    job->thread = NULL;
    dump_active = NULL;
    err = job->err;
    job->err = NULL;
    dump_job_finish(job, job->ok, err, NULL); /* the event has any error */
}

/* Start the writer; false (job untouched) if no thread can be had. */
static bool dump_job_detach(DumpJob *job, GError **errp)
{
    int fl = fcntl(job->fd, F_GETFL);

    job->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    job->progress.cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (job->done_fd < 0 || job->progress.cancel_fd < 0) {
        error_setg(errp, "dump: eventfd: %s", g_strerror(errno));
        return false;
    }
    /* A pipe whose reader stalls must not keep the exit waiting. */
    if (fl >= 0) {
        fcntl(job->fd, F_SETFL, fl | O_NONBLOCK);
    }
    job->thread = g_thread_try_new("dump", dump_thread, job, errp);
    if (!job->thread) {
        return false;
    }
    dump_active = job;
    qemu_set_fd_handler(job->done_fd, dump_done_cb, NULL, job);
    return true;
}

/* QEMU's checks, in QEMU's order, before anything is created. */
static bool dump_check_args(json_t *args, DumpFormat *fmt, int64_t *begin,
                            int64_t *length, bool *filter, GError **errp)
{
    bool paging = json_is_true(json_object_get(args, "paging"));
    json_t *jbegin = json_object_get(args, "begin");
    json_t *jlength = json_object_get(args, "length");
    const char *format = json_string_value(json_object_get(args, "format"));
    bool elf = !format || strcmp(format, "elf") == 0;

    if (dump_active) {
        error_setg(errp, "There is a dump in process, please wait.");
        return false;
    }
    if (!elf && (paging || jbegin || jlength)) {
        error_setg(errp, "kdump-compressed format doesn't support paging or "
                         "filter");
        return false;
    }
    if (jbegin && !jlength) {
        error_setg(errp, "Parameter 'length' is missing");
        return false;
    }
    if (!jbegin && jlength) {
        error_setg(errp, "Parameter 'begin' is missing");
        return false;
    }
    if (!elf && !dump_format_parse(format, fmt)) {
        error_setg(errp, "%s is not available now", format); /* win-dmp */
        return false;
    }
    if (paging) {
        error_setg(errp, "paging is not available now: Vigil writes "
                         "guest-physical dumps only (paging=false)");
        return false;
    }
    *filter = jbegin != NULL;
    *begin = *filter ? json_integer_value(jbegin) : 0;
    *length = *filter ? json_integer_value(jlength) : 0;
    return true;
}

static void dump_mark_failed(void)
{
    dump_result.status = DUMP_STATUS_FAILED;
    dump_result.completed = dump_result.total = 0;
}

/*
 * QEMU judges the filter once the dump has begun, so these errors leave
 * query-dump saying "failed" (completed and total 0), unlike the ones
 * above.  Vigil checks them before creating the file.
 */
static bool dump_check_filter(bool filter, int64_t begin, int64_t length,
                              GError **errp)
{
    if (filter && begin < 0) {
        error_setg(errp, "Invalid parameter 'begin'");
    } else if (filter && length <= 0) {
        error_setg(errp, "Invalid parameter 'length'");
    } else if (!current_machine) {
        error_setg(errp, "dump: no guest memory to dump");
    } else {
        return true;
    }
    dump_mark_failed();
    return false;
}

static int dump_open(QmpSession *s, const char *protocol, GError **errp)
{
    if (g_str_has_prefix(protocol, "fd:")) {
        return qmp_session_take_named_fd(s, protocol + 3, errp);
    }
    if (!g_str_has_prefix(protocol, "file:")) {
        error_setg(errp, "Invalid parameter 'protocol'");
        return -1;
    }
    return dump_open_file(protocol + 5, errp);
}

static bool dump_capture_cpus(DumpJob *job, GError **errp)
{
    if (!current_accel || !current_accel->get_vcpu_dump_state ||
        !current_machine) {
        return true; /* qtest: no vCPUs, no notes */
    }
    job->ncpus = cpu_count(); /* the vCPU devices; none on "none" */
    job->cpus = g_new0(VCPUDumpState, job->ncpus);
    for (unsigned i = 0; i < job->ncpus; i++) {
        if (!current_accel->get_vcpu_dump_state(i, &job->cpus[i], errp)) {
            return false;
        }
    }
    return true;
}

/*
 * The guest's VMCOREINFO note, read while the guest is stopped and on
 * this thread, so a detached writer never looks at the device.
 */
static void dump_capture_guest_note(DumpJob *job)
{
    VMCoreInfoGuest g;

    if (current_machine && vmcoreinfo_get(&g)) {
        job->guest_note = dump_read_guest_note(current_machine, g.present,
                                               g.guest_format, g.size, g.paddr);
    }
}

json_t *qmp_dump_guest_memory(QmpSession *s, json_t *args, GError **errp)
{
    int64_t begin = 0, length = 0;
    DumpFormat fmt = DUMP_FORMAT_ELF;
    uint64_t total;
    bool filter = false;
    bool detach = json_is_true(json_object_get(args, "detach"));
    GError *err = NULL;
    DumpJob *job;
    bool ok;

    if (!dump_check_args(args, &fmt, &begin, &length, &filter, errp) ||
        !dump_check_filter(filter, begin, length, errp)) {
        return NULL;
    }
    job = g_new0(DumpJob, 1);
    job->done_fd = job->progress.cancel_fd = -1;
    job->nblocks = dump_collect_blocks(current_machine, filter, begin, length,
                                       job->blocks, DUMP_MAX_BLOCKS, &total);
    if (job->nblocks == 0) {
        g_free(job);
        dump_mark_failed();
        error_setg(errp, "dump: no guest memory to dump");
        return NULL;
    }
    job->fd = dump_open(s, json_string_value(json_object_get(args, "protocol")),
                        errp);
    if (job->fd < 0) {
        g_free(job);
        return NULL;
    }
    /* kdump-raw-* are written at offsets; the flattened ones stream. */
    job->format = fmt;
    if (dump_format_is_raw(fmt) && lseek(job->fd, 0, SEEK_CUR) == (off_t)-1) {
        dump_job_free(job);
        error_setg(errp, "kdump-raw formats require a seekable file");
        return NULL;
    }
    /* Registers are only stable once the vCPUs are out of KVM_RUN. */
    if (runstate_is_running()) {
        job->resume = vm_stop(RUN_STATE_SAVE_VM);
    }
    if (!dump_capture_cpus(job, errp)) {
        if (job->resume) {
            vm_start();
        }
        dump_job_free(job);
        return NULL;
    }
    dump_capture_guest_note(job);
    dump_result.status = DUMP_STATUS_ACTIVE;
    dump_result.completed = 0;
    dump_result.total = total;
    if (detach) {
        if (dump_job_detach(job, &err)) {
            return json_object();
        }
        ok = false; /* no thread: it fails as a write would, with an event */
    } else {
        ok = dump_write_format(job->fd, job->format, job->cpus, job->ncpus,
                               job->guest_note, job->blocks, job->nblocks, NULL,
                               &err);
    }
    return dump_job_finish(job, ok, err, errp) ? json_object() : NULL;
}

json_t *qmp_query_dump(QmpSession *s, json_t *args, GError **errp)
{
    return dump_result_json();
}

json_t *qmp_query_dump_capability(QmpSession *s, json_t *args, GError **errp)
{
    json_t *formats = json_array();

    /* What Vigil writes, in QEMU's order (no win-dmp). */
    for (unsigned i = 0; i < DUMP_FORMAT__MAX; i++) {
        json_array_append_new(formats,
                              json_string(dump_format_name((DumpFormat)i)));
    }
    return json_pack("{s:o}", "formats", formats);
}

void qmp_dump_cleanup(void)
{
    DumpJob *job = dump_active;

    if (job) {
        uint64_t one = 1;

        /* Exit: stop the writer before the guest memory goes away. */
        __atomic_store_n(&job->progress.cancel, true, __ATOMIC_RELEASE);
        if (write(job->progress.cancel_fd, &one, sizeof(one)) < 0) {
            /* Cannot fail (see dump_thread). */
        }
        g_thread_join(job->thread);
        qemu_set_fd_handler(job->done_fd, NULL, NULL, NULL);
        dump_active = NULL;
        dump_job_free(job);
    }
    dump_result.status = DUMP_STATUS_NONE;
    dump_result.completed = dump_result.total = 0;
}
