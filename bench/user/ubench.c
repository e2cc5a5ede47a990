/*
 * ubench: user-space micro-benchmarks that run unchanged on Tessera and on
 * Linux (one static musl binary); one JSON object per line on stdout.
 * Cycles are rdtsc deltas; each figure is the median of ROUNDS rounds.
 *
 *   ubench [--quick] [--no-core] [--insmod LIST] [--mount SRC DIR TYPE]...
 *          [--fs DIR]... [--poweroff]
 *   ubench --exit            (what the exec benchmark runs: returns at once)
 *
 * --insmod (LIST: one .ko path a line, in load order) and --mount (done
 * first) let the Linux guest, whose /init this is, load its disk drivers and
 * mount what Tessera mounts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "ubench.h"

#define ROUNDS		7
#define MAX_ROUNDS	15
#define PAGE_SIZE	4096UL
#define FAULT_BYTES	(4UL << 20)
#define TSC_CAL_NS	50000000L	/* 50 ms against CLOCK_MONOTONIC */
#define NS_PER_SEC	1000000000L

double tsc_hz;
static int scale = 1;			/* --quick divides the op counts by 4 */
static const char *self_path;

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

void die(const char *what)
{
	printf("{\"bench\":\"error\",\"what\":\"%s\",\"errno\":%d}\n", what, errno);
	fflush(stdout);
	exit(1);
}

/*
 * The clock may tick coarsely (a 10 ms timer), so both ends of the interval
 * are taken just after the clock changes value: the error is then one poll
 * of clock_gettime, not one tick.
 */
static void tsc_calibrate(void)
{
	int64_t t0 = mono_ns(), t1;
	uint64_t c0, c1;

	while ((t1 = mono_ns()) == t0)
		;
	c0 = rdtsc();
	t0 = t1;
	do {
		t1 = mono_ns();
	} while (t1 - t0 < TSC_CAL_NS);
	c1 = rdtsc();
	tsc_hz = (double)(c1 - c0) * NS_PER_SEC / (double)(t1 - t0);
	printf("{\"bench\":\"tsc\",\"mhz\":%.1f,\"calibration_ms\":%.1f,"
	       "\"uptime_ms\":%.1f,\"pid\":%d}\n",
	       tsc_hz / 1e6, (t1 - t0) / 1e6, t0 / 1e6, (int)getpid());
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t median(uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

/* One round: returns the cycles that `ops` operations took. */
typedef uint64_t (*round_fn)(long ops);

/* fn(ops) does ops * per_call operations (pages per region for page_fault). */
static void report_cycles(const char *name, round_fn fn, long ops, long per_call,
			  const char *unit)
{
	uint64_t cyc[MAX_ROUNDS];

	ops = ops / scale > 0 ? ops / scale : 1;
	fn(ops / 10 > 0 ? ops / 10 : 1);	/* warm caches and page tables */
	for (int i = 0; i < ROUNDS; i++)
		cyc[i] = fn(ops);
	uint64_t med = median(cyc, ROUNDS);
	ops *= per_call;
	double per = (double)med / ops;

	printf("{\"bench\":\"%s\",\"cycles_per_op\":%.0f,\"ns_per_op\":%.0f,"
	       "\"ops\":%ld,\"rounds\":%d,\"unit\":\"%s\",\"min_cycles_per_op\":%.0f}\n",
	       name, per, per * 1e9 / tsc_hz, ops, ROUNDS, unit,
	       (double)cyc[0] / ops);
	fflush(stdout);
}

/* --- processes and system calls ----------------------------------------- */

static uint64_t round_getpid(long ops)
{
	uint64_t t = rdtsc();

	for (long i = 0; i < ops; i++)
		(void)getpid();
	return rdtsc() - t;
}

static uint64_t round_sys_getpid(long ops)
{
	uint64_t t = rdtsc();

	for (long i = 0; i < ops; i++)
		(void)syscall(SYS_getpid);
	return rdtsc() - t;
}

static uint64_t round_yield(long ops)
{
	uint64_t t = rdtsc();

	for (long i = 0; i < ops; i++)
		sched_yield();
	return rdtsc() - t;
}

static void wait_child(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
}

/* A child that echoes each byte back until its input closes. */
static pid_t echo_child(int in, int out, int close1, int close2)
{
	pid_t pid = fork();
	char c;

	if (pid < 0)
		die("fork");
	if (pid)
		return pid;
	close(close1);
	close(close2);
	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

static uint64_t round_pipe(long ops)
{
	int to[2], from[2];
	char c = 'x';

	if (pipe(to) || pipe(from))
		die("pipe");
	pid_t pid = echo_child(to[0], from[1], to[1], from[0]);

	close(to[0]);
	close(from[1]);
	uint64_t t = rdtsc();

	for (long i = 0; i < ops; i++)
		if (write(to[1], &c, 1) != 1 || read(from[0], &c, 1) != 1)
			die("pipe ping-pong");
	t = rdtsc() - t;
	close(to[1]);
	close(from[0]);
	wait_child(pid);
	return t;
}

/* Two processes that yield to each other: two switches per op on Tessera; Linux's CFS
 * often lets the caller keep the CPU, so compare pipe_pingpong across kernels. */
static uint64_t round_yield_pair(long ops)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0)
		for (;;)
			sched_yield();
	sched_yield();			/* let the child start spinning */
	uint64_t t = round_yield(ops);

	kill(pid, SIGKILL);
	wait_child(pid);
	return t;
}

static uint64_t round_fork(long ops)
{
	uint64_t t = rdtsc();

	for (long i = 0; i < ops; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0)
			_exit(0);
		wait_child(pid);
	}
	return rdtsc() - t;
}

