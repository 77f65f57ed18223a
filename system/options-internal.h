/*
 * Private to the option parser (system/options.c and
 * system/options-machine.c): the handlers and key tables the option
 * table in options.c names, and the helpers both files use.
 */
#ifndef SYSTEM_OPTIONS_INTERNAL_H
#define SYSTEM_OPTIONS_INTERNAL_H

#include "system/options.h"

/*
 * An option's handler: record into @cfg or check @arg; false with
 * @errp set, or *exit_status >= 0 to stop (after a help text).
 */
typedef bool VigilOptHandler(VigilConfig *cfg, const char *arg,
                             int *exit_status, GError **errp);

/* options.c */
bool vigil_is_help(const char *arg); /* "help" or "?" */
/* Record an accel= list ("kvm:tcg"), tried in order. */
bool vigil_add_accel_list(VigilConfig *cfg, const char *list, GError **errp);
/* kernel-irqchip=: only "on" (or absent, @v NULL) is what KVM here does. */
bool vigil_check_kernel_irqchip(const char *v, GError **errp);

/* options-machine.c */
VigilOptHandler opt_machine, opt_name, opt_audio, opt_audiodev, opt_overcommit,
    opt_uuid, opt_rtc, opt_boot, opt_global;
extern const CmdlineParam vigil_machine_params[], vigil_name_params[],
    vigil_audio_params[], vigil_audiodev_params[], vigil_overcommit_params[],
    vigil_rtc_params[], vigil_boot_params[];

/* options-panic.c */
VigilOptHandler opt_panic_record, opt_panic_restart, opt_panic_dump;

#endif /* SYSTEM_OPTIONS_INTERNAL_H */
