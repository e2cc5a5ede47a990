/*
 * What the scheduler core shares with kernel/thread.c and its own helpers
 * (trace.c, the tests and the bench): switch reasons, thread hand-off and
 * the switch-event trace. Not for use outside kernel/.
 */
#ifndef KERNEL_SCHED_INTERNAL_H
#define KERNEL_SCHED_INTERNAL_H

#include <tessera/thread.h>

/* Why the CPU went from one thread to another; the trace records it. */
enum switch_reason {
	SWITCH_PREEMPT,              /* the tick or a wake-up took the CPU away */
	SWITCH_YIELD,                /* yield(): still runnable */
	SWITCH_BLOCK,                /* waiting on a queue */
	SWITCH_SLEEP,                /* timed sleep */
	SWITCH_EXIT,
	SWITCH_REASONS
};

/* The rest of a switch, run by whichever thread the CPU switched to. */
void sched_finish_switch(struct thread *prev);
/* Makes a new thread runnable. */
void sched_start_thread(struct thread *t);
/* Switches away from the current thread, which has set THREAD_DEAD, for ever. */
__noreturn void sched_exit_current(void);
/* True once sched_init() has adopted the boot context. */
extern bool sched_running;
/* The policy picked at boot. */
extern const struct sched_class *sched_policy;
/* Sets up CPU n's run queue under policy, adopts the boot context, makes idle. */
void sched_cpu_init(unsigned int n, const struct sched_class *policy);
/* Time this CPU spent idle, and context switches it made. */
u64 sched_idle_ns(void);
u64 sched_nr_switches(void);

#ifdef CONFIG_SCHED_TRACE
void sched_trace_switch(const struct thread *prev, const struct thread *next,
			enum switch_reason why, u64 now_ns);
/* Starts the sched_trace_dump=<ms> thread, if asked for. */
void sched_trace_init(void);
/* Switches recorded since boot. */
u64 sched_trace_count(void);
#else
static inline void sched_trace_switch(const struct thread *prev, const struct thread *next,
				      enum switch_reason why, u64 now_ns) { }
static inline void sched_trace_init(void) { }
static inline u64 sched_trace_count(void) { return 0; }
#endif

/* The guest yield/wake-up benchmark (bench.c). */
void sched_bench_run(void);

#endif
