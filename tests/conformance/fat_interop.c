/*
 * FAT against the host's tools: images from mkfs.fat (FAT12, FAT16, FAT32),
 * files put there by mtools read back by Tessera and files Tessera wrote
 * read back by mtools, and fsck.fat -n clean after every run.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "fat_test.h"

struct fat_kind {
	int bits;
	const char *mkfs;            /* options after -F bits */
	unsigned kib;
};

static const struct fat_kind kinds[] = {
	{ 12, "-S 512 -s 2", 2048 },         /* 2000 clusters of 1 KiB */
	{ 16, "-S 512 -s 4", 16384 },        /* 8000 clusters of 2 KiB */
	{ 32, "-S 512 -s 1", 40960 },        /* 80000 clusters of 512 B */
	{ 16, "-S 4096 -s 1", 32768 },       /* 4 KiB sectors on a 512-byte disk */
};

static char img[512];

static void mkfs(const struct fat_kind *k)
{
	snprintf(img, sizeof(img), "%s/fat%d-%u.img", fs_host_tmpdir(), k->bits, k->kib);
	fs_host_run("rm -f '%s'", img);
	if (fs_host_run("mkfs.fat -F %d %s -n TESSERA -C '%s' %u", k->bits, k->mkfs, img, k->kib))
		fail_msg("mkfs.fat: %s", fs_host_output);
}

static void fsck_clean(void)
{
	int st = fs_host_run("fsck.fat -n '%s'", img);

	if (st)
		fail_msg("fsck.fat -n %s exited %d:\n%s", img, st, fs_host_output);
}

static struct stat st_of(const char *path)
{
	struct stat st;
	int err = vfs_stat(&init_fs, NULL, path, 0, &st);

	assert_int_equal(err, 0);
	return st;
}

static void put_pattern(const char *path, size_t len, unsigned seed)
{
	u8 *buf = malloc(len + 1);

	fat_pattern(buf, len, seed);
	assert_int_equal(fat_put(path, buf, len), (long)len);
	free(buf);
}

static void check_pattern(const char *path, size_t len, unsigned seed)
{
	u8 *want = malloc(len + 1), *got = malloc(len + 16);

	fat_pattern(want, len, seed);
	assert_int_equal(fat_get(path, got, len + 16), (long)len);
	assert_memory_equal(want, got, len);
	free(want);
	free(got);
}

static const size_t sizes[] = { 0, 1, 511, 512, 513, 1023, 1024, 2049, 4096, 70000 };

static void write_tree(void)
{
	char path[128];

	assert_int_equal(vfs_mkdir(&init_fs, NULL, "/mnt/Sub Dir", 0755), 0);
	assert_int_equal(vfs_mkdir(&init_fs, NULL, "/mnt/Sub Dir/deeper", 0755), 0);
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "/mnt/Sub Dir/file number %u.bin", i);
		put_pattern(path, sizes[i], i);
	}
	put_pattern("/mnt/README.TXT", 300, 77);
	put_pattern("/mnt/Sub Dir/deeper/Grüße – ünïcödé.txt", 1000, 78);
}

static void check_tree(void)
{
	char path[128];

	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(path, sizeof(path), "/mnt/Sub Dir/file number %u.bin", i);
		check_pattern(path, sizes[i], i);
		assert_int_equal(st_of(path).st_size, sizes[i]);
	}
	check_pattern("/mnt/README.TXT", 300, 77);
	check_pattern("/mnt/Sub Dir/deeper/Grüße – ünïcödé.txt", 1000, 78);
}

