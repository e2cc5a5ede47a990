/*
 * CPU exceptions (vectors 0-31): their numbers, the C entry the stubs call,
 * and the record of the last one taken, which KTESTs check.
 */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <tessera/types.h>
#include <asm/regs.h>

/* Exception vectors (SDM Vol. 3A 6.3.1, Table 6-1). */
#define X86_TRAP_DE   0     /* divide error */
#define X86_TRAP_DB   1     /* debug */
#define X86_TRAP_NMI  2
#define X86_TRAP_BP   3     /* int3 */
#define X86_TRAP_UD   6     /* invalid opcode */
#define X86_TRAP_DF   8     /* double fault */
#define X86_TRAP_GP   13    /* general protection */
#define X86_TRAP_PF   14    /* page fault */
#define X86_TRAP_MC   18    /* machine check */
#define X86_NR_EXCEPTIONS 32

/* Page-fault error code bits (SDM Vol. 3A 4.7, Figure 4-12). */
#define PF_PRESENT    (1 << 0)    /* 0: page not present; 1: protection violation */
#define PF_WRITE      (1 << 1)
#define PF_USER       (1 << 2)
#define PF_RESERVED   (1 << 3)    /* a reserved bit was set in a paging entry */
#define PF_INSN       (1 << 4)    /* instruction fetch (needs NX or SMEP) */

/* The low two bits of CS are the privilege level the CPU was running at. */
static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

/* What the exception dispatcher saw last, for tests. seq counts every exception. */
struct trap_record {
	u64 seq;
	u64 vector;
	u64 error_code;
	u64 cr2;           /* only meaningful for #PF */
	u64 rip;
};

/* The last exception taken (vectors 0-31), whether fixed up, reported or fatal. */
const struct trap_record *trap_last(void);

/* Called by entry.asm with the saved frame for every vector 0-255. */
void interrupt_dispatch(struct pt_regs *regs);
/* Device interrupts (vectors 32-255), in irq.c. */
void irq_dispatch(struct pt_regs *regs);

#endif
