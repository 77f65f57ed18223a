/*
 * The machine as text: "info qtree" (buses, devices, properties) and
 * "info mtree" (what is mapped where), in the layout of QEMU's HMP
 * commands of those names.
 *
 * Contract: the output depends only on the machine type and the command
 * line, never on timing or the host, so a listing can be kept as a
 * golden file (tests/data/machines/); a change in what a guest sees under
 * an unchanged command line then shows up as a diff.  Lines end in "\n"
 * (the monitor turns them into "\r\n").
 */
#ifndef HW_CORE_QDEV_PRINT_H
#define HW_CORE_QDEV_PRINT_H

#include "hw/boards.h"

void qdev_print_qtree(MachineState *ms, GString *out);
void machine_print_mtree(MachineState *ms, GString *out);

#endif /* HW_CORE_QDEV_PRINT_H */
