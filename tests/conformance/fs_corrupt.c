/*
 * Damaged ext2 images: each named damage to a small valid image must make
 * the mount fail or some access give EUCLEAN/EIO, and seeded random byte
 * damage must never crash (ASan), hang (alarm) or leak. Prints the counts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <block/bcache.h>
#include <fs/ramfs.h>
#include <fs/vfs.h>
#include <tessera/errno.h>
#include "../../fs/ext2/ext2.h"
#include "fs_host.h"
#include "vfs_host.h"

#define MNT          "/mnt"
#define DEV_NODE     "/sda"
#define BS           1024
#define CASE_SECONDS 20          /* a case still running after this is a hang */
#define WALK_DEPTH   6
#define WALK_NAMES   400
#define READ_CAP     (2 * 1024 * 1024)
#define RANDOM_CASES 300

int ext2_init(void);

static struct fs_struct *fs = &init_fs;
static char base[512], img[512];

/* What one mounted walk saw. */
struct outcome {
	int mount_err;
	int errors;                  /* EUCLEAN or EIO from any call */
	int other;                   /* any other failure (not counted as detection) */
	int names;
};

static void note(struct outcome *o, long err)
{
	if (err == -EUCLEAN || err == -EIO)
		o->errors++;
	else if (err < 0)
		o->other++;
}

/* --- the host side: where things are in the base image --- */

static struct ext2_super sb;
static struct ext2_group_desc gd[2];

static long inode_off(u32 ino)
{
	u32 g = (ino - 1) / sb.s_inodes_per_group, i = (ino - 1) % sb.s_inodes_per_group;
	u32 isize = sb.s_rev_level ? sb.s_inode_size : 128;

	return (long)gd[g].bg_inode_table * BS + (long)i * isize;
}

static struct ext2_dinode get_inode(const char *path, u32 ino)
{
	struct ext2_dinode d;

	assert_int_equal(fs_host_pread(path, inode_off(ino), &d, sizeof(d)), 0);
	return d;
}

/* Byte offset in the image of name's entry in directory dir (first block only). */
static long entry_off(u32 dir, const char *name, u32 *ino)
{
	struct ext2_dinode d = get_inode(base, dir);
	u8 blk[BS];

	assert_int_equal(fs_host_pread(base, (long)d.i_block[0] * BS, blk, BS), 0);
	for (u32 off = 0; off < BS;) {
		struct ext2_dirent *de = (struct ext2_dirent *)(blk + off);

		if (de->rec_len < 8)
			break;
		if (de->inode && de->name_len == strlen(name) && !memcmp(de->name, name, de->name_len)) {
			if (ino)
				*ino = de->inode;
			return (long)d.i_block[0] * BS + off;
		}
		off += de->rec_len;
	}
	fail_msg("no %s in directory %u", name, dir);
	return -1;
}

static u32 ino_of(const char *name)
{
	u32 dir = EXT2_ROOT_INO, ino = 0;
	char part[64];
	const char *slash = strchr(name, '/');

	if (slash) {
		snprintf(part, sizeof(part), "%.*s", (int)(slash - name), name);
		entry_off(EXT2_ROOT_INO, part, &dir);
		name = slash + 1;
	}
	entry_off(dir, name, &ino);
	return ino;
}

static void patch(long off, const void *data, size_t len)
{
	assert_int_equal(fs_host_pwrite(img, off, data, len), 0);
}

static void patch32(long off, u32 v)
{
	patch(off, &v, 4);
}

static void patch16(long off, u16 v)
{
	patch(off, &v, 2);
}

#define SB_FIELD(f)   (1024L + (long)offsetof(struct ext2_super, f))
#define GD_FIELD(g, f) (2L * BS + 32L * (g) + (long)offsetof(struct ext2_group_desc, f))
#define INO_FIELD(ino, f) (inode_off(ino) + (long)offsetof(struct ext2_dinode, f))

