/*
 * FAT superblocks: the BIOS parameter block checked field by field, the
 * FAT type from the cluster count (fatgen103 section 3.5), FAT32's FSInfo
 * hints, statfs, sync and the "vfat"/"fat" filesystem types.
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include "fat.h"

/* BPB fields (fatgen103 section 3.1-3.3): byte offsets in sector 0. */
#define BPB_JUMP        0
#define BPB_BYTSPERSEC  11
#define BPB_SECPERCLUS  13
#define BPB_RSVDSECCNT  14
#define BPB_NUMFATS     16
#define BPB_ROOTENTCNT  17
#define BPB_TOTSEC16    19
#define BPB_FATSZ16     22
#define BPB_TOTSEC32    32
#define BPB_FATSZ32     36
#define BPB_EXTFLAGS    40
#define BPB_ROOTCLUS    44
#define BPB_FSINFO      48

#define FAT12_MAX_CLUSTERS  4085      /* fewer clusters than this: FAT12 */
#define FAT16_MAX_CLUSTERS  65525     /* fewer than this: FAT16, else FAT32 */
#define FAT_MAX_CSIZE       65536
#define FAT_MAX_FATS        16
#define EXTFLAGS_NO_MIRROR  0x80
#define EXTFLAGS_ACTIVE     0x0f

int fat_corrupt(struct super_block *sb, const char *what, u64 where)
{
	pr_warn("fat: %s: corrupt filesystem: %s %llu\n", FAT_SB(sb)->bd->name, what,
		(unsigned long long)where);
	return -EUCLEAN;
}

static int bad_bpb(struct blkdev *bd, const char *what, u64 value)
{
	pr_warn("fat: %s: not a usable FAT filesystem: %s (%llu)\n", bd->name, what,
		(unsigned long long)value);
	return -EUCLEAN;
}

static bool pow2(u32 v)
{
	return v && !(v & (v - 1));
}

/* Sizes and the data area: every check before any of them is used. */
static int parse_geometry(struct fat_sb *fs, const u8 *p)
{
	struct blkdev *bd = fs->bd;
	u32 rsvd = get_unaligned_u16(p + BPB_RSVDSECCNT), root_secs, meta, tot;
	u32 fatsz = get_unaligned_u16(p + BPB_FATSZ16);

	fs->ssize = get_unaligned_u16(p + BPB_BYTSPERSEC);
	fs->spc = p[BPB_SECPERCLUS];
	fs->nfats = p[BPB_NUMFATS];
	fs->root_entries = get_unaligned_u16(p + BPB_ROOTENTCNT);
	tot = get_unaligned_u16(p + BPB_TOTSEC16);
	if (p[BPB_JUMP] != 0xeb && p[BPB_JUMP] != 0xe9)
		return bad_bpb(bd, "no boot jump", p[BPB_JUMP]);
	if (!pow2(fs->ssize) || fs->ssize < 512 || fs->ssize > 4096)
		return bad_bpb(bd, "bytes per sector", fs->ssize);
	if (fs->ssize % bd->sector_size)
		return bad_bpb(bd, "sectors smaller than the device's", fs->ssize);
	if (!pow2(fs->spc) || fs->ssize * fs->spc > FAT_MAX_CSIZE)
		return bad_bpb(bd, "sectors per cluster", fs->spc);
	if (!fs->nfats || fs->nfats > FAT_MAX_FATS)
		return bad_bpb(bd, "number of FATs", fs->nfats);
	if (!rsvd)
		return bad_bpb(bd, "reserved sectors", 0);
	if (fs->root_entries * FAT_DIRENT_SIZE % fs->ssize)
		return bad_bpb(bd, "root entries not whole sectors", fs->root_entries);
	if (!fatsz)
		fatsz = get_unaligned_u32(p + BPB_FATSZ32);
	if (!tot)
		tot = get_unaligned_u32(p + BPB_TOTSEC32);
	if (!fatsz || fatsz > tot)
		return bad_bpb(bd, "sectors per FAT", fatsz);
	if ((u64)tot * fs->ssize > bd->sectors * bd->sector_size)
		return bad_bpb(bd, "larger than the device, sectors", tot);
	fs->csize = fs->ssize * fs->spc;
	fs->fat_start = rsvd;
	fs->fat_sectors = fatsz;
	root_secs = (fs->root_entries * FAT_DIRENT_SIZE + fs->ssize - 1) / fs->ssize;
	fs->root_start = rsvd + fs->nfats * fatsz;
	meta = fs->root_start + root_secs;
	if ((u64)rsvd + (u64)fs->nfats * fatsz + root_secs >= tot)
		return bad_bpb(bd, "no data area, sectors", tot);
	fs->data_start = meta;
	fs->nclusters = (tot - meta) / fs->spc;
	if (!fs->nclusters)
		return bad_bpb(bd, "no clusters", 0);
	fs->bits = fs->nclusters < FAT12_MAX_CLUSTERS ? 12 :
		   fs->nclusters < FAT16_MAX_CLUSTERS ? 16 : 32;
	return 0;
}

/* What the FAT can describe caps the cluster count (as Linux does). */
static void clamp_to_fat(struct fat_sb *fs)
{
	u64 entries = (u64)fs->fat_sectors * fs->ssize * 8 / fs->bits;

	if (entries < (u64)fs->nclusters + 2)
		fs->nclusters = (u32)(entries - 2);
}

