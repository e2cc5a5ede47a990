/*
 * /proc/meminfo: the page allocator's and the heap's counters in Linux's
 * "Name:  N kB" lines, the ones free(1) and top read.
 */
#include <mm/heap.h>
#include <mm/pmm.h>
#include "internal.h"

#define PAGE_KB  4

static void line(struct proc_buf *b, const char *name, unsigned long long kb)
{
	proc_printf(b, "%-16s%8llu kB\n", name, kb);
}

/*
 * There is no page cache yet and the buffer cache does not count its
 * bytes, so Buffers and Cached are 0 and everything not free is in use.
 * Slab is the heap's pages: kmalloc never gives memory back to programs.
 */
int proc_meminfo_show(struct proc_buf *b, int pid)
{
	struct pmm_stats ps;
	struct heap_stats hs;

	pmm_get_stats(&ps);
	heap_get_stats(&hs);
	line(b, "MemTotal:", ps.total_pages * PAGE_KB);
	line(b, "MemFree:", ps.free_pages * PAGE_KB);
	line(b, "MemAvailable:", ps.free_pages * PAGE_KB);
	line(b, "Buffers:", 0);
	line(b, "Cached:", 0);
	line(b, "SwapCached:", 0);
	line(b, "Slab:", hs.pages_held * PAGE_KB);
	line(b, "SReclaimable:", 0);
	line(b, "SUnreclaim:", hs.pages_held * PAGE_KB);
	line(b, "SwapTotal:", 0);
	line(b, "SwapFree:", 0);
	line(b, "Shmem:", 0);
	line(b, "HeapInUse:", hs.bytes_in_use / 1024);
	line(b, "Reserved:", ps.reserved_pages * PAGE_KB);
	return 0;
}
