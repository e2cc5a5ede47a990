/*
 * getdents64(): the filesystem's iterate() emits names, this file packs
 * them as struct linux_dirent64 records. Each record's d_off is the
 * position after it, known only once the next name is emitted, so it is
 * patched in then (as Linux's filldir64 does). Also the "." and ".."
 * that filesystems without them on disk start their iterate with.
 */
#include <fs/vfs.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "internal.h"

#define DIRENT_HEADER offsetof(struct linux_dirent64, d_name)
#define DIRENT_MAX    ALIGN_UP(DIRENT_HEADER + NAME_MAX + 1, 8)

struct getdents {
	struct dir_context ctx;
	struct iobuf *b;
	size_t used;
	size_t prev;             /* offset of the last record, or SIZE_MAX */
	int err;
};

static int patch_prev_off(struct getdents *g, u64 pos)
{
	s64 off = (s64)pos;

	if (g->prev == (size_t)-1)
		return 0;
	return iobuf_copy_to(g->b, g->prev + offsetof(struct linux_dirent64, d_off), &off,
			     sizeof(off));
}

static bool emit(struct dir_context *ctx, const char *name, size_t len, u64 ino,
		 unsigned int dtype)
{
	struct getdents *g = container_of(ctx, struct getdents, ctx);
	u8 rec[DIRENT_MAX] __aligned(8);
	struct linux_dirent64 *de = (struct linux_dirent64 *)rec;
	size_t reclen = ALIGN_UP(DIRENT_HEADER + len + 1, 8);

	if (len > NAME_MAX) {
		g->err = -EIO;          /* a filesystem bug or a corrupt disk */
		return false;
	}
	if (reclen > g->b->len - g->used) {
		if (!g->used)
			g->err = -EINVAL;
		return false;
	}
	memset(rec, 0, reclen);
	de->d_ino = ino;
	de->d_reclen = (unsigned short)reclen;
	de->d_type = (unsigned char)dtype;
	memcpy(de->d_name, name, len);
	g->err = patch_prev_off(g, ctx->pos);
	if (!g->err)
		g->err = iobuf_copy_to(g->b, g->used, rec, reclen);
	if (g->err)
		return false;
	g->prev = g->used;
	g->used += reclen;
	return true;
}

long vfs_getdents64(struct file *f, struct iobuf *b)
{
	struct getdents g = { .ctx = { .emit = emit }, .b = b, .prev = (size_t)-1 };
	int err;

	if (!S_ISDIR(f->inode->mode) || !f->ops || !f->ops->iterate)
		return -ENOTDIR;
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	mutex_lock(&f->pos_lock);
	/* Directories change only under the namespace lock: hold it for a stable walk. */
	vfs_namespace_lock();
	g.ctx.pos = f->pos;
	err = f->ops->iterate(f, &g.ctx);
	if (!err && !g.err)
		g.err = patch_prev_off(&g, g.ctx.pos);
	f->pos = g.ctx.pos;
	vfs_namespace_unlock();
	mutex_unlock(&f->pos_lock);
	if (g.used && (!g.err || g.err == -EINVAL))
		return (long)g.used;
	return err ? err : g.err;
}

bool vfs_emit_dots(struct file *f, struct dir_context *ctx, u64 first)
{
	struct inode *dir = f->inode;
	struct dentry *parent = f->path.dentry ? f->path.dentry->parent : NULL;

	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->ino, DT_DIR))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, parent ? parent->inode->ino : dir->ino, DT_DIR))
			return false;
		ctx->pos = first;
	}
	return true;
}
