/*
 * dump/dump.c: which guest memory a dump covers (blocks, the begin/length
 * filter, the 4 GiB hole, a ROM) and the exact ELF bytes it writes
 * (headers, note layout, register placement).
 */
#include "qemu/common.h"
#include "system/dump.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#define GiB (1ULL << 30)

/* A machine with RAM on both sides of the 4 GiB hole; never mapped. */
static MachineState big_machine(void)
{
    static uint8_t fake[1];

    return (MachineState){
        .ram_size = 4 * GiB,
        .ram = fake,
        .below_4g_mem_size = 3 * GiB,
        .above_4g_mem_size = 1 * GiB,
    };
}

static void test_blocks(void)
{
    MachineState ms = big_machine();
    DumpBlock b[4];
    uint64_t total;
    size_t n;

    n = dump_collect_blocks(&ms, false, 0, 0, b, 4, &total);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(total, ==, 4 * GiB);
    g_assert_cmpuint(b[0].gpa, ==, 0);
    g_assert_cmpuint(b[0].size, ==, 3 * GiB);
    g_assert_true(b[0].host == ms.ram);
    g_assert_cmpuint(b[1].gpa, ==, 4 * GiB);
    g_assert_cmpuint(b[1].size, ==, 1 * GiB);
    g_assert_true(b[1].host == ms.ram + 3 * GiB);

    /* A filter across the hole keeps both pieces, clipped. */
    n = dump_collect_blocks(&ms, true, 3 * GiB - 4096, GiB + 8192, b, 4,
                            &total);
    g_assert_cmpuint(n, ==, 2);
    g_assert_cmpuint(b[0].gpa, ==, 3 * GiB - 4096);
    g_assert_cmpuint(b[0].size, ==, 4096);
    g_assert_true(b[0].host == ms.ram + 3 * GiB - 4096);
    g_assert_cmpuint(b[1].gpa, ==, 4 * GiB);
    g_assert_cmpuint(b[1].size, ==, 4096);
    g_assert_cmpuint(total, ==, 8192);

    /* Inside the hole only: nothing.  Past 2^64: clipped, no overflow. */
    n = dump_collect_blocks(&ms, true, 3 * GiB, GiB, b, 4, &total);
    g_assert_cmpuint(n, ==, 0);
    g_assert_cmpuint(total, ==, 0);
    n = dump_collect_blocks(&ms, true, 5 * GiB - 1, UINT64_MAX, b, 4, &total);
    g_assert_cmpuint(n, ==, 1);
    g_assert_cmpuint(b[0].gpa, ==, 5 * GiB - 1);
    g_assert_cmpuint(b[0].size, ==, 1);

    /* A -bios ROM is a block of its own; @max bounds the count. */
    ms.rom = ms.ram;
    ms.rom_base = 4 * GiB - 65536;
    ms.rom_size = 65536;
    n = dump_collect_blocks(&ms, false, 0, 0, b, 4, &total);
    g_assert_cmpuint(n, ==, 3);
    g_assert_cmpuint(b[2].gpa, ==, 4 * GiB - 65536);
    g_assert_cmpuint(total, ==, 4 * GiB + 65536);
    n = dump_collect_blocks(&ms, false, 0, 0, b, 1, &total);
    g_assert_cmpuint(n, ==, 1);
}

/* Write to a temporary file and read it all back. */
static guint8 *write_core(const VCPUDumpState *cpus, unsigned ncpus,
                          const DumpBlock *blocks, size_t nblocks, gsize *len)
{
    g_autofree char *path = NULL;
    gchar *data;
    GError *err = NULL;
    int fd = g_file_open_tmp("test-dump-XXXXXX", &path, &err);

    g_assert_no_error(err);
    g_assert_true(dump_write_elf(fd, cpus, ncpus, blocks, nblocks, &err));
    g_assert_no_error(err);
    close(fd);
    g_assert_true(g_file_get_contents(path, &data, len, NULL));
    unlink(path);
    return (guint8 *)data;
}

