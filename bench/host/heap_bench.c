/*
 * Host heap benchmark: the same traces against one allocator (a Tessera heap
 * core or glibc malloc, see heap_bench.h), one JSON object per line:
 * ns per alloc+free pair per size, and ns per op plus peak memory overhead
 * (peak bytes held / peak bytes live) on a mixed trace. run.py compares them.
 *
 *   heap_bench [--save FILE | --trace FILE]
 * --save writes the mixed trace; --trace replays a saved (or recorded) one.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "heap_bench.h"

#define PAIR_ROUNDS     2000000
#define BATCH_OBJS      1024
#define BATCH_BYTES_CAP ((size_t)64 << 20)    /* fewer blocks per batch for big sizes */
#define BATCH_ROUNDS    200
#define REPEATS         5          /* best of: the machine is shared */
#define TRACE_OPS       1000000
#define TRACE_SLOTS     4096
#define BUMP_BYTES_CAP  ((size_t)256 << 20)   /* bump never frees: cap what it eats */

static const size_t sizes[] = { 16, 32, 64, 128, 256, 512, 1024, 2048, 4096,
				8192, 65536, 1 << 20 };

struct op {
	uint32_t slot;
	uint32_t size;              /* 0: free the slot */
};

static struct op *trace;
static size_t trace_len;
static void *slots[TRACE_SLOTS];
static size_t slot_size[TRACE_SLOTS];

/* CPU time, not wall time: the machine is shared, and waiting is not cost. */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static bool never_frees(void)
{
	return strcmp(bench_name(), "bump") == 0;
}

/* Rounds of a benchmark moving bytes_per_round, capped for bump. */
static long capped(long rounds, size_t bytes_per_round)
{
	if (never_frees() && (size_t)rounds * bytes_per_round > BUMP_BYTES_CAP)
		rounds = (long)(BUMP_BYTES_CAP / bytes_per_round);
	return rounds > 0 ? rounds : 1;
}

static void fail(const char *what)
{
	fprintf(stderr, "heap_bench: %s: %s failed\n", bench_name(), what);
	exit(1);
}

/* The best case: one block allocated and freed again and again. */
static void bench_pair(size_t size)
{
	long rounds = capped(PAIR_ROUNDS / (size > 4096 ? 16 : 1), size);
	double best = 1e30;

	for (int r = 0; r < REPEATS; r++) {
		double t0;

		bench_reset();
		t0 = now_ns();
		for (long i = 0; i < rounds; i++) {
			volatile char *p = bench_alloc(size);

			if (!p)
				fail("alloc");
			p[0] = 1;
			bench_free((void *)p);
		}
		if (now_ns() - t0 < best)
			best = now_ns() - t0;
	}
	printf("{\"bench\": \"heap_pair\", \"heap\": \"%s\", \"size\": %zu, "
	       "\"ns_per_pair\": %.2f}\n", bench_name(), size, best / rounds);
}

