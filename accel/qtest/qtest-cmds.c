/*
 * The qtest command table and its handlers (docs/specs/qtest.rst).
 *
 * Ports go through current_machine->io and memory through
 * machine_mem_read/write(), which is exactly the dispatch a KVM vCPU
 * exit uses.  Where QEMU asserts on a malformed line, we answer
 * "FAIL <reason>" and carry on.
 */
#include "qtest-internal.h"

#include <string.h>

#include "hw/boards.h"
#include "qemu/timer.h"
#include "system/memory.h"
#include "system/qtest.h"

/*
 * Scratch memory for multi-byte transfers that do not hit RAM directly.
 * Kept between commands so the hot path never allocates; a buffer grown
 * by one huge transfer is dropped afterwards.
 */
#define QTEST_SCRATCH_KEEP (64u * 1024)
static uint8_t *scratch;
static size_t scratch_cap;

static uint8_t *scratch_get(size_t len)
{
    if (len > scratch_cap) {
        g_free(scratch);
        scratch = g_malloc(len);
        scratch_cap = len;
    }
    return scratch;
}

void qtest_cmds_cleanup(void)
{
    g_clear_pointer(&scratch, g_free);
    scratch_cap = 0;
    qtest_irq_cleanup();
}

/* ---- replies ---- */

void qtest_reply_ok(GString *out)
{
    g_string_append_len(out, "OK\n", 3);
}

void qtest_reply_fail(GString *out, const char *fmt, ...)
{
    va_list ap;

    g_string_append_len(out, "FAIL ", 5);
    va_start(ap, fmt);
    g_string_append_vprintf(out, fmt, ap);
    va_end(ap);
    g_string_append_c(out, '\n');
}

void qtest_reply_bad_number(GString *out, const QTestWord *w)
{
    qtest_reply_fail(out, "invalid number '%.*s'",
                     (int)MIN(w->len, (size_t)QTEST_ECHO_MAX), w->p);
}

static const char hexdigits[] = "0123456789abcdef";

/* Append @v in lower-case hex, at least @min_digits digits. */
static void append_hex(GString *out, uint64_t v, unsigned min_digits)
{
    char buf[16];
    unsigned n = 0;

    do {
        buf[n++] = hexdigits[v & 0xf];
        v >>= 4;
    } while (v);
    while (n < min_digits) {
        buf[n++] = '0';
    }
    while (n) {
        g_string_append_c(out, buf[--n]);
    }
}

/* Make room for @n more bytes at the end of @out; returns where they go. */
static char *append_space(GString *out, size_t n)
{
    size_t old = out->len;

    g_string_set_size(out, old + n);
    return out->str + old;
}

/* ---- argument parsing ---- */

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/*
 * Unsigned number in base 0 as strtoull() reads it ("0x" hex, leading 0
 * octal, else decimal), but the whole word must be consumed, there is no
 * sign or white space, and overflow is an error.
 */
static bool parse_u64(const QTestWord *w, uint64_t *res)
{
    const char *p = w->p;
    const char *end = p + w->len;
    unsigned base = 10;
    uint64_t v = 0;

    if (p == end) {
        return false;
    }
    if (p[0] == '0' && end - p > 1) {
        if (p[1] == 'x' || p[1] == 'X') {
            base = 16;
            p += 2;
            if (p == end) {
                return false;
            }
        } else {
            base = 8;
            p++;
        }
    }
    for (; p < end; p++) {
        int d = digit_value(*p);

        if (d < 0 || (unsigned)d >= base) {
            return false;
        }
        if (v > (UINT64_MAX - (unsigned)d) / base) {
            return false;
        }
        v = v * base + (unsigned)d;
    }
    *res = v;
    return true;
}

/* Signed variant (clock commands): an optional leading '-'. */
bool qtest_parse_i64(const QTestWord *w, int64_t *res)
{
    QTestWord mag = *w;
    bool neg = false;
    uint64_t v;

    if (mag.len && mag.p[0] == '-') {
        neg = true;
        mag.p++;
        mag.len--;
    }
    if (!parse_u64(&mag, &v)) {
        return false;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) {
            return false;
        }
        *res = (int64_t)(0 - v);
    } else {
        if (v > INT64_MAX) {
            return false;
        }
        *res = (int64_t)v;
    }
    return true;
}

static bool parse_num(const QTestWord *w, uint64_t *res, GString *out)
{
    if (!parse_u64(w, res)) {
        qtest_reply_bad_number(out, w);
        return false;
    }
    return true;
}

