/*
 * The pc board's boot pieces without a CPU: the E820 map, the bzImage and
 * PVH loaders (on synthetic images), and the ACPI PM block's registers.
 */
#include <elf.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hw/acpi/pm.h"
#include "hw/i386/e820.h"
#include "hw/i386/x86-loader.h"
#include "hw/irq.h"
#include "system/memory.h"
#include "system/runstate.h"

#define MIB (UINT64_C(1) << 20)

/* Spy on the shutdown request the PM block makes (linked with --wrap). */
static int shutdown_requests = -1;
void __wrap_qemu_system_shutdown_request(ShutdownCause cause);
void __wrap_qemu_system_shutdown_request(ShutdownCause cause)
{
    shutdown_requests = cause;
}

static MachineState *fake_machine(uint64_t ram)
{
    MachineState *ms = g_new0(MachineState, 1);

    ms->ram_size = ram;
    ms->below_4g_mem_size = ram < 0xe0000000 ? ram : 0xc0000000;
    ms->above_4g_mem_size = ram - ms->below_4g_mem_size;
    ms->ram = mmap(NULL, ram, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    g_assert(ms->ram != MAP_FAILED);
    return ms;
}

static void free_machine(MachineState *ms)
{
    munmap(ms->ram, ms->ram_size);
    g_free(ms);
}

static void test_e820(void)
{
    MachineState small = {.below_4g_mem_size = 128 * MIB};
    MachineState big = {.below_4g_mem_size = 0xc0000000,
                        .above_4g_mem_size = 1024 * MIB};
    E820Entry e[E820_MAX_ENTRIES];
    unsigned n = e820_build(&small, e, E820_MAX_ENTRIES);

    g_assert_cmpuint(n, ==, 4);
    g_assert_cmphex(e[0].addr, ==, 0);
    g_assert_cmphex(e[0].size, ==, 0x9fc00);
    g_assert_cmpuint(e[0].type, ==, E820_RAM);
    g_assert_cmphex(e[2].addr, ==, 0xe0000);
    g_assert_cmpuint(e[2].type, ==, E820_RESERVED);
    g_assert_cmphex(e[3].addr + e[3].size, ==, 128 * MIB);
    n = e820_build(&big, e, E820_MAX_ENTRIES);
    g_assert_cmpuint(n, ==, 5);
    g_assert_cmphex(e[4].addr, ==, UINT64_C(1) << 32);
    g_assert_cmphex(e[4].size, ==, 1024 * MIB);
}

static char *write_temp(const void *data, size_t len)
{
    g_autoptr(GError) err = NULL;
    char *path = NULL;
    int fd = g_file_open_tmp("vigil-kernel-XXXXXX", &path, &err);

    g_assert_no_error(err);
    close(fd);
    g_assert_true(g_file_set_contents(path, data, len, &err));
    return path;
}

/* A bzImage-shaped file: 4 setup sectors, 64-bit entry, protocol 2.15. */
static GByteArray *fake_bzimage(void)
{
    GByteArray *b = g_byte_array_new();
    size_t len = 5 * 512 + 8192;

    g_byte_array_set_size(b, len);
    memset(b->data, 0, len);
    b->data[0x1f1] = 4; /* setup_sects */
    b->data[0x1fe] = 0x55;
    b->data[0x1ff] = 0xaa;
    b->data[0x201] = 0x6a; /* header length */
    memcpy(b->data + 0x202, "HdrS", 4);
    b->data[0x206] = 0x0f; /* 2.15 */
    b->data[0x207] = 0x02;
    b->data[0x211] = 0x01; /* LOADED_HIGH */
    b->data[0x22f] = 0x37; /* initrd max ~880M */
    b->data[0x22e] = 0xff;
    b->data[0x22d] = 0xff;
    b->data[0x22c] = 0xff;
    b->data[0x236] = 0x01; /* XLF_KERNEL_64 */
    b->data[0x239] = 0x08; /* cmdline 2048 */
    b->data[0x25a] = 0x00;
    b->data[0x25b] = 0x01; /* pref 16 MiB */
    b->data[0x262] = 0x00;
    b->data[0x263] = 0x01;                 /* init_size 16M */
    memset(b->data + 5 * 512, 0x90, 8192); /* "kernel" */
    return b;
}

static void test_bzimage(void)
{
    g_autoptr(GByteArray) img = fake_bzimage();
    g_autofree char *path = write_temp(img->data, img->len);
    g_autofree char *initrd = write_temp("INITRD", 6);
    g_autoptr(GError) err = NULL;
    MachineState *ms = fake_machine(64 * MIB);
    X86LinuxBoot lb;
    X86BootInfo bi;
    uint8_t *zp = ms->ram + X86_BOOT_PARAMS_ADDR;
    uint32_t rd;

    g_assert_true(x86_linux_prepare(&lb, path, initrd, "console=ttyS0", &err));
    g_assert_true(x86_linux_load(&lb, ms, 0xe0000, &bi, &err));
    g_assert_no_error(err);
    g_assert_cmpint(bi.mode, ==, X86_ENTRY_LONG64);
    g_assert_cmphex(bi.entry, ==, 0x100200);
    g_assert_cmphex(bi.rsi, ==, 0x7000);
    g_assert_cmphex(zp[0x210], ==, 0xff);
    g_assert_cmphex(zp[0x211], ==, 0x81);
    g_assert_cmpmem(zp + 0x202, 4, "HdrS", 4);
    g_assert_cmpstr((char *)ms->ram + 0x20000, ==, "console=ttyS0");
    g_assert_cmphex(zp[0x70] | zp[0x71] << 8 | zp[0x72] << 16, ==, 0xe0000);
    g_assert_cmpuint(zp[0x1e8], ==, 4);
    memcpy(&rd, zp + 0x218, 4);
    g_assert_cmphex(rd % 4096, ==, 0);
    g_assert_cmphex(rd + 6, <=, 64 * MIB);
    g_assert_cmpmem(ms->ram + rd, 6, "INITRD", 6);
    g_assert_cmphex(ms->ram[0x100000], ==, 0x90);
    x86_linux_free(&lb);
    free_machine(ms);

    /* 16 MiB preferred + 16 MiB init_size do not fit in 24 MiB. */
    ms = fake_machine(24 * MIB);
    g_assert_true(x86_linux_prepare(&lb, path, NULL, NULL, &err));
    g_assert_false(x86_linux_load(&lb, ms, 0, &bi, &err));
    g_assert_nonnull(strstr(err->message, "kernel too large"));
    x86_linux_free(&lb);
    free_machine(ms);
    unlink(path);
    unlink(initrd);
}

/* A minimal ELF32 with one PT_LOAD at 1 MiB and the PVH note. */
static void test_pvh(void)
{
    struct {
        Elf32_Ehdr eh;
        Elf32_Phdr ph[2];
        uint32_t note[5];
        uint8_t code[16];
    } img = {0};
    g_autofree char *path = NULL;
    g_autoptr(GError) err = NULL;
    MachineState *ms = fake_machine(16 * MIB);
    X86LinuxBoot lb;
    X86BootInfo bi;
    uint32_t v;

    memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
    img.eh.e_ident[EI_CLASS] = ELFCLASS32;
    img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    img.eh.e_machine = EM_386;
    img.eh.e_phoff = offsetof(typeof(img), ph);
    img.eh.e_phentsize = sizeof(Elf32_Phdr);
    img.eh.e_phnum = 2;
    img.ph[0] = (Elf32_Phdr){.p_type = PT_NOTE,
                             .p_offset = offsetof(typeof(img), note),
                             .p_filesz = sizeof(img.note)};
    img.ph[1] = (Elf32_Phdr){.p_type = PT_LOAD,
                             .p_offset = offsetof(typeof(img), code),
                             .p_paddr = 0x100000,
                             .p_filesz = 16,
                             .p_memsz = 4096};
    img.note[0] = 4;
    img.note[1] = 4;
    img.note[2] = 18;
    memcpy(&img.note[3], "Xen", 4);
    img.note[4] = 0x100004;
    memset(img.code, 0xf4, sizeof(img.code));
    path = write_temp(&img, sizeof(img));

    g_assert_true(x86_linux_prepare(&lb, path, NULL, "x", &err));
    g_assert_no_error(err);
    g_assert_true(x86_linux_load(&lb, ms, 0xe0000, &bi, &err));
    g_assert_cmpint(bi.mode, ==, X86_ENTRY_PROT32);
    g_assert_cmphex(bi.entry, ==, 0x100004);
    g_assert_cmphex(bi.rbx, ==, 0x6000);
    memcpy(&v, ms->ram + 0x6000, 4);
    g_assert_cmphex(v, ==, 0x336ec578);
    memcpy(&v, ms->ram + 0x6000 + 32, 4);
    g_assert_cmphex(v, ==, 0xe0000);
    memcpy(&v, ms->ram + 0x6000 + 48, 4);
    g_assert_cmpuint(v, ==, 4); /* memmap entries */
    g_assert_cmphex(ms->ram[0x100000], ==, 0xf4);
    x86_linux_free(&lb);
    free_machine(ms);
    unlink(path);
}

static void test_bad_kernels(void)
{
    g_autofree char *path = write_temp("hello, world", 12);
    g_autoptr(GError) err = NULL;
    X86LinuxBoot lb;

    g_assert_false(x86_linux_prepare(&lb, "/nonexistent/k", NULL, NULL, &err));
    g_assert_nonnull(strstr(err->message, "could not load kernel"));
    g_clear_error(&err);
    g_assert_false(x86_linux_prepare(&lb, path, NULL, NULL, &err));
    g_assert_nonnull(strstr(err->message, "is not a Linux kernel"));
    unlink(path);
}

static void test_pm(void)
{
    g_autoptr(GError) err = NULL;
    AddressSpace *io = address_space_new("io", 0x10000, 0xff);
    AcpiPMState pm;
    uint64_t t0;

    g_assert_true(acpi_pm_init(&pm, io, &err));
    /* Always in ACPI mode. */
    g_assert_cmphex(address_space_read(io, 0x604, 2), ==, 1);
    /* Power button: status always, SCI only when enabled. */
    acpi_pm_powerdown(&pm);
    g_assert_cmphex(address_space_read(io, 0x600, 2), ==, 0x100);
    g_assert_cmpint(qemu_irq_level(9), ==, 0);
    address_space_write(io, 0x602, 0x100, 2);
    g_assert_cmpint(qemu_irq_level(9), ==, 1);
    address_space_write(io, 0x600, 0x100, 2); /* clear */
    g_assert_cmpint(qemu_irq_level(9), ==, 0);
    g_assert_cmphex(address_space_read(io, 0x600, 4), ==, 0x1000000);
    /* A sleep type we do not offer does nothing; S5 powers off. */
    address_space_write(io, 0x604, (1 << 10) | (1 << 13), 2);
    g_assert_cmpint(shutdown_requests, ==, -1);
    address_space_write(io, 0x604, (5 << 10) | (1 << 13), 2);
    g_assert_cmpint(shutdown_requests, ==, SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
    /* The timer is 24 bits and does not go backwards (short run). */
    t0 = address_space_read(io, 0x608, 4);
    g_assert_cmphex(t0, <=, 0xffffff);
    acpi_pm_reset(&pm);
    g_assert_cmphex(address_space_read(io, 0x602, 2), ==, 0);
    acpi_pm_fini(&pm);
    address_space_free(io);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/x86/e820", test_e820);
    g_test_add_func("/x86/bzimage", test_bzimage);
    g_test_add_func("/x86/pvh", test_pvh);
    g_test_add_func("/x86/bad-kernels", test_bad_kernels);
    g_test_add_func("/acpi/pm", test_pm);
    return g_test_run();
}