static uint64_t round_exec(long ops)
{
	char *argv[] = { (char *)self_path, "--exit", NULL };
	char *envp[] = { NULL };
	uint64_t t = rdtsc();

	for (long i = 0; i < ops; i++) {
		pid_t pid = fork();

		if (pid < 0)
			die("fork");
		if (pid == 0) {
			execve(self_path, argv, envp);
			_exit(127);
		}
		wait_child(pid);
	}
	return rdtsc() - t;
}

/*
 * ops is a number of 4 MiB regions, each written once per page. page_fault
 * times the writes only; mmap_touch_munmap times the whole cycle, which is
 * the fair figure when a kernel fills pages at mmap time instead of on fault.
 */
static uint64_t fault_regions(long ops, int whole)
{
	uint64_t total = 0;

	for (long i = 0; i < ops; i++) {
		uint64_t t0 = rdtsc();
		volatile char *p = mmap(NULL, FAULT_BYTES, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		uint64_t t1 = rdtsc();

		for (unsigned long off = 0; off < FAULT_BYTES; off += PAGE_SIZE)
			p[off] = 1;
		uint64_t t2 = rdtsc();

		munmap((void *)p, FAULT_BYTES);
		total += whole ? rdtsc() - t0 : t2 - t1;
	}
	return total;
}

static uint64_t round_fault(long ops)
{
	return fault_regions(ops, 0);
}

static uint64_t round_mmap_cycle(long ops)
{
	return fault_regions(ops, 1);
}

/* The exec benchmark needs a path to this program: argv[0] or a PATH search. */
static const char *find_self(const char *argv0)
{
	static char buf[512];
	const char *path = getenv("PATH");

	if (strchr(argv0, '/'))
		return argv0;
	if (!path)
		path = "/bin:/sbin:/usr/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, argv0);
		if (access(buf, X_OK) == 0)
			return buf;
		path += n + (path[n] == ':');
	}
	return NULL;
}

static void core_benches(void)
{
	report_cycles("getpid", round_getpid, 20000, 1, "syscall");
	report_cycles("syscall_getpid", round_sys_getpid, 20000, 1, "syscall");
	report_cycles("sched_yield", round_yield, 20000, 1, "syscall");
	report_cycles("yield_pingpong", round_yield_pair, 2000, 1, "round trip");
	report_cycles("pipe_pingpong", round_pipe, 2000, 1, "round trip");
	report_cycles("fork_exit_wait", round_fork, 100, 1, "process");
	report_cycles("page_fault", round_fault, 4, FAULT_BYTES / PAGE_SIZE, "page");
	report_cycles("mmap_touch_munmap", round_mmap_cycle, 4, FAULT_BYTES / PAGE_SIZE, "page");
	if (self_path)
		report_cycles("fork_exec_wait", round_exec, 40, 1, "process");
}

/* --- main ------------------------------------------------------------------ */

static void usage(void)
{
	fprintf(stderr, "usage: ubench [--quick] [--no-core] [--insmod LIST] "
		"[--mount SRC DIR TYPE]... [--fs DIR]... [--poweroff]\n");
	exit(2);
}

#define MAX_FS_DIRS 4

int main(int argc, char **argv)
{
	const char *fs_dirs[MAX_FS_DIRS];
	int core = 1, poweroff = 0, nfs = 0, setup_err = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--exit"))
			return 0;
		else if (!strcmp(argv[i], "--quick"))
			scale = 4;
		else if (!strcmp(argv[i], "--no-core"))
			core = 0;
		else if (!strcmp(argv[i], "--poweroff"))
			poweroff = 1;
		else if (!strcmp(argv[i], "--fs") && i + 1 < argc && nfs < MAX_FS_DIRS)
			fs_dirs[nfs++] = argv[++i];
		else if (!strcmp(argv[i], "--insmod") && i + 1 < argc)
			setup_err |= setup_insmod(argv[++i]);
		else if (!strcmp(argv[i], "--mount") && i + 3 < argc)
			setup_err |= setup_mount(argv[i + 1], argv[i + 2], argv[i + 3]), i += 3;
		else
			usage();
	}
	self_path = find_self(argc ? argv[0] : "ubench");
	tsc_calibrate();
	if (core)
		core_benches();
	for (int i = 0; i < nfs && !setup_err; i++)
		fs_benches(fs_dirs[i]);
	printf("{\"bench\":\"done\",\"uptime_ms\":%.1f}\n", mono_ns() / 1e6);
	fflush(stdout);
	if (poweroff) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return setup_err ? 1 : 0;
}
