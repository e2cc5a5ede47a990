/*
 * Buffer cache: up to CONFIG_BLK_CACHE_BUFFERS blocks on one LRU list and in
 * a hash table on (device, block) for O(1) lookups, write-back of dirty
 * blocks on eviction and on bsync. One mutex covers both and the I/O done.
 */
#include <block/bcache.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>

/* One bucket per buffer: chains stay about one long whatever the size. */
#define BC_HASH_BUCKETS     CONFIG_BLK_CACHE_BUFFERS

static struct list_head bc_lru = LIST_HEAD_INIT(bc_lru);
static struct buf *bc_hash[BC_HASH_BUCKETS];
static DEFINE_MUTEX(bc_lock);
static struct bcache_stats bc_stats;

static u32 bc_sectors(const struct buf *b)
{
	return b->size / b->bd->sector_size;
}

/*
 * Writes back b together with the dirty buffers on either side of it (same
 * device, same size, consecutive blocks) as one request of up to
 * BC_CLUSTER_BYTES: a file written block by block reaches the disk in a few
 * large requests rather than one per block. The bounce buffer lives for
 * one call (a disk write costs far more than the allocation); without it,
 * b goes alone.
 */
#define BC_CLUSTER_BYTES    (64 * 1024)     /* the disk drivers' largest transfer */
#define BC_CLUSTER_MAX      (BC_CLUSTER_BYTES / 512)

static void bc_mark_clean(struct buf *b)
{
	b->dirty = false;
	bc_stats.dirty--;
	bc_stats.writebacks++;
}

static int bc_write_run(struct buf **run, unsigned int n, u8 *bounce)
{
	struct buf *b = run[0];
	const void *data = b->data;
	int err;

	if (n > 1) {
		for (unsigned int i = 0; i < n; i++)
			memcpy(bounce + (size_t)i * b->size, run[i]->data, b->size);
		data = bounce;
	}
	err = blk_write(b->bd, b->block * bc_sectors(b), n * bc_sectors(b), data);
	if (err) {
		pr_err("bcache: %s: writing blocks %llu-%llu failed (%d), kept dirty\n",
		       b->bd->name, (unsigned long long)b->block,
		       (unsigned long long)(b->block + n - 1), err);
		return err;
	}
	for (unsigned int i = 0; i < n; i++)
		bc_mark_clean(run[i]);
	return 0;
}

static struct buf *bc_lookup(struct blkdev *bd, u64 block, u32 size);

static struct buf *bc_dirty_at(struct buf *b, u64 block)
{
	struct buf *n = bc_lookup(b->bd, block, b->size);

	return n && n->dirty ? n : NULL;
}

/* Whether a block next to b is cached and dirty: only then is a run worth a bounce buffer. */
static bool bc_dirty_neighbour(struct buf *b)
{
	return (b->block > 0 && bc_dirty_at(b, b->block - 1)) || bc_dirty_at(b, b->block + 1);
}

static int bc_writeback(struct buf *b)
{
	struct buf *run[BC_CLUSTER_MAX];
	unsigned int max = BC_CLUSTER_BYTES / b->size, n = 0;
	u64 start = b->block;
	u8 *bounce;
	int err;

	if (max < 2 || !bc_dirty_neighbour(b))
		return bc_write_run(&b, 1, NULL);
	bounce = kmalloc(BC_CLUSTER_BYTES, GFP_KERNEL);
	if (!bounce)
		return bc_write_run(&b, 1, NULL);
	while (start > 0 && b->block - (start - 1) < max / 2 && bc_dirty_at(b, start - 1))
		start--;
	for (u64 blk = start; n < max; blk++) {
		struct buf *d = blk == b->block ? b : bc_dirty_at(b, blk);

		if (!d)
			break;
		run[n++] = d;
	}
	err = bc_write_run(run, n, bounce);
	kfree(bounce);
	return err;
}

