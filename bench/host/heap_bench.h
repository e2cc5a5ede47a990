/*
 * What heap_bench.c drives: one allocator behind four calls, either a
 * Tessera heap core (bench_heap.c) or glibc malloc (bench_glibc.c).
 */
#ifndef BENCH_HOST_HEAP_BENCH_H
#define BENCH_HOST_HEAP_BENCH_H

#include <stddef.h>

const char *bench_name(void);
/* Starts the allocator afresh (the heap gets a new, unlimited page source). */
void bench_reset(void);
void *bench_alloc(size_t size);
void bench_free(void *p);
/* Bytes the allocator holds from the system right now. */
size_t bench_held_bytes(void);

#endif
