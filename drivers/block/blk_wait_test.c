/*
 * KTESTs of how disk requests complete: by interrupt when the driver has
 * one (counters move), by polling under blk_poll, -EIO on a timeout with the
 * disk usable after it; and the blkbench suite, sequential reads timed
 * both ways (printed, never asserted).
 */
#include <asm/tsc.h>
#include <block/blk_wait.h>
#include <block/blkdev.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/printk.h>

#define BW_TEST_SECTORS     64
#define BW_TIMEOUT_NS       1               /* too short for any device */
#define BENCH_BYTES         (1u << 20)
#define BENCH_CHUNK_SECTORS 128             /* 64 KiB requests */
#define NS_PER_US           1000ull

static u8 *bw_read(struct blkdev *disk, u32 sectors, int *err)
{
	u8 *buf = kmalloc(sectors * disk->sector_size, GFP_KERNEL);

	*err = buf ? blk_read(disk, 0, sectors, buf) : -ENOMEM;
	return buf;
}

KTEST(blkirq, interrupt_completion)
{
	struct blkdev *disk = blkdev_first_disk();
	struct blk_wait_stats before, after;
	u8 *buf;
	int err;

	if (!disk)
		KT_SKIP(t, "no disk attached");
	blk_wait_get_stats(&before);
	if (!before.irq_disks)
		KT_SKIP(t, "no disk driver has an interrupt");
	buf = bw_read(disk, BW_TEST_SECTORS, &err);
	KT_EXPECT_EQ(t, err, 0);
	blk_wait_get_stats(&after);
	pr_info("blkirq: %s: %llu interrupts, %llu sleeping waits, %llu polled waits, "
		"%llu done at once\n", disk->name,
		(unsigned long long)(after.interrupts - before.interrupts),
		(unsigned long long)(after.irq_waits - before.irq_waits),
		(unsigned long long)(after.poll_waits - before.poll_waits),
		(unsigned long long)(after.immediate - before.immediate));
	/* Some devices finish before the first check; their interrupt still comes. */
	KT_EXPECT(t, after.interrupts > before.interrupts);
	KT_EXPECT_EQ(t, after.poll_waits, before.poll_waits);
	kfree(buf);
}

KTEST(blkirq, polling_reads_the_same)
{
	struct blkdev *disk = blkdev_first_disk();
	struct blk_wait_stats before, after;
	bool was = blk_wait_polling();
	u8 *a, *b;
	int err_a, err_b;

	if (!disk)
		KT_SKIP(t, "no disk attached");
	a = bw_read(disk, BW_TEST_SECTORS, &err_a);
	blk_wait_get_stats(&before);
	blk_wait_set_polling(true);
	b = bw_read(disk, BW_TEST_SECTORS, &err_b);
	blk_wait_set_polling(was);
	blk_wait_get_stats(&after);
	KT_EXPECT_EQ(t, err_a, 0);
	KT_EXPECT_EQ(t, err_b, 0);
	KT_EXPECT(t, after.poll_waits + after.immediate > before.poll_waits + before.immediate);
	KT_EXPECT_EQ(t, after.irq_waits, before.irq_waits);
	if (a && b)
		KT_EXPECT_EQ(t, memcmp(a, b, BW_TEST_SECTORS * disk->sector_size), 0);
	kfree(a);
	kfree(b);
}

/* A request whose wait times out is -EIO; the next one works and reads the same. */
KTEST(blkirq, timeout_is_eio)
{
	struct blkdev *disk = blkdev_first_disk();
	struct blk_wait_stats before, after;
	u8 *good, *again;
	int err, err_good, err_again;

	if (!disk)
		KT_SKIP(t, "no disk attached");
	good = bw_read(disk, BW_TEST_SECTORS, &err_good);
	blk_wait_get_stats(&before);
	blk_wait_test_timeout(BW_TIMEOUT_NS);
	kfree(bw_read(disk, BW_TEST_SECTORS, &err));
	blk_wait_test_timeout(0);
	blk_wait_get_stats(&after);
	pr_info("blkirq: %s: request with a %u ns timeout: %d\n", disk->name, BW_TIMEOUT_NS, err);
	again = bw_read(disk, BW_TEST_SECTORS, &err_again);
	KT_EXPECT_EQ(t, err_good, 0);
	KT_EXPECT_EQ(t, err_again, 0);
	if (good && again)
		KT_EXPECT_EQ(t, memcmp(good, again, BW_TEST_SECTORS * disk->sector_size), 0);
	kfree(good);
	kfree(again);
	if (err == 0)
		KT_SKIP(t, "the device answered before any wait");
	KT_EXPECT_EQ(t, err, -EIO);
	KT_EXPECT_EQ(t, after.timeouts, before.timeouts + 1);
}

/* Reads BENCH_BYTES (or the disk) from sector 0 in 64 KiB requests; prints one JSON line. */
static void blk_bench_once(struct blkdev *disk, u8 *buf, bool poll)
{
	u64 total = BENCH_BYTES / disk->sector_size, done = 0;
	struct blk_wait_stats before, after;
	bool was = blk_wait_polling();      /* blk_poll=1 stays in force afterwards */
	unsigned long long ns0, ns;
	u64 cyc0, cyc;
	int err = 0;

	if (total > disk->sectors)
		total = disk->sectors;
	blk_wait_set_polling(poll);
	blk_wait_get_stats(&before);
	ns0 = ktime_ns();
	cyc0 = rdtsc();
	while (!err && done < total) {
		u32 n = total - done < BENCH_CHUNK_SECTORS ? total - done : BENCH_CHUNK_SECTORS;

		err = blk_read(disk, done, n, buf);
		done += n;
	}
	cyc = rdtsc() - cyc0;
	ns = ktime_ns() - ns0;
	blk_wait_set_polling(was);
	blk_wait_get_stats(&after);
	pr_info("blkbench: {\"disk\": \"%s\", \"mode\": \"%s\", \"bytes\": %llu, \"cycles\": %llu, "
		"\"us\": %llu, \"kib_per_s\": %llu, \"sleeps\": %llu, \"slices_out\": %llu, "
		"\"error\": %d}\n", disk->name,
		poll ? "poll" : "irq", (unsigned long long)(done * disk->sector_size),
		(unsigned long long)cyc, ns / NS_PER_US,
		ns ? (unsigned long long)(done * disk->sector_size * 1000000000ull / ns / 1024) : 0,
		(unsigned long long)(after.sleeps - before.sleeps),
		(unsigned long long)(after.slices_out - before.slices_out), err);
}

KTEST(blkbench, sequential_read)
{
	struct blkdev *disk = blkdev_first_disk();
	u8 *buf;

	if (!disk)
		KT_SKIP(t, "no disk attached");
	buf = kmalloc(BENCH_CHUNK_SECTORS * disk->sector_size, GFP_KERNEL);
	KT_EXPECT(t, buf != NULL);
	if (!buf)
		return;
	blk_bench_once(disk, buf, false);
	blk_bench_once(disk, buf, true);
	kfree(buf);
}
