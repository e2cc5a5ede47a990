/*
 * Page-allocator conformance suite, host side: the cases of pmm_cases.h run
 * against one allocator core (linked with bitmap.o or buddy.o) over fake
 * regions with holes, plus checks of the core's own contract (bad frees).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/pmm.h>
#include <tessera/errno.h>

/*
 * The fake region starts at 4 GiB, which on x86-64 Linux lies in
 * AddressSanitizer's shadow gap: if a core ever touched a managed page
 * instead of its metadata, the test would crash right there.
 */
#define REGION_BASE   0x100000000ULL
#define PAGE          4096ULL

/* The harness the shared cases call through their PMM_T_* hooks. */
struct pmm_t_ctx;
static phys_addr_t t_alloc(struct pmm_t_ctx *ctx, unsigned int order);
static void t_free(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order);
static void t_stats(struct pmm_t_ctx *ctx, struct pmm_stats *s);
static bool t_claim(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order);
static bool t_release(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order);
static void fail_report(struct pmm_t_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define PMM_T_ALLOC(ctx, order)        t_alloc(ctx, order)
#define PMM_T_FREE(ctx, pa, order)     t_free(ctx, pa, order)
#define PMM_T_STATS(ctx, s)            t_stats(ctx, s)
#define PMM_T_CLAIM(ctx, pa, order)    t_claim(ctx, pa, order)
#define PMM_T_RELEASE(ctx, pa, order)  t_release(ctx, pa, order)
#define PMM_T_FAIL(ctx, ...)           fail_report(ctx, __VA_ARGS__)
#include "pmm_cases.h"

enum { FREE = 0, HELD = 1, HOLE = 2 };

struct layout {
	u64 npages;
	int nranges;
	u64 ranges[8][2];           /* free page ranges [start, end), in the order added */
};

struct fixture {
	const struct layout *layout;
	struct pmm_core core;
	void *meta;
	u8 *page;                   /* FREE, HELD or HOLE per page: the model */
	u64 holes;
	struct pmm_t_ctx ctx;
};

static void fail_report(struct pmm_t_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	(void)ctx;
	va_start(ap, fmt);
	fprintf(stderr, "pmm conformance: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static struct fixture *fix_of(struct pmm_t_ctx *ctx)
{
	return ctx->harness;
}

static phys_addr_t t_alloc(struct pmm_t_ctx *ctx, unsigned int order)
{
	return pmm_core_alloc(&fix_of(ctx)->core, order);
}

static void t_free(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order)
{
	int err = pmm_core_free(&fix_of(ctx)->core, pa, order);

	if (err)
		fail_report(ctx, "pmm_core_free(%#llx, %u) = %d", (unsigned long long)pa, order, err);
	assert_int_equal(err, 0);
}

static void t_stats(struct pmm_t_ctx *ctx, struct pmm_stats *s)
{
	const struct fixture *f = fix_of(ctx);

	memset(s, 0, sizeof(*s));
	s->total_pages = f->layout->npages;
	s->reserved_pages = f->holes;
	s->free_pages = f->core.free_pages;
	memcpy(s->free_blocks, f->core.free_blocks, sizeof(s->free_blocks));
}

/* The model: each page may be held once, and holes never. */
static bool t_claim(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order)
{
	struct fixture *f = fix_of(ctx);
	u64 first = (pa - REGION_BASE) / PAGE;

	if (pa < REGION_BASE || first + (1ULL << order) > f->layout->npages)
		return false;
	for (u64 i = first; i < first + (1ULL << order); i++)
		if (f->page[i] != FREE)
			return false;
	memset(f->page + first, HELD, 1ULL << order);
	return true;
}

static bool t_release(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order)
{
	struct fixture *f = fix_of(ctx);
	u64 first = (pa - REGION_BASE) / PAGE;

	for (u64 i = first; i < first + (1ULL << order); i++)
		if (f->page[i] != HELD)
			return false;
	memset(f->page + first, FREE, 1ULL << order);
	return true;
}


/* 16 MiB, all free: four max-order blocks. */
static const struct layout whole = { 4096, 1, { { 0, 4096 } } };
/*
 * What pmm.c hands over on a real machine: page 0 and odd holes kept back,
 * ranges unsorted, touching, and a size that is no multiple of anything.
 */
static const struct layout holes = { 3005, 6, {
	{ 1300, 2900 }, { 1, 255 }, { 2903, 3005 }, { 256, 1100 }, { 1101, 1102 },
	{ 1100, 1101 } } };
/* Smaller than one max-order block. */
static const struct layout tiny = { 37, 2, { { 1, 20 }, { 21, 37 } } };

static int setup(void **state)
{
	const struct layout *l = *state;
	struct fixture *f = calloc(1, sizeof(*f));
	u64 free_pages = 0;

	assert_non_null(f);
	f->layout = l;
	f->meta = malloc(pmm_core_meta_size(l->npages));
	f->page = malloc(l->npages);
	f->ctx = (struct pmm_t_ctx){ .cap = l->npages + 16, .steps = l->npages + 16,
				     .rng = 0x9e3779b97f4a7c15ULL, .harness = f };
	f->ctx.rec = calloc(f->ctx.cap, sizeof(*f->ctx.rec));
	assert_non_null(f->meta);
	assert_non_null(f->page);
	assert_non_null(f->ctx.rec);
	memset(f->page, HOLE, l->npages);
	pmm_core_init(&f->core, f->meta, REGION_BASE, l->npages);
	assert_int_equal(f->core.free_pages, 0);
	for (int i = 0; i < l->nranges; i++) {
		u64 s = l->ranges[i][0], e = l->ranges[i][1];

		assert_int_equal(pmm_core_add_free(&f->core, REGION_BASE + s * PAGE, e - s), 0);
		memset(f->page + s, FREE, e - s);
		free_pages += e - s;
	}
	f->holes = l->npages - free_pages;
	assert_int_equal(f->core.free_pages, free_pages);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->ctx.rec);
	free(f->page);
	free(f->meta);
	free(f);
	return 0;
}

static void run_case(void **state, int (*fn)(struct pmm_t_ctx *))
{
	struct fixture *f = *state;
	int r = fn(&f->ctx);

	if (r == PMM_T_SKIPPED)
		skip();
	assert_int_equal(r, PMM_T_PASS);
}

static void alloc_until_empty(void **state)
{
	run_case(state, pmm_t_case_alloc_until_empty);
}

static void single_pages_until_empty(void **state)
{
	run_case(state, pmm_t_case_single_pages_until_empty);
}

static void alignment(void **state)
{
	run_case(state, pmm_t_case_alignment);
}

static void no_double_handout(void **state)
{
	run_case(state, pmm_t_case_no_double_handout);
}

static void counters_exact(void **state)
{
	run_case(state, pmm_t_case_counters_exact);
}

static void fragmentation(void **state)
{
	run_case(state, pmm_t_case_fragmentation);
}

/* Freshly added memory is whole: 16 MiB aligned gives four 4 MiB blocks. */
static void fresh_memory_is_merged(void **state)
{
	struct fixture *f = *state;
	phys_addr_t pa[5];

	for (int i = 0; i < 5; i++)
		pa[i] = pmm_core_alloc(&f->core, PMM_MAX_ORDER);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pa[i] & ((PAGE << PMM_MAX_ORDER) - 1), 0);
	assert_int_not_equal(pa[3], PMM_NO_PAGE);
	assert_int_equal(pa[4], PMM_NO_PAGE);
	assert_int_equal(f->core.free_pages, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pmm_core_free(&f->core, pa[i], PMM_MAX_ORDER), 0);
	assert_int_equal(f->core.free_pages, 4096);
}

/* The core refuses what would corrupt it, and changes nothing doing so. */
static void bad_requests_rejected(void **state)
{
	struct fixture *f = *state;
	struct pmm_stats before, after;
	phys_addr_t pa = pmm_core_alloc(&f->core, 1), one;

	assert_int_not_equal(pa, PMM_NO_PAGE);
	assert_int_equal(pmm_core_alloc(&f->core, PMM_MAX_ORDER + 1), PMM_NO_PAGE);
	t_stats(&f->ctx, &before);
	assert_int_equal(pmm_core_free(&f->core, pa + PAGE, 1), -EINVAL);        /* misaligned */
	assert_int_equal(pmm_core_free(&f->core, pa, PMM_MAX_ORDER + 1), -EINVAL);
	assert_int_equal(pmm_core_free(&f->core, REGION_BASE - PAGE * 2, 1), -EINVAL);
	assert_int_equal(pmm_core_free(&f->core, REGION_BASE + f->layout->npages * PAGE, 0),
			 -EINVAL);
	assert_int_equal(pmm_core_free(&f->core, pa + 1, 0), -EINVAL);
	t_stats(&f->ctx, &after);
	assert_memory_equal(&before, &after, sizeof(before));

	assert_int_equal(pmm_core_free(&f->core, pa, 1), 0);
	one = f->core.free_pages;
	assert_int_equal(pmm_core_free(&f->core, pa, 1), -EINVAL);             /* double free */
	assert_int_equal(pmm_core_free(&f->core, pa, 0), -EINVAL);             /* inside a free block */
	assert_int_equal(pmm_core_add_free(&f->core, pa, 1), -EINVAL);          /* already free */
	assert_int_equal(pmm_core_add_free(&f->core, pa + PAGE, 2), -EINVAL);   /* partly free */
	assert_int_equal(f->core.free_pages, one);
	t_stats(&f->ctx, &after);
	assert_int_equal(after.free_pages, before.free_pages + 2);
}

/* One block can only be freed once even after its pages merged onwards. */
static void double_free_after_merge(void **state)
{
	struct fixture *f = *state;
	phys_addr_t a = pmm_core_alloc(&f->core, 0), b = pmm_core_alloc(&f->core, 3);

	assert_int_not_equal(a, PMM_NO_PAGE);
	assert_int_not_equal(b, PMM_NO_PAGE);
	assert_int_equal(pmm_core_free(&f->core, a, 0), 0);
	assert_int_equal(pmm_core_free(&f->core, b, 3), 0);
	assert_int_equal(pmm_core_free(&f->core, a, 0), -EINVAL);
	assert_int_equal(pmm_core_free(&f->core, b + 2 * PAGE, 1), -EINVAL);
	assert_int_equal(f->core.free_pages, 4096);
}

/* Neither the lower nor the upper half of a merged pair can be freed again. */
static void double_free_of_any_merged_block(void **state)
{
	struct fixture *f = *state;
	phys_addr_t pa[8];

	for (int i = 0; i < 8; i++) {
		pa[i] = pmm_core_alloc(&f->core, 0);
		assert_int_not_equal(pa[i], PMM_NO_PAGE);
	}
	for (int i = 0; i < 8; i++)
		assert_int_equal(pmm_core_free(&f->core, pa[i], 0), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(pmm_core_free(&f->core, pa[i], 0), -EINVAL);
	assert_int_equal(f->core.free_pages, 4096);
}

#define CASE(fn, l) { #fn " / " #l, fn, setup, teardown, (void *)&(l) }

static const struct CMUnitTest tests[] = {
	CASE(alloc_until_empty, whole),
	CASE(alloc_until_empty, holes),
	CASE(alloc_until_empty, tiny),
	CASE(single_pages_until_empty, whole),
	CASE(single_pages_until_empty, holes),
	CASE(single_pages_until_empty, tiny),
	CASE(alignment, whole),
	CASE(alignment, holes),
	CASE(alignment, tiny),
	CASE(no_double_handout, whole),
	CASE(no_double_handout, holes),
	CASE(no_double_handout, tiny),
	CASE(counters_exact, whole),
	CASE(counters_exact, holes),
	CASE(counters_exact, tiny),
	CASE(fragmentation, whole),
	CASE(fragmentation, holes),
	CASE(fragmentation, tiny),
	CASE(fresh_memory_is_merged, whole),
	CASE(bad_requests_rejected, whole),
	CASE(bad_requests_rejected, holes),
	CASE(double_free_after_merge, whole),
	CASE(double_free_of_any_merged_block, whole),
};

int main(void)
{
	char name[64];

	snprintf(name, sizeof(name), "pmm conformance (%s)", pmm_core_name());
	return _cmocka_run_group_tests(name, tests, sizeof(tests) / sizeof(tests[0]), NULL, NULL);
}
