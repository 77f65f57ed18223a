/*
 * dump/dump-kdump.c: each of the six kdump-compressed formats written
 * from a synthetic guest (zero pages, incompressible pages, compressible
 * ones, holes, blocks that start and end inside a page, given out of
 * order) and read back by an independent reader (kdump-reader.c), which
 * must rebuild the guest's memory byte for byte.
 */
#include "qemu/common.h"
#include "system/dump.h"
#include "kdump-reader.h"

#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define PAGE 4096u

static const char vmcoreinfo_text[] = "OSRELEASE=6.1.0-test\n"
                                      "PAGESIZE=4096\n"
                                      "NUMBER(phys_base)=1470103552\n"
                                      "KERNELOFFSET=1ca00000\n";

/* What each page of block A holds, in turn. */
enum { ZERO, RANDOM, TEXT, SPARSE, KINDS };

typedef struct Guest {
    uint8_t *a, *b, *c;
    DumpBlock blocks[3];
    uint8_t *expect;  /* max_mapnr pages as the reader must rebuild them */
    uint8_t *present; /* per pfn */
    uint64_t max_mapnr, bytes;
    unsigned zero, random, text; /* page counts by kind, all blocks */
    GByteArray *note;
} Guest;

static void fill(uint8_t *page, int kind, GRand *r)
{
    memset(page, 0, PAGE);
    for (unsigned i = 0; kind == RANDOM && i < PAGE; i += 4) {
        uint32_t v = g_rand_int(r);

        memcpy(page + i, &v, 4);
    }
    for (unsigned i = 0; kind == TEXT && i < PAGE; i++) {
        page[i] = "Kernel panic - not syncing: sysrq\n"[i % 34];
    }
    if (kind == SPARSE) {
        page[PAGE - 1] = 0x5a;
    }
}

static void guest_place(Guest *g, const DumpBlock *b)
{
    memcpy(g->expect + b->gpa, b->host, b->size);
    for (uint64_t a = b->gpa & ~(uint64_t)(PAGE - 1); a < b->gpa + b->size;
         a += PAGE) {
        g->present[a / PAGE] = 1;
    }
    g->bytes += b->size;
}

/*
 * Block A: 64 pages at 0 (zero, random, text, sparse in turn); a hole to
 * 1 MiB; block B: 16 random or zero pages at 1 MiB; block C: 6000 bytes
 * of text at 2 MiB + 2048, inside two partial pages.
 */
static void guest_init(Guest *g)
{
    g_autoptr(GRand) r = g_rand_new_with_seed(11);
    Elf64_Nhdr nh = {.n_namesz = 11, .n_descsz = sizeof(vmcoreinfo_text) - 1};
    uint8_t pad[4] = {0};

    memset(g, 0, sizeof(*g));
    g->a = g_malloc(64 * PAGE);
    g->b = g_malloc(16 * PAGE);
    g->c = g_malloc(6000);
    for (unsigned i = 0; i < 64; i++) {
        fill(g->a + i * PAGE, i % KINDS, r);
        g->zero += i % KINDS == ZERO;
        g->random += i % KINDS == RANDOM;
        g->text += i % KINDS == TEXT || i % KINDS == SPARSE;
    }
    for (unsigned i = 0; i < 16; i++) {
        fill(g->b + i * PAGE, i % 3 ? RANDOM : ZERO, r);
        g->random += i % 3 != 0;
        g->zero += i % 3 == 0;
    }
    for (unsigned i = 0; i < 6000; i++) {
        g->c[i] = "0123456789abcdef"[i % 16];
    }
    g->text += 2;
    /* Out of order: the writer sorts them. */
    g->blocks[0] = (DumpBlock){(2 << 20) + 2048, 6000, g->c};
    g->blocks[1] = (DumpBlock){0, 64 * PAGE, g->a};
    g->blocks[2] = (DumpBlock){1 << 20, 16 * PAGE, g->b};
    g->max_mapnr = ((2 << 20) + 2048 + 6000 + PAGE - 1) / PAGE;
    g->expect = g_malloc0(g->max_mapnr * PAGE);
    g->present = g_malloc0(g->max_mapnr);
    for (unsigned i = 0; i < 3; i++) {
        guest_place(g, &g->blocks[i]);
    }

    g->note = g_byte_array_new();
    g_byte_array_append(g->note, (const guint8 *)&nh, sizeof(nh));
    g_byte_array_append(g->note, (const guint8 *)"VMCOREINFO\0", 12);
    g_byte_array_append(g->note, (const guint8 *)vmcoreinfo_text, nh.n_descsz);
    g_byte_array_append(g->note, pad, (4 - nh.n_descsz % 4) % 4);
}

static void guest_clear(Guest *g)
{
    g_free(g->a);
    g_free(g->b);
    g_free(g->c);
    g_free(g->expect);
    g_free(g->present);
    g_byte_array_unref(g->note);
}

