/*
 * ext2 block maps: 12 direct pointers, then single, double and triple
 * indirect blocks. Lookup (allocating the path on writes) and truncation
 * (freeing data and emptied indirect blocks). Pointers are checked against
 * the disk size and the path above them, so a loop is corruption, not a hang.
 */
#include <tessera/errno.h>
#include <lib/string.h>
#include "ext2.h"

#define EXT2_MAX_DEPTH 3

u64 ext2_max_blocks(struct ext2_sb *es)
{
	u64 a = es->apb;

	return EXT2_NDIR_BLOCKS + a + a * a + a * a * a;
}

u64 ext2_max_size(struct ext2_sb *es)
{
	/* Revision 0 has no feature flags, so no large_file: sizes stay 31-bit. */
	if (es->raw.s_rev_level == 0)
		return EXT2_MAX_SIZE_32;
	return ext2_max_blocks(es) * es->bs;
}

/*
 * Splits lblk into the slot in i_block and the indexes inside each level of
 * indirect block; returns the depth (0: direct) or -EFBIG.
 */
static int block_path(struct ext2_sb *es, u64 lblk, u32 *slot, u32 idx[EXT2_MAX_DEPTH])
{
	u64 a = es->apb, span = a;

	if (lblk < EXT2_NDIR_BLOCKS) {
		*slot = (u32)lblk;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	for (int depth = 1; depth <= EXT2_MAX_DEPTH; depth++, span *= a) {
		if (lblk < span) {
			*slot = EXT2_IND_BLOCK + depth - 1;
			for (int i = depth - 1; i >= 0; i--, lblk /= a)
				idx[i] = (u32)(lblk % a);
			return depth;
		}
		lblk -= span;
	}
	return -EFBIG;
}

/* A zeroed new block near goal; counted in the inode's i_blocks. */
static int alloc_zeroed(struct inode *inode, u32 goal, u32 *out)
{
	struct buf *b;
	int err = ext2_new_block(inode->sb, goal, out);

	if (err)
		return err;
	err = ext2_bread(inode->sb, *out, &b);
	if (err) {
		ext2_free_block(inode->sb, *out);
		return err;
	}
	memset(b->data, 0, b->size);
	bdirty(b);
	brelse(b);
	inode->blocks += EXT2_SB(inode->sb)->bs / 512;
	return 0;
}

/* A pointer read from disk: inside the disk and not one of the blocks above it. */
static int check_ptr(struct inode *inode, u32 p, const u32 *above, int n)
{
	if (!ext2_block_ok(EXT2_SB(inode->sb), p))
		return ext2_corrupt(inode->sb, "block pointer", inode->ino, p);
	for (int i = 0; i < n; i++)
		if (above[i] == p)
			return ext2_corrupt(inode->sb, "indirect block loop", inode->ino, p);
	return 0;
}

int ext2_bmap(struct inode *inode, u64 lblk, bool create, u32 *out)
{
	struct ext2_inode *ei = EXT2_I(inode);
	u32 slot, idx[EXT2_MAX_DEPTH], above[EXT2_MAX_DEPTH + 1], p;
	int depth = block_path(EXT2_SB(inode->sb), lblk, &slot, idx), err;

	if (depth < 0)
		return depth;
	p = ei->i_block[slot];
	if (!p) {
		if (!create)
			goto hole;
		err = alloc_zeroed(inode, ei->i_block[slot ? slot - 1 : 0], &p);
		if (err)
			return err;
		ei->i_block[slot] = p;
	}
	for (int level = 0; level <= depth; level++) {
		struct buf *b;
		u32 *ptrs, next;

		err = check_ptr(inode, p, above, level);
		if (err)
			return err;
		if (level == depth)
			break;
		above[level] = p;
		err = ext2_bread(inode->sb, p, &b);
		if (err)
			return err;
		ptrs = (u32 *)b->data;
		next = ptrs[idx[level]];
		if (!next && create) {
			err = alloc_zeroed(inode, p, &next);
			if (!err) {
				ptrs[idx[level]] = next;
				bdirty(b);
			}
		}
		brelse(b);
		if (err)
			return err;
		if (!next)
			goto hole;
		p = next;
	}
	*out = p;
	return 0;
hole:
	*out = 0;
	return 0;
}

static void drop_block(struct inode *inode, u32 *p, int *err)
{
	int e = ext2_free_block(inode->sb, *p);

	if (e && !*err)
		*err = e;
	if (!e)
		inode->blocks -= EXT2_SB(inode->sb)->bs / 512;
	*p = 0;
}

/*
 * Frees what *p maps from logical block from on (relative to the subtree,
 * which spans span blocks at this depth); *p becomes 0 when nothing under
 * it is left. Bad pointers are cleared and reported, the rest still freed.
 */
static void trunc_tree(struct inode *inode, u32 *p, int depth, u64 from, u64 span,
		       u32 *above, int n, int *err)
{
	u64 child_span = span / EXT2_SB(inode->sb)->apb;
	struct buf *b;
	u32 *ptrs;
	bool changed = false;
	int e;

	if (!*p)
		return;
	e = check_ptr(inode, *p, above, n);
	if (e) {
		*err = *err ? *err : e;
		*p = 0;
		return;
	}
	if (depth == 0) {
		if (from == 0)
			drop_block(inode, p, err);
		return;
	}
	above[n] = *p;
	if (ext2_bread(inode->sb, *p, &b)) {
		*err = -EIO;
		return;
	}
	ptrs = (u32 *)b->data;
	for (u32 i = 0; i < EXT2_SB(inode->sb)->apb; i++) {
		u64 start = i * child_span;

		if (!ptrs[i] || start + child_span <= from)
			continue;
		trunc_tree(inode, &ptrs[i], depth - 1, from > start ? from - start : 0, child_span,
			   above, n + 1, err);
		changed |= !ptrs[i];
	}
	if (changed)
		bdirty(b);
	brelse(b);
	if (from == 0)
		drop_block(inode, p, err);
}

int ext2_truncate_blocks(struct inode *inode, u64 from)
{
	struct ext2_inode *ei = EXT2_I(inode);
	u64 a = EXT2_SB(inode->sb)->apb, span = a, start = EXT2_NDIR_BLOCKS;
	u32 above[EXT2_MAX_DEPTH + 1];
	int err = 0;

	for (u32 i = 0; i < EXT2_NDIR_BLOCKS; i++)
		if (i >= from && ei->i_block[i])
			drop_block(inode, &ei->i_block[i], &err);
	for (int depth = 1; depth <= EXT2_MAX_DEPTH; depth++, span *= a) {
		u32 *slot = &ei->i_block[EXT2_IND_BLOCK + depth - 1];

		if (start + span > from)
			trunc_tree(inode, slot, depth, from > start ? from - start : 0, span,
				   above, 0, &err);
		start += span;
	}
	return err;
}
