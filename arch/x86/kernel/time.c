/*
 * The periodic tick: starts the clockevent the Kconfig choice linked, counts
 * its interrupts (timer_ticks, Linux's jiffies), and owns the idle wait that
 * stops the tick under CONFIG_NO_HZ_IDLE. Documentation/interrupts.md.
 */
#include <asm/tsc.h>
#include <tessera/clockevent.h>
#include <tessera/irq.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/time.h>

#define TIME_REPORT_MS 100
#define NS_PER_MS      1000000ULL

static u64 ticks;

u64 timer_ticks(void)
{
	return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

void clockevent_tick(void)
{
	__atomic_fetch_add(&ticks, 1, __ATOMIC_RELAXED);
	/* Scheduler hook (kernel/sched/core.c): time slices and timed sleeps. */
	sched_tick();
}

int time_init(void)
{
	int err = clockevent_device.init();

	if (err) {
		pr_err("timer: %s did not start (error %d); no periodic tick\n",
		       clockevent_device.name, err);
		return err;
	}
	pr_info("timer: %s, periodic at HZ=%d (%llu us per tick)%s\n", clockevent_device.name,
		CONFIG_HZ, TICK_NS / 1000,
		IS_ENABLED(CONFIG_NO_HZ_IDLE) ? ", stopped while idle (NO_HZ_IDLE)" : "");
	return 0;
}

/*
 * sti's one-instruction shadow means no interrupt is taken between sti and
 * hlt, so a wake-up that is already pending cannot be lost.
 */
static void halt_until_interrupt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

/*
 * NO_HZ_IDLE: stop the tick, halt, and on wake-up add the ticks that the
 * TSC says were skipped (whole ticks; the fraction is dropped), then
 * restart the tick. There is no timer queue yet, so nothing programs a
 * one-shot wake-up: only a device interrupt ends the wait.
 */
void tick_idle(void)
{
	unsigned long long start;

	if (!IS_ENABLED(CONFIG_NO_HZ_IDLE)) {
		halt_until_interrupt();
		return;
	}
	irq_disable();
	clockevent_device.stop();
	start = ktime_ns();
	halt_until_interrupt();
	irq_disable();
	__atomic_fetch_add(&ticks, (ktime_ns() - start) / TICK_NS, __ATOMIC_RELAXED);
	clockevent_device.set_periodic();
	irq_enable();
}

/* Spins until the tick counter moves, or limit_ns passes; returns the count. */
u64 time_wait_tick(unsigned long long limit_ns)
{
	unsigned long long start = ktime_ns();
	u64 t = timer_ticks();

	while (timer_ticks() == t && ktime_ns() - start < limit_ns)
		barrier();
	return timer_ticks();
}

static void spin_ns(unsigned long long ns)
{
	unsigned long long start = ktime_ns();

	while (ktime_ns() - start < ns)
		barrier();
}

/*
 * The window opens half a tick after a tick, so every tick lands well
 * inside it and a healthy timer reads exactly HZ * TIME_REPORT_MS / 1000.
 */
void time_report(void)
{
	u64 first;

	if (!ktime_ns()) {
		pr_warn("timer: no TSC clock, so the tick cannot be measured\n");
		return;
	}
	time_wait_tick(TIME_REPORT_MS * NS_PER_MS);
	spin_ns(TICK_NS / 2);
	first = timer_ticks();
	spin_ns(TIME_REPORT_MS * NS_PER_MS);
	pr_info("timer: %llu ticks in %d ms (HZ=%d)\n", (unsigned long long)(timer_ticks() - first),
		TIME_REPORT_MS, CONFIG_HZ);
}
