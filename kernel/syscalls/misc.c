/*
 * Small system calls: uname, clocks and sleeping, getrandom, sysinfo.
 */
#include <asm/tsc.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <tessera/errno.h>
#include <tessera/sched.h>
#include "internal.h"

#define CLOCK_REALTIME   0
#define CLOCK_MONOTONIC  1
#define CLOCK_BOOTTIME   7
#define NSEC_PER_SEC     1000000000ULL
#define UTS_LEN          65
#define GETRANDOM_MAX    256          /* bytes per call; callers loop, as for Linux's 32 MiB */

struct utsname_user {
	char sysname[UTS_LEN], nodename[UTS_LEN], release[UTS_LEN];
	char version[UTS_LEN], machine[UTS_LEN], domainname[UTS_LEN];
};

struct timespec_user {
	s64 tv_sec;
	s64 tv_nsec;
};

SYSCALL(uname)
{
	struct utsname_user u;

	memset(&u, 0, sizeof(u));
	strscpy(u.sysname, "Tessera", UTS_LEN);
	strscpy(u.nodename, "tessera", UTS_LEN);
	strscpy(u.release, "0.1", UTS_LEN);
	strscpy(u.version, "#1", UTS_LEN);
	strscpy(u.machine, "x86_64", UTS_LEN);
	return copy_to_user((void *)SC_ARG0(regs), &u, sizeof(u));
}

static int clock_read(u64 id, struct timespec_user *ts)
{
	u64 ns;

	if (id == CLOCK_REALTIME) {
		struct vfs_time now = vfs_now();

		ts->tv_sec = now.sec;
		ts->tv_nsec = now.nsec;
		return 0;
	}
	if (id != CLOCK_MONOTONIC && id != CLOCK_BOOTTIME)
		return -EINVAL;
	ns = ktime_ns();
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

SYSCALL(clock_gettime)
{
	struct timespec_user ts;
	int err = clock_read(SC_ARG0(regs), &ts);

	return err ? err : copy_to_user((void *)SC_ARG1(regs), &ts, sizeof(ts));
}

SYSCALL(gettimeofday)
{
	struct timespec_user ts;

	if (!SC_ARG0(regs))
		return 0;
	clock_read(CLOCK_REALTIME, &ts);
	ts.tv_nsec /= 1000;             /* struct timeval: microseconds */
	return copy_to_user((void *)SC_ARG0(regs), &ts, sizeof(ts));
}

SYSCALL(nanosleep)
{
	struct timespec_user ts;

	if (copy_from_user(&ts, (void *)SC_ARG0(regs), sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || (u64)ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	schedule_until(ktime_ns() + ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec);
	/* Woken early only by a signal (the remaining time is not reported yet). */
	return signal_pending() ? -EINTR : 0;
}

/* Not cryptographic: TSC-seeded xorshift until there is an entropy pool. */
SYSCALL(getrandom)
{
	u8 buf[GETRANDOM_MAX];
	size_t n = SC_ARG1(regs) < sizeof(buf) ? SC_ARG1(regs) : sizeof(buf);
	u64 x = rdtsc() | 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (u8)x;
	}
	return copy_to_user((void *)SC_ARG0(regs), buf, n) ? -EFAULT : (long)n;
}

/* Linux's struct sysinfo on x86_64 (112 bytes): memory in mem_unit bytes. */
struct sysinfo_user {
	s64 uptime;
	u64 loads[3];
	u64 totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	u16 procs, pad;
	u32 pad2;
	u64 totalhigh, freehigh;
	u32 mem_unit;
	u8 reserved[4];
};

/* free and total RAM straight from the page allocator: tests check leaks with it. */
SYSCALL(sysinfo)
{
	struct sysinfo_user si;
	struct pmm_stats st;

	memset(&si, 0, sizeof(si));
	pmm_get_stats(&st);
	si.uptime = ktime_ns() / NSEC_PER_SEC;
	si.totalram = st.total_pages;
	si.freeram = st.free_pages;
	si.mem_unit = PAGE_SIZE;
	return copy_to_user((void *)SC_ARG0(regs), &si, sizeof(si));
}
