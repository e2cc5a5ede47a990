/*
 * The scheduler core: per-CPU run queues, the switch itself (schedule),
 * wake-ups, timed sleeps, the tick, preemption points and the idle thread.
 * Which thread runs next is the policy's business (rr.c, mlfq.c, stride.c).
 */
#include <asm/gdt.h>
#include <asm/regs.h>
#include <asm/switch_to.h>
#include <asm/tsc.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/time.h>
#include "internal.h"

/* One CPU's scheduler state; struct cpu points at it. */
struct sched_cpu {
	raw_spinlock_t lock;         /* everything below, and thread states */
	struct sched_rq rq;
	struct thread *idle;
	struct list_head sleepers;   /* timed sleeps, soonest deadline first */
	u64 idle_ns;
	u64 nr_switches;
};

static struct sched_cpu sched_cpus[MAX_CPUS];
const struct sched_class *sched_policy;
bool sched_running;

static struct sched_cpu *cpu_sched(void)
{
	return this_cpu()->sched;
}

static bool is_idle(const struct thread *t)
{
	return t->flags & THREAD_IDLE;
}

static struct thread *thread_of(struct sched_entity *se)
{
	return se ? container_of(se, struct thread, se) : NULL;
}

/* Charges the running thread (or idle) for the time since it last was. */
static void account_curr(struct sched_cpu *sc, struct thread *curr, u64 now)
{
	u64 delta = now > curr->exec_start_ns ? now - curr->exec_start_ns : 0;

	curr->exec_start_ns = now;
	curr->se.sum_exec_ns += delta;
	if (is_idle(curr))
		sc->idle_ns += delta;
}

/* prev stops running: back on the queue if it is still runnable. */
static void put_prev(struct sched_cpu *sc, struct thread *prev, enum switch_reason why,
		     u64 now)
{
	if (is_idle(prev) || prev->state == THREAD_DEAD)
		return;
	prev->stats.since_ns = now;
	/*
	 * Preempted between marking itself blocked and calling schedule(): it
	 * has not slept yet and must run again to do so, or a wake-up that
	 * already happened would be lost.
	 */
	if (prev->state == THREAD_BLOCKED && why != SWITCH_PREEMPT)
		return;
	if (why == SWITCH_YIELD)
		sched_policy->yield(&sc->rq, &prev->se);
	else
		sched_policy->enqueue(&sc->rq, &prev->se, SCHED_ENQ_PREEMPTED);
}

static void account_switch(struct thread *prev, struct thread *next, enum switch_reason why,
			   u64 now)
{
	if (!is_idle(prev)) {
		if (why == SWITCH_PREEMPT)
			prev->stats.nivcsw++;
		else
			prev->stats.nvcsw++;
	}
	if (!is_idle(next))
		next->stats.wait_ns += now - next->stats.since_ns;
}

static void __schedule(enum switch_reason why)
{
	unsigned long flags = irq_save();
	struct cpu *cpu = this_cpu();
	struct sched_cpu *sc = cpu->sched;
	struct thread *prev = cpu->curr, *next;
	u64 now;

	raw_spin_lock(&sc->lock);
	now = ktime_ns();
	sc->rq.clock_ns = now;
	account_curr(sc, prev, now);
	cpu->need_resched = false;
	put_prev(sc, prev, why, now);
	next = thread_of(sched_policy->pick_next(&sc->rq));
	if (!next)
		next = sc->idle;
	if (next == prev) {
		raw_spin_unlock(&sc->lock);
		irq_restore(flags);
		return;
	}
	account_switch(prev, next, why, now);
	sched_trace_switch(prev, next, why, now);
	sc->rq.curr = is_idle(next) ? NULL : &next->se;
	sc->nr_switches++;
	cpu->curr = next;
	next->on_cpu = true;
	next->exec_start_ns = now;
	prev = switch_to(prev, next);
	sched_finish_switch(prev);
	irq_restore(flags);
}

void sched_finish_switch(struct thread *prev)
{
	bool dead = prev->state == THREAD_DEAD;

	__atomic_store_n(&prev->on_cpu, false, __ATOMIC_RELEASE);
	raw_spin_unlock(&cpu_sched()->lock);
	/* The dead thread's own reference: its stack is no longer in use. */
	if (dead)
		thread_put(prev);
}

/* A preempt_count left over here would leak into the next thread. */
static void check_schedule_context(void)
{
	if (unlikely(this_cpu()->preempt_count))
		panic("schedule() with preempt_count %d (a spinlock held?) in %s",
		      this_cpu()->preempt_count, current_thread()->name);
}

void schedule(void)
{
	check_schedule_context();
	__schedule(SWITCH_BLOCK);
}

