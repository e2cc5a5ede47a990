/*
 * Preemption control and context checks. preempt_count > 0 (a spinlock is
 * held, or preempt_disable()) keeps the timer from switching threads; the
 * sleeping-while-atomic check (CONFIG_DEBUG_LOCKS) reads the same count.
 */
#ifndef TESSERA_PREEMPT_H
#define TESSERA_PREEMPT_H

#include <tessera/percpu.h>

#define RFLAGS_IF_BIT (1UL << 9)      /* RFLAGS.IF, Intel SDM Vol. 1 3.4.3 */

static inline unsigned long read_rflags_raw(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(flags) : : "memory");
	return flags;
}

static inline bool irqs_disabled(void)
{
	return !(read_rflags_raw() & RFLAGS_IF_BIT);
}

/* One instruction, so an interrupt between read and write cannot lose a count. */
static inline void preempt_disable(void)
{
	if (likely(percpu_ready))
		__asm__ __volatile__("incl %%gs:%c0" : : "i"(offsetof(struct cpu, preempt_count))
				     : "memory");
}

static inline void preempt_enable_no_resched(void)
{
	if (likely(percpu_ready))
		__asm__ __volatile__("decl %%gs:%c0" : : "i"(offsetof(struct cpu, preempt_count))
				     : "memory");
}

static inline int preempt_count(void)
{
	return percpu_ready ? this_cpu()->preempt_count : 0;
}

/* Switches now if the scheduler asked and this is a safe point (CONFIG_PREEMPT). */
void preempt_check_resched(void);

static inline void preempt_enable(void)
{
	preempt_enable_no_resched();
	preempt_check_resched();
}

/*
 * Every function that may block calls might_sleep() first: under
 * CONFIG_DEBUG_LOCKS it reports (once per call site) a call with a spinlock
 * held or interrupts off, which could deadlock or sleep in an interrupt.
 */
#ifdef CONFIG_DEBUG_LOCKS
void __might_sleep(unsigned long ip);
#define might_sleep() __might_sleep((unsigned long)__builtin_return_address(0))
#else
#define might_sleep() do { } while (0)
#endif

#endif
