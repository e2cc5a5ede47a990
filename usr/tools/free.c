/*
 * free: memory in use and free from /proc/meminfo, laid out like procps'
 * free (total, used, free, shared, buff/cache, available; then swap).
 * Units: -k (default, KiB), -m (MiB), -g (GiB), -b (bytes).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ulib.h"

struct meminfo {
	unsigned long long total, free, available, buffers, cached, sreclaimable, shmem;
	unsigned long long swap_total, swap_free;
	int has_available;
};

static const struct field {
	const char *name;
	size_t off;
} fields[] = {
	{ "MemTotal", offsetof(struct meminfo, total) },
	{ "MemFree", offsetof(struct meminfo, free) },
	{ "MemAvailable", offsetof(struct meminfo, available) },
	{ "Buffers", offsetof(struct meminfo, buffers) },
	{ "Cached", offsetof(struct meminfo, cached) },
	{ "SReclaimable", offsetof(struct meminfo, sreclaimable) },
	{ "Shmem", offsetof(struct meminfo, shmem) },
	{ "SwapTotal", offsetof(struct meminfo, swap_total) },
	{ "SwapFree", offsetof(struct meminfo, swap_free) },
};

static int read_meminfo(struct meminfo *m)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char name[64];
	unsigned long long kb;

	if (!f)
		return -1;
	memset(m, 0, sizeof(*m));
	/* "Name:   123 kB" lines; lines without a unit (HugePages_*) parse the same. */
	while (fscanf(f, "%63[^:]: %llu%*[^\n]\n", name, &kb) == 2) {
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			if (strcmp(name, fields[i].name) != 0)
				continue;
			*(unsigned long long *)((char *)m + fields[i].off) = kb;
			if (!strcmp(name, "MemAvailable"))
				m->has_available = 1;
		}
	}
	fclose(f);
	return m->total ? 0 : -1;
}

/*
 * procps-ng 4: used = total - available; without MemAvailable (old
 * kernels) used = total - free - buffers - cache, cache with reclaimable slab.
 */
static void print(const struct meminfo *m, unsigned int shift_kb, int bytes)
{
	unsigned long long cache = m->cached + m->sreclaimable;
	unsigned long long buff_cache = m->buffers + cache;
	unsigned long long avail = m->has_available ? m->available : m->free;
	unsigned long long used = m->has_available ? m->total - avail :
				  m->total - m->free - buff_cache;
	unsigned long long v[6] = { m->total, used, m->free, m->shmem, buff_cache, avail };
	unsigned long long s[3] = { m->swap_total, m->swap_total - m->swap_free, m->swap_free };

	for (int i = 0; i < 6; i++)
		v[i] = bytes ? v[i] * 1024 : v[i] >> shift_kb;
	for (int i = 0; i < 3; i++)
		s[i] = bytes ? s[i] * 1024 : s[i] >> shift_kb;
	printf("%20s %11s %11s %11s %11s %11s\n", "total", "used", "free", "shared",
	       "buff/cache", "available");
	printf("%-9s%11llu %11llu %11llu %11llu %11llu %11llu\n", "Mem:", v[0], v[1], v[2],
	       v[3], v[4], v[5]);
	printf("%-9s%11llu %11llu %11llu\n", "Swap:", s[0], s[1], s[2]);
}

int main(int argc, char **argv)
{
	struct meminfo m;
	unsigned int shift = 0;
	int bytes = 0;

	u_setprog(argv[0]);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-k"))
			shift = 0, bytes = 0;
		else if (!strcmp(argv[i], "-m"))
			shift = 10, bytes = 0;
		else if (!strcmp(argv[i], "-g"))
			shift = 20, bytes = 0;
		else if (!strcmp(argv[i], "-b"))
			bytes = 1;
		else {
			u_warnx("usage: free [-b|-k|-m|-g]");
			return 2;
		}
	}
	if (read_meminfo(&m)) {
		u_warn("/proc/meminfo");
		return 1;
	}
	print(&m, shift, bytes);
	return 0;
}
