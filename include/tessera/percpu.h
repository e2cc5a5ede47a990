/*
 * Per-CPU data: one struct cpu per processor, reached through the GS base
 * (this_cpu() is a single %gs-relative load), so SMP later changes no code
 * that uses it. percpu_init() points GS at the boot CPU's copy.
 */
#ifndef TESSERA_PERCPU_H
#define TESSERA_PERCPU_H

#include <stddef.h>
#include <tessera/compiler.h>
#include <tessera/types.h>

struct thread;
struct sched_cpu;

struct cpu {
	struct cpu *self;            /* this_cpu() loads %gs:0 */
	struct thread *curr;         /* the running thread */
	int preempt_count;           /* > 0: no preemption (spinlock held, ...) */
	bool need_resched;           /* the scheduler wants the CPU back */
	bool lockdep_busy;           /* a lock report is printing: no nested checks */
	unsigned int id;
	struct sched_cpu *sched;     /* run queue and timers, kernel/sched/core.c */
	/* syscall entry (arch/x86/kernel/syscall_entry.asm) reads these at fixed offsets. */
	u64 user_rsp;                /* the user's RSP while the entry stub builds its frame */
	u64 kernel_rsp;              /* top of the current thread's kernel stack */
};

/* False until percpu_init(): early-boot code must not use this_cpu(). */
extern bool percpu_ready;

/* Points GS base at CPU n's struct cpu. After cpu_init() (loading GS clears it). */
void percpu_init(unsigned int n);

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* The running thread; NULL before the scheduler adopts the boot context. */
static inline struct thread *current_thread(void)
{
	struct thread *t;

	__asm__ __volatile__("movq %%gs:%c1, %0" : "=r"(t) : "i"(offsetof(struct cpu, curr)));
	return t;
}

#endif
