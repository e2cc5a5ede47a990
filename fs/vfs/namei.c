/*
 * The path walk: one component at a time from the root or a starting
 * directory, through the dentry cache (or the filesystem's lookup on a
 * miss), "." and ".." (which climbs back over mount points but never above
 * the process's root), mounts, and symlinks with Linux's limits.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>
#include "internal.h"

struct walk {
	struct fs_struct *fs;
	struct path path;            /* where the walk is; holds references */
	int links;                   /* symlinks followed so far */
	int depth;                   /* symlinks being followed inside each other */
};

static int walk(struct walk *w, const char *s, unsigned int flags, struct parent_lookup *pl);

/*
 * A directory found inside itself: a damaged disk whose entry points back
 * at an ancestor. Caching it would make the dentry tree endless (each
 * turn of the loop a new dentry, rename's ancestry check fooled), so no
 * filesystem gets it past here. A second name elsewhere (FAT's case
 * aliases) is no loop and stays allowed. Linux: d_splice_alias.
 */
static int check_loop(struct dentry *dir, const char *name, size_t len, struct inode *inode)
{
	if (!S_ISDIR(inode->mode) || !d_is_ancestor_inode(inode, dir))
		return 0;
	pr_warn("vfs: %s: '%.*s' in directory %llu leads back to its ancestor %llu "
		"(a loop); refused\n", inode->sb->type->name, (int)len, name,
		(unsigned long long)dir->inode->ino, (unsigned long long)inode->ino);
	return -ELOOP;
}

int lookup_child(struct dentry *dir, const char *name, size_t len, struct dentry **out)
{
	struct inode *inode;
	struct dentry *d = d_lookup(dir, name, len);
	int err;

	if (d) {
		*out = d;
		return 0;
	}
	if (!dir->inode->iops || !dir->inode->iops->lookup)
		return -ENOENT;
	err = dir->inode->iops->lookup(dir->inode, name, len, &inode);
	if (err)
		return err;
	err = check_loop(dir, name, len, inode);
	if (err) {
		iput(inode);
		return err;
	}
	d = d_alloc(dir, name, len, inode);
	if (!d) {
		iput(inode);
		return -ENOMEM;
	}
	*out = d;
	return 0;
}

int lookup_last(struct parent_lookup *pl, struct path *out)
{
	struct dentry *d;
	int err;

	if (pl->type != LAST_NORM)
		return -EISDIR;         /* "/", "." and "..": all directories */
	err = lookup_child(pl->dir.dentry, pl->last, pl->last_len, &d);
	if (err)
		return err;
	*out = (struct path){ pl->dir.mnt, d };
	pl->dir.mnt->refs++;
	follow_mounts(out);
	return 0;
}

static void set_path(struct walk *w, const struct path *p)
{
	__path_get(p);
	__path_put(&w->path);
	w->path = *p;
}

static void follow_dotdot(struct walk *w)
{
	for (;;) {
		struct path *p = &w->path;

		if (path_equal(p, &w->fs->root))
			break;
		if (p->dentry != p->mnt->root) {
			struct dentry *parent = dget(p->dentry->parent);

			dput(p->dentry);
			p->dentry = parent;
			break;
		}
		if (!p->mnt->parent)
			break;          /* the global root */
		set_path(w, &(struct path){ p->mnt->parent, p->mnt->mountpoint });
	}
	follow_mounts(&w->path);
}

/* Reads a symlink's body into buf (PATH_MAX bytes), counting it against the limit. */
static int read_link(struct walk *w, struct inode *link, char *buf)
{
	long n;

	if (w->links >= MAX_TOTAL_LINKS)
		return -ELOOP;
	if (!link->iops || !link->iops->readlink)
		return -EINVAL;
	n = link->iops->readlink(link, buf, PATH_MAX - 1);
	if (n <= 0)
		return n ? (int)n : -ENOENT;
	buf[n] = '\0';
	w->links++;
	return 0;
}

/* A symlink inside a path: its body resolves from the directory holding it. */
static int follow_nested(struct walk *w, struct inode *link)
{
	char *buf;
	int err;

	if (w->depth >= MAX_NESTED_LINKS)
		return -ELOOP;
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = read_link(w, link, buf);
	if (!err) {
		w->depth++;
		err = walk(w, buf, LOOKUP_FOLLOW, NULL);
		w->depth--;
	}
	kfree(buf);
	return err;
}

