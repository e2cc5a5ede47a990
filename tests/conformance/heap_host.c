/*
 * The heap's host glue (see heap_host.h): blocks from aligned_alloc, kept
 * in a search tree so a reset can hand them all back; reports are counted.
 * The lock is a no-op in heap_core.h under -DHEAP_HOST.
 */
#define _GNU_SOURCE     /* tdestroy */
#include <search.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/heap.h>
#include <tessera/panic.h>
#include <tessera/printk.h>

#include "heap_core.h"
#include "heap_host.h"

#define PAGE 4096UL

struct host_block {
	void *va;
	unsigned int order;
};

static void *tree;
static size_t budget_pages, pages_out, peak_pages;
static unsigned long reports;
static char last_report[512];

static int by_va(const void *a, const void *b)
{
	const struct host_block *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

static void *host_alloc(unsigned int order)
{
	size_t pages = (size_t)1 << order;
	struct host_block *b;

	if (order > HOST_MAX_ORDER || pages_out + pages > budget_pages)
		return NULL;
	b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	b->order = order;
	b->va = aligned_alloc(PAGE << order, PAGE << order);
	if (!b->va) {
		free(b);
		return NULL;
	}
	tsearch(b, &tree, by_va);
	pages_out += pages;
	if (pages_out > peak_pages)
		peak_pages = pages_out;
	return b->va;
}

static void host_free(void *va, unsigned int order)
{
	struct host_block key = { va, order }, *b;
	void *node = tfind(&key, &tree, by_va);

	if (!node || (*(struct host_block **)node)->order != order) {
		fprintf(stderr, "heap_host: free_pages(%p, %u) of a block never handed out\n",
			va, order);
		abort();
	}
	b = *(struct host_block **)node;
	tdelete(&key, &tree, by_va);
	pages_out -= (size_t)1 << order;
	free(b->va);
	free(b);
}

static void free_node(void *node)
{
	struct host_block *b = node;

	free(b->va);
	free(b);
}

static const struct heap_page_source host_source = {
	.alloc_pages = host_alloc,
	.free_pages  = host_free,
};

void heap_host_reset(size_t budget_bytes)
{
	tdestroy(tree, free_node);
	tree = NULL;
	pages_out = peak_pages = 0;
	budget_pages = budget_bytes / PAGE;
	reports = 0;
	last_report[0] = 0;
	heap_setup(&host_source);
}

unsigned long heap_host_reports(void)
{
	return reports;
}

const char *heap_host_last_report(void)
{
	return last_report;
}

size_t heap_host_peak_pages(void)
{
	return peak_pages;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last_report, sizeof(last_report), fmt, ap);
	va_end(ap);
	if (strncmp(fmt, KERN_ERR, 2) == 0)
		reports++;
	if (getenv("HEAP_HOST_VERBOSE"))
		fprintf(stderr, "%s", last_report);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}
