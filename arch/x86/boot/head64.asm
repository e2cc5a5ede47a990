; The 64-bit half of the boot path: still at the identity-mapped address,
; load data segments and jump to the higher half; there switch to the boot
; stack (with its unmapped guard page below) and call start_kernel().

KERNEL_VMA        equ 0xffffffff80000000
BOOT_STACK_SIZE   equ 16384

global long_mode_entry
global boot_stack_guard
global boot_stack_top
extern start_kernel
extern boot_mb2_magic
extern boot_mb2_info
extern boot_tsc

section .boot.text progbits alloc exec nowrite align=16
bits 64
long_mode_entry:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov rax, higher_half_entry
	jmp rax

section .text
higher_half_entry:
	rdtsc                               ; time zero for the log and benchmarks
	shl rdx, 32
	or rax, rdx
	mov [rel boot_tsc], rax
	mov rsp, boot_stack_top
	xor rbp, rbp                        ; ends every backtrace here
	mov edi, [boot_mb2_magic]
	mov esi, [boot_mb2_info]
	call start_kernel
.halt:
	cli
	hlt
	jmp .halt

section .bss
align 4096
boot_stack_guard:
	resb 4096
boot_stack_bottom:
	resb BOOT_STACK_SIZE
boot_stack_top:
