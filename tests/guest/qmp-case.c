/*
 * qmp-case: run VMM test cases and script their QMP sessions.
 *
 * Built statically by tests/guest/kit.py so that it runs unchanged inside
 * the nested L1 guest (a busybox initramfs) and on a host with hardware
 * KVM.  It is deliberately dumb: it starts the VMM, talks QMP, waits for
 * events, serial output and the exit status, and prints everything it sees
 * as line-oriented markers.  The exact JSON checks are done by the host side
 * (tests/functional/nested.py), which parses these markers.
 *
 * Usage: qmp-case CASEFILE
 *
 * Case file (one directive per line, '#' starts a comment line):
 *   case NAME          start a case
 *   arg TEXT           append one argv element (the rest of the line)
 *   qmp PATH           unix socket the VMM serves QMP on
 *   serial PATH        file the VMM writes the guest console to
 *   timeout SECONDS    limit for the whole case (default 120)
 *   trace EVENT...     record these tracefs events (e.g. kvm:kvm_exit
 *                      kvm:kvm_pio) in L1's kernel while the case runs
 *   step event NAME [TEXT]   wait for event NAME (line containing TEXT)
 *   step no-event NAME SECS  fail if event NAME arrives within SECS
 *   step send JSON           send a command, wait for its reply
 *   step serial N TEXT       wait until TEXT occurs N times in the console
 *   step exit N|any          wait for the VMM to exit (with status N)
 *   step sleep SECS
 *   step core PATH           read an ELF core (dump-guest-memory) and
 *                            print what it holds; then delete it
 *   step sh COMMAND          run COMMAND with /bin/sh (stderr joined to
 *                            stdout); fail unless it exits 0
 *   end                finish the case and run it
 *
 * Output markers (stdout, one per line; t = seconds since the VMM started,
 * CLOCK_MONOTONIC):
 *   CASE name START
 *   QMP name t=T <line received>      QMP> name t=T <line sent>
 *   STEP name t=T <step> ok|FAIL
 *   CASE name EXIT <status>|signal <n>|killed
 *   SERIAL name| <console line>       STDERR name| <VMM stdout/stderr line>
 *   CASE name KVMSTAT key=n ...       KVM debugfs counters over the case
 *   CASE name TRACE-T0 T              with "trace": the VMM's start on the
 *                                     trace clock (CLOCK_MONOTONIC)
 *   TRACE name| <tracefs line>        the recorded events, "mono" clock
 *   CASE name CORE key=v ...          the core of "step core": cpus, loads,
 *                                     bytes, vCPU 0's rip/cs/cr0/cr3, and
 *                                     how often "Linux version " occurs
 *   CASE name VMCOREINFO KEY=V ...    the core's VMCOREINFO note (the text
 *                                     the guest kernel wrote), its lines
 *                                     joined by spaces
 *   SH name| <line>                   what a "step sh" command printed
 *   CASE name RESULT PASS|FAIL <reason>
 * Exit status: 0 when every case passed, 1 otherwise.
 */
#define _GNU_SOURCE /* memmem */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "l1-probes.h"

#define MAX_ARGS   128
#define MAX_STEPS  64
#define MAX_LINE   4096
#define MAX_EVENTS 256

typedef struct Case {
    char name[128];
    char *argv[MAX_ARGS + 1];
    int argc;
    char qmp_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char serial_path[256];
    double timeout;
    char *steps[MAX_STEPS];
    int nsteps;
    char trace[512]; /* tracefs events to record, "" for none */
} Case;

typedef struct Run {
    const Case *c;
    double t0;
    double deadline;
    pid_t pid;
    int status; /* valid when exited */
    bool exited;
    int fd; /* QMP socket, -1 when closed */
    char buf[65536];
    size_t len;
    char *events[MAX_EVENTS]; /* event lines received, in order */
    int nevents;
    int cursor;   /* first event not yet consumed by a step */
    char *reply;  /* last reply line */
    bool greeted; /* the {"QMP": ...} greeting arrived */
    char fail[512];
} Run;

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double elapsed(Run *r)
{
    return now() - r->t0;
}

