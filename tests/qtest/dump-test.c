/*
 * dump-guest-memory through the qtest accelerator: the ELF core's
 * layout and contents, the address filter, QEMU's errors, and the order
 * of STOP / DUMP_COMPLETED / RESUME and the reply, with and without
 * "detach" (docs/specs/qmp.rst); each kdump-compressed format, read back
 * by tests/unit/kdump-reader.c and compared with the ELF core of the
 * same memory.  The vCPU notes need real vCPUs and are checked by
 * tests/functional/tiny (case "dump").  With QTEST_QEMU_BINARY set to
 * Debian's QEMU 7.2 and LIBQTEST_QEMU72=1 (the "dump-test-qemu-7.2"
 * test), the kdump case reads QEMU's own files the same way.
 */
#include "libqtest.h"
#include "../unit/kdump-reader.h"

#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RAM (16u << 20)

typedef struct Core {
    gchar *data;
    gsize len;
    const Elf64_Phdr *ph;
    unsigned phnum;
} Core;

static char *dump_path(const char *tag)
{
    return g_strdup_printf("%s/dump-test-%d-%s.core", g_get_tmp_dir(), getpid(),
                           tag);
}

static void core_load(Core *c, const char *path)
{
    const Elf64_Ehdr *eh;

    g_assert_true(g_file_get_contents(path, &c->data, &c->len, NULL));
    g_assert_cmpuint(c->len, >=, sizeof(Elf64_Ehdr));
    eh = (const Elf64_Ehdr *)c->data;
    g_assert_cmpmem(eh->e_ident, SELFMAG, ELFMAG, SELFMAG);
    g_assert_cmpuint(eh->e_ident[EI_CLASS], ==, ELFCLASS64);
    g_assert_cmpuint(eh->e_ident[EI_DATA], ==, ELFDATA2LSB);
    g_assert_cmpuint(eh->e_type, ==, ET_CORE);
    g_assert_cmpuint(eh->e_machine, ==, EM_X86_64);
    g_assert_cmpuint(eh->e_phentsize, ==, sizeof(Elf64_Phdr));
    g_assert_cmpuint(eh->e_phoff + eh->e_phnum * sizeof(Elf64_Phdr), <=,
                     c->len);
    c->ph = (const Elf64_Phdr *)(c->data + eh->e_phoff);
    c->phnum = eh->e_phnum;
    g_assert_cmpuint(c->phnum, >=, 1);
    g_assert_cmpuint(c->ph[0].p_type, ==, PT_NOTE);
}

/* The file bytes of guest-physical @gpa, which must be dumped. */
static const uint8_t *core_at(const Core *c, uint64_t gpa, size_t n)
{
    for (unsigned i = 1; i < c->phnum; i++) {
        const Elf64_Phdr *p = &c->ph[i];

        if (p->p_type == PT_LOAD && gpa >= p->p_paddr &&
            gpa + n <= p->p_paddr + p->p_filesz) {
            g_assert_cmpuint(p->p_offset + p->p_filesz, <=, c->len);
            return (const uint8_t *)c->data + p->p_offset + (gpa - p->p_paddr);
        }
    }
    g_error("GPA 0x%" PRIx64 " is not in the core", gpa);
}

static void assert_error(json_t *r, const char *desc)
{
    json_t *err = json_object_get(r, "error");

    g_assert_nonnull(err);
    g_assert_cmpstr(json_string_value(json_object_get(err, "class")), ==,
                    "GenericError");
    g_assert_cmpstr(json_string_value(json_object_get(err, "desc")), ==, desc);
    json_decref(r);
}

static void assert_return(json_t *r)
{
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
}

/* DUMP_COMPLETED's data must be exactly this result (and error). */
static void assert_completed(QTestState *s, const char *status,
                             uint64_t completed, uint64_t total,
                             const char *error)
{
    json_t *ev = qtest_qmp_eventwait(s, "DUMP_COMPLETED");
    json_t *want =
        json_pack("{s:{s:s,s:I,s:I}}", "result", "status", status, "completed",
                  (json_int_t)completed, "total", (json_int_t)total);

    if (error) {
        json_object_set_new(want, "error", json_string(error));
    }
    g_assert_nonnull(ev);
    g_assert_true(json_equal(json_object_get(ev, "data"), want));
    json_decref(want);
    json_decref(ev);
}

