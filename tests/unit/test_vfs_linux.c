/*
 * The host VFS against Linux itself: the same seeded random sequence of
 * mkdir, rmdir, unlink, open(O_CREAT), rename, symlink, link, truncate,
 * stat, lstat, readlink and read runs on a fresh ramfs and in a Linux
 * temporary directory (linux_fs.c); every result, errno included, and at
 * the end every directory listing must agree. This pins Linux's answers
 * for the corner cases (trailing slashes, links to links, renames over
 * directories) rather than our reading of them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_fs.h"
#include "vfs_util.h"

#define ROUNDS  4000
#define SEEDS   40      /* a second; raise it to hunt for differences */

struct result {
	int err;
	struct lfs_stat st;
	char data[80];
	long len;
};

static const char *const paths[] = {
	"a", "b", "c", "a/a", "a/b", "b/a", "b/c", "a/a/a", "c/b", "a/b/c",
	"a/", "b/", "a/a/", "l", "a/l", "b/l/", "l/a", "l/l", ".", "a/..",
};
static const char *const targets[] = {
	"a", "b", "c", "a/a", "l", ".", "x", "a/b/c", "..", "l/a", "b/", "l/..", "../l",
};

#define NPATHS   (sizeof(paths) / sizeof(paths[0]))
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static unsigned int seed, seed_no;

static unsigned int rnd(unsigned int n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 8) % n;
}

/* --- Tessera's side, shaped like linux_fs.c --- */

static int t_stat(const char *p, bool nofollow, struct lfs_stat *out)
{
	struct stat st;
	int err = vfs_stat(fs, NULL, p, nofollow ? AT_SYMLINK_NOFOLLOW : 0, &st);

	if (err)
		return err;
	out->type = st.st_mode & S_IFMT;
	out->size = st.st_size;
	out->nlink = st.st_nlink;
	return 0;
}

static int t_create(const char *p, bool excl_append, const char *data)
{
	unsigned int flags = O_WRONLY | O_CREAT | (excl_append ? O_EXCL | O_APPEND : O_TRUNC);
	struct file *f;
	int err = vfs_open(fs, NULL, p, flags, 0644, &f);

	if (err)
		return err;
	assert_int_equal(kernel_write(f, data, strlen(data), 0), (long)strlen(data));
	file_put(f);
	return 0;
}

static int t_truncate(const char *p, long len)
{
	struct file *f;
	int err = vfs_open(fs, NULL, p, O_WRONLY, 0, &f);

	if (err)
		return err;
	err = vfs_ftruncate(f, (u64)len);
	file_put(f);
	return err;
}

static int t_read(const char *p, char *buf, size_t size, long *len)
{
	struct file *f;
	int err = vfs_open(fs, NULL, p, O_RDONLY, 0, &f);

	if (err)
		return err;
	*len = kernel_read(f, buf, size, 0);
	file_put(f);
	return 0;
}

/* --- comparing --- */

static void differ(int round, const char *op, const char *a, const char *b,
		   const struct result *lin, const struct result *tes)
{
	fail_msg("seed %u round %d: %s(%s%s%s): Linux %d (type %o size %ld nlink %lu len %ld), "
		 "Tessera %d (type %o size %ld nlink %lu len %ld)", seed_no, round, op, a,
		 b ? ", " : "", b ? b : "", lin->err, lin->st.type, lin->st.size,
		 lin->st.nlink, lin->len, tes->err, tes->st.type, tes->st.size,
		 tes->st.nlink, tes->len);
}

/* Directory sizes and link counts are each filesystem's own business. */
static bool same(const struct result *l, const struct result *t)
{
	if (l->err != t->err || l->len != t->len)
		return false;
	if (l->len > 0 && memcmp(l->data, t->data, (size_t)l->len))
		return false;
	if (l->err || !l->st.type)
		return true;
	if (l->st.type != t->st.type)
		return false;
	return l->st.type == S_IFDIR || (l->st.size == t->st.size && l->st.nlink == t->st.nlink);
}

