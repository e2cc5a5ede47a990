/*
 * Scheduler conformance suite: written once against include/tessera/sched.h
 * and linked with one policy file at a time (rr.c, mlfq.c, stride.c). A fake
 * clock and fake threads (bare sched_entities with a behaviour) drive the ops
 * the way kernel/sched/core.c does, tick by tick.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <tessera/sched.h>

extern const struct sched_class *const __start_sched_classes[];
extern const struct sched_class *const __stop_sched_classes[];

#define TICK_NS      1000000u     /* HZ=1000 */
#define SLICE_TICKS  10           /* CONFIG_SCHED_TIMESLICE_MS=10 */
#define LONG_RUN     10000        /* ticks: the "no starvation" horizon */
#define MAX_THREADS  32

enum behaviour {
	HOG,                          /* runs until preempted */
	SLEEPER,                      /* runs `burst` ticks, then sleeps `sleep` ticks */
	YIELDER,                      /* yields after every tick it runs */
};

struct fake_thread {
	struct sched_entity se;
	enum behaviour kind;
	int burst, sleep;
	/* simulation state */
	bool blocked;
	int burst_done;
	u64 wake_at;
	u64 waiting_since;            /* runnable but not running since this tick */
	/* what the checks read */
	u64 ticks_run;
	u64 runs;                     /* times picked */
	u64 max_wait;                 /* longest runnable-but-waiting stretch */
	u64 wait_sum, waits;
	u64 first_run_tick;
};

struct sim {
	const struct sched_class *cls;
	struct sched_rq rq;
	struct fake_thread t[MAX_THREADS];
	int n;
	struct fake_thread *curr;
	bool need_resched;
	u64 now;                      /* ticks */
	u64 switches;
};

static const struct sched_class *policy(void)
{
	assert_int_equal(__stop_sched_classes - __start_sched_classes, 1);
	return __start_sched_classes[0];
}

static bool is_policy(const char *name)
{
	return strcmp(policy()->name, name) == 0;
}

static struct fake_thread *of(struct sched_entity *se)
{
	return se ? container_of(se, struct fake_thread, se) : NULL;
}

static void sim_init(struct sim *s)
{
	memset(s, 0, sizeof(*s));
	s->cls = policy();
	s->rq.tick_ns = TICK_NS;
	s->rq.slice_ticks = SLICE_TICKS;
	s->cls->init(&s->rq);
}

static struct fake_thread *sim_add(struct sim *s, enum behaviour kind, int nice,
				   int burst, int sleep)
{
	struct fake_thread *t = &s->t[s->n++];

	assert_true(s->n <= MAX_THREADS);
	t->kind = kind;
	t->burst = burst;
	t->sleep = sleep;
	t->se.nice = nice;
	t->waiting_since = s->now;
	t->first_run_tick = UINT64_MAX;
	list_init(&t->se.run_node);
	s->rq.clock_ns = s->now * TICK_NS;
	s->cls->enqueue(&s->rq, &t->se, SCHED_ENQ_NEW);
	assert_true(t->se.on_rq);
	return t;
}

static void note_wait_end(struct sim *s, struct fake_thread *t)
{
	u64 w = s->now - t->waiting_since;

	if (w > t->max_wait)
		t->max_wait = w;
	t->wait_sum += w;
	t->waits++;
}

static void sim_pick(struct sim *s)
{
	struct fake_thread *t = of(s->cls->pick_next(&s->rq));

	s->curr = t;
	s->rq.curr = t ? &t->se : NULL;
	s->need_resched = false;
	if (!t)
		return;
	assert_false(t->se.on_rq);
	assert_false(t->blocked);
	note_wait_end(s, t);
	t->runs++;
	if (t->first_run_tick == UINT64_MAX)
		t->first_run_tick = s->now;
	s->switches++;
}

