/*
 * The page-allocator conformance cases, written once against include/mm/pmm.h
 * and included by two harnesses: tests/conformance/pmm_suite.c (cmocka, one
 * core over a fake region, built once per implementation) and
 * mm/pmm/pmm_test.c (KTEST, the kernel's allocator over real memory).
 *
 * The includer defines, before including this file:
 *   PMM_T_ALLOC(ctx, order)         -> phys_addr_t, PMM_NO_PAGE when empty
 *   PMM_T_FREE(ctx, pa, order)
 *   PMM_T_STATS(ctx, struct pmm_stats *)
 *   PMM_T_CLAIM(ctx, pa, order)     -> false if any page is already held (a
 *                                      double hand-out) or may not be handed out
 *   PMM_T_RELEASE(ctx, pa, order)   -> false if the block's contents changed
 *   PMM_T_FAIL(ctx, fmt, ...)       reports one failed check
 * Each case returns PMM_T_PASS, PMM_T_FAILED or PMM_T_SKIPPED.
 */
#ifndef PMM_CASES_H
#define PMM_CASES_H

#include <mm/pmm.h>

#define PMM_T_PASS      0
#define PMM_T_FAILED    (-1)
#define PMM_T_SKIPPED   1

#define PMM_T_PAGE      4096ULL

struct pmm_t_block {
	phys_addr_t pa;
	unsigned int order;
};

struct pmm_t_ctx {
	struct pmm_t_block *rec;    /* room for cap blocks */
	u64 cap;
	u64 steps;                  /* random operations per case, <= cap */
	u64 n;                      /* blocks recorded */
	u64 rng;                    /* xorshift state, never 0 */
	void *harness;              /* the includer's own state */
};

#define PMM_T_CHECK(ctx, cond, ...) \
	do { \
		if (!(cond)) { \
			PMM_T_FAIL(ctx, __VA_ARGS__); \
			return PMM_T_FAILED; \
		} \
	} while (0)

static inline u64 pmm_t_random(struct pmm_t_ctx *ctx)
{
	ctx->rng ^= ctx->rng << 13;
	ctx->rng ^= ctx->rng >> 7;
	ctx->rng ^= ctx->rng << 17;
	return ctx->rng;
}

/* Orders as a kernel asks for them: mostly single pages, rarely big blocks. */
static inline unsigned int pmm_t_random_order(struct pmm_t_ctx *ctx)
{
	u64 r = pmm_t_random(ctx) % 100;

	if (r < 60)
		return 0;
	if (r < 80)
		return 1 + r % 2;
	if (r < 95)
		return 3 + r % 3;
	return 6 + r % (PMM_MAX_ORDER - 5);
}

static inline u64 pmm_t_pages_in_blocks(const struct pmm_stats *s)
{
	u64 pages = 0;

	for (int o = 0; o <= PMM_MAX_ORDER; o++)
		pages += s->free_blocks[o] << o;
	return pages;
}

/* The counters agree with each other: free blocks add up to free pages. */
static inline int pmm_t_consistent(struct pmm_t_ctx *ctx)
{
	struct pmm_stats s;

	PMM_T_STATS(ctx, &s);
	PMM_T_CHECK(ctx, pmm_t_pages_in_blocks(&s) == s.free_pages,
		    "free blocks add up to %llu pages, free_pages is %llu",
		    (unsigned long long)pmm_t_pages_in_blocks(&s),
		    (unsigned long long)s.free_pages);
	PMM_T_CHECK(ctx, s.free_pages + s.reserved_pages <= s.total_pages,
		    "free %llu + reserved %llu > total %llu", (unsigned long long)s.free_pages,
		    (unsigned long long)s.reserved_pages, (unsigned long long)s.total_pages);
	return PMM_T_PASS;
}

/* Everything the counters say, compared with a snapshot. */
static inline int pmm_t_same_stats(struct pmm_t_ctx *ctx, const struct pmm_stats *want)
{
	struct pmm_stats s;

	PMM_T_STATS(ctx, &s);
	PMM_T_CHECK(ctx, s.free_pages == want->free_pages, "free_pages %llu, expected %llu",
		    (unsigned long long)s.free_pages, (unsigned long long)want->free_pages);
	PMM_T_CHECK(ctx, s.total_pages == want->total_pages && s.reserved_pages == want->reserved_pages,
		    "total/reserved changed: %llu/%llu, expected %llu/%llu",
		    (unsigned long long)s.total_pages, (unsigned long long)s.reserved_pages,
		    (unsigned long long)want->total_pages, (unsigned long long)want->reserved_pages);
	for (int o = 0; o <= PMM_MAX_ORDER; o++)
		PMM_T_CHECK(ctx, s.free_blocks[o] == want->free_blocks[o],
			    "order %d: %llu free blocks, expected %llu (not fully merged?)", o,
			    (unsigned long long)s.free_blocks[o],
			    (unsigned long long)want->free_blocks[o]);
	return PMM_T_PASS;
}