void yield(void)
{
	check_schedule_context();
	__schedule(SWITCH_YIELD);
}

void cond_resched(void)
{
	struct cpu *cpu;

	if (!sched_running)
		return;
	cpu = this_cpu();
	if (cpu->need_resched && !cpu->preempt_count && !irqs_disabled())
		__schedule(SWITCH_PREEMPT);
}

void preempt_check_resched(void)
{
	if (IS_ENABLED(CONFIG_PREEMPT))
		cond_resched();
}

/* The preemption point on the way out of every device interrupt. */
void sched_irq_exit(const struct pt_regs *regs)
{
	struct cpu *cpu;

	if (!IS_ENABLED(CONFIG_PREEMPT) || !sched_running)
		return;
	cpu = this_cpu();
	if (!cpu->need_resched || cpu->preempt_count || !(regs->rflags & RFLAGS_IF_BIT))
		return;
	/* Idle may sit inside tick_idle() with the tick stopped: let it restart it first. */
	if (is_idle(cpu->curr))
		return;
	__schedule(SWITCH_PREEMPT);
}

/* Wakes t with the run-queue lock held. Returns whether t was blocked. */
static bool try_wake(struct sched_cpu *sc, struct thread *t, u64 now)
{
	struct cpu *cpu = this_cpu();

	if (t->state != THREAD_BLOCKED)
		return false;
	t->state = THREAD_RUNNABLE;
	t->stats.wakeups++;
	if (!list_empty(&t->sleep_node))
		list_del(&t->sleep_node);
	/* Still on its CPU (it has not reached schedule() yet) or still queued. */
	if (t->on_cpu || t->se.on_rq)
		return true;
	t->stats.sleep_ns += now - t->stats.since_ns;
	t->stats.since_ns = now;
	sc->rq.clock_ns = now;
	sched_policy->enqueue(&sc->rq, &t->se, SCHED_ENQ_WAKEUP);
	if (is_idle(cpu->curr) ||
	    (sched_policy->check_preempt && sched_policy->check_preempt(&sc->rq, &t->se)))
		cpu->need_resched = true;
	return true;
}

/* One CPU for now; with SMP this takes t->cpu's queue and sends an IPI. */
void wake_up_thread(struct thread *t)
{
	struct sched_cpu *sc = cpu_sched();
	unsigned long flags = irq_save();

	raw_spin_lock(&sc->lock);
	try_wake(sc, t, ktime_ns());
	raw_spin_unlock(&sc->lock);
	irq_restore(flags);
}

void sched_start_thread(struct thread *t)
{
	struct sched_cpu *sc = cpu_sched();
	unsigned long flags = irq_save();

	raw_spin_lock(&sc->lock);
	t->stats.since_ns = ktime_ns();
	sc->rq.clock_ns = t->stats.since_ns;
	sched_policy->enqueue(&sc->rq, &t->se, SCHED_ENQ_NEW);
	if (is_idle(this_cpu()->curr))
		this_cpu()->need_resched = true;
	raw_spin_unlock(&sc->lock);
	irq_restore(flags);
}

__noreturn void sched_exit_current(void)
{
	irq_disable();
	__schedule(SWITCH_EXIT);
	panic("a dead thread (%s) was scheduled again", current_thread()->name);
}

int sched_set_nice(struct thread *t, int nice)
{
	struct sched_cpu *sc = cpu_sched();
	unsigned long flags;
	bool queued;

	if (nice < NICE_MIN || nice > NICE_MAX)
		return -EINVAL;
	flags = irq_save();
	raw_spin_lock(&sc->lock);
	queued = t->se.on_rq;
	if (queued)
		sched_policy->dequeue(&sc->rq, &t->se);
	t->se.nice = nice;
	sched_policy->set_priority(&sc->rq, &t->se);
	if (queued)
		sched_policy->enqueue(&sc->rq, &t->se, SCHED_ENQ_RESTORE);
	raw_spin_unlock(&sc->lock);
	irq_restore(flags);
	return 0;
}

/* --- timed sleep and the tick --- */

static void add_sleeper(struct sched_cpu *sc, struct thread *t)
{
	struct list_head *pos;

	list_for_each(pos, &sc->sleepers)
		if (list_entry(pos, struct thread, sleep_node)->wake_ns > t->wake_ns)
			break;
	list_add_tail(&t->sleep_node, pos);
}

void schedule_until(u64 deadline_ns)
{
	struct sched_cpu *sc = cpu_sched();
	struct thread *t = current_thread();
	unsigned long flags;

	might_sleep();
	if (ktime_ns() >= deadline_ns)
		return;
	flags = irq_save();
	raw_spin_lock(&sc->lock);
	t->wake_ns = deadline_ns;
	add_sleeper(sc, t);
	t->state = THREAD_BLOCKED;
	raw_spin_unlock(&sc->lock);
	check_schedule_context();
	__schedule(SWITCH_SLEEP);
	/* Woken early by wake_up_thread(): try_wake took it off the list. */
	irq_restore(flags);
}

