/*
 * Host page-allocator benchmark: one core (bitmap.c, buddy.c, or glibc's
 * aligned_alloc through pmm_glibc.c) over a 1 GiB fake region, replaying
 * a recorded trace, then alloc+free pairs per order on the memory the trace
 * left fragmented. One JSON object per line; pmm_run.py compares them.
 *
 *   pmm_bench [--save FILE | --trace FILE]
 * --save records the trace and exits; --trace replays a recorded one.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mm/pmm.h>

#define REGION_BASE     0x100000000ULL      /* fake: the cores never touch it */
#define REGION_PAGES    (1u << 18)          /* 1 GiB of 4 KiB pages */
#define TRACE_OPS       2000000
#define TRACE_SLOTS     8192
#define PAIR_ROUNDS     2000000
#define REPEATS         5                   /* best of: the machine is shared */

struct op {
	uint32_t slot;
	uint8_t order;
	uint8_t alloc;              /* 1: alloc into slot, 0: free slot */
	uint16_t pad;
};

static struct op *trace;
static size_t trace_len;
static struct pmm_core core;
static void *meta;
static phys_addr_t slots[TRACE_SLOTS];
static unsigned int slot_order[TRACE_SLOTS];
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

/* CPU time, not wall time: waiting for the CPU is not the allocator's cost. */
static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A kernel's mix: mostly single pages (page tables, slabs), few big blocks. */
static unsigned int random_order(void)
{
	uint64_t r = next_random() % 100;

	if (r < 60)
		return 0;
	if (r < 80)
		return 1 + r % 2;
	if (r < 95)
		return 3 + r % 3;
	return 6 + r % (PMM_MAX_ORDER - 5);
}

/* Random slots: an empty one gets a block, a full one is freed. */
static void record_trace(void)
{
	unsigned char used[TRACE_SLOTS] = { 0 };

	trace = calloc(TRACE_OPS, sizeof(*trace));
	for (size_t i = 0; i < TRACE_OPS; i++) {
		uint32_t s = next_random() % TRACE_SLOTS;

		trace[i] = (struct op){ s, used[s] ? 0 : random_order(), !used[s], 0 };
		used[s] = !used[s];
	}
	trace_len = TRACE_OPS;
}

static int load_trace(const char *path)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	trace = malloc(size);
	trace_len = size / sizeof(*trace);
	if (fread(trace, sizeof(*trace), trace_len, f) != trace_len)
		trace_len = 0;
	fclose(f);
	return trace_len ? 0 : -1;
}

static void fresh_region(void)
{
	free(meta);
	meta = malloc(pmm_core_meta_size(REGION_PAGES) + 8);
	pmm_core_init(&core, meta, REGION_BASE, REGION_PAGES);
	pmm_core_add_free(&core, REGION_BASE, REGION_PAGES);
	memset(slots, 0, sizeof(slots));
}

/* Replays ops [from, to); returns allocations that failed. */
static size_t replay(size_t from, size_t to)
{
	size_t failed = 0;

	for (size_t i = from; i < to; i++) {
		const struct op *op = &trace[i];

		if (op->alloc) {
			slots[op->slot] = pmm_core_alloc(&core, op->order);
			slot_order[op->slot] = op->order;
			failed += slots[op->slot] == PMM_NO_PAGE;
		} else if (slots[op->slot] != PMM_NO_PAGE) {
			pmm_core_free(&core, slots[op->slot], slot_order[op->slot]);
			slots[op->slot] = PMM_NO_PAGE;
		}
	}
	return failed;
}

static void free_all_slots(void)
{
	for (size_t s = 0; s < TRACE_SLOTS; s++)
		if (slots[s] != PMM_NO_PAGE)
			pmm_core_free(&core, slots[s], slot_order[s]);
	memset(slots, 0, sizeof(slots));
}

static void bench_trace(void)
{
	double best = 1e30;
	size_t failed = 0;

	for (int r = 0; r < REPEATS; r++) {
		double t0;

		fresh_region();
		t0 = now_ns();
		failed = replay(0, trace_len);
		t0 = now_ns() - t0;
		if (t0 < best)
			best = t0;
		free_all_slots();
	}
	printf("{\"bench\":\"pmm_trace\",\"impl\":\"%s\",\"ops\":%zu,\"ns_per_op\":%.1f,"
	       "\"failed_allocs\":%zu,\"meta_bytes_per_gib\":%llu}\n",
	       pmm_core_name(), trace_len, best / trace_len, failed,
	       (unsigned long long)pmm_core_meta_size(REGION_PAGES));
}

/*
 * alloc+free of one order: on fresh memory (all in max-order blocks, the
 * worst case for buddy's split and merge) and on memory the first half of
 * the trace fragmented (the usual case).
 */
static void bench_pairs(bool fragmented)
{
	fresh_region();
	if (fragmented)
		replay(0, trace_len / 2);
	const char *state = fragmented ? "fragmented" : "fresh";

	for (unsigned int order = 0; order <= PMM_MAX_ORDER; order++) {
		long rounds = PAIR_ROUNDS >> (order / 2), done = 0;
		double best = 1e30;

		for (int r = 0; r < REPEATS; r++) {
			double t0 = now_ns();

			for (done = 0; done < rounds; done++) {
				phys_addr_t pa = pmm_core_alloc(&core, order);

				if (pa == PMM_NO_PAGE)
					break;
				pmm_core_free(&core, pa, order);
			}
			t0 = now_ns() - t0;
			if (t0 < best)
				best = t0;
		}
		if (!done) {
			printf("{\"bench\":\"pmm_pair\",\"impl\":\"%s\",\"memory\":\"%s\",\"order\":%u,"
			       "\"ns_per_pair\":null}\n", pmm_core_name(), state, order);
			continue;
		}
		printf("{\"bench\":\"pmm_pair\",\"impl\":\"%s\",\"memory\":\"%s\",\"order\":%u,"
		       "\"ns_per_pair\":%.1f}\n", pmm_core_name(), state, order, best / done);
	}
	free_all_slots();
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--save") == 0) {
		FILE *f = fopen(argv[2], "wb");

		record_trace();
		if (!f || fwrite(trace, sizeof(*trace), trace_len, f) != trace_len)
			return 1;
		return fclose(f) ? 1 : 0;
	}
	if (argc == 3 && strcmp(argv[1], "--trace") == 0) {
		if (load_trace(argv[2])) {
			fprintf(stderr, "pmm_bench: cannot read trace %s\n", argv[2]);
			return 1;
		}
	} else {
		record_trace();
	}
	bench_trace();
	bench_pairs(false);
	bench_pairs(true);
	return 0;
}
