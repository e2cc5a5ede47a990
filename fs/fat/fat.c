/*
 * The file allocation table: 12-, 16- or 32-bit entries (FAT12 packs two in
 * three bytes, so one may straddle a sector), every copy written, cluster
 * chains walked at most nclusters steps so a loop on disk cannot hang us.
 */
#include <lib/string.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include "fat.h"

#define FAT12_BAD  0xff7u

static u32 eoc_min(const struct fat_sb *fs)
{
	return fs->bits == 12 ? 0xff8u : fs->bits == 16 ? 0xfff8u : 0x0ffffff8u;
}

static u32 eoc_mark(const struct fat_sb *fs)
{
	return fs->bits == 12 ? 0xfffu : fs->bits == 16 ? 0xffffu : 0x0fffffffu;
}

static u64 entry_offset(const struct fat_sb *fs, u32 cl)
{
	if (fs->bits == 12)
		return cl + cl / 2;
	return (u64)cl * (fs->bits / 8);
}

/* Reads or writes n bytes at byte off of FAT copy fatno; they may cross a sector. */
static int fat_io(struct fat_sb *fs, u32 fatno, u64 off, u8 *val, u32 n, bool write)
{
	u32 i = 0;

	while (i < n) {
		u64 sec = fs->fat_start + (u64)fatno * fs->fat_sectors + (off + i) / fs->ssize;
		u32 in = (u32)((off + i) % fs->ssize);
		u32 k = fs->ssize - in < n - i ? fs->ssize - in : n - i;
		struct buf *b;
		int err = bread(fs->bd, sec, fs->ssize, &b);

		if (err)
			return err;
		if (write) {
			memcpy(b->data + in, val + i, k);
			bdirty(b);
		} else {
			memcpy(val + i, b->data + in, k);
		}
		brelse(b);
		i += k;
	}
	return 0;
}

static u32 entry_bytes(const struct fat_sb *fs)
{
	return fs->bits == 12 ? 2 : fs->bits / 8;
}

static int get_raw(struct fat_sb *fs, u32 cl, u32 *v)
{
	u8 b[4] = { 0 };
	u32 fatno = fs->active_fat < 0 ? 0 : (u32)fs->active_fat;
	int err = fat_io(fs, fatno, entry_offset(fs, cl), b, entry_bytes(fs), false);
	u32 val = get_unaligned_u32(b);

	if (err)
		return err;
	if (fs->bits == 12)
		val = (cl & 1 ? val >> 4 : val) & 0xfff;
	else if (fs->bits == 16)
		val &= 0xffff;
	else
		val &= 0x0fffffff;
	*v = val;
	return 0;
}

/* Writes entry cl in every FAT copy (only the active one when mirroring is off). */
static int set_raw(struct fat_sb *fs, u32 cl, u32 v)
{
	u64 off = entry_offset(fs, cl);
	u32 n = entry_bytes(fs);

	for (u32 f = 0; f < fs->nfats; f++) {
		u8 b[4] = { 0 };
		u32 old;
		int err;

		if (fs->active_fat >= 0 && f != (u32)fs->active_fat)
			continue;
		err = fat_io(fs, f, off, b, n, false);
		if (err)
			return err;
		old = get_unaligned_u32(b);
		if (fs->bits == 12)
			old = cl & 1 ? (old & 0x000f) | (v << 4) : (old & 0xf000) | (v & 0xfff);
		else if (fs->bits == 32)
			old = (old & 0xf0000000) | (v & 0x0fffffff);
		else
			old = v;
		put_le32(b, old);
		err = fat_io(fs, f, off, b, n, true);
		if (err)
			return err;
	}
	return 0;
}

/* Decodes a link: 0 for end of chain, the cluster, or -EUCLEAN. */
static int decode_next(struct super_block *sb, u32 cl, u32 raw, u32 *next)
{
	struct fat_sb *fs = FAT_SB(sb);

	if (raw >= eoc_min(fs)) {
		*next = 0;
		return 0;
	}
	if (!fat_valid_cluster(fs, raw))
		return fat_corrupt(sb, raw ? "cluster chain points outside the data area"
				      : "cluster chain runs into a free cluster", cl);
	*next = raw;
	return 0;
}

int fat_next(struct super_block *sb, u32 cl, u32 *next)
{
	struct fat_sb *fs = FAT_SB(sb);
	u32 raw;
	int err;

	if (!fat_valid_cluster(fs, cl))
		return fat_corrupt(sb, "cluster number outside the data area", cl);
	mutex_lock(&fs->fat_lock);
	err = get_raw(fs, cl, &raw);
	mutex_unlock(&fs->fat_lock);
	return err ? err : decode_next(sb, cl, raw, next);
}

int fat_chain_length(struct super_block *sb, u32 cl, u32 *out)
{
	struct fat_sb *fs = FAT_SB(sb);
	u32 n = 0;

	while (cl) {
		int err;

		if (n++ > fs->nclusters)
			return fat_corrupt(sb, "loop in a cluster chain", cl);
		err = fat_next(sb, cl, &cl);
		if (err)
			return err;
	}
	*out = n;
	return 0;
}

