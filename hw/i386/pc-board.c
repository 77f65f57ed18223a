/*
 * Fixed legacy devices of the pc board and the board's own ports.
 *
 * Always present: the CMOS RTC, the i8042, the reset control register
 * (0xcf9) and System Control Port A (0x92).  A 16550A COM port exists for
 * each -serial given (COM1 = serial_hd(0)), so a command line without
 * -serial gets no UART, and an unchanged command line always gets
 * unchanged hardware.  The PIC, IOAPIC and PIT belong to the accelerator
 * (in-kernel under KVM).  The board's constants live here, not in the
 * devices.
 */
#include "hw/i386/pc.h"
#include "hw/catalog.h"
#include "hw/char/serial.h"
#include "hw/isa/isa.h"
#include "hw/rtc/mc146818rtc.h"
#include "system/runstate.h"
#include "system/system.h"

#define PC_RESET_CONTROL_PORT 0xcf9
#define PC_PORT92             0x92

#define RCR_SYS_RST  0x02 /* hard reset when combined with RST_CPU */
#define RCR_RST_CPU  0x04
#define PORT92_RESET 0x01
#define PORT92_A20   0x02

static const struct {
    uint16_t iobase;
    uint8_t irq;
} pc_com_ports[MAX_SERIAL_PORTS] = {
    {0x3f8, 4},
    {0x2f8, 3},
    {0x3e8, 4},
    {0x2e8, 3},
};

/* One machine per process, so the board's two registers are static. */
static struct {
    MemoryRegion rcr_io;
    MemoryRegion port92_io;
    uint8_t rcr;
    uint8_t port92;
} pc_board;

static uint64_t rcr_read(void *opaque, uint64_t addr, unsigned size)
{
    return pc_board.rcr;
}

static void rcr_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    if (val & RCR_RST_CPU) {
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return;
    }
    pc_board.rcr = val & RCR_SYS_RST;
}

static uint64_t port92_read(void *opaque, uint64_t addr, unsigned size)
{
    return pc_board.port92;
}

static void port92_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    uint8_t old = pc_board.port92;

    /* A20 is always on under KVM; the bit is only remembered. */
    pc_board.port92 = val & (PORT92_A20 | PORT92_RESET);
    if ((val & PORT92_RESET) && !(old & PORT92_RESET)) {
        pc_board.port92 &= ~PORT92_RESET;
        qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static const MemoryRegionOps rcr_ops = {
    .read = rcr_read,
    .write = rcr_write,
    .impl_min = 1,
    .impl_max = 1,
};

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .impl_min = 1,
    .impl_max = 1,
};

char *pc_board_qom_path(const MachineState *ms, unsigned slot,
                        unsigned serial_index)
{
    /* The vCPUs, and the kvmvapic QEMU creates with the first. */
    unsigned n = ms->smp_cpus + 1 + slot;

    if (slot == PC_QOM_SERIAL) {
        n += serial_index;
    } else if (slot > PC_QOM_SERIAL) {
        for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
            n += serial_hd(i) != NULL;
        }
    }
    /* QEMU creates no HPET with hpet=off, no vmport and vmmouse with
     * vmport=off. */
    if (machine_opts.hpet_off && slot > PC_QOM_HPET) {
        n--;
    }
    if (machine_opts.vmport && !strcmp(machine_opts.vmport, "off") &&
        slot > PC_QOM_VMPORT) {
        n -= 2;
    }
    return g_strdup_printf("/machine/unattached/device[%u]", n);
}

/* Create, configure and realize a board device on the ISA bus, at QOM
 * path @path. */
static DeviceState *pc_board_add(MachineState *ms, const char *type,
                                 const char *const *props, char *path,
                                 GError **errp)
{
    const DeviceClass *dc = qdev_find_type(type);
    DeviceState *dev;

    if (!dc) {
        error_setg(errp, "board device type '%s' is missing", type);
        g_free(path);
        return NULL;
    }
    dev = qdev_new(dc);
    dev->canonical_path = path;
    for (; props && props[0]; props += 2) {
        if (!qdev_set_prop_text(dev, props[0], props[1], errp)) {
            qdev_unref(dev);
            return NULL;
        }
    }
    if (!qdev_realize(dev, ms->isa_bus, errp)) {
        qdev_unref(dev);
        return NULL;
    }
    return dev;
}

static bool pc_board_add_serial(MachineState *ms, int index, unsigned nserial,
                                GError **errp)
{
    g_autofree char *idx = g_strdup_printf("%d", index);
    g_autofree char *iobase =
        g_strdup_printf("0x%x", pc_com_ports[index].iobase);
    g_autofree char *irq = g_strdup_printf("%u", pc_com_ports[index].irq);
    const char *props[] = {
        "index", idx, "iobase",  iobase,
        "irq",   irq, "chardev", qemu_chr_id(serial_hd(index)),
        NULL,
    };

    return pc_board_add(ms, TYPE_ISA_SERIAL, props,
                        pc_board_qom_path(ms, PC_QOM_SERIAL, nserial),
                        errp) != NULL;
}

static bool pc_board_map_ports(MachineState *ms, GError **errp)
{
    memory_region_init_io(&pc_board.rcr_io, &rcr_ops, NULL, "reset-control", 1);
    memory_region_init_io(&pc_board.port92_io, &port92_ops, NULL, "port92", 1);
    pc_board.rcr = 0;
    pc_board.port92 = PORT92_A20;
    return address_space_map(ms->io, &pc_board.rcr_io, PC_RESET_CONTROL_PORT,
                             "reset-control", errp) &&
           address_space_map(ms->io, &pc_board.port92_io, PC_PORT92, "port92",
                             errp);
}

bool pc_board_devices_init(MachineState *ms, GError **errp)
{
    unsigned nserial = 0;

    /* Created in Vigil's order; the paths are QEMU's (pc.h). */
    if (!pc_board_map_ports(ms, errp) ||
        !pc_board_add(ms, TYPE_MC146818_RTC, NULL,
                      pc_board_qom_path(ms, PC_QOM_RTC, 0), errp) ||
        !pc_board_add(ms, "i8042", NULL, pc_board_qom_path(ms, PC_QOM_I8042, 0),
                      errp)) {
        return false;
    }
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        if (serial_hd(i) && !pc_board_add_serial(ms, i, nserial++, errp)) {
            return false;
        }
    }
    return true;
}
