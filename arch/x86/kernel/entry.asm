; Entry stubs for all 256 vectors and the common path into C: every stub
; leaves the same frame (struct pt_regs, include/asm/regs.h), so one C
; dispatcher (interrupt_dispatch in traps.c) serves exceptions and IRQs.

%include "ptregs.inc"

STUB_SIZE   equ 16                     ; every stub fits one 16-byte slot
NR_VECTORS  equ 256
PT_REGS_RIP equ 17 * 8                 ; offsetof(struct pt_regs, rip)

global isr_stub_table
extern interrupt_dispatch

; Vectors where the CPU pushes an error code itself (SDM Vol. 3A 6.3.1,
; Table 6-1): #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP, #VC, #SX. The others
; get a dummy 0 so the frame has one shape. A software `int n` on one of
; these vectors pushes no code and would skew the frame; the gates' DPL 0
; keeps user mode from trying.
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

section .text progbits alloc exec nowrite align=16
bits 64

; Fixed-size slots instead of one label per stub keep 256 names out of the
; symbol table; faults here print as isr_stubs+offset (offset / 16 = vector).
align STUB_SIZE
isr_stubs:
%assign vec 0
%rep NR_VECTORS
%if !HAS_ERROR_CODE(vec)
	push qword 0
%endif
	push qword vec
	jmp near interrupt_common
	align STUB_SIZE
%assign vec vec + 1
%endrep
isr_stubs_end:
; Fails to assemble (negative count) if a stub outgrew its slot.
times NR_VECTORS * STUB_SIZE - (isr_stubs_end - isr_stubs) db 0

; The CPU pushed SS, RSP, RFLAGS, CS, RIP (after aligning RSP down to 16,
; SDM Vol. 3A 6.14.2) and the stub an error code and the vector: 7 slots.
; 15 registers more make 22 slots, so RSP is 16-byte aligned again, and the
; two-slot frame record below keeps it aligned at the call, as the ABI needs.
interrupt_common:
	; From ring 3, GS base is the user's: swap the per-CPU one in (and out below).
	test qword [rsp + 24], 3            ; the CS the CPU pushed
	jz .from_kernel
	swapgs
.from_kernel:
	PUSH_PT_REGS
	mov rdi, rsp                        ; struct pt_regs *
	; A frame record (saved RBP, "return address" = interrupted RIP) so
	; backtraces taken inside a handler continue through the interrupted code.
	push qword [rdi + PT_REGS_RIP]
	push rbp
	mov rbp, rsp
	cld                                 ; the C ABI expects DF clear
	call interrupt_dispatch
	add rsp, 16
	POP_PT_REGS
	add rsp, 16                         ; vector and error code
	test qword [rsp + 8], 3             ; returning to ring 3?
	jz .to_kernel
	swapgs
.to_kernel:
	iretq

section .rodata progbits alloc noexec nowrite align=8
isr_stub_table:
%assign vec 0
%rep NR_VECTORS
	dq isr_stubs + vec * STUB_SIZE
%assign vec vec + 1
%endrep
