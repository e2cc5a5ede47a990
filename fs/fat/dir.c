/*
 * FAT directories as arrays of 32-byte slots: the walk that joins long-name
 * slots to their short entry (a broken sequence is corruption, not a name to
 * guess at), finding a free run of slots, writing and deleting entries, and
 * getdents. Slot positions are the getdents offsets.
 */
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "fat.h"

#define FAT_DIR_MAX_SLOTS  65536   /* fatgen103: a directory is at most 2 MiB */

static const u8 lfn_offsets[LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

static bool fixed_root(struct inode *dir)
{
	return dir->ino == FAT_ROOT_INO && FAT_SB(dir->sb)->bits != 32;
}

/* Where slot idx lives; -ENOENT past the end (unless alloc grows the directory). */
static int slot_locate(struct inode *dir, u32 idx, bool alloc, u64 *sector, u32 *off)
{
	struct fat_sb *fs = FAT_SB(dir->sb);
	u64 byte = (u64)idx * FAT_DIRENT_SIZE;
	u32 cl;
	int err;

	if (fixed_root(dir)) {
		if (idx >= fs->root_entries)
			return alloc ? -ENOSPC : -ENOENT;
		*sector = fs->root_start + byte / fs->ssize;
		*off = (u32)(byte % fs->ssize);
		return 0;
	}
	if (idx >= FAT_DIR_MAX_SLOTS)
		return alloc ? -ENOSPC : -ENOENT;
	err = fat_bmap(dir, (u32)(byte / fs->csize), alloc, &cl);
	if (err)
		return err;
	*sector = fat_cluster_sector(fs, cl) + (byte % fs->csize) / fs->ssize;
	*off = (u32)(byte % fs->ssize);
	return 0;
}

int fat_slot_io(struct super_block *sb, u64 sector, u32 off, u8 *raw, bool write)
{
	struct fat_sb *fs = FAT_SB(sb);
	struct buf *b;
	int err = bread(fs->bd, sector, fs->ssize, &b);

	if (err)
		return err;
	if (write) {
		memcpy(b->data + off, raw, FAT_DIRENT_SIZE);
		bdirty(b);
	} else {
		memcpy(raw, b->data + off, FAT_DIRENT_SIZE);
	}
	brelse(b);
	return 0;
}

static int slot_read(struct inode *dir, u32 idx, u8 *raw, u64 *sector, u32 *off)
{
	int err = slot_locate(dir, idx, false, sector, off);

	return err ? err : fat_slot_io(dir->sb, *sector, *off, raw, false);
}

static int lfn_broken(struct inode *dir, u32 pos)
{
	return fat_corrupt(dir->sb, "broken long-name sequence in a directory, slot", pos);
}

static int lfn_slot(struct fat_dir_iter *it, const u8 *raw, struct fat_dirent *de)
{
	struct fat_lfn_state *st = &it->st;
	u32 ord = raw[LFN_ORD] & LFN_ORD_MASK;

	if (raw[LFN_ORD] & LFN_LAST) {
		if (st->expect || !ord || ord > LFN_MAX_SLOTS)
			return lfn_broken(it->dir, it->pos);
		st->slots = ord;
		st->sum = raw[LFN_CHKSUM];
		de->first_slot = it->pos;
	} else if (!st->expect || ord != st->expect || raw[LFN_CHKSUM] != st->sum) {
		return lfn_broken(it->dir, it->pos);
	}
	for (u32 j = 0; j < LFN_CHARS; j++)
		st->units[(ord - 1) * LFN_CHARS + j] = get_unaligned_u16(raw + lfn_offsets[j]);
	st->expect = ord - 1;
	return 0;
}

/* The short entry that ends a walk step: names from the long slots or the 8.3 name. */
static int short_slot(struct fat_dir_iter *it, struct fat_dirent *de)
{
	struct fat_lfn_state *st = &it->st;
	u32 n = 0, max;

	de->lfn = st->slots != 0;
	if (it->names)
		fat_short_to_name(de->raw, de->short_name, &de->short_len);
	if (!st->slots) {
		de->first_slot = it->pos;
		if (it->names) {
			memcpy(de->name, de->short_name, de->short_len + 1);
			de->name_len = de->short_len;
		}
		return 0;
	}
	if (st->expect || fat_lfn_checksum(de->raw) != st->sum)
		return lfn_broken(it->dir, it->pos);
	max = st->slots * LFN_CHARS;
	while (n < max && st->units[n])
		n++;
	if (!n || n > FAT_LFN_MAX)
		return lfn_broken(it->dir, it->pos);
	return fat_lfn_to_utf8(st->units, n, de->name, &de->name_len);
}

static bool is_dot_entry(const u8 *raw)
{
	return !memcmp(raw, ".          ", FAT_NAME_LEN) || !memcmp(raw, "..         ", FAT_NAME_LEN);
}

void fat_iter_init(struct fat_dir_iter *it, struct inode *dir, u32 pos, bool names)
{
	memset(it, 0, sizeof(*it));
	it->dir = dir;
	it->pos = pos;
	it->names = names;
}

void fat_iter_done(struct fat_dir_iter *it)
{
	if (it->b)
		brelse(it->b);
	it->b = NULL;
}

/* Slot it->pos, from the held sector when it is there: one bread per sector. */
static int iter_slot(struct fat_dir_iter *it, u8 **raw, u64 *sector, u32 *off)
{
	struct fat_sb *fs = FAT_SB(it->dir->sb);
	u32 per = fs->ssize / FAT_DIRENT_SIZE;
	int err;

	if (it->b && it->pos % per && it->pos == it->last + 1) {
		*sector = it->sector;
		*off = (it->pos % per) * FAT_DIRENT_SIZE;
	} else {
		err = slot_locate(it->dir, it->pos, false, sector, off);
		if (err)
			return err;
		if (!it->b || it->sector != *sector) {
			fat_iter_done(it);
			err = bread(fs->bd, *sector, fs->ssize, &it->b);
			if (err)
				return err;
			it->sector = *sector;
		}
	}
	it->last = it->pos;
	*raw = it->b->data + *off;
	return 0;
}

/* What one slot means to the walk: 1 an entry, 0 go on, -1 the end, or -errno. */
static int walk_slot(struct fat_dir_iter *it, const u8 *raw, struct fat_dirent *de)
{
	bool pending = it->st.slots != 0;

	if (raw[0] == FAT_DE_END)
		return pending ? lfn_broken(it->dir, it->pos) : -1;
	if (raw[0] == FAT_DE_FREE)
		return pending ? lfn_broken(it->dir, it->pos) : 0;
	if ((raw[DE_ATTR] & 0x3f) == FAT_ATTR_LFN)
		return lfn_slot(it, raw, de);
	if ((raw[DE_ATTR] & FAT_ATTR_VOLUME) || is_dot_entry(raw))
		return pending ? lfn_broken(it->dir, it->pos) : 0;
	memcpy(de->raw, raw, FAT_DIRENT_SIZE);
	de->slot = it->pos;
	return short_slot(it, de) ?: 1;
}

int fat_dir_next(struct fat_dir_iter *it, struct fat_dirent *de)
{
	it->st.slots = 0;
	it->st.expect = 0;
	for (;; it->pos++) {
		u8 *raw;
		int ret = iter_slot(it, &raw, &de->sector, &de->off);

		if (ret == -ENOENT)
			return it->st.slots ? lfn_broken(it->dir, it->pos) : 0;
		if (!ret)
			ret = walk_slot(it, raw, de);
		if (ret == -1)
			return 0;
		if (ret) {
			if (ret > 0)
				it->pos++;
			return ret;
		}
	}
}

/* A directory walk with its iterator and entry on the heap (both are large). */
struct fat_walk {
	struct fat_dir_iter it;
	struct fat_dirent de;
};

static struct fat_walk *walk_start(struct inode *dir, u32 pos, bool names)
{
	struct fat_walk *w = kmalloc(sizeof(*w), GFP_KERNEL);

	if (w)
		fat_iter_init(&w->it, dir, pos, names);
	return w;
}

static void walk_end(struct fat_walk *w)
{
	fat_iter_done(&w->it);
	kfree(w);
}

static bool raw_eq(const u8 *a, const u8 *b)
{
	for (int i = 0; i < FAT_NAME_LEN; i++) {
		u8 x = a[i] >= 'a' && a[i] <= 'z' ? (u8)(a[i] - 32) : a[i];
		u8 y = b[i] >= 'a' && b[i] <= 'z' ? (u8)(b[i] - 32) : b[i];

		if (x != y)
			return false;
	}
	return true;
}

static bool raw_plain(const u8 *raw)
{
	for (int i = 0; i < FAT_NAME_LEN; i++)
		if (raw[i] >= 0x80 || raw[i] < 0x20)
			return false;
	return true;
}

/*
 * Does the entry carry name? Its long name compared as UTF-8; its 8.3 name
 * compared raw against name's 8.3 form (the fast path for big directories),
 * or as text when it holds bytes the raw form cannot.
 */
static bool entry_matches(struct fat_dirent *de, const char *name, size_t len,
			  const u8 *want, bool want_ok)
{
	if (de->lfn && fat_name_eq(name, len, de->name, de->name_len))
		return true;
	if (raw_plain(de->raw))
		return want_ok && raw_eq(want, de->raw);
	fat_short_to_name(de->raw, de->short_name, &de->short_len);
	return fat_name_eq(name, len, de->short_name, de->short_len);
}

int fat_dir_find(struct inode *dir, const char *name, size_t len, struct fat_dirent *de)
{
	struct fat_walk *w = walk_start(dir, 0, false);
	u8 want[FAT_NAME_LEN];
	bool want_ok = fat_short_folded(name, len, want);
	int ret;

	if (!w)
		return -ENOMEM;
	while ((ret = fat_dir_next(&w->it, &w->de)) > 0)
		if (entry_matches(&w->de, name, len, want, want_ok))
			break;
	if (ret > 0)
		memcpy(de, &w->de, sizeof(*de));
	walk_end(w);
	return ret > 0 ? 0 : ret ? ret : -ENOENT;
}

int fat_dir_count_subdirs(struct inode *dir, u32 *out)
{
	struct fat_walk *w = walk_start(dir, 0, false);
	u32 n = 0;
	int ret;

	if (!w)
		return -ENOMEM;
	while ((ret = fat_dir_next(&w->it, &w->de)) > 0)
		n += !!(w->de.raw[DE_ATTR] & FAT_ATTR_DIR);
	walk_end(w);
	*out = n;
	return ret;
}

int fat_dir_is_empty(struct inode *dir)
{
	struct fat_walk *w = walk_start(dir, 0, false);
	int ret;

	if (!w)
		return -ENOMEM;
	ret = fat_dir_next(&w->it, &w->de);
	walk_end(w);
	return ret > 0 ? -ENOTEMPTY : ret;
}

/*
 * First slot of a run of need free slots (the run may reach past the end).
 * Slots below the directory's hint are known to be in use.
 */
static int find_free_run(struct inode *dir, u32 need, u32 *first)
{
	struct fat_dir_iter *it = kmalloc(sizeof(*it), GFP_KERNEL);
	u32 run = 0, start = 0;
	int err = 0;

	if (!it)
		return -ENOMEM;
	fat_iter_init(it, dir, FAT_I(dir)->free_hint, false);
	for (;; it->pos++) {
		u64 sector;
		u32 off;
		u8 *raw;

		err = iter_slot(it, &raw, &sector, &off);
		if (err == -ENOENT || (!err && raw[0] == FAT_DE_END)) {
			if (!run)
				start = it->pos;        /* everything from here on is free */
			err = 0;
			break;
		}
		if (err)
			break;
		if (raw[0] != FAT_DE_FREE) {
			if (it->pos == FAT_I(dir)->free_hint)
				FAT_I(dir)->free_hint++;     /* in use: never look here again */
			run = 0;
			continue;
		}
		if (!run++)
			start = it->pos;
		if (run == need)
			break;
	}
	fat_iter_done(it);
	kfree(it);
	*first = start;
	return err;
}

static void lfn_build(u8 *raw, const u16 *units, u32 n, u32 ord, bool last, u8 sum)
{
	memset(raw, 0, FAT_DIRENT_SIZE);
	raw[LFN_ORD] = (u8)(ord | (last ? LFN_LAST : 0));
	raw[DE_ATTR] = FAT_ATTR_LFN;
	raw[LFN_CHKSUM] = sum;
	for (u32 j = 0; j < LFN_CHARS; j++) {
		u32 i = (ord - 1) * LFN_CHARS + j;

		put_le16(raw + lfn_offsets[j], i < n ? units[i] : i == n ? 0 : 0xffff);
	}
}

/*
 * Writes the long-name slots for units (n of them, none when n is 0) and the
 * short entry raw into free slots; de gets the short entry's place.
 */
int fat_dir_add(struct inode *dir, const u16 *units, u32 n, const u8 *raw,
		struct fat_dirent *de)
{
	u32 nlfn = (n + LFN_CHARS - 1) / LFN_CHARS, first, end;
	u8 sum = fat_lfn_checksum(raw), slot[FAT_DIRENT_SIZE];
	u64 sector;
	u32 off;
	int err = find_free_run(dir, nlfn + 1, &first);

	if (err)
		return err;
	end = first + nlfn;
	/* Grow the directory before the first write: no half-written names. */
	err = slot_locate(dir, end, true, &sector, &off);
	if (err)
		return err;
	for (u32 i = 0; i < nlfn && !err; i++) {
		lfn_build(slot, units, n, nlfn - i, i == 0, sum);
		err = slot_locate(dir, first + i, true, &sector, &off);
		if (!err)
			err = fat_slot_io(dir->sb, sector, off, slot, true);
	}
	if (!err)
		err = slot_locate(dir, end, true, &de->sector, &de->off);
	if (!err)
		err = fat_slot_io(dir->sb, de->sector, de->off, (u8 *)raw, true);
	de->first_slot = first;
	de->slot = end;
	memcpy(de->raw, raw, FAT_DIRENT_SIZE);
	if (!err && first == FAT_I(dir)->free_hint)
		FAT_I(dir)->free_hint = end + 1;
	return err;
}

/* Marks slots first..last deleted. */
int fat_dir_remove(struct inode *dir, u32 first, u32 last)
{
	if (first < FAT_I(dir)->free_hint)
		FAT_I(dir)->free_hint = first;
	for (u32 pos = first; pos <= last; pos++) {
		u8 raw[FAT_DIRENT_SIZE];
		u64 sector;
		u32 off;
		int err = slot_read(dir, pos, raw, &sector, &off);

		if (!err) {
			raw[0] = FAT_DE_FREE;
			err = fat_slot_io(dir->sb, sector, off, raw, true);
		}
		if (err)
			return err;
	}
	return 0;
}

/* Slot 1 of a directory: its "..", checked. */
int fat_dir_dotdot(struct inode *dir, u8 *raw, u64 *sector, u32 *off)
{
	int err = slot_read(dir, 1, raw, sector, off);

	if (err == -ENOENT || (!err && memcmp(raw, "..         ", FAT_NAME_LEN)))
		return fat_corrupt(dir->sb, "directory without '..', cluster", FAT_I(dir)->start);
	return err;
}

/* Which "~N" tails of basis are taken in dir: bit n of used. */
static int used_tails(struct inode *dir, const u8 *basis, u32 blen, u64 *used, u32 max)
{
	struct fat_walk *w = walk_start(dir, 0, false);
	struct fat_dirent *de;
	int ret;

	if (!w)
		return -ENOMEM;
	de = &w->de;
	while ((ret = fat_dir_next(&w->it, de)) > 0) {
		const u8 *tilde = de->raw;
		u32 n = 0;
		u8 cand[FAT_NAME_LEN];

		while (tilde < de->raw + 8 && *tilde != '~')
			tilde++;
		for (const u8 *p = tilde + 1; p < de->raw + 8 && *p >= '0' && *p <= '9'; p++)
			n = n * 10 + (*p - '0');
		if (!n || n >= max)
			continue;
		fat_short_tail(basis, blen, n, cand);
		if (!memcmp(cand, de->raw, FAT_NAME_LEN))
			used[n / 64] |= 1ULL << (n % 64);
	}
	walk_end(w);
	return ret;
}

#define FAT_TAIL_MAX  4096

/* An 8.3 alias for a long name that is unique in dir. */
int fat_dir_alias(struct inode *dir, const char *name, size_t len, u8 *out)
{
	u64 *used = kzalloc(FAT_TAIL_MAX / 8, GFP_KERNEL);
	u8 basis[FAT_NAME_LEN];
	u32 blen;
	int err;

	if (!used)
		return -ENOMEM;
	fat_short_basis(name, len, basis, &blen);
	err = used_tails(dir, basis, blen, used, FAT_TAIL_MAX);
	for (u32 n = 1; !err; n++) {
		if (n == FAT_TAIL_MAX) {
			err = -ENOSPC;
			break;
		}
		if (!(used[n / 64] & (1ULL << (n % 64)))) {
			fat_short_tail(basis, blen, n, out);
			break;
		}
	}
	kfree(used);
	return err;
}

static int iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct fat_walk *w;
	int ret;

	if (!vfs_emit_dots(f, ctx, 2))
		return 0;
	if (ctx->pos - 2 >= FAT_DIR_MAX_SLOTS)
		return 0;
	w = walk_start(dir, (u32)(ctx->pos - 2), true);
	if (!w)
		return -ENOMEM;
	while ((ret = fat_dir_next(&w->it, &w->de)) > 0) {
		struct fat_dirent *de = &w->de;
		unsigned int type = de->raw[DE_ATTR] & FAT_ATTR_DIR ? DT_DIR : DT_REG;

		if (!ctx->emit(ctx, de->name, de->name_len, fat_entry_ino(dir->sb, de), type))
			break;
		ctx->pos = w->it.pos + 2;
	}
	walk_end(w);
	return ret < 0 ? ret : 0;
}

const struct file_ops fat_dir_fops = {
	.iterate = iterate,
};