/* Entry field of name in directory dir, at that entry's offset. */
static long dirent_field(const char *dir, const char *name, size_t field)
{
	return entry_off(dir ? ino_of(dir) : EXT2_ROOT_INO, name, NULL) + (long)field;
}

/* Block pointer index i inside the indirect block that i_block[slot] of ino names. */
static long ind_entry(u32 ino, int slot, u32 i, u32 *blk)
{
	struct ext2_dinode d = get_inode(base, ino);

	*blk = d.i_block[slot];
	return (long)d.i_block[slot] * BS + 4L * i;
}

/* --- the damages --- */

static void d_magic(void) { patch16(SB_FIELD(s_magic), 0x1234); }
static void d_log_bs(void) { patch32(SB_FIELD(s_log_block_size), 7); }
static void d_bpg_zero(void) { patch32(SB_FIELD(s_blocks_per_group), 0); }
static void d_ipg_zero(void) { patch32(SB_FIELD(s_inodes_per_group), 0); }
static void d_inodes_count(void) { patch32(SB_FIELD(s_inodes_count), sb.s_inodes_count + 1); }
static void d_blocks_count(void) { patch32(SB_FIELD(s_blocks_count), 0x7fffffff); }
static void d_inode_size(void) { patch16(SB_FIELD(s_inode_size), 100); }
static void d_first_ino(void) { patch32(SB_FIELD(s_first_ino), 1); }
static void d_rev(void) { patch32(SB_FIELD(s_rev_level), 9); }
static void d_extents(void) { patch32(SB_FIELD(s_feature_incompat), sb.s_feature_incompat | 0x40); }
static void d_first_data(void) { patch32(SB_FIELD(s_first_data_block), 0); }
static void d_itable(void) { patch32(GD_FIELD(0, bg_inode_table), sb.s_blocks_count - 2); }
static void d_bbitmap(void) { patch32(GD_FIELD(1, bg_block_bitmap), 0); }
static void d_gd_free(void) { patch16(GD_FIELD(0, bg_free_blocks_count), 60000); }
static void d_truncated(void) { assert_int_equal(fs_host_truncate(img, 2L * 1024 * 1024), 0); }
static void d_root_mode(void) { patch16(INO_FIELD(EXT2_ROOT_INO, i_mode), S_IFREG | 0644); }
static void d_root_links(void) { patch16(INO_FIELD(EXT2_ROOT_INO, i_links_count), 0); }
static void d_root_hole(void) { patch32(INO_FIELD(EXT2_ROOT_INO, i_block), 0); }
static void d_block_past(void) { patch32(INO_FIELD(ino_of("small"), i_block), sb.s_blocks_count + 100); }
static void d_ind_past(void)
{
	patch32(INO_FIELD(ino_of("big"), i_block) + 4 * EXT2_DIND_BLOCK, 0xfffffff0);
}
static void d_ind_loop(void)
{
	u32 blk;
	long off = ind_entry(ino_of("big"), EXT2_IND_BLOCK, 0, &blk);

	patch32(off, blk);
}
static void d_dind_loop(void)
{
	u32 blk;
	long off = ind_entry(ino_of("big"), EXT2_DIND_BLOCK, 0, &blk);

	patch32(off, blk);
}
static void d_size_huge(void) { patch32(INO_FIELD(ino_of("small"), i_size_high), 0xffffffff); }
static void d_dir_size(void) { patch32(INO_FIELD(ino_of("d"), i_size), 12345); }
static void d_rec_zero(void) { patch16(dirent_field("d", ".", offsetof(struct ext2_dirent, rec_len)), 0); }
static void d_rec_past(void)
{
	patch16(dirent_field("d", "a", offsetof(struct ext2_dirent, rec_len)), BS + 12);
}
static void d_rec_unaligned(void)
{
	patch16(dirent_field("d", ".", offsetof(struct ext2_dirent, rec_len)), 13);
}
static void d_name_len(void)
{
	u8 v = 200;

	patch(dirent_field("d", ".", offsetof(struct ext2_dirent, name_len)), &v, 1);
}
static void d_entry_ino(void)
{
	patch32(dirent_field("d", "a", offsetof(struct ext2_dirent, inode)), sb.s_inodes_count + 5);
}
static void d_entry_free(void)
{
	patch32(dirent_field("d", "a", offsetof(struct ext2_dirent, inode)), sb.s_inodes_count - 3);
}
static void d_fastlink_size(void) { patch32(INO_FIELD(ino_of("ln"), i_size), 500); }
static void d_slowlink_hole(void) { patch32(INO_FIELD(ino_of("longlink"), i_block), 0); }
static void d_bitmap_table(void)
{
	u32 bit = gd[0].bg_inode_table - sb.s_first_data_block;
	u8 byte;

	assert_int_equal(fs_host_pread(img, (long)gd[0].bg_block_bitmap * BS + bit / 8, &byte, 1), 0);
	byte &= (u8)~(1u << (bit % 8));
	patch((long)gd[0].bg_block_bitmap * BS + bit / 8, &byte, 1);
	patch16(GD_FIELD(0, bg_free_blocks_count), (u16)(gd[0].bg_free_blocks_count + 1));
}
static void d_root_dotdot(void)
{
	patch16(dirent_field(NULL, "..", offsetof(struct ext2_dirent, rec_len)), BS * 2);
}

