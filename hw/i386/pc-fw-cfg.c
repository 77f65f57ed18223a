/*
 * The pc machine's fw_cfg (placeholder until hw/nvram lands).
 */
#include "hw/i386/pc.h"

bool pc_fw_cfg_init(MachineState *ms, GError **errp)
{
    return true;
}

bool pc_fw_cfg_done(MachineState *ms, GError **errp)
{
    return true;
}
