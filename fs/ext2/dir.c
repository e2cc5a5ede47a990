/*
 * ext2 directories: blocks of variable-length entries. Inserting splits an
 * entry's slack (or appends a block), removing merges the entry into the one
 * before it; getdents positions are byte offsets. Every entry is checked
 * before use. The VFS holds the namespace lock around every call here.
 */
#include <tessera/errno.h>
#include <lib/string.h>
#include "ext2.h"

#define NO_PREV       0xffffffffu

/* An entry found by name: its block is held until the caller releases it. */
struct dir_slot {
	struct buf *b;
	u32 off, prev;
};

static const u8 dtype_of_ft[EXT2_FT_MAX] = {
	DT_UNKNOWN, DT_REG, DT_DIR, DT_CHR, DT_BLK, DT_FIFO, DT_SOCK, DT_LNK,
};

static u8 ft_of_mode(u32 mode)
{
	for (u8 ft = 1; ft < EXT2_FT_MAX; ft++)
		if (dtype_of_ft[ft] == ((mode & S_IFMT) >> 12))
			return ft;
	return EXT2_FT_UNKNOWN;
}

static u32 name_len(struct ext2_sb *es, const struct ext2_dirent *de)
{
	return es->filetype ? de->name_len : de->name_len | (u32)de->file_type << 8;
}

/* The entry at off, checked against the block and the filesystem; NULL when corrupt. */
static struct ext2_dirent *entry_at(struct inode *dir, struct buf *b, u32 off)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct ext2_dirent *de = (struct ext2_dirent *)(b->data + off);

	if (es->bs - off < EXT2_DIRENT_HEADER || de->rec_len < EXT2_DIRENT_HEADER ||
	    de->rec_len % 4 || de->rec_len > es->bs - off ||
	    EXT2_DIRENT_HEADER + name_len(es, de) > de->rec_len || de->inode > es->inodes_count ||
	    name_len(es, de) > EXT2_NAME_LEN || (de->inode && !name_len(es, de))) {
		ext2_corrupt(dir->sb, "directory entry", dir->ino, b->block);
		return NULL;
	}
	return de;
}

static int read_dir_block(struct inode *dir, u32 lblk, struct buf **out)
{
	u32 blk;
	int err = ext2_bmap(dir, lblk, false, &blk);

	if (!err && !blk)
		err = ext2_corrupt(dir->sb, "directory (hole)", dir->ino, lblk);
	return err ? err : ext2_bread(dir->sb, blk, out);
}

static u32 dir_blocks(struct inode *dir)
{
	return (u32)(dir->size / EXT2_SB(dir->sb)->bs);
}

static int find_entry(struct inode *dir, const char *name, size_t len, struct dir_slot *s)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);

	for (u32 i = 0; i < dir_blocks(dir); i++) {
		u32 prev = NO_PREV;
		int err = read_dir_block(dir, i, &s->b);

		if (err)
			return err;
		for (u32 off = 0; off < es->bs;) {
			struct ext2_dirent *de = entry_at(dir, s->b, off);

			if (!de) {
				brelse(s->b);
				return -EUCLEAN;
			}
			if (de->inode && name_len(es, de) == len && !memcmp(de->name, name, len)) {
				s->off = off, s->prev = prev;
				return 0;
			}
			prev = off;
			off += de->rec_len;
		}
		brelse(s->b);
	}
	return -ENOENT;
}

static void set_entry(struct ext2_sb *es, struct ext2_dirent *de, const char *name, size_t len,
		      struct inode *inode)
{
	de->inode = (u32)inode->ino;
	de->name_len = (u8)len;
	de->file_type = es->filetype ? ft_of_mode(inode->mode) : 0;
	memcpy(de->name, name, len);
}

/* Directories we change stop being valid htree indexes: drop the flag (as e2fsck allows). */
static int touch_dir(struct inode *dir)
{
	EXT2_I(dir)->flags &= ~EXT2_INDEX_FL;
	dir->mtime = dir->ctime = vfs_now();
	return ext2_write_inode(dir);
}

/* Room for need bytes in one block: a free entry or the slack after a used one. */
static int insert_in_block(struct inode *dir, struct buf *b, const char *name, size_t len,
			   struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	u32 need = ext2_rec_len((u32)len);

	for (u32 off = 0; off < es->bs;) {
		struct ext2_dirent *de = entry_at(dir, b, off), *nde;
		u32 used;

		if (!de)
			return -EUCLEAN;
		used = de->inode ? ext2_rec_len(name_len(es, de)) : 0;
		if (de->rec_len - used >= need) {
			nde = de;
			if (used) {
				nde = (struct ext2_dirent *)((u8 *)de + used);
				nde->rec_len = (u16)(de->rec_len - used);
				de->rec_len = (u16)used;
			}
			set_entry(es, nde, name, len, inode);
			bdirty(b);
			return 0;
		}
		off += de->rec_len;
	}
	return -ENOSPC;
}

static int append_block(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct ext2_dirent *de;
	struct buf *b;
	u32 blk, lblk = dir_blocks(dir);
	int err = ext2_bmap(dir, lblk, true, &blk);

	if (!err)
		err = ext2_bread(dir->sb, blk, &b);
	if (err)
		return err;
	de = (struct ext2_dirent *)b->data;
	de->rec_len = (u16)es->bs;
	set_entry(es, de, name, len, inode);
	bdirty(b);
	brelse(b);
	dir->size += es->bs;
	EXT2_I(dir)->dir_hint = lblk;
	return 0;
}