static enum last_type last_type(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return LAST_DOT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

/* The child called name, mounts crossed, with references. */
static int child_path(struct walk *w, const char *name, size_t len, struct path *out)
{
	struct dentry *d;
	int err = lookup_child(w->path.dentry, name, len, &d);

	if (err)
		return err;
	*out = (struct path){ w->path.mnt, d };
	out->mnt->refs++;
	follow_mounts(out);
	return 0;
}

/* A leading "/": back to the process's root. Returns s past the slashes. */
static const char *from_root(struct walk *w, const char *s)
{
	if (*s != '/')
		return s;
	set_path(w, &w->fs->root);
	while (*s == '/')
		s++;
	return s;
}

struct walk_state {
	const char *s;
	char *body;                  /* a trailing symlink's text, resolved in place */
	bool must_dir;
	bool follow_last;            /* LOOKUP_FOLLOW, or a trailing link is being followed */
};

/*
 * One component. A symlink in the middle of the path nests (at most 8
 * deep); one at the end is replaced by its body and the walk goes on at
 * the same depth, so chains of links count only against the total of 40.
 */
static int component(struct walk *w, struct walk_state *ws, const char *name, size_t len,
		     bool last, bool follow)
{
	struct path next;
	int err;

	switch (last_type(name, len)) {
	case LAST_DOT:
		return 0;
	case LAST_DOTDOT:
		follow_dotdot(w);
		return 0;
	default:
		break;
	}
	err = child_path(w, name, len, &next);
	if (err)
		return err;
	if (!follow || !S_ISLNK(next.dentry->inode->mode)) {
		__path_put(&w->path);
		w->path = next;
		return 0;
	}
	if (!last) {
		err = follow_nested(w, next.dentry->inode);
		__path_put(&next);
		return err;
	}
	if (!ws->body)
		ws->body = kmalloc(PATH_MAX, GFP_KERNEL);
	err = ws->body ? read_link(w, next.dentry->inode, ws->body) : -ENOMEM;
	__path_put(&next);
	if (!err) {
		ws->s = from_root(w, ws->body);
		ws->follow_last = true;
	}
	if (!err && !*ws->s)
		ws->must_dir = true;         /* a link to "/" */
	return err;
}

static int walk_loop(struct walk *w, struct walk_state *ws, unsigned int flags,
		     struct parent_lookup *pl)
{
	while (*ws->s) {
		const char *name = ws->s;
		size_t len = 0;
		bool last, trailing;
		int err;

		while (name[len] && name[len] != '/')
			len++;
		ws->s += len;
		trailing = *ws->s == '/';
		while (*ws->s == '/')
			ws->s++;
		last = !*ws->s;
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(w->path.dentry->inode->mode))
			return -ENOTDIR;
		if (last && pl) {
			*pl = (struct parent_lookup){ .last = name, .last_len = len,
						      .type = last_type(name, len),
						      .trailing_slash = trailing };
			return 0;
		}
		if (last && trailing)
			ws->must_dir = true;
		err = component(w, ws, name, len, last,
				!last || trailing || ws->follow_last);
		if (err)
			return err;
	}
	if ((ws->must_dir || (flags & LOOKUP_DIRECTORY)) && !S_ISDIR(w->path.dentry->inode->mode))
		return -ENOTDIR;
	return 0;
}

static int walk(struct walk *w, const char *s, unsigned int flags, struct parent_lookup *pl)
{
	struct walk_state ws = { .s = s, .follow_last = flags & LOOKUP_FOLLOW };
	int err;

	if (!*s)
		return -ENOENT;
	if (strnlen(s, PATH_MAX) == PATH_MAX)
		return -ENAMETOOLONG;
	ws.s = from_root(w, s);
	if (!*ws.s && pl) {
		*pl = (struct parent_lookup){ .type = LAST_ROOT, .last = ws.s };
		return 0;
	}
	err = walk_loop(w, &ws, flags, pl);
	kfree(ws.body);
	return err;
}

static int start(struct walk *w, struct fs_struct *fs, const struct path *base)
{
	const struct path *from = base ? base : &fs->cwd;

	if (!fs->root.mnt || !from->mnt)
		return -ENOENT;         /* nothing is mounted yet */
	*w = (struct walk){ .fs = fs, .path = *from };
	__path_get(&w->path);
	return 0;
}

int __lookup(struct fs_struct *fs, const struct path *base, const char *path,
	     unsigned int flags, struct path *out)
{
	struct walk w;
	int err = start(&w, fs, base);

	if (err)
		return err;
	err = walk(&w, path, flags, NULL);
	if (err) {
		__path_put(&w.path);
		return err;
	}
	*out = w.path;
	return 0;
}

int __lookup_parent(struct fs_struct *fs, const struct path *base, const char *path,
		    struct parent_lookup *pl)
{
	struct walk w;
	int err = start(&w, fs, base);

	if (err)
		return err;
	err = walk(&w, path, 0, pl);
	if (err) {
		__path_put(&w.path);
		return err;
	}
	pl->dir = w.path;
	return 0;
}

int vfs_lookup(struct fs_struct *fs, const struct path *base, const char *path,
	       unsigned int flags, struct path *out)
{
	int err;

	vfs_namespace_lock();
	err = __lookup(fs, base, path, flags, out);
	vfs_namespace_unlock();
	return err;
}