static void sim_wake_sleepers(struct sim *s)
{
	for (int i = 0; i < s->n; i++) {
		struct fake_thread *t = &s->t[i];

		if (!t->blocked || t->wake_at > s->now)
			continue;
		t->blocked = false;
		t->waiting_since = s->now;
		s->cls->enqueue(&s->rq, &t->se, SCHED_ENQ_WAKEUP);
		if (s->cls->check_preempt && s->cls->check_preempt(&s->rq, &t->se))
			s->need_resched = true;
	}
}

/* The running thread stops for this tick's reason, as core.c would do it. */
static void sim_after_tick(struct sim *s)
{
	struct fake_thread *c = s->curr;

	if (!c)
		return;
	if (c->kind == SLEEPER && ++c->burst_done >= c->burst) {
		c->burst_done = 0;
		c->blocked = true;
		c->wake_at = s->now + c->sleep;
		s->curr = NULL;
		s->rq.curr = NULL;
		return;
	}
	if (c->kind == YIELDER) {
		c->waiting_since = s->now;
		s->cls->yield(&s->rq, &c->se);
		s->curr = NULL;
		s->rq.curr = NULL;
		return;
	}
	if (s->need_resched) {
		c->waiting_since = s->now;
		s->cls->enqueue(&s->rq, &c->se, SCHED_ENQ_PREEMPTED);
		s->curr = NULL;
		s->rq.curr = NULL;
	}
}

static void sim_step(struct sim *s)
{
	sim_wake_sleepers(s);
	if (s->curr && s->need_resched) {
		s->curr->waiting_since = s->now;
		s->cls->enqueue(&s->rq, &s->curr->se, SCHED_ENQ_PREEMPTED);
		s->curr = NULL;
		s->rq.curr = NULL;
	}
	if (!s->curr)
		sim_pick(s);
	s->now++;
	s->rq.clock_ns = s->now * TICK_NS;
	s->rq.ticks++;
	if (s->curr) {
		s->curr->se.sum_exec_ns += TICK_NS;
		s->curr->ticks_run++;
	}
	if (s->cls->tick(&s->rq, s->curr ? &s->curr->se : NULL))
		s->need_resched = true;
	sim_after_tick(s);
}

static void sim_run(struct sim *s, u64 ticks)
{
	for (u64 i = 0; i < ticks; i++)
		sim_step(s);
}

static double share(const struct sim *s, const struct fake_thread *t)
{
	u64 total = 0;

	for (int i = 0; i < s->n; i++)
		total += s->t[i].ticks_run;
	return total ? (double)t->ticks_run / (double)total : 0.0;
}

static void assert_within(double got, double want, double rel, const char *what)
{
	double err = got > want ? got - want : want - got;

	if (err > want * rel)
		fail_msg("%s: %s got %.4f, want %.4f +-%.0f%%", policy()->name, what, got,
			 want, rel * 100);
}

/* --- every policy ---------------------------------------------------------- */

static void test_ops_contract(void **state)
{
	struct sim s;
	struct sched_entity *a, *b, *c;

	(void)state;
	sim_init(&s);
	assert_null(s.cls->pick_next(&s.rq));
	a = &sim_add(&s, HOG, 0, 0, 0)->se;
	b = &sim_add(&s, HOG, 0, 0, 0)->se;
	c = &sim_add(&s, HOG, 0, 0, 0)->se;
	assert_int_equal(s.rq.nr_queued, 3);
	s.cls->dequeue(&s.rq, b);
	assert_false(b->on_rq);
	assert_int_equal(s.rq.nr_queued, 2);
	/* Equal newcomers run in arrival order. */
	assert_ptr_equal(s.cls->pick_next(&s.rq), a);
	assert_ptr_equal(s.cls->pick_next(&s.rq), c);
	assert_null(s.cls->pick_next(&s.rq));
	assert_int_equal(s.rq.nr_queued, 0);
	assert_false(s.cls->tick(&s.rq, NULL));
	assert_non_null(s.cls->name);
	assert_non_null(s.cls->description);
}

