/*
 * The body shared by the tiny guests, assembled once as 16-bit code
 * (tiny-real.S) and once as 64-bit code (tiny-long.S): the same
 * mnemonics, different encodings.  Expects nothing but a working stack.
 *
 *   1. print "boot\n" on COM1 (polling LSR.THRE, as a driver would);
 *      built with TINY_CPUID (64-bit only), then one line per CPUID leaf
 *      0, 1, 7, 0x80000000-0x80000004 (tiny-test.py cpu-model)
 *   2. TINY_LOOPS times: read the pvpanic port (must give a non-zero
 *      capability byte, else print "E") and write 0 to it (no event)
 *   3. write 1 to the pvpanic port: GUEST_PANICKED
 *   4. built with TINY_REBOOT=1/2/3/4: reboot through the reset control
 *      register (0xcf9), the i8042 (command 0xfe), a triple fault raised
 *      by a CPU exception (ud2) or one raised by a software interrupt
 *      (int3; kvm_pvm reports an emulation failure instead: tiny-test.py)
 *   5a. built with TINY_HVCRASH (64-bit, with TINY_CPUID): the Hyper-V
 *      leaves, then a Hyper-V crash report (MSRs) instead of pvpanic
 *      (tiny-test.py hv-crash)
 *   5. built with TINY_POWEROFF: no panic; instead request ACPI soft-off
 *      (S5) through the PM1a control register, as a kernel's poweroff
 *      does (the libvirt suite's guest-poweroff flow)
 *   6. otherwise, if the VM keeps running (-action panic=none), print a "."
 *      on COM1 every 10 ms, forever: a host can watch the guest make
 *      progress (stop/cont) or reboot ("boot").  The pace comes from
 *      PIT channel 2 (mode 0, polled through port 0x61 bit 5), so it
 *      does not depend on how fast the CPU is.
 */
#define COM1_THR 0x3f8
#define COM1_LSR 0x3fd
#define PVPANIC  0x505
#define PM1A_CNT 0x604          /* hw/acpi/pm.h: ACPI_PM_BASE + CNT_OFF */
#define PM1_SLP_S5 0x3400       /* SLP_EN | SLP_TYP 5 (the DSDT's _S5_) */
#define HV_CRASH_P0  0x40000100 /* Hyper-V crash parameters P0..P4 */
#define RTC_VECTOR   0x70       /* IRQ8 behind the slave PIC */
#define RTC_COUNT    0x500      /* low RAM: the image may be ROM */
#define HV_CRASH_CTL 0x40000105

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
#ifdef TINY_CPUID
    /* 64-bit only: one line "C<leaf> <eax> <ebx> <ecx> <edx>" per leaf
     * (hex) of what CPUID shows the guest (tiny-test.py cpu-model). */
    mov $tiny_cpuid_leaves, %rsi
6:
    mov (%rsi), %r13d
    cmp $0xffffffff, %r13d
    je 7f
    call tiny_cpuid_line
    add $4, %rsi
    jmp 6b
7:
#endif

#ifdef TINY_RTC
    /* Real mode only: count RTC periodic interrupts (64 Hz) delivered
     * through the PICs for 100 PIT periods (1 s), print "R<hex>". */
    xor %ax, %ax
    mov %ax, %es
    movw $rtc_isr, %es:(RTC_VECTOR * 4)
    movw %cs, %es:(RTC_VECTOR * 4 + 2)
    movw $0, %es:RTC_COUNT
    mov $0x11, %al          /* ICW1: edge, cascade, ICW4 */
    out %al, $0x20
    out %al, $0xa0
    mov $0x08, %al          /* ICW2: master vectors 0x08-0x0f */
    out %al, $0x21
    mov $RTC_VECTOR, %al    /* slave vectors 0x70-0x77 */
    out %al, $0xa1
    mov $0x04, %al          /* ICW3: slave on IRQ2 */
    out %al, $0x21
    mov $0x02, %al
    out %al, $0xa1
    mov $0x01, %al          /* ICW4: 8086 mode */
    out %al, $0x21
    out %al, $0xa1
    mov $0xfb, %al          /* master: only the cascade */
    out %al, $0x21
    mov $0xfe, %al          /* slave: only IRQ8 */
    out %al, $0xa1
    mov $0x0a, %al          /* A: divider running, RS 10 = 64 Hz */
    out %al, $0x70
    mov $0x2a, %al
    out %al, $0x71
    mov $0x0b, %al          /* B |= PIE */
    out %al, $0x70
    in $0x71, %al
    or $0x40, %al
    mov %al, %ah
    mov $0x0b, %al
    out %al, $0x70
    mov %ah, %al
    out %al, $0x71
    mov $0x0c, %al          /* clear C */
    out %al, $0x70
    in $0x71, %al
#ifdef TINY_RTC_SLEW
    /* Half a second with IF=0, acknowledging the RTC by polling C: the
     * PIC's request for IRQ8 stays pending (no INTA), so KVM reports
     * every later tick as coalesced.  "P<hex>": PF seen by the polls. */
    xor %di, %di
    mov $50, %cx
20:
    call rtc_delay_poll
    loop 20b
    mov %di, %si
    putc 'P'
    call rtc_puthex
#endif
    sti
    mov $100, %cx
10:
    call tiny_delay
    loop 10b
    cli
    mov %es:RTC_COUNT, %si
    putc 'R'
    call rtc_puthex
#endif

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

#ifdef TINY_POWEROFF
    mov $PM1A_CNT, %dx
    mov $PM1_SLP_S5, %ax
    out %ax, (%dx)          /* SHUTDOWN guest-shutdown */
