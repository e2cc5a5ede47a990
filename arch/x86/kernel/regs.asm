; regs_capture(struct pt_regs *regs): snapshot of the caller's registers for
; panic(). RIP and RSP are the caller's, as if the call had not happened.
; Field offsets follow include/asm/regs.h.

global regs_capture

section .text
regs_capture:
	mov [rdi + 0*8], r15
	mov [rdi + 1*8], r14
	mov [rdi + 2*8], r13
	mov [rdi + 3*8], r12
	mov [rdi + 4*8], r11
	mov [rdi + 5*8], r10
	mov [rdi + 6*8], r9
	mov [rdi + 7*8], r8
	mov [rdi + 8*8], rbp
	mov [rdi + 9*8], rdi
	mov [rdi + 10*8], rsi
	mov [rdi + 11*8], rdx
	mov [rdi + 12*8], rcx
	mov [rdi + 13*8], rbx
	mov [rdi + 14*8], rax
	mov qword [rdi + 15*8], 0           ; vector
	mov qword [rdi + 16*8], 0           ; error code
	mov rax, [rsp]                      ; return address = caller's RIP
	mov [rdi + 17*8], rax
	mov ax, cs
	movzx rax, ax
	mov [rdi + 18*8], rax
	pushfq
	pop rax
	mov [rdi + 19*8], rax
	lea rax, [rsp + 8]
	mov [rdi + 20*8], rax
	mov ax, ss
	movzx rax, ax
	mov [rdi + 21*8], rax
	mov rax, [rdi + 14*8]
	ret