static void test_elf_layout(void)
{
    uint8_t ram[64], rom[16];
    const DumpBlock blocks[] = {
        {0x1000, sizeof(ram), ram},
        {0xfffff000, sizeof(rom), rom},
    };
    VCPUDumpState cpu[2] = {{0}};
    gsize len;
    g_autofree guint8 *d = NULL;
    const Elf64_Ehdr *eh;
    const Elf64_Phdr *ph;
    size_t off;
    uint64_t v;
    uint32_t u;

    for (size_t i = 0; i < sizeof(ram); i++) {
        ram[i] = (uint8_t)i;
    }
    memset(rom, 0xee, sizeof(rom));
    cpu[0].rip = 0xffffffff81000000ULL;
    cpu[0].rax = 0x1111;
    cpu[0].r15 = 0xf15;
    cpu[0].cs = (DumpSegment){.selector = 0x10, .flags = 0xa09b00};
    cpu[0].cr[3] = 0x2a000;
    cpu[0].kernel_gs_base = 0x6b;
    cpu[1].rip = 0xfff0;
    cpu[1].cs.selector = 0xf000;

    d = write_core(cpu, 2, blocks, 2, &len);
    eh = (const Elf64_Ehdr *)d;
    g_assert_cmpuint(eh->e_ident[EI_CLASS], ==, ELFCLASS64);
    g_assert_cmpuint(eh->e_type, ==, ET_CORE);
    g_assert_cmpuint(eh->e_machine, ==, EM_X86_64);
    g_assert_cmpuint(eh->e_phoff, ==, sizeof(Elf64_Ehdr));
    g_assert_cmpuint(eh->e_phnum, ==, 3);
    ph = (const Elf64_Phdr *)(d + eh->e_phoff);

    /* Notes: 2 x (12 + 8 + 336) NT_PRSTATUS, 2 x (12 + 8 + 440) QEMU. */
    g_assert_cmpuint(ph[0].p_type, ==, PT_NOTE);
    g_assert_cmpuint(ph[0].p_offset, ==, 64 + 3 * 56);
    g_assert_cmpuint(ph[0].p_filesz, ==, 2 * 356 + 2 * 460);
    off = ph[0].p_offset;
    memcpy(&u, d + off, 4);
    g_assert_cmpuint(u, ==, 5); /* "CORE\0" */
    memcpy(&u, d + off + 4, 4);
    g_assert_cmpuint(u, ==, 336);
    memcpy(&u, d + off + 8, 4);
    g_assert_cmpuint(u, ==, NT_PRSTATUS);
    g_assert_cmpmem(d + off + 12, 5, "CORE", 5);
    off += 20;                    /* the descriptor */
    memcpy(&u, d + off + 32, 4);  /* pr_pid */
    g_assert_cmpuint(u, ==, 1);   /* vCPU 0 + 1 */
    memcpy(&v, d + off + 112, 8); /* r15 first */
    g_assert_cmpuint(v, ==, 0xf15);
    memcpy(&v, d + off + 112 + 10 * 8, 8); /* rax */
    g_assert_cmpuint(v, ==, 0x1111);
    memcpy(&v, d + off + 112 + 16 * 8, 8); /* rip */
    g_assert_cmpuint(v, ==, 0xffffffff81000000ULL);
    memcpy(&v, d + off + 112 + 17 * 8, 8); /* cs */
    g_assert_cmpuint(v, ==, 0x10);
    off += 336 + 20; /* vCPU 1's descriptor */
    memcpy(&u, d + off + 32, 4);
    g_assert_cmpuint(u, ==, 2);
    off += 336;
    g_assert_cmpmem(d + off + 12, 5, "QEMU", 5);
    memcpy(&u, d + off + 8, 4);
    g_assert_cmpuint(u, ==, 0); /* note type */
    off += 20;
    memcpy(&u, d + off, 4);
    g_assert_cmpuint(u, ==, 1); /* version */
    memcpy(&u, d + off + 4, 4);
    g_assert_cmpuint(u, ==, 440); /* size */
    memcpy(&v, d + off + 8, 8);   /* rax first */
    g_assert_cmpuint(v, ==, 0x1111);
    memcpy(&v, d + off + 8 + 16 * 8, 8); /* rip */
    g_assert_cmpuint(v, ==, 0xffffffff81000000ULL);
    memcpy(&u, d + off + 8 + 18 * 8 + 8, 4); /* cs.flags */
    g_assert_cmpuint(u, ==, 0xa09b00);
    memcpy(&v, d + off + 8 + 18 * 8 + 240 + 3 * 8, 8); /* cr3 */
    g_assert_cmpuint(v, ==, 0x2a000);
    memcpy(&v, d + off + 432, 8); /* kernel_gs_base last */
    g_assert_cmpuint(v, ==, 0x6b);

    /* Memory follows the notes, block after block. */
    g_assert_cmpuint(ph[1].p_type, ==, PT_LOAD);
    g_assert_cmpuint(ph[1].p_paddr, ==, 0x1000);
    g_assert_cmpuint(ph[1].p_vaddr, ==, 0x1000);
    g_assert_cmpuint(ph[1].p_offset, ==, ph[0].p_offset + ph[0].p_filesz);
    g_assert_cmpmem(d + ph[1].p_offset, sizeof(ram), ram, sizeof(ram));
    g_assert_cmpuint(ph[2].p_paddr, ==, 0xfffff000);
    g_assert_cmpuint(ph[2].p_offset, ==, ph[1].p_offset + sizeof(ram));
    g_assert_cmpmem(d + ph[2].p_offset, sizeof(rom), rom, sizeof(rom));
    g_assert_cmpuint(len, ==, ph[2].p_offset + sizeof(rom));
}

