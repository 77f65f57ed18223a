/*
 * vmcoreinfo (include/hw/misc/vmcoreinfo.h): a bus-less device whose only
 * interface is the fw_cfg file etc/vmcoreinfo.  The dump code asks it
 * for the guest's record through vmcoreinfo_get(); reading and checking
 * the note itself is the dump's business (dump/dump.c).
 */
#include "hw/misc/vmcoreinfo.h"
#include "hw/nvram/fw_cfg.h"

#include <string.h>

#define VMCOREINFO_FILE_SIZE 16

typedef struct VMCoreInfoState {
    DeviceState parent_obj;
    FWCfgState *fw_cfg; /* the file's home, found at realize */
    VMCoreInfoGuest guest;
} VMCoreInfoState;

extern const DeviceClass vmcoreinfo_class;
static VMCoreInfoState *vmcoreinfo_instance;

static VMCoreInfoState *vmcoreinfo(DeviceState *dev)
{
    return container_of(dev, VMCoreInfoState, parent_obj);
}

/* The file's bytes for @g (little endian, packed). */
static void vmcoreinfo_encode(const VMCoreInfoGuest *g,
                              uint8_t out[VMCOREINFO_FILE_SIZE])
{
    uint16_t host = GUINT16_TO_LE(g->host_format);
    uint16_t guest = GUINT16_TO_LE(g->guest_format);
    uint32_t size = GUINT32_TO_LE(g->size);
    uint64_t paddr = GUINT64_TO_LE(g->paddr);

    memcpy(out, &host, 2);
    memcpy(out + 2, &guest, 2);
    memcpy(out + 4, &size, 4);
    memcpy(out + 8, &paddr, 8);
}

static void vmcoreinfo_initial(VMCoreInfoGuest *g)
{
    *g = (VMCoreInfoGuest){.host_format = FW_CFG_VMCOREINFO_FORMAT_ELF};
}

/*
 * The guest wrote (part of) the file.  As in QEMU, only a write of the
 * whole record counts; the bytes are kept whatever was written, and the
 * record is taken as the guest wrote it (host_format included).
 */
static void vmcoreinfo_write(void *opaque, const uint8_t *data, size_t size,
                             size_t offset, size_t len)
{
    VMCoreInfoState *s = opaque;
    uint16_t host, guest;
    uint32_t nsize;
    uint64_t paddr;

    g_assert(size == VMCOREINFO_FILE_SIZE);
    memcpy(&host, data, 2);
    memcpy(&guest, data + 2, 2);
    memcpy(&nsize, data + 4, 4);
    memcpy(&paddr, data + 8, 8);
    s->guest.host_format = GUINT16_FROM_LE(host);
    s->guest.guest_format = GUINT16_FROM_LE(guest);
    s->guest.size = GUINT32_FROM_LE(nsize);
    s->guest.paddr = GUINT64_FROM_LE(paddr);
    s->guest.present = offset == 0 && len == VMCOREINFO_FILE_SIZE;
}

static bool vmcoreinfo_realize(DeviceState *dev, GError **errp)
{
    VMCoreInfoState *s = vmcoreinfo(dev);
    uint8_t file[VMCOREINFO_FILE_SIZE];

    /* QEMU's words for both. */
    if (vmcoreinfo_instance) {
        error_setg(errp, "at most one %s device is permitted", TYPE_VMCOREINFO);
        return false;
    }
    s->fw_cfg = fw_cfg_find();
    if (!s->fw_cfg) {
        error_setg(errp, "%s device requires fw_cfg with DMA", TYPE_VMCOREINFO);
        return false;
    }
    vmcoreinfo_initial(&s->guest);
    vmcoreinfo_encode(&s->guest, file);
    if (!fw_cfg_add_file_callback(s->fw_cfg, FW_CFG_VMCOREINFO_FILENAME, file,
                                  sizeof(file), vmcoreinfo_write, s, errp)) {
        return false;
    }
    vmcoreinfo_instance = s;
    return true;
}

static void vmcoreinfo_unrealize(DeviceState *dev)
{
    VMCoreInfoState *s = vmcoreinfo(dev);

    /* The file stays (fw_cfg keys never move after start-up); the
     * callback into this device goes. */
    if (s->fw_cfg && fw_cfg_find() == s->fw_cfg) {
        fw_cfg_detach_callback(s->fw_cfg, FW_CFG_VMCOREINFO_FILENAME);
    }
    if (vmcoreinfo_instance == s) {
        vmcoreinfo_instance = NULL;
    }
}

/* system_reset: the next kernel has to tell us again. */
static void vmcoreinfo_reset(DeviceState *dev)
{
    VMCoreInfoState *s = vmcoreinfo(dev);
    uint8_t file[VMCOREINFO_FILE_SIZE];

    vmcoreinfo_initial(&s->guest);
    vmcoreinfo_encode(&s->guest, file);
    fw_cfg_modify_file(s->fw_cfg, FW_CFG_VMCOREINFO_FILENAME, file,
                       sizeof(file));
}

bool vmcoreinfo_get(VMCoreInfoGuest *out)
{
    if (!vmcoreinfo_instance) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    *out = vmcoreinfo_instance->guest;
    return true;
}

const DeviceClass vmcoreinfo_class = {
    .name = TYPE_VMCOREINFO,
    .category = DEVICE_CATEGORY_MISC,
    .user_creatable = true,
    .hotpluggable = false,
    .instance_size = sizeof(VMCoreInfoState),
    .realize = vmcoreinfo_realize,
    .unrealize = vmcoreinfo_unrealize,
    .reset = vmcoreinfo_reset,
};
