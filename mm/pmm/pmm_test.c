/*
 * KTESTs of the page allocator: the conformance cases of
 * tests/conformance/pmm_cases.h on the real allocator over real memory,
 * memory above 4 GiB, counters against the memory map, and a cycle bench.
 * (The meminfo dump of all counters is KTEST(meminfo, dump) in mm/heap/.)
 */
#include <mm/pmm.h>
#include <tessera/bootinfo.h>
#include <tessera/ktest.h>
#include <tessera/printk.h>
#include <asm/page.h>
#include <asm/tsc.h>
#include <lib/string.h>

#define FOUR_GIB        0x100000000ULL
#define TAG_MAGIC       0x5a17c0de5a17c0deULL
#define RECORD_MAX_ORDER 8                  /* 1 MiB: 65536 records */
#define CASE_STEPS      4096                /* random operations per case */
#define BENCH_WARMUP    1000
#define BENCH_ROUNDS    2000
#define BENCH_BATCHES   10

extern char _stext[], __kernel_phys_end[];

/* What the guest harness keeps beside the shared cases' state. */
struct harness {
	struct ktest *t;
	u64 *held;                  /* one bit per physical page: handed to the case */
	u64 held_pages;
};

struct pmm_t_ctx;
static bool g_claim(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order);
static bool g_release(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order);

#define PMM_T_ALLOC(ctx, order)        pmm_alloc_pages(order)
#define PMM_T_FREE(ctx, pa, order)     pmm_free_pages(pa, order)
#define PMM_T_STATS(ctx, s)            pmm_get_stats(s)
#define PMM_T_CLAIM(ctx, pa, order)    g_claim(ctx, pa, order)
#define PMM_T_RELEASE(ctx, pa, order)  g_release(ctx, pa, order)
#define PMM_T_FAIL(ctx, ...) \
	ktest_fail(((struct harness *)(ctx)->harness)->t, __FILE__, __LINE__, __VA_ARGS__)
#include "../../tests/conformance/pmm_cases.h"

static bool overlaps(u64 a, u64 b, u64 start, u64 end)
{
	return a < end && b > start;
}

/* Nothing the kernel still uses: the image, the boot info, modules, page 0. */
static bool in_use_by_kernel(u64 pa, u64 end)
{
	u64 info = ALIGN_DOWN(boot_info.info_phys, PAGE_SIZE);

	if (pa == 0 || overlaps(pa, end, (u64)_stext - KERNEL_VMA, (u64)__kernel_phys_end) ||
	    overlaps(pa, end, info, boot_info.info_phys + boot_info.info_size))
		return true;
	for (u32 i = 0; i < boot_info.module_count; i++)
		if (overlaps(pa, end, boot_info.modules[i].start, boot_info.modules[i].end))
			return true;
	return false;
}

/* Sets (or clears) the held bits of a block; false if one already was (or was not). */
static bool mark_held(struct harness *h, u64 pfn, u64 n, bool held)
{
	if (pfn + n > h->held_pages)
		return false;
	for (u64 i = pfn; i < pfn + n; i++)
		if (!!(h->held[i / 64] & (1ULL << (i % 64))) == held)
			return false;
	for (u64 i = pfn; i < pfn + n; i++)
		h->held[i / 64] ^= 1ULL << (i % 64);
	return true;
}

/*
 * Double hand-outs show in the held bitmap. Blocks up to a 2 MiB host page
 * also carry a tag in their first word, checked on release: the memory is
 * real, writable, and nobody else wrote to it. (Bigger blocks are left
 * untouched: first touches of guest RAM cost QEMU a host page each.)
 */
#define TAG_MAX_ORDER   8

static bool g_claim(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order)
{
	struct harness *h = ctx->harness;

	if (in_use_by_kernel(pa, pa + (PAGE_SIZE << order)) ||
	    !mark_held(h, pa / PAGE_SIZE, 1ULL << order, true))
		return false;
	if (order <= TAG_MAX_ORDER)
		*(u64 *)phys_to_virt(pa) = pa ^ TAG_MAGIC;
	return true;
}