static GByteArray *write_to_file(const Guest *g, DumpFormat fmt,
                                 const VCPUDumpState *cpus, unsigned ncpus,
                                 DumpProgress *prog)
{
    g_autofree char *path = NULL;
    GError *err = NULL;
    gchar *data;
    gsize len;
    int fd = g_file_open_tmp("test-dump-kdump-XXXXXX", &path, &err);

    g_assert_no_error(err);
    g_assert_true(dump_write_format(fd, fmt, cpus, ncpus, g->note, g->blocks, 3,
                                    prog, &err));
    g_assert_no_error(err);
    close(fd);
    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    unlink(path);
    return g_byte_array_new_take((guint8 *)data, len);
}

static void check_image(const Guest *g, const KdumpImage *img, uint32_t flag)
{
    g_assert_cmpint(img->header_version, ==, 6);
    g_assert_cmpstr(img->machine, ==, "x86_64");
    g_assert_cmpuint(img->status, ==, flag);
    g_assert_cmpuint(img->max_mapnr, ==, g->max_mapnr);
    g_assert_cmpuint(img->phys_base, ==, 1470103552);
    g_assert_cmpstr(img->vmcoreinfo, ==, vmcoreinfo_text);
    g_assert_cmpint(img->nr_cpus, ==, 2);
    g_assert_cmpint(kdump_count_notes(img, NT_PRSTATUS, "CORE"), ==, 2);
    g_assert_cmpint(kdump_count_notes(img, 0, "QEMU"), ==, 2);
    g_assert_cmpint(kdump_count_notes(img, 0, "VMCOREINFO"), ==, 1);
    g_assert_cmpmem(img->present, g->max_mapnr, g->present, g->max_mapnr);
    g_assert_cmpint(kdump_compare(img, 0, g->expect, g->max_mapnr * PAGE), ==,
                    0);
    /* Zero pages share one page of data; random ones stay as they are. */
    g_assert_cmpuint(img->shared_zero, ==, g->zero);
    g_assert_cmpuint(img->stored, ==, g->random);
    g_assert_cmpuint(img->compressed, ==, g->text);
    g_assert_cmpuint(img->pages, ==, g->zero + g->random + g->text);
}

static void test_formats(void)
{
    static const struct {
        DumpFormat fmt;
        uint32_t flag;
    } cases[] = {
        {DUMP_FORMAT_KDUMP_ZLIB, 1},   {DUMP_FORMAT_KDUMP_RAW_ZLIB, 1},
        {DUMP_FORMAT_KDUMP_LZO, 2},    {DUMP_FORMAT_KDUMP_RAW_LZO, 2},
        {DUMP_FORMAT_KDUMP_SNAPPY, 4}, {DUMP_FORMAT_KDUMP_RAW_SNAPPY, 4},
    };
    VCPUDumpState cpus[2] = {{.rip = 0xffffffff81000000ULL}, {.rip = 0xfff0}};
    g_autoptr(GByteArray) flat_plain = NULL;
    Guest g;

    guest_init(&g);
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        DumpProgress prog = {.cancel_fd = -1};
        g_autoptr(GByteArray) file =
            write_to_file(&g, cases[i].fmt, cpus, 2, &prog);
        KdumpImage img;
        char *why = NULL;

        if (!kdump_read(file->data, file->len, &img, &why)) {
            g_error("%s: %s", dump_format_name(cases[i].fmt), why);
        }
        g_assert_cmpint(img.flattened, ==, !dump_format_is_raw(cases[i].fmt));
        check_image(&g, &img, cases[i].flag);
        g_assert_cmpuint(prog.completed, ==, g.bytes);
        /* makedumpfile -R of the flattened file is the raw one. */
        if (img.flattened) {
            flat_plain = g_byte_array_ref(img.plain);
        } else {
            g_assert_nonnull(flat_plain);
            g_assert_cmpmem(file->data, file->len, flat_plain->data,
                            flat_plain->len);
            g_clear_pointer(&flat_plain, g_byte_array_unref);
        }
        kdump_image_clear(&img);
    }
    guest_clear(&g);
}

typedef struct PipeReader {
    int fd;
    GByteArray *got;
} PipeReader;

static gpointer drain(gpointer opaque)
{
    PipeReader *r = opaque;
    uint8_t buf[65536];
    ssize_t n;

    while ((n = read(r->fd, buf, sizeof(buf))) > 0) {
        g_byte_array_append(r->got, buf, (guint)n);
    }
    return NULL;
}

/*
 * The flattened formats stream (a pipe works, as "fd:" from libvirt);
 * the raw ones need a seekable fd; a failed write is QEMU's error.
 */
