/*
 * Buffer-cache KTESTs on the boot tests' image (partition 1 starts with the
 * pattern of blk_test.c): hits after a read, write-back reaching the disk on
 * bsync, and eviction when more blocks are read than the cache holds.
 */
#include <block/bcache.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>

#define BC_TEST_MAGIC       "TESSERA-BLKTEST!"
#define BC_TEST_SCRATCH     9       /* partition sector this test may overwrite */

static struct blkdev *bc_test_partition(void)
{
	struct blkdev *disk = blkdev_first_disk();
	struct buf *b;
	bool ours;

	for (struct blkdev *bd = blkdev_first(); disk && bd; bd = bd->next) {
		if (bd->parent != disk || bd->partno != 1)
			continue;
		if (bread(bd, 0, bd->sector_size, &b))
			return NULL;
		ours = memcmp(b->data, BC_TEST_MAGIC, 16) == 0;
		brelse(b);
		return ours ? bd : NULL;
	}
	return NULL;
}

KTEST(bcache, hit_after_read)
{
	struct blkdev *p = bc_test_partition();
	struct bcache_stats before, after;
	struct buf *b;

	if (!p)
		KT_SKIP(t, "not the boot tests' image");
	bcache_get_stats(&before);
	KT_EXPECT_EQ(t, bread(p, 0, p->sector_size, &b), 0);
	bcache_get_stats(&after);
	KT_EXPECT_EQ(t, after.hits, before.hits + 1);
	KT_EXPECT_EQ(t, memcmp(b->data, BC_TEST_MAGIC, 16), 0);
	brelse(b);
	KT_EXPECT_EQ(t, bread(p, p->sectors, p->sector_size, &b), -EINVAL);
	KT_EXPECT_EQ(t, bread(p, 0, p->sector_size + 1, &b), -EINVAL);
}

KTEST(bcache, writeback_on_sync)
{
	struct blkdev *p = bc_test_partition();
	struct buf *b;
	u8 *raw;

	if (!p)
		KT_SKIP(t, "not the boot tests' image");
	raw = kmalloc(p->sector_size, GFP_KERNEL);
	KT_EXPECT(t, raw != NULL);
	if (!raw)
		return;
	KT_EXPECT_EQ(t, bread(p, BC_TEST_SCRATCH, p->sector_size, &b), 0);
	for (u32 j = 0; j < p->sector_size; j++)
		b->data[j] = (u8)(j * 3 + 1);
	bdirty(b);
	brelse(b);
	KT_EXPECT_EQ(t, bsync(p), 0);
	KT_EXPECT_EQ(t, blk_read(p, BC_TEST_SCRATCH, 1, raw), 0);
	for (u32 j = 0; j < p->sector_size; j++)
		if (raw[j] != (u8)(j * 3 + 1)) {
			KT_EXPECT_EQ(t, raw[j], (u8)(j * 3 + 1));
			break;
		}
	kfree(raw);
}

KTEST(bcache, eviction_bounded)
{
	struct blkdev *p = bc_test_partition();
	struct bcache_stats st;
	struct buf *b;

	if (!p)
		KT_SKIP(t, "not the boot tests' image");
	for (u64 i = 0; i < 2 * CONFIG_BLK_CACHE_BUFFERS; i++) {
		KT_EXPECT_EQ(t, bread(p, 16 + i, p->sector_size, &b), 0);
		brelse(b);
	}
	bcache_get_stats(&st);
	KT_EXPECT(t, st.buffers <= CONFIG_BLK_CACHE_BUFFERS);
	KT_EXPECT(t, st.evictions >= CONFIG_BLK_CACHE_BUFFERS);
	KT_EXPECT_EQ(t, st.dirty, 0);
}
