/*
 * The panic record over QMP and HMP: Vigil's own names, with the
 * downstream prefix QEMU's QMP specification reserves for them
 * (docs/interop/vigil-qmp.rst), so that nothing a QEMU client knows
 * changes:
 *   __org.vigil-vmm_PANIC_RECORD   event, after GUEST_PANICKED (only with
 *                                  -panic-record, event=on)
 *   __org.vigil-vmm_query-panics   {"count": N, "records": [...]}
 *   info panics                    HMP, one readable block per record
 */
#include <inttypes.h>
#include <string.h>

#include "monitor-internal.h"
#include "monitor/qmp-events.h"
#include "qobject/json-writer.h"
#include "system/panic-record.h"

static void record_event(json_t *record, void *opaque)
{
    json_t *restart = json_object_get(record, "restart");

    if (panic_record_event_enabled()) {
        monitor_emit_event(VIGIL_QMP_PREFIX "PANIC_RECORD",
                           json_incref(record));
    }
    /* -panic-restart's decision, with the record it belongs to. */
    if (restart &&
        strcmp(json_string_value(json_object_get(restart, "decision")),
               "none") != 0) {
        json_t *d = json_deep_copy(restart);

        json_object_set(d, "seq", json_object_get(record, "seq"));
        monitor_emit_event(VIGIL_QMP_PREFIX "PANIC_RESTART", d);
    }
}

void monitor_panic_record_init(void)
{
    panic_record_add_listener(record_event, NULL);
}

const QmpType qmp_vigil_query_panics_ret = {
    .meta = QMP_META_OBJECT,
    .members =
        (const QmpMember[]){
            {"count", &qmp_type_int},
            {"records", &qmp_type_any},
            {NULL},
        },
};

json_t *qmp_vigil_query_panics(QmpSession *s, json_t *args, GError **errp)
{
    json_t *r = json_object();

    json_object_set_new(r, "count", json_integer(panic_record_count()));
    json_object_set_new(r, "records", panic_record_history());
    return r;
}

/* ---- HMP "info panics" ---- */

static const char *str_member(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "-";
}

static uint64_t reg(json_t *regs, const char *name)
{
    json_t *v = json_object_get(regs, name);

    if (json_is_object(v)) { /* a uint64 above INT64_MAX */
        v = json_object_get(v, JSON_UINT64_KEY);
    }
    return (uint64_t)json_integer_value(v);
}

static void print_regs(GString *out, json_t *vcpu)
{
    static const char *const rows[][4] = {
        {"rax", "rbx", "rcx", "rdx"},    {"rsi", "rdi", "rbp", "rsp"},
        {"r8", "r9", "r10", "r11"},      {"r12", "r13", "r14", "r15"},
        {"rip", "rflags", "cr0", "cr3"},
    };
    json_t *regs = json_object_get(vcpu, "regs");

    g_string_append_printf(out, "  vCPU %" JSON_INTEGER_FORMAT ":\r\n",
                           json_integer_value(json_object_get(vcpu, "index")));
    for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
        g_string_append(out, "   ");
        for (size_t j = 0; j < 4; j++) {
            g_string_append_printf(out, " %-6s %016" PRIx64, rows[i][j],
                                   reg(regs, rows[i][j]));
        }
        g_string_append(out, "\r\n");
    }
}

static void print_record(GString *out, json_t *rec)
{
    json_t *src = json_object_get(rec, "source");
    json_t *vcpu = json_object_get(rec, "vcpu");
    json_t *msg = json_object_get(rec, "kernel-message");
    json_t *time = json_object_get(rec, "time");

    g_string_append_printf(
        out,
        "panic %" JSON_INTEGER_FORMAT " (count %" JSON_INTEGER_FORMAT
        "): %s, action %s, at %s, guest uptime %.3f s\r\n",
        json_integer_value(json_object_get(rec, "seq")),
        json_integer_value(json_object_get(rec, "count")),
        str_member(rec, "event"), str_member(rec, "action"),
        str_member(time, "host-realtime"),
        json_integer_value(json_object_get(time, "guest-uptime-ns")) / 1e9);
    if (json_is_object(src)) {
        g_string_append_printf(
            out, "  source: %s %s\r\n", str_member(src, "kind"),
            json_object_get(src, "owner") ? str_member(src, "owner")
                                          : str_member(src, "name"));
    }
    if (json_is_object(vcpu)) {
        print_regs(out, vcpu);
    }
    if (json_is_object(msg)) {
        json_t *line;
        size_t i;

        g_string_append_printf(out, "  %s\r\n  %s\r\n",
                               str_member(msg, "panic"),
                               str_member(msg, "rip"));
        json_array_foreach(json_object_get(msg, "call-trace"), i, line)
        {
            g_string_append_printf(out, "    %s\r\n", json_string_value(line));
        }
    }
}

void hmp_info_panics(GString *out)
{
    g_autoptr(json_t) list = panic_record_history();
    json_t *rec;
    size_t i;

    if (!json_array_size(list)) {
        g_string_append(out, "no panic recorded\r\n");
        return;
    }
    json_array_foreach(list, i, rec)
    {
        print_record(out, rec);
    }
}
