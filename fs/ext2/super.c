/*
 * ext2 mount and unmount: the superblock and group descriptors read and
 * checked field by field, feature flags, statfs, sync, and the "ext2" type.
 * Everything read from disk is validated before use; see Documentation/ext2.md.
 */
#include <block/blkdev.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>
#include "ext2.h"

int ext2_corrupt(struct super_block *sb, const char *what, u64 ino, u64 block)
{
	struct ext2_sb *es = sb ? EXT2_SB(sb) : NULL;

	pr_warn("ext2: %s: corrupt %s (inode %llu, block %llu)\n",
		es && es->bd ? es->bd->name : "?", what, (unsigned long long)ino,
		(unsigned long long)block);
	return -EUCLEAN;
}

bool ext2_block_ok(struct ext2_sb *es, u32 block)
{
	return block >= es->first_data_block && block < es->blocks_count;
}

int ext2_bread(struct super_block *sb, u32 block, struct buf **out)
{
	struct ext2_sb *es = EXT2_SB(sb);

	if (block >= es->blocks_count)
		return ext2_corrupt(sb, "block number", 0, block);
	return bread(es->bd, block, es->bs, out);
}

/* The block device behind a device number (the block layer's devfs registry). */
static struct blkdev *ext2_blkdev(kdev_t dev)
{
	return blkdev_by_dev(dev);
}

/* Copies bytes [off, off + len) of the device through the buffer cache's block size. */
static int ext2_copy_bytes(struct super_block *sb, u64 off, void *data, u32 len, bool write)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u8 *p = data;

	while (len) {
		u32 in = (u32)(off % es->bs), n = es->bs - in < len ? es->bs - in : len;
		struct buf *b;
		int err = bread(es->bd, off / es->bs, es->bs, &b);

		if (err)
			return err;
		if (write) {
			memcpy(b->data + in, p, n);
			bdirty(b);
		} else {
			memcpy(p, b->data + in, n);
		}
		brelse(b);
		p += n, off += n, len -= n;
	}
	return 0;
}

int ext2_write_super(struct super_block *sb)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u64 gd_off = (u64)(es->first_data_block + 1) * es->bs;
	int err;

	mutex_lock(&es->lock);
	es->raw.s_wtime = (u32)vfs_now().sec;
	err = ext2_copy_bytes(sb, EXT2_SB_OFFSET, &es->raw, EXT2_SB_SIZE, true);
	if (!err)
		err = ext2_copy_bytes(sb, gd_off, es->gd, es->ngroups * sizeof(*es->gd), true);
	if (!err)
		es->dirty = false;
	mutex_unlock(&es->lock);
	return err;
}

