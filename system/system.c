/*
 * Machine-wide settings from the command line (system/system.h).
 *
 * Kept apart from the option parser (system/options*.c, the top layer)
 * because layers below it read them: the pc board wires its COM ports to
 * serial_hd(), the monitor answers query-name.  main() fills them.
 */
#include "system/system.h"

const char *qemu_name;
static Chardev *serial_hds[MAX_SERIAL_PORTS];

Chardev *serial_hd(int i)
{
    return i >= 0 && i < MAX_SERIAL_PORTS ? serial_hds[i] : NULL;
}

void serial_hd_set(int i, Chardev *chr)
{
    if (i >= 0 && i < MAX_SERIAL_PORTS) {
        serial_hds[i] = chr;
    }
}
