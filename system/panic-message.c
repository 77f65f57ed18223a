/*
 * The kernel's own account of a panic, found in a console tail.
 *
 * Linux prints, for "echo c > /proc/sysrq-trigger" and most oopses:
 *   [   12.3] BUG: ... / Oops: ...
 *   [   12.3] RIP: 0010:sysrq_handle_crash+0x16/0x20
 *   [   12.3] Call Trace:
 *   [   12.3]  <TASK>
 *   [   12.3]  __handle_sysrq+0x...
 *   [   12.3]  </TASK>
 *   [   12.3] Kernel panic - not syncing: Fatal exception
 * (panic() itself prints its line first and its stack after it; an oops
 * prints RIP and trace before the panic it causes.)
 * Lines are matched by these fixed markers only (no regular
 * expressions): a console tail is untrusted guest output, so every step
 * is bounded by the text and by the limits below.
 */
#include <string.h>

#include "system/panic-record.h"

#define LINE_MAX_KEEP   512 /* bytes kept of one line */
#define TRACE_MAX_LINES 64

static const char panic_marker[] = "Kernel panic - not syncing: ";
static const char rip_marker[] = "RIP: ";
static const char kernel_rip[] = "RIP: 0010:";
static const char trace_marker[] = "Call Trace:";
static const char end_marker[] = "---[ end ";

/* Skip a printk timestamp "[ seconds.micros] " at the start of a line. */
static const char *strip_time(const char *p, const char *end)
{
    const char *q = p;

    if (q >= end || *q != '[') {
        return p;
    }
    for (q++; q < end && (*q == ' ' || *q == '.' || g_ascii_isdigit(*q)); q++) {
    }
    if (q < end && *q == ']') {
        q++;
        return (q < end && *q == ' ') ? q + 1 : q;
    }
    return p;
}

static char *line_dup(const char *p, const char *end)
{
    while (end > p && (end[-1] == '\r' || end[-1] == '\n')) {
        end--;
    }
    return g_strndup(p, MIN((size_t)(end - p), LINE_MAX_KEEP));
}

static const char *find_in(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);

    for (; (size_t)(end - p) >= n; p++) {
        if (memcmp(p, needle, n) == 0) {
            return p;
        }
    }
    return NULL;
}

typedef struct Line {
    const char *start; /* after the timestamp */
    const char *end;   /* before '\n' */
} Line;

static GArray *split_lines(const char *text, size_t len)
{
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(Line));
    const char *p = text, *end = text + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', end - p);
        Line l;

        if (!nl) {
            nl = end;
        }
        l.start = strip_time(p, nl);
        l.end = nl;
        g_array_append_val(lines, l);
        p = nl + 1;
    }
    return lines;
}

bool panic_message_extract(const char *text, size_t len, PanicMessage *out)
{
    g_autoptr(GArray) lines = split_lines(text, len);
    guint panic_at = lines->len, trace_at = lines->len;
    guint rip_at = lines->len, any_rip_at = lines->len;
    bool in_task = false;

    memset(out, 0, sizeof(*out));
    out->call_trace = g_ptr_array_new_with_free_func(g_free);
    /* The last panic line, not its "---[ end Kernel panic ..." echo. */
    for (guint i = lines->len; i-- > 0;) {
        Line *l = &g_array_index(lines, Line, i);
        const char *m = find_in(l->start, l->end, panic_marker);

        if (m && !find_in(l->start, m, end_marker)) {
            out->panic = line_dup(m, l->end);
            panic_at = i;
            break;
        }
    }
    /* The oops that led there (if any) printed its RIP before it. */
    for (guint i = 0; i < panic_at; i++) {
        Line *l = &g_array_index(lines, Line, i);

        if (find_in(l->start, l->end, kernel_rip)) {
            rip_at = i;
        } else if (find_in(l->start, l->end, rip_marker)) {
            any_rip_at = i;
        }
        if (find_in(l->start, l->end, trace_marker)) {
            trace_at = i;
        }
    }
    /* panic() prints its own stack after its line: that one first. */
    for (guint i = panic_at + 1; panic_at < lines->len && i < lines->len; i++) {
        Line *l = &g_array_index(lines, Line, i);

        if (find_in(l->start, l->end, trace_marker)) {
            trace_at = i;
            break;
        }
    }
    if (rip_at == lines->len) {
        rip_at = any_rip_at;
    }
    if (rip_at < lines->len) {
        Line *l = &g_array_index(lines, Line, rip_at);

        out->rip = line_dup(find_in(l->start, l->end, rip_marker), l->end);
    }
    /*
     * The trace: the indented lines that follow; between <TASK> and
     * </TASK> also the unindented register lines of a user-space entry
     * ("RIP: 0033:...").
     */
    for (guint i = trace_at + 1; trace_at < lines->len && i < lines->len &&
                                 out->call_trace->len < TRACE_MAX_LINES;
         i++) {
        Line *l = &g_array_index(lines, Line, i);
        const char *s = l->start;

        while (s < l->end && (*s == ' ' || *s == '\t')) {
            s++;
        }
        if (s == l->end || (s == l->start && !in_task)) {
            break; /* empty, or not indented: the block is over */
        }
        g_ptr_array_add(out->call_trace, line_dup(s, l->end));
        if (find_in(s, l->end, "</TASK>")) {
            break;
        }
        if (find_in(s, l->end, "<TASK>")) {
            in_task = true;
        }
    }
    return out->panic || out->rip || out->call_trace->len;
}

void panic_message_clear(PanicMessage *m)
{
    g_clear_pointer(&m->panic, g_free);
    g_clear_pointer(&m->rip, g_free);
    if (m->call_trace) {
        g_ptr_array_unref(m->call_trace);
        m->call_trace = NULL;
    }
}