static bool g_release(struct pmm_t_ctx *ctx, phys_addr_t pa, unsigned int order)
{
	struct harness *h = ctx->harness;
	bool ok = mark_held(h, pa / PAGE_SIZE, 1ULL << order, false);

	if (order <= TAG_MAX_ORDER) {
		ok = ok && *(u64 *)phys_to_virt(pa) == (pa ^ TAG_MAGIC);
		*(u64 *)phys_to_virt(pa) = 0;
	}
	return ok;
}

/* The smallest block of at least `bytes`, at most 2^max_order pages; order in *order. */
static phys_addr_t alloc_at_least(u64 bytes, int max_order, int *order)
{
	phys_addr_t pa = PMM_NO_PAGE;
	int o = 0;

	while (o < max_order && (PAGE_SIZE << o) < bytes)
		o++;
	for (; o >= 0 && pa == PMM_NO_PAGE; o--)
		pa = pmm_alloc_pages(o);
	*order = o + 1;
	return pa;
}

static u64 top_of_ram(void)
{
	u64 top = 0;

	for (u32 i = 0; i < boot_info.mmap_count; i++)
		if (boot_info.mmap[i].type == BOOT_MEM_AVAILABLE &&
		    boot_info.mmap[i].addr + boot_info.mmap[i].len > top)
			top = boot_info.mmap[i].addr + boot_info.mmap[i].len;
	return top;
}

/*
 * Runs one case. The record array and the held bitmap come from the
 * allocator itself; the records hold every free page when memory is small
 * (so even order-0 exhaustion runs), else as many as RECORD_MAX_ORDER gives.
 */
static void run_case(struct ktest *t, int (*fn)(struct pmm_t_ctx *))
{
	struct harness h = { t, NULL, top_of_ram() / PAGE_SIZE };
	struct pmm_t_ctx ctx = { .rng = 0x2545f4914f6cdd1dULL, .harness = &h };
	struct pmm_stats st;
	phys_addr_t rec, held;
	int rec_order, held_order, r;

	pmm_get_stats(&st);
	held = alloc_at_least(ALIGN_UP(h.held_pages, 64) / 8, PMM_MAX_ORDER, &held_order);
	if (held == PMM_NO_PAGE || (PAGE_SIZE << held_order) * 8 < h.held_pages) {
		if (held != PMM_NO_PAGE)
			pmm_free_pages(held, held_order);
		KT_SKIP(t, "no room for the held-page bitmap");
	}
	h.held = phys_to_virt(held);
	memset(h.held, 0, PAGE_SIZE << held_order);
	rec = alloc_at_least((st.free_pages + 64) * sizeof(*ctx.rec), RECORD_MAX_ORDER, &rec_order);
	if (rec == PMM_NO_PAGE) {
		pmm_free_pages(held, held_order);
		KT_SKIP(t, "no free page for the record array");
	}
	ctx.rec = phys_to_virt(rec);
	ctx.cap = (PAGE_SIZE << rec_order) / sizeof(*ctx.rec);
	ctx.steps = ctx.cap < CASE_STEPS ? ctx.cap : CASE_STEPS;
	r = fn(&ctx);
	/* After a failure, give back what the case still held. */
	for (u64 i = 0; i < ctx.n; i++) {
		g_release(&ctx, ctx.rec[i].pa, ctx.rec[i].order);
		pmm_free_pages(ctx.rec[i].pa, ctx.rec[i].order);
	}
	pmm_free_pages(rec, rec_order);
	pmm_free_pages(held, held_order);
	if (r == PMM_T_SKIPPED)
		KT_SKIP(t, "not enough memory or record room for this case");
	KT_EXPECT(t, r == PMM_T_PASS);
}

KTEST(pmm, alloc_until_empty)
{
	run_case(t, pmm_t_case_alloc_until_empty);
}

KTEST(pmm, single_pages_until_empty)
{
	run_case(t, pmm_t_case_single_pages_until_empty);
}

KTEST(pmm, alignment)
{
	run_case(t, pmm_t_case_alignment);
}

