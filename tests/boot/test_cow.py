"""
Copy-on-write fork, demand paging and file-backed mmap (CONFIG_COW, mm/fault.c):
one static program (`cowtest`, runs on Linux too) checks fork isolation,
pages on first touch, a file read through mmap, PROT_NONE and split areas,
and that free memory comes back; it prints the pages and cycles a fork of a
process with a 32 MiB touched heap costs, which are compared between a
kernel with CONFIG_COW=y and one with CONFIG_COW=n.
"""
import re

import pytest

from boot import build as kbuild
from boot import shell as kshell

FRAGMENT = ["CONFIG_VFS=y", "CONFIG_RAMFS=y", "CONFIG_INITRAMFS=y", "CONFIG_DEVFS=y",
            "CONFIG_USER_SPACE=y", "CONFIG_PROCESSES=y"]
TIMEOUT = 120

COWTEST = r"""
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

#define PAGE 4096L
#define HEAP (32L << 20)
#define BIG (64L << 20)
#define ROUNDS 10

static long freepages(void)
{
	struct sysinfo si;

	sysinfo(&si);
	return (long)(si.freeram * si.mem_unit / PAGE);
}

static unsigned long long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

/* Runs fn in a child; returns its exit code, or 100 + the signal that killed it. */
static int in_child(void (*fn)(void *), void *arg)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static unsigned long long fork_exit_wait(void)
{
	unsigned long long best = ~0ULL;

	for (int i = 0; i < ROUNDS; i++) {
		unsigned long long t0 = rdtsc();
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		unsigned long long d = rdtsc() - t0;
		if (d < best)
			best = d;
	}
	return best;
}

/* Parent and child see their own writes; prints what the fork cost. */
static void fork_big(unsigned char *heap)
{
	int go[2], st;
	char c = 0;
	long before, after;
	unsigned long long t0, t1;

	memset(heap, 0xaa, HEAP);
	pipe(go);
	before = freepages();
	t0 = rdtsc();
	pid_t pid = fork();
	if (pid == 0) {
		read(go[0], &c, 1);
		for (long i = 0; i < HEAP; i += PAGE)
			if (heap[i] != 0xaa)
				_exit(1);
		heap[0] = 0x55;
		heap[HEAP - 1] = 0x55;
		_exit(heap[0] == 0x55 && heap[HEAP - 1] == 0x55 && heap[PAGE] == 0xaa ? 0 : 2);
	}
	t1 = rdtsc();
	after = freepages();
	heap[PAGE] = 0x11;                  /* the parent writes first: the child must not see it */
	write(go[1], &c, 1);
	waitpid(pid, &st, 0);
	printf("fork32: pages %ld cycles %llu\n", before - after, t1 - t0);
	printf("isolation: child %s, parent %s\n",
	       WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : "BAD",
	       heap[0] == 0xaa && heap[HEAP - 1] == 0xaa && heap[PAGE] == 0x11 ? "ok" : "BAD");
	close(go[0]);
	close(go[1]);
}

/* Touching one page of 64 MiB costs that page (a first round makes the page tables). */
static void big_mmap(void)
{
	unsigned char *m = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	long before;

	if (m != MAP_FAILED) {
		m[BIG / 2 + 123] = 7;
		munmap(m, BIG);
	}
	before = freepages();
	m = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		printf("mmap64: failed errno %d\n", errno);
		return;
	}
	m[BIG / 2 + 123] = 7;
	long used = before - freepages();   /* before reading other pages: that maps them too */
	printf("mmap64: pages %ld zero %s\n", used,
	       m[0] == 0 && m[BIG - 1] == 0 && m[BIG / 2 + 123] == 7 ? "ok" : "BAD");
	before = freepages();
	long sum = 0;
	for (long i = 0; i < BIG; i += PAGE)
		sum += m[i];
	printf("mmap64 read all: pages %ld sum %ld\n", before - freepages(), sum);
	munmap(m, BIG);
}

static void touch(void *p) { *(volatile char *)p = 1; }
static void peek(void *p) { (void)*(volatile char *)p; }

static void file_mmap(void)
{
	const char *path = "/tmp/cowtest-file";
	static char data[3 * PAGE + 100];
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)('A' + i % 23);
	write(fd, data, sizeof(data));
	char *m = mmap(NULL, 5 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	char *w = mmap(NULL, sizeof(data), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED || w == MAP_FAILED) {
		printf("mmapfile: failed errno %d\n", errno);
		return;
	}
	w[0] = 'z';
	char first;
	pread(fd, &first, 1, 0);
	int tail = m[sizeof(data)] == 0 && m[4 * PAGE - 1] == 0;
	printf("mmapfile: bytes %s, tail zero %s, private write %s, past eof sig %d\n",
	       memcmp(m, data, sizeof(data)) ? "BAD" : "ok", tail ? "ok" : "BAD",
	       first == 'A' && w[0] == 'z' ? "ok" : "BAD", in_child(peek, m + 4 * PAGE) - 100);
	void *s = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmapfile: shared writable errno %d\n", s == MAP_FAILED ? errno : 0);
	if (s != MAP_FAILED)
		munmap(s, PAGE);
	munmap(m, 5 * PAGE);
	munmap(w, sizeof(data));
	close(fd);
	unlink(path);
}

static void protections(void)
{
	char *n = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	p[0] = p[PAGE] = p[2 * PAGE] = 1;
	mprotect(p + PAGE, PAGE, PROT_READ);
	int mid = in_child(touch, p + PAGE), outer = in_child(touch, p + 2 * PAGE);
	mprotect(p, 3 * PAGE, PROT_READ | PROT_WRITE);
	int back = in_child(touch, p + PAGE);
	mprotect(p, PAGE, PROT_NONE);
	int none_after = in_child(peek, p);
	printf("protect: none sig %d, ro middle sig %d, outer %d, rw again %d, made none sig %d\n",
	       in_child(peek, n) - 100, mid - 100, outer, back, none_after - 100);
	munmap(n, PAGE);
	munmap(p, 3 * PAGE);
}

static void deep_stack(void *arg)
{
	volatile char buf[4 << 20];

	(void)arg;
	for (long i = 0; i < (long)sizeof(buf); i += PAGE)
		buf[i] = 1;
	_exit(buf[0] == 1 ? 0 : 1);
}

/* A child that writes to shared pages and maps its own, then exits; an mmap round. */
static void churn_child(void *heap)
{
	memset(heap, 3, 2 << 20);
	char *m = malloc(1 << 20);
	memset(m, 4, 1 << 20);
}

static void churn(unsigned char *heap)
{
	in_child(churn_child, heap);
	char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(m, 5, 1 << 20);
	munmap(m, 1 << 20);
}

/* Takes memory until fewer than `left` pages are free, then writes to `heap` (shared). */
static void exhaust(void *heap)
{
	const long left = 64, chunk = 4L << 20;

	for (;;) {
		char *m = mmap(NULL, chunk, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);
		if (m == MAP_FAILED)
			_exit(3);
		for (long i = 0; i < chunk; i += PAGE) {
			if (heap && freepages() < left) {
				memset(heap, 9, HEAP);      /* copy-on-write breaks run out */
				_exit(4);
			}
			m[i] = 1;
		}
	}
}

/* Tessera only (on Linux this would wake the host's OOM killer). */
static int oom(void)
{
	unsigned char *heap = malloc(HEAP);
	long before;

	memset(heap, 1, HEAP);
	before = freepages();
	printf("oom: demand fault sig %d\n", in_child(exhaust, NULL) - 100);
	printf("oom: cow break sig %d\n", in_child(exhaust, heap) - 100);
	printf("oom: free pages %s\n", freepages() == before ? "back" : "leaked");
	printf("cowtest: done\n");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char *heap;
	long before;

	if (argc > 1 && !strcmp(argv[1], "oom"))
		return oom();

	printf("forkexit small: cycles %llu\n", fork_exit_wait());
	heap = malloc(HEAP);
	fork_big(heap);
	printf("forkexit 32m: cycles %llu\n", fork_exit_wait());
	big_mmap();
	file_mmap();
	protections();
	printf("stack 4m: %d\n", in_child(deep_stack, NULL));
	churn(heap);                        /* warms kernel caches */
	before = freepages();
	churn(heap);
	printf("baseline: %s (%ld)\n", before == freepages() ? "back" : "leaked",
	       before - freepages());
	printf("cowtest: done\n");
	return 0;
}
"""


