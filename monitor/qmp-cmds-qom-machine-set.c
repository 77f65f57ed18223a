/*
 * qom-set of the machine's properties (monitor/qmp-cmds-qom-machine.c has
 * the list and the values): QEMU 7.2's checks and error texts, then the
 * value is kept for qom-get, without effect, as QEMU keeps it once the
 * machine is built (tests/diff scenario qom-machine-set).
 */
#include <inttypes.h>

#include "monitor-internal.h"
#include "qom-internal.h"
#include "hw/boards.h"
#include "qobject/json-writer.h"

#define MIB (UINT64_C(1) << 20)

/* QEMU's input visitor errors for a value of the wrong JSON type. */
static bool want(json_t *v, json_type t, const char *name, GError **errp)
{
    static const char *const names[] = {
        [JSON_OBJECT] = "object", [JSON_ARRAY] = "array",
        [JSON_STRING] = "string", [JSON_INTEGER] = "integer",
        [JSON_REAL] = "number",   [JSON_TRUE] = "boolean",
        [JSON_FALSE] = "boolean", [JSON_NULL] = "null",
    };

    if (json_typeof(v) == t || (t == JSON_TRUE && json_is_boolean(v))) {
        return true;
    }
    error_setg(errp, "Invalid parameter type for '%s', expected: %s", name,
               names[t]);
    return false;
}

/* The string properties' own checks, as QEMU's setters make them. */
static bool check_str(const char *name, const char *v, GError **errp)
{
    if (!strcmp(name, "x-oem-id") && strlen(v) > 6) {
        error_setg(errp, "User specified x-oem-id value is bigger than 6 "
                         "bytes in size");
    } else if (!strcmp(name, "x-oem-table-id") && strlen(v) > 8) {
        error_setg(errp, "User specified x-oem-table-id value is bigger "
                         "than 8 bytes in size");
    } else if (!strcmp(name, "memory-encryption")) {
        error_setg(errp, "No such memory encryption object '%s'", v);
    } else if (!strcmp(name, "nvdimm-persistence") && strcmp(v, "cpu") &&
               strcmp(v, "mem-ctrl")) {
        error_setg(errp, "-machine nvdimm-persistence=%s: unsupported option",
                   v);
    } else if (!strcmp(name, "smbios-entry-point-type") && strcmp(v, "32") &&
               strcmp(v, "64")) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'", name, v);
    } else if (!strcmp(name, "pcspk-audiodev")) {
        error_setg(errp, "Attempt to set property 'audiodev' on anonymous "
                         "device (type 'isa-pcspk') after it was realized");
    } else {
        return true;
    }
    return false;
}

static bool check_size(const char *name, uint64_t v, GError **errp)
{
    if (!strcmp(name, "max-fw-size") && v > 16 * MIB) {
        error_setg(errp,
                   "User specified max allowed firmware size %" PRIu64
                   " is greater than 16MiB. If combined firwmare size exceeds "
                   "16MiB the system may not boot, or experience "
                   "intermittentstability issues.",
                   v);
        return false;
    }
    if (!strcmp(name, "max-ram-below-4g") && v > (UINT64_C(1) << 32)) {
        error_setg(errp,
                   "Machine option 'max-ram-below-4g=%" PRIu64
                   "' expects size less than or equal to 4G",
                   v);
        return false;
    }
    return true;
}

/* An integer member of a structured value, QEMU's errors. */
static bool member_uint(json_t *obj, const char *prop, const char *key,
                        bool *has, uint64_t *out, GError **errp)
{
    json_t *v = json_object_get(obj, key);
    g_autofree char *full = g_strdup_printf("%s.%s", prop, key);

    *has = v != NULL;
    *out = 0;
    if (!v) {
        return true;
    }
    if (!want(v, JSON_INTEGER, full, errp)) {
        return false;
    }
    *out = (uint64_t)json_integer_value(v);
    return true;
}

