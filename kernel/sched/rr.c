/*
 * Round-robin scheduler: one FIFO queue, every thread gets the same fixed
 * quantum in arrival order, and nice is recorded but ignored. The simplest
 * fair policy; see Documentation/scheduling.md.
 */
#include <tessera/sched.h>

struct rr_rq {
	struct list_head queue;
};

static struct rr_rq *rr(struct sched_rq *rq)
{
	return SCHED_RQ_PRIV(rq, struct rr_rq);
}

static void rr_init(struct sched_rq *rq)
{
	list_init(&rr(rq)->queue);
	rq->nr_queued = 0;
}

static void rr_enqueue(struct sched_rq *rq, struct sched_entity *se,
		       enum sched_enqueue_reason why)
{
	/* A thread put back by the core keeps what is left of its quantum. */
	if (why != SCHED_ENQ_RESTORE)
		se->slice_left = rq->slice_ticks;
	list_add_tail(&se->run_node, &rr(rq)->queue);
	se->on_rq = true;
	rq->nr_queued++;
}

static void rr_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
	list_del(&se->run_node);
	se->on_rq = false;
	rq->nr_queued--;
}

static struct sched_entity *rr_pick_next(struct sched_rq *rq)
{
	struct sched_entity *se;

	if (list_empty(&rr(rq)->queue))
		return NULL;
	se = list_first_entry(&rr(rq)->queue, struct sched_entity, run_node);
	rr_dequeue(rq, se);
	return se;
}

static bool rr_tick(struct sched_rq *rq, struct sched_entity *curr)
{
	if (!curr)
		return false;
	if (curr->slice_left > 1) {
		curr->slice_left--;
		return false;
	}
	/* Alone on the CPU: start a new quantum instead of switching to itself. */
	curr->slice_left = rq->slice_ticks;
	return rq->nr_queued > 0;
}

static void rr_yield(struct sched_rq *rq, struct sched_entity *curr)
{
	rr_enqueue(rq, curr, SCHED_ENQ_PREEMPTED);
}

static void rr_set_priority(struct sched_rq *rq, struct sched_entity *se)
{
	/* Round-robin has no priorities: every thread gets the same quantum. */
}

static const struct sched_class rr_class = {
	.name         = "rr",
	.description  = "round-robin, fixed quantum",
	.init         = rr_init,
	.enqueue      = rr_enqueue,
	.dequeue      = rr_dequeue,
	.pick_next    = rr_pick_next,
	.tick         = rr_tick,
	.yield        = rr_yield,
	.set_priority = rr_set_priority,
};
SCHED_CLASS_REGISTER(rr_class);
