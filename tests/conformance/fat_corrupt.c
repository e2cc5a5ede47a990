/*
 * Damaged FAT images: BPB fields, table links (loops, past the end, free in
 * a chain), directory entries (bad first clusters, sizes past the chain),
 * broken long-name slots, then seeded random damage. Each must fail to
 * mount or give EUCLEAN/EIO somewhere in a walk of the tree, under ASan,
 * within a time limit, and give back every heap block.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>
#include "fat_test.h"

#define CASE_SECONDS  20
#define FUZZ_CASES    120

struct geo {
	u32 bps, spc, rsvd, nfats, root_ent, fatsz, tot, root_clus;
	u32 fat_start, root_start, data_start, nclusters;
	int bits;
};

static char base[512], img[512];
static struct geo g;
static int rejected, total, detected_fuzz;
static int fuzz_cases = FUZZ_CASES;  /* FAT_FUZZ=n to hunt longer */
static long subdir_off;         /* SUBDIR's first cluster, found before any damage */

static u32 rd(long off, int n)
{
	u8 b[4] = { 0 };

	assert_int_equal(fs_host_pread(img, off, b, (size_t)n), 0);
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static void wr(long off, u32 v, int n)
{
	u8 b[4] = { (u8)v, (u8)(v >> 8), (u8)(v >> 16), (u8)(v >> 24) };

	assert_int_equal(fs_host_pwrite(img, off, b, (size_t)n), 0);
}

static void read_geo(void)
{
	u32 root_secs;

	g.bps = rd(11, 2), g.spc = rd(13, 1), g.rsvd = rd(14, 2), g.nfats = rd(16, 1);
	g.root_ent = rd(17, 2), g.fatsz = rd(22, 2), g.tot = rd(19, 2);
	if (!g.fatsz)
		g.fatsz = rd(36, 4);
	if (!g.tot)
		g.tot = rd(32, 4);
	root_secs = (g.root_ent * 32 + g.bps - 1) / g.bps;
	g.fat_start = g.rsvd;
	g.root_start = g.rsvd + g.nfats * g.fatsz;
	g.data_start = g.root_start + root_secs;
	g.nclusters = (g.tot - g.data_start) / g.spc;
	g.bits = g.nclusters < 4085 ? 12 : g.nclusters < 65525 ? 16 : 32;
	g.root_clus = g.bits == 32 ? rd(44, 4) : 0;
}

static long cluster_off(u32 cl)
{
	return ((long)g.data_start + (long)(cl - 2) * g.spc) * g.bps;
}

/* Byte offset of the root's short entry named name11 (the root's first cluster). */
static long find_entry(const char *name11)
{
	long start = g.bits == 32 ? cluster_off(g.root_clus) : (long)g.root_start * g.bps;
	long len = g.bits == 32 ? (long)g.spc * g.bps : (long)g.root_ent * 32;
	char raw[11];

	for (long off = start; off < start + len; off += 32) {
		assert_int_equal(fs_host_pread(img, off, raw, 11), 0);
		if (!memcmp(raw, name11, 11))
			return off;
	}
	fail_msg("no entry %.11s", name11);
	return -1;
}

static u32 first_cluster(long de)
{
	return rd(de + 26, 2) | (g.bits == 32 ? rd(de + 20, 2) << 16 : 0);
}

static void set_fat(u32 cl, u32 v)
{
	for (u32 f = 0; f < g.nfats; f++) {
		long fat = (long)(g.fat_start + f * g.fatsz) * g.bps;

		if (g.bits == 32) {
			wr(fat + cl * 4L, v, 4);
		} else if (g.bits == 16) {
			wr(fat + cl * 2L, v, 2);
		} else {
			long off = fat + cl + cl / 2;
			u32 old = rd(off, 2);

			wr(off, cl & 1 ? (old & 0x000f) | (v << 4) : (old & 0xf000) | (v & 0xfff), 2);
		}
	}
}

static void make_base(int bits)
{
	char host[600];
	static const char *opts[] = { "-F 12 -s 2 -C '%s' 2048", "-F 16 -s 4 -C '%s' 16384",
				      "-F 32 -s 1 -C '%s' 40960" };
	char cmd[700];

	snprintf(base, sizeof(base), "%s/base%d.img", fs_host_tmpdir(), bits);
	snprintf(host, sizeof(host), "%s/data", fs_host_tmpdir());
	snprintf(cmd, sizeof(cmd), opts[bits == 12 ? 0 : bits == 16 ? 1 : 2], base);
	fs_host_run("rm -f '%s'", base);
	assert_int_equal(fs_host_run("mkfs.fat -S 512 %s", cmd), 0);
	assert_int_equal(fs_host_run("head -c 5000 /dev/urandom > '%s'", host), 0);
	assert_int_equal(fs_host_run("mmd -i '%s' ::/SUBDIR && mcopy -i '%s' '%s' ::/FILE1.TXT && "
				     "mcopy -i '%s' '%s' ::/SUBDIR/INNER.TXT && "
				     "mcopy -i '%s' '%s' '::/A long name.txt'",
				     base, base, host, base, host, base, host), 0);
}

static void fresh(void)
{
	snprintf(img, sizeof(img), "%s/damaged.img", fs_host_tmpdir());
	assert_int_equal(fs_host_run("cp '%s' '%s'", base, img), 0);
	read_geo();
	subdir_off = cluster_off(first_cluster(find_entry("SUBDIR     ")));
}

static bool bad(long r)
{
	return r == -EUCLEAN || r == -EIO;
}

struct walk_ctx {
	char names[16][300];
	int n;
};

static void note(const char *name, unsigned type, void *p)
{
	struct walk_ctx *c = p;

	(void)type;
	if (c->n < 16)
		snprintf(c->names[c->n++], sizeof(c->names[0]), "%s", name);
}

static void walk(const char *dir, int depth, bool *hit)
{
	static char buf[65536];
	struct walk_ctx c = { .n = 0 };
	char path[700];
	struct stat st;

	if (bad(fat_list(dir, note, &c)))
		*hit = true;
	for (int i = 0; i < c.n && depth < 4; i++) {
		long r;

		snprintf(path, sizeof(path), "%s/%s", dir, c.names[i]);
		r = vfs_stat(&init_fs, NULL, path, 0, &st);
		if (bad(r))
			*hit = true;
		if (r)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path, depth + 1, hit);
		else if (bad(fat_get(path, buf, sizeof(buf))))
			*hit = true;
	}
}

