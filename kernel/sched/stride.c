/*
 * Stride scheduling (Waldspurger and Weihl, 1995): proportional share by
 * weight. Each thread's pass advances by its run time divided by its weight;
 * the lowest pass runs next, so CPU time follows the weights deterministically.
 */
#include <tessera/sched.h>

/*
 * nice -> weight: 1024 at nice 0 and x2 every 3 levels (about 26% per level,
 * close to Linux's 25%), so nice 0, -3 and -6 share the CPU exactly 1:2:4.
 * Entry i is nice i - 20; 1024 * 2^(-nice / 3), rounded.
 */
static const u32 nice_weight[NICE_LEVELS] = {
	104032, 82570, 65536, 52016, 41285, 32768, 26008, 20643, 16384, 13004,
	 10321,  8192,  6502,  5161,  4096,  3251,  2580,  2048,  1625,  1290,
	  1024,   813,   645,   512,   406,   323,   256,   203,   161,   128,
	   102,    81,    64,    51,    40,    32,    25,    20,    16,    13,
};

struct stride_rq {
	struct list_head queue;
	/*
	 * The lowest pass among runnable threads, never going back: where
	 * newcomers and sleepers start, so neither jumps the queue.
	 */
	u64 vtime;
};

static struct stride_rq *stride(struct sched_rq *rq)
{
	return SCHED_RQ_PRIV(rq, struct stride_rq);
}

static u32 weight_of(int nice)
{
	if (nice < NICE_MIN)
		nice = NICE_MIN;
	if (nice > NICE_MAX)
		nice = NICE_MAX;
	return nice_weight[nice - NICE_MIN];
}

/* Turns run time not yet charged into pass: a nice-0 thread's pass is its run time. */
static void charge(struct sched_entity *se)
{
	se->pass += (se->sum_exec_ns - se->charged_ns) * NICE_0_WEIGHT / se->weight;
	se->charged_ns = se->sum_exec_ns;
}

static void stride_init(struct sched_rq *rq)
{
	list_init(&stride(rq)->queue);
	stride(rq)->vtime = 0;
	rq->nr_queued = 0;
}

static void insert(struct sched_rq *rq, struct sched_entity *se)
{
	list_add_tail(&se->run_node, &stride(rq)->queue);
	se->on_rq = true;
	rq->nr_queued++;
}

static void stride_enqueue(struct sched_rq *rq, struct sched_entity *se,
			   enum sched_enqueue_reason why)
{
	u64 vtime = stride(rq)->vtime;

	if (why == SCHED_ENQ_NEW) {
		se->weight = weight_of(se->nice);
		se->charged_ns = se->sum_exec_ns;
		se->pass = vtime;
	} else if (why != SCHED_ENQ_RESTORE) {
		charge(se);
	}
	/* Sleeping banks no credit: a sleeper would otherwise own the CPU on waking. */
	if (why == SCHED_ENQ_WAKEUP && se->pass < vtime)
		se->pass = vtime;
	if (why != SCHED_ENQ_RESTORE)
		se->slice_left = rq->slice_ticks;
	insert(rq, se);
}

static void stride_dequeue(struct sched_rq *rq, struct sched_entity *se)
{
	list_del(&se->run_node);
	se->on_rq = false;
	rq->nr_queued--;
}

/* Lowest pass; the earliest queued wins a tie, so equal passes alternate. */
static struct sched_entity *lowest_pass(struct sched_rq *rq)
{
	struct sched_entity *best = NULL;
	struct list_head *pos;

	list_for_each(pos, &stride(rq)->queue) {
		struct sched_entity *se = list_entry(pos, struct sched_entity, run_node);

		if (!best || se->pass < best->pass)
			best = se;
	}
	return best;
}

static void advance_vtime(struct sched_rq *rq, u64 min_pass)
{
	if (min_pass > stride(rq)->vtime)
		stride(rq)->vtime = min_pass;
}

static struct sched_entity *stride_pick_next(struct sched_rq *rq)
{
	struct sched_entity *se = lowest_pass(rq);

	if (!se)
		return NULL;
	stride_dequeue(rq, se);
	/* The previous thread is queued again by now, so se has the lowest pass. */
	advance_vtime(rq, se->pass);
	return se;
}

static bool stride_tick(struct sched_rq *rq, struct sched_entity *curr)
{
	struct sched_entity *next;

	if (!curr)
		return false;
	charge(curr);
	next = lowest_pass(rq);
	advance_vtime(rq, next && next->pass < curr->pass ? next->pass : curr->pass);
	if (curr->slice_left > 1) {
		curr->slice_left--;
		return false;
	}
	curr->slice_left = rq->slice_ticks;
	return next && next->pass < curr->pass;
}

/* Behind the next thread in pass order, not behind all: weights still hold. */
static void stride_yield(struct sched_rq *rq, struct sched_entity *curr)
{
	struct sched_entity *next = lowest_pass(rq);

	charge(curr);
	if (next && curr->pass <= next->pass)
		curr->pass = next->pass + 1;
	curr->slice_left = rq->slice_ticks;
	insert(rq, curr);
}

static void stride_set_priority(struct sched_rq *rq, struct sched_entity *se)
{
	/* Time run so far is charged at the old weight (none before the first enqueue). */
	if (se->weight)
		charge(se);
	se->weight = weight_of(se->nice);
}

static const struct sched_class stride_class = {
	.name         = "stride",
	.description  = "stride scheduling, proportional share by nice weight",
	.init         = stride_init,
	.enqueue      = stride_enqueue,
	.dequeue      = stride_dequeue,
	.pick_next    = stride_pick_next,
	.tick         = stride_tick,
	.yield        = stride_yield,
	.set_priority = stride_set_priority,
};
SCHED_CLASS_REGISTER(stride_class);
