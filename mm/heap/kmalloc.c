/*
 * The heap's common front: kmalloc/kfree/krealloc over whichever core is
 * linked, the counters, and CONFIG_HEAP_POISON's redzones, free poisoning
 * and reports. Pure C like the cores; the glue supplies heap_lock().
 */
#include <mm/heap.h>
#include <tessera/kallsyms.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <lib/format.h>
#include <lib/string.h>

#include "heap_core.h"

/*
 * Under CONFIG_HEAP_POISON each block is laid out as
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

#define POISON_HDR_BYTES   sizeof(struct poison_hdr)
#define REDZONE_BYTES      16
#define POISON_LEAD        (POISON_HDR_BYTES + REDZONE_BYTES)
#define POISON_MAX_SIZE    ((size_t)1 << 40)   /* keeps the size sums from wrapping */

#define MAGIC_LIVE         0x4c4956454b4d4c43ULL   /* "CLMKEVIL" */
#define MAGIC_FREED        0x444545524b4d4c43ULL   /* "CLMKREED" */
#define BYTE_REDZONE       0xbb
#define BYTE_FREED         0x6b    /* 0x6b6b... is a non-canonical pointer: use-after-free faults */
#define BYTE_UNINIT        0xa5    /* fresh, not zeroed memory: reads of it stand out */

#define SYM_BUF            96

static struct {
	u64 allocs;
	u64 failures;
} counters;

static void symbolise(unsigned long addr, char *buf, size_t len)
{
	unsigned long off = 0, size = 0;
	const char *name = kallsyms_lookup(addr, &off, &size);

	if (name)
		snprintf(buf, len, "%s+0x%lx/0x%lx", name, off, size);
	else
		snprintf(buf, len, "0x%lx", addr);
}

void heap_report(const char *what, const void *p, unsigned long caller)
{
	char sym[SYM_BUF];

	symbolise(caller, sym, sizeof(sym));
	pr_err("heap: %s %p (caller %s)\n", what, p, sym);
}

static struct poison_hdr *poison_hdr_of(const void *p)
{
	return (struct poison_hdr *)((char *)p - POISON_LEAD);
}