/* Up to 1024 blocks at once, freed in a shuffled order: slabs fill and empty. */
static void bench_batch(size_t size)
{
	static void *blocks[BATCH_OBJS];
	static unsigned int order[BATCH_OBJS];
	unsigned int n = size * BATCH_OBJS > BATCH_BYTES_CAP ? BATCH_BYTES_CAP / size : BATCH_OBJS;
	long rounds = capped(BATCH_ROUNDS / (size > 4096 ? 20 : 1), size * n);
	double best = 1e30;
	size_t peak = 0;

	if (never_frees() && size * n > BUMP_BYTES_CAP)
		return;
	for (unsigned int i = 0; i < n; i++)
		order[i] = i;
	for (unsigned int i = n - 1; i > 0; i--) {
		unsigned int j = (unsigned int)(rnd() % (i + 1)), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (int r = 0; r < REPEATS; r++) {
		double t0;

		bench_reset();
		t0 = now_ns();
		for (long k = 0; k < rounds; k++) {
			for (unsigned int i = 0; i < n; i++)
				if (!(blocks[i] = bench_alloc(size)))
					fail("alloc");
			if (k == 0 && r == 0)
				peak = bench_held_bytes();
			for (unsigned int i = 0; i < n; i++)
				bench_free(blocks[order[i]]);
		}
		if (now_ns() - t0 < best)
			best = now_ns() - t0;
	}
	printf("{\"bench\": \"heap_batch\", \"heap\": \"%s\", \"size\": %zu, "
	       "\"ns_per_pair\": %.2f, \"live_bytes\": %zu, \"peak_held_bytes\": %zu, "
	       "\"overhead\": %.3f}\n", bench_name(), size, best / (rounds * n),
	       size * n, peak, (double)peak / (size * n));
}

/* A kernel-like mix: mostly small objects, some pages, a few big buffers. */
static uint32_t trace_size(void)
{
	uint64_t r = rnd() % 1000;
	uint32_t cap = r < 700 ? 256 : r < 950 ? 4096 : r < 998 ? 65536 : 1 << 20;

	return 1 + (uint32_t)(rnd() % cap);
}

static void make_trace(void)
{
	bool live[TRACE_SLOTS] = { false };

	trace = calloc(TRACE_OPS, sizeof(*trace));
	if (!trace)
		fail("calloc");
	for (trace_len = 0; trace_len < TRACE_OPS; trace_len++) {
		uint32_t s = (uint32_t)(rnd() % TRACE_SLOTS);

		trace[trace_len].slot = s;
		trace[trace_len].size = live[s] ? 0 : trace_size();
		live[s] = !live[s];
	}
}

static int load_trace(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t cap = 1024;
	char kind;
	unsigned int slot, size;

	if (!f)
		return -1;
	trace = malloc(cap * sizeof(*trace));
	trace_len = 0;
	while (trace && fscanf(f, " %c %u %u", &kind, &slot, &size) == 3) {
		if (trace_len == cap)
			trace = realloc(trace, (cap *= 2) * sizeof(*trace));
		if (!trace || slot >= TRACE_SLOTS)
			break;
		trace[trace_len++] = (struct op){ slot, kind == 'a' ? (size ? size : 1) : 0 };
	}
	fclose(f);
	return trace ? 0 : -1;
}

static void save_trace(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		fail("fopen");
	for (size_t i = 0; i < trace_len; i++)
		fprintf(f, "%c %u %u\n", trace[i].size ? 'a' : 'f', trace[i].slot, trace[i].size);
	fclose(f);
}

/* Replays the trace; with measure, tracks peak live and held bytes. */
static double replay(bool measure, size_t *peak_live, size_t *peak_held)
{
	size_t live = 0;
	double t0 = now_ns();

	for (size_t i = 0; i < trace_len; i++) {
		const struct op *o = &trace[i];

		if (!o->size) {
			if (!slots[o->slot])
				continue;
			bench_free(slots[o->slot]);
			slots[o->slot] = NULL;
			live -= slot_size[o->slot];
			continue;
		}
		if (slots[o->slot])
			continue;       /* a replayed file may alloc twice: keep the first */
		if (!(slots[o->slot] = bench_alloc(o->size)))
			fail("alloc");
		slot_size[o->slot] = o->size;
		live += o->size;
		if (measure && live > *peak_live)
			*peak_live = live;
		if (measure && bench_held_bytes() > *peak_held)
			*peak_held = bench_held_bytes();
	}
	for (int s = 0; s < TRACE_SLOTS; s++) {
		bench_free(slots[s]);
		slots[s] = NULL;
	}
	return now_ns() - t0;
}

static void bench_trace(const char *name)
{
	size_t peak_live = 0, peak_held = 0;
	double best = 1e30;

	for (int r = 0; r < REPEATS; r++) {
		double t;

		bench_reset();
		t = replay(false, NULL, NULL);
		if (t < best)
			best = t;
	}
	bench_reset();
	replay(true, &peak_live, &peak_held);
	printf("{\"bench\": \"heap_trace\", \"heap\": \"%s\", \"trace\": \"%s\", \"ops\": %zu, "
	       "\"ns_per_op\": %.2f, \"peak_live_bytes\": %zu, \"peak_held_bytes\": %zu, "
	       "\"overhead\": %.3f}\n", bench_name(), name, trace_len, best / trace_len,
	       peak_live, peak_held, (double)peak_held / peak_live);
}

int main(int argc, char **argv)
{
	const char *name = "mixed";

	if (argc == 3 && strcmp(argv[1], "--trace") == 0) {
		if (load_trace(argv[2]) < 0)
			fail(argv[2]);
		name = argv[2];
	} else {
		make_trace();
	}
	if (argc == 3 && strcmp(argv[1], "--save") == 0) {
		save_trace(argv[2]);
		return 0;
	}
	bench_reset();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		bench_pair(sizes[i]);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		bench_batch(sizes[i]);
	if (!never_frees())
		bench_trace(name);
	return 0;
}