static bool parse_port(const QTestWord *w, uint64_t *port, GString *out)
{
    if (!parse_num(w, port, out)) {
        return false;
    }
    if (*port > 0xffff) {
        qtest_reply_fail(out, "port out of range (0..0xffff)");
        return false;
    }
    return true;
}

/* ADDR and SIZE of a transfer: SIZE within bounds, no address wrap. */
static bool parse_range(const QTestWord *a, bool allow_zero, uint64_t *addr,
                        uint64_t *len, GString *out)
{
    if (!parse_num(&a[0], addr, out) || !parse_num(&a[1], len, out)) {
        return false;
    }
    if (*len == 0 && !allow_zero) {
        qtest_reply_fail(out, "size must not be zero");
        return false;
    }
    if (*len > QTEST_MAX_XFER) {
        qtest_reply_fail(out, "size exceeds the limit of %u bytes",
                         QTEST_MAX_XFER);
        return false;
    }
    if (*len && *addr + (*len - 1) < *addr) {
        qtest_reply_fail(out, "address range wraps around");
        return false;
    }
    return true;
}

/* ---- port I/O ---- */

static void cmd_out(const QTestCommand *cmd, const QTestWord *a, GString *out)
{
    uint64_t port, val;

    if (!parse_port(&a[0], &port, out) || !parse_num(&a[1], &val, out)) {
        return;
    }
    /* Like QEMU's cpu_outb/w/l, the value is truncated to the width. */
    address_space_write(current_machine->io, port, val, cmd->size);
    qtest_reply_ok(out);
}

static void cmd_in(const QTestCommand *cmd, const QTestWord *a, GString *out)
{
    uint64_t port, val;

    if (!parse_port(&a[0], &port, out)) {
        return;
    }
    val = address_space_read(current_machine->io, port, cmd->size);
    g_string_append_len(out, "OK 0x", 5);
    append_hex(out, (uint32_t)val, 4);
    g_string_append_c(out, '\n');
}

/* ---- guest memory ---- */

static bool range_ok(uint64_t addr, uint64_t len, GString *out)
{
    if (len && addr + (len - 1) < addr) {
        qtest_reply_fail(out, "address range wraps around");
        return false;
    }
    return true;
}

static void cmd_writen(const QTestCommand *cmd, const QTestWord *a,
                       GString *out)
{
    uint64_t addr, val;
    uint8_t buf[8];
    unsigned i;

    if (!parse_num(&a[0], &addr, out) || !parse_num(&a[1], &val, out) ||
        !range_ok(addr, cmd->size, out)) {
        return;
    }
    for (i = 0; i < cmd->size; i++) {
        buf[i] = val >> (8 * i);
    }
    machine_mem_write(current_machine, addr, buf, cmd->size);
    qtest_reply_ok(out);
}

static void cmd_readn(const QTestCommand *cmd, const QTestWord *a, GString *out)
{
    uint64_t addr, val = 0;
    uint8_t buf[8];
    unsigned i;

    if (!parse_num(&a[0], &addr, out) || !range_ok(addr, cmd->size, out)) {
        return;
    }
    machine_mem_read(current_machine, addr, buf, cmd->size);
    for (i = 0; i < cmd->size; i++) {
        val |= (uint64_t)buf[i] << (8 * i);
    }
    g_string_append_len(out, "OK 0x", 5);
    append_hex(out, val, 16);
    g_string_append_c(out, '\n');
}

/* Guest bytes [addr, addr+len): RAM directly when possible, else a copy. */
static const uint8_t *mem_fetch(uint64_t addr, size_t len)
{
    const uint8_t *p = machine_ram_ptr(current_machine, addr, len);
    uint8_t *buf;

    if (p) {
        return p;
    }
    buf = scratch_get(len);
    machine_mem_read(current_machine, addr, buf, len);
    return buf;
}

static void cmd_read(const QTestCommand *cmd, const QTestWord *a, GString *out)
{
    uint64_t addr, len, i;
    const uint8_t *data;
    char *dst;

    if (!parse_range(a, false, &addr, &len, out)) {
        return;
    }
    data = mem_fetch(addr, len);
    g_string_append_len(out, "OK 0x", 5);
    dst = append_space(out, 2 * len + 1);
    for (i = 0; i < len; i++) {
        dst[2 * i] = hexdigits[data[i] >> 4];
        dst[2 * i + 1] = hexdigits[data[i] & 0xf];
    }
    dst[2 * len] = '\n';
}

