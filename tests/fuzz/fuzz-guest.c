/*
 * fuzz-guest: what a guest can do to Vigil.
 *
 * Every port and MMIO access goes through address_space_read/write() on
 * the machine's "io" and "memory" spaces, exactly as a KVM_EXIT_IO or
 * KVM_EXIT_MMIO is dispatched, followed by what the main loop does next
 * (runstate_process_requests(): resets, shutdowns, powerdown).  The
 * machine is the fuzz pc board: pvpanic, COM1 (null chardev), RTC,
 * i8042, reset control, port 0x92 and the ACPI PM block.
 *
 * Input format (binary): byte 0 chooses the -action settings (bits 0-1
 * panic = pause/shutdown/exit-failure/none, bit 2 shutdown=pause, bit 3
 * reboot=shutdown).  Then a sequence of accesses, each an opcode byte
 * followed by its operands, all little-endian:
 *   opcode bit 0     0 = read, 1 = write
 *   opcode bits 1-2  size: 1, 2, 4, 8 (ports: 8 counts as 4)
 *   opcode bit 3     0 = port I/O, 1 = MMIO
 *   opcode bit 4     MMIO: add 4 GiB to the address
 *   port I/O         2 address bytes, then (writes) 4 value bytes
 *   MMIO             4 address bytes, then (writes) 8 value bytes
 * A truncated last access is dropped.  When the process would exit (a
 * panic with panic=shutdown, say), the rest of the input is dropped.
 */
#include <string.h>

#include "fuzz-machine.h"
#include "system/runstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const panic_actions[] = {"pause", "shutdown", "exit-failure",
                                            "none"};

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

/* Volatile sink so that reads are not optimised away. */
static volatile uint64_t read_sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    MachineState *ms = fuzz_machine_init();
    const uint8_t *end = data + size;

    fuzz_machine_reset();
    if (size == 0) {
        return 0;
    }
    runstate_set_action("panic", panic_actions[data[0] & 3], NULL);
    runstate_set_action("shutdown", data[0] & 4 ? "pause" : "poweroff", NULL);
    runstate_set_action("reboot", data[0] & 8 ? "shutdown" : "reset", NULL);
    data++;

    while (data < end) {
        uint8_t op = *data++;
        bool write = op & 1;
        unsigned size_code = (op >> 1) & 3;
        unsigned access = 1u << size_code;
        bool mmio = op & 8;
        unsigned alen = mmio ? 4 : 2;
        unsigned vlen = write ? (mmio ? 8 : 4) : 0;
        uint64_t addr, val = 0;

        if ((size_t)(end - data) < alen + vlen) {
            break;
        }
        addr = get_le(data, alen);
        data += alen;
        if (write) {
            val = get_le(data, vlen);
            data += vlen;
        }
        if (mmio) {
            AddressSpace *as = ms->memory;

            if (op & 16) {
                addr += UINT64_C(1) << 32;
            }
            if (write) {
                address_space_write(as, addr, val, access);
            } else {
                read_sink = address_space_read(as, addr, access);
            }
        } else {
            if (access == 8) {
                access = 4;
            }
            if (write) {
                address_space_write(ms->io, addr, val, access);
            } else {
                read_sink = address_space_read(ms->io, addr, access);
            }
        }
        if (fuzz_machine_poll()) {
            break;
        }
    }
    return 0;
}