static struct buf **bc_bucket(const struct blkdev *bd, u64 block)
{
	u64 h = (block ^ ((uintptr_t)bd >> 4)) * 0x9e3779b97f4a7c15ull;  /* Fibonacci hashing */

	return &bc_hash[(h >> 32) % BC_HASH_BUCKETS];
}

static void bc_hash_add(struct buf *b)
{
	struct buf **head = bc_bucket(b->bd, b->block);

	b->hash_next = *head;
	*head = b;
}

/* Takes b out of its bucket, if it has an identity (bd set) at all. */
static void bc_hash_del(struct buf *b)
{
	if (!b->bd)
		return;
	for (struct buf **pp = bc_bucket(b->bd, b->block); *pp; pp = &(*pp)->hash_next) {
		if (*pp == b) {
			*pp = b->hash_next;
			break;
		}
	}
	b->hash_next = NULL;
}

static struct buf *bc_lookup(struct blkdev *bd, u64 block, u32 size)
{
	for (struct buf *b = *bc_bucket(bd, block); b; b = b->hash_next)
		if (b->bd == bd && b->block == block && b->size == size)
			return b;
	return NULL;
}

static struct buf *bc_new(u32 size)
{
	struct buf *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return NULL;
	b->data = kmalloc(size, GFP_KERNEL);
	if (!b->data) {
		kfree(b);
		return NULL;
	}
	list_init(&b->lru);
	bc_stats.buffers++;
	return b;
}

static void bc_free(struct buf *b)
{
	bc_hash_del(b);
	list_del(&b->lru);
	kfree(b->data);
	kfree(b);
	bc_stats.buffers--;
}

/* The least recently used unheld buffer whose dirty data (if any) reached the disk. */
static struct buf *bc_evict(void)
{
	for (struct list_head *pos = bc_lru.prev; pos != &bc_lru; pos = pos->prev) {
		struct buf *b = list_entry(pos, struct buf, lru);

		if (b->refs || (b->dirty && bc_writeback(b)))
			continue;
		list_del(&b->lru);
		bc_hash_del(b);
		b->bd = NULL;
		bc_stats.evictions++;
		return b;
	}
	return NULL;
}

/* A buffer of the right size: a new one while under the limit, else a recycled one. */
static struct buf *bc_get(u32 size)
{
	struct buf *b;

	if (bc_stats.buffers < CONFIG_BLK_CACHE_BUFFERS)
		return bc_new(size);
	b = bc_evict();
	if (!b || b->size == size)
		return b;
	bc_stats.buffers--;
	kfree(b->data);
	b->data = kmalloc(size, GFP_KERNEL);
	if (!b->data) {
		kfree(b);
		return NULL;
	}
	bc_stats.buffers++;
	return b;
}

static int bc_check(struct blkdev *bd, u64 block, u32 size)
{
	if (!bd || !size || size % bd->sector_size)
		return -EINVAL;
	if (block >= bd->sectors / (size / bd->sector_size))
		return -EINVAL;
	return 0;
}

static int bc_fill(struct blkdev *bd, u64 block, u32 size, struct buf **out)
{
	struct buf *b = bc_get(size);
	int err;

	if (!b)
		return -ENOMEM;
	b->bd = bd, b->block = block, b->size = size, b->dirty = false;
	err = blk_read(bd, block * bc_sectors(b), bc_sectors(b), b->data);
	if (err) {
		list_add_tail(&b->lru, &bc_lru);        /* reusable first */
		b->bd = NULL;
		return err;
	}
	b->refs = 1;
	list_add(&b->lru, &bc_lru);
	bc_hash_add(b);
	*out = b;
	return 0;
}

/* How many blocks after block are neither cached nor past the end, up to max. */
static unsigned int bc_uncached_after(struct blkdev *bd, u64 block, u32 size, unsigned int max)
{
	u64 last = bd->sectors / (size / bd->sector_size);
	unsigned int n = 0;

	while (n < max && block + 1 + n < last && !bc_lookup(bd, block + 1 + n, size))
		n++;
	return n;
}

