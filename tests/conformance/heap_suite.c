/*
 * Heap conformance suite: the cases of mm/heap/heap_cases.h run under
 * cmocka, linked with one heap core at a time (slab, firstfit, bump), with
 * and without CONFIG_HEAP_POISON. Host-only extras use the page budget.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "heap_host.h"

#define HC_EXPECT(h, cond) assert_true(cond)
#include "heap_cases.h"

#define BUDGET        (64 * HC_MIB)
#define SMALL_BUDGET  (4 * HC_MIB)
#define TIGHT_BUDGET  (512 * 1024)  /* below what the trace would like to hold */

static struct hc H;

static unsigned long reports(void)
{
	return heap_host_reports();
}

static int setup(void **state)
{
	(void)state;
	heap_host_reset(BUDGET);
	H = (struct hc){ .max_size = HC_MIB, .trace_ops = 20000, .reports = reports,
			 .rng = 0x9e3779b97f4a7c15ULL };
	return 0;
}

static int setup_small(void **state)
{
	setup(state);
	heap_host_reset(SMALL_BUDGET);
	return 0;
}

static void t_name(void **s)
{
	(void)s;
	assert_string_equal(heap_name(), EXPECT_HEAP);
}

static void t_sizes(void **s)         { (void)s; hc_case_sizes(&H); }
static void t_align_zero(void **s)    { (void)s; hc_case_alignment_and_zero(&H); }
static void t_zero_size(void **s)     { (void)s; hc_case_zero_size(&H); }
static void t_krealloc(void **s)      { (void)s; hc_case_krealloc(&H); }
static void t_huge(void **s)          { (void)s; hc_case_huge_fails(&H); }
static void t_stats(void **s)         { (void)s; hc_case_stats(&H); }
static void t_caches(void **s)        { (void)s; hc_case_caches(&H); }
static void t_cache_busy(void **s)    { (void)s; hc_case_cache_destroy_busy(&H); }
static void t_double_free(void **s)   { (void)s; hc_case_double_free(&H); }
static void t_exhaust(void **s)       { (void)s; hc_case_exhaust(&H); }
static void t_many_large(void **s)    { (void)s; hc_case_many_large(&H, HC_LARGE_BLOCKS); }

/* Several seeds, so slab, first-fit and bump each see many shapes. */
static void t_trace(void **s)
{
	(void)s;
	if (!hc_can_free())
		H.trace_ops = 2000;     /* bump: every step takes memory for good */
	for (u64 seed = 1; seed <= 4; seed++) {
		heap_host_reset(BUDGET);
		H.rng = seed * 0x9e3779b97f4a7c15ULL;
		hc_case_trace(&H);
	}
}

/* Exhaustion in the middle of a trace: failures are NULL, live data survives. */
static void t_trace_tight(void **s)
{
	(void)s;
	H.trace_ops = 5000;
	H.max_size = 256 * 1024;
	H.tolerate_null = true;
	heap_host_reset(TIGHT_BUDGET);
	hc_case_trace(&H);
	assert_true(H.nulls > 0);
}

static void t_poison(void **s)
{
	(void)s;
	if (!IS_ENABLED(CONFIG_HEAP_POISON))
		skip();
	hc_case_poison(&H);
	assert_non_null(strstr(heap_host_last_report(), "redzone"));
}

/* The pages come back: after everything is freed the heap holds little. */
static void t_pages_return(void **s)
{
	struct heap_stats st;
	void *p[64];

	(void)s;
	if (!hc_can_free())
		skip();
	for (int i = 0; i < 64; i++)
		assert_non_null(p[i] = kmalloc(30000, GFP_KERNEL));
	for (int i = 0; i < 64; i++)
		kfree(p[i]);
	heap_get_stats(&st);
	assert_int_equal(st.bytes_in_use, 0);
	assert_true(st.pages_held <= 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(t_name, setup),
		cmocka_unit_test_setup(t_sizes, setup),
		cmocka_unit_test_setup(t_align_zero, setup),
		cmocka_unit_test_setup(t_zero_size, setup),
		cmocka_unit_test_setup(t_krealloc, setup),
		cmocka_unit_test_setup(t_huge, setup),
		cmocka_unit_test_setup(t_stats, setup),
		cmocka_unit_test_setup(t_caches, setup),
		cmocka_unit_test_setup(t_cache_busy, setup),
		cmocka_unit_test_setup(t_double_free, setup),
		cmocka_unit_test_setup(t_exhaust, setup_small),
		cmocka_unit_test_setup(t_many_large, setup),
		cmocka_unit_test_setup(t_trace, setup),
		cmocka_unit_test_setup(t_trace_tight, setup),
		cmocka_unit_test_setup(t_poison, setup),
		cmocka_unit_test_setup(t_pages_return, setup),
	};

	return cmocka_run_group_tests_name("heap_" EXPECT_HEAP SUITE_SUFFIX, tests, NULL, NULL);
}