static void set_fail(Run *r, const char *fmt, ...)
{
    va_list ap;

    if (r->fail[0]) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(r->fail, sizeof(r->fail), fmt, ap);
    va_end(ap);
}

static void reap(Run *r)
{
    int st;

    if (!r->exited && r->pid > 0 && waitpid(r->pid, &st, WNOHANG) == r->pid) {
        r->exited = true;
        r->status = st;
    }
}

/* Read whatever the socket has; store complete lines.  Returns false once
 * the socket is closed. */
static bool pump(Run *r, int wait_ms)
{
    struct pollfd p = {.fd = r->fd, .events = POLLIN};
    ssize_t n;
    char *nl;

    reap(r);
    if (r->fd < 0) {
        if (wait_ms > 0) {
            usleep(wait_ms * 1000);
        }
        return false;
    }
    if (poll(&p, 1, wait_ms) <= 0) {
        return true;
    }
    n = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
    if (n <= 0) {
        printf("QMP %s t=%.3f <closed>\n", r->c->name, elapsed(r));
        fflush(stdout);
        close(r->fd);
        r->fd = -1;
        return false;
    }
    r->len += n;
    r->buf[r->len] = 0;
    while ((nl = strchr(r->buf, '\n'))) {
        size_t used = nl + 1 - r->buf;

        *nl = 0;
        if (nl > r->buf && nl[-1] == '\r') {
            nl[-1] = 0;
        }
        printf("QMP %s t=%.3f %s\n", r->c->name, elapsed(r), r->buf);
        fflush(stdout);
        if (!strncmp(r->buf, "{\"QMP\"", 6)) {
            r->greeted = true;
        } else if (!strncmp(r->buf, "{\"timestamp\"", 12)) {
            /* An event (QEMU's key order puts the timestamp first; a
             * reply may itself hold an "event" member). */
            if (r->nevents < MAX_EVENTS) {
                r->events[r->nevents++] = strdup(r->buf);
            }
        } else if (strstr(r->buf, "\"return\"") ||
                   strstr(r->buf, "\"error\"")) {
            free(r->reply);
            r->reply = strdup(r->buf);
        }
        /* clang-analyzer: memmove() into r->buf makes it forget what
         * r->events holds, and it then reports the strdup() above as
         * leaked; they are freed at the end of run_case(). */
        memmove(r->buf, r->buf + used, r->len - used + 1);
        r->len -= used; /* NOLINT(clang-analyzer-unix.Malloc) */
    }
    if (r->len == sizeof(r->buf) - 1) {
        r->len = 0; /* a line longer than the buffer: drop it */
    }
    return true;
}

/* The value of "event" in a QMP line, compared with @name. */
static bool event_is(const char *line, const char *name)
{
    const char *p = strstr(line, "\"event\"");
    size_t n = strlen(name);

    if (!p) {
        return false;
    }
    p = strchr(p + 7, '"');
    return p && !strncmp(p + 1, name, n) && p[1 + n] == '"';
}

static int find_event(Run *r, const char *name, const char *text)
{
    for (int i = r->cursor; i < r->nevents; i++) {
        if (event_is(r->events[i], name) &&
            (!text || strstr(r->events[i], text))) {
            return i;
        }
    }
    return -1;
}

static void send_line(Run *r, const char *json)
{
    char line[MAX_LINE + 2];
    int len = snprintf(line, sizeof(line), "%s\n", json);

    printf("QMP> %s t=%.3f %s\n", r->c->name, elapsed(r), json);
    fflush(stdout);
    /* One write: the VMM may close the socket as soon as it has the line. */
    if (r->fd >= 0 && write(r->fd, line, len) != len) {
        set_fail(r, "write to QMP socket: %s", strerror(errno));
    }
}

static bool wait_reply(Run *r)
{
    free(r->reply);
    r->reply = NULL;
    while (!r->reply) {
        if (now() > r->deadline) {
            set_fail(r, "timeout waiting for a QMP reply");
            return false;
        }
        if (!pump(r, 100) && !r->reply) {
            set_fail(r, "QMP closed before the reply");
            return false;
        }
    }
    return true;
}

