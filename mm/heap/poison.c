/*
 * CONFIG_HEAP_POISON: a header and redzones around every kmalloc block,
 * checked on kfree and krealloc; freed memory filled with 0x6b; reports
 * name the functions that allocated and freed. kmalloc.c calls in here.
 */
#include <lib/string.h>
#include <tessera/printk.h>

#include "heap_core.h"

/*
 * Each block is laid out as
 *   [core scratch 16][magic 8][size 8][alloc caller 8][free caller 8]
 *   [front redzone 16][payload size][tail redzone: padding + 16]
 * The first 16 bytes are left to the core: slab and first-fit keep their
 * free-list links there, so the magic survives a free and a second kfree
 * of the same pointer is named as a double free.
 */
struct poison_hdr {
	u64 core_scratch[2];
	u64 magic;
	u64 size;
	unsigned long alloc_caller;
	unsigned long free_caller;
};

#define REDZONE_BYTES      16
#define POISON_LEAD        (sizeof(struct poison_hdr) + REDZONE_BYTES)
#define POISON_MAX_SIZE    ((size_t)1 << 40)   /* keeps the size sums from wrapping */

#define MAGIC_LIVE         0x4c4956454b4d4c43ULL   /* "CLMKEVIL" */
#define MAGIC_FREED        0x444545524b4d4c43ULL   /* "CLMKREED" */
#define BYTE_REDZONE       0xbb
#define BYTE_FREED         0x6b    /* 0x6b6b... is a non-canonical pointer: use-after-free faults */
#define BYTE_UNINIT        0xa5    /* fresh, not zeroed memory: reads of it stand out */

static struct poison_hdr *hdr_of(const void *p)
{
	return (struct poison_hdr *)((char *)p - POISON_LEAD);
}

static size_t tail_bytes(size_t size)
{
	return ALIGN_UP(size, HEAP_ALIGN) - size + REDZONE_BYTES;
}

size_t heap_poison_need(size_t size)
{
	if (size > POISON_MAX_SIZE)
		size = POISON_MAX_SIZE;     /* then the core fails: no page source has that much */
	return POISON_LEAD + ALIGN_UP(size, HEAP_ALIGN) + REDZONE_BYTES;
}

void *heap_poison_wrap(void *block, size_t size, unsigned long caller)
{
	struct poison_hdr *h = block;
	u8 *payload = (u8 *)block + POISON_LEAD;

	h->magic = MAGIC_LIVE;
	h->size = size;
	h->alloc_caller = caller;
	h->free_caller = 0;
	memset(payload - REDZONE_BYTES, BYTE_REDZONE, REDZONE_BYTES);
	memset(payload, BYTE_UNINIT, size);
	memset(payload + size, BYTE_REDZONE, tail_bytes(size));
	return payload;
}

/* First byte in [p, p+len) that is not val, or NULL. */
static const u8 *find_not(const void *p, u8 val, size_t len)
{
	const u8 *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != val)
			return b + i;
	return NULL;
}

static void report_redzone(const char *where, const void *p, const u8 *bad,
			   const struct poison_hdr *h, unsigned long caller)
{
	char by[HEAP_SYM_BUF], from[HEAP_SYM_BUF];

	heap_symbolise(caller, by, sizeof(by));
	heap_symbolise(h->alloc_caller, from, sizeof(from));
	pr_err("heap: %s redzone of %p (%lu bytes, allocated by %s) overwritten at byte %ld, "
	       "found on free by %s\n", where, p, (unsigned long)h->size, from,
	       (long)(bad - (const u8 *)p), by);
}

/* Checks both redzones; reports and returns false when either is broken. */
static bool redzones_ok(const void *p, const struct poison_hdr *h, unsigned long caller)
{
	const u8 *bad = find_not((const u8 *)p - REDZONE_BYTES, BYTE_REDZONE, REDZONE_BYTES);

	if (bad) {
		report_redzone("front", p, bad, h, caller);
		return false;
	}
	bad = find_not((const u8 *)p + h->size, BYTE_REDZONE, tail_bytes(h->size));
	if (bad) {
		report_redzone("tail", p, bad, h, caller);
		return false;
	}
	return true;
}

static void report_double(const void *p, const struct poison_hdr *h, unsigned long caller)
{
	char by[HEAP_SYM_BUF], first[HEAP_SYM_BUF];

	heap_symbolise(caller, by, sizeof(by));
	heap_symbolise(h->free_caller, first, sizeof(first));
	pr_err("heap: double free of %p by %s (first freed by %s)\n", p, by, first);
}

/* The header is only trusted when its size fits the block the core knows. */
static bool header_ok(const struct poison_hdr *h, size_t usable)
{
	return h->magic == MAGIC_LIVE && h->size <= POISON_MAX_SIZE &&
	       POISON_LEAD + ALIGN_UP(h->size, HEAP_ALIGN) + REDZONE_BYTES <= usable;
}

void heap_kfree_poisoned(const void *p, unsigned long caller)
{
	struct poison_hdr *h = hdr_of(p);
	size_t usable = heap_usable_locked(h);

	if (!usable) {
		if (h->magic == MAGIC_FREED)
			report_double(p, h, caller);
		else
			heap_free_block(h, p, caller);      /* the core names what is wrong */
		return;
	}
	if (!header_ok(h, usable)) {
		heap_report("header overwritten (underflow?) in block", p, caller);
		heap_free_block(h, p, caller);
		return;
	}
	redzones_ok(p, h, caller);
	h->magic = MAGIC_FREED;
	h->free_caller = caller;
	memset((u8 *)p - REDZONE_BYTES, BYTE_FREED, REDZONE_BYTES + h->size + tail_bytes(h->size));
	heap_free_block(h, p, caller);
}

bool heap_poison_live_size(const void *p, unsigned long caller, size_t *size)
{
	const struct poison_hdr *h = hdr_of(p);

	*size = 0;
	if (!header_ok(h, heap_usable_locked(h)) || !redzones_ok(p, h, caller))
		return false;
	*size = h->size;
	return true;
}