def _build(name, cow):
    extra = kshell.programs("cow", {"cowtest": COWTEST}, cflags="-O2")
    frag = FRAGMENT + ["CONFIG_COW=%s" % ("y" if cow else "n")]
    try:
        return kbuild.build(name, defconfig="qemu_defconfig", fragment=frag,
                            goals=("all", "iso", "USR_EXTRA=%s" % extra))
    except kbuild.BuildError as e:
        pytest.fail("building %s failed:\n%s" % (name, e), pytrace=False)


@pytest.fixture(scope="module")
def cow_kernel():
    return _build("cow-on", True)


@pytest.fixture(scope="module")
def nocow_kernel():
    return _build("cow-off", False)


def run_cowtest(boot, iso):
    q = kshell.shell(boot, iso)
    q.child.send("cowtest\r")
    q.child.expect_exact("cowtest: done", timeout=TIMEOUT)
    out = q.child.before.replace("\r", "")
    return out


def numbers(out):
    """The measured values: fork32 pages/cycles, fork+exit+wait cycles, mmap64 pages."""
    return {
        "fork_pages": int(re.search(r"fork32: pages (-?\d+)", out).group(1)),
        "fork_cycles": int(re.search(r"fork32: pages -?\d+ cycles (\d+)", out).group(1)),
        "forkexit_small": int(re.search(r"forkexit small: cycles (\d+)", out).group(1)),
        "forkexit_32m": int(re.search(r"forkexit 32m: cycles (\d+)", out).group(1)),
        "mmap64_pages": int(re.search(r"mmap64: pages (-?\d+)", out).group(1)),
    }