/* Changes the tree too: damage may only show when written over. */
static void modify(bool *hit)
{
	static const char data[3000];
	long r[6];

	r[0] = fat_put("/mnt/new file.txt", data, sizeof(data));
	r[1] = fat_put("/mnt/FILE1.TXT", data, sizeof(data));
	r[2] = vfs_rename(&init_fs, NULL, "/mnt/A long name.txt", NULL, "/mnt/SUBDIR/moved", 0);
	r[3] = vfs_mkdir(&init_fs, NULL, "/mnt/SUBDIR/newdir", 0755);
	r[4] = vfs_rename(&init_fs, NULL, "/mnt/SUBDIR", NULL, "/mnt/SUBDIR2", 0);
	r[5] = vfs_unlink(&init_fs, NULL, "/mnt/new file.txt");
	for (int i = 0; i < 6; i++)
		if (bad(r[i]))
			*hit = true;
}

/* Mounts the damaged image and uses it; true when the damage was reported. */
static bool try_image(void)
{
	struct bcache_stats bst;
	bool hit = false;
	long heap;
	int err;

	vfs_drop_caches();
	heap = host_heap_live;

	alarm(CASE_SECONDS);
	err = fat_test_mount(img, 512);
	if (err) {
		hit = true;
	} else {
		walk("/mnt", 0, &hit);
		modify(&hit);
		walk("/mnt", 0, &hit);
		vfs_drop_caches();
		assert_int_equal(fat_test_umount(), 0);
	}
	alarm(0);
	vfs_drop_caches();
	bcache_get_stats(&bst);
	assert_int_equal(bst.buffers, 0);       /* every buffer released, none left dirty */
	assert_int_equal(host_mutexes_held, 0);
	assert_int_equal(host_heap_live, heap);
	return hit;
}

typedef void (*damage_fn)(void);

static void d_bps0(void) { wr(11, 0, 2); }
static void d_bps1000(void) { wr(11, 1000, 2); }
static void d_bps8192(void) { wr(11, 8192, 2); }
static void d_bps256(void) { wr(11, 256, 2); }
static void d_spc0(void) { wr(13, 0, 1); }
static void d_spc3(void) { wr(13, 3, 1); }
static void d_nfats0(void) { wr(16, 0, 1); }
static void d_rsvd0(void) { wr(14, 0, 2); }
static void d_fatsz0(void) { wr(22, 0, 2); if (g.bits == 32) wr(36, 0, 4); }
static void d_tot_huge(void) { wr(19, 0, 2); wr(32, 0xfffffff0, 4); }
static void d_jump(void) { wr(0, 0, 1); }
static void d_root(void)
{
	if (g.bits == 32)
		wr(44, 1, 4);
	else
		wr(17, 0, 2);
}
static void d_root_huge(void)
{
	if (g.bits == 32)
		wr(44, 0x0ffffff0, 4);
	else
		wr(17, 0xfff1, 2);
}
static void d_fat_loop(void) { u32 c = first_cluster(find_entry("FILE1   TXT")); set_fat(c, c); }
static void d_fat_past(void) { set_fat(first_cluster(find_entry("FILE1   TXT")), g.nclusters + 10); }
static void d_fat_free(void) { set_fat(first_cluster(find_entry("FILE1   TXT")), 0); }
static void d_fat_one(void) { set_fat(first_cluster(find_entry("FILE1   TXT")), 1); }
static void d_dir_loop(void) { u32 c = first_cluster(find_entry("SUBDIR     ")); set_fat(c, c); }
static void d_de_one(void) { long de = find_entry("FILE1   TXT"); wr(de + 26, 1, 2); wr(de + 20, 0, 2); }
static void d_de_past(void)
{
	long de = find_entry("FILE1   TXT");

	wr(de + 26, (g.nclusters + 100) & 0xffff, 2);
	if (g.bits == 32)
		wr(de + 20, (g.nclusters + 100) >> 16, 2);
}
static void d_dir_zero(void) { long de = find_entry("SUBDIR     "); wr(de + 26, 0, 2); wr(de + 20, 0, 2); }
static void d_size(void) { wr(find_entry("FILE1   TXT") + 28, 10 << 20, 4); }
static void d_lfn_sum(void) { long de = find_entry("ALONGN~1TXT"); wr(de - 32 + 13, rd(de - 32 + 13, 1) ^ 0x55, 1); }
static void d_lfn_ord(void) { long de = find_entry("ALONGN~1TXT"); wr(de - 64, 0x43, 1); }
static void d_lfn_orphan(void) { wr(find_entry("ALONGN~1TXT"), 0xe5, 1); }