/*
 * Sequential reading (the block before was cached too): read the uncached
 * blocks that follow in one request and cache them unheld, so a file read
 * block by block costs one disk request per 64 KiB. Best effort: a failure
 * here costs nothing, the later bread reports it.
 */
static void bc_read_ahead(struct blkdev *bd, u64 block, u32 size)
{
	unsigned int n, sectors = size / bd->sector_size;
	u8 *bounce;

	if (block == 0 || !bc_lookup(bd, block - 1, size))
		return;
	n = bc_uncached_after(bd, block, size, BC_CLUSTER_BYTES / size);
	if (!n)
		return;
	bounce = kmalloc((size_t)n * size, GFP_KERNEL);
	if (!bounce)
		return;
	if (!blk_read(bd, (block + 1) * sectors, n * sectors, bounce)) {
		for (unsigned int i = 0; i < n; i++) {
			struct buf *b = bc_get(size);

			if (!b)
				break;
			b->bd = bd, b->block = block + 1 + i, b->size = size, b->dirty = false;
			memcpy(b->data, bounce + (size_t)i * size, size);
			b->refs = 0;
			list_add(&b->lru, &bc_lru);
			bc_hash_add(b);
			bc_stats.readahead++;
		}
	}
	kfree(bounce);
}

int bread(struct blkdev *bd, u64 block, u32 size, struct buf **out)
{
	struct buf *b;
	int err = bc_check(bd, block, size);

	if (err)
		return err;
	mutex_lock(&bc_lock);
	b = bc_lookup(bd, block, size);
	if (b) {
		bc_stats.hits++;
		b->refs++;
		list_del(&b->lru);
		list_add(&b->lru, &bc_lru);
		*out = b;
	} else {
		bc_stats.misses++;
		err = bc_fill(bd, block, size, out);
		if (!err)
			bc_read_ahead(bd, block, size);
	}
	mutex_unlock(&bc_lock);
	return err;
}

void bdirty(struct buf *b)
{
	mutex_lock(&bc_lock);
	if (!b->dirty)
		bc_stats.dirty++;
	b->dirty = true;
	mutex_unlock(&bc_lock);
}

void brelse(struct buf *b)
{
	mutex_lock(&bc_lock);
	if (b->refs)
		b->refs--;
	mutex_unlock(&bc_lock);
}

static bool bc_same_disk(const struct blkdev *a, const struct blkdev *b)
{
	return (a->parent ? a->parent : a) == (b->parent ? b->parent : b);
}

int bsync(struct blkdev *bd)
{
	struct list_head *pos;
	int first = 0;

	mutex_lock(&bc_lock);
	list_for_each(pos, &bc_lru) {
		struct buf *b = list_entry(pos, struct buf, lru);
		int err;

		if (!b->dirty || (bd && b->bd != bd))
			continue;
		err = bc_writeback(b);
		if (err && !first)
			first = err;
	}
	mutex_unlock(&bc_lock);
	for (struct blkdev *d = blkdev_first(); d; d = d->next) {
		int err;

		if (d->partno || (bd && !bc_same_disk(bd, d)))
			continue;
		err = blk_flush(d);
		if (err && !first)
			first = err;
	}
	return first;
}

int bcache_invalidate(struct blkdev *bd)
{
	struct list_head *pos, *tmp;
	int err = bsync(bd);

	mutex_lock(&bc_lock);
	list_for_each_safe(pos, tmp, &bc_lru) {
		struct buf *b = list_entry(pos, struct buf, lru);

		if (b->bd == bd && !b->refs && !b->dirty)
			bc_free(b);
	}
	mutex_unlock(&bc_lock);
	return err;
}

void bcache_get_stats(struct bcache_stats *st)
{
	mutex_lock(&bc_lock);
	*st = bc_stats;
	mutex_unlock(&bc_lock);
}
