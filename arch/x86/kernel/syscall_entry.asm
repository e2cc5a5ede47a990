; The SYSCALL entry point (IA32_LSTAR) and the one way back to ring 3. It
; builds the same struct pt_regs the interrupt stubs do (include/asm/regs.h),
; so exec, signals and fork handle one frame shape whichever way user mode left.

%include "ptregs.inc"

CPU_USER_RSP    equ 40                  ; offsetof(struct cpu, user_rsp): syscall.c checks
CPU_KERNEL_RSP  equ 48                  ; offsetof(struct cpu, kernel_rsp)
USER_DS         equ 0x23                ; GDT_USER_DS | 3 (include/asm/gdt.h)
USER_CS         equ 0x2b                ; GDT_USER_CS | 3
SYSCALL_VECTOR  equ -1                  ; pt_regs.vector for a system call: no IDT vector
PT_REGS_VECTOR  equ 15 * 8              ; offsetof(struct pt_regs, vector): 15 registers first
PT_FRAME_RSP    equ 3 * 8               ; rsp in the hardware frame rip, cs, rflags, rsp, ss

global syscall_entry
global user_return
extern do_syscall
extern exit_to_user_mode
extern syscall_can_sysret

section .text progbits alloc exec nowrite align=16
bits 64

; On entry (Intel SDM Vol. 2B, SYSCALL): RCX = user RIP, R11 = user
; RFLAGS, RSP still the user's, IF cleared by IA32_FMASK. Nothing on this
; path may fault before RSP is a kernel stack.
syscall_entry:
	swapgs
	mov [gs:CPU_USER_RSP], rsp
	mov rsp, [gs:CPU_KERNEL_RSP]
	push qword USER_DS                  ; ss
	push qword [gs:CPU_USER_RSP]        ; rsp
	push r11                            ; rflags
	push qword USER_CS                  ; cs
	push rcx                            ; rip
	push rax                            ; error_code slot: the syscall number (orig_rax)
	push qword SYSCALL_VECTOR
	PUSH_PT_REGS
	xor ebp, ebp                        ; backtraces end here
	mov rdi, rsp
	sti
	cld
	call do_syscall
	cli
	mov rdi, rsp
	jmp user_return

; user_return(struct pt_regs *regs): leaves for ring 3 with regs, from any
; kernel stack. Used by the syscall path and to start a new program.
; SYSRETQ when syscall_can_sysret() says the frame allows it (the common
; system-call return: about 100 cycles cheaper), IRETQ otherwise: it
; restores every register and cannot be tricked by a non-canonical RCX.
; The verdict rides in the frame's vector slot, which nothing reads now.
user_return:
	mov rsp, rdi
	call exit_to_user_mode              ; rdi = regs: RSP0, pending kills
	mov rdi, rsp
	call syscall_can_sysret
	movzx eax, al
	mov [rsp + PT_REGS_VECTOR], rax
	POP_PT_REGS
	cmp qword [rsp], 0                  ; the vector slot: 1 = SYSRET is safe
	jne .sysret
	add rsp, 16                         ; vector and error code
	cli
	swapgs
	iretq
.sysret:
	; RCX = RIP and R11 = RFLAGS were checked; the user RSP comes from the
	; frame. Interrupts stay off until SYSRET loads the user's RFLAGS; an
	; NMI or #MC meanwhile runs on its IST stack, not on this user RSP.
	cli
	mov rsp, [rsp + 16 + PT_FRAME_RSP]
	swapgs
	o64 sysret
