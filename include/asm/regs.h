/*
 * The register frame saved on kernel entry (exceptions, interrupts), in the
 * order the entry stubs push it: general registers, then vector and error
 * code, then what the CPU pushed itself.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <tessera/types.h>

struct pt_regs {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;
	u64 error_code;
	u64 rip, cs, rflags, rsp, ss;
};

/* Fills regs with the caller's current registers (for panic()). */
void regs_capture(struct pt_regs *regs);

#endif
