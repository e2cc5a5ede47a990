/*
 * Block KTESTs: sector 0 of the first disk carries the MBR signature, and on
 * the boot tests' image (partition 1 starts with BLK_TEST_MAGIC) known
 * sectors read back and a scratch sector survives a write/read round trip.
 */
#include <block/blkdev.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>

#define BLK_TEST_MAGIC      "TESSERA-BLKTEST!"  /* 16 bytes at each pattern sector */
#define BLK_TEST_MAGIC_LEN  16
#define BLK_TEST_SECTORS    8                   /* pattern sectors 0..7 of partition 1 */
#define BLK_TEST_SCRATCH    8                   /* partition sector the test may overwrite */

/* Byte j of pattern sector s (after the magic), as tests/boot/test_block.py writes it. */
static u8 blk_test_byte(u64 s, u32 j)
{
	return (u8)(s * 7 + j);
}

static struct blkdev *blk_test_partition(void)
{
	struct blkdev *disk = blkdev_first_disk();

	for (struct blkdev *bd = blkdev_first(); disk && bd; bd = bd->next)
		if (bd->parent == disk && bd->partno == 1)
			return bd;
	return NULL;
}

KTEST(block, mbr_signature)
{
	struct blkdev *disk = blkdev_first_disk();
	u8 *buf;

	if (!disk)
		KT_SKIP(t, "no disk attached");
	buf = kmalloc(disk->sector_size, GFP_KERNEL);
	KT_EXPECT(t, buf != NULL);
	if (!buf)
		return;
	KT_EXPECT_EQ(t, blk_read(disk, 0, 1, buf), 0);
	KT_EXPECT_EQ(t, buf[510], 0x55);
	KT_EXPECT_EQ(t, buf[511], 0xaa);
	kfree(buf);
}

KTEST(block, range_checked)
{
	struct blkdev *disk = blkdev_first_disk();
	u8 buf[512];

	if (!disk)
		KT_SKIP(t, "no disk attached");
	KT_EXPECT_EQ(t, blk_read(disk, disk->sectors, 1, buf), -EINVAL);
	KT_EXPECT_EQ(t, blk_read(disk, disk->sectors - 1, 2, buf), -EINVAL);
	KT_EXPECT_EQ(t, blk_read(disk, 0, 0, buf), -EINVAL);
}

static bool blk_test_sector_ok(const u8 *sec, u64 s, u32 size)
{
	if (memcmp(sec, BLK_TEST_MAGIC, BLK_TEST_MAGIC_LEN) != 0)
		return false;
	for (u32 j = BLK_TEST_MAGIC_LEN; j < size; j++)
		if (sec[j] != blk_test_byte(s, j))
			return false;
	return true;
}

KTEST(block, known_pattern)
{
	struct blkdev *part = blk_test_partition();
	u32 ss;
	u8 *buf;

	if (!part)
		KT_SKIP(t, "no partition 1 on the first disk");
	ss = part->sector_size;
	buf = kmalloc(ss * BLK_TEST_SECTORS, GFP_KERNEL);
	KT_EXPECT(t, buf != NULL);
	if (!buf)
		return;
	KT_EXPECT_EQ(t, blk_read(part, 0, 1, buf), 0);
	if (memcmp(buf, BLK_TEST_MAGIC, BLK_TEST_MAGIC_LEN) != 0) {
		kfree(buf);
		KT_SKIP(t, "not the boot tests' image");
	}
	KT_EXPECT_EQ(t, blk_read(part, 0, BLK_TEST_SECTORS, buf), 0);
	for (u64 s = 0; s < BLK_TEST_SECTORS; s++)
		KT_EXPECT(t, blk_test_sector_ok(buf + s * ss, s, ss));
	kfree(buf);
}

KTEST(block, write_read_back)
{
	struct blkdev *part = blk_test_partition();
	u8 *buf, *back;
	u32 ss;

	if (!part)
		KT_SKIP(t, "no partition 1 on the first disk");
	ss = part->sector_size;
	buf = kmalloc(2 * ss, GFP_KERNEL);
	KT_EXPECT(t, buf != NULL);
	if (!buf)
		return;
	back = buf + ss;
	if (blk_read(part, 0, 1, buf) || memcmp(buf, BLK_TEST_MAGIC, BLK_TEST_MAGIC_LEN)) {
		kfree(buf);
		KT_SKIP(t, "not the boot tests' image: nothing is overwritten");
	}
	for (u32 j = 0; j < ss; j++)
		buf[j] = (u8)(j ^ 0x5a);
	KT_EXPECT_EQ(t, blk_write(part, BLK_TEST_SCRATCH, 1, buf), 0);
	KT_EXPECT_EQ(t, blk_flush(part), 0);
	KT_EXPECT_EQ(t, blk_read(part, BLK_TEST_SCRATCH, 1, back), 0);
	KT_EXPECT_EQ(t, memcmp(buf, back, ss), 0);
	kfree(buf);
}
