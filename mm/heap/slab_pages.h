/*
 * The slab heap's pages (slab_pages.c): every page-source call, counted, and
 * the blocks over 4 KiB that kmalloc hands out whole, found again by address.
 */
#ifndef MM_HEAP_SLAB_PAGES_H
#define MM_HEAP_SLAB_PAGES_H

#include "heap_core.h"

/* Forgets every page (host tests restart the heap) and uses src from now on. */
void slab_pages_init(const struct heap_page_source *src);
/* 2^order pages aligned to their size, counted in slab_pages_held(), or NULL. */
void *pages_get(unsigned int order);
void pages_put(void *va, unsigned int order);
size_t slab_pages_held(void);

/* A page block of at least size bytes, remembered for large_free; or NULL. */
void *large_alloc(size_t size);
/* Frees p if it is a large block and says so; false leaves p alone. */
bool large_free(const void *p);
/* Bytes of the large block at p, 0 when p is none. */
size_t large_size(const void *p);
size_t large_bytes(void);

#endif