struct damage {
	const char *name;
	void (*apply)(void);
};

static const struct damage damages[] = {
	{ "superblock magic", d_magic },
	{ "s_log_block_size 7", d_log_bs },
	{ "s_blocks_per_group 0", d_bpg_zero },
	{ "s_inodes_per_group 0", d_ipg_zero },
	{ "s_inodes_count off by one", d_inodes_count },
	{ "s_blocks_count past the disk", d_blocks_count },
	{ "s_inode_size 100", d_inode_size },
	{ "s_first_ino 1", d_first_ino },
	{ "s_rev_level 9", d_rev },
	{ "incompat extents", d_extents },
	{ "s_first_data_block 0 with 1 KiB blocks", d_first_data },
	{ "group 0 inode table past the end", d_itable },
	{ "group 1 block bitmap 0", d_bbitmap },
	{ "group 0 free blocks 60000", d_gd_free },
	{ "image truncated", d_truncated },
	{ "root inode a regular file", d_root_mode },
	{ "root inode links 0", d_root_links },
	{ "root directory block 0 a hole", d_root_hole },
	{ "block pointer past the end", d_block_past },
	{ "double indirect pointer past the end", d_ind_past },
	{ "indirect block pointing at itself", d_ind_loop },
	{ "double indirect block pointing at itself", d_dind_loop },
	{ "i_size huge", d_size_huge },
	{ "directory size not whole blocks", d_dir_size },
	{ "rec_len 0", d_rec_zero },
	{ "rec_len past the block", d_rec_past },
	{ "rec_len unaligned", d_rec_unaligned },
	{ "name_len over rec_len", d_name_len },
	{ "entry inode past s_inodes_count", d_entry_ino },
	{ "entry naming a free inode", d_entry_free },
	{ "fast symlink size 500", d_fastlink_size },
	{ "slow symlink without a block", d_slowlink_hole },
	{ "root .. rec_len past the block", d_root_dotdot },
	{ "inode table block marked free", d_bitmap_table },
};

/* --- mounting and walking a damaged image --- */

static void walk(const char *path, int depth, struct outcome *o);

