/*
 * Error domain, QMP error class names and start-up error reporting.
 *
 * error_report() is the only place that writes the "progname: " prefix, so
 * every start-up message looks the same as QEMU's.
 */
#include "qemu/common.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

static const char *progname = "vigil";
static bool msg_timestamps;

GQuark vigil_error_quark(void)
{
    return g_quark_from_static_string("vigil-error-quark");
}

static const char *const error_class_names[] = {
    [VIGIL_ERROR_GENERIC] = "GenericError",
    [VIGIL_ERROR_COMMAND_NOT_FOUND] = "CommandNotFound",
    [VIGIL_ERROR_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [VIGIL_ERROR_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [VIGIL_ERROR_KVM_MISSING_CAP] = "KVMMissingCap",
};

const char *vigil_error_class_name(int code)
{
    if (code < 0 || (size_t)code >= G_N_ELEMENTS(error_class_names)) {
        return error_class_names[VIGIL_ERROR_GENERIC];
    }
    return error_class_names[code];
}

void error_set_progname(const char *argv0)
{
    const char *slash;

    if (!argv0 || !*argv0) {
        return;
    }
    /* argv[0] lives as long as the process: no copy needed. */
    slash = strrchr(argv0, '/');
    progname = slash ? slash + 1 : argv0;
}

const char *error_get_progname(void)
{
    return progname;
}

void error_set_timestamps(bool on)
{
    msg_timestamps = on;
}

/* QEMU's -msg timestamp=on prefix: UTC, microseconds, "Z". */
static void print_timestamp(FILE *f)
{
    struct timeval tv;
    struct tm tm;
    char buf[32];

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(f, "%s.%06ldZ ", buf, (long)tv.tv_usec);
}

static void vreport(const char *kind, const char *fmt, va_list ap)
{
    /* One write per message so concurrent lines do not interleave. */
    flockfile(stderr);
    if (msg_timestamps) {
        print_timestamp(stderr);
    }
    fprintf(stderr, "%s: %s", progname, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    funlockfile(stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("", fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport("warning: ", fmt, ap);
    va_end(ap);
}