static void cmd_b64read(const QTestCommand *cmd, const QTestWord *a,
                        GString *out)
{
    uint64_t addr, len;
    const uint8_t *data;
    size_t start, n;
    int state = 0, save = 0;
    char *dst;

    if (!parse_range(a, true, &addr, &len, out)) {
        return;
    }
    data = len ? mem_fetch(addr, len) : NULL;
    g_string_append_len(out, "OK ", 3);
    start = out->len;
    dst = append_space(out, (len / 3 + 1) * 4 + 4);
    n = g_base64_encode_step(data, len, FALSE, dst, &state, &save);
    n += g_base64_encode_close(FALSE, dst + n, &state, &save);
    g_string_set_size(out, start + n);
    g_string_append_c(out, '\n');
}

static void cmd_write(const QTestCommand *cmd, const QTestWord *a, GString *out)
{
    const QTestWord *d = &a[2];
    uint64_t addr, len, i;
    uint8_t *buf;

    if (!parse_range(a, true, &addr, &len, out)) {
        return;
    }
    if (d->len < 3) {
        /* QEMU's reply for this case, ERR and not FAIL. */
        g_string_append(out, "ERR invalid argument size\n");
        return;
    }
    if (d->p[0] != '0' || (d->p[1] != 'x' && d->p[1] != 'X')) {
        qtest_reply_fail(out, "data must start with 0x");
        return;
    }
    for (i = 2; i < d->len; i++) {
        if (digit_value(d->p[i]) < 0) {
            qtest_reply_fail(out, "invalid hex data");
            return;
        }
    }
    /* Pairs of digits fill the bytes in order; missing ones are zero. */
    buf = scratch_get(len);
    for (i = 0; i < len; i++) {
        if (2 * i + 3 < d->len) {
            buf[i] = digit_value(d->p[2 * i + 2]) << 4 |
                     digit_value(d->p[2 * i + 3]);
        } else {
            buf[i] = 0;
        }
    }
    machine_mem_write(current_machine, addr, buf, len);
    qtest_reply_ok(out);
}

static bool is_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Standard alphabet, optional '=' padding only at the end. */
static bool b64_valid(const QTestWord *d)
{
    size_t n = d->len, pad = 0, i;

    while (n && d->p[n - 1] == '=' && pad < 2) {
        n--;
        pad++;
    }
    for (i = 0; i < n; i++) {
        if (!is_b64_char(d->p[i])) {
            return false;
        }
    }
    if (pad && (n + pad) % 4) {
        return false;
    }
    return n % 4 != 1;
}

static void cmd_b64write(const QTestCommand *cmd, const QTestWord *a,
                         GString *out)
{
    const QTestWord *d = &a[2];
    uint64_t addr, len;
    size_t n;
    int state = 0;
    unsigned save = 0;
    uint8_t *buf;

    if (!parse_range(a, true, &addr, &len, out)) {
        return;
    }
    if (d->len < 3) {
        g_string_append(out, "ERR invalid argument size\n");
        return;
    }
    if (!b64_valid(d)) {
        qtest_reply_fail(out, "invalid base64 data");
        return;
    }
    buf = scratch_get(MAX(len, d->len / 4 * 3 + 3));
    n = g_base64_decode_step(d->p, d->len, buf, &state, &save);
    /* Short data is zero-filled like "write"; extra data is ignored. */
    if (n < len) {
        memset(buf + n, 0, len - n);
    }
    machine_mem_write(current_machine, addr, buf, len);
    qtest_reply_ok(out);
}

static void cmd_memset(const QTestCommand *cmd, const QTestWord *a,
                       GString *out)
{
    uint64_t addr, len, pattern;
    uint8_t *p;

    if (!parse_range(a, true, &addr, &len, out) ||
        !parse_num(&a[2], &pattern, out)) {
        return;
    }
    if (len) {
        p = machine_ram_ptr(current_machine, addr, len);
        if (p) {
            memset(p, (uint8_t)pattern, len);
        } else {
            p = scratch_get(len);
            memset(p, (uint8_t)pattern, len);
            machine_mem_write(current_machine, addr, p, len);
        }
    }
    qtest_reply_ok(out);
}

static void cmd_endianness(const QTestCommand *cmd, const QTestWord *a,
                           GString *out)
{
    g_string_append(out, "OK little\n");
}

/* ---- the virtual clock (only with -accel qtest) ---- */

static void reply_clock(GString *out, bool ok, int64_t ns)
{
    g_string_append_printf(out, "%s %" G_GINT64_FORMAT "\n", ok ? "OK" : "FAIL",
                           ns);
}

/* Move virtual time forward to @target (never backwards); returns now. */
static int64_t clock_advance_to(int64_t target)
{
    if (target > qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL)) {
        qemu_clock_advance_virtual(target);
    }
    return qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
}

