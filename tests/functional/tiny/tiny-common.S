/*
 * The body shared by the tiny guests, assembled once as 16-bit code
 * (tiny-real.S) and once as 64-bit code (tiny-long.S): the same
 * mnemonics, different encodings.  Expects nothing but a working stack.
 *
 *   1. print "boot\n" on COM1 (polling LSR.THRE, as a driver would)
 *   2. TINY_LOOPS times: read the pvpanic port (must give a non-zero
 *      capability byte, else print "E") and write 0 to it (no event)
 *   3. write 1 to the pvpanic port: GUEST_PANICKED
 *   4. built with TINY_REBOOT=1/2/3/4: reboot through the reset control
 *      register (0xcf9), the i8042 (command 0xfe), a triple fault raised
 *      by a CPU exception (ud2) or one raised by a software interrupt
 *      (int3; kvm_pvm reports an emulation failure instead: tiny-test.py)
 *   5. otherwise, if the VM keeps running (-action panic=none), print a "."
 *      on COM1 every 10 ms, forever: a host can watch the guest make
 *      progress (stop/cont) or reboot ("boot").  The pace comes from
 *      PIT channel 2 (mode 0, polled through port 0x61 bit 5), so it
 *      does not depend on how fast the CPU is.
 */
#define COM1_THR 0x3f8
#define COM1_LSR 0x3fd
#define PVPANIC  0x505

#ifndef TINY_LOOPS
#define TINY_LOOPS 100000
#endif
#define PIT_CH2  0x42
#define PIT_CMD  0x43
#define PORT_B   0x61
#define TICK_COUNT 11932        /* 1193182 Hz / 100 */

.macro putc ch
    mov $\ch, %bl
    call tiny_putc
.endm

tiny_main:
    putc 'b'
    putc 'o'
    putc 'o'
    putc 't'
    putc '\n'

    mov $PVPANIC, %dx
    mov $TINY_LOOPS, %ecx
1:
    in (%dx), %al
    test %al, %al
    jnz 2f
    putc 'E'
    mov $PVPANIC, %dx
2:
    xor %al, %al
    out %al, (%dx)
    dec %ecx
    jnz 1b

    mov $1, %al
    out %al, (%dx)          /* GUEST_PANICKED */

#if defined(TINY_REBOOT) && TINY_REBOOT == 1
    mov $0xcf9, %dx
    mov $0x06, %al          /* SYS_RST | RST_CPU */
    out %al, (%dx)
#elif defined(TINY_REBOOT) && TINY_REBOOT == 2
    mov $0xfe, %al          /* pulse the reset line */
    out %al, $0x64
#elif defined(TINY_REBOOT) && TINY_REBOOT == 3
    /* The boot IDT (base 0, RAM full of zeros) has no valid gate:
     * #UD -> #GP -> #DF -> triple fault.  (No lidt: kvm_pvm cannot
     * emulate it.) */
    ud2
#elif defined(TINY_REBOOT) && TINY_REBOOT == 4
    /* The same through a software interrupt: #BP -> #GP -> #DF -> triple
     * fault on a CPU; kvm_pvm emulates int3 and fails instead. */
    int3
#endif

3:
    call tiny_delay
    putc '.'
    jmp 3b

/* Wait for one PIT channel 2 period (10 ms).  Clobbers al. */
tiny_delay:
    in $PORT_B, %al
    and $0xfc, %al          /* speaker off */
    or $0x01, %al           /* gate 2 on */
    out %al, $PORT_B
    mov $0xb0, %al          /* channel 2, lo/hi byte, mode 0 */
    out %al, $PIT_CMD
    mov $(TICK_COUNT & 0xff), %al
    out %al, $PIT_CH2
    mov $(TICK_COUNT >> 8), %al
    out %al, $PIT_CH2
4:
    in $PORT_B, %al
    test $0x20, %al         /* OUT2: terminal count reached */
    jz 4b
    ret

/* Write %bl to COM1 once the transmitter holds no byte.  Clobbers al, dx. */
tiny_putc:
    mov $COM1_LSR, %dx
5:
    in (%dx), %al
    test $0x20, %al
    jz 5b
    mov $COM1_THR, %dx
    mov %bl, %al
    out %al, (%dx)
    ret