static void test_write_error(void)
{
    uint8_t ram[16] = {0};
    const DumpBlock b = {0, sizeof(ram), ram};
    GError *err = NULL;
    int fds[2];

    g_assert_cmpint(pipe(fds), ==, 0);
    close(fds[0]); /* EPIPE (main() ignores SIGPIPE) */
    g_assert_false(dump_write_elf(fds[1], NULL, 0, &b, 1, &err));
    g_assert_nonnull(err);
    g_assert_true(
        g_str_has_prefix(err->message, "dump: failed to save memory: "));
    g_error_free(err);
    close(fds[1]);
    err = NULL;
    g_assert_cmpint(dump_open_file("/nonexistent/dir/core", &err), ==, -1);
    g_assert_cmpstr(err->message, ==,
                    "Could not open '/nonexistent/dir/core': No such file or "
                    "directory");
    g_error_free(err);
}

/*
 * The writer thread's view: memory bytes are counted in @completed (the
 * headers are not); a stalled non-blocking pipe waits until cancelled.
 */
static void test_progress(void)
{
    static uint8_t ram[3 << 20];
    const DumpBlock b[2] = {{0, sizeof(ram), ram}, {1 << 30, 4096, ram}};
    DumpProgress prog = {.cancel_fd = -1};
    g_autofree char *path = NULL;
    GError *err = NULL;
    int fd = g_file_open_tmp("test-dump-XXXXXX", &path, &err);
    int fds[2];
    uint64_t one = 1;

    g_assert_cmpint(fd, >=, 0);
    g_assert_true(dump_write_elf_progress(fd, NULL, 0, b, 2, &prog, &err));
    g_assert_cmpuint(prog.completed, ==, sizeof(ram) + 4096);
    close(fd);
    unlink(path);

    /* Nobody reads the pipe: only the cancel eventfd ends the write. */
    g_assert_cmpint(pipe2(fds, O_NONBLOCK), ==, 0);
    prog = (DumpProgress){.cancel_fd = eventfd(0, 0)};
    g_assert_cmpint(write(prog.cancel_fd, &one, sizeof(one)), ==, 8);
    g_assert_false(dump_write_elf_progress(fds[1], NULL, 0, b, 2, &prog, &err));
    g_assert_cmpstr(err->message, ==, "dump: cancelled");
    g_assert_cmpuint(prog.completed, <, sizeof(ram));
    g_clear_error(&err);
    close(prog.cancel_fd);
    close(fds[0]);
    close(fds[1]);
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dump/blocks", test_blocks);
    g_test_add_func("/dump/elf-layout", test_elf_layout);
    g_test_add_func("/dump/write-error", test_write_error);
    g_test_add_func("/dump/progress", test_progress);
    return g_test_run();
}
