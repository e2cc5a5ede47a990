/*
 * Multi-level feedback queue (the rules in Arpaci-Dusseau's OSTEP, ch. 8):
 * round-robin within a level, the highest non-empty level runs, a thread
 * that has used its level's allotment of CPU (however it was split up) moves
 * one level down, and a periodic boost lifts everyone back against starvation.
 */
#include <tessera/sched.h>

#define MLFQ_LEVELS        4
/* Boost period in base quanta: long enough for hogs to sink, short enough
 * that the bottom level waits at most this long. */
#define MLFQ_BOOST_SLICES  32

struct mlfq_rq {
	struct list_head queue[MLFQ_LEVELS];
	u64 last_boost_tick;
	u32 boost_gen;
};

static struct mlfq_rq *mlfq(struct sched_rq *rq)
{
	return SCHED_RQ_PRIV(rq, struct mlfq_rq);
}

/* Positive nice caps how high a thread may rise: nice 19 lives at the bottom. */
static u32 top_level(const struct sched_entity *se)
{
	if (se->nice <= 0)
		return 0;
	return (u32)se->nice * MLFQ_LEVELS / (NICE_MAX + 1);
}

/* Each level down doubles the quantum: hogs switch less often. */
static u64 level_quantum_ns(const struct sched_rq *rq, u32 level)
{
	return ((u64)rq->slice_ticks * rq->tick_ns) << level;
}

static void reset_level(struct sched_entity *se, u32 level)
{
	se->level = level;
	se->level_used_ns = 0;
}

/* Counts run time against the allotment; true when it was used up (demoted). */
static bool charge(struct sched_rq *rq, struct sched_entity *se)
{
	se->level_used_ns += se->sum_exec_ns - se->charged_ns;
	se->charged_ns = se->sum_exec_ns;
	if (se->level_used_ns < level_quantum_ns(rq, se->level))
		return false;
	reset_level(se, se->level + 1 < MLFQ_LEVELS ? se->level + 1 : se->level);
	return true;
}

/* Threads that slept or ran through a boost get it when they come back. */
static void catch_up_boost(struct mlfq_rq *m, struct sched_entity *se)
{
	if (se->boost_gen == m->boost_gen)
		return;
	se->boost_gen = m->boost_gen;
	reset_level(se, top_level(se));
}

static void mlfq_init(struct sched_rq *rq)
{
	struct mlfq_rq *m = mlfq(rq);

	for (int i = 0; i < MLFQ_LEVELS; i++)
		list_init(&m->queue[i]);
	m->last_boost_tick = rq->ticks;
	m->boost_gen = 0;
	rq->nr_queued = 0;
}

static void insert(struct sched_rq *rq, struct sched_entity *se)
{
	list_add_tail(&se->run_node, &mlfq(rq)->queue[se->level]);
	se->on_rq = true;
	rq->nr_queued++;
}

static void mlfq_enqueue(struct sched_rq *rq, struct sched_entity *se,
			 enum sched_enqueue_reason why)
{
	struct mlfq_rq *m = mlfq(rq);

	if (why == SCHED_ENQ_NEW) {
		se->charged_ns = se->sum_exec_ns;
		se->boost_gen = m->boost_gen;
		reset_level(se, top_level(se));
	} else if (why != SCHED_ENQ_RESTORE) {
		charge(rq, se);
		catch_up_boost(m, se);
	}
	insert(rq, se);
}

static void mlfq_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
	list_del(&se->run_node);
	se->on_rq = false;
	rq->nr_queued--;
}

static struct sched_entity *mlfq_pick_next(struct sched_rq *rq)
{
	struct mlfq_rq *m = mlfq(rq);

	for (int i = 0; i < MLFQ_LEVELS; i++) {
		struct sched_entity *se;

		if (list_empty(&m->queue[i]))
			continue;
		se = list_first_entry(&m->queue[i], struct sched_entity, run_node);
		mlfq_dequeue(rq, se);
		return se;
	}
	return NULL;
}

/* Everyone back to their top level, keeping the order levels gave them. */
static void boost(struct sched_rq *rq, struct sched_entity *curr)
{
	struct mlfq_rq *m = mlfq(rq);
	struct list_head all, *pos, *tmp;

	m->boost_gen++;
	m->last_boost_tick = rq->ticks;
	list_init(&all);
	for (int i = 0; i < MLFQ_LEVELS; i++)
		list_splice_tail(&m->queue[i], &all);
	list_for_each_safe(pos, tmp, &all) {
		struct sched_entity *se = list_entry(pos, struct sched_entity, run_node);

		list_del(pos);
		se->boost_gen = m->boost_gen;
		reset_level(se, top_level(se));
		list_add_tail(pos, &m->queue[se->level]);
	}
	if (curr)
		catch_up_boost(m, curr);
}

static bool higher_level_queued(struct sched_rq *rq, u32 level)
{
	for (u32 i = 0; i < level; i++)
		if (!list_empty(&mlfq(rq)->queue[i]))
			return true;
	return false;
}

static bool mlfq_tick(struct sched_rq *rq, struct sched_entity *curr)
{
	bool used_up;

	if (rq->ticks - mlfq(rq)->last_boost_tick >= (u64)MLFQ_BOOST_SLICES * rq->slice_ticks)
		boost(rq, curr);
	if (!curr)
		return false;
	used_up = charge(rq, curr);
	/* A used-up quantum yields to its own level too: round-robin within it. */
	return higher_level_queued(rq, used_up ? curr->level + 1 : curr->level);
}

static void mlfq_yield(struct sched_rq *rq, struct sched_entity *curr)
{
	mlfq_enqueue(rq, curr, SCHED_ENQ_PREEMPTED);
}

static void mlfq_set_priority(struct sched_rq *rq, struct sched_entity *se)
{
	if (se->level < top_level(se))
		reset_level(se, top_level(se));
}

/* A thread that wakes above the running one takes the CPU at once. */
static bool mlfq_check_preempt(struct sched_rq *rq, struct sched_entity *woken)
{
	return rq->curr && woken->level < rq->curr->level;
}

static const struct sched_class mlfq_class = {
	.name          = "mlfq",
	.description   = "multi-level feedback queue, 4 levels, periodic boost",
	.init          = mlfq_init,
	.enqueue       = mlfq_enqueue,
	.dequeue       = mlfq_dequeue,
	.pick_next     = mlfq_pick_next,
	.tick          = mlfq_tick,
	.yield         = mlfq_yield,
	.set_priority  = mlfq_set_priority,
	.check_preempt = mlfq_check_preempt,
};
SCHED_CLASS_REGISTER(mlfq_class);
