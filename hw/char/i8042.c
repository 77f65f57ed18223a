/*
 * A minimal i8042 keyboard controller: type "i8042".
 *
 * Enough for Linux to probe it without timeouts (every command that
 * expects an answer gets one, and an AUX loopback byte raises IRQ 12 as
 * on real controllers: Linux waits 250 ms for that interrupt before it
 * gives up on the AUX port), and for the classic reboot paths: command
 * 0xfe (pulse the reset line) and an output-port write with bit 0 clear.
 * No key or mouse byte ever arrives.
 * It lives with the character devices because input devices have no
 * room of their own yet.
 */
#include "hw/irq.h"
#include "hw/isa/isa.h"
#include "qemu/log.h"
#include "system/runstate.h"

#define STAT_OBF     0x01
#define STAT_SYS     0x04
#define STAT_CMD     0x08
#define STAT_UNLOCK  0x10
#define STAT_AUX_OBF 0x20

#define CTR_KBD_INT 0x01
#define CTR_AUX_INT 0x02
#define CTR_SYS     0x04
#define CTR_KBD_DIS 0x10
#define CTR_AUX_DIS 0x20
#define CTR_XLATE   0x40

#define OUTQ_SIZE 8
#define KBD_IRQ   1
#define AUX_IRQ   12

typedef struct I8042State {
    ISADevice parent_obj;
    MemoryRegion data_io; /* 0x60 */
    MemoryRegion cmd_io;  /* 0x64 */
    uint8_t status;
    uint8_t ctr;         /* controller command byte */
    uint8_t pending_cmd; /* command waiting for its data byte, or 0 */
    uint8_t kbd_pending; /* keyboard command waiting for a byte, or 0 */
    uint8_t outq[OUTQ_SIZE];
    bool outq_aux[OUTQ_SIZE];
    unsigned out_head, out_count;
    int irq_level;     /* IRQ 1 */
    int aux_irq_level; /* IRQ 12 */
} I8042State;

static void i8042_update(I8042State *s)
{
    int level = 0, aux_level = 0;

    s->status &= ~(STAT_OBF | STAT_AUX_OBF);
    if (s->out_count) {
        s->status |= STAT_OBF;
        if (s->outq_aux[s->out_head]) {
            s->status |= STAT_AUX_OBF;
            aux_level = !!(s->ctr & CTR_AUX_INT);
        } else {
            level = !!(s->ctr & CTR_KBD_INT);
        }
    }
    if (level != s->irq_level) {
        s->irq_level = level;
        qemu_set_irq(KBD_IRQ, level);
    }
    if (aux_level != s->aux_irq_level) {
        s->aux_irq_level = aux_level;
        qemu_set_irq(AUX_IRQ, aux_level);
    }
}

static void i8042_queue(I8042State *s, uint8_t byte, bool aux)
{
    if (s->out_count < OUTQ_SIZE) {
        unsigned i = (s->out_head + s->out_count++) % OUTQ_SIZE;

        s->outq[i] = byte;
        s->outq_aux[i] = aux;
    }
    i8042_update(s);
}

static void i8042_reset_line(void)
{
    qemu_system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
}

/* A byte for the keyboard itself (an AT keyboard's command set). */
static void i8042_kbd_write(I8042State *s, uint8_t v)
{
    if (s->kbd_pending) {
        s->kbd_pending = 0; /* LED state, typematic rate, ... */
        i8042_queue(s, 0xfa, false);
        return;
    }
    switch (v) {
    case 0xff: /* reset: ACK, then BAT passed */
        i8042_queue(s, 0xfa, false);
        i8042_queue(s, 0xaa, false);
        break;
    case 0xf2: /* identify: MF2 keyboard */
        i8042_queue(s, 0xfa, false);
        i8042_queue(s, 0xab, false);
        i8042_queue(s, 0x83, false);
        break;
    case 0xee: /* echo */
        i8042_queue(s, 0xee, false);
        break;
    case 0xed: /* set LEDs */
    case 0xf3: /* set typematic rate */
    case 0xf0: /* scan code set */
        s->kbd_pending = v;
        i8042_queue(s, 0xfa, false);
        break;
    default:
        i8042_queue(s, 0xfa, false);
        break;
    }
}

static void i8042_data_write(I8042State *s, uint8_t v)
{
    uint8_t cmd = s->pending_cmd;

    s->pending_cmd = 0;
    s->status &= ~STAT_CMD;
    switch (cmd) {
    case 0x60: /* write command byte */
        s->ctr = v;
        s->status = (s->status & ~STAT_SYS) | (v & CTR_SYS);
        i8042_update(s);
        break;
    case 0xd1: /* write output port: bit 0 is reset# */
        if (!(v & 1)) {
            i8042_reset_line();
        }
        break;
    case 0xd2: /* keyboard loopback */
        i8042_queue(s, v, false);
        break;
    case 0xd3: /* aux loopback */
        i8042_queue(s, v, true);
        break;
    case 0xd4: /* to the mouse: there is none */
        break;
    default:
        i8042_kbd_write(s, v);
    }
}

