/*
 * A tiny guest that finds pvpanic the way Linux does: scan the BIOS area
 * for the RSDP, follow XSDT -> FADT -> DSDT, walk the AML namespace to
 * the device whose _HID is "QEMU0001", take the I/O port from its _CRS,
 * read the capability byte there and, if it offers PANICKED, write 1.
 * Progress goes to COM1 (ignored when there is no UART).
 *
 * Freestanding, 32-bit, no paging: ACPI tables sit below 4 GiB.
 */
#include <stdbool.h>
#include <stdint.h>

#define COM1 0x3f8

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void puts_(const char *s)
{
    while (*s) {
        outb(COM1, *s++);
    }
}

static void puthex(uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    char buf[11] = "0x";
    int n = 2;

    for (int shift = 28; shift >= 0; shift -= 4) {
        if ((v >> shift) || shift == 0 || n > 2) {
            buf[n++] = hex[(v >> shift) & 15];
        }
    }
    buf[n] = 0;
    puts_(buf);
}

static void fail(const char *why)
{
    puts_("acpi-guest: FAIL ");
    puts_(why);
    puts_("\n");
}

static bool mem_eq(const uint8_t *a, const char *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (a[i] != (uint8_t)b[i]) {
            return false;
        }
    }
    return true;
}

static uint32_t ld32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool sum_ok(const uint8_t *p, uint32_t len)
{
    uint8_t s = 0;

    for (uint32_t i = 0; i < len; i++) {
        s += p[i];
    }
    return s == 0;
}

static const uint8_t *find_rsdp(void)
{
    for (uintptr_t a = 0xe0000; a < 0x100000; a += 16) {
        const uint8_t *p = (const uint8_t *)a;

        if (mem_eq(p, "RSD PTR ", 8) && sum_ok(p, 20)) {
            return p;
        }
    }
    return 0;
}

/* A table at @addr with signature @sig and a valid checksum, or NULL. */
static const uint8_t *table(uint32_t addr, const char *sig)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)addr;

    if (!addr || !mem_eq(p, sig, 4) || !sum_ok(p, ld32(p + 4))) {
        return 0;
    }
    return p;
}

/* The AML walker lives in aml-walk.c. */
int aml_find_pvpanic_port(const uint8_t *aml, uint32_t len);

void guest_main(uint32_t start_info);

void guest_main(uint32_t start_info)
{
    const uint8_t *rsdp = find_rsdp(), *xsdt, *fadt = 0, *dsdt;
    uint32_t si_rsdp = start_info ? ld32((const uint8_t *)start_info + 32) : 0;
    int port;
    uint8_t cap;

    puts_("acpi-guest: start\n");
    if (!rsdp || rsdp[15] < 2 || !sum_ok(rsdp, 36)) {
        fail("no ACPI 2.0 RSDP in 0xe0000-0xfffff");
        return;
    }
    puts_("acpi-guest: RSDP at ");
    puthex((uintptr_t)rsdp);
    puts_(si_rsdp == (uintptr_t)rsdp ? " (matches start_info)\n"
                                     : " (start_info disagrees)\n");
    xsdt = table(ld32(rsdp + 24), "XSDT");
    if (!xsdt) {
        fail("bad XSDT");
        return;
    }
    for (uint32_t off = 36; off + 8 <= ld32(xsdt + 4) && !fadt; off += 8) {
        const uint8_t *t = (const uint8_t *)(uintptr_t)ld32(xsdt + off);

        if (mem_eq(t, "FACP", 4)) {
            fadt = table(ld32(xsdt + off), "FACP");
        }
    }
    if (!fadt) {
        fail("no FADT in the XSDT");
        return;
    }
    /* X_DSDT (offset 140) wins over DSDT (offset 40) when present. */
    dsdt = table(ld32(fadt + 4) >= 148 && ld32(fadt + 140) ? ld32(fadt + 140)
                                                           : ld32(fadt + 40),
                 "DSDT");
    if (!dsdt) {
        fail("bad DSDT");
        return;
    }
    port = aml_find_pvpanic_port(dsdt + 36, ld32(dsdt + 4) - 36);
    if (port < 0) {
        fail("no QEMU0001 device with an I/O port in the DSDT");
        return;
    }
    cap = inb(port);
    puts_("acpi-guest: QEMU0001 port ");
    puthex(port);
    puts_(" capability ");
    puthex(cap);
    puts_("\n");
    if (!(cap & 1)) {
        fail("device does not offer PANICKED");
        return;
    }
    puts_("acpi-guest: writing PANICKED\n");
    outb(port, 1);
}
