/*
 * Entry of the ACPI-walking guest, booted as a PVH kernel: the VMM
 * enters _start in flat 32-bit protected mode, paging off, with EBX =
 * the hvm_start_info address.  The ELF note below is how the loader
 * finds this entry point (XEN_ELFNOTE_PHYS32_ENTRY = 18).
 */
    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                 /* namesz */
    .long 4                 /* descsz */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .long _start

    .text
    .code32
    .globl _start
_start:
    cli
    movl $stack_top, %esp
    pushl %ebx              /* guest_main(start_info) */
    call guest_main
1:  hlt
    jmp 1b

    .bss
    .p2align 4
    .skip 8192
stack_top:

    .section .note.GNU-stack, "", @progbits
