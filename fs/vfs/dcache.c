/*
 * The dentry cache: names found by lookups, hashed by (parent, name), each
 * holding its parent and its inode. Dentries nobody uses stay on an LRU
 * list so the next walk through them costs no filesystem call; the oldest
 * are freed past CONFIG_VFS_DCACHE_UNUSED. Namespace lock held throughout.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "internal.h"

#define DHASH_BITS   7
#define DHASH_SIZE   (1u << DHASH_BITS)
#define FNV_OFFSET   2166136261u
#define FNV_PRIME    16777619u

static struct list_head dhash[DHASH_SIZE];
static struct list_head unused = LIST_HEAD_INIT(unused);
static long unused_count;

static u32 name_hash(const char *name, size_t len)
{
	u32 h = FNV_OFFSET;

	while (len--)
		h = (h ^ (u8)*name++) * FNV_PRIME;
	return h;
}

static struct list_head *bucket(const struct dentry *parent, u32 hash)
{
	u64 mix = hash ^ ((u64)(uintptr_t)parent >> 4);

	if (!dhash[0].next)
		for (unsigned int i = 0; i < DHASH_SIZE; i++)
			list_init(&dhash[i]);
	return &dhash[(mix ^ (mix >> DHASH_BITS)) & (DHASH_SIZE - 1)];
}

static int set_name(struct dentry *d, const char *name, size_t len)
{
	char *n = len < DNAME_INLINE ? d->iname : kmalloc(len + 1, GFP_KERNEL);

	if (!n)
		return -ENOMEM;
	memcpy(n, name, len);
	n[len] = '\0';
	if (d->name && d->name != d->iname)
		kfree(d->name);
	d->name = n;
	d->len = len;
	d->hash = name_hash(name, len);
	return 0;
}

static struct dentry *alloc(struct inode *inode, const char *name, size_t len)
{
	struct dentry *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	if (set_name(d, name, len)) {
		kfree(d);
		return NULL;
	}
	d->inode = inode;
	d->sb = inode->sb;
	d->refs = 1;
	list_init(&d->hash_node);
	list_init(&d->lru_node);
	inode->sb->dentries++;
	inode->dentries++;
	return d;
}

/* Takes over the caller's reference on inode. */
struct dentry *d_alloc(struct dentry *parent, const char *name, size_t len,
		       struct inode *inode)
{
	struct dentry *d = alloc(inode, name, len);

	if (!d)
		return NULL;
	d->parent = dget(parent);
	list_add(&d->hash_node, bucket(parent, d->hash));
	return d;
}

struct dentry *d_alloc_root(struct inode *inode)
{
	struct dentry *d = alloc(inode, "/", 1);

	if (d)
		d->parent = d;
	return d;
}

struct dentry *d_lookup(struct dentry *parent, const char *name, size_t len)
{
	u32 hash = name_hash(name, len);
	struct list_head *head = bucket(parent, hash), *pos;

	list_for_each(pos, head) {
		struct dentry *d = list_entry(pos, struct dentry, hash_node);

		if (d->parent == parent && d->hash == hash && d->len == len &&
		    memcmp(d->name, name, len) == 0)
			return dget(d);
	}
	return NULL;
}

struct dentry *dget(struct dentry *d)
{
	if (d->refs++ == 0) {
		list_del(&d->lru_node);
		unused_count--;
	}
	return d;
}

static bool hashed(const struct dentry *d)
{
	return !list_empty(&d->hash_node);
}

void d_drop(struct dentry *d)
{
	list_del(&d->hash_node);
}

/* Frees d (refs 0, not on the LRU); returns its parent to release, or NULL. */
static struct dentry *d_free(struct dentry *d)
{
	struct dentry *parent = d->parent == d ? NULL : d->parent;

	d_drop(d);
	d->sb->dentries--;
	d->inode->dentries--;
	iput(d->inode);
	if (d->name != d->iname)
		kfree(d->name);
	kfree(d);
	return parent;
}

/* dput() without the trim, so d_prune() can use it while walking the LRU. */
static void put(struct dentry *d)
{
	while (d && --d->refs == 0) {
		if (hashed(d)) {
			list_add_tail(&d->lru_node, &unused);
			unused_count++;
			return;
		}
		d = d_free(d);
	}
}

void dput(struct dentry *d)
{
	put(d);
	if (unused_count > CONFIG_VFS_DCACHE_UNUSED)
		d_prune(NULL, CONFIG_VFS_DCACHE_UNUSED);
}

/* Unhashes d; an unused one goes now, so it pins its inode no longer. */
static void forget(struct dentry *d)
{
	d_drop(d);
	if (d->refs)
		return;                 /* freed with its last user */
	list_del(&d->lru_node);
	unused_count--;
	put(d_free(d));
}

/*
 * The inode's other cached names (hard links, FAT's case aliases, a
 * damaged disk's second name) may be stale once one name is removed or
 * moved: forget them and ask the filesystem again. A whole-cache scan,
 * but only for an inode with more than one dentry. Mount points stay.
 * Freeing one may release its parents, never a hashed entry still ahead.
 */
void d_drop_aliases(struct dentry *keep)
{
	struct inode *inode = keep->inode;

	if (inode->dentries < 2)
		return;
	for (unsigned int i = 0; i < DHASH_SIZE; i++) {
		struct list_head *pos = dhash[i].next;

		while (pos != &dhash[i]) {
			struct dentry *d = list_entry(pos, struct dentry, hash_node);

			pos = pos->next;
			if (d != keep && d->inode == inode && !d->mounted)
				forget(d);
		}
	}
}

/*
 * Oldest first. Freeing a dentry may leave its parent unused; that one
 * joins the tail, and the walk resumes from the entry before the freed
 * one, so it reaches the parent too: a whole idle subtree goes in one
 * call. That earlier entry stays valid: unused dentries have no children
 * (each child holds a reference), so it is no ancestor of the one freed.
 */
void d_prune(struct super_block *sb, long keep)
{
	struct list_head *pos = unused.next;

	while (pos != &unused && unused_count > keep) {
		struct dentry *d = list_entry(pos, struct dentry, lru_node);
		struct list_head *prev = pos->prev;

		if (sb && d->sb != sb) {
			pos = pos->next;
			continue;
		}
		list_del(&d->lru_node);
		unused_count--;
		put(d_free(d));
		pos = prev->next;
	}
}

void vfs_drop_caches(void)
{
	vfs_namespace_lock();
	d_prune(NULL, 0);
	vfs_namespace_unlock();
}

int d_move(struct dentry *d, struct dentry *new_parent, const char *name, size_t len)
{
	struct dentry *old_parent = d->parent;
	int err = set_name(d, name, len);

	if (err)
		return err;
	d_drop(d);
	d->parent = dget(new_parent);
	list_add(&d->hash_node, bucket(new_parent, d->hash));
	dput(old_parent);
	return 0;
}

/* By inode: a directory's other name (an alias) is the same directory. */
bool d_is_ancestor(struct dentry *ancestor, struct dentry *d)
{
	return d_is_ancestor_inode(ancestor->inode, d);
}

bool d_is_ancestor_inode(struct inode *ancestor, struct dentry *d)
{
	for (;;) {
		if (d->inode == ancestor)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}