/* Every member of @obj is one of @keys (NULL-terminated). */
static bool only_members(json_t *obj, const char *prop, const char *const *keys,
                         GError **errp)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v)
    {
        bool known = false;

        for (const char *const *k = keys; *k; k++) {
            known |= !strcmp(*k, key);
        }
        if (!known) {
            error_setg(errp, "Parameter '%s.%s' is unexpected", prop, key);
            return false;
        }
    }
    return true;
}

static bool boot_devices_ok(const char *s, GError **errp)
{
    for (; s && *s; s++) {
        if (*s < 'a' || *s > 'p') {
            error_setg(errp, "Invalid boot device '%c'", *s);
            return false;
        }
    }
    return true;
}

/* BootConfiguration: kept as given, "order" defaulting to the machine's. */
static json_t *set_boot(const MachineState *ms, json_t *v, GError **errp)
{
    static const char *const keys[] = {
        "order",       "once",           "menu",   "splash",
        "splash-time", "reboot-timeout", "strict", NULL};
    static const char *const strs[] = {"order", "once", "splash", NULL};
    static const char *const bools[] = {"menu", "strict", NULL};
    static const char *const ints[] = {"splash-time", "reboot-timeout", NULL};
    g_autoptr(json_t) out = json_object();

    if (!want(v, JSON_OBJECT, "boot", errp) ||
        !only_members(v, "boot", keys, errp)) {
        return NULL;
    }
    for (const char *const *k = strs; *k; k++) {
        json_t *m = json_object_get(v, *k);
        g_autofree char *full = g_strdup_printf("boot.%s", *k);

        if (m && !want(m, JSON_STRING, full, errp)) {
            return NULL;
        }
    }
    for (const char *const *k = bools; *k; k++) {
        json_t *m = json_object_get(v, *k);
        g_autofree char *full = g_strdup_printf("boot.%s", *k);

        if (m && !want(m, JSON_TRUE, full, errp)) {
            return NULL;
        }
    }
    for (const char *const *k = ints; *k; k++) {
        json_t *m = json_object_get(v, *k);
        g_autofree char *full = g_strdup_printf("boot.%s", *k);

        if (m && !want(m, JSON_INTEGER, full, errp)) {
            return NULL;
        }
    }
    if (!boot_devices_ok(json_string_value(json_object_get(v, "order")),
                         errp) ||
        !boot_devices_ok(json_string_value(json_object_get(v, "once")), errp)) {
        return NULL;
    }
    json_object_update(out, v);
    if (!json_object_get(out, "order")) {
        json_object_set_new(
            out, "order", json_string(qom_machine_is_pc(ms->mc) ? "cad" : ""));
    }
    return g_steal_pointer(&out);
}

/* MemorySizeConfiguration: QEMU keeps the size rounded up to 8 KiB. */
static json_t *set_memory(const MachineState *ms, json_t *v, GError **errp)
{
    static const char *const keys[] = {"size", "max-size", "slots", NULL};
    uint64_t size, max_size, slots;
    bool has_size, has_max, has_slots;

    if (!want(v, JSON_OBJECT, "memory", errp) ||
        !only_members(v, "memory", keys, errp) ||
        !member_uint(v, "memory", "size", &has_size, &size, errp) ||
        !member_uint(v, "memory", "max-size", &has_max, &max_size, errp) ||
        !member_uint(v, "memory", "slots", &has_slots, &slots, errp)) {
        return NULL;
    }
    if (has_slots && !has_max) {
        error_setg(errp, "slots specified but no max-size");
        return NULL;
    }
    size = has_size ? size : ms->mc->default_ram_size;
    return json_pack("{s:o}", "size",
                     json_uint64((size + 8191) & ~UINT64_C(8191)));
}

/*
 * SMPConfiguration, resolved as QEMU 7.2 resolves it for pc (dies yes,
 * clusters no, missing counts prefer cores).  QEMU keeps the result even
 * when it then finds it invalid.
 */