#elif defined(TINY_HVCRASH)
    /* Hyper-V crash report instead of pvpanic: CTL reads back
     * CRASH_NOTIFY ("M" + its high half), P0..P4 get a bug check code and
     * four parameters (two above INT64_MAX), then CTL = CRASH_NOTIFY. */
    mov $HV_CRASH_CTL, %ecx
    rdmsr
    mov %edx, %r8d
    putc 'M'
    call tiny_puthex
    putc '\n'
    mov $HV_CRASH_P0, %ecx
    mov $0x1e, %eax
    xor %edx, %edx
    wrmsr
    inc %ecx
    mov $0xc0000005, %eax
    mov $0xffffffff, %edx
    wrmsr
    inc %ecx
    mov $0x12345678, %eax
    mov $0xfffff800, %edx
    wrmsr
    inc %ecx
    mov $3, %eax
    xor %edx, %edx
    wrmsr
    inc %ecx
    mov $4, %eax
    wrmsr
    mov $HV_CRASH_CTL, %ecx
    xor %eax, %eax
    mov $0x80000000, %edx
    wrmsr                   /* GUEST_PANICKED with hyper-v info */
#else
#ifdef TINY_REGS
    /* Known register values for the panic record to show (64-bit only;
     * tiny-test.py panic-record).  %dx keeps the port. */
    movabs $0x1111111111111111, %rbx
    movabs $0x2222222222222222, %rcx
    movabs $0x3333333333333333, %rsi
    movabs $0x4444444444444444, %rdi
    movabs $0x5555555555555555, %rbp
    movabs $0x8888888888888888, %r8
    movabs $0x9999999999999999, %r9
    movabs $0xaaaaaaaaaaaaaaaa, %r10
    movabs $0xbbbbbbbbbbbbbbbb, %r11
    movabs $0xcccccccccccccccc, %r12
    movabs $0xdddddddddddddddd, %r13
    movabs $0xeeeeeeeeeeeeeeee, %r14
    movabs $0xffffffff00000001, %r15
#endif
    mov $1, %al
    out %al, (%dx)          /* GUEST_PANICKED */
#endif

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

#ifdef TINY_CPUID
tiny_cpuid_leaves:
#ifdef TINY_HVCRASH
    /* Hyper-V's vendor, interface and features; KVM's moved signature */
    .long 0x40000000, 0x40000001, 0x40000003, 0x40000100, 0xffffffff
#else
    .long 0, 1, 7, 0x80000000, 0x80000001, 0x80000002, 0x80000003
    .long 0x80000004, 0xffffffff
#endif

/* Print the CPUID line of leaf %r13d (subleaf 0).  Clobbers a lot. */
tiny_cpuid_line:
    mov %r13d, %eax
    xor %ecx, %ecx
    cpuid
    mov %eax, %r14d
    mov %ebx, %r9d
    mov %ecx, %r10d
    mov %edx, %r11d
    putc 'C'
    mov %r13d, %r8d
    call tiny_puthex
    mov %r14d, %r8d
    call tiny_putsp_hex
    mov %r9d, %r8d
    call tiny_putsp_hex
    mov %r10d, %r8d
    call tiny_putsp_hex
    mov %r11d, %r8d
    call tiny_putsp_hex
    putc '\n'
    ret

tiny_putsp_hex:
    putc ' '
/* Print %r8d as 8 hex digits.  Clobbers al, bl, dx, r12d. */
tiny_puthex:
    mov $8, %r12d
8:
    rol $4, %r8d
    mov %r8d, %ebx
    and $0xf, %ebx
    add $'0', %bl
    cmp $'9', %bl
    jbe 9f
    add $('a' - '9' - 1), %bl
9:
    call tiny_putc
    dec %r12d
    jnz 8b
    ret
#endif

#ifdef TINY_RTC
/* IRQ8: acknowledge the RTC (read C) and both PICs, count in low RAM. */
rtc_isr:
    push %ax
    push %ds
    xor %ax, %ax
    mov %ax, %ds
    incw RTC_COUNT
    mov $0x0c, %al
    out %al, $0x70
    in $0x71, %al
    mov $0x20, %al
    out %al, $0xa0
    out %al, $0x20
    pop %ds
    pop %ax
    iret

/* Print %si as 4 hex digits and a newline.  Clobbers bx, cx, al, dx. */
rtc_puthex:
    mov $4, %cx
11:
    rol $4, %si
    mov %si, %bx
    and $0xf, %bx
    add $'0', %bl
    cmp $'9', %bl
    jbe 12f
    add $('a' - '9' - 1), %bl
12:
    push %cx
    call tiny_putc
    pop %cx
    loop 11b
    putc '\n'
    ret

#ifdef TINY_RTC_SLEW
/* tiny_delay, reading register C all along; %di counts reads with PF. */
rtc_delay_poll:
    in $PORT_B, %al
    and $0xfc, %al
    or $0x01, %al
    out %al, $PORT_B
    mov $0xb0, %al
    out %al, $PIT_CMD
    mov $(TICK_COUNT & 0xff), %al
    out %al, $PIT_CH2
    mov $(TICK_COUNT >> 8), %al
    out %al, $PIT_CH2
4:
    mov $0x0c, %al
    out %al, $0x70
    in $0x71, %al
    test $0x40, %al
    jz 5f
    inc %di
5:
    in $PORT_B, %al
    test $0x20, %al
    jz 4b
    ret
#endif
#endif

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
