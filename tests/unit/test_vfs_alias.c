/*
 * One directory inode under several names, as a damaged disk (a loop back
 * to an ancestor) or a case-insensitive filesystem gives it: a fake type,
 * "aliasfs", whose lookup hands out the same struct inode for every name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfs_util.h"

/*
 * The tree, by inode number:  1 /   a->2  A->2 (a second name)  f->5  e->6  E->6
 *                             2 a   b->3  f->4
 *                             3 b   loop->2 (back to an ancestor)  up->1  g->4
 *                             6 e   (empty)
 */
struct fake_dirent {
	u64 dir, ino;
	const char *name;
};

static const struct fake_dirent tree[] = {
	{ 1, 2, "a" }, { 1, 2, "A" }, { 1, 5, "f" }, { 1, 6, "e" }, { 1, 6, "E" },
	{ 2, 3, "b" }, { 2, 4, "f" },
	{ 3, 2, "loop" }, { 3, 1, "up" }, { 3, 4, "g" },
};
#define TREE_LEN   (sizeof(tree) / sizeof(tree[0]))
#define FAKE_INOS  7

static bool removed[FAKE_INOS];         /* rmdir'ed: lookup no longer finds it */
static int renames, rmdirs, evicted;

static const struct inode_ops fake_iops;
static const struct file_ops fake_dir_fops, fake_file_fops;

static bool is_dir(u64 ino)
{
	return ino <= 3 || ino == 6;
}

static bool dir_empty(u64 dir)
{
	for (size_t i = 0; i < TREE_LEN; i++)
		if (tree[i].dir == dir && !removed[tree[i].ino])
			return false;
	return true;
}

/* The one in-memory inode for ino: the cache first, as ext2 and FAT do. */
static struct inode *fake_iget(struct super_block *sb, u64 ino)
{
	struct inode *inode = inode_find(sb, ino);

	if (inode)
		return inode;
	inode = new_inode(sb, ino);
	if (!inode)
		return NULL;
	inode->mode = is_dir(ino) ? S_IFDIR | 0755 : S_IFREG | 0644;
	inode->nlink = is_dir(ino) ? 2 : 1;
	inode->iops = &fake_iops;
	inode->fops = is_dir(ino) ? &fake_dir_fops : &fake_file_fops;
	return inode;
}

