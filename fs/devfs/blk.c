/*
 * Block device nodes: /dev/sda, /dev/sda1, /dev/vda... for every disk and
 * partition the block layer registers, and the file operations behind them
 * (byte reads and writes bounced through whole sectors, seek to the end).
 */
#include <asm/uaccess.h>
#include <block/bcache.h>
#include <block/blkdev.h>
#include <fs/devfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>

#define BLK_NODE_MODE   (S_IFBLK | 0660)
#define BLK_BOUNCE      4096            /* bytes moved per device request */
#define BLK_MAJOR_RANGE (1U << MINORBITS)

/* Linux's <linux/fs.h> ioctls, so tools that size a disk work unchanged. */
#define BLKGETSIZE      0x1260          /* unsigned long: 512-byte sectors */
#define BLKSSZGET       0x1268          /* int: logical sector size */
#define BLKGETSIZE64    0x80081272      /* u64: bytes */

static struct blkdev *blk_of(struct file *f)
{
	return f->priv;
}

static u64 blk_bytes(const struct blkdev *bd)
{
	return bd->sectors * bd->sector_size;
}

static int blk_node_open(struct inode *inode, struct file *f)
{
	struct blkdev *bd = blkdev_by_dev(inode->rdev);

	if (!bd)
		return -ENXIO;
	f->priv = bd;
	return 0;
}

/*
 * One request's worth at pos: the sectors covering [pos, pos + want) up to
 * BLK_BOUNCE bytes. Sets *lba, *count and returns the byte offset of pos
 * in the first sector.
 */
static u32 blk_span(const struct blkdev *bd, u64 pos, size_t want, u64 *lba, u32 *count)
{
	u32 ss = bd->sector_size, off = pos % ss;
	u64 sectors = (off + want + ss - 1) / ss;

	*lba = pos / ss;
	if (sectors > BLK_BOUNCE / ss)
		sectors = BLK_BOUNCE / ss;
	*count = (u32)sectors;
	return off;
}

/* One request of a transfer: its n bytes sit at off in the bounced sectors. */
struct blk_req {
	struct blkdev *bd;
	u8 *bounce;
	u64 lba;
	u32 count, off;
	size_t n;
};

static int blk_req_read(struct blk_req *r, struct iobuf *b, size_t done)
{
	int err = blk_read(r->bd, r->lba, r->count, r->bounce);

	return err ? err : iobuf_copy_to(b, done, r->bounce + r->off, r->n);
}

static int blk_req_write(struct blk_req *r, struct iobuf *b, size_t done)
{
	size_t span = (size_t)r->count * r->bd->sector_size;
	/* A partial sector keeps the bytes around the write. */
	int err = r->off || r->n < span ? blk_read(r->bd, r->lba, r->count, r->bounce) : 0;

	if (!err)
		err = iobuf_copy_from(b, done, r->bounce + r->off, r->n);
	return err ? err : blk_write(r->bd, r->lba, r->count, r->bounce);
}

/* Moves what of b fits between *pos (inside the device) and its end, a bounce buffer at a time. */
static long blk_transfer(struct file *f, struct iobuf *b, u64 *pos,
			 int (*move)(struct blk_req *r, struct iobuf *b, size_t done))
{
	struct blk_req r = { .bd = blk_of(f) };
	u64 size = blk_bytes(r.bd);
	size_t done = 0, len = b->len;
	long err = 0;

	if (len > size - *pos)
		len = size - *pos;
	r.bounce = kmalloc(BLK_BOUNCE, GFP_KERNEL);
	if (!r.bounce)
		return -ENOMEM;
	while (done < len) {
		r.off = blk_span(r.bd, *pos, len - done, &r.lba, &r.count);
		r.n = (size_t)r.count * r.bd->sector_size - r.off;
		if (r.n > len - done)
			r.n = len - done;
		err = move(&r, b, done);
		if (err)
			break;
		done += r.n;
		*pos += r.n;
	}
	kfree(r.bounce);
	return done ? (long)done : err;
}

static long blk_node_read(struct file *f, struct iobuf *b, u64 *pos)
{
	if (*pos >= blk_bytes(blk_of(f)))
		return 0;
	return blk_transfer(f, b, pos, blk_req_read);
}

static long blk_node_write(struct file *f, struct iobuf *b, u64 *pos)
{
	if (*pos >= blk_bytes(blk_of(f)))
		return b->len ? -ENOSPC : 0;
	return blk_transfer(f, b, pos, blk_req_write);
}

static s64 blk_node_llseek(struct file *f, s64 off, int whence)
{
	s64 base;

	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = (s64)f->pos; break;
	case SEEK_END: base = (s64)blk_bytes(blk_of(f)); break;
	default: return -EINVAL;
	}
	if (base + off < 0)
		return -EINVAL;
	f->pos = (u64)(base + off);
	return (s64)f->pos;
}

static long blk_node_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct blkdev *bd = blk_of(f);
	u64 bytes = blk_bytes(bd);
	unsigned long sectors = bytes / 512;
	int ss = (int)bd->sector_size;

	switch (cmd) {
	case BLKGETSIZE64: return copy_to_user((void *)arg, &bytes, sizeof(bytes));
	case BLKGETSIZE: return copy_to_user((void *)arg, &sectors, sizeof(sectors));
	case BLKSSZGET: return copy_to_user((void *)arg, &ss, sizeof(ss));
	default: return -ENOTTY;
	}
}

/* Node writes go straight to the disk; this pushes the disk's own cache. */
static int blk_node_fsync(struct file *f)
{
	if (IS_ENABLED(CONFIG_BLK_CACHE))
		return bsync(blk_of(f));
	return blk_flush(blk_of(f));
}

static const struct file_ops blk_node_fops = {
	.open = blk_node_open,
	.read = blk_node_read,
	.write = blk_node_write,
	.llseek = blk_node_llseek,
	.ioctl = blk_node_ioctl,
	.fsync = blk_node_fsync,
};

/* Runs under the block registry's lock for every disk and partition. */
static void devfs_blk_added(struct blkdev *bd)
{
	int err = devfs_register(bd->name, BLK_NODE_MODE, bd->dev);

	if (err)
		pr_err("devfs: no /dev/%s (error %d)\n", bd->name, err);
}

int devfs_blk_init(void)
{
	static const unsigned int majors[] = { BLK_MAJOR_SD, BLK_MAJOR_VD, BLK_MAJOR_EXT };

	for (unsigned int i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
		int err = register_device(S_IFBLK, MKDEV(majors[i], 0), BLK_MAJOR_RANGE,
					  "blk", &blk_node_fops);

		if (err)
			return err;
	}
	blkdev_set_listener(devfs_blk_added);
	return 0;
}