static void assert_query_dump(QTestState *s, const char *status,
                              uint64_t completed, uint64_t total)
{
    json_t *r = qtest_qmp(s, "{\"execute\": \"query-dump\"}");
    json_t *want = json_pack("{s:s,s:I,s:I}", "status", status, "completed",
                             (json_int_t)completed, "total", (json_int_t)total);

    g_assert_true(json_equal(json_object_get(r, "return"), want));
    json_decref(want);
    json_decref(r);
}

static json_t *dump(QTestState *s, const char *path, const char *extra)
{
    return qtest_qmp(s,
                     "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                     "{\"paging\": false, \"protocol\": \"file:%s\"%s}}",
                     path, extra);
}

/* Whole RAM, paused before start: no STOP/RESUME, contents as written. */
static void test_elf(void)
{
    g_autofree char *path = dump_path("elf");
    QTestState *s = qtest_init("-m 16 -S");
    Core c = {0};
    struct stat st;
    json_t *r;

    r = qtest_qmp(s, "{\"execute\": \"query-dump-guest-memory-capability\"}");
    g_assert_cmpstr(
        json_string_value(json_array_get(
            json_object_get(json_object_get(r, "return"), "formats"), 0)),
        ==, "elf");
    json_decref(r);
    assert_query_dump(s, "none", 0, 0);

    qtest_writeq(s, 0x1000, 0x0123456789abcdefULL);
    qtest_writeq(s, RAM - 8, 0xfeedfacecafebeefULL);
    assert_return(dump(s, path, ""));
    assert_completed(s, "completed", RAM, RAM, NULL);
    assert_query_dump(s, "completed", RAM, RAM);
    g_assert_cmpuint(qtest_qmp_stashed(s, "STOP"), ==, 0);
    g_assert_cmpuint(qtest_qmp_stashed(s, "RESUME"), ==, 0);
    g_free(qtest_query_status(s, NULL));

    g_assert_cmpint(stat(path, &st), ==, 0);
    g_assert_cmpuint(st.st_mode & 0777, ==, 0400); /* as QEMU creates it */
    core_load(&c, path);
    g_assert_cmpuint(c.phnum, ==, 2);
    g_assert_cmpuint(c.ph[0].p_filesz, ==, 0); /* qtest: no vCPU notes */
    g_assert_cmpuint(c.ph[1].p_type, ==, PT_LOAD);
    g_assert_cmpuint(c.ph[1].p_paddr, ==, 0);
    g_assert_cmpuint(c.ph[1].p_vaddr, ==, 0);
    g_assert_cmpuint(c.ph[1].p_filesz, ==, RAM);
    g_assert_cmpuint(c.ph[1].p_memsz, ==, RAM);
    g_assert_cmpuint(c.len, ==, c.ph[1].p_offset + RAM);
    g_assert_cmpuint(*(const uint64_t *)core_at(&c, 0x1000, 8), ==,
                     0x0123456789abcdefULL);
    g_assert_cmpuint(*(const uint64_t *)core_at(&c, RAM - 8, 8), ==,
                     0xfeedfacecafebeefULL);
    g_free(c.data);
    unlink(path);

    /* The guest is untouched: qtest and the run state still work. */
    g_assert_cmpuint(qtest_readq(s, 0x1000), ==, 0x0123456789abcdefULL);
    qtest_quit_ok(s);
}

/* begin/length clip the memory; out-of-range filters are errors. */
static void test_filter(void)
{
    g_autofree char *path = dump_path("filter");
    QTestState *s = qtest_init("-m 16 -S");
    Core c = {0};

    qtest_writel(s, 0x2000, 0xa5a5a5a5);
    assert_return(dump(s, path, ", \"begin\": 8192, \"length\": 4096"));
    assert_completed(s, "completed", 4096, 4096, NULL);
    core_load(&c, path);
    g_assert_cmpuint(c.phnum, ==, 2);
    g_assert_cmpuint(c.ph[1].p_paddr, ==, 0x2000);
    g_assert_cmpuint(c.ph[1].p_filesz, ==, 4096);
    g_assert_cmpuint(*(const uint32_t *)core_at(&c, 0x2000, 4), ==, 0xa5a5a5a5);
    g_free(c.data);
    unlink(path);

    /* A length past the end (and past 2^64) stops at the end of RAM. */
    assert_return(
        dump(s, path, ", \"begin\": 4096, \"length\": 9223372036854775807"));
    assert_completed(s, "completed", RAM - 4096, RAM - 4096, NULL);
    unlink(path);

    /* Nothing is created for a filter that selects nothing. */
    assert_error(dump(s, path, ", \"begin\": 1099511627776, \"length\": 4096"),
                 "dump: no guest memory to dump");
    assert_error(dump(s, path, ", \"begin\": -1, \"length\": 4096"),
                 "Invalid parameter 'begin'");
    assert_error(dump(s, path, ", \"begin\": 0, \"length\": 0"),
                 "Invalid parameter 'length'");
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    /* As QEMU: the filter is judged once the dump has begun. */
    assert_query_dump(s, "failed", 0, 0);
    qtest_quit_ok(s);
}

/* QEMU's messages; none of these creates a file or emits an event. */
static void test_errors(void)
{
    g_autofree char *path = dump_path("errors");
    QTestState *s = qtest_init("-m 16");
    static const struct {
        const char *args;
        const char *desc;
    } cases[] = {
        {"{\"paging\": false, \"protocol\": \"tcp:x\"}",
         "Invalid parameter 'protocol'"},
        {"{\"paging\": false, \"protocol\": \"fd:dumpfd\"}",
         "File descriptor named 'dumpfd' has not been found"},
        {"{\"paging\": false, \"protocol\": \"file:/nonexistent/dir/core\"}",
         "Could not open '/nonexistent/dir/core': No such file or directory"},
        {"{\"paging\": false, \"protocol\": \"file:%s\", \"begin\": 0}",
         "Parameter 'length' is missing"},
        {"{\"paging\": false, \"protocol\": \"file:%s\", \"length\": 4}",
         "Parameter 'begin' is missing"},
        {"{\"paging\": false, \"protocol\": \"file:%s\", "
         "\"format\": \"win-dmp\"}",
         "win-dmp is not available now"},
        {"{\"paging\": true, \"protocol\": \"file:%s\", "
         "\"format\": \"kdump-zlib\"}",
         "kdump-compressed format doesn't support paging or filter"},
        {"{\"paging\": false, \"protocol\": \"file:%s\", "
         "\"format\": \"bogus\"}",
         "Parameter 'format' does not accept value 'bogus'"},
        {"{\"protocol\": \"file:%s\"}", "Parameter 'paging' is missing"},
        {"{\"paging\": true, \"protocol\": \"file:%s\"}",
         "paging is not available now: Vigil writes guest-physical dumps "
         "only (paging=false)"},
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *args = g_strdup_printf(cases[i].args, path);

        assert_error(qtest_qmp(s,
                               "{\"execute\": \"dump-guest-memory\", "
                               "\"arguments\": %s}",
                               args),
                     cases[i].desc);
        g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    }
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);
    assert_query_dump(s, "none", 0, 0);
    qtest_quit_ok(s);
}

