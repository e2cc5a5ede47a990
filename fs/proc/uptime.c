/*
 * /proc/uptime: seconds since boot and seconds the idle threads ran, both
 * with two decimals, as Linux prints them.
 */
#include <asm/tsc.h>
#include <tessera/thread.h>
#include "internal.h"

#define NS_PER_CS  10000000ULL     /* centiseconds */

static void add_idle(struct thread *t, void *ctx)
{
	if (t->flags & THREAD_IDLE)
		*(u64 *)ctx += t->se.sum_exec_ns;
}

int proc_uptime_show(struct proc_buf *b, int pid)
{
	unsigned long long up = ktime_ns() / NS_PER_CS, idle;
	u64 idle_ns = 0;

	thread_for_each(add_idle, &idle_ns);
	idle = idle_ns / NS_PER_CS;
	proc_printf(b, "%llu.%02llu %llu.%02llu\n", up / 100, up % 100, idle / 100, idle % 100);
	return 0;
}
