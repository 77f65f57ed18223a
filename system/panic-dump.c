/*
 * The automatic dump at a panic (-panic-dump), Vigil's own.
 *
 * QEMU dumps only when a client asks (dump-guest-memory, or libvirt's
 * on_crash=coredump-*).  With -panic-dump the record of each panic gets
 * a dump written by Vigil itself (an ELF core, or one of the
 * kdump-compressed formats of dump-guest-memory), with the guest's
 * VMCOREINFO note
 * when -device vmcoreinfo has one, so no crashkernel= is needed in the
 * guest.
 *
 * The capture (on the reporting thread) only marks the record; the dump
 * is written by the main loop in a hook that runs before run-state
 * requests are processed, so pause, shutdown and exit-failure all wait
 * for it.  The vCPUs are paused for the write (and resumed after it when
 * the panic action lets the guest run on).  The dump goes to a
 * temporary name, is flushed with fdatasync() and renamed: a file named
 * panic-<seq>.core (.kdump, .flat) is always complete.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system/panic-record.h"

#include "hw/core/cpu.h"
#include "hw/misc/vmcoreinfo.h"
#include "qemu/log.h"
#include "system/accel.h"
#include "system/dump.h"
#include "system/runstate.h"

#define PANIC_DUMP_MAX_BLOCKS 8

static PanicDumpConfig config;
static GQueue pending = G_QUEUE_INIT; /* json_t * records to dump */

/* A dump's file name suffix: what it is, not the compressor. */
static const char *const suffixes[] = {"core", "kdump", "flat"};

static const char *suffix(DumpFormat fmt)
{
    if (fmt == DUMP_FORMAT_ELF) {
        return suffixes[0];
    }
    return dump_format_is_raw(fmt) ? suffixes[1] : suffixes[2];
}

static bool is_dump_suffix(const char *s)
{
    for (size_t i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        if (strcmp(s, suffixes[i]) == 0) {
            return true;
        }
    }
    return false;
}

void panic_dump_configure(const PanicDumpConfig *cfg)
{
    g_free(config.dir);
    config = *cfg;
    config.dir = g_strdup(cfg->dir);
}

bool panic_dump_enabled(void)
{
    return config.dir != NULL;
}

void panic_dump_request(json_t *rec)
{
    json_object_set_new(rec, "dump", json_pack("{s:s}", "status", "pending"));
    g_queue_push_tail(&pending, json_incref(rec));
}

bool panic_dump_pending(void)
{
    return !g_queue_is_empty(&pending);
}

/*
 * Remove the oldest panic-<seq>.<suffix> beyond the newest config.max,
 * whatever format each was written in (the format may have changed
 * between runs).
 */
static void prune(void)
{
    g_autoptr(GArray) seqs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    DIR *d;
    struct dirent *e;

    if (!config.max || !(d = opendir(config.dir))) {
        return;
    }
    while ((e = readdir(d))) {
        uint64_t seq;
        char tail[8];
        int end = 0;

        if (sscanf(e->d_name, "panic-%" SCNu64 ".%7[a-z]%n", &seq, tail,
                   &end) == 2 &&
            e->d_name[end] == 0 && is_dump_suffix(tail)) {
            g_array_append_val(seqs, seq);
            g_ptr_array_add(names, g_strdup(e->d_name));
        }
    }
    closedir(d);
    while (seqs->len > config.max) {
        guint oldest = 0;
        g_autofree char *path = NULL;

        for (guint i = 1; i < seqs->len; i++) {
            if (g_array_index(seqs, uint64_t, i) <
                g_array_index(seqs, uint64_t, oldest)) {
                oldest = i;
            }
        }
        path = g_build_filename(config.dir, g_ptr_array_index(names, oldest),
                                NULL);
        unlink(path);
        /* Both move their last element into @oldest. */
        g_array_remove_index_fast(seqs, oldest);
        g_ptr_array_remove_index_fast(names, oldest);
    }
}