/* set_priority with the entity off the queue, then put back, as core.c does. */
static void test_set_priority_requeue(void **state)
{
	struct sim s;
	struct fake_thread *t;

	(void)state;
	sim_init(&s);
	t = sim_add(&s, HOG, 0, 0, 0);
	sim_add(&s, HOG, 0, 0, 0);
	s.cls->dequeue(&s.rq, &t->se);
	t->se.nice = 5;
	s.cls->set_priority(&s.rq, &t->se);
	s.cls->enqueue(&s.rq, &t->se, SCHED_ENQ_RESTORE);
	assert_int_equal(s.rq.nr_queued, 2);
	sim_run(&s, 1000);
	assert_true(t->ticks_run > 0);
}

static void test_every_thread_runs(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s);
	for (int i = 0; i < 16; i++)
		sim_add(&s, HOG, 0, 0, 0);
	sim_run(&s, 16 * SLICE_TICKS);
	for (int i = 0; i < s.n; i++)
		assert_true(s.t[i].first_run_tick < 16 * SLICE_TICKS);
}

/* Hogs, sleepers and a yielder at mixed nice for 10 000 ticks: nobody starves. */
static void test_no_starvation(void **state)
{
	static const int nices[] = { -5, 0, 5, 0 };
	struct sim s;

	(void)state;
	sim_init(&s);
	for (unsigned i = 0; i < 4; i++)
		sim_add(&s, HOG, nices[i], 0, 0);
	sim_add(&s, SLEEPER, 0, 2, 20);
	sim_add(&s, SLEEPER, 5, 15, 3);
	sim_add(&s, YIELDER, -5, 0, 0);
	sim_run(&s, LONG_RUN);
	for (int i = 0; i < s.n; i++) {
		struct fake_thread *t = &s.t[i];

		if (t->ticks_run < 20 || t->max_wait > 1000)
			fail_msg("%s: thread %d (nice %d) ran %llu ticks, waited up to %llu",
				 s.cls->name, i, t->se.nice, (unsigned long long)t->ticks_run,
				 (unsigned long long)t->max_wait);
	}
}

/* Equal hogs get equal shares, within 10 %. */
static void test_equal_hogs_fair(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s);
	for (int i = 0; i < 3; i++)
		sim_add(&s, HOG, 0, 0, 0);
	sim_run(&s, LONG_RUN);
	for (int i = 0; i < 3; i++)
		assert_within(share(&s, &s.t[i]), 1.0 / 3, 0.10, "equal hog share");
}

/* Only one thread: it runs every tick, whatever the policy does to it. */
static void test_lone_thread_keeps_cpu(void **state)
{
	struct sim s;

	(void)state;
	sim_init(&s);
	sim_add(&s, HOG, 19, 0, 0);
	sim_run(&s, 1000);
	assert_int_equal(s.t[0].ticks_run, 1000);
	assert_int_equal(s.t[0].runs, 1);
}

/* --- policy semantics ----------------------------------------------------- */

/* RR: fixed quantum in strict arrival order; nice changes nothing. */
static void test_rr_semantics(void **state)
{
	struct sim s;

	(void)state;
	if (!is_policy("rr"))
		skip();
	sim_init(&s);
	sim_add(&s, HOG, -10, 0, 0);
	sim_add(&s, HOG, 10, 0, 0);
	sim_add(&s, HOG, 0, 0, 0);
	for (int round = 0; round < 5; round++)
		for (int i = 0; i < 3; i++) {
			sim_run(&s, SLICE_TICKS);
			assert_int_equal(s.t[i].ticks_run, (u64)(round + 1) * SLICE_TICKS);
		}
	sim_run(&s, LONG_RUN);
	for (int i = 0; i < 3; i++)
		assert_within(share(&s, &s.t[i]), 1.0 / 3, 0.02, "rr ignores nice");
	for (int i = 0; i < 3; i++)
		assert_true(s.t[i].max_wait <= 2 * SLICE_TICKS);
}

