/*
 * What qmp-case observes of the kernel it runs under (L1 when nested):
 * KVM's debugfs counters and tracefs events.  Split from qmp-case.c,
 * which drives the cases; built together by tests/guest/kit.py.
 */
#ifndef L1_PROBES_H
#define L1_PROBES_H

#include <stdint.h>

#define MAX_STATS 96

typedef struct KvmStats {
    int n;
    char name[MAX_STATS][40];
    uint64_t val[MAX_STATS];
} KvmStats;

/* Read every top-level counter of KVM's debugfs (sums over all VMs). */
void kvm_stats_read(KvmStats *st);
/* Read again and keep, per counter, the largest value seen in @max. */
void kvm_stats_sample(KvmStats *max);
/* "CASE NAME KVMSTAT key=n ...": what grew from @before to @after. */
void kvm_stats_print(const char *name, const KvmStats *before,
                     const KvmStats *after);
/* Print each line of @path as "TAG NAME| line"; nothing if unreadable. */
void dump_file(const char *path, const char *tag, const char *name);
/* Record the tracefs events in @list (space or comma separated) from now
 * on, on the CLOCK_MONOTONIC ("mono") trace clock. */
void trace_start(const char *name, const char *list);
/* Stop, print the trace as "TRACE NAME| line", clear it. */
void trace_stop(const char *name);

#endif /* L1_PROBES_H */
