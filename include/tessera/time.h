/*
 * The periodic tick: a counter of ticks since time_init(), the idle wait
 * that may stop the tick (CONFIG_NO_HZ_IDLE), and the boot self-check.
 * Nanosecond time is ktime_ns() (asm/tsc.h), independent of the tick.
 */
#ifndef TESSERA_TIME_H
#define TESSERA_TIME_H

#include <tessera/types.h>

#define TICK_NS (1000000000ULL / CONFIG_HZ)

/* Starts the chosen clockevent at CONFIG_HZ; logs which. 0 or -errno. */
int time_init(void);
/* Ticks since time_init() (jiffies); ticks missed while idle are added back. */
u64 timer_ticks(void);
/*
 * Waits for the next interrupt with interrupts on, then returns with them
 * on. With CONFIG_NO_HZ_IDLE the tick is stopped for the wait, so only a
 * device interrupt ends it; the ticks it skipped are counted from the TSC.
 */
void tick_idle(void);
/* Busy-waits (interrupts on) until the next tick or limit_ns; returns timer_ticks(). */
u64 time_wait_tick(unsigned long long limit_ns);
/* Boot self-check: counts ticks over 100 ms of TSC time and logs the count. */
void time_report(void);

#endif
