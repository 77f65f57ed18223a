/*
 * The boot hand-off between the board and the accelerator
 * (hw/i386/x86.h).  One machine per process, so one record; the
 * default is an architectural reset, which is also right when nothing
 * was loaded.
 */
#include "hw/i386/x86.h"

static X86BootInfo boot_info = {.mode = X86_ENTRY_RESET};

void x86_set_boot_info(const X86BootInfo *bi)
{
    boot_info = *bi;
}

const X86BootInfo *x86_get_boot_info(void)
{
    return &boot_info;
}