static int count_in_file(const char *path, const char *text)
{
    static char data[1 << 20];
    int fd = open(path, O_RDONLY);
    ssize_t n;
    int count = 0;

    if (fd < 0) {
        return 0;
    }
    n = read(fd, data, sizeof(data) - 1);
    close(fd);
    if (n <= 0) {
        return 0;
    }
    data[n] = 0;
    /* The guest console may contain NUL bytes; search past them. */
    for (ssize_t i = 0; i < n; i++) {
        if (!data[i]) {
            data[i] = ' ';
        }
    }
    for (char *p = data; (p = strstr(p, text)); p += strlen(text)) {
        count++;
    }
    return count;
}

static bool connect_qmp(Run *r)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};

    memcpy(a.sun_path, r->c->qmp_path, sizeof(a.sun_path));
    while (now() < r->deadline) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
            r->fd = fd;
            printf("QMP %s t=%.3f <connected>\n", r->c->name, elapsed(r));
            fflush(stdout);
            /* As QMP clients do, negotiate only after the greeting. */
            while (!r->greeted) {
                if (now() > r->deadline || !pump(r, 100)) {
                    set_fail(r, "no QMP greeting");
                    return false;
                }
            }
            send_line(r, "{\"execute\": \"qmp_capabilities\"}");
            return wait_reply(r);
        }
        close(fd);
        reap(r);
        if (r->exited) {
            set_fail(r, "VMM exited before QMP was reachable");
            return false;
        }
        usleep(20000);
    }
    set_fail(r, "timeout connecting to %s", r->c->qmp_path);
    return false;
}

static bool step_event(Run *r, const char *name, const char *text)
{
    int i;

    while ((i = find_event(r, name, text)) < 0) {
        if (now() > r->deadline) {
            set_fail(r, "timeout waiting for event %s", name);
            return false;
        }
        if (!pump(r, 100) && find_event(r, name, text) < 0) {
            set_fail(r, "QMP closed before event %s", name);
            return false;
        }
    }
    r->cursor = i + 1;
    return true;
}

static bool step_no_event(Run *r, const char *name, double secs)
{
    double end = now() + secs;

    while (now() < end) {
        if (find_event(r, name, NULL) >= 0) {
            set_fail(r, "unexpected event %s", name);
            return false;
        }
        if (!pump(r, 100) && r->exited) {
            break;
        }
    }
    return find_event(r, name, NULL) < 0;
}

static bool step_serial(Run *r, int n, const char *text)
{
    while (count_in_file(r->c->serial_path, text) < n) {
        if (now() > r->deadline) {
            set_fail(r, "timeout waiting for console text '%s' x%d", text, n);
            return false;
        }
        pump(r, 100);
        if (r->exited && count_in_file(r->c->serial_path, text) < n) {
            set_fail(r, "VMM exited before console text '%s'", text);
            return false;
        }
    }
    return true;
}

static bool step_exit(Run *r, const char *want)
{
    while (!r->exited) {
        if (now() > r->deadline) {
            set_fail(r, "timeout waiting for the VMM to exit");
            return false;
        }
        pump(r, 100);
    }
    while (pump(r, 0)) {
        /* drain what the VMM wrote before it exited */
    }
    if (!WIFEXITED(r->status)) {
        set_fail(r, "VMM killed by signal %d", WTERMSIG(r->status));
        return false;
    }
    if (strcmp(want, "any") && WEXITSTATUS(r->status) != atoi(want)) {
        set_fail(r, "VMM exit status %d, expected %s", WEXITSTATUS(r->status),
                 want);
        return false;
    }
    return true;
}

/* Print a "VMCOREINFO" note's text (KEY=VALUE lines) as one marker line:
 * newlines become spaces, anything unprintable '?', it ends at a NUL. */