/* The superblock is read past the cache: its block size is not known yet. */
static int read_raw_super(struct blkdev *bd, struct ext2_super *raw)
{
	u32 ss = bd->sector_size, skip, count;
	u8 *buf;
	int err;

	if (!ss)
		return -EINVAL;
	skip = EXT2_SB_OFFSET % ss;
	count = (skip + EXT2_SB_SIZE + ss - 1) / ss;
	if (bd->sectors < EXT2_SB_OFFSET / ss + count)
		return -EINVAL;
	buf = kmalloc((size_t)count * ss, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = blk_read(bd, EXT2_SB_OFFSET / ss, count, buf);
	if (!err)
		memcpy(raw, buf + skip, EXT2_SB_SIZE);
	kfree(buf);
	return err;
}

static int bad_super(struct blkdev *bd, const char *why)
{
	pr_warn("ext2: %s: not mountable: %s\n", bd->name, why);
	return -EINVAL;
}

/* Geometry from the superblock, each field checked against the others and the disk. */
static int check_geometry(struct ext2_sb *es)
{
	struct ext2_super *r = &es->raw;
	struct blkdev *bd = es->bd;
	u64 data_blocks;

	if (r->s_magic != EXT2_MAGIC)
		return bad_super(bd, "no ext2 magic");
	if (r->s_log_block_size > EXT2_MAX_LOG_BS - EXT2_MIN_LOG_BS)
		return bad_super(bd, "block size out of range (1-4 KiB supported)");
	es->bs = 1024u << r->s_log_block_size;
	es->apb = es->bs / 4;
	if (es->bs % bd->sector_size)
		return bad_super(bd, "block size below the sector size");
	if (r->s_rev_level > 1)
		return bad_super(bd, "unknown revision");
	es->blocks_count = r->s_blocks_count;
	es->inodes_count = r->s_inodes_count;
	es->first_data_block = r->s_first_data_block;
	es->bpg = r->s_blocks_per_group;
	es->ipg = r->s_inodes_per_group;
	if (es->first_data_block != (es->bs == 1024 ? 1u : 0u))
		return bad_super(bd, "first data block");
	if (es->blocks_count <= es->first_data_block + 1 ||
	    (u64)es->blocks_count * (es->bs / bd->sector_size) > bd->sectors)
		return bad_super(bd, "block count larger than the device");
	if (es->bpg < 8 || es->bpg > es->bs * 8 || es->ipg < 1 || es->ipg > es->bs * 8)
		return bad_super(bd, "blocks or inodes per group out of range");
	data_blocks = es->blocks_count - es->first_data_block;
	es->ngroups = (u32)((data_blocks + es->bpg - 1) / es->bpg);
	if ((u64)es->ngroups * es->ipg != es->inodes_count)
		return bad_super(bd, "inode count does not match the groups");
	es->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	es->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	if (r->s_rev_level == 1) {
		es->inode_size = r->s_inode_size;
		es->first_ino = r->s_first_ino;
	}
	if (es->inode_size < EXT2_GOOD_OLD_INODE_SIZE || es->inode_size > es->bs ||
	    (es->inode_size & (es->inode_size - 1)))
		return bad_super(bd, "inode size");
	if (es->first_ino <= EXT2_ROOT_INO || es->first_ino > es->inodes_count)
		return bad_super(bd, "first inode");
	es->itb_per_group = (es->ipg * es->inode_size + es->bs - 1) / es->bs;
	es->gd_blocks = (u32)(((u64)es->ngroups * sizeof(struct ext2_group_desc) + es->bs - 1) /
			      es->bs);
	if (es->first_data_block + 1 + (u64)es->gd_blocks >= es->blocks_count)
		return bad_super(bd, "group descriptors past the end");
	return 0;
}

/* Features we cannot write safely make the mount read-only; unknown layouts refuse it. */
static int check_features(struct ext2_sb *es, unsigned int *flags)
{
	struct ext2_super *r = &es->raw;

	if (r->s_rev_level == 0)
		return 0;
	if (r->s_feature_incompat & ~EXT2_INCOMPAT_SUPP) {
		pr_warn("ext2: %s: unsupported incompatible features %#x\n", es->bd->name,
			r->s_feature_incompat & ~EXT2_INCOMPAT_SUPP);
		return -EINVAL;
	}
	es->filetype = r->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
	if (*flags & MS_RDONLY)
		return 0;
	if (r->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP) {
		pr_warn("ext2: %s: features %#x need read-only: mounting read-only\n",
			es->bd->name, r->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPP);
		*flags |= MS_RDONLY;
	} else if (r->s_feature_compat & EXT2_FEATURE_COMPAT_HAS_JOURNAL) {
		pr_warn("ext2: %s: has a journal (ext3), which ext2 does not replay or "
			"update: mounting read-only\n", es->bd->name);
		*flags |= MS_RDONLY;
	}
	return 0;
}

/* Reads the descriptors and checks every table lies inside the disk. */
static int read_groups(struct super_block *sb)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u64 off = (u64)(es->first_data_block + 1) * es->bs;
	u32 free_blocks = 0, free_inodes = 0;
	int err;

	es->gd = kmalloc((size_t)es->ngroups * sizeof(*es->gd), GFP_KERNEL);
	if (!es->gd)
		return -ENOMEM;
	err = ext2_copy_bytes(sb, off, es->gd, es->ngroups * sizeof(*es->gd), false);
	if (err)
		return err;
	for (u32 g = 0; g < es->ngroups; g++) {
		struct ext2_group_desc *d = &es->gd[g];

		if (!ext2_block_ok(es, d->bg_block_bitmap) || !ext2_block_ok(es, d->bg_inode_bitmap) ||
		    !ext2_block_ok(es, d->bg_inode_table) ||
		    (u64)d->bg_inode_table + es->itb_per_group > es->blocks_count)
			return ext2_corrupt(sb, "group descriptor tables", 0, g);
		if (d->bg_free_blocks_count > es->bpg || d->bg_free_inodes_count > es->ipg)
			return ext2_corrupt(sb, "group descriptor counts", 0, g);
		free_blocks += d->bg_free_blocks_count;
		free_inodes += d->bg_free_inodes_count;
	}
	/* The descriptors are what allocation keeps exact; the totals follow them (as Linux). */
	es->raw.s_free_blocks_count = free_blocks;
	es->raw.s_free_inodes_count = free_inodes;
	return 0;
}