/* Names of the events before the reply to what was just sent. */
static char *events_then_reply(QTestState *s, json_t **reply)
{
    GString *names = g_string_new(NULL);

    for (;;) {
        json_t *m = qtest_qmp_receive(s);

        g_assert_nonnull(m);
        if (!json_object_get(m, "event")) {
            *reply = m;
            return g_string_free(names, false);
        }
        g_string_append_printf(names, "%s ",
                               json_string_value(json_object_get(m, "event")));
        json_decref(m);
    }
}

/*
 * A running VM is stopped around the dump: STOP, DUMP_COMPLETED, RESUME,
 * then the reply; with "detach" the reply comes right after STOP and
 * query-dump says "active" until the dump ran.
 */
static void test_running(void)
{
    g_autofree char *path = dump_path("running");
    g_autofree char *second = g_strconcat(path, ".2", NULL);
    QTestState *s = qtest_init("-m 16");
    g_autofree char *order = NULL;
    g_autofree char *later = NULL;
    json_t *r;

    qtest_qmp_send(s,
                   "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                   "{\"paging\": false, \"protocol\": \"file:%s\"}}",
                   path);
    order = events_then_reply(s, &r);
    g_assert_cmpstr(order, ==, "STOP DUMP_COMPLETED RESUME ");
    assert_return(r);

    /* One write: the second dump and query-dump run before the first. */
    qtest_qmp_send(s,
                   "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                   "{\"paging\": false, \"protocol\": \"file:%s\", "
                   "\"detach\": true}}\n"
                   "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                   "{\"paging\": false, \"protocol\": \"file:%s\"}}\n"
                   "{\"execute\": \"query-dump\"}",
                   path, second);
    g_free(order);
    order = events_then_reply(s, &r);
    g_assert_cmpstr(order, ==, "STOP ");
    assert_return(r);
    later = events_then_reply(s, &r);
    g_assert_cmpstr(later, ==, "");
    assert_error(r, "There is a dump in process, please wait.");
    g_free(later);
    later = events_then_reply(s, &r);
    g_assert_cmpstr(later, ==, "");
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(r, "return"), "status")),
                    ==, "active");
    json_decref(r);
    assert_completed(s, "completed", RAM, RAM, NULL);
    json_decref(qtest_qmp_eventwait(s, "RESUME"));
    assert_query_dump(s, "completed", RAM, RAM);
    /* The refused second dump created nothing. */
    g_assert_true(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(second, G_FILE_TEST_EXISTS));
    {
        bool running;
        g_autofree char *st = qtest_query_status(s, &running);

        g_assert_cmpstr(st, ==, "running");
    }
    unlink(path);
    qtest_quit_ok(s);
}

