/*
 * df: size, use and free space of each mounted filesystem (from
 * /proc/mounts), or of the filesystems holding each FILE, in 1 KiB blocks.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "ulib.h"

#define MOUNTS_FILE "/proc/mounts"

static void header(void)
{
	printf("%-16s %10s %10s %10s %4s %s\n", "Filesystem", "1K-blocks", "Used",
	       "Available", "Use%", "Mounted on");
}

static int report(const char *source, const char *dir)
{
	struct statfs st;
	unsigned long long unit, total, used, avail;

	if (statfs(dir, &st)) {
		u_warn(dir);
		return 1;
	}
	unit = st.f_frsize ? (unsigned long long)st.f_frsize : (unsigned long long)st.f_bsize;
	total = st.f_blocks * unit / 1024;
	used = (st.f_blocks - st.f_bfree) * unit / 1024;
	avail = st.f_bavail * unit / 1024;
	printf("%-16s %10llu %10llu %10llu ", source, total, used, avail);
	if (used + avail)       /* rounded up, as coreutils does */
		printf("%3llu%%", (used * 100 + used + avail - 1) / (used + avail));
	else
		printf("%4s", "-");
	printf(" %s\n", dir);
	return 0;
}

/* Each "SOURCE DIR TYPE ..." line of /proc/mounts; -1 when there is none. */
static int report_mounts(void)
{
	char line[512], source[256], dir[256];
	FILE *f = fopen(MOUNTS_FILE, "r");
	int status = 0;

	if (!f)
		return -1;
	header();
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %255s", source, dir) == 2)
			status |= report(source, dir);
	fclose(f);
	return status;
}

/*
 * FILE's mount: the last /proc/mounts entry on FILE's device, as coreutils
 * shows it (source and mount point); "-" and FILE when there is no table.
 */
static int report_file(const char *file)
{
	char line[512], src[256], source[256] = "-", dir[256], mnt[256];
	struct stat st, mst;
	FILE *f = fopen(MOUNTS_FILE, "r");

	snprintf(mnt, sizeof(mnt), "%s", file);
	if (f && !stat(file, &st)) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%255s %255s", src, dir) == 2 && !stat(dir, &mst) &&
			    mst.st_dev == st.st_dev) {
				snprintf(source, sizeof(source), "%s", src);
				snprintf(mnt, sizeof(mnt), "%s", dir);
			}
	}
	if (f)
		fclose(f);
	return report(source, mnt);
}

int main(int argc, char **argv)
{
	int status = 0;

	u_setprog(argv[0]);
	if (argc == 1) {
		status = report_mounts();
		if (status >= 0)
			return status;
		header();
		return report("rootfs", "/");
	}
	header();
	for (int i = 1; i < argc; i++)
		status |= report_file(argv[i]);
	return status;
}
