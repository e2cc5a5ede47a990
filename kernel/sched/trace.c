/*
 * CONFIG_SCHED_TRACE: a ring buffer of the last context switches (when,
 * from which thread to which, and why), printed on the consoles by
 * sched_trace_dump() or, with sched_trace_dump=<ms>, by a thread that many
 * milliseconds after boot. Documentation/scheduling.md shows the output.
 */
#include <lib/string.h>
#include <tessera/cmdline.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>
#include "internal.h"

#define TRACE_NAME_LEN  12
#define NS_PER_US       1000ULL

struct trace_event {
	u64 ns;
	s32 prev_tid, next_tid;
	u8 why;                      /* enum switch_reason */
	u8 prev_state;               /* enum thread_state */
	char prev[TRACE_NAME_LEN];
	char next[TRACE_NAME_LEN];
};

static struct trace_event ring[CONFIG_SCHED_TRACE_ENTRIES];
static u64 recorded;                 /* events ever recorded; ring slot = recorded % size */
static unsigned long dump_after_ms;

static const char *const reason_names[SWITCH_REASONS] = {
	[SWITCH_PREEMPT] = "preempt",
	[SWITCH_YIELD]   = "yield",
	[SWITCH_BLOCK]   = "block",
	[SWITCH_SLEEP]   = "sleep",
	[SWITCH_EXIT]    = "exit",
};

/* Called by the core with the run-queue lock held and interrupts off. */
void sched_trace_switch(const struct thread *prev, const struct thread *next,
			enum switch_reason why, u64 now_ns)
{
	struct trace_event *e = &ring[recorded % CONFIG_SCHED_TRACE_ENTRIES];

	e->ns = now_ns;
	e->prev_tid = prev->tid;
	e->next_tid = next->tid;
	e->why = (u8)why;
	e->prev_state = (u8)prev->state;
	strscpy(e->prev, prev->name, sizeof(e->prev));
	strscpy(e->next, next->name, sizeof(e->next));
	recorded++;
}

static void print_event(const struct trace_event *e)
{
	/* The idle thread is left because something woke up, whatever the path. */
	const char *why = e->prev_tid == 0 ? "wakeup" : reason_names[e->why];

	printk("  %6llu.%06llu  %-11s %4d -> %-11s %4d  %s\n",
	       (unsigned long long)(e->ns / 1000000000ULL),
	       (unsigned long long)(e->ns / NS_PER_US % 1000000ULL), e->prev, e->prev_tid,
	       e->next, e->next_tid, why);
}

void sched_trace_dump(void)
{
	static struct trace_event copy[CONFIG_SCHED_TRACE_ENTRIES];
	unsigned long flags = irq_save();
	u64 total = recorded, n = total < CONFIG_SCHED_TRACE_ENTRIES ? total
						: CONFIG_SCHED_TRACE_ENTRIES;

	/* Copied with interrupts off, printed with them on: printing is slow. */
	for (u64 i = 0; i < n; i++)
		copy[i] = ring[(total - n + i) % CONFIG_SCHED_TRACE_ENTRIES];
	irq_restore(flags);
	printk("sched_trace: last %llu of %llu switches, policy %s (oldest first)\n",
	       (unsigned long long)n, (unsigned long long)total, sched_class_name());
	printk("  %13s  %-16s -> %-16s  %s\n", "seconds", "from (tid)", "to (tid)", "why");
	for (u64 i = 0; i < n; i++)
		print_event(&copy[i]);
	thread_dump_all();
}

u64 sched_trace_count(void)
{
	return recorded;
}

static int dump_setup(const char *val)
{
	return val ? cmdline_parse_uint(val, &dump_after_ms) : -EINVAL;
}
KERNEL_PARAM("sched_trace_dump", dump_setup);

static int dump_thread(void *unused)
{
	msleep((unsigned int)dump_after_ms);
	sched_trace_dump();
	return 0;
}

void sched_trace_init(void)
{
	struct thread *t;

	if (!dump_after_ms)
		return;
	t = kthread_create(dump_thread, NULL, "trace-dump");
	if (t)
		kthread_detach(t);
}