static void cmd_clock_step(const QTestCommand *cmd, const QTestWord *a,
                           GString *out)
{
    int64_t old_ns = qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL);
    int64_t target, ns;

    if (a[0].p) {
        if (!qtest_parse_i64(&a[0], &ns)) {
            qtest_reply_bad_number(out, &a[0]);
            return;
        }
        if (ns > 0 && old_ns > INT64_MAX - ns) {
            qtest_reply_fail(out, "could not advance time");
            return;
        }
        target = old_ns + ns;
    } else {
        target = qemu_clock_deadline_virtual();
        if (target < 0) {
            qtest_reply_fail(out, "cannot advance clock to the next deadline "
                                  "because there is no pending deadline");
            return;
        }
    }
    ns = clock_advance_to(target);
    reply_clock(out, ns > old_ns, ns);
}

static void cmd_clock_set(const QTestCommand *cmd, const QTestWord *a,
                          GString *out)
{
    int64_t ns, now;

    if (!qtest_parse_i64(&a[0], &ns)) {
        qtest_reply_bad_number(out, &a[0]);
        return;
    }
    now = clock_advance_to(ns);
    reply_clock(out, now == ns, now);
}

/* ---- modules ---- */

static void cmd_module_load(const QTestCommand *cmd, const QTestWord *a,
                            GString *out)
{
    /* Vigil is one binary without loadable modules. */
    g_string_append(out, "FAIL\n");
}

/* Sorted by name only for the reader; lookup compares lengths first. */
static const QTestCommand qtest_commands[] = {
    {"b64read", 2, 2, 0, false, cmd_b64read},
    {"b64write", 3, 3, 0, false, cmd_b64write},
    {"clock_set", 1, 1, 0, true, cmd_clock_set},
    {"clock_step", 0, 1, 0, true, cmd_clock_step},
    {"endianness", 0, 0, 0, false, cmd_endianness},
    {"inb", 1, 1, 1, false, cmd_in},
    {"inl", 1, 1, 4, false, cmd_in},
    {"inw", 1, 1, 2, false, cmd_in},
    {"irq_intercept_in", 1, 2, 0, false, qtest_cmd_irq_intercept},
    {"irq_intercept_out", 1, 2, 1, false, qtest_cmd_irq_intercept},
    {"memset", 3, 3, 0, false, cmd_memset},
    {"module_load", 2, 2, 0, false, cmd_module_load},
    {"outb", 2, 2, 1, false, cmd_out},
    {"outl", 2, 2, 4, false, cmd_out},
    {"outw", 2, 2, 2, false, cmd_out},
    {"read", 2, 2, 0, false, cmd_read},
    {"readb", 1, 1, 1, false, cmd_readn},
    {"readl", 1, 1, 4, false, cmd_readn},
    {"readq", 1, 1, 8, false, cmd_readn},
    {"readw", 1, 1, 2, false, cmd_readn},
    {"set_irq_in", 4, 4, 0, false, qtest_cmd_set_irq_in},
    {"write", 3, 3, 0, false, cmd_write},
    {"writeb", 2, 2, 1, false, cmd_writen},
    {"writel", 2, 2, 4, false, cmd_writen},
    {"writeq", 2, 2, 8, false, cmd_writen},
    {"writew", 2, 2, 2, false, cmd_writen},
};

static const QTestCommand *find_command(const QTestWord *name)
{
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(qtest_commands); i++) {
        const char *n = qtest_commands[i].name;

        if (name->len && n[0] == name->p[0] && strlen(n) == name->len &&
            memcmp(n, name->p, name->len) == 0) {
            return &qtest_commands[i];
        }
    }
    return NULL;
}

void qtest_dispatch(const QTestWord *w, unsigned nw, GString *out)
{
    /* Absent optional arguments read as {NULL, 0}. */
    QTestWord args[QTEST_MAX_WORDS] = {{NULL, 0}};
    const QTestCommand *cmd = find_command(&w[0]);
    unsigned nargs = nw - 1;

    if (!cmd || (cmd->accel_only && !qtest_enabled())) {
        g_string_append_printf(out, "FAIL Unknown command '%.*s'\n",
                               (int)MIN(w[0].len, (size_t)QTEST_ECHO_MAX),
                               w[0].p);
        return;
    }
    if (nargs < cmd->min_args || nargs > cmd->max_args) {
        qtest_reply_fail(out, "wrong number of arguments for '%s'", cmd->name);
        return;
    }
    memcpy(args, w + 1, nargs * sizeof(QTestWord));
    cmd->fn(cmd, args, out);
    if (scratch_cap > QTEST_SCRATCH_KEEP) {
        g_clear_pointer(&scratch, g_free);
        scratch_cap = 0;
    }
}
