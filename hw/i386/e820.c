/*
 * E820 map of the pc machine; layout documented in hw/i386/e820.h.
 */
#include "hw/i386/e820.h"

#define EBDA_START  UINT64_C(0x9fc00)
#define LOW_RAM_END UINT64_C(0xa0000)
#define BIOS_START  UINT64_C(0xe0000)
#define HIGH_START  UINT64_C(0x100000)
#define FOUR_GIB    (UINT64_C(1) << 32)

static unsigned add(E820Entry *out, unsigned n, unsigned max, uint64_t addr,
                    uint64_t end, uint32_t type)
{
    if (end <= addr || n >= max) {
        return n;
    }
    out[n].addr = addr;
    out[n].size = end - addr;
    out[n].type = type;
    return n + 1;
}

unsigned e820_build(const MachineState *ms, E820Entry *out, unsigned max)
{
    uint64_t low = ms->below_4g_mem_size;
    unsigned n = 0;

    n = add(out, n, max, 0, MIN(low, EBDA_START), E820_RAM);
    n = add(out, n, max, EBDA_START, LOW_RAM_END, E820_RESERVED);
    n = add(out, n, max, BIOS_START, HIGH_START, E820_RESERVED);
    n = add(out, n, max, HIGH_START, low, E820_RAM);
    n = add(out, n, max, FOUR_GIB, FOUR_GIB + ms->above_4g_mem_size, E820_RAM);
    return n;
}