static int statfs(struct super_block *sb, struct statfs *st)
{
	struct ext2_sb *es = EXT2_SB(sb);
	struct ext2_super *r = &es->raw;
	u32 free = r->s_free_blocks_count;

	mutex_lock(&es->lock);
	st->f_type = EXT2_MAGIC;
	st->f_bsize = st->f_frsize = es->bs;
	st->f_blocks = es->blocks_count - es->first_data_block;
	st->f_bfree = free;
	st->f_bavail = free > r->s_r_blocks_count ? free - r->s_r_blocks_count : 0;
	st->f_files = es->inodes_count;
	st->f_ffree = r->s_free_inodes_count;
	st->f_namelen = EXT2_NAME_LEN;
	mutex_unlock(&es->lock);
	return 0;
}

int ext2_sync_fs(struct super_block *sb)
{
	struct ext2_sb *es = EXT2_SB(sb);
	int err = 0;

	if (!(sb->flags & SB_RDONLY))
		err = ext2_write_super(sb);
	if (!err)
		err = bsync(es->bd);
	return err;
}

static void put_super(struct super_block *sb)
{
	struct ext2_sb *es = EXT2_SB(sb);

	if (!es)
		return;
	if (es->gd && !(sb->flags & SB_RDONLY)) {
		es->raw.s_state |= EXT2_VALID_FS;
		if (ext2_write_super(sb) || bsync(es->bd))
			pr_err("ext2: %s: superblock not written at unmount\n", es->bd->name);
	}
	if (es->bd)
		bcache_invalidate(es->bd);   /* another block size may mount it next */
	kfree(es->gd);
	kfree(es);
	sb->priv = NULL;
}

static const struct super_ops ext2_super_ops = {
	.alloc_inode = ext2_alloc_inode,
	.destroy_inode = ext2_destroy_inode,
	.evict_inode = ext2_evict_inode,
	.statfs = statfs,
	.sync_fs = ext2_sync_fs,
	.put_super = put_super,
};

static int fill_super(struct super_block *sb, const struct mount_args *args)
{
	struct ext2_sb *es = EXT2_SB(sb);
	unsigned int flags = args->flags;
	struct inode *root;
	int err;

	err = read_raw_super(es->bd, &es->raw);
	if (!err)
		err = check_geometry(es);
	if (!err)
		err = check_features(es, &flags);
	if (!err)
		err = read_groups(sb);
	if (err)
		return err;
	if (flags & MS_RDONLY)
		sb->flags |= SB_RDONLY;
	err = ext2_iget(sb, EXT2_ROOT_INO, &root);
	if (err)
		return err;
	if (!S_ISDIR(root->mode)) {
		iput(root);
		return ext2_corrupt(sb, "root (not a directory)", EXT2_ROOT_INO, 0);
	}
	if (sb_set_root(sb, root)) {
		iput(root);
		return -ENOMEM;
	}
	if (!(es->raw.s_state & EXT2_VALID_FS))
		pr_warn("ext2: %s: not cleanly unmounted, run e2fsck\n", es->bd->name);
	if (sb->flags & SB_RDONLY)
		return 0;
	/* Until a clean unmount sets it again, fsck knows to look. */
	es->raw.s_state &= (u16)~EXT2_VALID_FS;
	es->raw.s_mnt_count++;
	es->raw.s_mtime = (u32)vfs_now().sec;
	return ext2_write_super(sb);
}

static int ext2_mount(struct fs_type *type, const struct mount_args *args,
		      struct super_block **out)
{
	struct blkdev *bd = ext2_blkdev(args->dev);
	struct super_block *sb;
	struct ext2_sb *es;
	int err;

	if (!bd)
		return -ENXIO;
	sb = sb_alloc(type, &ext2_super_ops);
	es = kzalloc(sizeof(*es), GFP_KERNEL);
	if (!sb || !es) {
		kfree(es);
		sb_free(sb);
		return -ENOMEM;
	}
	es->bd = bd;
	mutex_init(&es->lock);
	sb->priv = es;
	sb->dev = args->dev;
	sb->magic = EXT2_MAGIC;
	err = fill_super(sb, args);
	if (err) {
		sb->flags |= SB_RDONLY;      /* put_super writes nothing back */
		sb_free(sb);
		return err;
	}
	sb->block_size = es->bs;
	pr_info("ext2: %s: %u blocks of %u bytes, %u inodes, %u groups%s\n", bd->name,
		es->blocks_count, es->bs, es->inodes_count, es->ngroups,
		sb->flags & SB_RDONLY ? ", read-only" : "");
	*out = sb;
	return 0;
}

static struct fs_type ext2_type = {
	.name = "ext2",
	.flags = FS_REQUIRES_DEV,
	.mount = ext2_mount,
};

int ext2_init(void)
{
	return register_filesystem(&ext2_type);
}