/* Stride: nice 0, -3, -6 weigh 1:2:4 and get 1/7, 2/7, 4/7 of the CPU. */
static void test_stride_weights(void **state)
{
	static const int nices[] = { 0, -3, -6 };
	static const double want[] = { 1.0 / 7, 2.0 / 7, 4.0 / 7 };
	struct sim s;

	(void)state;
	if (!is_policy("stride"))
		skip();
	sim_init(&s);
	for (int i = 0; i < 3; i++)
		sim_add(&s, HOG, nices[i], 0, 0);
	sim_run(&s, LONG_RUN);
	for (int i = 0; i < 3; i++)
		assert_within(share(&s, &s.t[i]), want[i], 0.10, "1:2:4 weight share");
}

/* Stride: a long sleeper banks no credit; on waking it shares, not monopolises. */
static void test_stride_sleeper_no_credit(void **state)
{
	struct sim s;
	struct fake_thread *hog, *late;
	u64 before;

	(void)state;
	if (!is_policy("stride"))
		skip();
	sim_init(&s);
	hog = sim_add(&s, HOG, 0, 0, 0);
	late = sim_add(&s, SLEEPER, 0, 1000, 5000);
	/* late runs its 1000 ticks by ~2000, sleeps to ~7000, then runs 1000 more. */
	sim_run(&s, 7200);
	assert_false(late->blocked);
	before = hog->ticks_run;
	sim_run(&s, 600);
	/* Credited for its sleep, late would own these 600 ticks; it gets half. */
	assert_within((double)(hog->ticks_run - before) / 600, 0.5, 0.10, "hog share after wake-up");
}

/* Stride: changing nice while running changes the share from then on. */
static void test_stride_renice(void **state)
{
	struct sim s;
	struct fake_thread *a, *b;
	u64 a0, b0;

	(void)state;
	if (!is_policy("stride"))
		skip();
	sim_init(&s);
	a = sim_add(&s, HOG, 0, 0, 0);
	b = sim_add(&s, HOG, 0, 0, 0);
	sim_run(&s, 2000);
	if (a->se.on_rq) {
		s.cls->dequeue(&s.rq, &a->se);
		a->se.nice = -3;
		s.cls->set_priority(&s.rq, &a->se);
		s.cls->enqueue(&s.rq, &a->se, SCHED_ENQ_RESTORE);
	} else {
		a->se.nice = -3;
		s.cls->set_priority(&s.rq, &a->se);
	}
	a0 = a->ticks_run;
	b0 = b->ticks_run;
	sim_run(&s, 6000);
	assert_within((double)(a->ticks_run - a0) / 6000, 2.0 / 3, 0.10, "reniced share");
	assert_within((double)(b->ticks_run - b0) / 6000, 1.0 / 3, 0.10, "other share");
}

/* MLFQ: a hog alone sinks one level per used-up allotment. */
static void test_mlfq_demotion(void **state)
{
	struct sim s;
	struct fake_thread *h;

	(void)state;
	if (!is_policy("mlfq"))
		skip();
	sim_init(&s);
	h = sim_add(&s, HOG, 0, 0, 0);
	assert_int_equal(h->se.level, 0);
	sim_run(&s, SLICE_TICKS);
	assert_int_equal(h->se.level, 1);
	sim_run(&s, 2 * SLICE_TICKS);
	assert_int_equal(h->se.level, 2);
	sim_run(&s, 4 * SLICE_TICKS);
	assert_int_equal(h->se.level, 3);
	sim_run(&s, 8 * SLICE_TICKS);
	assert_int_equal(h->se.level, 3);
}