/* Allocates one block, checks it and records it. PMM_NO_PAGE when empty. */
static inline int pmm_t_take(struct pmm_t_ctx *ctx, unsigned int order, phys_addr_t *out)
{
	phys_addr_t pa = PMM_T_ALLOC(ctx, order);

	*out = pa;
	if (pa == PMM_NO_PAGE)
		return PMM_T_PASS;
	PMM_T_CHECK(ctx, ctx->n < ctx->cap, "more than %llu blocks to record",
		    (unsigned long long)ctx->cap);
	PMM_T_CHECK(ctx, (pa & ((PMM_T_PAGE << order) - 1)) == 0,
		    "order %u block at %#llx is not aligned to its size", order,
		    (unsigned long long)pa);
	PMM_T_CHECK(ctx, PMM_T_CLAIM(ctx, pa, order),
		    "order %u block at %#llx overlaps one handed out already, or a reserved page",
		    order, (unsigned long long)pa);
	ctx->rec[ctx->n++] = (struct pmm_t_block){ pa, order };
	return PMM_T_PASS;
}

/* Frees record i (the last one takes its place). */
static inline int pmm_t_give(struct pmm_t_ctx *ctx, u64 i)
{
	struct pmm_t_block b = ctx->rec[i];

	PMM_T_CHECK(ctx, PMM_T_RELEASE(ctx, b.pa, b.order),
		    "order %u block at %#llx changed while it was held", b.order,
		    (unsigned long long)b.pa);
	PMM_T_FREE(ctx, b.pa, b.order);
	ctx->rec[i] = ctx->rec[--ctx->n];
	return PMM_T_PASS;
}

/* Frees every record in random order. */
static inline int pmm_t_give_all_random(struct pmm_t_ctx *ctx)
{
	while (ctx->n)
		if (pmm_t_give(ctx, pmm_t_random(ctx) % ctx->n) != PMM_T_PASS)
			return PMM_T_FAILED;
	return PMM_T_PASS;
}

/* Takes all memory, biggest blocks first, and checks nothing is left. */
static inline int pmm_t_exhaust(struct pmm_t_ctx *ctx, unsigned int max_order)
{
	struct pmm_stats s;
	phys_addr_t pa;

	for (int o = max_order; o >= 0; o--) {
		do {
			if (pmm_t_take(ctx, o, &pa) != PMM_T_PASS)
				return PMM_T_FAILED;
		} while (pa != PMM_NO_PAGE);
	}
	PMM_T_STATS(ctx, &s);
	PMM_T_CHECK(ctx, s.free_pages == 0, "allocator empty but %llu pages counted free",
		    (unsigned long long)s.free_pages);
	PMM_T_CHECK(ctx, pmm_t_pages_in_blocks(&s) == 0, "allocator empty but free blocks counted");
	return PMM_T_PASS;
}

static inline u64 pmm_t_recorded_pages(const struct pmm_t_ctx *ctx)
{
	u64 pages = 0;

	for (u64 i = 0; i < ctx->n; i++)
		pages += 1ULL << ctx->rec[i].order;
	return pages;
}

/* Every free page can be taken, mixed orders and then single pages. */
static inline int pmm_t_case_alloc_until_empty(struct pmm_t_ctx *ctx)
{
	struct pmm_stats before;

	PMM_T_STATS(ctx, &before);
	if (pmm_t_exhaust(ctx, PMM_MAX_ORDER) != PMM_T_PASS)
		return PMM_T_FAILED;
	PMM_T_CHECK(ctx, pmm_t_recorded_pages(ctx) == before.free_pages,
		    "took %llu pages until empty, %llu were free",
		    (unsigned long long)pmm_t_recorded_pages(ctx),
		    (unsigned long long)before.free_pages);
	if (pmm_t_give_all_random(ctx) != PMM_T_PASS)
		return PMM_T_FAILED;
	return pmm_t_same_stats(ctx, &before);
}

