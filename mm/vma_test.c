/*
 * KTESTs of the area list (mm/vma.c): insert with merging, removal that
 * splits, protection changes that split and merge back, the top-down gap
 * search, and copies. ktest=vma.
 */
#include <mm/vma.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>

#define PG        0x1000UL
#define BASE      0x10000000UL
#define RW        (VMA_READ | VMA_WRITE)

static u64 at(int page)
{
	return BASE + page * PG;
}

KTEST(vma, insert_merges_neighbours)
{
	struct vm_areas a = { 0 };

	KT_EXPECT_EQ(t, vma_insert(&a, at(0), at(2), RW, VMA_ANON, NULL, 0), 0);
	KT_EXPECT_EQ(t, vma_insert(&a, at(4), at(6), RW, VMA_ANON, NULL, 0), 0);
	KT_EXPECT_EQ(t, a.count, 2u);
	KT_EXPECT_EQ(t, vma_insert(&a, at(2), at(4), RW, VMA_ANON, NULL, 0), 0);
	KT_EXPECT_EQ(t, a.count, 1u);
	KT_EXPECT(t, a.head && a.head->start == at(0) && a.head->end == at(6));
	KT_EXPECT_EQ(t, vma_insert(&a, at(5), at(7), RW, VMA_ANON, NULL, 0), -EEXIST);
	KT_EXPECT(t, vma_find(&a, at(5)) == a.head);
	KT_EXPECT(t, vma_find(&a, at(6)) == NULL);
	vma_release(&a);
	KT_EXPECT(t, a.head == NULL && a.count == 0);
}

KTEST(vma, stack_and_different_rights_stay_apart)
{
	struct vm_areas a = { 0 };

	vma_insert(&a, at(0), at(2), RW, VMA_ANON, NULL, 0);
	vma_insert(&a, at(2), at(4), VMA_READ, VMA_ANON, NULL, 0);
	vma_insert(&a, at(4), at(6), RW, VMA_ANON | VMA_STACK, NULL, 0);
	vma_insert(&a, at(6), at(8), RW, VMA_ANON | VMA_STACK, NULL, 0);
	KT_EXPECT_EQ(t, a.count, 4u);
	vma_release(&a);
}

KTEST(vma, remove_splits_and_trims)
{
	struct vm_areas a = { 0 };

	vma_insert(&a, at(0), at(10), RW, VMA_ANON, NULL, 0);
	KT_EXPECT_EQ(t, vma_remove(&a, at(3), at(5)), 0);
	KT_EXPECT_EQ(t, a.count, 2u);
	KT_EXPECT(t, vma_find(&a, at(2)) && !vma_find(&a, at(3)) && !vma_find(&a, at(4)));
	KT_EXPECT(t, vma_find(&a, at(5)) && vma_find(&a, at(5))->start == at(5));
	KT_EXPECT(t, !vma_covers(&a, at(0), at(10)));
	KT_EXPECT(t, vma_covers(&a, at(5), at(10)));
	KT_EXPECT_EQ(t, vma_remove(&a, at(0), at(100)), 0);
	KT_EXPECT(t, a.head == NULL);
}

KTEST(vma, protect_splits_then_merges_back)
{
	struct vm_areas a = { 0 };

	vma_insert(&a, at(0), at(3), RW, VMA_ANON, NULL, 0);
	KT_EXPECT_EQ(t, vma_protect(&a, at(1), at(2), VMA_READ), 0);
	KT_EXPECT_EQ(t, a.count, 3u);
	KT_EXPECT_EQ(t, vma_find(&a, at(1))->prot, (unsigned int)VMA_READ);
	KT_EXPECT_EQ(t, vma_find(&a, at(2))->prot, (unsigned int)RW);
	KT_EXPECT_EQ(t, vma_protect(&a, at(0), at(3), RW), 0);
	KT_EXPECT_EQ(t, a.count, 1u);
	vma_release(&a);
}

KTEST(vma, gap_search_goes_down_past_areas)
{
	struct vm_areas a = { 0 };

	vma_insert(&a, at(8), at(10), RW, VMA_ANON, NULL, 0);
	vma_insert(&a, at(5), at(7), RW, VMA_ANON, NULL, 0);
	KT_EXPECT_EQ(t, vma_find_gap(&a, at(0), at(10), 2 * PG), at(3));
	KT_EXPECT_EQ(t, vma_find_gap(&a, at(0), at(10), PG), at(7));
	KT_EXPECT_EQ(t, vma_find_gap(&a, at(4), at(10), 2 * PG), 0UL);
	KT_EXPECT_EQ(t, vma_find_gap(&a, at(0), at(12), 2 * PG), at(10));
	vma_release(&a);
}

KTEST(vma, copy_is_independent)
{
	struct vm_areas a = { 0 }, b = { 0 };

	vma_insert(&a, at(0), at(2), RW, VMA_ANON, NULL, 0);
	vma_insert(&a, at(4), at(6), VMA_READ, VMA_ANON, NULL, 0);
	KT_EXPECT_EQ(t, vma_copy(&b, &a), 0);
	KT_EXPECT_EQ(t, b.count, 2u);
	vma_remove(&a, at(0), at(6));
	KT_EXPECT(t, vma_find(&b, at(5)) && vma_find(&b, at(5))->prot == VMA_READ);
	vma_release(&b);
}
