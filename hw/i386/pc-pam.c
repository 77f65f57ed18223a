/*
 * PAM/SMRAM routing of the pc machine (placeholder: RAM everywhere).
 */
#include <string.h>

#include "hw/pci-host/pam.h"

void pc_pam_reset_values(MachineState *ms, uint8_t pam[I440FX_NR_PAM],
                         uint8_t *smram)
{
    memset(pam, 0, I440FX_NR_PAM);
    *smram = 0x02;
}

void pc_pam_update(MachineState *ms, const uint8_t pam[I440FX_NR_PAM],
                   uint8_t smram)
{
}
