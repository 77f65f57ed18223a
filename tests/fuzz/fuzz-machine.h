/*
 * Shared set-up for the fuzz harnesses that need a machine: a "pc"
 * board with pvpanic and COM1 on a null chardev, built once per process
 * the way main() builds it (no sockets, no main loop), and put back into
 * a known state before every input so that runs are deterministic.
 *
 * Contract for harnesses:
 *   fuzz_machine_init()   once, lazily from LLVMFuzzerTestOneInput();
 *                         aborts if the machine cannot be built (a
 *                         harness bug, not a finding).
 *   fuzz_machine_reset()  before each input: pending requests dropped,
 *                         run state "running", actions at their
 *                         defaults, every device reset, virtual clock 0.
 *   fuzz_machine_poll()   what the main loop does after a read() or a
 *                         vCPU exit: act on shutdown/reset/powerdown
 *                         requests.  Returns true when the real process
 *                         would now exit; the harness must then stop
 *                         feeding the current input.
 */
#ifndef TESTS_FUZZ_FUZZ_MACHINE_H
#define TESTS_FUZZ_FUZZ_MACHINE_H

#include "hw/boards.h"

/* Small on purpose: random addresses land in RAM and above it alike. */
#define FUZZ_RAM_SIZE (16u * 1024 * 1024)

MachineState *fuzz_machine_init(void);
void fuzz_machine_reset(void);
bool fuzz_machine_poll(void);

#endif /* TESTS_FUZZ_FUZZ_MACHINE_H */