/* The dump of the paused machine to @fd, in config.format. */
static bool write_core(int fd, bool *note, GError **errp)
{
    MachineState *ms = current_machine;
    unsigned n = cpu_count();
    VCPUDumpState *cpus = g_new0(VCPUDumpState, MAX(n, 1));
    DumpBlock blocks[PANIC_DUMP_MAX_BLOCKS];
    g_autoptr(GByteArray) guest_note = NULL;
    VMCoreInfoGuest g;
    uint64_t total;
    size_t nblocks;
    bool ok;

    for (unsigned i = 0; i < n; i++) {
        if (!current_accel->get_vcpu_dump_state ||
            !current_accel->get_vcpu_dump_state(i, &cpus[i], errp)) {
            if (errp && *errp) {
                g_free(cpus);
                return false;
            }
            n = i; /* no vCPUs to report (qtest) */
            break;
        }
    }
    nblocks = dump_collect_blocks(ms, false, 0, 0, blocks,
                                  PANIC_DUMP_MAX_BLOCKS, &total);
    if (vmcoreinfo_get(&g)) {
        guest_note = dump_read_guest_note(ms, g.present, g.guest_format, g.size,
                                          g.paddr);
    }
    *note = guest_note != NULL;
    ok = dump_write_format(fd, (DumpFormat)config.format, cpus, n, guest_note,
                           blocks, nblocks, NULL, errp);
    g_free(cpus);
    return ok;
}

static json_t *dump_one(uint64_t seq)
{
    const char *ext = suffix((DumpFormat)config.format);
    g_autofree char *path =
        g_strdup_printf("%s/panic-%06" PRIu64 ".%s", config.dir, seq, ext);
    g_autofree char *tmp =
        g_strdup_printf("%s/.panic-%06" PRIu64 ".%s.tmp", config.dir, seq, ext);
    g_autoptr(GError) err = NULL;
    gint64 t0 = g_get_monotonic_time();
    bool note = false, ok;
    struct stat st;
    int fd;

    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error_setg(&err, "cannot create %s: %s", tmp, g_strerror(errno));
        ok = false;
    } else {
        ok = write_core(fd, &note, &err);
        if (ok && fdatasync(fd) < 0) {
            error_setg(&err, "cannot write %s: %s", tmp, g_strerror(errno));
            ok = false;
        }
        close(fd);
        if (ok && rename(tmp, path) < 0) {
            error_setg(&err, "cannot rename %s: %s", tmp, g_strerror(errno));
            ok = false;
        }
        if (!ok) {
            unlink(tmp);
        }
    }
    if (!ok) {
        /* The panic action still happens; the record says why. */
        error_report("panic dump %" PRIu64 ": %s", seq, err->message);
        return json_pack("{s:s,s:s}", "status", "failed", "error",
                         err->message);
    }
    prune();
    return json_pack(
        "{s:s,s:s,s:s,s:I,s:I,s:b}", "status", "completed", "path", path,
        "format", dump_format_name((DumpFormat)config.format), "bytes",
        (json_int_t)(stat(path, &st) == 0 ? st.st_size : 0), "ms",
        (json_int_t)((g_get_monotonic_time() - t0) / 1000), "vmcoreinfo", note);
}

void panic_dump_run(void)
{
    bool resume;
    json_t *rec;

    if (g_queue_is_empty(&pending)) {
        return;
    }
    /* The guest must not change memory under the dump. */
    resume = runstate_is_running();
    if (current_accel && current_accel->pause_vcpus) {
        current_accel->pause_vcpus();
    }
    while ((rec = g_queue_pop_head(&pending))) {
        uint64_t seq = json_integer_value(json_object_get(rec, "seq"));

        json_object_set_new(rec, "dump", dump_one(seq));
        panic_record_file_queue(rec);
        json_decref(rec);
    }
    if (resume && runstate_is_running() && current_accel->resume_vcpus) {
        current_accel->resume_vcpus();
    }
}

void panic_dump_cleanup(void)
{
    g_queue_clear_full(&pending, (GDestroyNotify)json_decref);
    g_clear_pointer(&config.dir, g_free);
}
