/*
 * -device vmcoreinfo over qtest.  The test plays a Linux guest with the
 * qemu_fw_cfg driver: it puts a VMCOREINFO ELF note in RAM, writes its
 * address into etc/vmcoreinfo over fw_cfg DMA, and then checks that
 * dump-guest-memory carries the note (docs/specs/fw_cfg.rst).
 */
#include "fw_cfg-client.h"

#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define BASE       "-M pc -nodefaults "
#define NOTE_GPA   0x3000
#define ACCESS_GPA 0x1000
#define RECORD_GPA 0x2000
#define OSRELEASE  "OSRELEASE=6.1.0-vigil-test"
/* What the kernel puts in its note (a few of its lines). */
#define NOTE_TEXT                                                              \
    OSRELEASE "\nPAGESIZE=4096\nKERNELOFFSET=1c000000\n"                       \
              "NUMBER(phys_base)=0\n"
/* The kernel announces more than the note: VMCOREINFO_NOTE_SIZE. */
#define ANNOUNCED_SIZE 0x1000

static char *core_path(const char *tag)
{
    return g_strdup_printf("%s/vmcoreinfo-test-%d-%s.core", g_get_tmp_dir(),
                           getpid(), tag);
}

/* An ELF note named @name with NOTE_TEXT as descriptor, at NOTE_GPA. */
static void put_note(QTestState *s, const char *name)
{
    uint8_t buf[256] = {0};
    Elf64_Nhdr nh = {
        .n_namesz = strlen(name) + 1,
        .n_descsz = sizeof(NOTE_TEXT) - 1,
        .n_type = 0,
    };
    size_t off = sizeof(nh);

    memcpy(buf, &nh, sizeof(nh));
    memcpy(buf + off, name, nh.n_namesz);
    off += (nh.n_namesz + 3) & ~3u;
    memcpy(buf + off, NOTE_TEXT, nh.n_descsz);
    fw_cfg_mem_write(s, NOTE_GPA, buf, sizeof(buf));
}

/* The guest's record: guest_format, size, paddr (LE), host_format 0 as
 * Linux leaves it. */
static uint32_t write_record(QTestState *s, uint16_t format, uint32_t size,
                             uint64_t paddr)
{
    uint16_t key;
    uint32_t fsize;
    uint8_t rec[16] = {0};
    uint32_t le32 = GUINT32_TO_LE(size);
    uint64_t le64 = GUINT64_TO_LE(paddr);

    g_assert_true(fw_cfg_find_file(s, "etc/vmcoreinfo", &key, &fsize));
    g_assert_cmpuint(fsize, ==, 16);
    rec[2] = format;
    memcpy(rec + 4, &le32, 4);
    memcpy(rec + 8, &le64, 8);
    fw_cfg_mem_write(s, RECORD_GPA, rec, sizeof(rec));
    return fw_cfg_dma(s, ACCESS_GPA,
                      (uint32_t)key << 16 | FW_CFG_DMA_SELECT |
                          FW_CFG_DMA_WRITE,
                      sizeof(rec), RECORD_GPA);
}