static int fake_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	for (size_t i = 0; i < TREE_LEN; i++) {
		const struct fake_dirent *e = &tree[i];

		if (e->dir != dir->ino || removed[e->ino] || strlen(e->name) != len ||
		    memcmp(e->name, name, len) != 0)
			continue;
		*out = fake_iget(dir->sb, e->ino);
		return *out ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

static int fake_rmdir(struct inode *dir, const char *name, size_t len, struct inode *inode)
{
	(void)dir, (void)name, (void)len;
	rmdirs++;
	if (!dir_empty(inode->ino))
		return -ENOTEMPTY;
	removed[inode->ino] = true;
	inode->nlink = 0;
	return 0;
}

/* Accepts whatever the VFS lets through: the test counts what got here. */
static int fake_rename(struct inode *old_dir, const char *old_name, size_t old_len,
		       struct inode *new_dir, const char *new_name, size_t new_len,
		       struct inode *inode, struct inode *target)
{
	(void)old_dir, (void)old_name, (void)old_len, (void)new_dir, (void)new_name;
	(void)new_len, (void)inode, (void)target;
	renames++;
	return 0;
}

static int fake_iterate(struct file *f, struct dir_context *ctx)
{
	if (!vfs_emit_dots(f, ctx, 2))
		return 0;
	for (; ctx->pos - 2 < TREE_LEN; ctx->pos++) {
		const struct fake_dirent *e = &tree[ctx->pos - 2];

		if (e->dir != f->inode->ino || removed[e->ino])
			continue;
		if (!ctx->emit(ctx, e->name, strlen(e->name), e->ino,
			       is_dir(e->ino) ? DT_DIR : DT_REG))
			return 0;
	}
	return 0;
}

static long fake_read(struct file *f, struct iobuf *b, u64 *pos)
{
	(void)f, (void)b, (void)pos;
	return 0;
}

static const struct inode_ops fake_iops = {
	.lookup = fake_lookup, .rmdir = fake_rmdir, .rename = fake_rename,
};
static const struct file_ops fake_dir_fops = { .iterate = fake_iterate };
static const struct file_ops fake_file_fops = { .read = fake_read };

static void fake_evict(struct inode *inode)
{
	(void)inode;
	evicted++;
}

static const struct super_ops fake_sops = { .evict_inode = fake_evict };

static int fake_mount(struct fs_type *type, const struct mount_args *args,
		      struct super_block **out)
{
	struct super_block *sb = sb_alloc(type, &fake_sops);
	struct inode *root;

	(void)args;
	if (!sb)
		return -ENOMEM;
	root = sb ? fake_iget(sb, 1) : NULL;
	if (!root || sb_set_root(sb, root)) {
		iput(root);
		sb_free(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

static struct fs_type fake_type = { .name = "aliasfs", .mount = fake_mount };

static long alias_heap_before;

static int alias_setup(void **state)
{
	(void)state;
	memset(removed, 0, sizeof(removed));
	renames = rmdirs = evicted = 0;
	vfs_drop_caches();
	alias_heap_before = host_heap_live;
	assert_int_equal(vfs_mount(fs, "none", "/t", "aliasfs", 0, NULL), 0);
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
	return 0;
}

static int alias_teardown(void **state)
{
	(void)state;
	assert_int_equal(vfs_chdir(fs, NULL, "/"), 0);
	vfs_drop_caches();
	assert_int_equal(vfs_umount(fs, "/t", 0), 0);
	assert_int_equal(host_mutexes_held, 0);
	vfs_drop_caches();
	/* Every inode the mount made went through evict, once. */
	if (host_heap_live != alias_heap_before)
		fail_msg("heap blocks: %ld before the mount, %ld after the unmount",
			 alias_heap_before, host_heap_live);
	return 0;
}

#define ALIAS_TEST(fn) cmocka_unit_test_setup_teardown(fn, alias_setup, alias_teardown)

static struct file *open_dir(const char *path)
{
	struct file *f = NULL;

	assert_int_equal(vfs_open(fs, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f), 0);
	return f;
}

static long getdents_all(struct file *f)
{
	char buf[512];
	struct iobuf b = iobuf_kernel(buf, sizeof(buf));

	return vfs_getdents64(f, &b);
}

/* A loop back to an ancestor: the VFS refuses it, whatever the filesystem says. */
static void test_loop_refused(void **state)
{
	(void)state;
	assert_int_equal(st_of("a/b", 0).st_ino, 3);
	assert_int_equal(stat_err("a/b/loop"), -ELOOP);
	assert_int_equal(stat_err("a/b/loop/b/loop"), -ELOOP);
	assert_int_equal(stat_err("a/b/up"), -ELOOP);           /* back to the root */
	assert_int_equal(open_err("a/b/loop/f", O_RDONLY), -ELOOP);
	assert_int_equal(vfs_chdir(fs, NULL, "a/b/loop"), -ELOOP);
	assert_int_equal(vfs_rmdir(fs, NULL, "a/b/loop"), -ELOOP);
	assert_int_equal(vfs_rename(fs, NULL, "a/b/loop", NULL, "x", 0), -ELOOP);
	assert_int_equal(vfs_rename(fs, NULL, "a", NULL, "a/b/loop/x", 0), -ELOOP);
	assert_int_equal(renames, 0);
	assert_int_equal(rmdirs, 0);
	/* The rest of the tree still works, and so does the file under a. */
	assert_int_equal(st_of("a/b/g", 0).st_ino, 4);
	assert_string_equal(list_dir("a/b"), "g loop up");
	vfs_drop_caches();
	assert_int_equal(stat_err("a/b/loop"), -ELOOP);
}

/* Two names side by side (FAT's "a" and "A"): both work, one inode. */
static void test_two_names(void **state)
{
	struct file *f1, *f2, *d1, *d2;
	char buf[64];

	(void)state;
	assert_int_equal(st_of("a", 0).st_ino, st_of("A", 0).st_ino);
	assert_int_equal(vfs_open(fs, NULL, "a/f", O_RDONLY, 0, &f1), 0);
	assert_int_equal(vfs_open(fs, NULL, "A/f", O_RDONLY, 0, &f2), 0);
	assert_ptr_equal(f1->inode, f2->inode);
	d1 = open_dir("a");
	d2 = open_dir("A/b/..");
	assert_true(getdents_all(d1) > 0);
	assert_true(getdents_all(d2) > 0);
	vfs_drop_caches();
	assert_int_equal(vfs_chdir(fs, NULL, "A/b"), 0);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "/t/A/b");
	assert_int_equal(vfs_umount(fs, "/t", 0), -EBUSY);
	assert_int_equal(vfs_chdir(fs, NULL, "/t/a/b"), 0);
	file_put(f1);
	file_put(d1);
	vfs_drop_caches();
	assert_int_equal(st_of("/t/A/f", 0).st_ino, 4);
	file_put(f2);
	file_put(d2);
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
}

/* Moving a directory under itself through its other name is refused too. */
static void test_rename_through_alias(void **state)
{
	(void)state;
	assert_int_equal(vfs_rename(fs, NULL, "A", NULL, "a/x", 0), -EINVAL);
	assert_int_equal(vfs_rename(fs, NULL, "a", NULL, "A/b/x", 0), -EINVAL);
	assert_int_equal(vfs_rename(fs, NULL, "A/b", NULL, "a/y", 0), 0);
	assert_int_equal(renames, 1);
	assert_int_equal(vfs_rename(fs, NULL, "a", NULL, "A", 0), 0);   /* same inode */
	assert_int_equal(renames, 1);
	assert_int_equal(vfs_rmdir(fs, NULL, "A"), -ENOTEMPTY);
}

/* rmdir through one name of an empty directory, the other name busy. */
static void test_rmdir_alias(void **state)
{
	struct file *d;
	char buf[64];

	(void)state;
	d = open_dir("e");
	assert_int_equal(vfs_chdir(fs, NULL, "e"), 0);
	assert_int_equal(vfs_rmdir(fs, NULL, "/t/E"), 0);
	/* Gone under both names at once, not only the one rmdir used. */
	assert_int_equal(stat_err("/t/e"), -ENOENT);
	assert_int_equal(stat_err("/t/E"), -ENOENT);
	assert_int_equal(vfs_getcwd(fs, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(getdents_all(d), 48);     /* "." and "..": 24 bytes each */
	assert_int_equal(vfs_mkdir(fs, NULL, "new", 0755), -ENOENT);
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
	file_put(d);
	vfs_drop_caches();
	assert_int_equal(stat_err("e"), -ENOENT);
	assert_int_equal(evicted, 1);              /* the removed directory, once */
}

/*
 * The one "lost" block the ext2 loop image showed: an unused dentry cached
 * before the mount (here /keep's) pushed off the LRU by the walk's new
 * dentries. No alias needed, nothing freed twice: counts taken without
 * vfs_drop_caches() first include such evictable entries.
 */
static void test_lru_eviction_is_not_a_leak(void **state)
{
	long before;

	(void)state;
	assert_int_equal(vfs_chdir(fs, NULL, "/"), 0);
	assert_int_equal(vfs_umount(fs, "/t", 0), 0);
	vfs_drop_caches();
	assert_int_equal(vfs_mkdir(fs, NULL, "/keep", 0755), 0);
	assert_int_equal(stat_err("/t"), 0);
	assert_int_equal(stat_err("/keep"), 0);          /* cached, unused */
	before = host_heap_live;
	assert_int_equal(vfs_mount(fs, "none", "/t", "aliasfs", 0, NULL), 0);
	assert_int_equal(stat_err("/t/a/b/g"), 0);
	assert_int_equal(stat_err("/t/A/b/g"), 0);
	assert_int_equal(stat_err("/t/a/f"), 0);
	assert_int_equal(stat_err("/t/e"), 0);      /* 5 unused leaves: one too many */
	assert_int_equal(vfs_umount(fs, "/t", 0), 0);
	assert_int_equal(host_heap_live, before - 1);     /* /keep's dentry, pruned */
	vfs_drop_caches();
	before = host_heap_live;
	assert_int_equal(vfs_mount(fs, "none", "/t", "aliasfs", 0, NULL), 0);
	assert_int_equal(stat_err("/t/a/b/g"), 0);
	assert_int_equal(vfs_umount(fs, "/t", 0), 0);
	vfs_drop_caches();
	assert_int_equal(host_heap_live, before);
	assert_int_equal(vfs_rmdir(fs, NULL, "/keep"), 0);
	assert_int_equal(vfs_mount(fs, "none", "/t", "aliasfs", 0, NULL), 0);
	assert_int_equal(vfs_chdir(fs, NULL, "/t"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ALIAS_TEST(test_loop_refused),
		ALIAS_TEST(test_two_names),
		ALIAS_TEST(test_rename_through_alias),
		ALIAS_TEST(test_rmdir_alias),
		ALIAS_TEST(test_lru_eviction_is_not_a_leak),
	};

	register_filesystem(&fake_type);
	return vfs_test_run("vfs_alias", tests, sizeof(tests) / sizeof(tests[0]));
}