void schedule_timeout_blocked(u64 deadline_ns)
{
	struct sched_cpu *sc = cpu_sched();
	struct thread *t = current_thread();
	unsigned long flags;

	might_sleep();
	flags = irq_save();
	raw_spin_lock(&sc->lock);
	/* try_wake() runs under this lock, so the state read here is final. */
	if (t->state != THREAD_BLOCKED || ktime_ns() >= deadline_ns) {
		raw_spin_unlock(&sc->lock);
		irq_restore(flags);
		return;
	}
	t->wake_ns = deadline_ns;
	add_sleeper(sc, t);
	raw_spin_unlock(&sc->lock);
	check_schedule_context();
	__schedule(SWITCH_SLEEP);
	irq_restore(flags);
}

static void wake_sleepers(struct sched_cpu *sc, u64 now)
{
	while (!list_empty(&sc->sleepers)) {
		struct thread *t = list_first_entry(&sc->sleepers, struct thread, sleep_node);

		if (t->wake_ns > now)
			break;
		list_del(&t->sleep_node);
		try_wake(sc, t, now);
	}
}

void sched_tick(void)
{
	struct cpu *cpu;
	struct sched_cpu *sc;
	struct thread *curr;
	u64 now;

	if (!sched_running)
		return;
	cpu = this_cpu();
	sc = cpu->sched;
	raw_spin_lock(&sc->lock);
	now = ktime_ns();
	sc->rq.clock_ns = now;
	sc->rq.ticks++;
	curr = cpu->curr;
	account_curr(sc, curr, now);
	curr->stats.ticks++;
	wake_sleepers(sc, now);
	if (sched_policy->tick(&sc->rq, is_idle(curr) ? NULL : &curr->se))
		cpu->need_resched = true;
	raw_spin_unlock(&sc->lock);
}

bool sched_started(void)
{
	return sched_running;
}

u64 sched_ticks(void)
{
	return sched_running ? cpu_sched()->rq.ticks : 0;
}

u32 sched_tick_ns(void)
{
	return TICK_NS;
}

/* --- idle --- */

static bool sleepers_pending(struct sched_cpu *sc)
{
	return !list_empty(&sc->sleepers);
}

/*
 * Halts until an interrupt. The tick may stop (NO_HZ_IDLE, inside
 * tick_idle()) only when no timed sleeper needs it to wake up.
 */
static int sched_idle_loop(void *unused)
{
	struct cpu *cpu = this_cpu();

	for (;;) {
		irq_disable();
		if (cpu->need_resched) {
			irq_enable();
			__schedule(SWITCH_PREEMPT);
			continue;
		}
		if (sleepers_pending(cpu->sched))
			__asm__ __volatile__("sti; hlt" ::: "memory");
		else
			tick_idle();
	}
	return 0;
}

u64 sched_idle_ns(void)
{
	return sched_running ? cpu_sched()->idle_ns : 0;
}

u64 sched_nr_switches(void)
{
	return sched_running ? cpu_sched()->nr_switches : 0;
}

/* Sets up this CPU's run queue for the chosen policy and adopts the boot context. */
void sched_cpu_init(unsigned int n, const struct sched_class *policy)
{
	struct sched_cpu *sc = &sched_cpus[n];
	struct thread *boot;

	percpu_init(n);
	fpu_init();
	sched_policy = policy;
	sc->lock = (raw_spinlock_t)RAW_SPINLOCK_INIT;
	list_init(&sc->sleepers);
	sc->rq.tick_ns = TICK_NS;
	sc->rq.slice_ticks = (CONFIG_SCHED_TIMESLICE_MS * CONFIG_HZ + 999) / 1000;
	sc->rq.clock_ns = ktime_ns();
	policy->init(&sc->rq);
	this_cpu()->sched = sc;

	boot = thread_adopt_boot();
	boot->stats.since_ns = sc->rq.clock_ns;
	policy->enqueue(&sc->rq, &boot->se, SCHED_ENQ_NEW);
	policy->pick_next(&sc->rq);          /* the boot thread is running, not queued */
	sc->rq.curr = &boot->se;
	boot->on_cpu = true;
	boot->exec_start_ns = sc->rq.clock_ns;
	this_cpu()->curr = boot;

	sc->idle = thread_create_idle(sched_idle_loop, n);
	if (!sc->idle)
		panic("sched: no memory for the idle thread");
	sched_running = true;
}