/* The same with order 0 only, when the record array can hold every page. */
static inline int pmm_t_case_single_pages_until_empty(struct pmm_t_ctx *ctx)
{
	struct pmm_stats before;

	PMM_T_STATS(ctx, &before);
	if (before.free_pages > ctx->cap)
		return PMM_T_SKIPPED;
	if (pmm_t_exhaust(ctx, 0) != PMM_T_PASS)
		return PMM_T_FAILED;
	PMM_T_CHECK(ctx, ctx->n == before.free_pages, "took %llu single pages, %llu were free",
		    (unsigned long long)ctx->n, (unsigned long long)before.free_pages);
	if (pmm_t_give_all_random(ctx) != PMM_T_PASS)
		return PMM_T_FAILED;
	return pmm_t_same_stats(ctx, &before);
}

#define PMM_T_PER_ORDER 4

/* Every order comes back aligned to its size, as long as memory allows. */
static inline int pmm_t_case_alignment(struct pmm_t_ctx *ctx)
{
	struct pmm_stats before;
	phys_addr_t pa;
	int got_any = 0;

	PMM_T_STATS(ctx, &before);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		for (int i = 0; i < PMM_T_PER_ORDER; i++) {
			if (pmm_t_take(ctx, o, &pa) != PMM_T_PASS)
				return PMM_T_FAILED;
			got_any |= pa != PMM_NO_PAGE;
		}
	}
	PMM_T_CHECK(ctx, got_any || before.free_pages == 0, "no block of any order from %llu free pages",
		    (unsigned long long)before.free_pages);
	if (pmm_t_give_all_random(ctx) != PMM_T_PASS)
		return PMM_T_FAILED;
	return pmm_t_same_stats(ctx, &before);
}

/* Sorts records by address (shell sort: no recursion, no extra memory). */
static inline void pmm_t_sort(struct pmm_t_ctx *ctx)
{
	for (u64 gap = ctx->n / 2; gap; gap /= 2) {
		for (u64 i = gap; i < ctx->n; i++) {
			struct pmm_t_block b = ctx->rec[i];
			u64 j = i;

			for (; j >= gap && ctx->rec[j - gap].pa > b.pa; j -= gap)
				ctx->rec[j] = ctx->rec[j - gap];
			ctx->rec[j] = b;
		}
	}
}

/* Random allocs and frees; no two live blocks ever share a page. */
static inline int pmm_t_case_no_double_handout(struct pmm_t_ctx *ctx)
{
	struct pmm_stats before;
	u64 steps = ctx->steps * 2;
	phys_addr_t pa;

	PMM_T_STATS(ctx, &before);
	for (u64 i = 0; i < steps; i++) {
		if (ctx->n && (ctx->n == ctx->steps || pmm_t_random(ctx) % 3 == 0)) {
			if (pmm_t_give(ctx, pmm_t_random(ctx) % ctx->n) != PMM_T_PASS)
				return PMM_T_FAILED;
			continue;
		}
		if (pmm_t_take(ctx, pmm_t_random_order(ctx), &pa) != PMM_T_PASS)
			return PMM_T_FAILED;
	}
	pmm_t_sort(ctx);
	for (u64 i = 1; i < ctx->n; i++) {
		const struct pmm_t_block *a = &ctx->rec[i - 1], *b = &ctx->rec[i];

		PMM_T_CHECK(ctx, a->pa + (PMM_T_PAGE << a->order) <= b->pa,
			    "blocks %#llx (order %u) and %#llx (order %u) overlap",
			    (unsigned long long)a->pa, a->order, (unsigned long long)b->pa, b->order);
	}
	if (pmm_t_give_all_random(ctx) != PMM_T_PASS)
		return PMM_T_FAILED;
	return pmm_t_same_stats(ctx, &before);
}

