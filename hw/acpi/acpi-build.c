/*
 * Assemble the pc machine's ACPI tables into one blob with fixed,
 * deterministic placement (see acpi-build.h for the layout).
 */
#include <string.h>

#include "hw/acpi/acpi-build.h"

/* Append @t to the blob at the next @align boundary; record it. */
static uint64_t place(AcpiBuildResult *r, GByteArray *t, const char *sig,
                      unsigned align)
{
    uint32_t old = r->blob->len;
    uint32_t off = (old + align - 1) & ~(align - 1);
    AcpiTableInfo *info = &r->tables[r->n_tables++];

    g_assert(r->n_tables <= ACPI_MAX_TABLES);
    g_byte_array_set_size(r->blob, off);
    /* The first table finds the blob empty, with data still NULL. */
    if (off > old) {
        memset(r->blob->data + old, 0, off - old); /* padding */
    }
    g_byte_array_append(r->blob, t->data, t->len);
    g_strlcpy(info->sig, sig, sizeof(info->sig));
    info->offset = off;
    info->len = t->len;
    g_byte_array_unref(t);
    return r->base + off;
}

bool acpi_build_tables(const AcpiBuildConfig *cfg, uint64_t base,
                       AcpiBuildResult *out, GError **errp)
{
    uint64_t facs, dsdt, xsdt_entries[2];
    GByteArray *rsdp;

    memset(out, 0, sizeof(*out));
    out->blob = g_byte_array_new();
    out->base = base;

    /*
     * The RSDP is first but points at the XSDT, which comes last: reserve
     * its 36 bytes now and fill them at the end.
     */
    rsdp = acpi_build_rsdp(0);
    out->rsdp_addr = place(out, rsdp, "RSDP", 16);
    facs = place(out, acpi_build_facs(), "FACS", 64);
    dsdt = place(out, acpi_build_dsdt(cfg), "DSDT", 16);
    xsdt_entries[0] = place(out, acpi_build_fadt(facs, dsdt), "FACP", 16);
    xsdt_entries[1] = place(out, acpi_build_madt(cfg), "APIC", 16);
    rsdp = acpi_build_rsdp(
        place(out, acpi_build_xsdt(xsdt_entries, 2), "XSDT", 16));
    memcpy(out->blob->data, rsdp->data, rsdp->len);
    g_byte_array_unref(rsdp);

    if (base + out->blob->len > ACPI_TABLES_LIMIT) {
        error_setg(errp, "ACPI tables (%u bytes) do not fit below 0x%x",
                   out->blob->len, ACPI_TABLES_LIMIT);
        acpi_build_result_free(out);
        return false;
    }
    return true;
}

void acpi_build_result_free(AcpiBuildResult *r)
{
    if (r->blob) {
        g_byte_array_unref(r->blob);
    }
    memset(r, 0, sizeof(*r));
}

const AcpiTableInfo *acpi_build_find(const AcpiBuildResult *r, const char *sig)
{
    for (unsigned i = 0; i < r->n_tables; i++) {
        if (strcmp(r->tables[i].sig, sig) == 0) {
            return &r->tables[i];
        }
    }
    return NULL;
}
