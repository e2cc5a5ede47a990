/*
 * KTESTs for the linked heap on real memory: the conformance cases of
 * heap_cases.h (the same ones the host suite runs), the meminfo dump, and
 * the kmalloc(64)+kfree cycle count as a JSON line for make bench.
 */
#include <tessera/ktest.h>
#include <tessera/printk.h>
#include <asm/page.h>
#include <asm/tsc.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>

#define HC_EXPECT(h, cond) KT_EXPECT((struct ktest *)(h)->ctx, cond)
#include "heap_cases.h"

#define KIB                 1024UL
#define BIG_RAM             (64 * HC_MIB)  /* below these, the cases ask for less */
#define SMALL_RAM           (16 * HC_MIB)
#define GUEST_TRACE_OPS     2000
#define BUMP_TRACE_OPS      300            /* bump keeps every byte: stay small */
#define BENCH_WARMUP        1000
#define BENCH_ROUNDS        100000
#define BUMP_BENCH_ROUNDS   2000           /* 160 KiB that bump never gets back */

static size_t ram_bytes(void)
{
	struct pmm_stats ps;

	pmm_get_stats(&ps);
	return (size_t)ps.total_pages * PAGE_SIZE;
}

static struct hc hc_for(struct ktest *t)
{
	size_t ram = ram_bytes();

	return (struct hc){
		.ctx = t,
		.max_size = ram >= BIG_RAM ? HC_MIB : ram >= SMALL_RAM ? 64 * KIB : 16 * KIB,
		.trace_ops = hc_can_free() ? GUEST_TRACE_OPS :
			     ram >= SMALL_RAM ? BUMP_TRACE_OPS : BUMP_TRACE_OPS / 3,
		.rng = rdtsc() | 1,
	};
}

KTEST(heap, sizes)
{
	struct hc h = hc_for(t);

	hc_case_sizes(&h);
}

KTEST(heap, alignment_and_zero)
{
	struct hc h = hc_for(t);

	hc_case_alignment_and_zero(&h);
}

KTEST(heap, zero_size)
{
	struct hc h = hc_for(t);

	hc_case_zero_size(&h);
}

KTEST(heap, krealloc)
{
	struct hc h = hc_for(t);

	hc_case_krealloc(&h);
}

KTEST(heap, huge_fails)
{
	struct hc h = hc_for(t);

	hc_case_huge_fails(&h);
}

KTEST(heap, stats)
{
	struct hc h = hc_for(t);

	hc_case_stats(&h);
}

KTEST(heap, trace)
{
	struct hc h = hc_for(t);

	hc_case_trace(&h);
}

KTEST(heap, caches)
{
	struct hc h = hc_for(t);

	hc_case_caches(&h);
}

KTEST(heap, cache_destroy_busy)
{
	struct hc h = hc_for(t);

	pr_info("heap: KTEST provokes one kmem_cache_destroy report next\n");
	hc_case_cache_destroy_busy(&h);
}

KTEST(heap, double_free)
{
	struct hc h = hc_for(t);

	pr_info("heap: KTEST provokes a stray-pointer and a double-free report next\n");
	hc_case_double_free(&h);
}

KTEST(heap, many_large)
{
	struct hc h = hc_for(t);

	if (!hc_can_free())
		KT_SKIP(t, "bump never frees: 16 MiB for good");
	hc_case_many_large(&h, ram_bytes() >= BIG_RAM ? HC_LARGE_BLOCKS : 64);
}

KTEST(heap, exhaust)
{
	struct hc h = hc_for(t);

	if (!hc_can_free())
		KT_SKIP(t, "bump would keep all of memory");
	hc_case_exhaust(&h);
}

KTEST(heap, poison)
{
	struct hc h = hc_for(t);

	if (!IS_ENABLED(CONFIG_HEAP_POISON))
		KT_SKIP(t, "CONFIG_HEAP_POISON=n");
	pr_info("heap: KTEST provokes two redzone reports next\n");
	hc_case_poison(&h);
}

/* The counters meminfo shows, printed and checked against each other. */
KTEST(meminfo, dump)
{
	struct pmm_stats ps;
	struct heap_stats hs;
	u64 free_in_blocks = 0;

	pmm_get_stats(&ps);
	heap_get_stats(&hs);
	pr_info("meminfo: MemTotal:     %8llu kB\n", (unsigned long long)ps.total_pages * 4);
	pr_info("meminfo: MemFree:      %8llu kB\n", (unsigned long long)ps.free_pages * 4);
	pr_info("meminfo: Reserved:     %8llu kB\n", (unsigned long long)ps.reserved_pages * 4);
	for (unsigned int o = 0; o <= PMM_MAX_ORDER; o++) {
		pr_info("meminfo: Free order %2u: %6llu blocks\n", o,
			(unsigned long long)ps.free_blocks[o]);
		free_in_blocks += ps.free_blocks[o] << o;
	}
	pr_info("meminfo: HeapInUse:    %8lu kB (%s, %lu pages held, %llu failed allocations)\n",
		(unsigned long)(hs.bytes_in_use / KIB), heap_name(), (unsigned long)hs.pages_held,
		(unsigned long long)hs.failures);
	KT_EXPECT(t, ps.total_pages > 0);
	KT_EXPECT(t, ps.free_pages <= ps.total_pages);
	KT_EXPECT_EQ(t, free_in_blocks, ps.free_pages);
	KT_EXPECT(t, hs.bytes_in_use <= hs.pages_held * PAGE_SIZE);
	KT_EXPECT(t, hs.pages_held <= ps.total_pages - ps.free_pages);
}

/* Cycles per kmalloc(64)+kfree pair, as one JSON line (make bench collects them). */
KTEST(bench, kmalloc64_kfree)
{
	int rounds = hc_can_free() ? BENCH_ROUNDS : BUMP_BENCH_ROUNDS;
	u64 start, cycles;
	void *p = NULL;

	for (int i = 0; i < BENCH_WARMUP; i++)
		kfree(kmalloc(64, GFP_KERNEL));
	start = rdtsc();
	for (int i = 0; i < rounds; i++) {
		p = kmalloc(64, GFP_KERNEL);
		barrier();
		kfree(p);
	}
	cycles = rdtsc() - start;
	KT_EXPECT(t, p != NULL);
	/* Same shape as pmm_alloc_free's line; "poison" because it changes the cost. */
	printk("{\"bench\":\"kmalloc64_kfree\",\"impl\":\"%s\",\"poison\":%s,\"cycles\":%llu}\n",
	       heap_name(), IS_ENABLED(CONFIG_HEAP_POISON) ? "true" : "false",
	       (unsigned long long)(cycles / rounds));
}