KTEST(pmm, no_double_handout)
{
	run_case(t, pmm_t_case_no_double_handout);
}

KTEST(pmm, counters_exact)
{
	run_case(t, pmm_t_case_counters_exact);
}

KTEST(pmm, fragmentation)
{
	run_case(t, pmm_t_case_fragmentation);
}

static u64 usable_pages_above(u64 floor)
{
	u64 pages = 0;

	for (u32 i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];
		u64 s = ALIGN_UP(e->addr, PAGE_SIZE), end = ALIGN_DOWN(e->addr + e->len, PAGE_SIZE);

		if (e->type != BOOT_MEM_AVAILABLE || end <= floor)
			continue;
		if (s < floor)
			s = floor;
		pages += (end - s) / PAGE_SIZE;
	}
	return pages;
}

/* The counters describe the memory map: all usable RAM, nothing invented. */
KTEST(pmm, counters_match_memory_map)
{
	struct pmm_stats st;
	u64 usable = usable_pages_above(0);
	u64 kernel = ((u64)__kernel_phys_end - ((u64)_stext - KERNEL_VMA)) / PAGE_SIZE;

	pmm_get_stats(&st);
	KT_EXPECT(t, st.total_pages <= usable);
	/* Only odd-sized map entries and hole overlaps may lose a page or two. */
	KT_EXPECT(t, st.total_pages + 2 * boot_info.mmap_count >= usable);
	KT_EXPECT(t, st.reserved_pages >= kernel);
	KT_EXPECT(t, st.free_pages + st.reserved_pages <= st.total_pages);
	KT_EXPECT(t, st.free_pages > 0);
}

/* With RAM above 4 GiB, it is handed out first and is really there. */
KTEST(pmm, memory_above_4g)
{
	phys_addr_t pa, big;
	volatile u64 *p;

	if (!usable_pages_above(FOUR_GIB))
		KT_SKIP(t, "no RAM above 4 GiB (boot with -m 5G)");
	pa = pmm_alloc_pages(0);
	big = pmm_alloc_pages(PMM_MAX_ORDER);
	KT_EXPECT(t, pa >= FOUR_GIB);
	KT_EXPECT(t, big >= FOUR_GIB);
	if (pa != PMM_NO_PAGE) {
		p = phys_to_virt(pa);
		p[0] = ~pa;
		p[PAGE_SIZE / 8 - 1] = pa;
		KT_EXPECT(t, p[0] == ~pa && p[PAGE_SIZE / 8 - 1] == pa);
		p[0] = p[PAGE_SIZE / 8 - 1] = 0;
		pr_info("pmm: ktest wrote and read back page %#llx above 4 GiB\n",
			(unsigned long long)pa);
		pmm_free_pages(pa, 0);
	}
	if (big != PMM_NO_PAGE)
		pmm_free_pages(big, PMM_MAX_ORDER);
}

/*
 * Cycles per pmm_alloc_pages(0) + pmm_free_pages(), as one JSON line for
 * make bench. The best of several batches: under TCG rdtsc counts host
 * time, and the host is shared.
 */
KTEST(bench, pmm_alloc_free)
{
	u64 best = ~0ULL;
	phys_addr_t pa = PMM_NO_PAGE;

	for (int i = 0; i < BENCH_WARMUP; i++)
		pmm_free_pages(pmm_alloc_pages(0), 0);
	for (int b = 0; b < BENCH_BATCHES; b++) {
		u64 start = rdtsc(), cycles;

		for (int i = 0; i < BENCH_ROUNDS; i++) {
			pa = pmm_alloc_pages(0);
			pmm_free_pages(pa, 0);
		}
		cycles = (rdtsc() - start) / BENCH_ROUNDS;
		if (cycles < best)
			best = cycles;
	}
	KT_EXPECT(t, pa != PMM_NO_PAGE);
	printk("{\"bench\":\"pmm_alloc_free\",\"impl\":\"%s\",\"cycles\":%llu}\n", pmm_name(),
	       (unsigned long long)best);
}
