/*
 * pvpanic on the ISA bus: type "pvpanic" (alias "isa-pvpanic").
 *
 * The glue owns the port number and the ACPI description; the register
 * behaviour is in pvpanic.c.  One instance per machine: the guest finds
 * the device through one ACPI node (PEVT), and QEMU also refuses a second
 * one (through a duplicate fw_cfg file), so say so clearly instead.
 */
#include "hw/acpi/aml-build.h"
#include "hw/isa/isa.h"
#include "hw/misc/pvpanic.h"

typedef struct PVPanicISAState {
    ISADevice parent_obj;
    uint16_t ioport;
    PVPanicState pvpanic;
} PVPanicISAState;

extern const DeviceClass pvpanic_isa_class;

static PVPanicISAState *pvpanic_isa(DeviceState *dev)
{
    return container_of(dev, PVPanicISAState, parent_obj.parent_obj);
}

static void pvpanic_isa_instance_init(DeviceState *dev)
{
    pvpanic_setup_io(&pvpanic_isa(dev)->pvpanic, 1);
}

typedef struct FindOther {
    DeviceState *self;
    DeviceState *other;
} FindOther;

static void find_other_pvpanic(DeviceState *dev, void *opaque)
{
    FindOther *f = opaque;

    if (dev != f->self && dev->klass == &pvpanic_isa_class && !f->other) {
        f->other = dev;
    }
}

static bool pvpanic_isa_realize(DeviceState *dev, GError **errp)
{
    PVPanicISAState *s = pvpanic_isa(dev);
    FindOther f = {.self = dev};

    qdev_foreach(find_other_pvpanic, &f);
    if (f.other) {
        error_setg(errp,
                   "Only one '%s' device is supported per machine; "
                   "'%s' already exists",
                   TYPE_PVPANIC_ISA_DEVICE,
                   f.other->id ? f.other->id : f.other->canonical_path);
        return false;
    }
    return isa_register_ioport(&s->parent_obj, &s->pvpanic.mr, s->ioport, errp);
}

static void pvpanic_isa_unrealize(DeviceState *dev)
{
    PVPanicISAState *s = pvpanic_isa(dev);

    isa_unregister_ioport(&s->parent_obj, &s->pvpanic.mr);
}

/* Device(PEVT), byte for byte what QEMU emits for the same port. */
static void pvpanic_isa_build_aml(DeviceState *dev, Aml *scope)
{
    uint16_t port = pvpanic_isa(dev)->ioport;
    Aml *d = aml_device("PEVT");
    Aml *crs = aml_resource_template();
    Aml *field, *method;

    aml_append(d, aml_name_decl("_HID", aml_string("QEMU0001")));
    aml_append(crs, aml_io(AML_DEC16, port, port, 1, 1));
    aml_append(d, aml_name_decl("_CRS", crs));
    aml_append(d,
               aml_operation_region("PEOR", AML_SYSTEM_IO, aml_int(port), 1));
    field = aml_field("PEOR", AML_BYTE_ACC, AML_NOLOCK, AML_PRESERVE);
    aml_append(field, aml_named_field("PEPT", 8));
    aml_append(d, field);
    aml_append(d, aml_name_decl("_STA", aml_int(0xF)));

    method = aml_method("RDPT", 0, AML_NOTSERIALIZED);
    aml_append(method, aml_store(aml_name("PEPT"), aml_local(0)));
    aml_append(method, aml_return(aml_local(0)));
    aml_append(d, method);

    method = aml_method("WRPT", 1, AML_NOTSERIALIZED);
    aml_append(method, aml_store(aml_arg(0), aml_name("PEPT")));
    aml_append(d, method);

    aml_append(scope, d);
}

static const Property pvpanic_isa_props[] = {
    DEFINE_PROP_UINT16(PVPANIC_IOPORT_PROP, PVPanicISAState, ioport,
                       PVPANIC_DEFAULT_IOPORT),
    DEFINE_PROP_UINT8("events", PVPanicISAState, pvpanic.events,
                      PVPANIC_EVENTS),
    DEFINE_PROP_END_OF_LIST(),
};

static const char *const pvpanic_isa_children[] = {
    "pvpanic[0]",
    "child<memory-region>",
    NULL,
    NULL,
};

static MemoryRegion *pvpanic_isa_child_region(DeviceState *dev, unsigned index)
{
    return &pvpanic_isa(dev)->pvpanic.mr;
}

const DeviceClass pvpanic_isa_class = {
    .child_region = pvpanic_isa_child_region,
    .name = TYPE_PVPANIC_ISA_DEVICE,
    .parent = TYPE_ISA_DEVICE,
    .alias = "isa-pvpanic",
    .bus_type = TYPE_ISA_BUS,
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = true,
    .hotpluggable = false,
    .instance_size = sizeof(PVPanicISAState),
    .props = pvpanic_isa_props,
    .children = pvpanic_isa_children,
    .instance_init = pvpanic_isa_instance_init,
    .realize = pvpanic_isa_realize,
    .unrealize = pvpanic_isa_unrealize,
    .build_aml = pvpanic_isa_build_aml,
};
