/*
 * heap_bench.c's allocator when it is glibc malloc, the yardstick: held =
 * the main arena plus mmap'd chunks, as mallinfo2() counts them.
 */
#include <malloc.h>
#include <stdlib.h>

#include "heap_bench.h"

const char *bench_name(void)
{
	return "glibc";
}

/* glibc cannot start over; trimming gives back what it can. */
void bench_reset(void)
{
	malloc_trim(0);
}

void *bench_alloc(size_t size)
{
	return malloc(size);
}

void bench_free(void *p)
{
	free(p);
}

size_t bench_held_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.arena + mi.hblkhd;
}