/* Everything the VFS offers FAT, then a remount and fsck. */
static void workload(const struct fat_kind *k)
{
	struct statfs sfs0, sfs1;
	struct stat st;
	char big[3000];

	mkfs(k);
	assert_int_equal(fat_test_mount(img, 512), 0);
	assert_int_equal(vfs_statfs(&init_fs, NULL, "/mnt", &sfs0), 0);
	assert_int_equal(sfs0.f_type, MSDOS_SUPER_MAGIC);
	write_tree();
	check_tree();
	/* Case-insensitive names, one namespace for long and 8.3 names. */
	assert_int_equal(st_of("/mnt/readme.txt").st_size, 300);
	assert_int_equal(st_of("/mnt/SUB DIR/FILE NUMBER 1.BIN").st_size, 1);
	struct file *f;
	assert_int_equal(vfs_open(&init_fs, NULL, "/mnt/Readme.Txt", O_CREAT | O_EXCL | O_WRONLY,
				  0644, &f), -EEXIST);
	/* No links of either kind. */
	assert_int_equal(vfs_link(&init_fs, NULL, "/mnt/README.TXT", NULL, "/mnt/l", 0), -EPERM);
	assert_int_equal(vfs_symlink(&init_fs, "README.TXT", NULL, "/mnt/s"), -EPERM);
	/* Append, truncate down and up (zeros), rename in and across dirs. */
	memset(big, 'a', sizeof(big));
	assert_int_equal(vfs_open(&init_fs, NULL, "/mnt/log", O_WRONLY | O_CREAT | O_APPEND, 0644, &f), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(kernel_write(f, big, 1000, 0), 1000);
	file_put(f);
	assert_int_equal(st_of("/mnt/log").st_size, 3000);
	assert_int_equal(vfs_truncate(&init_fs, NULL, "/mnt/log", 10), 0);
	assert_int_equal(vfs_truncate(&init_fs, NULL, "/mnt/log", 2500), 0);
	assert_int_equal(fat_get("/mnt/log", big, sizeof(big)), 2500);
	for (int i = 0; i < 2500; i++)
		assert_int_equal(big[i], i < 10 ? 'a' : 0);
	assert_int_equal(vfs_rename(&init_fs, NULL, "/mnt/log", NULL, "/mnt/Sub Dir/log.renamed", 0), 0);
	assert_int_equal(vfs_rename(&init_fs, NULL, "/mnt/Sub Dir/deeper", NULL, "/mnt/moved", 0), 0);
	assert_int_equal(vfs_stat(&init_fs, NULL, "/mnt/moved/..", 0, &st), 0);
	assert_int_equal(st.st_ino, st_of("/mnt").st_ino);
	assert_int_equal(vfs_rename(&init_fs, NULL, "/mnt/README.TXT", NULL,
				    "/mnt/Sub Dir/file number 0.bin", 0), 0);
	assert_int_equal(vfs_rmdir(&init_fs, NULL, "/mnt/Sub Dir"), -ENOTEMPTY);
	assert_int_equal(vfs_mkdir(&init_fs, NULL, "/mnt/empty", 0755), 0);
	assert_int_equal(vfs_rmdir(&init_fs, NULL, "/mnt/empty"), 0);
	assert_int_equal(vfs_unlink(&init_fs, NULL, "/mnt/Sub Dir/file number 9.bin"), 0);
	assert_int_equal(fat_test_umount(), 0);
	fsck_clean();

	assert_int_equal(fat_test_mount(img, 512), 0);
	check_pattern("/mnt/Sub Dir/file number 0.bin", 300, 77);
	check_pattern("/mnt/moved/Grüße – ünïcödé.txt", 1000, 78);
	assert_int_equal(st_of("/mnt/Sub Dir/log.renamed").st_size, 2500);
	assert_int_equal(vfs_stat(&init_fs, NULL, "/mnt/Sub Dir/file number 9.bin", 0, &st), -ENOENT);
	/* Remove everything: the free count comes back to where it started. */
	for (unsigned i = 0; i < 9; i++) {
		char path[128];

		snprintf(path, sizeof(path), "/mnt/Sub Dir/file number %u.bin", i);
		assert_int_equal(vfs_unlink(&init_fs, NULL, path), 0);
	}
	assert_int_equal(vfs_unlink(&init_fs, NULL, "/mnt/Sub Dir/log.renamed"), 0);
	assert_int_equal(vfs_unlink(&init_fs, NULL, "/mnt/moved/Grüße – ünïcödé.txt"), 0);
	assert_int_equal(vfs_rmdir(&init_fs, NULL, "/mnt/moved"), 0);
	assert_int_equal(vfs_rmdir(&init_fs, NULL, "/mnt/Sub Dir"), 0);
	assert_int_equal(vfs_statfs(&init_fs, NULL, "/mnt", &sfs1), 0);
	assert_int_equal(sfs1.f_bfree, sfs0.f_bfree);
	assert_int_equal(fat_test_umount(), 0);
	fsck_clean();
}

static void test_fat12_workload(void **state) { (void)state; workload(&kinds[0]); }
static void test_fat16_workload(void **state) { (void)state; workload(&kinds[1]); }
static void test_fat32_workload(void **state) { (void)state; workload(&kinds[2]); }
static void test_4k_sectors(void **state) { (void)state; workload(&kinds[3]); }

/* mtools writes, Tessera reads: names and bytes. */
static void test_mtools_to_tessera(void **state)
{
	char host[600], got[4096];
	struct stat st;

	(void)state;
	mkfs(&kinds[2]);
	snprintf(host, sizeof(host), "%s/src.txt", fs_host_tmpdir());
	assert_int_equal(fs_host_write(host, "hello from mtools\n", 18), 0);
	assert_int_equal(fs_host_run("mmd -i '%s' '::/Long Directory Name' ::/SHORT", img), 0);
	assert_int_equal(fs_host_run("mcopy -i '%s' '%s' '::/Long Directory Name/Long File Name.txt'",
				     img, host), 0);
	assert_int_equal(fs_host_run("mcopy -i '%s' '%s' ::/SHORT/UPPER.TXT", img, host), 0);
	assert_int_equal(fs_host_run("mcopy -i '%s' '%s' ::/lower.txt", img, host), 0);
	assert_int_equal(fat_test_mount(img, 512), 0);
	assert_int_equal(fat_get("/mnt/Long Directory Name/Long File Name.txt", got, sizeof(got)), 18);
	assert_memory_equal(got, "hello from mtools\n", 18);
	assert_int_equal(fat_get("/mnt/SHORT/UPPER.TXT", got, sizeof(got)), 18);
	assert_int_equal(fat_get("/mnt/lower.txt", got, sizeof(got)), 18);
	assert_int_equal(vfs_stat(&init_fs, NULL, "/mnt/long directory name/LONG FILE NAME.TXT", 0, &st), 0);
	assert_int_equal(fat_test_umount(), 0);
}

static void collect(const char *name, unsigned type, void *ctx)
{
	(void)type;
	strcat(ctx, name);
	strcat(ctx, "|");
}

/* Tessera writes, mtools reads; 20 names sharing a prefix get distinct aliases. */
static void test_tessera_to_mtools(void **state)
{
	char names[4096] = "", path[128];

	(void)state;
	mkfs(&kinds[0]);
	assert_int_equal(fat_test_mount(img, 512), 0);
	assert_int_equal(vfs_mkdir(&init_fs, NULL, "/mnt/Made By Tessera", 0755), 0);
	for (int i = 0; i < 20; i++) {
		snprintf(path, sizeof(path), "/mnt/Made By Tessera/Same prefix file %02d.text", i);
		put_pattern(path, 100 + i, i);
	}
	assert_int_equal(fat_put("/mnt/Made By Tessera/note.txt", "written by tessera\n", 19), 19);
	assert_int_equal(fat_list("/mnt/Made By Tessera", collect, names), 0);
	assert_non_null(strstr(names, "Same prefix file 07.text|"));
	assert_non_null(strstr(names, "note.txt|"));
	assert_int_equal(fat_test_umount(), 0);
	fsck_clean();
	assert_int_equal(fs_host_run("mtype -i '%s' '::/Made By Tessera/note.txt'", img), 0);
	assert_string_equal(fs_host_output, "written by tessera\n");
	assert_int_equal(fs_host_run("mdir -b -i '%s' '::/Made By Tessera'", img), 0);
	assert_non_null(strstr(fs_host_output, "Same prefix file 19.text"));
	assert_non_null(strstr(fs_host_output, "/note.txt"));  /* 8.3 with the lower-case bits */
	assert_int_equal(fs_host_run("mdir -i '%s' '::/Made By Tessera'", img), 0);
	assert_non_null(strstr(fs_host_output, "SAMEPR~1 TEX"));
	assert_non_null(strstr(fs_host_output, "SAMEP~20 TEX"));
}

/* Filling the disk: -ENOSPC, and the image stays consistent. */
static void test_disk_full(void **state)
{
	static u8 buf[65536];
	struct file *f;
	long n, total = 0;

	(void)state;
	mkfs(&kinds[0]);
	assert_int_equal(fat_test_mount(img, 512), 0);
	assert_int_equal(vfs_open(&init_fs, NULL, "/mnt/big", O_WRONLY | O_CREAT, 0644, &f), 0);
	while ((n = kernel_write(f, buf, sizeof(buf), (u64)total)) > 0)
		total += n;
	file_put(f);
	assert_int_equal(n, -ENOSPC);
	assert_true(total > 900 * 1024);
	assert_int_equal(fat_put("/mnt/more", "x", 1), -ENOSPC);
	assert_int_equal(vfs_unlink(&init_fs, NULL, "/mnt/more"), 0);
	assert_int_equal(fat_test_umount(), 0);
	fsck_clean();
}

/* An open file outlives its name; its clusters are freed at the last close. */
static void test_unlink_open(void **state)
{
	struct statfs a, b;
	struct file *f;
	char got[8];

	(void)state;
	mkfs(&kinds[1]);
	assert_int_equal(fat_test_mount(img, 512), 0);
	assert_int_equal(vfs_statfs(&init_fs, NULL, "/mnt", &a), 0);
	put_pattern("/mnt/victim", 10000, 3);
	assert_int_equal(vfs_open(&init_fs, NULL, "/mnt/victim", O_RDWR, 0, &f), 0);
	assert_int_equal(vfs_unlink(&init_fs, NULL, "/mnt/victim"), 0);
	assert_int_equal(kernel_read(f, got, 4, 0), 4);
	file_put(f);
	assert_int_equal(vfs_statfs(&init_fs, NULL, "/mnt", &b), 0);
	assert_int_equal(a.f_bfree, b.f_bfree);
	assert_int_equal(fat_test_umount(), 0);
	fsck_clean();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fat12_workload),
		cmocka_unit_test(test_fat16_workload),
		cmocka_unit_test(test_fat32_workload),
		cmocka_unit_test(test_4k_sectors),
		cmocka_unit_test(test_mtools_to_tessera),
		cmocka_unit_test(test_tessera_to_mtools),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_unlink_open),
	};
	int failed;

	fat_test_boot();
	failed = cmocka_run_group_tests_name("fat_interop", tests, NULL, NULL);
	fs_host_cleanup();
	return failed;
}