static void i8042_command(I8042State *s, uint8_t v)
{
    s->status |= STAT_CMD;
    switch (v) {
    case 0x20:
        i8042_queue(s, s->ctr, false);
        break;
    case 0x60:
    case 0xd1:
    case 0xd2:
    case 0xd3:
    case 0xd4:
        s->pending_cmd = v;
        break;
    case 0xa7:
        s->ctr |= CTR_AUX_DIS;
        break;
    case 0xa8:
        s->ctr &= ~CTR_AUX_DIS;
        break;
    case 0xa9: /* aux interface test: OK */
    case 0xab: /* keyboard interface test: OK */
        i8042_queue(s, 0x00, false);
        break;
    case 0xaa: /* controller self test */
        s->status |= STAT_SYS;
        i8042_queue(s, 0x55, false);
        break;
    case 0xad:
        s->ctr |= CTR_KBD_DIS;
        break;
    case 0xae:
        s->ctr &= ~CTR_KBD_DIS;
        break;
    case 0xd0: /* read output port: A20 on, no reset */
        i8042_queue(s, 0x03, false);
        break;
    default:
        if (v >= 0xf0 && !(v & 1)) {
            i8042_reset_line(); /* 0xfe: pulse reset */
        } else if (v < 0xf0) {
            qemu_log_mask(LOG_UNIMP, "i8042: command 0x%02x ignored\n", v);
        }
    }
}

static uint64_t i8042_data_read(void *opaque, uint64_t addr, unsigned size)
{
    I8042State *s = opaque;
    uint8_t v;

    if (!s->out_count) {
        return s->outq[(s->out_head + OUTQ_SIZE - 1) % OUTQ_SIZE];
    }
    v = s->outq[s->out_head];
    s->out_head = (s->out_head + 1) % OUTQ_SIZE;
    s->out_count--;
    i8042_update(s);
    return v;
}

static void i8042_data_io_write(void *opaque, uint64_t addr, uint64_t val,
                                unsigned size)
{
    i8042_data_write(opaque, val);
}

static uint64_t i8042_status_read(void *opaque, uint64_t addr, unsigned size)
{
    I8042State *s = opaque;

    return s->status;
}

static void i8042_cmd_io_write(void *opaque, uint64_t addr, uint64_t val,
                               unsigned size)
{
    i8042_command(opaque, val);
}

static const MemoryRegionOps i8042_data_ops = {
    .read = i8042_data_read,
    .write = i8042_data_io_write,
    .impl_min = 1,
    .impl_max = 1,
};

static const MemoryRegionOps i8042_cmd_ops = {
    .read = i8042_status_read,
    .write = i8042_cmd_io_write,
    .impl_min = 1,
    .impl_max = 1,
};

static I8042State *i8042_state(DeviceState *dev)
{
    return container_of(dev, I8042State, parent_obj.parent_obj);
}

static void i8042_reset(DeviceState *dev)
{
    I8042State *s = i8042_state(dev);

    s->status = STAT_UNLOCK;
    s->ctr = CTR_KBD_INT | CTR_XLATE | CTR_AUX_DIS;
    s->pending_cmd = 0;
    s->kbd_pending = 0;
    s->out_head = s->out_count = 0;
    i8042_update(s);
}

static void i8042_instance_init(DeviceState *dev)
{
    I8042State *s = i8042_state(dev);

    memory_region_init_io(&s->data_io, &i8042_data_ops, s, "i8042-data", 1);
    memory_region_init_io(&s->cmd_io, &i8042_cmd_ops, s, "i8042-cmd", 1);
    i8042_reset(dev);
}

static bool i8042_realize(DeviceState *dev, GError **errp)
{
    I8042State *s = i8042_state(dev);

    if (!isa_register_ioport(&s->parent_obj, &s->data_io, 0x60, errp)) {
        return false;
    }
    if (!isa_register_ioport(&s->parent_obj, &s->cmd_io, 0x64, errp)) {
        isa_unregister_ioport(&s->parent_obj, &s->data_io);
        return false;
    }
    return true;
}

static void i8042_unrealize(DeviceState *dev)
{
    I8042State *s = i8042_state(dev);

    isa_unregister_ioport(&s->parent_obj, &s->data_io);
    isa_unregister_ioport(&s->parent_obj, &s->cmd_io);
}

/* QEMU's i8042 out-GPIOs: the keyboard and mouse IRQs, and "a20". */
static const DeviceGpioOut i8042_gpio_out[] = {
    {NULL, 2},
    {"a20", 1},
    {NULL, 0},
};

/* QEMU's i8042 in-GPIOs: the lines its PS/2 keyboard and mouse raise
 * (newest group first, as QEMU prints them). */
static const DeviceGpioOut i8042_gpio_in[] = {
    {"ps2-mouse-input-irq", 1},
    {"ps2-kbd-input-irq", 1},
    {NULL, 0},
};

static int i8042_gpio_out_gsi(DeviceState *dev, const char *name, unsigned n)
{
    return name ? -1 : n == 0 ? KBD_IRQ : AUX_IRQ;
}

const DeviceClass i8042_class = {
    .name = "i8042",
    .parent = TYPE_ISA_DEVICE,
    .bus_type = TYPE_ISA_BUS,
    .category = DEVICE_CATEGORY_INPUT,
    .user_creatable = false,
    .hotpluggable = false,
    .instance_size = sizeof(I8042State),
    .instance_init = i8042_instance_init,
    .realize = i8042_realize,
    .unrealize = i8042_unrealize,
    .reset = i8042_reset,
    .gpio_out = i8042_gpio_out,
    .gpio_out_gsi = i8042_gpio_out_gsi,
    .gpio_in = i8042_gpio_in,
};