/*
 * libvirt's coredump flow: getfd with the file passed over SCM_RIGHTS,
 * then {"paging": false, "protocol": "fd:dump", "detach": true}.  The
 * reply comes at once (after STOP: the VM is in "save-vm" while the
 * thread writes), a second dump and "cont" are refused meanwhile, then
 * DUMP_COMPLETED with total == completed == RAM and RESUME; the file is
 * an ELF core whose PT_LOAD covers all of RAM.  The name is used up.
 */
static void test_fd_detach(void)
{
    g_autofree char *path = dump_path("fd");
    QTestState *s = qtest_init("-m 64");
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    g_autofree char *order = NULL;
    g_autofree char *later = NULL;
    const uint64_t ram = 64u << 20;
    Core c = {0};
    json_t *r;

    g_assert_cmpint(fd, >=, 0);
    qtest_writeq(s, ram - 8, 0x1122334455667788ULL);
    assert_return(qtest_qmp_fds(s, &fd, 1,
                                "{\"execute\": \"getfd\", \"arguments\": "
                                "{\"fdname\": \"dump\"}}"));
    close(fd);

    /* One write: all four are answered before the main loop sees the
     * writer finish, so the refusals do not depend on timing. */
    qtest_qmp_send(s,
                   "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                   "{\"paging\": false, \"protocol\": \"fd:dump\", "
                   "\"detach\": true}}\n"
                   "{\"execute\": \"query-status\"}\n"
                   "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                   "{\"paging\": false, \"protocol\": \"file:%s.2\"}}\n"
                   "{\"execute\": \"cont\"}",
                   path);
    order = events_then_reply(s, &r);
    g_assert_cmpstr(order, ==, "STOP ");
    assert_return(r);
    later = events_then_reply(s, &r);
    g_assert_cmpstr(later, ==, "");
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(r, "return"), "status")),
                    ==, "save-vm");
    json_decref(r);
    g_free(later);
    later = events_then_reply(s, &r);
    assert_error(r, "There is a dump in process, please wait.");
    g_free(later);
    later = events_then_reply(s, &r);
    g_assert_cmpstr(later, ==, "");
    assert_error(r, "There is a dump in process, please wait.");

    assert_completed(s, "completed", ram, ram, NULL);
    json_decref(qtest_qmp_eventwait(s, "RESUME"));
    assert_query_dump(s, "completed", ram, ram);
    {
        g_autofree char *st = qtest_query_status(s, NULL);

        g_assert_cmpstr(st, ==, "running");
    }
    /* getfd's fd went to the dump. */
    assert_error(qtest_qmp(s, "{\"execute\": \"dump-guest-memory\", "
                              "\"arguments\": {\"paging\": false, "
                              "\"protocol\": \"fd:dump\", \"detach\": true}}"),
                 "File descriptor named 'dump' has not been found");

    core_load(&c, path);
    g_assert_cmpuint(c.phnum, ==, 2);
    g_assert_cmpuint(c.ph[1].p_type, ==, PT_LOAD);
    g_assert_cmpuint(c.ph[1].p_paddr, ==, 0);
    g_assert_cmpuint(c.ph[1].p_filesz, ==, ram);
    g_assert_cmpuint(c.len, ==, c.ph[1].p_offset + ram);
    g_assert_cmpuint(*(const uint64_t *)core_at(&c, ram - 8, 8), ==,
                     0x1122334455667788ULL);
    g_free(c.data);
    unlink(path);
    qtest_quit_ok(s);
}