/* MLFQ: a thread that sleeps often waits far less than the hogs do. */
static void test_mlfq_favours_sleeper(void **state)
{
	struct sim s;
	struct fake_thread *sl;
	double sleeper_wait, hog_wait = 0;

	(void)state;
	if (!is_policy("mlfq"))
		skip();
	sim_init(&s);
	for (int i = 0; i < 3; i++)
		sim_add(&s, HOG, 0, 0, 0);
	sl = sim_add(&s, SLEEPER, 0, 1, 9);
	sim_run(&s, LONG_RUN);
	sleeper_wait = (double)sl->wait_sum / (double)sl->waits;
	for (int i = 0; i < 3; i++)
		hog_wait += (double)s.t[i].wait_sum / (double)s.t[i].waits / 3;
	if (!(sleeper_wait < 1.0 && sleeper_wait * 10 < hog_wait))
		fail_msg("sleeper waits %.2f ticks on average, hogs %.2f", sleeper_wait, hog_wait);
	/* It got about all it asked for: 1 tick in 10. */
	if (sl->ticks_run < LONG_RUN / 10 * 9 / 10)
		fail_msg("sleeper ran %llu ticks of %d", (unsigned long long)sl->ticks_run,
			 LONG_RUN / 10);
}

/* MLFQ: the boost lifts a hog that always-busy top-level threads would starve. */
static void test_mlfq_boost(void **state)
{
	struct sim s;
	struct fake_thread *hog;

	(void)state;
	if (!is_policy("mlfq"))
		skip();
	sim_init(&s);
	hog = sim_add(&s, HOG, 0, 0, 0);
	sim_run(&s, 7 * SLICE_TICKS);
	assert_int_equal(hog->se.level, 3);
	/* Two sleepers taking turns keep a higher level always busy. */
	sim_add(&s, SLEEPER, 0, 1, 1);
	sim_add(&s, SLEEPER, 0, 1, 1);
	sim_run(&s, LONG_RUN);
	assert_true(hog->ticks_run > 7 * SLICE_TICKS + 100);
	/* 32 quanta between boosts, plus the allotments spent above the hog. */
	assert_true(hog->max_wait <= 32 * SLICE_TICKS + 8 * SLICE_TICKS);
}

/*
 * MLFQ: a positive nice caps how high a thread rises, so a nice 19 thread
 * lives at the bottom and runs only when nothing above it is runnable.
 * (Nice sets priority, not a CPU share: two hogs still end up alternating
 * at the bottom level. Stride is the policy for shares.)
 */
static void test_mlfq_nice(void **state)
{
	struct sim s;
	struct fake_thread *low, *normal;

	(void)state;
	if (!is_policy("mlfq"))
		skip();
	sim_init(&s);
	low = sim_add(&s, HOG, 19, 0, 0);
	normal = sim_add(&s, HOG, 0, 0, 0);
	assert_int_equal(low->se.level, 3);
	/* normal arrived second but spends its three upper allotments first. */
	sim_run(&s, 7 * SLICE_TICKS);
	assert_int_equal(normal->ticks_run, 7 * SLICE_TICKS);
	assert_int_equal(low->ticks_run, 0);
	sim_run(&s, LONG_RUN);
	assert_int_equal(low->se.level, 3);
	assert_true(low->ticks_run > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ops_contract),
		cmocka_unit_test(test_set_priority_requeue),
		cmocka_unit_test(test_every_thread_runs),
		cmocka_unit_test(test_no_starvation),
		cmocka_unit_test(test_equal_hogs_fair),
		cmocka_unit_test(test_lone_thread_keeps_cpu),
		cmocka_unit_test(test_rr_semantics),
		cmocka_unit_test(test_stride_weights),
		cmocka_unit_test(test_stride_sleeper_no_credit),
		cmocka_unit_test(test_stride_renice),
		cmocka_unit_test(test_mlfq_demotion),
		cmocka_unit_test(test_mlfq_favours_sleeper),
		cmocka_unit_test(test_mlfq_boost),
		cmocka_unit_test(test_mlfq_nice),
	};
	char group[64];

	snprintf(group, sizeof(group), "sched conformance: %s", policy()->name);
	return cmocka_run_group_tests_name(group, tests, NULL, NULL);
}
