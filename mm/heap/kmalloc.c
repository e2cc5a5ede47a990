/*
 * The heap's common front: krealloc, the slow sides of kmalloc/kfree (their
 * fast paths are HEAP_DEFINE_KMALLOC in each core, the poisoned ones are in
 * poison.c), the counters and the reports. Pure C, like the cores.
 */
#include <mm/heap.h>
#include <tessera/kallsyms.h>
#include <tessera/printk.h>
#include <lib/format.h>
#include <lib/string.h>

#include "heap_core.h"

/* Failures only: a success counter would be a store on every fast path. */
static u64 failures;

void heap_symbolise(unsigned long addr, char *buf, size_t len)
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
	char sym[HEAP_SYM_BUF];

	heap_symbolise(caller, sym, sizeof(sym));
	pr_err("heap: %s %p (caller %s)\n", what, p, sym);
}

/* Out of line and cold, so kfree's fast path sets up no report buffers. */
__attribute__((cold)) void heap_report_free(enum heap_free_result r, const void *p,
					     unsigned long caller)
{
	if (r == HEAP_FREE_DOUBLE)
		heap_report("double free of", p, caller);
	else
		heap_report("free of a pointer the heap never handed out:", p, caller);
}

void heap_free_block(void *block, const void *p, unsigned long caller)
{
	unsigned long flags = heap_lock();
	enum heap_free_result r = heap_core_free(block);

	heap_unlock(flags);
	if (unlikely(r != HEAP_FREE_OK))
		heap_report_free(r, p, caller);
}

size_t heap_usable_locked(const void *block)
{
	unsigned long flags = heap_lock();
	size_t n = heap_core_usable_size(block);

	heap_unlock(flags);
	return n;
}

void heap_alloc_failed(void)
{
	failures++;
}

void *heap_kmalloc_slow(size_t size, gfp_t flags, unsigned long caller)
{
	size_t need = IS_ENABLED(CONFIG_HEAP_POISON) ? heap_poison_need(size) : size;
	unsigned long irq;
	void *block;

	irq = heap_lock();
	block = heap_core_alloc(need);
	if (!block)
		failures++;
	heap_unlock(irq);
	if (!block)
		return NULL;
	if (IS_ENABLED(CONFIG_HEAP_POISON))
		block = heap_poison_wrap(block, size, caller);
	if (flags & __GFP_ZERO)
		memset(block, 0, size);
	return block;
}

static void do_kfree(const void *p, unsigned long caller)
{
	if (!p)
		return;
	if (IS_ENABLED(CONFIG_HEAP_POISON)) {
		heap_kfree_poisoned(p, caller);
		return;
	}
	heap_free_block((void *)p, p, caller);
}

/* Sets *size to the bytes of p the caller may rely on; false (reported) when p is not live. */
static bool live_size(const void *p, unsigned long caller, size_t *size)
{
	bool live;

	if (IS_ENABLED(CONFIG_HEAP_POISON)) {
		live = heap_poison_live_size(p, caller, size);
	} else {
		*size = heap_usable_locked(p);
		live = *size != 0;
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
		return heap_kmalloc_slow(new_size, flags, caller);
	if (!new_size) {
		do_kfree(p, caller);
		return NULL;
	}
	if (!live_size(p, caller, &old))
		return NULL;
	/* Poisoned blocks always move, so the new tail gets a fresh redzone. */
	if (!IS_ENABLED(CONFIG_HEAP_POISON) && new_size <= old)
		return p;
	q = heap_kmalloc_slow(new_size, flags, caller);
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
	st->failures = failures;
	heap_unlock(irq);
}

const char *heap_name(void)
{
	return heap_core_name;
}

void heap_setup(const struct heap_page_source *src)
{
	unsigned long irq = heap_lock();

	failures = 0;
	heap_core_init(src);
	heap_unlock(irq);
}