/*
 * A detached dump into a pipe nobody reads: query-dump shows it active,
 * and SIGTERM still ends Vigil promptly (the writer is cancelled).
 */
static void test_detach_stalled_exit(void)
{
    QTestState *s = qtest_init("-m 16 -S");
    int pipefd[2];
    json_t *r;

    g_assert_cmpint(pipe2(pipefd, O_CLOEXEC), ==, 0);
    assert_return(qtest_qmp_fds(s, &pipefd[1], 1,
                                "{\"execute\": \"getfd\", \"arguments\": "
                                "{\"fdname\": \"p\"}}"));
    close(pipefd[1]);
    assert_return(qtest_qmp(s, "{\"execute\": \"dump-guest-memory\", "
                               "\"arguments\": {\"paging\": false, "
                               "\"protocol\": \"fd:p\", \"detach\": true}}"));
    g_usleep(100 * 1000);
    r = qtest_qmp(s, "{\"execute\": \"query-dump\"}");
    g_assert_cmpstr(json_string_value(json_object_get(
                        json_object_get(r, "return"), "status")),
                    ==, "active");
    g_assert_cmpint(json_integer_value(
                        json_object_get(json_object_get(r, "return"), "total")),
                    ==, RAM);
    json_decref(r);
    /* The monitor is not blocked by the stalled writer. */
    g_free(qtest_query_status(s, NULL));
    qtest_quit_ok(s);
    close(pipefd[0]);
}

/* A failed write is reported in the event and the reply. */
static void test_write_error(void)
{
    QTestState *s = qtest_init("-m 16 -S");
    const char *msg = "dump: failed to save memory: No space left on device";

    if (access("/dev/full", W_OK) != 0) {
        g_test_skip("no-dev-full: /dev/full is not writable");
        qtest_quit_ok(s);
        return;
    }
    assert_error(qtest_qmp(s, "{\"execute\": \"dump-guest-memory\", "
                              "\"arguments\": {\"paging\": false, "
                              "\"protocol\": \"file:/dev/full\"}}"),
                 msg);
    assert_completed(s, "failed", 0, RAM, msg);
    assert_query_dump(s, "failed", 0, RAM);
    qtest_quit_ok(s);
}

/*
 * The PT_LOADs of an ELF core as {paddr, offset, size}; QEMU 7.2 writes
 * ELFCLASS32 for a guest that is not in long mode.
 */
