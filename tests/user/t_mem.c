/*
 * Memory: brk, anonymous and file-backed mmap, munmap (whole and partial),
 * mprotect, no-execute data, and free memory returning to its baseline
 * after processes exit (Tessera only: read from /proc/meminfo).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"

#define PAGE 4096UL
#define BRK_GROW (1024 * 1024UL)
#define TOUCH_BYTES (4 * 1024 * 1024UL)
#define BASELINE_ROUNDS 3
#define BASELINE_SLACK_KB 64	/* kernel caches may keep a page or two */
#define KERNEL_ADDR 0xffff800000000000UL
#define X86_RET 0xc3

static int died_of(int st, int sig)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static void brk_grow_shrink(void)
{
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);

	KT_EXPECT(cur != 0);
	uintptr_t want = cur + BRK_GROW;
	KT_EXPECT_EQ((uintptr_t)syscall(SYS_brk, want), want);
	memset((void *)cur, 0x5a, BRK_GROW);
	KT_EXPECT_EQ(((volatile unsigned char *)cur)[BRK_GROW - 1], 0x5a);
	KT_EXPECT_EQ((uintptr_t)syscall(SYS_brk, cur), cur);
	KT_EXPECT_EQ((uintptr_t)syscall(SYS_brk, 0), cur);
}

static void mmap_anonymous(void)
{
	size_t len = 64 * PAGE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_EXPECT(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	KT_EXPECT(((uintptr_t)p & (PAGE - 1)) == 0);
	KT_EXPECT(p[0] == 0 && p[len - 1] == 0);	/* fresh pages are zero */
	for (size_t i = 0; i < len; i += PAGE)
		p[i] = (unsigned char)i;
	KT_EXPECT_EQ(p[5 * PAGE], (unsigned char)(5 * PAGE));
	KT_EXPECT_EQ(munmap(p, len), 0);
	KT_EXPECT_ERR(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), EINVAL);
}

static void touch_unmapped(void *arg)
{
	unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	munmap(p, PAGE);
	*(volatile unsigned char *)p = 1;
}

static void munmap_then_access(void)
{
	KT_EXPECT(died_of(kt_run_child(touch_unmapped, NULL), SIGSEGV));
}

static void touch_middle(void *arg)
{
	unsigned char *p = arg;
	p[0] = p[2 * PAGE] = 1;		/* the outer pages stay mapped */
	*(volatile unsigned char *)(p + PAGE) = 1;
}

static void munmap_partial(void)
{
	unsigned char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_EXPECT(p != MAP_FAILED);
	KT_EXPECT_EQ(munmap(p + PAGE, PAGE), 0);
	KT_EXPECT(died_of(kt_run_child(touch_middle, p), SIGSEGV));
	munmap(p, 3 * PAGE);
}

static void write_readonly(void *arg)
{
	unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	p[0] = 7;
	if (mprotect(p, PAGE, PROT_READ) || p[0] != 7)
		_exit(1);
	*(volatile unsigned char *)p = 8;
}

static void mprotect_readonly(void)
{
	KT_EXPECT(died_of(kt_run_child(write_readonly, NULL), SIGSEGV));
}

static void run_data(void *arg)
{
	unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	(void)arg;
	p[0] = X86_RET;
	((void (*)(void))p)();
	_exit(1);	/* returned: the page was executable */
}

static void data_not_executable(void)
{
	KT_EXPECT(died_of(kt_run_child(run_data, NULL), SIGSEGV));
}

static void mprotect_exec(void)
{
	unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_EXPECT(p != MAP_FAILED);
	p[0] = X86_RET;
	KT_EXPECT_EQ(mprotect(p, PAGE, PROT_READ | PROT_EXEC), 0);
	((void (*)(void))p)();
	munmap(p, PAGE);
}

static void mmap_file_readonly(void)
{
	char path[256], data[3 * 1000];
	snprintf(path, sizeof(path), "%s/usertest-mmap-%d", kt_tmpdir(), (int)getpid());

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('a' + i % 26);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	KT_EXPECT(fd >= 0);
	if (fd < 0)
		return;
	KT_EXPECT_EQ(write(fd, data, sizeof(data)), sizeof(data));
	char *p = mmap(NULL, sizeof(data), PROT_READ, MAP_PRIVATE, fd, 0);
	KT_EXPECT(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		KT_EXPECT(!memcmp(p, data, sizeof(data)));
		KT_EXPECT_EQ(p[sizeof(data)], 0);	/* the page's tail is zero-filled */
		KT_EXPECT_EQ(munmap(p, sizeof(data)), 0);
	}
	close(fd);
	unlink(path);
}