static size_t poison_tail_bytes(size_t size)
{
	return ALIGN_UP(size, HEAP_ALIGN) - size + REDZONE_BYTES;
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

static void *poison_wrap(void *block, size_t size, unsigned long caller)
{
	struct poison_hdr *h = block;
	u8 *payload = (u8 *)block + POISON_LEAD;

	h->magic = MAGIC_LIVE;
	h->size = size;
	h->alloc_caller = caller;
	h->free_caller = 0;
	memset(payload - REDZONE_BYTES, BYTE_REDZONE, REDZONE_BYTES);
	memset(payload, BYTE_UNINIT, size);
	memset(payload + size, BYTE_REDZONE, poison_tail_bytes(size));
	return payload;
}

static void report_redzone(const char *where, const void *p, const u8 *bad,
			   const struct poison_hdr *h, unsigned long caller)
{
	char by[SYM_BUF], from[SYM_BUF];

	symbolise(caller, by, sizeof(by));
	symbolise(h->alloc_caller, from, sizeof(from));
	pr_err("heap: %s redzone of %p (%lu bytes, allocated by %s) overwritten at byte %ld, "
	       "found on free by %s\n", where, p, (unsigned long)h->size, from,
	       (long)(bad - (const u8 *)p), by);
}

/* Checks both redzones; reports and returns false when either is broken. */
static bool poison_check(const void *p, const struct poison_hdr *h, unsigned long caller)
{
	const u8 *bad = find_not((const u8 *)p - REDZONE_BYTES, BYTE_REDZONE, REDZONE_BYTES);

	if (bad) {
		report_redzone("front", p, bad, h, caller);
		return false;
	}
	bad = find_not((const u8 *)p + h->size, BYTE_REDZONE, poison_tail_bytes(h->size));
	if (bad) {
		report_redzone("tail", p, bad, h, caller);
		return false;
	}
	return true;
}

static void core_free_checked(void *block, const void *p, unsigned long caller)
{
	unsigned long flags = heap_lock();
	enum heap_free_result r = heap_core_free(block);

	heap_unlock(flags);
	if (r == HEAP_FREE_DOUBLE)
		heap_report("double free of", p, caller);
	else if (r == HEAP_FREE_INVALID)
		heap_report("free of a pointer the heap never handed out:", p, caller);
}

static size_t core_usable(const void *block)
{
	unsigned long flags = heap_lock();
	size_t n = heap_core_usable_size(block);

	heap_unlock(flags);
	return n;
}

static void report_double_poisoned(const void *p, const struct poison_hdr *h,
				   unsigned long caller)
{
	char by[SYM_BUF], first[SYM_BUF];

	symbolise(caller, by, sizeof(by));
	symbolise(h->free_caller, first, sizeof(first));
	pr_err("heap: double free of %p by %s (first freed by %s)\n", p, by, first);
}

static bool poison_size_fits(const struct poison_hdr *h, size_t usable)
{
	return h->size <= POISON_MAX_SIZE &&
	       POISON_LEAD + ALIGN_UP(h->size, HEAP_ALIGN) + REDZONE_BYTES <= usable;
}

/* Poisoned kfree: check, poison, then hand the block to the core. */
static void poison_free(const void *p, unsigned long caller)
{
	struct poison_hdr *h = poison_hdr_of(p);
	size_t usable = core_usable(h);

	if (!usable) {
		if (h->magic == MAGIC_FREED)
			report_double_poisoned(p, h, caller);
		else
			core_free_checked(h, p, caller);    /* the core names what is wrong */
		return;
	}
	if (h->magic != MAGIC_LIVE || !poison_size_fits(h, usable)) {
		heap_report("header overwritten (underflow?) in block", p, caller);
		core_free_checked(h, p, caller);
		return;
	}
	poison_check(p, h, caller);
	h->magic = MAGIC_FREED;
	h->free_caller = caller;
	memset((u8 *)p - REDZONE_BYTES, BYTE_FREED,
	       REDZONE_BYTES + h->size + poison_tail_bytes(h->size));
	core_free_checked(h, p, caller);
}

static void *do_kmalloc(size_t size, gfp_t flags, unsigned long caller)
{
	size_t need = size ? size : 1;
	unsigned long irq;
	void *block;

	if (IS_ENABLED(CONFIG_HEAP_POISON)) {
		if (need > POISON_MAX_SIZE)
			need = POISON_MAX_SIZE;     /* fails below: no page source has that much */
		need = POISON_LEAD + ALIGN_UP(need, HEAP_ALIGN) + REDZONE_BYTES;
	}
	irq = heap_lock();
	block = heap_core_alloc(need);
	if (block)
		counters.allocs++;
	else
		counters.failures++;
	heap_unlock(irq);
	if (!block)
		return NULL;
	if (IS_ENABLED(CONFIG_HEAP_POISON))
		block = poison_wrap(block, size, caller);
	if (flags & __GFP_ZERO)
		memset(block, 0, size);
	return block;
}

void *kmalloc(size_t size, gfp_t flags)
{
	return do_kmalloc(size, flags, (unsigned long)__builtin_return_address(0));
}

static void do_kfree(const void *p, unsigned long caller)
{
	if (!p)
		return;
	if (IS_ENABLED(CONFIG_HEAP_POISON)) {
		poison_free(p, caller);
		return;
	}
	core_free_checked((void *)p, p, caller);
}

void kfree(const void *p)
{
	do_kfree(p, (unsigned long)__builtin_return_address(0));
}

/* Sets *size to the bytes of p the caller may rely on; false (reported) when p is not live. */
static bool live_size(const void *p, unsigned long caller, size_t *size)
{
	bool live;

	if (!IS_ENABLED(CONFIG_HEAP_POISON)) {
		*size = core_usable(p);
		live = *size != 0;
	} else {
		const struct poison_hdr *h = poison_hdr_of(p);
		size_t usable = core_usable(h);

		live = usable && h->magic == MAGIC_LIVE && poison_size_fits(h, usable);
		*size = live ? h->size : 0;
		if (live && !poison_check(p, h, caller))
			live = false;
	}
	if (!live)
		heap_report("krealloc of a block that is not live:", p, caller);
	return live;
}

void *krealloc(void *p, size_t new_size, gfp_t flags)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);
	size_t old;
	void *q;

	if (!p)
		return do_kmalloc(new_size, flags, caller);
	if (!new_size) {
		do_kfree(p, caller);
		return NULL;
	}
	if (!live_size(p, caller, &old))
		return NULL;
	/* Poisoned blocks always move, so the new tail gets a fresh redzone. */
	if (!IS_ENABLED(CONFIG_HEAP_POISON) && new_size <= old)
		return p;
	q = do_kmalloc(new_size, flags, caller);
	if (!q)
		return NULL;
	memcpy(q, p, old < new_size ? old : new_size);
	do_kfree(p, caller);
	return q;
}

void heap_get_stats(struct heap_stats *st)
{
	unsigned long irq = heap_lock();

	heap_core_stats(st);
	st->allocs = counters.allocs;
	st->failures = counters.failures;
	heap_unlock(irq);
}

const char *heap_name(void)
{
	return heap_core_name;
}

void heap_setup(const struct heap_page_source *src)
{
	unsigned long irq = heap_lock();

	counters.allocs = 0;
	counters.failures = 0;
	heap_core_init(src);
	heap_unlock(irq);
}
