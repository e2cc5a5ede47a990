/*
 * msleep/usleep: timed sleeps on the scheduler's sleeper list, which the
 * tick checks, so they end on the first tick after the deadline; waits
 * shorter than one tick spin on the TSC clock instead.
 */
#include <asm/tsc.h>
#include <tessera/delay.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>

#define NS_PER_US 1000ULL
#define NS_PER_MS 1000000ULL

void ndelay_spin(u64 ns)
{
	u64 start = ktime_ns();

	while (ktime_ns() - start < ns)
		cpu_relax();
}

/* Sleeps until the deadline; an early wake-up just goes back to sleep. */
static void sleep_until(u64 deadline)
{
	while (ktime_ns() < deadline)
		schedule_until(deadline);
}

void msleep(unsigned int ms)
{
	sleep_until(ktime_ns() + ms * NS_PER_MS);
}

void usleep(unsigned long us)
{
	u64 ns = us * NS_PER_US;

	if (ns < TICK_NS)
		ndelay_spin(ns);
	else
		sleep_until(ktime_ns() + ns);
}