int ext2_add_entry(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct ext2_inode *ed = EXT2_I(dir);
	u32 n = dir_blocks(dir), start = ed->dir_hint < n ? ed->dir_hint : 0;
	int err;

	if (len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	/* Start where the last insert fit: creating many names stays linear. */
	for (u32 k = 0; k < n; k++) {
		u32 i = (start + k) % n;
		struct buf *b;

		err = read_dir_block(dir, i, &b);
		if (err)
			return err;
		err = insert_in_block(dir, b, name, len, inode);
		brelse(b);
		if (err != -ENOSPC) {
			if (!err)
				ed->dir_hint = i;
			return err ? err : touch_dir(dir);
		}
	}
	err = append_block(dir, name, len, inode);
	return err ? err : touch_dir(dir);
}

static void delete_slot(struct dir_slot *s)
{
	struct ext2_dirent *de = (struct ext2_dirent *)(s->b->data + s->off);

	if (s->prev == NO_PREV)
		de->inode = 0;
	else
		((struct ext2_dirent *)(s->b->data + s->prev))->rec_len += de->rec_len;
	bdirty(s->b);
	brelse(s->b);
}

int ext2_remove_entry(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	struct dir_slot s;
	int err = find_entry(dir, name, len, &s);

	if (err)
		return err;
	if (((struct ext2_dirent *)(s.b->data + s.off))->inode != inode->ino) {
		brelse(s.b);
		return -ENOENT;
	}
	delete_slot(&s);
	return touch_dir(dir);
}

int ext2_dir_is_empty(struct inode *dir)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);

	for (u32 i = 0; i < dir_blocks(dir); i++) {
		struct buf *b;
		int err = read_dir_block(dir, i, &b), empty = 1;

		if (err)
			return err;
		for (u32 off = 0; off < es->bs && empty == 1;) {
			struct ext2_dirent *de = entry_at(dir, b, off);
			u32 nl;

			if (!de) {
				empty = -EUCLEAN;
				break;
			}
			nl = name_len(es, de);
			if (de->inode && !(nl == 1 && de->name[0] == '.') &&
			    !(nl == 2 && de->name[0] == '.' && de->name[1] == '.'))
				empty = 0;
			off += de->rec_len;
		}
		brelse(b);
		if (empty != 1)
			return empty;
	}
	return 1;
}

int ext2_find_ino(struct inode *dir, const char *name, size_t len, u32 *ino)
{
	struct dir_slot s;
	int err = find_entry(dir, name, len, &s);

	if (err)
		return err;
	*ino = ((struct ext2_dirent *)(s.b->data + s.off))->inode;
	brelse(s.b);
	return 0;
}

int ext2_retarget_entry(struct inode *dir, const char *name, size_t len, u32 old_ino,
			struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct ext2_dirent *de;
	struct dir_slot s;
	int err = find_entry(dir, name, len, &s);

	if (err)
		return err;
	de = (struct ext2_dirent *)(s.b->data + s.off);
	if (de->inode != old_ino) {
		u64 block = s.b->block;

		brelse(s.b);
		return ext2_corrupt(dir->sb, "directory entry changed under rename", dir->ino, block);
	}
	de->inode = (u32)inode->ino;
	de->file_type = es->filetype ? ft_of_mode(inode->mode) : 0;
	bdirty(s.b);
	brelse(s.b);
	return touch_dir(dir);
}

int ext2_make_empty_dir(struct inode *inode, struct inode *parent)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	struct ext2_dirent *de;
	struct buf *b;
	u32 blk;
	int err = ext2_bmap(inode, 0, true, &blk);

	if (!err)
		err = ext2_bread(inode->sb, blk, &b);
	if (err)
		return err;
	de = (struct ext2_dirent *)b->data;
	set_entry(es, de, ".", 1, inode);
	de->rec_len = (u16)ext2_rec_len(1);
	de = (struct ext2_dirent *)(b->data + ext2_rec_len(1));
	set_entry(es, de, "..", 2, parent);
	de->rec_len = (u16)(es->bs - ext2_rec_len(1));
	bdirty(b);
	brelse(b);
	inode->size = es->bs;
	return ext2_write_inode(inode);
}

static int iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct ext2_sb *es = EXT2_SB(dir->sb);

	while (ctx->pos < dir->size) {
		u32 lblk = (u32)(ctx->pos / es->bs), want = (u32)(ctx->pos % es->bs);
		struct buf *b;
		int err = read_dir_block(dir, lblk, &b);

		if (err)
			return err;
		/* Walk from the block start: a position from lseek may fall inside an entry. */
		for (u32 off = 0; off < es->bs;) {
			struct ext2_dirent *de = entry_at(dir, b, off);
			u32 ft;

			if (!de) {
				brelse(b);
				return -EUCLEAN;
			}
			ft = es->filetype && de->file_type < EXT2_FT_MAX ? de->file_type : 0;
			if (off >= want && de->inode &&
			    !ctx->emit(ctx, de->name, name_len(es, de), de->inode, dtype_of_ft[ft])) {
				brelse(b);
				return 0;
			}
			off += de->rec_len;
			if (off > want)
				ctx->pos = (u64)lblk * es->bs + off;
		}
		brelse(b);
	}
	return 0;
}

static int dir_fsync(struct file *f)
{
	return ext2_sync_fs(f->inode->sb);
}

const struct file_ops ext2_dir_fops = {
	.iterate = iterate,
	.fsync = dir_fsync,
};
