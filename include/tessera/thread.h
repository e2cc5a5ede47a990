/*
 * Kernel threads: a thread control block, a kernel stack with a guard page
 * below it, creation, exit and join (kernel/thread.c). The scheduler
 * (tessera/sched.h) decides which runnable thread runs.
 */
#ifndef TESSERA_THREAD_H
#define TESSERA_THREAD_H

#include <tessera/lockdep.h>
#include <tessera/sched.h>
#include <tessera/types.h>
#include <tessera/wait.h>

struct process;

#define THREAD_NAME_MAX   16
#define THREAD_STACK_PAGES 4         /* 16 KiB, with an unmapped guard page below */
#define FPU_STATE_SIZE    512        /* fxsave area (Intel SDM Vol. 1 10.5.1) */
#define FPU_STATE_ALIGN   16

enum thread_state {
	THREAD_RUNNABLE,             /* running, or waiting for a CPU */
	THREAD_BLOCKED,              /* waiting for a wake-up */
	THREAD_DEAD,                 /* exited; its creator may join it */
};

enum thread_flag {
	THREAD_IDLE = 1 << 0,        /* the per-CPU idle thread: never queued */
	THREAD_BOOT = 1 << 1,        /* runs on the boot stack, which it does not own */
};

/* Per-thread accounting, in nanoseconds and counts since creation. */
struct thread_stats {
	u64 wait_ns;                 /* runnable but waiting for a CPU */
	u64 sleep_ns;                /* blocked */
	u64 nvcsw;                   /* voluntary switches: blocked, yielded, exited */
	u64 nivcsw;                  /* involuntary switches: preempted */
	u64 wakeups;
	u64 ticks;                   /* timer ticks that found it running */
	u64 since_ns;                /* when the current wait or sleep began */
};

struct thread {
	/* switch.asm reads these at fixed offsets (THREAD_RSP etc. there). */
	u64 rsp;                     /* saved stack pointer while switched out */
	u64 fs_base;
	u64 gs_base;                 /* the user's GS base (KERNEL_GS_BASE in the kernel) */
	void *fpu;                   /* FPU_STATE_SIZE bytes, FPU_STATE_ALIGN aligned */
	u64 cr3;                     /* a process's page tables; 0: any (kernel threads) */

	int tid;
	char name[THREAD_NAME_MAX];
	enum thread_state state;
	unsigned int flags;          /* enum thread_flag */
	bool on_cpu;                 /* its stack is in use: not freeable yet */
	unsigned int cpu;            /* whose run queue it belongs to */
	int refs;                    /* the thread itself, plus one per handle */
	struct sched_entity se;
	u64 exec_start_ns;           /* when it last got the CPU */
	struct thread_stats stats;

	int (*fn)(void *arg);
	void *arg;
	int exit_code;
	struct wait_queue exit_wq;   /* joiners */

	void *stack_base;            /* lowest usable byte (the guard page is below) */
	u64 stack_top;
	u64 wake_ns;                 /* timed sleep deadline, kernel/sched/core.c */
	struct list_head sleep_node;
	struct list_head all_node;   /* every thread, for statistics */
	struct lockdep_task lockdep;
	struct process *proc;        /* the user process it runs, NULL for kernel threads */

	u8 fpu_area[FPU_STATE_SIZE + FPU_STATE_ALIGN];
};

/*
 * Creates a thread running fn(arg) and makes it runnable; when fn returns,
 * its value becomes the exit code. Returns NULL when memory runs out. The
 * caller owns one handle: pass it to kthread_join() or kthread_detach().
 */
struct thread *kthread_create(int (*fn)(void *arg), void *arg, const char *name);
/* As kthread_create(), starting at nice (NICE_MIN..NICE_MAX). */
struct thread *kthread_create_nice(int (*fn)(void *arg), void *arg, const char *name,
				   int nice);
/* Ends the current thread with code. */
__noreturn void kthread_exit(int code);
/*
 * Waits until t has exited, stores its exit code (if code is not NULL) and
 * gives up the handle. Several threads may join one thread if each holds a
 * handle (thread_get()). Returns 0, or -EDEADLK when t is the caller. May sleep.
 */
int kthread_join(struct thread *t, int *code);
/* Gives up the handle without waiting: the thread is freed when it exits. */
void kthread_detach(struct thread *t);

/* One more handle on t; each is given up with kthread_join() or kthread_detach(). */
struct thread *thread_get(struct thread *t);

/* Prints every thread with its state and accounting. */
void thread_dump_all(void);
/* Calls fn for every thread, with interrupts off; fn must not sleep. */
void thread_for_each(void (*fn)(struct thread *t, void *ctx), void *ctx);

/* --- used by the scheduler core --- */

/* The boot context becomes a thread on the boot stack; idle gets its own. */
struct thread *thread_adopt_boot(void);
struct thread *thread_create_idle(int (*fn)(void *arg), unsigned int cpu);
/* Drops a reference; the last one frees the stack and the TCB. */
void thread_put(struct thread *t);

#endif
