/*
 * heap_bench.c's allocator when it is a Tessera heap: kmalloc/kfree over the
 * host page source of tests/conformance/heap_host.c; held = pages held.
 */
#include <mm/heap.h>

#include "heap_bench.h"
#include "heap_host.h"

#define UNLIMITED ((size_t)1 << 40)

const char *bench_name(void)
{
	return heap_name();
}

void bench_reset(void)
{
	heap_host_reset(UNLIMITED);
}

void *bench_alloc(size_t size)
{
	return kmalloc(size, GFP_KERNEL);
}

void bench_free(void *p)
{
	kfree(p);
}

size_t bench_held_bytes(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st.pages_held * 4096;
}
