/*
 * Scheduler micro-benchmarks for `make bench`, run at boot with the
 * sched_bench command-line flag: cycles per yield round trip (two threads
 * ping-ponging through yield()) and per wake-up through a wait queue (two
 * threads ping-ponging through completions). One JSON object per line.
 */
#include <asm/tsc.h>
#include <tessera/completion.h>
#include <tessera/printk.h>
#include "internal.h"

#define BENCH_ROUNDS  4000
#define BENCH_WARMUP  200

struct pingpong {
	struct completion go[2];
	volatile bool stop;
	u64 cycles;
	u64 switches;
	u64 rounds;
};

static int yield_player(void *arg)
{
	struct pingpong *p = arg;

	complete(&p->go[0]);
	while (!p->stop)
		yield();
	return 0;
}

static int yield_measurer(void *arg)
{
	struct pingpong *p = arg;
	u64 t0, s0;

	wait_for_completion(&p->go[0]);      /* the other thread is running */
	for (int i = 0; i < BENCH_WARMUP; i++)
		yield();
	s0 = sched_nr_switches();
	t0 = rdtsc();
	for (int i = 0; i < BENCH_ROUNDS; i++)
		yield();
	p->cycles = rdtsc() - t0;
	p->switches = sched_nr_switches() - s0;
	p->stop = true;
	return 0;
}

static int wake_answerer(void *arg)
{
	struct pingpong *p = arg;

	for (u64 i = 0; i < BENCH_WARMUP + BENCH_ROUNDS; i++) {
		wait_for_completion(&p->go[1]);
		complete(&p->go[0]);
	}
	return 0;
}

static int wake_measurer(void *arg)
{
	struct pingpong *p = arg;
	u64 t0 = 0;

	for (int i = 0; i < BENCH_WARMUP + BENCH_ROUNDS; i++) {
		if (i == BENCH_WARMUP)
			t0 = rdtsc();
		complete(&p->go[1]);
		wait_for_completion(&p->go[0]);
	}
	p->cycles = rdtsc() - t0;
	p->rounds = BENCH_ROUNDS;
	return 0;
}

static void run_pair(struct pingpong *p, int (*a)(void *), int (*b)(void *))
{
	struct thread *ta, *tb;

	init_completion(&p->go[0]);
	init_completion(&p->go[1]);
	p->stop = false;
	ta = kthread_create(a, p, "bench-a");
	tb = kthread_create(b, p, "bench-b");
	if (!ta || !tb) {
		pr_err("sched_bench: out of memory\n");
		p->stop = true;
		complete_all(&p->go[0]);
		complete_all(&p->go[1]);
	}
	if (ta)
		kthread_join(ta, NULL);
	if (tb)
		kthread_join(tb, NULL);
}

void sched_bench_run(void)
{
	struct pingpong p = { 0 };
	u64 per_round;

	run_pair(&p, yield_measurer, yield_player);
	/* A yield that picked its own thread again is no round trip: count switches. */
	per_round = p.switches >= 2 ? p.cycles / (p.switches / 2) : 0;
	pr_info("{\"bench\": \"sched_yield_roundtrip\", \"sched\": \"%s\", \"preempt\": %s, "
		"\"cycles\": %llu, \"switches\": %llu, \"yields\": %d}\n", sched_class_name(),
		IS_ENABLED(CONFIG_PREEMPT) ? "true" : "false", (unsigned long long)per_round,
		(unsigned long long)p.switches, BENCH_ROUNDS);
	p = (struct pingpong){ 0 };
	run_pair(&p, wake_measurer, wake_answerer);
	pr_info("{\"bench\": \"sched_waitqueue_wakeup\", \"sched\": \"%s\", \"preempt\": %s, "
		"\"cycles\": %llu, \"rounds\": %llu}\n", sched_class_name(),
		IS_ENABLED(CONFIG_PREEMPT) ? "true" : "false",
		(unsigned long long)(p.rounds ? p.cycles / (2 * p.rounds) : 0),
		(unsigned long long)p.rounds);
}