static GArray *core_loads(const gchar *d, gsize len)
{
    GArray *segs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    bool is64 = len > EI_CLASS && d[EI_CLASS] == ELFCLASS64;
    const Elf64_Ehdr *e64 = (const Elf64_Ehdr *)d;
    const Elf32_Ehdr *e32 = (const Elf32_Ehdr *)d;
    unsigned n = is64 ? e64->e_phnum : e32->e_phnum;

    g_assert_cmpmem(d, SELFMAG, ELFMAG, SELFMAG);
    for (unsigned i = 0; i < n; i++) {
        uint64_t seg[3];

        if (is64) {
            const Elf64_Phdr *p = (const Elf64_Phdr *)(d + e64->e_phoff) + i;

            if (p->p_type != PT_LOAD) {
                continue;
            }
            seg[0] = p->p_paddr, seg[1] = p->p_offset, seg[2] = p->p_filesz;
        } else {
            const Elf32_Phdr *p = (const Elf32_Phdr *)(d + e32->e_phoff) + i;

            if (p->p_type != PT_LOAD) {
                continue;
            }
            seg[0] = p->p_paddr, seg[1] = p->p_offset, seg[2] = p->p_filesz;
        }
        g_assert_cmpuint(seg[1] + seg[2], <=, len);
        g_array_append_vals(segs, seg, 3);
    }
    return segs;
}

/* The ELF core's PT_LOADs and the kdump file hold the same pages. */
static void assert_same_memory(const KdumpImage *img, const gchar *core,
                               GArray *segs)
{
    uint8_t *covered = g_malloc0(img->max_mapnr);
    int diff;

    for (guint i = 0; i < segs->len / 3; i++) {
        const uint64_t *seg = &g_array_index(segs, uint64_t, 3 * i);

        g_assert_cmpuint(seg[0] + seg[2], <=, img->max_mapnr * 4096);
        g_assert_cmpint(
            kdump_compare(img, seg[0], (const uint8_t *)core + seg[1], seg[2]),
            ==, 0);
        for (uint64_t a = seg[0] & ~4095ULL; a < seg[0] + seg[2]; a += 4096) {
            covered[a / 4096] = 1;
        }
    }
    diff = memcmp(covered, img->present, img->max_mapnr);
    g_free(covered);
    g_assert_cmpint(diff, ==, 0);
}

/* makedumpfile -R (Debian's) rebuilds the same plain file as the reader. */
static void assert_makedumpfile_r(const char *path, const KdumpImage *img)
{
    g_autofree char *mdf = g_find_program_in_path("makedumpfile");
    g_autofree char *out = g_strconcat(path, ".R", NULL);
    g_autofree char *cmd = NULL;
    g_autofree char *data = NULL;
    gsize len;

    if (!mdf) {
        g_test_message("makedumpfile is not installed: -R not checked");
        return;
    }
    cmd = g_strdup_printf("%s -R %s < %s > /dev/null", mdf, out, path);
    g_assert_cmpint(system(cmd), ==, 0);
    g_assert_true(g_file_get_contents(out, &data, &len, NULL));
    g_assert_cmpmem(data, len, img->plain->data, img->plain->len);
    unlink(out);
}

/*
 * Every kdump format the capability query lists (Vigil: all six, in
 * QEMU's order), dumped from a paused guest holding a compressible page,
 * an incompressible one and zero pages: the reader rebuilds exactly the
 * memory of the ELF core, with the format's compression flag.
 */