static void test_pipe_and_errors(void)
{
    PipeReader r = {.got = g_byte_array_new()};
    GError *err = NULL;
    GThread *t;
    KdumpImage img;
    char *why = NULL;
    Guest g;
    int fds[2];

    guest_init(&g);
    g_assert_cmpint(pipe(fds), ==, 0);
    r.fd = fds[0];
    t = g_thread_new("drain", drain, &r);
    g_assert_true(dump_write_kdump(fds[1], DUMP_FORMAT_KDUMP_SNAPPY, NULL, 0,
                                   NULL, g.blocks, 3, NULL, &err));
    close(fds[1]);
    g_thread_join(t);
    close(fds[0]);
    g_assert_true(kdump_read(r.got->data, r.got->len, &img, &why));
    g_assert_cmpint(kdump_compare(&img, 0, g.expect, g.max_mapnr * PAGE), ==,
                    0);
    g_assert_null(img.vmcoreinfo);
    g_assert_cmpuint(img.phys_base, ==, 0);
    g_assert_cmpint(img.nr_cpus, ==, 0);
    kdump_image_clear(&img);
    g_byte_array_unref(r.got);

    g_assert_cmpint(pipe(fds), ==, 0);
    g_assert_false(dump_write_kdump(fds[1], DUMP_FORMAT_KDUMP_RAW_LZO, NULL, 0,
                                    NULL, g.blocks, 3, NULL, &err));
    g_assert_cmpstr(err->message, ==,
                    "dump: failed to save memory: Illegal seek");
    g_clear_error(&err);
    close(fds[0]); /* EPIPE (SIGPIPE ignored) */
    g_assert_false(dump_write_kdump(fds[1], DUMP_FORMAT_KDUMP_ZLIB, NULL, 0,
                                    NULL, g.blocks, 3, NULL, &err));
    g_assert_true(
        g_str_has_prefix(err->message, "dump: failed to save memory: "));
    g_clear_error(&err);
    close(fds[1]);
    guest_clear(&g);
}

static char *write_tmp(const Guest *g, DumpFormat fmt,
                       const VCPUDumpState *cpus)
{
    g_autoptr(GByteArray) d = write_to_file(g, fmt, cpus, 2, NULL);
    char *path = g_strdup_printf("%s/test-dump-kdump-%d.%s", g_get_tmp_dir(),
                                 getpid(), dump_format_name(fmt));

    g_assert_true(
        g_file_set_contents(path, (const char *)d->data, d->len, NULL));
    return path;
}

/*
 * Debian's own tools take the files: "makedumpfile -R" turns the
 * flattened file into exactly the raw one, and crash finds the guest's
 * VMCOREINFO through the sub header ("crash --osrelease").
 */
static void test_tools(void)
{
    VCPUDumpState cpus[2] = {{.rip = 1}, {.rip = 2}};
    g_autofree char *mdf = g_find_program_in_path("makedumpfile");
    g_autofree char *crash = g_find_program_in_path("crash");
    g_autofree char *flat = NULL, *raw = NULL, *out = NULL, *cmd = NULL;
    g_autofree char *rebuilt = NULL, *rawdata = NULL, *so = NULL;
    gsize rlen, rawlen;
    int status;
    Guest g;

    if (!mdf || !crash) {
        g_test_skip("no-makedumpfile: makedumpfile or crash is not installed "
                    "(scripts/install-deps.sh)");
        return;
    }
    guest_init(&g);
    flat = write_tmp(&g, DUMP_FORMAT_KDUMP_LZO, cpus);
    raw = write_tmp(&g, DUMP_FORMAT_KDUMP_RAW_LZO, cpus);
    out = g_strconcat(flat, ".R", NULL);
    cmd = g_strdup_printf("%s -R %s < %s > /dev/null", mdf, out, flat);
    g_assert_cmpint(system(cmd), ==, 0);
    g_assert_true(g_file_get_contents(out, &rebuilt, &rlen, NULL));
    g_assert_true(g_file_get_contents(raw, &rawdata, &rawlen, NULL));
    g_assert_cmpmem(rebuilt, rlen, rawdata, rawlen);

    g_free(cmd);
    cmd = g_strdup_printf("%s --osrelease %s", crash, raw);
    g_assert_true(g_spawn_command_line_sync(cmd, &so, NULL, &status, NULL));
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(g_strstrip(so), ==, "6.1.0-test");
    unlink(flat);
    unlink(raw);
    unlink(out);
    guest_clear(&g);
}

static void test_names(void)
{
    static const char *const order[] = {
        "elf",           "kdump-zlib",   "kdump-raw-zlib",   "kdump-lzo",
        "kdump-raw-lzo", "kdump-snappy", "kdump-raw-snappy",
    };
    DumpFormat f;

    g_assert_cmpuint(G_N_ELEMENTS(order), ==, DUMP_FORMAT__MAX);
    for (unsigned i = 0; i < DUMP_FORMAT__MAX; i++) {
        g_assert_cmpstr(dump_format_name((DumpFormat)i), ==, order[i]);
        g_assert_true(dump_format_parse(order[i], &f));
        g_assert_cmpuint(f, ==, i);
        g_assert_cmpint(dump_format_is_raw(f), ==,
                        strstr(order[i], "-raw-") != NULL);
    }
    g_assert_false(dump_format_parse("win-dmp", &f));
    g_assert_false(dump_format_parse(NULL, &f));
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dump-kdump/names", test_names);
    g_test_add_func("/dump-kdump/formats", test_formats);
    g_test_add_func("/dump-kdump/pipe-and-errors", test_pipe_and_errors);
    g_test_add_func("/dump-kdump/tools", test_tools);
    return g_test_run();
}
