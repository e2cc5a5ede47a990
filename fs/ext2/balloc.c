/*
 * ext2 block and inode allocation: one bitmap block per group for each,
 * with the group descriptor's and the superblock's free counts kept equal
 * to the bitmaps. Freeing a bit that is already clear is corruption.
 */
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>
#include "ext2.h"

#define BITMAP_FULL_BYTE 0xff

/* First clear bit in [from, nbits) of map, or nbits. */
static u32 find_zero(const u8 *map, u32 from, u32 nbits)
{
	for (u32 i = from; i < nbits; i++) {
		if (!(i & 7) && map[i >> 3] == BITMAP_FULL_BYTE) {
			i += 7;
			continue;
		}
		if (!(map[i >> 3] & (1u << (i & 7))))
			return i;
	}
	return nbits;
}

static u32 blocks_in_group(struct ext2_sb *es, u32 g)
{
	u32 left = es->blocks_count - es->first_data_block - g * es->bpg;

	return left < es->bpg ? left : es->bpg;
}

/* Takes one clear bit at or after from in group g's bitmap; -ENOSPC when none. */
static int take_bit(struct super_block *sb, u32 bitmap, u32 from, u32 nbits, u32 *bit)
{
	struct buf *b;
	int err = ext2_bread(sb, bitmap, &b);
	u32 i;

	if (err)
		return err;
	i = find_zero(b->data, from, nbits);
	if (i < nbits) {
		b->data[i >> 3] |= (u8)(1u << (i & 7));
		bdirty(b);
		*bit = i;
	}
	brelse(b);
	return i < nbits ? 0 : -ENOSPC;
}

/* Clears one bit; -EUCLEAN when it was already clear (a double free). */
static int clear_bit(struct super_block *sb, u32 bitmap, u32 bit, const char *what, u64 nr)
{
	struct buf *b;
	int err = ext2_bread(sb, bitmap, &b);

	if (err)
		return err;
	if (!(b->data[bit >> 3] & (1u << (bit & 7)))) {
		brelse(b);
		return ext2_corrupt(sb, what, 0, nr);
	}
	b->data[bit >> 3] &= (u8)~(1u << (bit & 7));
	bdirty(b);
	brelse(b);
	return 0;
}

/* A block the group's own tables (or the primary superblock and descriptors) use. */
static bool is_metadata(struct ext2_sb *es, u32 g, u32 block)
{
	struct ext2_group_desc *d = &es->gd[g];

	return block <= es->first_data_block + es->gd_blocks || block == d->bg_block_bitmap ||
	       block == d->bg_inode_bitmap ||
	       (block >= d->bg_inode_table && block - d->bg_inode_table < es->itb_per_group);
}

static int alloc_block_in(struct super_block *sb, u32 g, u32 from, u32 *out)
{
	struct ext2_sb *es = EXT2_SB(sb);
	struct ext2_group_desc *d = &es->gd[g];
	u32 bit;
	int err;

	if (!d->bg_free_blocks_count)
		return -ENOSPC;
	err = take_bit(sb, d->bg_block_bitmap, from, blocks_in_group(es, g), &bit);
	if (err == -ENOSPC && from)
		err = take_bit(sb, d->bg_block_bitmap, 0, from, &bit);
	if (err)
		return err;
	d->bg_free_blocks_count--;
	es->raw.s_free_blocks_count--;
	es->dirty = true;
	*out = es->first_data_block + g * es->bpg + bit;
	/* The bit stays taken: handing the block out would overwrite a table. */
	if (is_metadata(es, g, *out))
		return ext2_corrupt(sb, "block bitmap (a table block marked free)", 0, *out);
	return 0;
}

int ext2_new_block(struct super_block *sb, u32 goal, u32 *out)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u32 g0 = 0, from = 0;
	int err = -ENOSPC;

	if (ext2_block_ok(es, goal)) {
		g0 = (goal - es->first_data_block) / es->bpg;
		from = (goal - es->first_data_block) % es->bpg;
	}
	mutex_lock(&es->lock);
	for (u32 i = 0; i < es->ngroups && err == -ENOSPC; i++)
		err = alloc_block_in(sb, (g0 + i) % es->ngroups, i ? 0 : from, out);
	mutex_unlock(&es->lock);
	if (err)
		return err;
	if (!ext2_block_ok(es, *out))
		return ext2_corrupt(sb, "block bitmap", 0, *out);
	return 0;
}

int ext2_free_block(struct super_block *sb, u32 block)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u32 g, bit;
	int err;

	if (!ext2_block_ok(es, block))
		return ext2_corrupt(sb, "block pointer", 0, block);
	g = (block - es->first_data_block) / es->bpg;
	bit = (block - es->first_data_block) % es->bpg;
	mutex_lock(&es->lock);
	err = clear_bit(sb, es->gd[g].bg_block_bitmap, bit, "block bitmap (double free)", block);
	if (!err) {
		es->gd[g].bg_free_blocks_count++;
		es->raw.s_free_blocks_count++;
		es->dirty = true;
	}
	mutex_unlock(&es->lock);
	return err;
}

static int alloc_inode_in(struct super_block *sb, u32 g, bool is_dir, u32 *out)
{
	struct ext2_sb *es = EXT2_SB(sb);
	struct ext2_group_desc *d = &es->gd[g];
	u32 bit, from = g == 0 ? es->first_ino - 1 : 0;
	int err;

	if (!d->bg_free_inodes_count || from >= es->ipg)
		return -ENOSPC;
	err = take_bit(sb, d->bg_inode_bitmap, from, es->ipg, &bit);
	if (err)
		return err;
	d->bg_free_inodes_count--;
	if (is_dir)
		d->bg_used_dirs_count++;
	es->raw.s_free_inodes_count--;
	es->dirty = true;
	*out = g * es->ipg + bit + 1;
	return 0;
}

int ext2_new_inode_nr(struct super_block *sb, u32 dir_ino, bool is_dir, u32 *out)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u32 g0 = (dir_ino - 1) / es->ipg;
	int err = -ENOSPC;

	mutex_lock(&es->lock);
	for (u32 i = 0; i < es->ngroups && err == -ENOSPC; i++)
		err = alloc_inode_in(sb, (g0 + i) % es->ngroups, is_dir, out);
	mutex_unlock(&es->lock);
	return err;
}

int ext2_free_inode_nr(struct super_block *sb, u32 ino, bool is_dir)
{
	struct ext2_sb *es = EXT2_SB(sb);
	u32 g = (ino - 1) / es->ipg;
	int err;

	if (ino < es->first_ino || ino > es->inodes_count)
		return ext2_corrupt(sb, "inode number to free", ino, 0);
	mutex_lock(&es->lock);
	err = clear_bit(sb, es->gd[g].bg_inode_bitmap, (ino - 1) % es->ipg,
			"inode bitmap (double free)", ino);
	if (!err) {
		es->gd[g].bg_free_inodes_count++;
		if (is_dir && es->gd[g].bg_used_dirs_count)
			es->gd[g].bg_used_dirs_count--;
		es->raw.s_free_inodes_count++;
		es->dirty = true;
	}
	mutex_unlock(&es->lock);
	return err;
}
