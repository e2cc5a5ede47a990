/*
 * The memory-map walk that feeds the page allocator (mm/pmm/memmap.c),
 * against a page-by-page model: random maps with unsorted, overlapping,
 * odd-sized and unknown-type entries plus reservations, and the corner
 * cases a firmware map can hold (zero length, wrapping, far above RAM).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "../../mm/pmm/memmap.h"

#define PAGE        4096ULL
#define SPACE_PAGES 2048ULL                 /* random maps live in 8 MiB */
#define MAX_ENTRIES 12
#define ROUNDS      3000

struct result {
	u8 page[SPACE_PAGES];                   /* 1: reported free */
	u64 last_end;
	bool bad_order;
};

static u64 rng = 0x9e3779b97f4a7c15ULL;

static u64 next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void collect(u64 start, u64 end, void *arg)
{
	struct result *r = arg;

	if (start < r->last_end || start >= end || (start | end) % PAGE || end > SPACE_PAGES * PAGE)
		r->bad_order = true;
	r->last_end = end;
	for (u64 p = start / PAGE; p < end / PAGE && p < SPACE_PAGES; p++)
		r->page[p]++;
}

static bool overlaps(u64 a, u64 b, u64 start, u64 len)
{
	return a < start + len && start < b;
}

/* The model: a page is free when one usable entry holds all of it and nothing else touches it. */
static bool model_free(const struct memmap *m, u64 p)
{
	u64 a = p * PAGE, b = a + PAGE;
	bool usable = false;

	for (u32 i = 0; i < m->count; i++) {
		const struct boot_mmap_entry *e = &m->entries[i];

		if (e->type == BOOT_MEM_AVAILABLE && e->addr <= a && b <= e->addr + e->len)
			usable = true;
		if (e->type != BOOT_MEM_AVAILABLE && e->len && overlaps(a, b, e->addr, e->len))
			return false;
	}
	for (u32 i = 0; i < m->nreserved; i++)
		if (m->reserved[i].end > m->reserved[i].start &&
		    overlaps(a, b, m->reserved[i].start, m->reserved[i].end - m->reserved[i].start))
			return false;
	return usable;
}

static void check_against_model(const struct memmap *m, u64 lo, u64 hi)
{
	struct result r;

	memset(&r, 0, sizeof(r));
	memmap_for_each_free(m, lo, hi, MEMMAP_HOLES_AND_RESERVED, collect, &r);
	assert_false(r.bad_order);
	for (u64 p = 0; p < SPACE_PAGES; p++) {
		bool in = p * PAGE >= lo && (p + 1) * PAGE <= hi;
		bool want = in && model_free(m, p);

		if (r.page[p] != want)
			fail_msg("page %llu: walk says %u, model says %u", (unsigned long long)p,
				 r.page[p], want);
	}
}

static u32 random_type(void)
{
	static const u32 types[] = { 1, 1, 1, 1, 2, 3, 4, 5, 7, 0 };

	return types[next_random() % 10];
}

static void random_maps(void **state)
{
	struct boot_mmap_entry e[MAX_ENTRIES];
	struct phys_range res[4];

	(void)state;
	for (int round = 0; round < ROUNDS; round++) {
		struct memmap m = { e, 1 + next_random() % MAX_ENTRIES, res, next_random() % 5 };
		u64 lo = next_random() % (SPACE_PAGES * PAGE / 4);
		u64 hi = SPACE_PAGES * PAGE - next_random() % (SPACE_PAGES * PAGE / 4);

		for (u32 i = 0; i < m.count; i++) {
			e[i].addr = next_random() % (SPACE_PAGES * PAGE);
			e[i].len = next_random() % (SPACE_PAGES * PAGE / 2);
			if (e[i].addr + e[i].len > SPACE_PAGES * PAGE)
				e[i].len = SPACE_PAGES * PAGE - e[i].addr;
			if (next_random() % 4 == 0) {       /* page-aligned, as most firmware does */
				e[i].addr &= ~(PAGE - 1);
				e[i].len &= ~(PAGE - 1);
			}
			e[i].type = random_type();
		}
		for (u32 i = 0; i < m.nreserved; i++) {
			res[i].start = next_random() % (SPACE_PAGES * PAGE);
			res[i].end = res[i].start + next_random() % (64 * PAGE);
		}
		check_against_model(&m, lo, hi);
	}
}

struct sum {
	u64 pages, pieces;
};

static void add_up(u64 start, u64 end, void *arg)
{
	struct sum *s = arg;

	s->pages += (end - start) / PAGE;
	s->pieces++;
}

/* QEMU -m 128 as SeaBIOS reports it, shuffled, plus the kernel and boot info. */
static void qemu_map(void **state)
{
	const struct boot_mmap_entry e[] = {
		{ 0x100000, 0x7ee0000, 1 }, { 0xfffc0000, 0x40000, 2 }, { 0, 0x9fc00, 1 },
		{ 0x9fc00, 0x400, 2 }, { 0xfd00000000, 0x300000000, 2 }, { 0xf0000, 0x10000, 2 },
		{ 0x7fe0000, 0x20000, 2 },
	};
	const struct phys_range res[] = {
		{ 0, PAGE, 0 }, { 0x100000, 0x1b4000, 1 }, { 0x10d158, 0x10d5c8, 2 },
	};
	struct memmap m = { e, 7, res, 3 };
	struct sum all = { 0, 0 }, free = { 0, 0 };

	(void)state;
	memmap_for_each_free(&m, 0, MEMMAP_PHYS_LIMIT, MEMMAP_HOLES, add_up, &all);
	memmap_for_each_free(&m, 0, MEMMAP_PHYS_LIMIT, MEMMAP_HOLES_AND_RESERVED, add_up, &free);
	assert_int_equal(all.pages, 0x9f + 0x7ee0);   /* 0x9fc00 rounds down to 0x9f000 */
	assert_int_equal(free.pages, all.pages - 1 - 0xb4);
	assert_int_equal(free.pieces, 2);
}

/* Zero lengths, wrap-around past 2^64, entries beyond MAXPHYADDR, a hole inside RAM. */
static void corner_cases(void **state)
{
	const struct boot_mmap_entry e[] = {
		{ 0x5000, 0, 1 },                              /* empty */
		{ 0x1000, 0x800, 1 },                          /* less than a page */
		{ 0x10000, 0x10000, 1 },
		{ 0x14800, 0x10, 5 },                          /* 16 bad bytes spoil one page */
		{ 0xfffffffffffff000ULL, 0x2000, 1 },          /* wraps */
		{ 1ULL << 60, 1ULL << 40, 1 },                 /* above MAXPHYADDR */
		{ 0x18000, 0x10000, 1 },                       /* overlaps the one before */
	};
	struct memmap m = { e, 7, NULL, 0 };
	struct sum s = { 0, 0 };

	(void)state;
	memmap_for_each_free(&m, 0, ~0ULL, MEMMAP_HOLES, add_up, &s);
	assert_int_equal(s.pages, 0x18 - 1);           /* 0x10000-0x28000 minus page 0x14000 */
	assert_int_equal(s.pieces, 3);                 /* [10000,14000) [15000,18000) [18000,28000) */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_maps),
		cmocka_unit_test(qemu_map),
		cmocka_unit_test(corner_cases),
	};

	return cmocka_run_group_tests_name("pmm memory map walk", tests, NULL, NULL);
}
