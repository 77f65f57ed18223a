/*
 * KVM counters and event tracing for qmp-case (see l1-probes.h).
 */
#define _GNU_SOURCE
#include "l1-probes.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE 4096

/*
 * KVM's statistics in debugfs (mounted by the L1 /init): the top-level files
 * are sums over all VMs.  Counters are printed as the difference over the
 * case; they show how many exits of each kind the VMM's guest took, which
 * is what costs time under nested virtualisation.
 */
#define KVM_STATS_DIR "/sys/kernel/debug/kvm"

void kvm_stats_read(KvmStats *st)
{
    DIR *d = opendir(KVM_STATS_DIR);
    struct dirent *e;

    st->n = 0;
    while (d && (e = readdir(d)) && st->n < MAX_STATS) {
        char path[300], buf[32];
        ssize_t len;
        int fd;

        if (e->d_type != DT_REG) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", KVM_STATS_DIR, e->d_name);
        fd = open(path, O_RDONLY);
        if (fd < 0) {
            continue;
        }
        len = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (len <= 0) {
            continue;
        }
        buf[len] = 0;
        snprintf(st->name[st->n], sizeof(st->name[0]), "%.39s", e->d_name);
        st->val[st->n++] = strtoull(buf, NULL, 10);
    }
    if (d) {
        closedir(d);
    }
}

/*
 * The per-VM counters vanish with the VM, and most cases end with the VMM
 * exiting: sample after every step and keep the largest value of each.
 */
void kvm_stats_sample(KvmStats *max)
{
    static KvmStats now_st;

    kvm_stats_read(&now_st);
    if (!max->n) {
        *max = now_st;
        return;
    }
    for (int i = 0; i < max->n && i < now_st.n; i++) {
        if (!strcmp(max->name[i], now_st.name[i]) &&
            now_st.val[i] > max->val[i]) {
            max->val[i] = now_st.val[i];
        }
    }
}

void kvm_stats_print(const char *name, const KvmStats *before,
                     const KvmStats *after)
{
    if (!after->n) {
        return;
    }
    printf("CASE %s KVMSTAT", name);
    for (int i = 0; i < after->n; i++) {
        uint64_t v = after->val[i];

        for (int j = 0; j < before->n; j++) {
            if (!strcmp(before->name[j], after->name[i]) &&
                before->val[j] <= v) {
                v -= before->val[j];
                break;
            }
        }
        if (v) {
            printf(" %s=%" PRIu64, after->name[i], v);
        }
    }
    printf("\n");
}

void dump_file(const char *path, const char *tag, const char *name)
{
    FILE *f = fopen(path, "r");
    char line[MAX_LINE];

    if (!f) {
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);

        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = 0;
        }
        printf("%s %s| %s\n", tag, name, line);
    }
    fclose(f);
}

/*
 * Event tracing in the kernel qmp-case runs under (L1 when nested): with
 * the "mono" trace clock the timestamps are CLOCK_MONOTONIC, the clock of
 * every t= above, so an exit can be placed on the case's timeline.
 */
#define TRACE_DIR "/sys/kernel/debug/tracing"

static bool trace_write(const char *file, const char *text, bool append)
{
    char path[300];
    int fd;
    ssize_t n;

    snprintf(path, sizeof(path), "%s/%s", TRACE_DIR, file);
    fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
    if (fd < 0) {
        return false;
    }
    n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text);
}

void trace_start(const char *name, const char *list)
{
    char events[512], *save = NULL;
    bool ok;

    snprintf(events, sizeof(events), "%s", list);
    ok = trace_write("tracing_on", "0", false) &&
         trace_write("trace_clock", "mono", false) &&
         trace_write("buffer_size_kb", "16384", false) &&
         trace_write("set_event", "", false) && trace_write("trace", "", false);
    for (char *ev = strtok_r(events, " ,", &save); ok && ev;
         ev = strtok_r(NULL, " ,", &save)) {
        ok = trace_write("set_event", ev, true);
    }
    if (!ok || !trace_write("tracing_on", "1", false)) {
        printf("CASE %s TRACE-ERROR %s\n", name, strerror(errno));
    }
}

void trace_stop(const char *name)
{
    trace_write("tracing_on", "0", false);
    dump_file(TRACE_DIR "/trace", "TRACE", name);
    trace_write("set_event", "", false);
    trace_write("trace", "", false);
}