static void print_vmcoreinfo(Run *r, const uint8_t *desc, uint32_t len)
{
    printf("CASE %s VMCOREINFO", r->c->name);
    putchar(' ');
    for (uint32_t i = 0; i < len && desc[i]; i++) {
        int ch = desc[i];

        putchar(ch == '\n' ? ' ' : (ch > ' ' && ch < 127) ? ch : '?');
    }
    putchar('\n');
    fflush(stdout);
}

/*
 * The ELF core dump-guest-memory wrote: its program headers, its notes
 * (NT_PRSTATUS per vCPU, then QEMU's CPU state per vCPU, the guest's
 * VMCOREINFO when the VMM has one), and how often the kernel banner occurs
 * in the memory.  Printed as marker lines; the host side judges the values.
 */
static bool step_core(Run *r, const char *path)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    const uint8_t *d;
    const Elf64_Ehdr *eh;
    uint64_t bytes = 0, rip = 0, cs = 0, cr0 = 0, cr3 = 0;
    int cpus = 0, loads = 0, banners = 0, vmcoreinfo = 0;
    const char banner[] = "Linux version ";

    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(*eh)) {
        set_fail(r, "core %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    d = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (d == MAP_FAILED) {
        set_fail(r, "core %s: mmap: %s", path, strerror(errno));
        return false;
    }
    eh = (const Elf64_Ehdr *)d;
    for (int i = 0;
         i < eh->e_phnum &&
         eh->e_phoff + (i + 1) * sizeof(Elf64_Phdr) <= (uint64_t)st.st_size;
         i++) {
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(d + eh->e_phoff) + i;

        if (ph->p_offset + ph->p_filesz > (uint64_t)st.st_size) {
            continue;
        }
        if (ph->p_type == PT_LOAD) {
            const uint8_t *p = d + ph->p_offset, *end = p + ph->p_filesz;

            loads++;
            bytes += ph->p_filesz;
            while ((p = memmem(p, end - p, banner, sizeof(banner) - 1))) {
                banners++;
                p++;
            }
        } else if (ph->p_type == PT_NOTE) {
            uint64_t off = ph->p_offset, stop = off + ph->p_filesz;

            while (off + sizeof(Elf64_Nhdr) <= stop) {
                const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(d + off);
                const char *nname = (const char *)(d + off + sizeof(*nh));
                const uint8_t *desc =
                    d + off + sizeof(*nh) + ((nh->n_namesz + 3) & ~3u);

                if (nh->n_namesz == sizeof("VMCOREINFO") &&
                    desc + nh->n_descsz <= d + stop &&
                    !memcmp(nname, "VMCOREINFO", sizeof("VMCOREINFO"))) {
                    vmcoreinfo = nh->n_descsz;
                    print_vmcoreinfo(r, desc, nh->n_descsz);
                } else if (nh->n_type == NT_PRSTATUS && nh->n_descsz >= 336) {
                    if (cpus++ == 0) {
                        /* user_regs_struct at 112: rip is reg 16, cs 17 */
                        memcpy(&rip, desc + 112 + 16 * 8, 8);
                        memcpy(&cs, desc + 112 + 17 * 8, 8);
                    }
                } else if (nh->n_type == 0 && nh->n_descsz >= 440 && cr0 == 0) {
                    /* QEMUCPUState: 8 + 18 regs + 10 segments, then cr[] */
                    memcpy(&cr0, desc + 8 + 18 * 8 + 10 * 24, 8);
                    memcpy(&cr3, desc + 8 + 18 * 8 + 10 * 24 + 3 * 8, 8);
                }
                off += sizeof(*nh) + ((nh->n_namesz + 3) & ~3u) +
                       ((nh->n_descsz + 3) & ~3u);
            }
        }
    }
    printf("CASE %s CORE class=%d cpus=%d loads=%d bytes=%" PRIu64
           " rip=0x%" PRIx64 " cs=0x%" PRIx64 " cr0=0x%" PRIx64
           " cr3=0x%" PRIx64 " banner=%d vmcoreinfo=%d\n",
           r->c->name, d[EI_CLASS], cpus, loads, bytes, rip, cs, cr0, cr3,
           banners, vmcoreinfo);
    fflush(stdout);
    munmap((void *)d, st.st_size);
    unlink(path); /* L1's memory is the disk */
    return true;
}