static void test_kdump(void)
{
    static const char *const vigil_formats[] = {
        "elf",           "kdump-zlib",   "kdump-raw-zlib",   "kdump-lzo",
        "kdump-raw-lzo", "kdump-snappy", "kdump-raw-snappy",
    };
    g_autofree char *path = dump_path("kdump");
    QTestState *s = qtest_init("-m 16 -S");
    g_autoptr(GRand) rnd = g_rand_new_with_seed(7);
    g_autoptr(GArray) segs = NULL;
    g_autofree gchar *core = NULL;
    json_t *caps, *r, *formats;
    gsize core_len;
    size_t i;

    caps =
        qtest_qmp(s, "{\"execute\": \"query-dump-guest-memory-capability\"}");
    formats = json_object_get(json_object_get(caps, "return"), "formats");
    if (!qtest_is_qemu72()) {
        g_assert_cmpuint(json_array_size(formats), ==,
                         G_N_ELEMENTS(vigil_formats));
        for (i = 0; i < G_N_ELEMENTS(vigil_formats); i++) {
            g_assert_cmpstr(json_string_value(json_array_get(formats, i)), ==,
                            vigil_formats[i]);
        }
    }
    for (i = 0; i < 4096; i += 8) {
        qtest_writeq(s, 0x3000 + i, 0x6b65726e656c2021ULL); /* compressible */
        qtest_writeq(s, 0x5000 + i,
                     (uint64_t)g_rand_int(rnd) << 32 | g_rand_int(rnd));
    }
    assert_return(dump(s, path, ""));
    json_decref(qtest_qmp_eventwait(s, "DUMP_COMPLETED"));
    g_assert_true(g_file_get_contents(path, &core, &core_len, NULL));
    segs = core_loads(core, core_len);
    unlink(path);

    json_array_foreach(formats, i, r)
    {
        const char *fmt = json_string_value(r);
        g_autofree char *extra = g_strdup_printf(", \"format\": \"%s\"", fmt);
        g_autofree gchar *data = NULL;
        KdumpImage img;
        char *why = NULL;
        gsize len;
        json_t *ev;

        if (!g_str_has_prefix(fmt, "kdump-")) {
            continue; /* elf above; QEMU's win-dmp needs a Windows guest */
        }
        g_test_message("format %s", fmt);
        assert_return(dump(s, path, extra));
        ev = qtest_qmp_eventwait(s, "DUMP_COMPLETED");
        g_assert_cmpstr(
            json_string_value(json_object_get(
                json_object_get(json_object_get(ev, "data"), "result"),
                "status")),
            ==, "completed");
        json_decref(ev);
        g_assert_true(g_file_get_contents(path, &data, &len, NULL));
        if (!kdump_read((const uint8_t *)data, len, &img, &why)) {
            g_error("%s: %s", fmt, why);
        }
        g_assert_cmpint(img.flattened, ==, strstr(fmt, "-raw-") == NULL);
        g_assert_cmpuint(img.status, ==,
                         strstr(fmt, "zlib")  ? 1
                         : strstr(fmt, "lzo") ? 2
                                              : 4);
        g_assert_cmpstr(img.machine, ==, "x86_64");
        g_assert_cmpuint(img.compressed, >=, 1);
        g_assert_cmpuint(img.stored, >=, 1);
        g_assert_cmpuint(img.shared_zero, >=, 1);
        assert_same_memory(&img, core, segs);
        if (img.flattened) {
            assert_makedumpfile_r(path, &img);
        }
        kdump_image_clear(&img);
        unlink(path);
    }
    json_decref(caps);
    qtest_quit_ok(s);
}

/* kdump-raw-* are written at offsets: a pipe is refused before the dump. */
static void test_kdump_raw_pipe(void)
{
    QTestState *s = qtest_init("-m 16 -S");
    int fds[2];

    if (qtest_is_qemu72()) {
        g_test_skip("QEMU 7.2 has no kdump-raw formats");
        qtest_quit_ok(s);
        return;
    }
    g_assert_cmpint(pipe(fds), ==, 0);
    assert_return(qtest_qmp_fds(s, &fds[1], 1,
                                "{\"execute\": \"getfd\", \"arguments\": "
                                "{\"fdname\": \"p\"}}"));
    close(fds[1]);
    assert_error(qtest_qmp(s, "{\"execute\": \"dump-guest-memory\", "
                              "\"arguments\": {\"paging\": false, "
                              "\"protocol\": \"fd:p\", "
                              "\"format\": \"kdump-raw-snappy\"}}"),
                 "kdump-raw formats require a seekable file");
    assert_query_dump(s, "none", 0, 0);
    g_assert_cmpuint(qtest_qmp_stashed(s, NULL), ==, 0);
    close(fds[0]);
    qtest_quit_ok(s);
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"elf", test_elf},
        {"filter", test_filter},
        {"errors", test_errors},
        {"running", test_running},
        {"write-error", test_write_error},
        {"fd-detach", test_fd_detach},
        {"detach-stalled-exit", test_detach_stalled_exit},
        {"kdump", test_kdump},
        {"kdump-raw-pipe", test_kdump_raw_pipe},
    };

    return qtest_run_cases(&argc, &argv, "dump", cases, G_N_ELEMENTS(cases));
}
