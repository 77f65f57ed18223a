/*
 * dump-guest-memory, query-dump, query-dump-guest-memory-capability and
 * the DUMP_COMPLETED event.
 *
 * The command checks everything it can before it touches anything, so a
 * bad request creates no file and never stops the guest.  Then, as QEMU
 * does: a running VM is stopped (STOP), the ELF core is written
 * (system/dump.h), DUMP_COMPLETED reports the result, and the VM is
 * resumed (RESUME).  Without "detach" all of that happens before the
 * reply.  With "detach" the reply comes right after STOP and the write
 * runs from the main loop's next idle moment; query-dump says "active"
 * until then.  The main loop does the write itself (no thread), so the
 * monitors wait for it; that is a few hundred milliseconds per GiB.
 */
#include "monitor-internal.h"
#include "monitor/qmp-events.h"
#include "qemu/main-loop.h"
#include "system/accel.h"
#include "system/dump.h"
#include "system/runstate.h"

#include <errno.h>
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
/* The formats Vigil writes (query-dump-guest-memory-capability). */
static const char *const dump_formats_supported[] = {"elf", NULL};

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

/* A dump that has been checked and prepared, waiting to be written. */
typedef struct DumpJob {
    int fd;
    bool resume; /* we stopped a running VM: start it again afterwards */
    unsigned ncpus;
    VCPUDumpState *cpus;
    DumpBlock blocks[DUMP_MAX_BLOCKS];
    size_t nblocks;
} DumpJob;

static struct {
    DumpStatus status;
    uint64_t completed;
    uint64_t total;
} dump_result;
static DumpJob *dump_pending; /* a detached job not yet run */
static QEMUBH *dump_bh;       /* runs a detached dump */

static json_t *dump_result_json(void)
{
    return json_pack("{s:s,s:I,s:I}", "status",
                     dump_status_values[dump_result.status], "completed",
                     (json_int_t)dump_result.completed, "total",
                     (json_int_t)dump_result.total);
}

static void dump_job_free(DumpJob *job)
{
    if (job->fd >= 0) {
        close(job->fd);
    }
    g_free(job->cpus);
    g_free(job);
}

/* Write, report, resume.  Returns false with errp set on failure. */
static bool dump_job_run(DumpJob *job, GError **errp)
{
    GError *err = NULL;
    bool ok;

    ok = dump_write_elf(job->fd, job->cpus, job->ncpus, job->blocks,
                        job->nblocks, &err);
    /* close() reports a failed deferred write (NFS, quota). */
    if (close(job->fd) < 0 && ok) {
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
    if (job->resume && runstate_get() == RUN_STATE_PAUSED) {
        vm_start();
    }
    dump_job_free(job);
    if (!ok) {
        g_propagate_error(errp, err);
    }
    return ok;
}

static void dump_idle_cb(void *opaque)
{
    DumpJob *job = dump_pending;

    dump_pending = NULL;
    if (job) {
        dump_job_run(job, NULL); /* the event carries any error */
    }
}

/* QEMU's checks, in QEMU's order, before anything is created. */
static bool dump_check_args(json_t *args, int64_t *begin, int64_t *length,
                            bool *filter, GError **errp)
{
    bool paging = json_is_true(json_object_get(args, "paging"));
    json_t *jbegin = json_object_get(args, "begin");
    json_t *jlength = json_object_get(args, "length");
    const char *format = json_string_value(json_object_get(args, "format"));
    bool elf = !format || strcmp(format, "elf") == 0;

    if (dump_pending) {
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
    if (!elf) {
        error_setg(errp, "%s is not available now", format);
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

static int dump_open(const char *protocol, GError **errp)
{
    if (g_str_has_prefix(protocol, "fd:")) {
        /* No getfd/add-fd here, so no name can have been registered. */
        error_setg(errp, "File descriptor named '%s' has not been found",
                   protocol + 3);
        return -1;
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
    job->ncpus = current_machine->smp_cpus;
    job->cpus = g_new0(VCPUDumpState, job->ncpus);
    for (unsigned i = 0; i < job->ncpus; i++) {
        if (!current_accel->get_vcpu_dump_state(i, &job->cpus[i], errp)) {
            return false;
        }
    }
    return true;
}

json_t *qmp_dump_guest_memory(QmpSession *s, json_t *args, GError **errp)
{
    int64_t begin = 0, length = 0;
    uint64_t total;
    bool filter = false;
    bool detach = json_is_true(json_object_get(args, "detach"));
    DumpJob *job;

    if (!dump_check_args(args, &begin, &length, &filter, errp) ||
        !dump_check_filter(filter, begin, length, errp)) {
        return NULL;
    }
    job = g_new0(DumpJob, 1);
    job->nblocks = dump_collect_blocks(current_machine, filter, begin, length,
                                       job->blocks, DUMP_MAX_BLOCKS, &total);
    if (job->nblocks == 0) {
        g_free(job);
        dump_mark_failed();
        error_setg(errp, "dump: no guest memory to dump");
        return NULL;
    }
    job->fd =
        dump_open(json_string_value(json_object_get(args, "protocol")), errp);
    if (job->fd < 0) {
        g_free(job);
        return NULL;
    }
    /* Registers are only stable once the vCPUs are out of KVM_RUN. */
    if (runstate_is_running()) {
        job->resume = vm_stop(RUN_STATE_PAUSED);
    }
    if (!dump_capture_cpus(job, errp)) {
        if (job->resume) {
            vm_start();
        }
        dump_job_free(job);
        return NULL;
    }
    dump_result.status = DUMP_STATUS_ACTIVE;
    dump_result.completed = 0;
    dump_result.total = total;
    if (detach) {
        dump_pending = job;
        if (!dump_bh) {
            dump_bh = qemu_bh_new(dump_idle_cb, NULL);
        }
        qemu_bh_schedule(dump_bh);
        return json_object();
    }
    return dump_job_run(job, errp) ? json_object() : NULL;
}

json_t *qmp_query_dump(QmpSession *s, json_t *args, GError **errp)
{
    return dump_result_json();
}

json_t *qmp_query_dump_capability(QmpSession *s, json_t *args, GError **errp)
{
    json_t *formats = json_array();

    for (size_t i = 0; dump_formats_supported[i]; i++) {
        json_array_append_new(formats, json_string(dump_formats_supported[i]));
    }
    return json_pack("{s:o}", "formats", formats);
}

void qmp_dump_cleanup(void)
{
    qemu_bh_delete(dump_bh);
    dump_bh = NULL;
    if (dump_pending) {
        dump_job_free(dump_pending);
        dump_pending = NULL;
    }
    dump_result.status = DUMP_STATUS_NONE;
    dump_result.completed = dump_result.total = 0;
}
