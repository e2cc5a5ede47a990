/*
 * The context switch (arch/x86/kernel/switch.asm) and the FPU/SSE state it
 * carries (arch/x86/kernel/fpu.c).
 */
#ifndef ASM_SWITCH_TO_H
#define ASM_SWITCH_TO_H

struct thread;

/*
 * Saves prev's callee-saved registers, FS base, user GS base and FPU/SSE
 * state, loads next's, and continues next where it stopped. Returns (in
 * next's context) the thread that ran just before, which may be a thread
 * other than the prev that this call site named. Interrupts must be off.
 */
struct thread *switch_to(struct thread *prev, struct thread *next);

/* Where a new thread's first switch_to() "returns": calls kthread_start(last). */
void thread_entry_asm(void);

/* Enables fxsave/fxrstor and SSE (CR0, CR4) and records a clean FPU image. */
void fpu_init(void);
/* Fills a FPU_STATE_SIZE area with the clean image a new thread starts from. */
void fpu_init_state(void *area);

#endif
