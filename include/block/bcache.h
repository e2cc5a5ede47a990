/*
 * The buffer cache (CONFIG_BLK_CACHE): fixed-size blocks of a block device
 * kept in memory, least recently used evicted first, written back on sync.
 */
#ifndef BLOCK_BCACHE_H
#define BLOCK_BCACHE_H

#include <block/blkdev.h>
#include <lib/list.h>

struct buf {
	struct blkdev *bd;
	u64 block;              /* in units of size */
	u32 size;               /* bytes: a multiple of the device's sector size */
	u8 *data;
	bool dirty;
	unsigned int refs;      /* holders between bread and brelse */
	struct list_head lru;   /* most recently used at the head */
	struct buf *hash_next;  /* chain of its (bd, block) hash bucket */
};

struct bcache_stats {
	u64 hits, misses, writebacks, evictions;
	u64 readahead;          /* blocks cached by sequential read-ahead */
	unsigned int buffers, dirty;
};

/*
 * Returns block `block` of bd (size bytes, read from the device on a miss)
 * held for the caller in *out; 0, -EINVAL (size not a multiple of the sector
 * size or block past the end), -ENOMEM (every buffer is held) or -EIO. May
 * sleep. A device's blocks should all have one size: buffers of different
 * sizes, or of a disk and its partition, are not kept coherent.
 */
int bread(struct blkdev *bd, u64 block, u32 size, struct buf **out);

/* Marks a held buffer modified: written back by bsync or when evicted. */
void bdirty(struct buf *b);

/* Drops the caller's hold; the buffer stays cached. */
void brelse(struct buf *b);

/*
 * Writes back every dirty buffer of bd (every device when bd is NULL), then
 * flushes the device caches. Returns 0 or the first error (-EIO); buffers
 * that failed stay dirty. May sleep.
 */
int bsync(struct blkdev *bd);

/* Writes back and forgets every unheld buffer of bd (before a device goes away). */
int bcache_invalidate(struct blkdev *bd);

void bcache_get_stats(struct bcache_stats *st);

#endif
