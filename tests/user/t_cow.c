/*
 * Copy-on-write isolation: after fork, parent and child each see only their
 * own writes, in globals, the heap, the stack and anonymous mappings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ktap.h"

#define PAGE 4096
#define HEAP_BYTES (64 * 1024)
#define BIG_BYTES (4 * 1024 * 1024)

static volatile int global_value = 1;

/* The child's checks come back as its exit status: 0 means all held. */
static int child_status(pid_t pid)
{
	int st = kt_wait_timeout(pid, 20);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int all_bytes(const volatile unsigned char *p, size_t n, unsigned char v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/* Child writes, then checks it sees its write; the parent must not. */
static void check_region(volatile unsigned char *p, size_t n)
{
	memset((void *)p, 0xAA, n);
	pid_t pid = fork();
	if (pid == 0) {
		for (size_t i = 0; i < n; i += 512)
			p[i] = 0x55;
		for (size_t i = 0; i < n; i += 512)
			if (p[i] != 0x55)
				_exit(1);
		_exit(0);
	}
	KT_EXPECT_EQ(child_status(pid), 0);
	KT_EXPECT(all_bytes(p, n, 0xAA));
}

static void global_isolation(void)
{
	global_value = 1;
	pid_t pid = fork();
	if (pid == 0) {
		global_value = 2;
		_exit(global_value == 2 ? 0 : 1);
	}
	KT_EXPECT_EQ(child_status(pid), 0);
	KT_EXPECT_EQ(global_value, 1);
}

static void heap_isolation(void)
{
	unsigned char *p = malloc(HEAP_BYTES);

	KT_EXPECT(p != NULL);
	if (p)
		check_region(p, HEAP_BYTES);
	free(p);
}

static void stack_isolation(void)
{
	volatile unsigned char buf[2 * PAGE];

	check_region(buf, sizeof(buf));
}

static void mmap_isolation(void)
{
	unsigned char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_EXPECT(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	check_region(p, 8 * PAGE);
	munmap(p, 8 * PAGE);
}

/* The parent writes after fork; the waiting child must still see the old value. */
static void parent_writes_after_fork(void)
{
	int go[2];
	char c = 0;
	unsigned char *p = malloc(PAGE);

	KT_EXPECT(p != NULL && pipe(go) == 0);
	memset(p, 0x11, PAGE);
	global_value = 10;
	pid_t pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(global_value == 10 && all_bytes(p, PAGE, 0x11) ? 0 : 1);
	}
	close(go[0]);
	global_value = 20;
	memset(p, 0x22, PAGE);
	KT_EXPECT_EQ(write(go[1], &c, 1), 1);
	KT_EXPECT_EQ(child_status(pid), 0);
	KT_EXPECT_EQ(global_value, 20);
	close(go[1]);
	free(p);
}

static void big_region(void)
{
	unsigned char *p = mmap(NULL, BIG_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	KT_EXPECT(p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	check_region(p, BIG_BYTES);
	munmap(p, BIG_BYTES);
}

/* Two children of one parent do not see each other's writes either. */
static void siblings_isolated(void)
{
	int go[2];

	global_value = 1;
	KT_EXPECT_EQ(pipe(go), 0);
	pid_t a = fork();
	if (a == 0) {
		global_value = 2;
		char c;
		close(go[1]);
		_exit(read(go[0], &c, 1) == 0 && global_value == 2 ? 0 : 1);
	}
	pid_t b = fork();
	if (b == 0) {
		global_value = 3;
		_exit(global_value == 3 ? 0 : 1);
	}
	KT_EXPECT_EQ(child_status(b), 0);
	close(go[0]);
	close(go[1]);
	KT_EXPECT_EQ(child_status(a), 0);
	KT_EXPECT_EQ(global_value, 1);
}

static const struct kt_case cases[] = {
	{ "global_isolation", global_isolation },
	{ "heap_isolation", heap_isolation },
	{ "stack_isolation", stack_isolation },
	{ "mmap_isolation", mmap_isolation },
	{ "parent_writes_after_fork", parent_writes_after_fork },
	{ "big_region", big_region },
	{ "siblings_isolated", siblings_isolated },
	{ NULL, NULL },
};

const struct kt_suite suite_cow = { "cow", cases };
