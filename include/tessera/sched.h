/*
 * The scheduler: one sched_class ops interface that every policy
 * (kernel/sched/rr.c, mlfq.c, stride.c) implements over a thread's
 * scheduling fields, and the core calls (schedule, yield, wake-up, tick).
 */
#ifndef TESSERA_SCHED_H
#define TESSERA_SCHED_H

#include <tessera/compiler.h>
#include <tessera/types.h>
#include <lib/list.h>

/* POSIX nice levels: -20 asks for the most CPU, 19 for the least. */
#define NICE_MIN      (-20)
#define NICE_MAX      19
#define NICE_DEFAULT  0
#define NICE_LEVELS   (NICE_MAX - NICE_MIN + 1)

/*
 * A thread's scheduling fields. The core owns the first group; each policy
 * uses the fields named after it and ignores the rest, so policies compile
 * into host tests over fake threads that are nothing but this struct.
 */
struct sched_entity {
	/* core */
	struct list_head run_node;   /* on a policy queue while on_rq */
	bool on_rq;
	int nice;                    /* NICE_MIN..NICE_MAX */
	u64 sum_exec_ns;             /* total run time, updated before every op */
	/* policies */
	u64 charged_ns;              /* part of sum_exec_ns already charged */
	u32 slice_left;              /* rr, stride: ticks left in the quantum */
	u32 level;                   /* mlfq: 0 is the highest priority */
	u64 level_used_ns;           /* mlfq: CPU used at this level */
	u32 boost_gen;               /* mlfq: last priority boost applied */
	u32 weight;                  /* stride: from nice, NICE_0_WEIGHT at nice 0 */
	u64 pass;                    /* stride: run time scaled by 1/weight */
};

/* Words of per-run-queue state a policy may keep (checked at build time). */
#define SCHED_RQ_PRIV_WORDS 32

/* One CPU's run queue: core fields the policies read, then policy state. */
struct sched_rq {
	u64 clock_ns;                /* now, updated by the core before every op */
	u64 ticks;                   /* timer ticks seen */
	u32 tick_ns;                 /* length of one tick */
	u32 slice_ticks;             /* base quantum, CONFIG_SCHED_TIMESLICE_MS */
	u32 nr_queued;               /* kept by the policy */
	struct sched_entity *curr;   /* running entity, NULL while idle */
	u64 priv[SCHED_RQ_PRIV_WORDS] __aligned(16);
};

#define SCHED_RQ_PRIV(rq, type) \
	({ _Static_assert(sizeof(type) <= sizeof((rq)->priv), #type " too big"); \
	   (type *)(rq)->priv; })

/* Why an entity is (re)queued; policies reset or keep their state by it. */
enum sched_enqueue_reason {
	SCHED_ENQ_NEW,               /* created */
	SCHED_ENQ_WAKEUP,            /* was blocked */
	SCHED_ENQ_PREEMPTED,         /* its quantum ran out or another preempted it */
	SCHED_ENQ_RESTORE,           /* taken off and put back by the core (set_priority) */
};

/*
 * The ops. The running entity is never on a queue: pick_next() removes what
 * it returns, and the core enqueues (or yields) the previous entity when it
 * stops running while still runnable. The core holds the run-queue lock with
 * interrupts off around every call; none may sleep or allocate.
 */
struct sched_class {
	const char *name;            /* as written after sched= */
	const char *description;     /* one line for the boot log */
	void (*init)(struct sched_rq *rq);
	void (*enqueue)(struct sched_rq *rq, struct sched_entity *se,
			enum sched_enqueue_reason why);
	/* Removes a queued entity (se->on_rq). */
	void (*dequeue)(struct sched_rq *rq, struct sched_entity *se);
	/* Removes and returns the entity to run next, or NULL when none is queued. */
	struct sched_entity *(*pick_next)(struct sched_rq *rq);
	/* One timer tick while curr runs (NULL: idle). True: preempt curr. */
	bool (*tick)(struct sched_rq *rq, struct sched_entity *curr);
	/* curr gives up the CPU but stays runnable: queue it behind others. */
	void (*yield)(struct sched_rq *rq, struct sched_entity *curr);
	/* se->nice is already set and se is off the queue; update weights. */
	void (*set_priority)(struct sched_rq *rq, struct sched_entity *se);
	/* Optional: true when woken should run before rq->curr right away. */
	bool (*check_preempt)(struct sched_rq *rq, struct sched_entity *woken);
};

/*
 * Every linked policy registers itself; sched= picks one at boot. Host tests
 * set SCHED_CLASS_SECTION to a C-identifier name so the linker gives them
 * __start_/__stop_ symbols.
 */
#ifndef SCHED_CLASS_SECTION
#define SCHED_CLASS_SECTION ".sched_classes"
#endif
#define SCHED_CLASS_REGISTER(cls) \
	static const struct sched_class *const sched_class_entry_##cls \
	__used __section(SCHED_CLASS_SECTION) __aligned(8) = &cls

/* The weight of a nice-0 thread in proportional-share policies. */
#define NICE_0_WEIGHT 1024

/* --- the core (kernel/sched/core.c), not part of the host-tested policies --- */

struct thread;
struct pt_regs;

/* Picks the policy from sched= among the linked ones and starts the boot thread. */
void sched_init(void);
/* True once sched_init() has run: threads exist and blocking calls may sleep. */
bool sched_started(void);
/* The running policy's name. */
const char *sched_class_name(void);
/* Space-separated names of every linked policy. */
const char *sched_linked_names(char *buf, unsigned long len);

/* Gives up the CPU; the current thread must have set its state first. */
void schedule(void);
/* Stays runnable but lets every other runnable thread go first. */
void yield(void);
/* Under !CONFIG_PREEMPT: switch if the tick asked for it. Cheap otherwise. */
void cond_resched(void);
/* Makes a blocked thread runnable. Safe from interrupt handlers. */
void wake_up_thread(struct thread *t);
/* Sets nice (NICE_MIN..NICE_MAX); returns 0 or -EINVAL. */
int sched_set_nice(struct thread *t, int nice);

/*
 * Blocks the current thread until ktime_ns() reaches deadline_ns (woken by
 * the first tick after it) or wake_up_thread() comes first. May sleep.
 */
void schedule_until(u64 deadline_ns);

/*
 * For a thread prepare_to_wait() has marked blocked: sleeps until a wake-up
 * or deadline_ns, whichever comes first, and returns at once when the
 * wake-up already came (schedule_until() would lose it by marking the
 * thread blocked again). The caller then checks its condition and calls
 * finish_wait(). May sleep.
 */
void schedule_timeout_blocked(u64 deadline_ns);

/* Called by the timer interrupt once per tick. */
void sched_tick(void);
/* Called last on the interrupt exit path: the preemption point (CONFIG_PREEMPT). */
void sched_irq_exit(const struct pt_regs *regs);

/* Ticks and nanoseconds per tick as the scheduler counts them. */
u64 sched_ticks(void);
u32 sched_tick_ns(void);

/* The switch-event ring (CONFIG_SCHED_TRACE), printed on the consoles. */
#ifdef CONFIG_SCHED_TRACE
void sched_trace_dump(void);
#else
static inline void sched_trace_dump(void) { }
#endif

#endif
