/*
 * Disk drivers' waits: asleep on a completion between interrupts, or
 * spinning on the device, both bounded by a deadline. Counters say which
 * way each wait went, for the boot tests and the bench.
 */
#include <asm/tsc.h>
#include <block/blk_wait.h>
#include <tessera/cmdline.h>
#include <tessera/errno.h>
#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <tessera/time.h>
#include <tessera/wait.h>

/*
 * A sleep lasts one tick at most: done() is the truth and is checked again
 * after every wake-up, so a device that finishes without an interrupt (or
 * whose interrupt was shared away) still gets noticed.
 */
#define BLK_WAIT_SLICE_NS   TICK_NS

static struct blk_wait_stats bw_stats;
static bool bw_polling;
static u64 bw_test_timeout;

static int blk_poll_setup(const char *val)
{
	bw_polling = !val || *val != '0';
	return 0;
}
KERNEL_PARAM("blk_poll", blk_poll_setup);

void blk_wait_set_polling(bool on)
{
	bw_polling = on;
}

bool blk_wait_polling(void)
{
	return bw_polling;
}

void blk_wait_test_timeout(u64 ns)
{
	bw_test_timeout = ns;
}

void blk_wait_irq(struct completion *c)
{
	__atomic_add_fetch(&bw_stats.interrupts, 1, __ATOMIC_RELAXED);
	complete(c);
}

void blk_wait_irq_disk(void)
{
	bw_stats.irq_disks++;
}

void blk_wait_get_stats(struct blk_wait_stats *st)
{
	*st = bw_stats;
}

static void blk_sleep(struct completion *c, u64 until)
{
	struct waiter w;

	waiter_init(&w);
	prepare_to_wait(&c->wq, &w);
	if (!try_wait_for_completion(c)) {
		bw_stats.sleeps++;
		schedule_timeout_blocked(until);
		if (ktime_ns() >= until)
			bw_stats.slices_out++;
	}
	finish_wait(&c->wq, &w);
}

static int blk_timed_out(void)
{
	bw_stats.timeouts++;
	return -EIO;
}

int blk_wait(struct completion *c, bool irq, bool (*done)(void *ctx), void *ctx,
	     u64 timeout_ns)
{
	u64 deadline;

	if (done(ctx)) {            /* already there: costs no wait, and no test timeout */
		bw_stats.immediate++;
		return 0;
	}
	if (bw_test_timeout) {
		timeout_ns = bw_test_timeout;
		bw_test_timeout = 0;
	}
	deadline = ktime_ns() + timeout_ns;
	if (!irq || bw_polling || !sched_started() || irqs_disabled()) {
		bw_stats.poll_waits++;
		while (!done(ctx)) {
			if (ktime_ns() >= deadline)
				return blk_timed_out();
			cpu_relax();
		}
		return 0;
	}
	bw_stats.irq_waits++;
	while (!done(ctx)) {
		u64 now = ktime_ns();

		if (now >= deadline)
			return blk_timed_out();
		blk_sleep(c, deadline < now + BLK_WAIT_SLICE_NS ? deadline : now + BLK_WAIT_SLICE_NS);
	}
	return 0;
}