static void visit(const char *path, int depth, struct outcome *o)
{
	static u8 buf[64 * 1024];
	struct stat st;
	struct file *f;
	char target[256];
	long err = vfs_stat(fs, NULL, path, AT_SYMLINK_NOFOLLOW, &st);

	note(o, err);
	if (err)
		return;
	if (S_ISDIR(st.st_mode)) {
		walk(path, depth + 1, o);
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		note(o, vfs_readlink(fs, NULL, path, target, sizeof(target)));
		return;
	}
	if (!S_ISREG(st.st_mode))
		return;
	err = vfs_open(fs, NULL, path, O_RDONLY, 0, &f);
	note(o, err);
	if (err)
		return;
	for (u64 pos = 0; pos < READ_CAP;) {
		long n = kernel_read(f, buf, sizeof(buf), pos);

		note(o, n);
		if (n <= 0)
			break;
		pos += (u64)n;
	}
	file_put(f);
}

static void walk(const char *path, int depth, struct outcome *o)
{
	static char buf[4096];
	char names[64][64];
	int count = 0;
	struct file *f;
	long n, err;

	if (depth > WALK_DEPTH)
		return;
	err = vfs_open(fs, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f);
	note(o, err);
	if (err)
		return;
	for (;;) {
		struct iobuf b = iobuf_kernel(buf, sizeof(buf));

		n = vfs_getdents64(f, &b);
		note(o, n);
		if (n <= 0)
			break;
		for (long off = 0; off < n; off += ((struct linux_dirent64 *)(buf + off))->d_reclen) {
			const char *name = ((struct linux_dirent64 *)(buf + off))->d_name;

			if (!strcmp(name, ".") || !strcmp(name, "..") || count == 64 ||
			    o->names >= WALK_NAMES)
				continue;
			snprintf(names[count++], sizeof(names[0]), "%s", name);
			o->names++;
		}
	}
	file_put(f);
	for (int i = 0; i < count; i++) {
		char child[600];

		snprintf(child, sizeof(child), "%s/%s", path, names[i]);
		visit(child, depth, o);
	}
}

/* Writes and removals over the damage: the paths that free blocks and inodes. */
static void scribble(struct outcome *o)
{
	static const char *const victims[] = { "small", "big", "ln", "longlink", "d/a", "d/b" };
	static u8 data[10000];
	struct file *f;
	long err = vfs_open(fs, NULL, MNT "/new", O_RDWR | O_CREAT, 0644, &f);

	note(o, err);
	if (!err) {
		note(o, kernel_write(f, data, sizeof(data), 0));
		file_put(f);
	}
	note(o, vfs_mkdir(fs, NULL, MNT "/d/nd", 0755));
	note(o, vfs_truncate(fs, NULL, MNT "/big", 5000));
	for (size_t i = 0; i < sizeof(victims) / sizeof(victims[0]); i++) {
		char path[64];

		snprintf(path, sizeof(path), MNT "/%s", victims[i]);
		note(o, vfs_unlink(fs, NULL, path));
	}
	note(o, vfs_rename(fs, NULL, MNT "/new", NULL, MNT "/d/new", 0));
	note(o, vfs_rmdir(fs, NULL, MNT "/d/nd"));
}

static struct outcome try_image(void)
{
	struct outcome o = { 0 };
	struct blkdev *bd = fs_host_attach(img, FS_HOST_DEV, 512);
	struct bcache_stats st;
	long heap = host_heap_live;

	assert_non_null(bd);
	alarm(CASE_SECONDS);
	o.mount_err = vfs_mount(fs, DEV_NODE, MNT, "ext2", 0, NULL);
	if (!o.mount_err) {
		walk(MNT, 0, &o);
		scribble(&o);
		walk(MNT, 0, &o);
		assert_int_equal(vfs_umount(fs, MNT, 0), 0);
	}
	alarm(0);
	bcache_get_stats(&st);
	fs_host_detach(bd);
	assert_int_equal(st.buffers, 0);
	assert_int_equal(host_heap_live, heap);
	assert_int_equal(host_mutexes_held, 0);
	return o;
}

static void fresh_copy(void)
{
	snprintf(img, sizeof(img), "%s/damaged.img", fs_host_tmpdir());
	assert_int_equal(fs_host_run("cp '%s' '%s'", base, img), 0);
}

