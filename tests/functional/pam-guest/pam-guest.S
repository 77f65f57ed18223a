/*
 * A 64 KiB -bios image that drives the i440FX's PAM from inside a KVM
 * guest, as firmware does, and checks what 0xC0000 and 0xF0000 show:
 *   1. PAM 0 (the reset value): 0xC0000 is the zero-filled ROM side, a
 *      write there is dropped;
 *   2. PAM1 = 0x33: RAM, a write lands;
 *   3. PAM1 = 0: the ROM side again;
 *   4. PAM1 = 0x11: the RAM is back with what was written;
 *   5. the register reads back through 0xcfc;
 *   6. this image at 0xF0000 (PAM 0) is read-only: a write is dropped.
 * It prints "pam-guest: ok" or "pam-guest: FAIL <step>" on COM1, then
 * writes 1 to the ISA pvpanic (port 0x505) so the runner sees the end.
 * Code and data stay in the 0xF0000 segment, which is never switched.
 */
    .code16
    .section .text
    .globl _start
_start:
    cli
    xor %ax, %ax
    mov %ax, %ss
    mov $0x7000, %sp
    mov %cs, %ax
    mov %ax, %ds
    mov $0xc000, %ax
    mov %ax, %es

    mov $'1', %cl
    movw $0x1234, %es:0
    cmpw $0, %es:0
    jne fail

    mov $'2', %cl
    mov $0x33, %al
    call pam1_write
    movw $0xbeef, %es:0
    cmpw $0xbeef, %es:0
    jne fail

    mov $'3', %cl
    mov $0x00, %al
    call pam1_write
    cmpw $0, %es:0
    jne fail

    mov $'4', %cl
    mov $0x11, %al
    call pam1_write
    cmpw $0xbeef, %es:0
    jne fail

    mov $'5', %cl
    call pam1_read
    cmp $0x11, %al
    jne fail

    mov $'6', %cl
    movw $0, rom_word
    cmpw $0xa55a, rom_word
    jne fail

    mov $msg_ok, %si
    call puts
    jmp done

fail:
    mov $msg_fail, %si
    call puts
    mov %cl, %al
    call putc
    mov $'\n', %al
    call putc
done:
    mov $0x505, %dx
    mov $1, %al
    out %al, %dx
1:  hlt
    jmp 1b

/* Select i440FX register 0x5a (PAM1) through mechanism #1. */
pam1_select:
    push %eax
    mov $0xcf8, %dx
    mov $0x80000058, %eax
    out %eax, %dx
    pop %eax
    mov $0xcfe, %dx
    ret

pam1_write:                 /* %al = value */
    call pam1_select
    out %al, %dx
    ret

pam1_read:                  /* -> %al */
    call pam1_select
    in %dx, %al
    ret

putc:                       /* %al */
    push %dx
    mov $0x3f8, %dx
    out %al, %dx
    pop %dx
    ret

puts:                       /* %ds:%si, NUL-terminated */
    lodsb
    test %al, %al
    jz 1f
    call putc
    jmp puts
1:  ret

msg_ok:   .asciz "pam-guest: ok\n"
msg_fail: .asciz "pam-guest: FAIL "
    .balign 2
rom_word: .word 0xa55a

    .org 0xfff0
reset_vector:
    ljmp $0xf000, $_start
    .org 0x10000
