/*
 * The pc machine's fw_cfg: which items exist and where their values come
 * from (docs/specs/fw_cfg.rst has the table).
 *
 * Only what means something on a machine that boots without firmware:
 * no ACPI table-loader or SMBIOS files (Vigil writes its tables into
 * guest memory itself), no boot order or geometry, no option ROMs, no
 * kernel items (Vigil loads -kernel itself).  Items QEMU leaves empty on
 * pc (machine id, boot device, legacy ACPI/SMBIOS/E820 keys) read as
 * zeros here too, because an item that was never set reads as zeros.
 */
#include "hw/i386/e820.h"
#include "hw/i386/pc.h"
#include "hw/nvram/fw_cfg.h"
#include "system/system.h"

#include <string.h>

#define E820_FW_CFG_ENTRY 20 /* LE64 address, LE64 length, LE32 type */

/* QEMU's checks and words (the missing space after the comma included). */
static bool pc_fw_cfg_check_boot(GError **errp)
{
    if (boot_config.has_splash_time && boot_config.splash_time > 0xffff) {
        error_setg(errp, "splash-time is invalid,"
                         "it should be a value between 0 and 65535");
        return false;
    }
    if (boot_config.has_reboot_timeout && boot_config.reboot_timeout > 0xffff &&
        boot_config.reboot_timeout != UINT64_MAX) {
        error_setg(errp, "reboot timeout is invalid,"
                         "it should be a value between -1 and 65535");
        return false;
    }
    return true;
}

/*
 * -boot: the menu flag always; etc/boot-menu-wait only with splash-time
 * (QEMU has no "splash-time" file); etc/boot-fail-wait always, -1 (no
 * reboot) unless reboot-timeout says otherwise.
 */
static bool pc_fw_cfg_boot(FWCfgState *s, GError **errp)
{
    uint32_t fail_wait = GUINT32_TO_LE(
        boot_config.has_reboot_timeout ? (uint32_t)boot_config.reboot_timeout
                                       : UINT32_MAX);

    fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, boot_config.menu);
    if (boot_config.has_splash_time) {
        uint16_t wait = GUINT16_TO_LE((uint16_t)boot_config.splash_time);

        if (!fw_cfg_add_file(s, "etc/boot-menu-wait", &wait, sizeof(wait),
                             errp)) {
            return false;
        }
    }
    return fw_cfg_add_file(s, "etc/boot-fail-wait", &fail_wait,
                           sizeof(fail_wait), errp);
}

/* etc/e820: the very map the kernel gets in its zero page (e820.h). */
static bool pc_fw_cfg_e820(MachineState *ms, FWCfgState *s, GError **errp)
{
    E820Entry map[E820_MAX_ENTRIES];
    uint8_t file[E820_MAX_ENTRIES * E820_FW_CFG_ENTRY];
    unsigned n = e820_build(ms, map, E820_MAX_ENTRIES);

    for (unsigned i = 0; i < n; i++) {
        uint8_t *p = file + (size_t)i * E820_FW_CFG_ENTRY;
        uint64_t addr = GUINT64_TO_LE(map[i].addr);
        uint64_t size = GUINT64_TO_LE(map[i].size);
        uint32_t type = GUINT32_TO_LE(map[i].type);

        memcpy(p, &addr, 8);
        memcpy(p + 8, &size, 8);
        memcpy(p + 16, &type, 4);
    }
    return fw_cfg_add_file(s, "etc/e820", file, (size_t)n * E820_FW_CFG_ENTRY,
                           errp);
}

bool pc_fw_cfg_init(MachineState *ms, GError **errp)
{
    FWCfgState *s;
    uint8_t uuid[16];
    uint64_t *numa;

    if (!pc_fw_cfg_check_boot(errp)) {
        return false;
    }
    s = fw_cfg_init_io(ms, errp);
    if (!s) {
        return false;
    }
    qemu_uuid_get(uuid);
    fw_cfg_add_bytes(s, FW_CFG_UUID, uuid, sizeof(uuid));
    fw_cfg_add_i64(s, FW_CFG_RAM_SIZE, ms->ram_size);
    fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, qemu_nographic);
    fw_cfg_add_i16(s, FW_CFG_NB_CPUS, ms->smp_cpus);
    /* QEMU's is the APIC ID limit; maxcpus > cpus is refused here. */
    fw_cfg_add_i16(s, FW_CFG_MAX_CPUS, ms->smp_cpus);
    /*
     * NUMA: a node count (0: Vigil has no -numa), one node per APIC ID
     * (APIC IDs are vCPU numbers here), one size per node; all zeros.
     */
    numa = g_new0(uint64_t, 1 + ms->smp_cpus);
    fw_cfg_add_bytes(s, FW_CFG_NUMA, numa, (1 + ms->smp_cpus) * sizeof(*numa));
    g_free(numa);
    /* The MADT routes IRQ 0 to GSI 2 (hw/acpi/madt.c). */
    fw_cfg_add_i32(s, FW_CFG_IRQ0_OVERRIDE, 1);
    return pc_fw_cfg_boot(s, errp) && pc_fw_cfg_e820(ms, s, errp);
}

/*
 * Devices add their files when they are realized (vmcoreinfo), so the
 * directory is complete once they all are; nothing is left to add.
 */
bool pc_fw_cfg_done(MachineState *ms, GError **errp)
{
    return true;
}