static const struct { const char *name; damage_fn fn; } cases[] = {
	{ "bytes per sector 0", d_bps0 }, { "bytes per sector 1000", d_bps1000 },
	{ "bytes per sector 8192", d_bps8192 }, { "bytes per sector 256", d_bps256 },
	{ "sectors per cluster 0", d_spc0 }, { "sectors per cluster 3", d_spc3 },
	{ "no FATs", d_nfats0 }, { "no reserved sectors", d_rsvd0 },
	{ "FAT size 0", d_fatsz0 }, { "larger than the disk", d_tot_huge },
	{ "no boot jump", d_jump }, { "no root", d_root }, { "root past the end", d_root_huge },
	{ "FAT entry points at itself", d_fat_loop }, { "chain past the end", d_fat_past },
	{ "free cluster in a chain", d_fat_free }, { "chain to cluster 1", d_fat_one },
	{ "directory chain loops", d_dir_loop }, { "entry with cluster 1", d_de_one },
	{ "entry past the end", d_de_past }, { "directory with cluster 0", d_dir_zero },
	{ "size past the chain", d_size }, { "long-name checksum", d_lfn_sum },
	{ "long-name order", d_lfn_ord }, { "long name without its entry", d_lfn_orphan },
};

static void run_corpus(int bits)
{
	make_base(bits);
	fresh();
	assert_false(try_image());      /* the undamaged image is fine */
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool hit;

		fresh();
		cases[i].fn();
		hit = try_image();
		total++;
		rejected += hit;
		if (!hit)
			fail_msg("FAT%d: damage not reported: %s", bits, cases[i].name);
	}
}

/* Where the live metadata is: BPB, both FATs' first entries, root and SUBDIR entries. */
static long fuzz_target(void)
{
	long root = g.bits == 32 ? cluster_off(g.root_clus) : (long)g.root_start * g.bps;
	long fat = (long)g.fat_start * g.bps;

	switch (rand() % 5) {
	case 0:
		return rand() % 96;
	case 1:
		return fat + rand() % 64;
	case 2:
		return fat + (long)g.fatsz * g.bps + rand() % 64;
	case 3:
		return root + rand() % 256;
	default:
		return subdir_off + rand() % 160;
	}
}

/* Random bytes in live metadata: only no crash, no hang, no leak. */
static void run_fuzz(int bits)
{
	make_base(bits);
	srand(1234u + (unsigned)bits);
	for (int i = 0; i < fuzz_cases; i++) {
		int flips = 1 + rand() % 4;

		fresh();
		for (int k = 0; k < flips; k++)
			wr(fuzz_target(), (u32)rand(), 1);
		detected_fuzz += try_image();
	}
}

static void test_fat12(void **state) { (void)state; run_corpus(12); }
static void test_fat16(void **state) { (void)state; run_corpus(16); }
static void test_fat32(void **state) { (void)state; run_corpus(32); }
static void test_fuzz12(void **state) { (void)state; run_fuzz(12); }
static void test_fuzz16(void **state) { (void)state; run_fuzz(16); }
static void test_fuzz32(void **state) { (void)state; run_fuzz(32); }

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fat12), cmocka_unit_test(test_fat16),
		cmocka_unit_test(test_fat32), cmocka_unit_test(test_fuzz12),
		cmocka_unit_test(test_fuzz16), cmocka_unit_test(test_fuzz32),
	};
	int failed;

	if (getenv("FAT_FUZZ"))
		fuzz_cases = atoi(getenv("FAT_FUZZ"));
	fat_test_boot();
	failed = cmocka_run_group_tests_name("fat_corrupt", tests, NULL, NULL);
	printf("fat_corrupt: %d of %d damaged images rejected; random damage reported in %d of %d\n",
	       rejected, total, detected_fuzz, 3 * fuzz_cases);
	fs_host_cleanup();
	return failed;
}