static int parse_fat32(struct fat_sb *fs, const u8 *p)
{
	u16 ext = get_unaligned_u16(p + BPB_EXTFLAGS);
	u32 fsinfo = get_unaligned_u16(p + BPB_FSINFO);

	if (fs->root_entries || get_unaligned_u16(p + BPB_FATSZ16))
		return bad_bpb(fs->bd, "FAT32 with a FAT16 root or FAT size", fs->root_entries);
	fs->root_cluster = get_unaligned_u32(p + BPB_ROOTCLUS);
	if (!fat_valid_cluster(fs, fs->root_cluster))
		return bad_bpb(fs->bd, "root cluster", fs->root_cluster);
	fs->active_fat = -1;
	if (ext & EXTFLAGS_NO_MIRROR) {
		if ((ext & EXTFLAGS_ACTIVE) >= fs->nfats)
			return bad_bpb(fs->bd, "active FAT", ext & EXTFLAGS_ACTIVE);
		fs->active_fat = ext & EXTFLAGS_ACTIVE;
	}
	fs->fsinfo_sector = fsinfo && fsinfo < fs->fat_start ? fsinfo : 0;
	return 0;
}

static int read_fsinfo(struct fat_sb *fs)
{
	struct buf *b;
	int err;

	if (!fs->fsinfo_sector)
		return 0;
	err = bread(fs->bd, fs->fsinfo_sector, fs->ssize, &b);
	if (err)
		return err;
	if (fat_fsinfo_valid(b->data))
		fat_fsinfo_read(fs, b->data);
	else
		fs->fsinfo_sector = 0;  /* not there: count free clusters when asked */
	brelse(b);
	return 0;
}

static int read_bpb(struct fat_sb *fs)
{
	struct buf *b;
	int err = bread(fs->bd, 0, fs->bd->sector_size, &b);

	if (err)
		return err;
	err = parse_geometry(fs, b->data);
	if (!err && fs->bits != 32 && !fs->root_entries)
		err = bad_bpb(fs->bd, "FAT12/16 without root entries", 0);
	if (!err && fs->bits != 32 && !get_unaligned_u16(b->data + BPB_FATSZ16))
		err = bad_bpb(fs->bd, "FAT12/16 without a 16-bit FAT size", fs->nclusters);
	if (!err)
		clamp_to_fat(fs);
	fs->active_fat = -1;
	if (!err && fs->bits == 32)
		err = parse_fat32(fs, b->data);
	brelse(b);
	return err ? err : read_fsinfo(fs);
}

/* The one place a device number becomes a disk. */
static struct blkdev *fat_blkdev(kdev_t dev)
{
	return blkdev_by_dev(dev);
}

int fat_statfs(struct super_block *sb, struct statfs *st)
{
	struct fat_sb *fs = FAT_SB(sb);
	u32 free;
	int err = fat_count_free(sb, &free);

	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	st->f_type = MSDOS_SUPER_MAGIC;
	st->f_bsize = fs->csize;
	st->f_frsize = fs->csize;
	st->f_blocks = fs->nclusters;
	st->f_bfree = free;
	st->f_bavail = free;
	st->f_namelen = FAT_LFN_MAX;
	return 0;
}

int fat_sync_fs(struct super_block *sb)
{
	int err;

	if (sb->flags & SB_RDONLY)
		return 0;
	err = fat_write_fsinfo(sb);
	return err ? err : bsync(FAT_SB(sb)->bd);
}

void fat_put_super(struct super_block *sb)
{
	struct fat_sb *fs = FAT_SB(sb);

	if (!fs)
		return;
	if (fs->bd) {
		fat_sync_fs(sb);
		bcache_invalidate(fs->bd);
	}
	kfree(fs);
	sb->priv = NULL;
}

static int fill_super(struct super_block *sb, const struct mount_args *args)
{
	struct fat_sb *fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	struct inode *root;
	int err;

	if (!fs)
		return -ENOMEM;
	sb->priv = fs;
	mutex_init(&fs->fat_lock);
	fs->bd = fat_blkdev(args->dev);
	if (!fs->bd)
		return -ENXIO;
	fs->free_count = FAT_NO_COUNT;
	fs->next_free = 2;
	err = read_bpb(fs);
	if (err)
		return err;
	sb->dev = args->dev;
	sb->block_size = fs->csize;
	sb->magic = MSDOS_SUPER_MAGIC;
	sb->flags = args->flags & MS_RDONLY ? SB_RDONLY : 0;
	root = fat_root_inode(sb, &err);
	if (!root)
		return err;
	if (sb_set_root(sb, root)) {
		iput(root);
		return -ENOMEM;
	}
	return 0;
}

static int fat_mount(struct fs_type *type, const struct mount_args *args,
		     struct super_block **out)
{
	struct super_block *sb = sb_alloc(type, &fat_super_ops);
	int err;

	if (!sb)
		return -ENOMEM;
	err = fill_super(sb, args);
	if (err) {
		sb_free(sb);            /* calls fat_put_super */
		return err;
	}
	pr_info("fat: %s: FAT%d, %u clusters of %u bytes\n", FAT_SB(sb)->bd->name,
		FAT_SB(sb)->bits, FAT_SB(sb)->nclusters, FAT_SB(sb)->csize);
	*out = sb;
	return 0;
}

static struct fs_type fat_types[] = {
	{ .name = "vfat", .flags = FS_REQUIRES_DEV, .mount = fat_mount },
	{ .name = "fat", .flags = FS_REQUIRES_DEV, .mount = fat_mount },
};

int fat_init(void)
{
	for (unsigned int i = 0; i < sizeof(fat_types) / sizeof(fat_types[0]); i++) {
		int err = register_filesystem(&fat_types[i]);

		if (err)
			return err;
	}
	return 0;
}
