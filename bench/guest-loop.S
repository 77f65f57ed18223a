/*
 * The KVM exit-rate guest: a 64 KiB -bios image, real mode.
 *
 * Writes 2 to the pvpanic port (GUEST_CRASHLOADED: the start mark), then
 * GUEST_LOOPS times 0 (no event: one port-I/O exit each, nothing else),
 * then 1 (GUEST_PANICKED: the end mark), and halts.  The VMM's event
 * timestamps of the two marks bracket exactly GUEST_LOOPS exits; the bare
 * loop (kvm-loop.c) runs the same image with no VMM at all.
 * Built by bench/run: cc -c -DGUEST_LOOPS=N, ld --oformat binary.
 */
#ifndef GUEST_LOOPS
#define GUEST_LOOPS 200000
#endif
    .code16
    .section .text
    .globl _start
_start:
    cli
    mov $0x505, %dx
    mov $2, %al
    out %al, (%dx)
    mov $GUEST_LOOPS, %ecx
    xor %al, %al
1:
    out %al, (%dx)
    dec %ecx
    jnz 1b
    mov $1, %al
    out %al, (%dx)
2:
    hlt
    jmp 2b

    .org 0xfff0
    ljmp $0xf000, $_start
    .org 0x10000
