/*
 * 16550A on the ISA bus: type "isa-serial".
 *
 * Properties as QEMU names them: index (which COM port's defaults to
 * use), iobase and irq (override the defaults), chardev (backend id).
 * The classic COM port table below is the device's default wiring, the
 * same on every PC; a board passes explicit values for what it builds.
 */
#include "hw/char/serial.h"
#include "hw/isa/isa.h"

#define PROP_UNSET 0xffffffffu

typedef struct ISASerialState {
    ISADevice parent_obj;
    uint32_t index;
    uint32_t iobase;
    uint32_t irq;
    char *chardev;
    SerialState state;
} ISASerialState;

static const struct {
    uint16_t iobase;
    uint8_t irq;
} isa_serial_defaults[] = {
    {0x3f8, 4},
    {0x2f8, 3},
    {0x3e8, 4},
    {0x2e8, 3},
};

static ISASerialState *isa_serial(DeviceState *dev)
{
    return container_of(dev, ISASerialState, parent_obj.parent_obj);
}

static void isa_serial_instance_init(DeviceState *dev)
{
    serial_init(&isa_serial(dev)->state, "serial");
}

static bool isa_serial_realize(DeviceState *dev, GError **errp)
{
    ISASerialState *s = isa_serial(dev);
    Chardev *chr = NULL;
    uint32_t index = s->index == PROP_UNSET ? 0 : s->index;

    if (index >= G_N_ELEMENTS(isa_serial_defaults)) {
        error_setg(errp, "Max. supported number of ISA serial ports is %zu.",
                   G_N_ELEMENTS(isa_serial_defaults));
        return false;
    }
    if (s->iobase == PROP_UNSET) {
        s->iobase = isa_serial_defaults[index].iobase;
    }
    if (s->irq == PROP_UNSET) {
        s->irq = isa_serial_defaults[index].irq;
    }
    if (s->iobase > 0xfff8) {
        error_setg(errp, "Property 'iobase' of isa-serial out of range");
        return false;
    }
    if (s->chardev) {
        chr = qemu_chr_find(s->chardev);
        if (!chr) {
            error_setg(errp,
                       "Property 'isa-serial.chardev' can't find "
                       "value '%s'",
                       s->chardev);
            return false;
        }
    }
    if (!isa_register_ioport(&s->parent_obj, &s->state.io, s->iobase, errp)) {
        return false;
    }
    if (!serial_connect(&s->state, chr, s->irq, errp)) {
        isa_unregister_ioport(&s->parent_obj, &s->state.io);
        return false;
    }
    return true;
}

static void isa_serial_unrealize(DeviceState *dev)
{
    ISASerialState *s = isa_serial(dev);

    isa_unregister_ioport(&s->parent_obj, &s->state.io);
}

static void isa_serial_reset(DeviceState *dev)
{
    serial_reset(&isa_serial(dev)->state);
}

static void isa_serial_finalize(DeviceState *dev)
{
    serial_finalize(&isa_serial(dev)->state);
}

static const Property isa_serial_props[] = {
    DEFINE_PROP_UINT32("index", ISASerialState, index, PROP_UNSET),
    DEFINE_PROP_UINT32("iobase", ISASerialState, iobase, PROP_UNSET),
    DEFINE_PROP_UINT32("irq", ISASerialState, irq, PROP_UNSET),
    DEFINE_PROP_STRING("chardev", ISASerialState, chardev),
    DEFINE_PROP_END_OF_LIST(),
};

static const char *const isa_serial_children[] = {
    "serial",
    "child<memory-region>",
    NULL,
    NULL,
};

static MemoryRegion *isa_serial_child_region(DeviceState *dev, unsigned index)
{
    return &isa_serial(dev)->state.io;
}

const DeviceClass isa_serial_class = {
    .child_region = isa_serial_child_region,
    .name = TYPE_ISA_SERIAL,
    .parent = TYPE_ISA_DEVICE,
    .bus_type = TYPE_ISA_BUS,
    .category = DEVICE_CATEGORY_INPUT,
    .user_creatable = true,
    .hotpluggable = false,
    .instance_size = sizeof(ISASerialState),
    .props = isa_serial_props,
    .children = isa_serial_children,
    .instance_init = isa_serial_instance_init,
    .realize = isa_serial_realize,
    .unrealize = isa_serial_unrealize,
    .reset = isa_serial_reset,
    .finalize = isa_serial_finalize,
};