static void dump_to(QTestState *s, const char *path, bool detach)
{
    json_t *r = qtest_qmp(s,
                          "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                          "{\"paging\": false, \"protocol\": \"file:%s\", "
                          "\"detach\": %s}}",
                          path, detach ? "true" : "false");

    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    json_decref(qtest_qmp_eventwait(s, "DUMP_COMPLETED"));
}

/*
 * The notes of the core at @path: the VMCOREINFO descriptor (caller
 * frees), NULL if there is none.  *nnotes counts all notes.
 */
static char *core_vmcoreinfo(const char *path, unsigned *nnotes)
{
    g_autofree gchar *data = NULL;
    gsize len;
    const Elf64_Ehdr *eh;
    const Elf64_Phdr *ph;
    char *found = NULL;

    g_assert_true(g_file_get_contents(path, &data, &len, NULL));
    g_assert_cmpuint(len, >=, sizeof(*eh));
    eh = (const Elf64_Ehdr *)data;
    g_assert_cmpmem(eh->e_ident, SELFMAG, ELFMAG, SELFMAG);
    ph = (const Elf64_Phdr *)(data + eh->e_phoff);
    g_assert_cmpuint(ph[0].p_type, ==, PT_NOTE);
    g_assert_cmpuint(ph[0].p_offset + ph[0].p_filesz, <=, len);
    *nnotes = 0;
    for (uint64_t off = 0; off < ph[0].p_filesz;) {
        const Elf64_Nhdr *nh =
            (const Elf64_Nhdr *)(data + ph[0].p_offset + off);
        const char *name = (const char *)(nh + 1);
        const char *desc = name + ((nh->n_namesz + 3) & ~3u);

        (*nnotes)++;
        if (nh->n_namesz == sizeof("VMCOREINFO") &&
            memcmp(name, "VMCOREINFO", sizeof("VMCOREINFO")) == 0) {
            g_assert_null(found);
            found = g_strndup(desc, nh->n_descsz);
        }
        off += sizeof(*nh) + ((nh->n_namesz + 3) & ~3u) +
               ((nh->n_descsz + 3) & ~3u);
        g_assert_cmpuint(off, <=, ph[0].p_filesz);
    }
    return found;
}

static void test_file(void)
{
    QTestState *s = qtest_init(BASE "-device vmcoreinfo");
    uint16_t key;
    uint32_t size;
    g_autofree char *initial = NULL, *written = NULL, *after = NULL;

    g_assert_true(fw_cfg_find_file(s, "etc/vmcoreinfo", &key, &size));
    g_assert_cmpuint(size, ==, 16);
    initial = fw_cfg_key_hex(s, key, 16);
    g_assert_cmpstr(initial, ==,
                    "01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");

    /* QEMU's reference write: control 0x002a0018, 16 bytes. */
    g_assert_cmphex(write_record(s, 1, 0x1234, 0x3000), ==, 0);
    written = fw_cfg_key_hex(s, key, 16);
    g_assert_cmpstr(written, ==,
                    "00 00 01 00 34 12 00 00 00 30 00 00 00 00 00 00");

    /* Port writes change nothing. */
    qtest_outw(s, FW_CFG_PORT_SEL, key);
    for (int i = 0; i < 4; i++) {
        qtest_outb(s, FW_CFG_PORT_DATA, 0x55);
    }
    after = fw_cfg_key_hex(s, key, 16);
    g_assert_cmpstr(after, ==, written);

    /* Writing past the end of the file: error bit. */
    g_assert_cmphex(
        fw_cfg_dma(s, ACCESS_GPA,
                   (uint32_t)key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE,
                   17, RECORD_GPA),
        ==, FW_CFG_DMA_ERROR);
    qtest_quit_ok(s);
}

static void check_dump_has_note(QTestState *s, const char *tag, bool detach)
{
    g_autofree char *path = core_path(tag);
    g_autofree char *desc = NULL;
    unsigned n;

    dump_to(s, path, detach);
    desc = core_vmcoreinfo(path, &n);
    unlink(path);
    g_assert_nonnull(desc);
    g_assert_cmpstr(desc, ==, NOTE_TEXT);
    g_assert_true(g_str_has_prefix(desc, OSRELEASE "\n"));
    g_assert_cmpuint(n, ==, 1); /* qtest: no vCPU notes */
}

static void check_dump_without_note(QTestState *s, const char *tag)
{
    g_autofree char *path = core_path(tag);
    g_autofree char *desc = NULL;
    unsigned n;

    dump_to(s, path, false);
    desc = core_vmcoreinfo(path, &n);
    unlink(path);
    g_assert_null(desc);
    g_assert_cmpuint(n, ==, 0);
}

static void test_dump_note(void)
{
    QTestState *s = qtest_init(BASE "-device vmcoreinfo");

    /* Before the guest says anything: no note (and a warning). */
    check_dump_without_note(s, "before");
    put_note(s, "VMCOREINFO");
    g_assert_cmphex(write_record(s, 1, ANNOUNCED_SIZE, NOTE_GPA), ==, 0);
    check_dump_has_note(s, "sync", false);
    check_dump_has_note(s, "detach", true);

    /* The guest reboots: the next kernel has to announce itself again. */
    json_decref(qtest_qmp_return(s, "{\"execute\": \"system_reset\"}"));
    check_dump_without_note(s, "reset");
    qtest_quit_ok(s);
}

/* The detached dump into an fd passed with getfd, as libvirt does. */
static void test_dump_note_fd(void)
{
    QTestState *s = qtest_init(BASE "-device vmcoreinfo");
    g_autofree char *path = core_path("fd");
    g_autofree char *desc = NULL;
    unsigned n;
    int fd;
    json_t *r;

    put_note(s, "VMCOREINFO");
    g_assert_cmphex(write_record(s, 1, ANNOUNCED_SIZE, NOTE_GPA), ==, 0);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    g_assert_cmpint(fd, >=, 0);
    r = qtest_qmp_fds(s, &fd, 1,
                      "{\"execute\": \"getfd\", \"arguments\": "
                      "{\"fdname\": \"core\"}}");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    close(fd);
    r = qtest_qmp(s, "{\"execute\": \"dump-guest-memory\", \"arguments\": "
                     "{\"paging\": false, \"protocol\": \"fd:core\", "
                     "\"detach\": true}}");
    g_assert_nonnull(json_object_get(r, "return"));
    json_decref(r);
    json_decref(qtest_qmp_eventwait(s, "DUMP_COMPLETED"));
    desc = core_vmcoreinfo(path, &n);
    unlink(path);
    g_assert_cmpstr(desc, ==, NOTE_TEXT);
    qtest_quit_ok(s);
}

/* What the dump refuses to take from the guest. */
static void test_dump_bad_notes(void)
{
    QTestState *s = qtest_init(BASE "-device vmcoreinfo");

    /* Not named VMCOREINFO. */
    put_note(s, "NOTVMCORE");
    g_assert_cmphex(write_record(s, 1, ANNOUNCED_SIZE, NOTE_GPA), ==, 0);
    check_dump_without_note(s, "name");
    /* Right note, unknown format. */
    put_note(s, "VMCOREINFO");
    g_assert_cmphex(write_record(s, 2, ANNOUNCED_SIZE, NOTE_GPA), ==, 0);
    check_dump_without_note(s, "format");
    /* Announced size smaller than the note, or absurdly large. */
    g_assert_cmphex(write_record(s, 1, 24, NOTE_GPA), ==, 0);
    check_dump_without_note(s, "small");
    g_assert_cmphex(write_record(s, 1, 0x7fffffff, NOTE_GPA), ==, 0);
    check_dump_without_note(s, "huge");
    /* Outside RAM: reads as zeros, so no valid header. */
    g_assert_cmphex(write_record(s, 1, ANNOUNCED_SIZE, 0xfff00000), ==, 0);
    check_dump_without_note(s, "mmio");
    qtest_quit_ok(s);
}

static void test_no_device(void)
{
    QTestState *s = qtest_init(BASE);

    put_note(s, "VMCOREINFO");
    check_dump_without_note(s, "nodev");
    qtest_quit_ok(s);
}

/* The dump formats on offer do not change with the device. */
static void test_capability(void)
{
    QTestState *s = qtest_init(BASE "-device vmcoreinfo");
    json_t *r = qtest_qmp_return(
        s, "{\"execute\": \"query-dump-guest-memory-capability\"}");
    g_autofree char *text = json_dumps(r, JSON_COMPACT);

    g_assert_cmpstr(text, ==,
                    "{\"formats\":[\"elf\",\"kdump-zlib\",\"kdump-raw-zlib\","
                    "\"kdump-lzo\",\"kdump-raw-lzo\",\"kdump-snappy\","
                    "\"kdump-raw-snappy\"]}");
    json_decref(r);
    qtest_quit_ok(s);
}

static void assert_start_error(const char *extra, const char *msg)
{
    g_autofree char *args =
        g_strdup_printf("-display none -accel qtest -nodefaults %s", extra);
    g_autofree char *err = NULL;

    qtest_assert_exit_status(qtest_run_direct(args, NULL, &err), 1);
    g_test_message("%s", err);
    g_assert_nonnull(strstr(err, msg));
}

static void test_errors(void)
{
    assert_start_error("-M pc-i440fx-9.1 -device vmcoreinfo",
                       "-device vmcoreinfo: vmcoreinfo device requires fw_cfg "
                       "with DMA");
    assert_start_error("-M none -device vmcoreinfo",
                       "vmcoreinfo device requires fw_cfg with DMA");
    assert_start_error("-M pc -device vmcoreinfo -device vmcoreinfo",
                       "at most one vmcoreinfo device is permitted");
}

int main(int argc, char **argv)
{
    static const QTestCase cases[] = {
        {"file", test_file},
        {"dump-note", test_dump_note},
        {"dump-note-fd", test_dump_note_fd},
        {"dump-bad-notes", test_dump_bad_notes},
        {"no-device", test_no_device},
        {"capability", test_capability},
        {"errors", test_errors},
    };

    return qtest_run_cases(&argc, &argv, "vmcoreinfo", cases,
                           G_N_ELEMENTS(cases));
}