static json_t *set_smp(const MachineState *ms, json_t *v, GError **errp)
{
    static const char *const keys[] = {"cpus",     "sockets", "dies",
                                       "clusters", "cores",   "threads",
                                       "maxcpus",  NULL};
    uint64_t val[7];
    bool has[7];
    uint64_t cpus, sockets, dies, clusters, cores, threads, maxcpus, total;

    if (!want(v, JSON_OBJECT, "smp", errp) ||
        !only_members(v, "smp", keys, errp)) {
        return NULL;
    }
    for (int i = 0; i < 7; i++) {
        if (!member_uint(v, "smp", keys[i], &has[i], &val[i], errp)) {
            return NULL;
        }
    }
    cpus = val[0], sockets = val[1], dies = val[2], clusters = val[3];
    cores = val[4], threads = val[5], maxcpus = val[6];
    if (clusters > 1) {
        error_setg(errp, "clusters not supported by this machine's CPU "
                         "topology");
        return NULL;
    }
    dies = dies ? dies : 1;
    clusters = 1;
    if (!cpus && !maxcpus) {
        sockets = sockets ? sockets : 1;
        cores = cores ? cores : 1;
        threads = threads ? threads : 1;
    } else {
        maxcpus = maxcpus ? maxcpus : cpus;
        sockets = sockets ? sockets : 1;
        if (!cores) {
            threads = threads ? threads : 1;
            cores = maxcpus / (sockets * dies * threads);
        } else if (!threads) {
            threads = maxcpus / (sockets * dies * cores);
        }
    }
    total = sockets * dies * cores * threads;
    maxcpus = maxcpus ? maxcpus : total;
    cpus = cpus ? cpus : maxcpus;
    qom_machine_keep("smp", qom_machine_smp_json(cpus, maxcpus, threads, cores,
                                                 dies, sockets, clusters));
    if (total != maxcpus) {
        error_setg(errp,
                   "Invalid CPU topology: product of the hierarchy must "
                   "match maxcpus: sockets (%" PRIu64 ") * dies (%" PRIu64
                   ") * cores (%" PRIu64 ") * threads (%" PRIu64
                   ") != maxcpus (%" PRIu64 ")",
                   sockets, dies, cores, threads, maxcpus);
    } else if (maxcpus < cpus) {
        error_setg(errp,
                   "Invalid CPU topology: maxcpus must be equal to or "
                   "greater than smp: sockets (%" PRIu64 ") * dies (%" PRIu64
                   ") * cores (%" PRIu64 ") * threads (%" PRIu64
                   ") == maxcpus (%" PRIu64 ") < smp_cpus (%" PRIu64 ")",
                   sockets, dies, cores, threads, maxcpus, cpus);
    } else if (maxcpus > ms->mc->max_cpus) {
        error_setg(errp,
                   "Invalid SMP CPUs %" PRIu64 ". The max CPUs supported by "
                   "machine '%s' is %u",
                   maxcpus, ms->mc->name, ms->mc->max_cpus);
    } else {
        return qom_machine_smp_json(cpus, maxcpus, threads, cores, dies,
                                    sockets, clusters);
    }
    return NULL;
}

/* A link: "" clears it, anything else must name an existing object. */
static json_t *set_link(json_t *v, const char *name, const char *current,
                        GError **errp)
{
    const char *path;
    Node n;

    if (!want(v, JSON_STRING, name, errp)) {
        return NULL;
    }
    path = json_string_value(v);
    if (!*path || !strcmp(path, current)) {
        /* Also QEMU's own objects Vigil names but does not have. */
        return json_incref(v);
    }
    if (!qom_resolve(path, &n)) {
        g_set_error(errp, VIGIL_ERROR, VIGIL_ERROR_DEVICE_NOT_FOUND,
                    "Device '%s' not found", path);
        return NULL;
    }
    return json_string_nocheck(n.path);
}

