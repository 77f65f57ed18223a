/*
 * The accelerator table and the choice of accelerator.
 */
#include "system/accel.h"

#include <stdio.h>
#include <string.h>

const AccelOps *current_accel;

/* "-accel help" lists them in this order. */
static const AccelOps *const accel_table[] = {
    &accel_qtest_ops,
    &accel_kvm_ops,
};

/*
 * "tcg" is a name Vigil knows but cannot run: accel= lists such as
 * libvirt's probe "kvm:tcg" are tried in order, and reaching it says why.
 * It is not in accel_table (-accel help lists what works).
 */
static bool tcg_available(GError **errp)
{
    error_setg(errp, "Vigil has no TCG accelerator; "
                     "use -accel kvm or -accel qtest");
    return false;
}

const AccelOps accel_tcg_ops = {
    .name = "tcg",
    .available = tcg_available,
};

const AccelOps *accel_find(const char *name)
{
    if (!strcmp(name, accel_tcg_ops.name)) {
        return &accel_tcg_ops;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(accel_table); i++) {
        if (!strcmp(accel_table[i]->name, name)) {
            return accel_table[i];
        }
    }
    return NULL;
}

void accel_print_help(void)
{
    printf("Accelerators supported in QEMU binary:\n");
    for (size_t i = 0; i < G_N_ELEMENTS(accel_table); i++) {
        printf("%s\n", accel_table[i]->name);
    }
}

const AccelOps *accel_choose(const char *const *names, size_t n, GError **errp)
{
    g_autoptr(GError) last_err = NULL;

    if (n == 0) {
        /* QEMU's default order minus TCG: KVM or nothing. */
        if (!accel_kvm_ops.available(&last_err)) {
            error_setg(errp,
                       "no accelerator available: %s; "
                       "use -accel qtest",
                       last_err ? last_err->message : "kvm is not usable");
            return NULL;
        }
        return &accel_kvm_ops;
    }
    for (size_t i = 0; i < n; i++) {
        const AccelOps *ops = accel_find(names[i]);

        g_clear_error(&last_err);
        if (!ops) {
            error_setg(errp, "invalid accelerator %s", names[i]);
            return NULL;
        }
        if (ops->available(&last_err)) {
            return ops;
        }
        if (i + 1 < n) {
            /* Like QEMU: say why and try the next one. */
            warn_report("failed to initialize %s: %s", names[i],
                        last_err ? last_err->message : "not available");
        }
    }
    error_setg(errp, "failed to initialize %s: %s", names[n - 1],
               last_err ? last_err->message : "not available");
    return NULL;
}