/* After every single alloc and free the counters move by exactly 2^order. */
static inline int pmm_t_case_counters_exact(struct pmm_t_ctx *ctx)
{
	struct pmm_stats before, s;
	u64 expect;
	phys_addr_t pa;

	PMM_T_STATS(ctx, &before);
	expect = before.free_pages;
	for (u64 i = 0; i < ctx->steps; i++) {
		unsigned int order;

		if (ctx->n && pmm_t_random(ctx) % 2 == 0) {
			u64 k = pmm_t_random(ctx) % ctx->n;

			order = ctx->rec[k].order;
			if (pmm_t_give(ctx, k) != PMM_T_PASS)
				return PMM_T_FAILED;
			expect += 1ULL << order;
		} else {
			order = pmm_t_random_order(ctx);
			if (pmm_t_take(ctx, order, &pa) != PMM_T_PASS)
				return PMM_T_FAILED;
			if (pa != PMM_NO_PAGE)
				expect -= 1ULL << order;
		}
		PMM_T_STATS(ctx, &s);
		PMM_T_CHECK(ctx, s.free_pages == expect, "step %llu (order %u): free_pages %llu, expected %llu",
			    (unsigned long long)i, order, (unsigned long long)s.free_pages,
			    (unsigned long long)expect);
		if (pmm_t_consistent(ctx) != PMM_T_PASS)
			return PMM_T_FAILED;
	}
	if (pmm_t_give_all_random(ctx) != PMM_T_PASS)
		return PMM_T_FAILED;
	return pmm_t_same_stats(ctx, &before);
}

#define PMM_T_FRAG_ORDER 4

/*
 * With all else taken, one block of 2^k pages is split into single pages
 * and every other one freed: half of it is free, yet no 2-page block
 * exists. Freeing the rest must give the whole block back (merging).
 */
static inline int pmm_t_case_fragmentation(struct pmm_t_ctx *ctx)
{
	struct pmm_stats before, s;
	u64 pick = ~0ULL, first;
	unsigned int k = 0;
	phys_addr_t pa, block;

	PMM_T_STATS(ctx, &before);
	if (pmm_t_exhaust(ctx, PMM_MAX_ORDER) != PMM_T_PASS)
		return PMM_T_FAILED;
	/* The held block closest to 2^PMM_T_FRAG_ORDER pages, at least 2 pages. */
	for (u64 i = 0; i < ctx->n; i++) {
		unsigned int o = ctx->rec[i].order;

		if (o && (!k || (k < PMM_T_FRAG_ORDER ? o > k : o >= PMM_T_FRAG_ORDER && o < k))) {
			k = o;
			pick = i;
		}
	}
	if (pick == ~0ULL || ctx->n + (1ULL << k) > ctx->cap) {
		pmm_t_give_all_random(ctx);
		return PMM_T_SKIPPED;        /* no two adjacent free pages, or no room to record */
	}
	block = ctx->rec[pick].pa;
	if (pmm_t_give(ctx, pick) != PMM_T_PASS)
		return PMM_T_FAILED;
	first = ctx->n;
	for (u64 i = 0; i < (1ULL << k); i++) {
		if (pmm_t_take(ctx, 0, &pa) != PMM_T_PASS)
			return PMM_T_FAILED;
		PMM_T_CHECK(ctx, pa >= block && pa < block + (PMM_T_PAGE << k),
			    "page %#llx is outside the only free block %#llx",
			    (unsigned long long)pa, (unsigned long long)block);
	}
	/* Free the pages at even offsets: swap-with-last keeps earlier records. */
	for (u64 i = ctx->n; i-- > first;)
		if (((ctx->rec[i].pa - block) / PMM_T_PAGE) % 2 == 0 && pmm_t_give(ctx, i) != PMM_T_PASS)
			return PMM_T_FAILED;
	PMM_T_STATS(ctx, &s);
	PMM_T_CHECK(ctx, s.free_pages == (1ULL << (k - 1)), "%llu pages free, expected %llu",
		    (unsigned long long)s.free_pages, 1ULL << (k - 1));
	PMM_T_CHECK(ctx, PMM_T_ALLOC(ctx, 1) == PMM_NO_PAGE,
		    "an order-1 block came out of memory fragmented into single pages");
	for (u64 i = ctx->n; i-- > first;)
		if (pmm_t_give(ctx, i) != PMM_T_PASS)
			return PMM_T_FAILED;
	if (pmm_t_take(ctx, k, &pa) != PMM_T_PASS)
		return PMM_T_FAILED;
	PMM_T_CHECK(ctx, pa == block, "the freed pages did not merge back into block %#llx (got %#llx)",
		    (unsigned long long)block, (unsigned long long)pa);
	if (pmm_t_give_all_random(ctx) != PMM_T_PASS)
		return PMM_T_FAILED;
	return pmm_t_same_stats(ctx, &before);
}

#endif
