/*
 * The boot memory map as page ranges (mm/pmm/memmap.c): which pages are
 * usable RAM outside every hole and reservation, however unsorted,
 * overlapping or oddly sized the entries are. Pure C, tested on the host.
 */
#ifndef MM_PMM_MEMMAP_H
#define MM_PMM_MEMMAP_H

#include <tessera/bootinfo.h>
#include <tessera/types.h>

#define MEMMAP_PHYS_LIMIT   (1ULL << 52)    /* architectural MAXPHYADDR (SDM 4.1.4) */

/* A range the kernel keeps for itself: [start, end), any alignment. */
struct phys_range {
	u64 start, end;
	unsigned int kind;          /* the user's label */
};

struct memmap {
	const struct boot_mmap_entry *entries;
	u32 count;
	const struct phys_range *reserved;
	u32 nreserved;
};

/* What counts as a hole: non-RAM map entries only, or the reservations too. */
enum memmap_holes { MEMMAP_HOLES, MEMMAP_HOLES_AND_RESERVED };

typedef void (*memmap_fn)(u64 start, u64 end, void *arg);

/*
 * Calls fn, in rising address order, for each page-aligned piece of
 * [lo, hi) that lies in a usable entry (rounded inward to pages) and in no
 * hole (rounded outward). Pieces may touch; they never overlap.
 */
void memmap_for_each_free(const struct memmap *m, u64 lo, u64 hi, enum memmap_holes holes,
			  memmap_fn fn, void *arg);

#endif
