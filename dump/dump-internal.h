/*
 * What dump.c shares with dump-kdump.c; not for other rooms.
 */
#ifndef DUMP_INTERNAL_H
#define DUMP_INTERNAL_H

#include "system/dump.h"

/*
 * The notes of a dump, as one buffer: "CORE"/NT_PRSTATUS per vCPU, then
 * "QEMU" per vCPU, then @guest_note (may be NULL) as it is.  The ELF
 * core's PT_NOTE segment and the kdump file's note area hold the same.
 */
GByteArray *dump_build_notes(const VCPUDumpState *cpus, unsigned ncpus,
                             const GByteArray *guest_note);

/*
 * Write all of @buf to @fd, waiting out EAGAIN and giving up when @prog
 * (may be NULL) is cancelled; with @count, the bytes are added to
 * @prog->completed.  Errors are QEMU's ("dump: failed to save memory").
 */
bool dump_write_all(int fd, const void *buf, size_t len, DumpProgress *prog,
                    bool count, GError **errp);

#endif /* DUMP_INTERNAL_H */
