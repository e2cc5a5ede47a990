/*
 * /proc/sched: which scheduler runs (sched=), its counters, and one line
 * per thread with the accounting the core keeps (kernel/sched/core.c).
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/sched.h>
#include <tessera/thread.h>
#include "internal.h"

#define NS_PER_MS  1000000ULL

struct sched_totals {
	u64 switches, vol, invol, wakeups;
	unsigned int threads, runnable, blocked;
};

static void count(struct thread *t, void *ctx)
{
	struct sched_totals *s = ctx;

	s->threads++;
	s->vol += t->stats.nvcsw;
	s->invol += t->stats.nivcsw;
	s->wakeups += t->stats.wakeups;
	if (t->state == THREAD_RUNNABLE && !(t->flags & THREAD_IDLE))
		s->runnable++;
	else if (t->state == THREAD_BLOCKED)
		s->blocked++;
}

/* A thread line: the counters are copied under the thread lock, printed after. */
struct thread_line {
	int tid;
	char name[THREAD_NAME_MAX];
	char state;
	int nice;
	u64 run_ns, vol, invol;
};

struct thread_lines {
	struct thread_line *v;
	unsigned int n, max;
};

static void collect(struct thread *t, void *ctx)
{
	struct thread_lines *l = ctx;
	struct thread_line *o = l->n < l->max ? &l->v[l->n] : NULL;

	l->n++;
	if (!o)
		return;
	o->tid = t->tid;
	memcpy(o->name, t->name, sizeof(o->name));
	o->state = t->state == THREAD_RUNNABLE ? 'R' : t->state == THREAD_BLOCKED ? 'S' : 'X';
	o->nice = t->se.nice;
	o->run_ns = t->se.sum_exec_ns;
	o->vol = t->stats.nvcsw;
	o->invol = t->stats.nivcsw;
}

static int put_threads(struct proc_buf *b, unsigned int hint)
{
	struct thread_lines l = { NULL, 0, hint + 8 };

	for (;;) {
		l.v = kmalloc(l.max * sizeof(*l.v), GFP_KERNEL);
		if (!l.v)
			return -ENOMEM;
		l.n = 0;
		thread_for_each(collect, &l);
		if (l.n <= l.max)
			break;
		kfree(l.v);
		l.max = l.n + 8;
	}
	proc_printf(b, "\n%5s %-16s %s %4s %10s %10s %10s\n", "tid", "name", "S", "nice",
		    "run_ms", "voluntary", "preempted");
	for (unsigned int i = 0; i < l.n; i++)
		proc_printf(b, "%5d %-16s %c %4d %10llu %10llu %10llu\n", l.v[i].tid, l.v[i].name,
			    l.v[i].state, l.v[i].nice,
			    (unsigned long long)(l.v[i].run_ns / NS_PER_MS),
			    (unsigned long long)l.v[i].vol, (unsigned long long)l.v[i].invol);
	kfree(l.v);
	return 0;
}

int proc_sched_show(struct proc_buf *b, int pid)
{
	struct sched_totals s = { 0 };
	char linked[128];

	thread_for_each(count, &s);
	proc_printf(b, "scheduler:        %s\n", sched_class_name());
	proc_printf(b, "linked:           %s\n", sched_linked_names(linked, sizeof(linked)));
	proc_printf(b, "tick_ns:          %u\n", sched_tick_ns());
	proc_printf(b, "ticks:            %llu\n", (unsigned long long)sched_ticks());
	proc_printf(b, "context_switches: %llu\n", (unsigned long long)(s.vol + s.invol));
	proc_printf(b, "voluntary:        %llu\n", (unsigned long long)s.vol);
	proc_printf(b, "preempted:        %llu\n", (unsigned long long)s.invol);
	proc_printf(b, "wakeups:          %llu\n", (unsigned long long)s.wakeups);
	proc_printf(b, "threads:          %u\n", s.threads);
	proc_printf(b, "runnable:         %u\n", s.runnable);
	proc_printf(b, "blocked:          %u\n", s.blocked);
	return put_threads(b, s.threads);
}