/* A host-side (or L1-side) tool run on what the case left behind. */
static bool step_sh(Run *r, const char *cmd)
{
    char *full = NULL, line[MAX_LINE], last[256] = "";
    FILE *f;
    int st;

    if (asprintf(&full, "(%s) 2>&1", cmd) < 0) {
        set_fail(r, "sh: out of memory");
        return false;
    }
    f = popen(full, "r");
    free(full);
    if (!f) {
        set_fail(r, "sh: %s", strerror(errno));
        return false;
    }
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        printf("SH %s| %s\n", r->c->name, line);
        snprintf(last, sizeof(last), "%.255s", line);
    }
    fflush(stdout);
    st = pclose(f);
    if (st != 0) {
        set_fail(r, "sh '%s': status %d: %s", cmd, st, last);
        return false;
    }
    return true;
}

static bool run_step(Run *r, char *step)
{
    char *verb = step, *rest = strchr(step, ' ');
    char *arg2;

    if (rest) {
        *rest++ = 0;
    } else {
        rest = step + strlen(step);
    }
    arg2 = strchr(rest, ' ');
    if (!strcmp(verb, "event")) {
        char name[128];

        snprintf(name, sizeof(name), "%.*s",
                 arg2 ? (int)(arg2 - rest) : (int)strlen(rest), rest);
        return step_event(r, name, arg2 ? arg2 + 1 : NULL);
    } else if (!strcmp(verb, "no-event") && arg2) {
        *arg2 = 0;
        return step_no_event(r, rest, atof(arg2 + 1));
    } else if (!strcmp(verb, "send")) {
        send_line(r, rest);
        return wait_reply(r);
    } else if (!strcmp(verb, "serial") && arg2) {
        return step_serial(r, atoi(rest), arg2 + 1);
    } else if (!strcmp(verb, "exit")) {
        return step_exit(r, rest);
    } else if (!strcmp(verb, "core")) {
        return step_core(r, rest);
    } else if (!strcmp(verb, "sh")) {
        return step_sh(r, rest);
    } else if (!strcmp(verb, "sleep")) {
        double end = now() + atof(rest);

        while (now() < end) {
            pump(r, 50);
        }
        return true;
    }
    set_fail(r, "bad step '%s %s'", verb, rest);
    return false;
}

static pid_t spawn(const Case *c, const char *out_path)
{
    pid_t pid = fork();

    if (pid == 0) {
        int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(c->argv[0], c->argv);
        fprintf(stderr, "qmp-case: exec %s: %s\n", c->argv[0], strerror(errno));
        _exit(127);
    }
    return pid;
}

static void stop_vmm(Run *r)
{
    double end;

    reap(r);
    if (r->exited || r->pid <= 0) {
        return;
    }
    kill(r->pid, SIGTERM);
    end = now() + 10;
    while (!r->exited && now() < end) {
        pump(r, 50);
    }
    if (!r->exited) {
        kill(r->pid, SIGKILL);
        waitpid(r->pid, &r->status, 0);
        r->exited = true;
        r->status = -1;
    }
}

