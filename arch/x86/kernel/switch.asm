; The context switch: struct thread *switch_to(struct thread *prev,
; struct thread *next). Everything the C ABI lets a callee clobber is
; already saved by the caller, so only callee-saved registers, the stack
; pointer and the state C code cannot see (FS base, user GS base, x87/SSE)
; move here. Interrupts are off (the scheduler core guarantees it).

; Offsets in struct thread (include/tessera/thread.h; kernel/thread.c
; checks them with _Static_assert).
THREAD_RSP      equ 0
THREAD_FS_BASE  equ 8
THREAD_GS_BASE  equ 16
THREAD_FPU      equ 24
THREAD_CR3      equ 32              ; checked in arch/x86/kernel/syscall.c

MSR_FS_BASE        equ 0xc0000100       ; SDM Vol. 4, Table 2-2
MSR_KERNEL_GS_BASE equ 0xc0000102       ; the user's GS base while in the kernel

global switch_to
global thread_entry_asm
extern kthread_start

section .text progbits alloc exec nowrite align=16
bits 64

; FPU/SSE state is switched eagerly: fxsave/fxrstor on every switch. The
; kernel is compiled with -mgeneral-regs-only, so kernel threads never dirty
; it and the cost is a fixed ~512-byte copy each way. Lazy switching (CR0.TS
; and a #NM trap on first use) would save that copy but needs a trap path,
; per-CPU ownership tracking that SMP complicates, and leaks register
; contents speculatively (LazyFP, CVE-2018-3665); Linux dropped it in 4.14.
switch_to:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15

	mov ecx, MSR_FS_BASE
	rdmsr
	shl rdx, 32
	or rax, rdx
	mov [rdi + THREAD_FS_BASE], rax
	mov ecx, MSR_KERNEL_GS_BASE
	rdmsr
	shl rdx, 32
	or rax, rdx
	mov [rdi + THREAD_GS_BASE], rax
	mov rax, [rdi + THREAD_FPU]
	fxsave64 [rax]
	mov [rdi + THREAD_RSP], rsp

	mov rsp, [rsi + THREAD_RSP]
	; A process's address space follows its thread. Kernel threads run on
	; whatever is loaded: the kernel half is the same in every PML4.
	mov rax, [rsi + THREAD_CR3]
	test rax, rax
	jz .cr3_done
	mov rdx, cr3
	cmp rax, rdx
	je .cr3_done
	mov cr3, rax
.cr3_done:
	mov rax, [rsi + THREAD_FPU]
	fxrstor64 [rax]
	; wrmsr is slow (serialising): skip it when the value does not change,
	; which is always the case between kernel threads.
	mov rax, [rsi + THREAD_FS_BASE]
	cmp rax, [rdi + THREAD_FS_BASE]
	je .fs_done
	mov ecx, MSR_FS_BASE
	mov rdx, rax
	shr rdx, 32
	wrmsr
.fs_done:
	mov rax, [rsi + THREAD_GS_BASE]
	cmp rax, [rdi + THREAD_GS_BASE]
	je .gs_done
	mov ecx, MSR_KERNEL_GS_BASE
	mov rdx, rax
	shr rdx, 32
	wrmsr
.gs_done:
	mov rax, rdi                        ; returned in next's context: the thread left
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; A new thread's stack is built so that switch_to's ret lands here, with
; RSP 16-byte aligned and RBP 0 (the end of every backtrace).
thread_entry_asm:
	mov rdi, rax
	call kthread_start
	ud2                                 ; kthread_start never returns
