/*
 * Fixed legacy devices of the pc board.  (Placeholder: filled in by the
 * KVM work: COM1, RTC, reset control, i8042.)
 */
#include "hw/i386/pc.h"

bool pc_board_devices_init(MachineState *ms, GError **errp)
{
    return true;
}
