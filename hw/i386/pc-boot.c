/*
 * What the pc machine puts in guest memory before the first instruction:
 * ACPI tables (at 0xe0000, found by scanning or through the boot
 * parameters), and either a Linux kernel (direct boot, no firmware) or
 * a -bios image.  Everything is kept so that system_reset can restore
 * it exactly: a rebooting guest finds the same tables and kernel.
 */
#include "hw/acpi/acpi-build.h"
#include "hw/i386/pc.h"
#include "hw/i386/x86-loader.h"
#include "hw/i386/pc-pam.h"

#define COM1_PORT 0x3f8
#define RTC_PORT  0x70

#define FOUR_GIB        (UINT64_C(1) << 32)
#define ONE_GIB         (UINT64_C(1) << 30)
#define PCI_HOLE64_SIZE (UINT64_C(2) << 30) /* QEMU's pci-hole64-size */

typedef struct PCBootState {
    AcpiBuildResult acpi;
    bool have_acpi;
    X86LinuxBoot linux_boot;
    bool have_linux;
    X86Bios *bios;
} PCBootState;

/* One machine per process; set up by pc_boot_setup(). */
static PCBootState *pc_boot;

void pc_acpi_config(MachineState *ms, AcpiBuildConfig *cfg)
{
    cfg->cpus = ms->smp_cpus ? ms->smp_cpus : 1;
    /* Describe the legacy devices the board actually created. */
    cfg->com1 = address_space_lookup(ms->io, COM1_PORT) != NULL;
    cfg->rtc = address_space_lookup(ms->io, RTC_PORT) != NULL;
    cfg->pci = ms->mc->has_pci;
    cfg->fw_cfg = ms->mc->has_fw_cfg;
    cfg->pci_bus = ms->pci_bus;
    if (cfg->pci) {
        /*
         * The windows as QEMU's i440FX computes them: 32-bit from the top
         * of low RAM, 64-bit 2 GiB from the first GiB boundary above RAM
         * (4 GiB while all RAM is below 4 GiB).
         */
        cfg->low_ram_top = ms->below_4g_mem_size;
        cfg->mem64_start =
            (FOUR_GIB + ms->above_4g_mem_size + ONE_GIB - 1) & ~(ONE_GIB - 1);
        cfg->mem64_end = cfg->mem64_start + PCI_HOLE64_SIZE - 1;
    }
}

/* Copy the tables and the boot images into RAM; set the vCPU entry. */
static bool pc_boot_load(MachineState *ms, GError **errp)
{
    X86BootInfo bi = {.mode = X86_ENTRY_RESET};
    uint64_t rsdp = 0;

    if (pc_boot->have_acpi) {
        const AcpiBuildResult *r = &pc_boot->acpi;

        /* Without RAM at 0xe0000 (tiny -m under qtest) there are none. */
        if (x86_copy_to_guest(ms, r->base, r->blob->data, r->blob->len)) {
            rsdp = r->rsdp_addr;
        }
    }
    if (pc_boot->bios) {
        /*
         * Without PCI the BIOS is copied to low RAM, as a chipset that
         * shadows it; with the i440FX, PAM shows it (pc-pam.c) and the
         * entry is the reset vector.
         */
        if (!ms->mc->has_pci) {
            x86_bios_load(pc_boot->bios, ms, &bi);
        }
    } else if (pc_boot->have_linux &&
               !x86_linux_load(&pc_boot->linux_boot, ms, rsdp, &bi, errp)) {
        return false;
    }
    x86_set_boot_info(&bi);
    return true;
}

bool pc_boot_setup(MachineState *ms, GError **errp)
{
    AcpiBuildConfig cfg;

    g_assert(!pc_boot);
    pc_boot = g_new0(PCBootState, 1);
    if ((ms->initrd_filename || (ms->kernel_cmdline && *ms->kernel_cmdline)) &&
        !ms->kernel_filename) {
        error_setg(errp, "-%s only allowed with -kernel option",
                   ms->initrd_filename ? "initrd" : "append");
        return false;
    }
    if (ms->firmware) {
        /* Firmware brings its own tables; ours would be overwritten. */
        if (ms->kernel_filename) {
            error_setg(errp, "-bios and -kernel cannot be combined: "
                             "Vigil boots Linux directly, without firmware");
            return false;
        }
        pc_boot->bios = x86_bios_prepare(ms, ms->firmware, errp);
        if (!pc_boot->bios) {
            return false;
        }
        if (ms->mc->has_pci) {
            pc_pam_set_bios(ms, ms->rom, ms->rom_size);
        }
    } else {
        pc_acpi_config(ms, &cfg);
        if (!acpi_build_tables(&cfg, ACPI_TABLES_BASE, &pc_boot->acpi, errp)) {
            return false;
        }
        pc_boot->have_acpi = true;
    }
    if (ms->kernel_filename) {
        if (!x86_linux_prepare(&pc_boot->linux_boot, ms->kernel_filename,
                               ms->initrd_filename, ms->kernel_cmdline, errp)) {
            return false;
        }
        pc_boot->have_linux = true;
    }
    if (ms->mc->has_pci) {
        /*
         * A reset before the first instruction, as QEMU does: now that
         * the boot mode is known, the i440FX takes the PAM values that
         * go with it (pc_pam_reset_values()).
         */
        qdev_reset_all();
    }
    return pc_boot_load(ms, errp);
}

void pc_boot_reset(MachineState *ms)
{
    g_autoptr(GError) err = NULL;

    /* The same images fitted at start-up, so this cannot fail. */
    if (pc_boot && !pc_boot_load(ms, &err)) {
        warn_report("system_reset: %s", err->message);
    }
}

void pc_boot_cleanup(MachineState *ms)
{
    pc_pam_cleanup(ms);
    if (!pc_boot) {
        return;
    }
    acpi_build_result_free(&pc_boot->acpi);
    x86_linux_free(&pc_boot->linux_boot);
    x86_bios_free(pc_boot->bios, ms);
    g_clear_pointer(&pc_boot, g_free);
    x86_set_boot_info(&(X86BootInfo){.mode = X86_ENTRY_RESET});
}