static void make_base(void)
{
	const char *t = fs_host_tmpdir();
	char p[600];
	u8 *data = malloc(300000);

	for (int i = 0; i < 300000; i++)
		data[i] = (u8)(i * 7);
	assert_int_equal(fs_host_run("mkdir -p '%s/tree/d'", t), 0);
	snprintf(p, sizeof(p), "%s/tree/big", t);
	assert_int_equal(fs_host_write(p, data, 300000), 0);
	snprintf(p, sizeof(p), "%s/tree/small", t);
	assert_int_equal(fs_host_write(p, data, 100), 0);
	snprintf(p, sizeof(p), "%s/tree/d/a", t);
	assert_int_equal(fs_host_write(p, data, 2000), 0);
	snprintf(p, sizeof(p), "%s/tree/d/b", t);
	assert_int_equal(fs_host_write(p, data, 20), 0);
	snprintf(p, sizeof(p), "%s/tree/ln", t);
	assert_int_equal(fs_host_symlink("small", p), 0);
	snprintf(p, sizeof(p), "%s/tree/longlink", t);
	assert_int_equal(fs_host_symlink("d/../d/../d/../d/../d/../d/../d/../d/../d/../d/"
					 "../d/../d/../d/../small", p), 0);
	free(data);
	snprintf(base, sizeof(base), "%s/base.img", t);
	if (fs_host_run("mke2fs -q -F -t ext2 -b 1024 -g 2048 -N 256 -d '%s/tree' '%s' 4M",
			t, base))
		fail_msg("mke2fs: %s", fs_host_output);
	assert_int_equal(fs_host_pread(base, 1024, &sb, sizeof(sb)), 0);
	assert_int_equal(fs_host_pread(base, 2 * BS, gd, sizeof(gd)), 0);
	assert_int_equal(sb.s_log_block_size, 0);
}

static void pristine_image_is_clean(void **state)
{
	struct outcome o;

	(void)state;
	fresh_copy();
	o = try_image();
	assert_int_equal(o.mount_err, 0);
	assert_int_equal(o.errors, 0);
	assert_true(o.names >= 6);
	if (fs_host_run("e2fsck -fn '%s'", img))
		fail_msg("e2fsck after the walk: %s", fs_host_output);
}

static void named_damages(void **state)
{
	int rejected = 0, total = (int)(sizeof(damages) / sizeof(damages[0]));

	(void)state;
	for (int i = 0; i < total; i++) {
		struct outcome o;

		fresh_copy();
		damages[i].apply();
		o = try_image();
		if (o.mount_err || o.errors)
			rejected++;
		else
			fprintf(stderr, "fs_corrupt: not detected: %s\n", damages[i].name);
		if (getenv("FS_CORRUPT_VERBOSE"))
			fprintf(stderr, "fs_corrupt: %-45s mount %d, %d errors, %d other\n",
				damages[i].name, o.mount_err, o.errors, o.other);
	}
	printf("fs_corrupt: %d of %d named damages rejected\n", rejected, total);
	assert_int_equal(rejected, total);
}

/* Where random damage lands: the superblock, descriptors, used inodes and directories. */
static void damage_regions(long r[][2])
{
	struct ext2_dinode root = get_inode(base, EXT2_ROOT_INO), d = get_inode(base, ino_of("d"));
	struct ext2_dinode big = get_inode(base, ino_of("big"));

	r[0][0] = 1024, r[0][1] = 200;                  /* the superblock's used fields */
	r[1][0] = 2 * BS, r[1][1] = 2 * 32;             /* both group descriptors */
	r[2][0] = inode_off(1), r[2][1] = inode_off(20) - inode_off(1);
	r[3][0] = (long)root.i_block[0] * BS, r[3][1] = 128;
	r[4][0] = (long)d.i_block[0] * BS, r[4][1] = 64;
	r[5][0] = (long)big.i_block[EXT2_IND_BLOCK] * BS, r[5][1] = 64;
}

#define NREGIONS 6

