/*
 * Common definitions every Vigil source file may rely on.
 *
 * Errors: functions that can fail take `GError **errp` as their last
 * parameter, set it with a human-readable message in the VIGIL_ERROR domain
 * and also return false/NULL.  The caller decides the policy (report and
 * exit in main(), an error reply in QMP, "FAIL" in qtest).  Only main()
 * exits the process.
 */
#ifndef QEMU_COMMON_H
#define QEMU_COMMON_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef container_of
#define container_of(ptr, type, member)                                        \
    ((type *)((char *)(ptr)-offsetof(type, member)))
#endif

#define VIGIL_ERROR (vigil_error_quark())
GQuark vigil_error_quark(void);

/*
 * Error codes.  They map 1:1 onto QMP error classes (qapi/error.json);
 * everything that is not one of the specific classes is GENERIC.
 */
typedef enum VigilErrorCode {
    VIGIL_ERROR_GENERIC = 0,       /* "GenericError" */
    VIGIL_ERROR_COMMAND_NOT_FOUND, /* "CommandNotFound" */
    VIGIL_ERROR_DEVICE_NOT_ACTIVE, /* "DeviceNotActive" */
    VIGIL_ERROR_DEVICE_NOT_FOUND,  /* "DeviceNotFound" */
    VIGIL_ERROR_KVM_MISSING_CAP,   /* "KVMMissingCap" */
} VigilErrorCode;

/* Name of the QMP error class for @code ("GenericError", ...). */
const char *vigil_error_class_name(int code);

/*
 * error_setg: set *errp (if errp is non-NULL) to a new GENERIC error.
 * Like QEMU's error_setg; *errp must be NULL on entry.
 */
#define error_setg(errp, ...)                                                  \
    g_set_error((errp), VIGIL_ERROR, VIGIL_ERROR_GENERIC, __VA_ARGS__)

/*
 * Report a message on stderr prefixed with the program name ("vigil: ")
 * and, under -msg timestamp=on, an ISO-8601 timestamp.  Used by main()
 * and start-up code only; run-time problems go through qemu_log or QMP.
 */
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* Set the program name used by error_report (basename of argv[0]). */
void error_set_progname(const char *argv0);
const char *error_get_progname(void);
/* -msg timestamp=on */
void error_set_timestamps(bool on);

/* Vigil's own version and the QEMU level it is wire-compatible with. */
#define VIGIL_VERSION    "0.1.0"
#define VIGIL_QEMU_MAJOR 9
#define VIGIL_QEMU_MINOR 2
#define VIGIL_QEMU_MICRO 0

#endif /* QEMU_COMMON_H */