static void bad_ranges(void)
{
	KT_EXPECT_ERR(munmap((void *)KERNEL_ADDR, PAGE), EINVAL);
	KT_EXPECT_ERR(munmap((void *)(PAGE + 1), PAGE), EINVAL);
	KT_EXPECT_ERR(mmap((void *)KERNEL_ADDR, PAGE, PROT_READ,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0), ENOMEM);
}

static void malloc_large(void)
{
	unsigned char *p = malloc(8 * 1024 * 1024);

	KT_EXPECT(p != NULL);
	if (!p)
		return;
	for (size_t i = 0; i < 8 * 1024 * 1024; i += PAGE)
		p[i] = 1;
	free(p);
}

/* MemFree from /proc/meminfo in KiB, or -1. */
static long mem_free_kb(void)
{
	char buf[2048];
	int fd = open("/proc/meminfo", O_RDONLY);

	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *line = strstr(buf, "MemFree:");
	return line ? strtol(line + strlen("MemFree:"), NULL, 10) : -1;
}

/* A process that uses heap, brk, mmap and a child of its own, then exits. */
static void hungry(void *arg)
{
	int *ready = arg;
	unsigned char *a = malloc(TOUCH_BYTES);
	unsigned char *m = mmap(NULL, TOUCH_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!a || m == MAP_FAILED)
		_exit(1);
	memset(a, 1, TOUCH_BYTES);
	memset(m, 2, TOUCH_BYTES);
	pid_t gc = fork();
	if (gc == 0) {
		memset(a, 3, TOUCH_BYTES);	/* copies every page */
		_exit(0);
	}
	waitpid(gc, NULL, 0);
	if (ready) {
		char c = 1, d;
		if (write(ready[1], &c, 1) != 1 || read(ready[0], &d, 1) < 0)
			_exit(1);
	}
}

static void memory_returns_to_baseline(void)
{
	if (kt_on_linux())
		kt_skip("on Linux MemFree moves with the whole system; checked on Tessera");
	if (mem_free_kb() < 0)
		kt_skip("no /proc/meminfo");
	kt_run_child(hungry, NULL);	/* warm-up: first-use allocations stay */
	long base = mem_free_kb();

	/* While a hungry process lives, MemFree must show it (or the check means nothing). */
	int go[2], ready[2];
	char c = 0;
	KT_EXPECT(pipe(go) == 0 && pipe(ready) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		int fds[2] = { go[0], ready[1] };
		hungry(fds);
		_exit(0);
	}
	KT_EXPECT_EQ(read(ready[0], &c, 1), 1);
	long during = mem_free_kb();
	KT_EXPECT_EQ(write(go[1], &c, 1), 1);
	kt_wait_timeout(pid, 30);
	KT_EXPECT(during < base - (long)(TOUCH_BYTES / 1024));
	for (int i = 0; i < BASELINE_ROUNDS; i++)
		kt_run_child(hungry, NULL);
	long after = mem_free_kb();
	kt_diag("MemFree %ld KiB before, %ld KiB while in use, %ld KiB after %d rounds",
		base, during, after, BASELINE_ROUNDS);
	KT_EXPECT(after >= base - BASELINE_SLACK_KB);
}

static const struct kt_case cases[] = {
	{ "brk_grow_shrink", brk_grow_shrink },
	{ "mmap_anonymous", mmap_anonymous },
	{ "munmap_then_access", munmap_then_access },
	{ "munmap_partial", munmap_partial },
	{ "mprotect_readonly", mprotect_readonly },
	{ "data_not_executable", data_not_executable },
	{ "mprotect_exec", mprotect_exec },
	{ "mmap_file_readonly", mmap_file_readonly },
	{ "bad_ranges", bad_ranges },
	{ "malloc_large", malloc_large },
	{ "memory_returns_to_baseline", memory_returns_to_baseline },
	{ NULL, NULL },
};

const struct kt_suite suite_mem = { "mem", cases };
