/*
 * Machine-wide settings from the command line (system/system.h).
 *
 * Kept apart from the option parser (system/options*.c, the top layer)
 * because layers below it read them: the pc board wires its COM ports to
 * serial_hd(), the monitor answers query-name.  main() fills them.
 */
#include "system/system.h"

#include <string.h>

const char *qemu_name;
bool qemu_debug_threads;
static uint8_t qemu_uuid[16];
bool qemu_nographic;
BootConfig boot_config;
MachineOptions machine_opts;
const char *qtest_log_arg;
const char *cpu_model_arg;
CpuTopology cpu_topology;
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

bool qemu_uuid_set(const char *text, GError **errp)
{
    /* Hex digit positions in "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
    static const int dashes[] = {8, 13, 18, 23};
    uint8_t uuid[16];
    int pos = 0, d = 0;

    if (strlen(text) != 36) {
        goto bad;
    }
    for (int i = 0; i < 36;) {
        if (d < 4 && i == dashes[d]) {
            if (text[i] != '-') {
                goto bad;
            }
            d++;
            i++;
            continue;
        }
        if (!g_ascii_isxdigit(text[i]) || !g_ascii_isxdigit(text[i + 1])) {
            goto bad;
        }
        uuid[pos++] = g_ascii_xdigit_value(text[i]) << 4 |
                      g_ascii_xdigit_value(text[i + 1]);
        i += 2;
    }
    memcpy(qemu_uuid, uuid, sizeof(uuid));
    return true;
bad:
    error_setg(errp, "Fail to parse UUID string. Wrong format.");
    return false;
}

char *qemu_uuid_unparse(void)
{
    const uint8_t *u = qemu_uuid;

    return g_strdup_printf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8],
                           u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

void qemu_uuid_get(uint8_t out[16])
{
    memcpy(out, qemu_uuid, sizeof(qemu_uuid));
}