static int find_free(struct fat_sb *fs, u32 *out)
{
	u32 start = fat_valid_cluster(fs, fs->next_free) ? fs->next_free : 2;

	for (u32 i = 0; i < fs->nclusters; i++) {
		u32 cl = 2 + (start - 2 + i) % fs->nclusters, v;
		int err = get_raw(fs, cl, &v);

		if (err)
			return err;
		if (v == 0) {
			*out = cl;
			return 0;
		}
	}
	return -ENOSPC;
}

int fat_alloc(struct super_block *sb, u32 prev, u32 *out)
{
	struct fat_sb *fs = FAT_SB(sb);
	u32 cl = 0;
	int err = -ENOSPC;

	mutex_lock(&fs->fat_lock);
	if (fs->free_count != 0)
		err = find_free(fs, &cl);
	if (!err)
		err = set_raw(fs, cl, eoc_mark(fs));
	if (!err && prev)
		err = set_raw(fs, prev, cl);
	if (!err) {
		if (fs->free_count != FAT_NO_COUNT)
			fs->free_count--;
		fs->next_free = cl + 1;
		fs->fsinfo_dirty = true;
		*out = cl;
	}
	mutex_unlock(&fs->fat_lock);
	return err;
}

int fat_end_chain(struct super_block *sb, u32 cl)
{
	struct fat_sb *fs = FAT_SB(sb);
	int err;

	mutex_lock(&fs->fat_lock);
	err = set_raw(fs, cl, eoc_mark(fs));
	mutex_unlock(&fs->fat_lock);
	return err;
}

static int free_locked(struct super_block *sb, u32 cl)
{
	struct fat_sb *fs = FAT_SB(sb);

	for (u32 n = 0; cl; n++) {
		u32 raw;
		int err;

		if (n > fs->nclusters)
			return fat_corrupt(sb, "loop in a cluster chain", cl);
		if (!fat_valid_cluster(fs, cl))
			return fat_corrupt(sb, "cluster number outside the data area", cl);
		err = get_raw(fs, cl, &raw);
		if (!err)
			err = set_raw(fs, cl, 0);
		if (err)
			return err;
		if (fs->free_count != FAT_NO_COUNT)
			fs->free_count++;
		fs->fsinfo_dirty = true;
		err = decode_next(sb, cl, raw, &cl);
		if (err)
			return err;
	}
	return 0;
}

int fat_free_chain(struct super_block *sb, u32 cl)
{
	struct fat_sb *fs = FAT_SB(sb);
	int err;

	mutex_lock(&fs->fat_lock);
	err = free_locked(sb, cl);
	mutex_unlock(&fs->fat_lock);
	return err;
}

int fat_count_free(struct super_block *sb, u32 *out)
{
	struct fat_sb *fs = FAT_SB(sb);
	int err = 0;

	mutex_lock(&fs->fat_lock);
	if (fs->free_count == FAT_NO_COUNT) {
		u32 n = 0;

		for (u32 cl = 2; cl < fs->nclusters + 2 && !err; cl++) {
			u32 v;

			err = get_raw(fs, cl, &v);
			n += !err && v == 0;
		}
		if (!err) {
			fs->free_count = n;
			fs->fsinfo_dirty = true;
		}
	}
	*out = fs->free_count;
	mutex_unlock(&fs->fat_lock);
	return err;
}

/* FSInfo (fatgen103 section 5): signatures at 0, 484 and 508. */
#define FSI_LEAD_SIG    0x41615252u
#define FSI_STRUC_SIG   0x61417272u
#define FSI_TRAIL_SIG   0xaa550000u
#define FSI_STRUC_OFF   484
#define FSI_FREE_OFF    488
#define FSI_NEXT_OFF    492
#define FSI_TRAIL_OFF   508

bool fat_fsinfo_valid(const u8 *p)
{
	return get_unaligned_u32(p) == FSI_LEAD_SIG &&
	       get_unaligned_u32(p + FSI_STRUC_OFF) == FSI_STRUC_SIG &&
	       get_unaligned_u32(p + FSI_TRAIL_OFF) == FSI_TRAIL_SIG;
}

void fat_fsinfo_read(struct fat_sb *fs, const u8 *p)
{
	u32 free = get_unaligned_u32(p + FSI_FREE_OFF);
	u32 next = get_unaligned_u32(p + FSI_NEXT_OFF);

	/* Hints only: a count past the cluster count means "not known". */
	fs->free_count = free <= fs->nclusters ? free : FAT_NO_COUNT;
	fs->next_free = fat_valid_cluster(fs, next) ? next : 2;
}

int fat_write_fsinfo(struct super_block *sb)
{
	struct fat_sb *fs = FAT_SB(sb);
	struct buf *b;
	int err;

	if (!fs->fsinfo_sector || !fs->fsinfo_dirty)
		return 0;
	mutex_lock(&fs->fat_lock);
	err = bread(fs->bd, fs->fsinfo_sector, fs->ssize, &b);
	if (!err) {
		if (fat_fsinfo_valid(b->data)) {
			put_le32(b->data + FSI_FREE_OFF, fs->free_count);
			put_le32(b->data + FSI_NEXT_OFF, fs->next_free);
			bdirty(b);
		}
		brelse(b);
		fs->fsinfo_dirty = false;
	}
	mutex_unlock(&fs->fat_lock);
	return err;
}