def check_semantics(out):
    assert "isolation: child ok, parent ok" in out
    assert re.search(r"mmap64: pages \d+ zero ok", out)
    assert "mmapfile: bytes ok, tail zero ok, private write ok, past eof sig 7" in out
    assert "mmapfile: shared writable errno 19" in out          # ENODEV: no page cache
    assert "protect: none sig 11, ro middle sig 11, outer 0, rw again 0, made none sig 11" in out
    assert "stack 4m: 0" in out
    assert "baseline: back (0)" in out, out
    assert "SIGKILL" not in out


def test_cow_fork_shares_pages(cow_kernel, boot):
    out = run_cowtest(boot, cow_kernel.iso)
    check_semantics(out)
    n = numbers(out)
    print("COW on:", n)
    assert n["mmap64_pages"] <= 2, out        # the page (and the heap's area record)
    # Reading pages never written maps one shared zero page: only page tables are new.
    assert int(re.search(r"mmap64 read all: pages (-?\d+) sum 0", out).group(1)) < 64, out
    assert n["fork_pages"] < 200, out         # page tables and the process, not 8192 pages


def test_eager_fork_copies_pages(nocow_kernel, boot):
    out = run_cowtest(boot, nocow_kernel.iso)
    check_semantics(out)
    n = numbers(out)
    print("COW off:", n)
    assert n["fork_pages"] >= 32 << 8, out    # every page of the 32 MiB heap


def test_out_of_memory_kills_the_process(cow_kernel, boot):
    q = kshell.shell(boot, cow_kernel.iso)
    q.child.send("cowtest oom\r")
    q.child.expect_exact("cowtest: done", timeout=TIMEOUT)
    out = q.child.before.replace("\r", "")
    assert "oom: demand fault sig 9" in out, out
    assert "oom: cow break sig 9" in out, out
    assert "oom: free pages back" in out, out
    assert re.search(r"pid \d+ \(cowtest\): out of memory at [0-9a-f]+: killed", q.serial)
    q.child.send("echo alive\r")
    q.child.expect_exact("\nalive\r", timeout=30)           # the shell carries on


def test_cow_costs_fewer_pages_than_copying(cow_kernel, nocow_kernel, boot):
    on = numbers(run_cowtest(boot, cow_kernel.iso))
    off = numbers(run_cowtest(boot, nocow_kernel.iso))
    print("fork of a 32 MiB heap: COW %d pages %d cycles, copy %d pages %d cycles"
          % (on["fork_pages"], on["fork_cycles"], off["fork_pages"], off["fork_cycles"]))
    print("fork+exit+wait: COW %d / %d cycles (small / 32 MiB), copy %d / %d"
          % (on["forkexit_small"], on["forkexit_32m"], off["forkexit_small"],
             off["forkexit_32m"]))
    assert on["fork_pages"] < off["fork_pages"]