static bool run_case(const Case *c)
{
    static KvmStats stats[2];
    Run r = {.c = c, .fd = -1, .pid = -1};
    char out_path[300];
    bool ok = true;

    snprintf(out_path, sizeof(out_path), "%s.vmm-out", c->serial_path);
    unlink(c->qmp_path);
    unlink(c->serial_path);
    printf("CASE %s START\n", c->name);
    fflush(stdout);
    kvm_stats_read(&stats[0]);
    stats[1].n = 0;
    if (c->trace[0]) {
        trace_start(c->name, c->trace);
    }
    r.t0 = now();
    if (c->trace[0]) {
        printf("CASE %s TRACE-T0 %.6f\n", c->name, r.t0);
    }
    r.deadline = r.t0 + c->timeout;
    r.pid = spawn(c, out_path);
    if (r.pid < 0) {
        set_fail(&r, "fork: %s", strerror(errno));
    } else if (connect_qmp(&r)) {
        for (int i = 0; i < c->nsteps; i++) {
            char step[MAX_LINE];

            snprintf(step, sizeof(step), "%s", c->steps[i]);
            ok = run_step(&r, step);
            kvm_stats_sample(&stats[1]);
            printf("STEP %s t=%.3f %s %s\n", c->name, elapsed(&r), c->steps[i],
                   ok ? "ok" : "FAIL");
            fflush(stdout);
            if (!ok) {
                break;
            }
        }
    }
    kvm_stats_sample(&stats[1]);
    stop_vmm(&r);
    if (r.status == -1) {
        printf("CASE %s EXIT killed\n", c->name);
    } else if (WIFSIGNALED(r.status)) {
        printf("CASE %s EXIT signal %d\n", c->name, WTERMSIG(r.status));
    } else {
        printf("CASE %s EXIT %d\n", c->name, WEXITSTATUS(r.status));
    }
    if (r.fd >= 0) {
        close(r.fd);
    }
    dump_file(c->serial_path, "SERIAL", c->name);
    dump_file(out_path, "STDERR", c->name);
    if (c->trace[0]) {
        trace_stop(c->name);
    }
    kvm_stats_print(c->name, &stats[0], &stats[1]);
    printf("CASE %s TIME %.3f\n", c->name, elapsed(&r));
    if (r.fail[0]) {
        printf("CASE %s RESULT FAIL %s\n", c->name, r.fail);
    } else {
        printf("CASE %s RESULT PASS\n", c->name);
    }
    fflush(stdout);
    for (int i = 0; i < r.nevents; i++) {
        free(r.events[i]);
    }
    free(r.reply);
    return !r.fail[0];
}

static void case_free(Case *c)
{
    for (int i = 0; i < c->argc; i++) {
        free(c->argv[i]);
    }
    for (int i = 0; i < c->nsteps; i++) {
        free(c->steps[i]);
    }
}

int main(int argc, char **argv)
{
    FILE *f;
    char line[MAX_LINE];
    Case c;
    bool in_case = false;
    int failed = 0, total = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: qmp-case CASEFILE\n");
        return 2;
    }
    f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    while (fgets(line, sizeof(line), f)) {
        size_t n = strlen(line);
        char *val;

        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = 0;
        }
        if (!n || line[0] == '#') {
            continue;
        }
        val = strchr(line, ' ');
        val = val ? (*val = 0, val + 1) : line + n;
        if (!strcmp(line, "case")) {
            memset(&c, 0, sizeof(c));
            snprintf(c.name, sizeof(c.name), "%s", val);
            c.timeout = 120;
            in_case = true;
        } else if (!in_case) {
            fprintf(stderr, "qmp-case: '%s' outside a case\n", line);
            return 2;
        } else if (!strcmp(line, "arg") && c.argc < MAX_ARGS) {
            c.argv[c.argc++] = strdup(val);
        } else if (!strcmp(line, "qmp")) {
            snprintf(c.qmp_path, sizeof(c.qmp_path), "%s", val);
        } else if (!strcmp(line, "serial")) {
            snprintf(c.serial_path, sizeof(c.serial_path), "%s", val);
        } else if (!strcmp(line, "timeout")) {
            c.timeout = atof(val);
        } else if (!strcmp(line, "trace")) {
            snprintf(c.trace, sizeof(c.trace), "%s", val);
        } else if (!strcmp(line, "step") && c.nsteps < MAX_STEPS) {
            c.steps[c.nsteps++] = strdup(val);
        } else if (!strcmp(line, "end")) {
            total++;
            failed += !run_case(&c);
            case_free(&c);
            in_case = false;
        } else {
            fprintf(stderr, "qmp-case: bad directive '%s'\n", line);
            return 2;
        }
    }
    fclose(f);
    if (in_case) {
        case_free(&c); /* a last case without "end" is not run */
    }
    printf("CASES total=%d failed=%d\n", total, failed);
    return failed ? 1 : 0;
}
