/*
 * A 64 KiB firmware image for -bios: the CPU starts at the reset vector
 * F000:FFF0 (the image's last 16 bytes), which jumps to the start of the
 * image through its copy below 1 MiB (F000:0000 = 0xf0000).
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
    call tiny_main
    hlt

#include "tiny-common.S"

    .org 0xfff0
reset_vector:
    ljmp $0xf000, $_start
    .org 0x10000