/*
 * SgxEPC and CXLFixedMemoryWindow lists.  QEMU's setter drops the old
 * list when the new one is not an array; each CXL window needs its size
 * and targets.
 */
static json_t *set_list(const char *name, json_t *v, GError **errp)
{
    static const char *const cxl_required[] = {"size", "targets", NULL};
    size_t i;
    json_t *e;

    if (!want(v, JSON_ARRAY, name, errp)) {
        if (!strcmp(name, "sgx-epc")) {
            qom_machine_keep(name, json_array());
        }
        return NULL;
    }
    json_array_foreach(v, i, e)
    {
        for (const char *const *k = cxl_required;
             !strcmp(name, "cxl-fmw") && *k; k++) {
            if (!json_is_object(e) || !json_object_get(e, *k)) {
                error_setg(errp, "Parameter '%s[%zu].%s' is missing", name, i,
                           *k);
                return NULL;
            }
        }
    }
    return json_incref(v);
}

/* The value @p keeps after qom-set to @v, or NULL with @errp set. */
static json_t *checked_value(const MachineState *ms, const MachineProp *p,
                             json_t *v, GError **errp)
{
    const char *name = p->name;
    g_autofree char *type = qom_machine_type_name();
    g_autoptr(json_t) now = qom_machine_get(name);
    const char *cur = json_is_string(now) ? json_string_value(now) : "";

    switch (p->kind) {
    case MP_STR:
        return want(v, JSON_STRING, name, errp) &&
                       check_str(name, json_string_value(v), errp)
                   ? json_incref(v)
                   : NULL;
    case MP_BOOL:
        return want(v, JSON_TRUE, name, errp) ? json_incref(v) : NULL;
    case MP_OOA:
        if (!want(v, JSON_STRING, name, errp)) {
            return NULL;
        }
        if (strcmp(json_string_value(v), "on") &&
            strcmp(json_string_value(v), "off") &&
            strcmp(json_string_value(v), "auto")) {
            error_setg(errp, "Parameter '%s' does not accept value '%s'", name,
                       json_string_value(v));
            return NULL;
        }
        return json_incref(v);
    case MP_SIZE:
        if (!json_is_integer(v)) {
            error_setg(errp, "Parameter '%s' expects uint64", name);
            return NULL;
        }
        if (!check_size(name, (uint64_t)json_integer_value(v), errp)) {
            return NULL;
        }
        return json_uint64((uint64_t)json_integer_value(v));
    case MP_INT:
        if (!want(v, JSON_INTEGER, name, errp)) {
            return NULL;
        }
        return strcmp(p->type, "uint64_t")
                   ? json_incref(v)
                   : json_uint64((uint64_t)json_integer_value(v));
    case MP_LINK:
        return set_link(v, name, cur, errp);
    case MP_BOOT:
        return set_boot(ms, v, errp);
    case MP_MEMORY:
        return set_memory(ms, v, errp);
    case MP_SMP:
        return set_smp(ms, v, errp);
    case MP_LIST:
        return set_list(name, v, errp);
    case MP_RO:
        break;
    }
    if (!strcmp(name, "rtc-time")) {
        /* QEMU's property reads the RTC's "date". */
        error_setg(errp, "Property 'mc146818rtc.date' is not writable");
    } else {
        error_setg(errp, "Property '%s.%s' is not writable", type, name);
    }
    return NULL;
}

bool qom_machine_set(const char *name, json_t *v, GError **errp)
{
    MachineState *ms = current_machine;
    const MachineProp *p = ms ? qom_machine_find_prop(ms->mc, name) : NULL;
    json_t *keep;

    if (!p) {
        g_autofree char *type = qom_machine_type_name();

        error_setg(errp, "Property '%s.%s' is not writable", type, name);
        return false;
    }
    keep = checked_value(ms, p, v, errp);
    if (!keep) {
        return false;
    }
    qom_machine_keep(name, keep);
    return true;
}