static void random_damage(void **state)
{
	long regions[NREGIONS][2];
	int rejected = 0, cases = RANDOM_CASES;
	unsigned int seed = 12345;

	(void)state;
	/* FS_CORRUPT_CASES and FS_CORRUPT_SEED widen the hunt. */
	if (getenv("FS_CORRUPT_CASES"))
		cases = atoi(getenv("FS_CORRUPT_CASES"));
	if (getenv("FS_CORRUPT_SEED"))
		seed = (unsigned int)atoi(getenv("FS_CORRUPT_SEED"));
	damage_regions(regions);
	for (int i = 0; i < cases; i++) {
		struct outcome o;
		int flips = 1 + (int)(rand_r(&seed) % 3);

		fresh_copy();
		for (int k = 0; k < flips; k++) {
			const long *r = regions[rand_r(&seed) % NREGIONS];
			long off = r[0] + (long)(rand_r(&seed) % (unsigned int)r[1]);
			u8 v = (u8)rand_r(&seed);

			patch(off, &v, 1);
		}
		if (getenv("FS_CORRUPT_VERBOSE"))
			fprintf(stderr, "fs_corrupt: random case %d\n", i);
		if (getenv("FS_CORRUPT_ONLY") && atoi(getenv("FS_CORRUPT_ONLY")) != i)
			continue;
		o = try_image();
		if (o.mount_err || o.errors)
			rejected++;
	}
	printf("fs_corrupt: %d of %d random damages rejected (the rest hit unused bytes "
	       "or gave a consistent filesystem), none crashed or hung\n", rejected, cases);
}

/* Mounts img and tries to create a file: 0, or the first error. */
static int mount_and_create(void)
{
	struct blkdev *bd = fs_host_attach(img, FS_HOST_DEV, 512);
	struct file *f;
	int err;

	assert_non_null(bd);
	err = vfs_mount(fs, DEV_NODE, MNT, "ext2", 0, NULL);
	if (!err) {
		int cerr = vfs_open(fs, NULL, MNT "/x", O_WRONLY | O_CREAT, 0644, &f);

		if (!cerr)
			file_put(f);
		assert_int_equal(vfs_umount(fs, MNT, 0), 0);
		err = cerr;
	}
	fs_host_detach(bd);
	return err;
}

/* A journal (ext3) or an unknown read-only feature: read-only; ext4's layout: refused. */
static void feature_flags(void **state)
{
	(void)state;
	snprintf(img, sizeof(img), "%s/features.img", fs_host_tmpdir());
	assert_int_equal(fs_host_run("mke2fs -q -F -t ext3 '%s' 8M", img), 0);
	assert_int_equal(mount_and_create(), -EROFS);
	assert_int_equal(fs_host_run("mke2fs -q -F -t ext4 '%s' 8M", img), 0);
	assert_int_equal(mount_and_create(), -EINVAL);
	fresh_copy();
	patch32(SB_FIELD(s_feature_ro_compat), sb.s_feature_ro_compat | 0x8000);
	assert_int_equal(mount_and_create(), -EROFS);
	fresh_copy();
	assert_int_equal(mount_and_create(), 0);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(pristine_image_is_clean),
		cmocka_unit_test(feature_flags),
		cmocka_unit_test(named_damages),
		cmocka_unit_test(random_damage),
	};
	int failed;

	assert_int_equal(ramfs_init(), 0);
	assert_int_equal(ext2_init(), 0);
	assert_int_equal(vfs_mount_root("ramfs", "rootfs", 0, NULL), 0);
	assert_int_equal(vfs_mkdir(fs, NULL, MNT, 0755), 0);
	assert_int_equal(vfs_mknod(fs, NULL, DEV_NODE, S_IFBLK | 0600, FS_HOST_DEV), 0);
	make_base();
	failed = cmocka_run_group_tests_name("fs_corrupt_ext2", tests, NULL, NULL);
	fs_host_cleanup();
	return failed ? 1 : 0;
}
