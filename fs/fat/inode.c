/*
 * FAT inodes: made from a directory entry (checked first: its first
 * cluster and its chain, walked once, must fit the size), written back to
 * that entry, mapped to clusters through the chain, truncated, timed.
 * An inode number is its entry's position on disk, the root's is 1.
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "fat.h"

#define FAT_EPOCH      315532800LL     /* 1980-01-01 00:00:00 UTC */
#define FAT_LAST_TIME  4354819198LL    /* 2107-12-31 23:59:58 */
#define SECS_PER_DAY   86400
#define FAT_DEF_MODE   0755            /* what Linux shows with umask 022 */
#define FAT_ALT_INO    (1ULL << 48)    /* numbers for entries whose position's is taken */

static s64 days_from_civil(s64 y, u32 m, u32 d)
{
	s64 era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

struct vfs_time fat_time_to_unix(u16 date, u16 time)
{
	u32 m = (date >> 5) & 15, d = date & 31;
	u32 h = time >> 11, mi = (time >> 5) & 63, s = (time & 31) * 2;
	s64 days;

	m = m < 1 ? 1 : m > 12 ? 12 : m;
	d = d < 1 ? 1 : d;
	days = days_from_civil(1980 + (date >> 9), m, d);
	h = h > 23 ? 23 : h, mi = mi > 59 ? 59 : mi, s = s > 59 ? 59 : s;
	return (struct vfs_time){ days * SECS_PER_DAY + h * 3600 + mi * 60 + s, 0 };
}

void fat_time_from_unix(struct vfs_time t, u16 *date, u16 *time)
{
	s64 sec = t.sec < FAT_EPOCH ? FAT_EPOCH : t.sec > FAT_LAST_TIME ? FAT_LAST_TIME : t.sec;
	s64 z = sec / SECS_PER_DAY + 719468, rem = sec % SECS_PER_DAY;
	s64 era = z / 146097, doe = z - era * 146097;
	s64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	s64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	s64 d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	s64 y = yoe + era * 400 + (m <= 2);

	*date = (u16)((y - 1980) << 9 | m << 5 | d);
	*time = (u16)((rem / 3600) << 11 | ((rem / 60) % 60) << 5 | (rem % 60) / 2);
}

/* What the disk can hold: even seconds inside FAT's years. */
static struct vfs_time fat_round(struct vfs_time t)
{
	u16 date, time;

	fat_time_from_unix(t, &date, &time);
	return fat_time_to_unix(date, time);
}

/* The access date has no time of day. */
static struct vfs_time fat_round_day(struct vfs_time t)
{
	u16 date, time;

	fat_time_from_unix(t, &date, &time);
	return fat_time_to_unix(date, 0);
}

u32 fat_de_cluster(const struct fat_sb *fs, const u8 *raw)
{
	u32 hi = fs->bits == 32 ? get_unaligned_u16(raw + DE_CLUS_HI) : 0;

	return hi << 16 | get_unaligned_u16(raw + DE_CLUS_LO);
}

void fat_de_set_cluster(const struct fat_sb *fs, u8 *raw, u32 cl)
{
	put_le16(raw + DE_CLUS_HI, fs->bits == 32 ? (u16)(cl >> 16) : 0);
	put_le16(raw + DE_CLUS_LO, (u16)cl);
}

static struct inode *alloc_inode(struct super_block *sb)
{
	struct fat_inode *fi = kzalloc(sizeof(*fi), GFP_KERNEL);

	(void)sb;
	return fi ? &fi->vfs : NULL;
}

static void destroy_inode(struct inode *inode)
{
	kfree(FAT_I(inode));
}

static void evict_inode(struct inode *inode)
{
	/* Removed while open: its clusters are free only now. */
	if (!inode->nlink && S_ISREG(inode->mode) && FAT_I(inode)->start)
		fat_free_chain(inode->sb, FAT_I(inode)->start);
}

u64 fat_entry_ino(struct super_block *sb, const struct fat_dirent *de)
{
	struct list_head *pos;

	list_for_each(pos, &sb->inodes) {
		struct fat_inode *fi = FAT_I(list_entry(pos, struct inode, sb_node));

		if (fi->de_sector == de->sector && fi->de_off == de->off)
			return fi->vfs.ino;
	}
	return de->sector * (FAT_SB(sb)->ssize / FAT_DIRENT_SIZE) + de->off / FAT_DIRENT_SIZE;
}

static struct inode *find_loaded(struct super_block *sb, const struct fat_dirent *de)
{
	struct list_head *pos;

	list_for_each(pos, &sb->inodes) {
		struct fat_inode *fi = FAT_I(list_entry(pos, struct inode, sb_node));

		if (fi->de_sector == de->sector && fi->de_off == de->off)
			return iget(&fi->vfs);
	}
	return NULL;
}

/* A number for a new inode: its position's, unless a renamed inode still has it. */
static u64 new_ino(struct super_block *sb, const struct fat_dirent *de)
{
	u64 ino = fat_entry_ino(sb, de);
	struct inode *old = inode_find(sb, ino);

	if (!old)
		return ino;
	iput(old);
	return FAT_ALT_INO + FAT_SB(sb)->next_alt_ino++;
}

static void set_type(struct inode *inode, u8 attr)
{
	u32 perm = attr & FAT_ATTR_RO ? FAT_DEF_MODE & ~0222u : FAT_DEF_MODE;

	FAT_I(inode)->attr = attr;
	if (attr & FAT_ATTR_DIR) {
		inode->mode = S_IFDIR | perm;
		inode->iops = &fat_dir_iops;
		inode->fops = &fat_dir_fops;
	} else {
		inode->mode = S_IFREG | perm;
		inode->iops = &fat_file_iops;
		inode->fops = &fat_file_fops;
	}
}

static void set_blocks(struct inode *inode, u32 clusters)
{
	inode->blocks = (u64)clusters * FAT_SB(inode->sb)->csize / 512;
}

/* Sizes and links from the chain: a directory's size is its chain's. */
static int fill_from_chain(struct inode *inode)
{
	struct fat_sb *fs = FAT_SB(inode->sb);
	u32 n, subdirs;
	int err = fat_chain_length(inode->sb, FAT_I(inode)->start, &n);

	if (err)
		return err;
	set_blocks(inode, n);
	if (!S_ISDIR(inode->mode)) {
		if ((u64)n * fs->csize < inode->size)
			return fat_corrupt(inode->sb, "file larger than its cluster chain, cluster",
					   FAT_I(inode)->start);
		return 0;
	}
	inode->size = (u64)n * fs->csize;
	err = fat_dir_count_subdirs(inode, &subdirs);
	inode->nlink = 2 + subdirs;
	return err;
}

static int check_entry(struct super_block *sb, const struct fat_dirent *de, u32 cl)
{
	struct fat_sb *fs = FAT_SB(sb);

	if (cl ? fat_valid_cluster(fs, cl) : !(de->raw[DE_ATTR] & FAT_ATTR_DIR))
		return 0;
	return fat_corrupt(sb, "directory entry with a bad first cluster, at sector", de->sector);
}

struct inode *fat_iget(struct super_block *sb, const struct fat_dirent *de, int *err)
{
	u32 cl = fat_de_cluster(FAT_SB(sb), de->raw);
	struct inode *inode = find_loaded(sb, de);

	if (inode)
		return inode;
	*err = check_entry(sb, de, cl);
	if (*err)
		return NULL;
	inode = new_inode(sb, new_ino(sb, de));
	if (!inode) {
		*err = -ENOMEM;
		return NULL;
	}
	FAT_I(inode)->start = cl;
	FAT_I(inode)->de_sector = de->sector;
	FAT_I(inode)->de_off = de->off;
	FAT_I(inode)->de_first = de->first_slot;
	FAT_I(inode)->de_slot = de->slot;
	set_type(inode, de->raw[DE_ATTR]);
	inode->nlink = 1;
	inode->size = get_unaligned_u32(de->raw + DE_SIZE);
	inode->mtime = fat_time_to_unix(get_unaligned_u16(de->raw + DE_MDATE),
					get_unaligned_u16(de->raw + DE_MTIME));
	inode->atime = fat_time_to_unix(get_unaligned_u16(de->raw + DE_ADATE), 0);
	inode->ctime = inode->mtime;
	*err = fill_from_chain(inode);
	if (*err) {
		FAT_I(inode)->de_sector = 0;    /* not this entry's inode any more */
		iput(inode);
		return NULL;
	}
	return inode;
}

struct inode *fat_root_inode(struct super_block *sb, int *err)
{
	struct fat_sb *fs = FAT_SB(sb);
	struct inode *inode = new_inode(sb, FAT_ROOT_INO);
	u32 subdirs;

	if (!inode) {
		*err = -ENOMEM;
		return NULL;
	}
	set_type(inode, FAT_ATTR_DIR);
	inode->nlink = 2;
	if (fs->bits == 32) {
		FAT_I(inode)->start = fs->root_cluster;
		*err = fill_from_chain(inode);
	} else {
		inode->size = (u64)fs->root_entries * FAT_DIRENT_SIZE;
		*err = fat_dir_count_subdirs(inode, &subdirs);
		inode->nlink += subdirs;
	}
	if (*err) {
		iput(inode);
		return NULL;
	}
	return inode;
}

/* Puts size, first cluster, times and the read-only bit in the entry. Inode lock held. */
int fat_write_inode(struct inode *inode)
{
	struct fat_inode *fi = FAT_I(inode);
	u8 raw[FAT_DIRENT_SIZE];
	u16 date, time;
	int err;

	if (!fi->de_sector || inode->sb->flags & SB_RDONLY)
		return 0;
	err = fat_slot_io(inode->sb, fi->de_sector, fi->de_off, raw, false);
	if (err)
		return err;
	put_le32(raw + DE_SIZE, S_ISDIR(inode->mode) ? 0 : (u32)inode->size);
	fat_de_set_cluster(FAT_SB(inode->sb), raw, fi->start);
	fat_time_from_unix(inode->mtime, &date, &time);
	put_le16(raw + DE_MTIME, time);
	put_le16(raw + DE_MDATE, date);
	fat_time_from_unix(inode->atime, &date, &time);
	put_le16(raw + DE_ADATE, date);
	raw[DE_ATTR] = (u8)((raw[DE_ATTR] & ~FAT_ATTR_RO) | (fi->attr & FAT_ATTR_RO));
	return fat_slot_io(inode->sb, fi->de_sector, fi->de_off, raw, true);
}

int fat_zero_cluster(struct super_block *sb, u32 cl)
{
	struct fat_sb *fs = FAT_SB(sb);

	for (u32 i = 0; i < fs->spc; i++) {
		struct buf *b;
		int err = bread(fs->bd, fat_cluster_sector(fs, cl) + i, fs->ssize, &b);

		if (err)
			return err;
		memset(b->data, 0, fs->ssize);
		bdirty(b);
		brelse(b);
	}
	return 0;
}

/* A cluster just added to inode's chain. */
static int added(struct inode *inode, u32 cl)
{
	inode->blocks += FAT_SB(inode->sb)->csize / 512;
	if (!S_ISDIR(inode->mode))
		return 0;
	inode->size += FAT_SB(inode->sb)->csize;
	return fat_zero_cluster(inode->sb, cl);
}

int fat_bmap(struct inode *inode, u32 idx, bool alloc, u32 *out)
{
	struct fat_inode *fi = FAT_I(inode);
	struct super_block *sb = inode->sb;
	u32 cl = fi->start, i = 0;
	int err;

	if (idx >= FAT_SB(sb)->nclusters)
		return alloc ? -ENOSPC : -ENOENT;
	if (fi->cache_cl && idx >= fi->cache_idx)
		cl = fi->cache_cl, i = fi->cache_idx;
	if (!cl) {
		if (!alloc)
			return -ENOENT;
		err = fat_alloc(sb, 0, &cl);
		if (!err)
			err = added(inode, cl);
		if (err)
			return err;
		fi->start = cl;
	}
	for (; i < idx; i++) {
		u32 next;

		err = fat_next(sb, cl, &next);
		if (!err && !next && !alloc)
			err = -ENOENT;
		if (!err && !next) {
			err = fat_alloc(sb, cl, &next);
			if (!err)
				err = added(inode, next);
		}
		if (err)
			return err;
		cl = next;
	}
	fi->cache_idx = idx, fi->cache_cl = cl;
	*out = cl;
	return 0;
}

static int shrink(struct inode *inode, u32 keep)
{
	struct fat_inode *fi = FAT_I(inode);
	u32 last, next = 0;
	int err;

	fi->cache_cl = 0;
	set_blocks(inode, keep);
	if (!keep) {
		err = fat_free_chain(inode->sb, fi->start);
		fi->start = 0;
		return err;
	}
	err = fat_bmap(inode, keep - 1, false, &last);
	if (!err)
		err = fat_next(inode->sb, last, &next);
	if (err || !next)
		return err;
	err = fat_end_chain(inode->sb, last);
	return err ? err : fat_free_chain(inode->sb, next);
}

/* Shrinks or grows (with zeros) a file. Inode lock held. */
int fat_truncate(struct inode *inode, u64 size)
{
	u32 csize = FAT_SB(inode->sb)->csize;
	int err;

	if (size > FAT_MAX_FILE_SIZE)
		return -EFBIG;
	if (size > inode->size)
		err = fat_fill_zero(inode, size);
	else
		err = shrink(inode, (u32)((size + csize - 1) / csize));
	if (err)
		return err;
	inode->size = size;
	inode->mtime = inode->ctime = fat_round(vfs_now());
	return fat_write_inode(inode);
}

int fat_setattr(struct inode *inode, const struct iattr *ia)
{
	int err = 0;

	if ((ia->valid & ATTR_UID && ia->uid) || (ia->valid & ATTR_GID && ia->gid))
		return -EPERM;          /* FAT has no owners: everything is root's */
	mutex_lock(&inode->lock);
	if (ia->valid & ATTR_SIZE)
		err = S_ISDIR(inode->mode) ? -EISDIR : fat_truncate(inode, ia->size);
	if (!err && ia->valid & ATTR_MODE) {
		u8 ro = ia->mode & 0200 ? 0 : FAT_ATTR_RO;

		set_type(inode, (u8)((FAT_I(inode)->attr & ~FAT_ATTR_RO) | ro));
	}
	if (ia->valid & ATTR_ATIME)
		inode->atime = fat_round_day(ia->atime);
	if (ia->valid & ATTR_MTIME)
		inode->mtime = fat_round(ia->mtime);
	if (!err) {
		inode->ctime = vfs_now();
		err = fat_write_inode(inode);
	}
	mutex_unlock(&inode->lock);
	return err;
}

const struct super_ops fat_super_ops = {
	.alloc_inode = alloc_inode,
	.destroy_inode = destroy_inode,
	.evict_inode = evict_inode,
	.statfs = fat_statfs,
	.sync_fs = fat_sync_fs,
	.put_super = fat_put_super,
};