static void one_op(int round)
{
	const char *p = paths[rnd(NPATHS)], *q = paths[rnd(NPATHS)], *t = targets[rnd(NTARGETS)];
	struct result l = { 0 }, m = { 0 };
	const char *op, *b = NULL;
	char data[24];

	snprintf(data, sizeof(data), "r%d-%u", round, rnd(1000));
	switch (rnd(13)) {
	case 0:
		op = "mkdir", l.err = lfs_mkdir(p), m.err = vfs_mkdir(fs, NULL, p, 0755);
		break;
	case 1:
		op = "rmdir", l.err = lfs_rmdir(p), m.err = vfs_rmdir(fs, NULL, p);
		break;
	case 2:
		op = "unlink", l.err = lfs_unlink(p), m.err = vfs_unlink(fs, NULL, p);
		break;
	case 3:
		op = "creat", l.err = lfs_create(p, false, data), m.err = t_create(p, false, data);
		break;
	case 4:
		op = "open(O_EXCL)", l.err = lfs_create(p, true, data), m.err = t_create(p, true, data);
		break;
	case 5:
		op = "rename", b = q;
		l.err = lfs_rename(p, q), m.err = vfs_rename(fs, NULL, p, NULL, q, 0);
		break;
	case 6:
		op = "symlink", b = p, p = t;
		l.err = lfs_symlink(t, b), m.err = vfs_symlink(fs, t, NULL, b);
		break;
	case 7:
		op = "link", b = q;
		l.err = lfs_link(p, q), m.err = vfs_link(fs, NULL, p, NULL, q, 0);
		break;
	case 8:
		op = "truncate", l.err = lfs_truncate(p, 5), m.err = t_truncate(p, 5);
		break;
	case 9:
	case 10:
		op = "stat";
		l.err = lfs_stat(p, round % 2, &l.st), m.err = t_stat(p, round % 2, &m.st);
		break;
	case 11:
		op = "readlink";
		l.len = lfs_readlink(p, l.data, sizeof(l.data));
		m.len = vfs_readlink(fs, NULL, p, m.data, sizeof(m.data));
		break;
	default:
		op = "read";
		l.err = lfs_read(p, l.data, sizeof(l.data), &l.len);
		m.err = t_read(p, m.data, sizeof(m.data), &m.len);
		break;
	}
	assert_int_equal(host_mutexes_held, 0);
	if (getenv("VFS_LINUX_TRACE"))
		fprintf(stderr, "%u/%d %s(%s%s%s) = %d\n", seed_no, round, op, p, b ? ", " : "",
			b ? b : "", l.err ? l.err : (int)l.len);
	if (!same(&l, &m))
		differ(round, op, p, b, &l, &m);
}

static void compare_trees(void)
{
	static const char *const dirs[] = { ".", "a", "b", "c", "a/a", "a/b", "b/a", "c/b" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		char lin[1024];
		struct lfs_stat st;

		lfs_list(dirs[i], lin, sizeof(lin));
		if (t_stat(dirs[i], false, &st) || st.type != S_IFDIR) {
			if (lin[0])
				fail_msg("seed %u: %s is a directory only on Linux", seed_no, dirs[i]);
			continue;
		}
		if (strcmp(lin, list_dir(dirs[i])) != 0)
			fail_msg("seed %u: %s holds \"%s\" on Linux, \"%s\" here", seed_no, dirs[i], lin,
				 list_dir(dirs[i]));
	}
}

/*
 * ".." in links can climb out of the working directory, where the two
 * worlds differ (Linux's /dev/shm, our root): both work LFS_DEPTH
 * directories down, each holding only the next, further than any link
 * vocabulary above can climb.
 */
static void enter_depth(void)
{
	for (int i = 0; i < LFS_DEPTH; i++) {
		assert_int_equal(vfs_mkdir(fs, NULL, "w", 0755), 0);
		assert_int_equal(vfs_chdir(fs, NULL, "w"), 0);
	}
}

static void test_against_linux(void **state)
{
	for (int s = 0; s < SEEDS; s++) {
		if (s)
			setup(state);           /* a fresh ramfs per seed */
		lfs_setup();
		enter_depth();
		seed_no = 1000 + (unsigned int)s;
		seed = seed_no;
		for (int round = 0; round < ROUNDS; round++)
			one_op(round);
		compare_trees();
		lfs_teardown();
		if (s < SEEDS - 1)
			teardown(state);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VFS_TEST(test_against_linux),
	};

	return vfs_test_run("vfs_linux", tests, sizeof(tests) / sizeof(tests[0]));
}
