/*
 * The heap conformance cases, written once against include/mm/heap.h and
 * included by both the host cmocka suite (tests/conformance/heap_suite.c)
 * and the guest KTEST suite (mm/heap/heap_test.c).
 *
 * The includer provides, before including this file: memset/memcmp, and
 * HC_EXPECT(h, cond) that records a failed expectation and goes on.
 */
#ifndef MM_HEAP_CASES_H
#define MM_HEAP_CASES_H

#include <mm/heap.h>

struct hc {
	void *ctx;                  /* the includer's test handle */
	size_t max_size;            /* largest block the trace asks for */
	unsigned long trace_ops;    /* steps of the random trace */
	bool tolerate_null;         /* the trace may run out of memory (counted in nulls) */
	unsigned long nulls;
	/* Reports printed so far, or NULL when the includer cannot count them. */
	unsigned long (*reports)(void);
	u64 rng;
};

/* Fails the expectation and leaves the case when cond is false. */
#define HC_REQUIRE(h, cond) \
	do { \
		bool hc_ok_ = (cond); \
		HC_EXPECT(h, hc_ok_ && #cond); \
		if (!hc_ok_) \
			return; \
	} while (0)

#define HC_MIB           ((size_t)1 << 20)
#define HC_SLOTS         128
#define HC_CACHE_OBJS    300
#define HC_LARGE_BLOCKS  2000

static u64 hc_rand(struct hc *h)
{
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return h->rng * 0x2545f4914f6cdd1dULL;
}

static bool hc_can_free(void)
{
	const char *n = heap_name();

	return !(n[0] == 'b' && n[1] == 'u');   /* bump never gives memory back */
}

static bool hc_aligned(const void *p)
{
	return ((uintptr_t)p & (HEAP_ALIGN - 1)) == 0;
}

static u8 hc_byte(u32 tag, size_t i)
{
	return (u8)(tag * 131u + (u32)i * 7u + (u32)(i >> 8));
}

static void hc_fill(void *p, size_t from, size_t to, u32 tag)
{
	u8 *b = p;

	for (size_t i = from; i < to; i++)
		b[i] = hc_byte(tag, i);
}

static bool hc_intact(const void *p, size_t n, u32 tag)
{
	const u8 *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != hc_byte(tag, i))
			return false;
	return true;
}

static unsigned long hc_reports(struct hc *h)
{
	return h->reports ? h->reports() : 0;
}

/* Every size from 1 B to 1 MiB that sits on or next to a power of two. */
static void hc_case_sizes(struct hc *h)
{
	for (size_t base = 1; base <= h->max_size; base <<= 1) {
		size_t sizes[4] = { base - 1, base, base + 1, base + base / 2 };

		for (int k = 0; k < 4; k++) {
			size_t n = sizes[k];
			u8 *p;

			if (!n || n > h->max_size)
				continue;
			p = kmalloc(n, GFP_KERNEL);
			HC_REQUIRE(h, p != NULL);
			HC_EXPECT(h, hc_aligned(p));
			hc_fill(p, 0, n, (u32)n);
			HC_EXPECT(h, hc_intact(p, n, (u32)n));
			kfree(p);
		}
	}
}

static void hc_case_alignment_and_zero(struct hc *h)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 4096, 5000, 70000 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		u8 *p = kmalloc(sizes[i], GFP_KERNEL), *z;

		HC_REQUIRE(h, p != NULL);
		memset(p, 0xff, sizes[i]);
		kfree(p);
		z = kzalloc(sizes[i], GFP_KERNEL);
		HC_REQUIRE(h, z != NULL);
		HC_EXPECT(h, hc_aligned(z));
		for (size_t j = 0; j < sizes[i]; j++)
			if (z[j]) {
				HC_EXPECT(h, z[j] == 0);
				break;
			}
		kfree(z);
	}
}

static void hc_case_zero_size(struct hc *h)
{
	void *a = kmalloc(0, GFP_KERNEL), *b = kmalloc(0, GFP_KERNEL);

	HC_EXPECT(h, a != NULL && b != NULL && a != b);
	HC_EXPECT(h, hc_aligned(a) && hc_aligned(b));
	kfree(a);
	kfree(b);
	kfree(NULL);
}

static void hc_case_krealloc(struct hc *h)
{
	u8 *p = krealloc(NULL, 40, GFP_KERNEL), *q;

	HC_REQUIRE(h, p != NULL);
	hc_fill(p, 0, 40, 7);
	q = krealloc(p, 10, GFP_KERNEL);
	HC_REQUIRE(h, q != NULL);
	HC_EXPECT(h, hc_intact(q, 10, 7));
	p = krealloc(q, 9000, GFP_KERNEL);
	HC_REQUIRE(h, p != NULL);
	HC_EXPECT(h, hc_aligned(p) && hc_intact(p, 10, 7));
	/* A failed krealloc leaves the block alone. */
	q = krealloc(p, (size_t)-1, GFP_KERNEL);
	HC_EXPECT(h, q == NULL);
	HC_EXPECT(h, hc_intact(p, 10, 7));
	HC_EXPECT(h, krealloc(p, 0, GFP_KERNEL) == NULL);
}

/* kmalloc of what no page source can give fails cleanly and is counted. */
static void hc_case_huge_fails(struct hc *h)
{
	static const size_t huge[] = { (size_t)-1, (size_t)-1 - 64, (size_t)1 << 40,
				       (size_t)64 << 30 };
	struct heap_stats before, after;

	heap_get_stats(&before);
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		HC_EXPECT(h, kmalloc(huge[i], GFP_KERNEL) == NULL);
	heap_get_stats(&after);
	HC_EXPECT(h, after.failures == before.failures + sizeof(huge) / sizeof(huge[0]));
	HC_EXPECT(h, after.bytes_in_use == before.bytes_in_use);
}

struct hc_block {
	u8 *p;
	size_t size;
	u32 tag;
};

static size_t hc_trace_size(struct hc *h)
{
	u64 r = hc_rand(h) % 1000;
	size_t cap = r < 700 ? 256 : r < 950 ? 4096 : r < 995 ? 65536 : h->max_size;

	if (cap > h->max_size)
		cap = h->max_size;
	return 1 + (size_t)(hc_rand(h) % cap);
}

static bool hc_overlaps(const struct hc_block *live, int n, int self)
{
	const struct hc_block *b = &live[self];

	for (int i = 0; i < n; i++)
		if (i != self && live[i].p && b->p < live[i].p + live[i].size &&
		    live[i].p < b->p + b->size)
			return true;
	return false;
}

/* One step of the trace on slot i: alloc into an empty slot, else free or realloc. */
static void hc_trace_step(struct hc *h, struct hc_block *live, int i, u32 tag)
{
	struct hc_block *b = &live[i];
	size_t n = hc_trace_size(h);
	u8 *q;

	if (!b->p) {
		b->p = kmalloc(n, GFP_KERNEL);
		if (!b->p) {
			HC_EXPECT(h, h->tolerate_null);
			h->nulls++;
			return;
		}
		b->size = n;
		b->tag = tag;
		hc_fill(b->p, 0, n, tag);
	} else if (hc_rand(h) & 1) {
		HC_EXPECT(h, hc_intact(b->p, b->size, b->tag));
		kfree(b->p);
		b->p = NULL;
		return;
	} else {
		HC_EXPECT(h, hc_intact(b->p, b->size, b->tag));
		q = krealloc(b->p, n, GFP_KERNEL);
		if (!q) {
			HC_EXPECT(h, h->tolerate_null);
			HC_EXPECT(h, hc_intact(b->p, b->size, b->tag));
			h->nulls++;
			return;
		}
		HC_EXPECT(h, hc_intact(q, n < b->size ? n : b->size, b->tag));
		if (n > b->size)
			hc_fill(q, b->size, n, b->tag);
		b->p = q;
		b->size = n;
	}
	HC_EXPECT(h, hc_aligned(b->p));
	HC_EXPECT(h, !hc_overlaps(live, HC_SLOTS, i));
}

/* Random alloc/free/realloc checked against a model of what is live. */
static void hc_case_trace(struct hc *h)
{
	static struct hc_block live[HC_SLOTS];
	struct heap_stats before, after;

	memset(live, 0, sizeof(live));
	heap_get_stats(&before);
	for (u32 op = 1; op <= h->trace_ops; op++)
		hc_trace_step(h, live, (int)(hc_rand(h) % HC_SLOTS), op);
	for (int i = 0; i < HC_SLOTS; i++) {
		if (!live[i].p)
			continue;
		HC_EXPECT(h, hc_intact(live[i].p, live[i].size, live[i].tag));
		kfree(live[i].p);
	}
	heap_get_stats(&after);
	if (hc_can_free())
		HC_EXPECT(h, after.bytes_in_use == before.bytes_in_use);
}

static void hc_case_stats(struct hc *h)
{
	struct heap_stats s0, s1, s2;
	void *p;

	heap_get_stats(&s0);
	p = kmalloc(100, GFP_KERNEL);
	HC_REQUIRE(h, p != NULL);
	heap_get_stats(&s1);
	HC_EXPECT(h, s1.bytes_in_use >= s0.bytes_in_use + 100);
	HC_EXPECT(h, s1.pages_held >= 1);
	kfree(p);
	heap_get_stats(&s2);
	if (hc_can_free())
		HC_EXPECT(h, s2.bytes_in_use == s0.bytes_in_use);
	else
		HC_EXPECT(h, s2.bytes_in_use == s1.bytes_in_use);
}

static void hc_case_cache(struct hc *h, size_t objsize, int count)
{
	static struct hc_block objs[HC_CACHE_OBJS];
	struct kmem_cache *c = kmem_cache_create("hc_test", objsize);

	HC_REQUIRE(h, c != NULL && count <= HC_CACHE_OBJS);
	for (int i = 0; i < count; i++) {
		objs[i].p = kmem_cache_alloc(c, i & 1 ? __GFP_ZERO : GFP_KERNEL);
		objs[i].size = objsize;
		objs[i].tag = (u32)i;
		HC_REQUIRE(h, objs[i].p != NULL);
		HC_EXPECT(h, hc_aligned(objs[i].p));
		if (i & 1)
			HC_EXPECT(h, objs[i].p[0] == 0 && objs[i].p[objsize - 1] == 0);
		hc_fill(objs[i].p, 0, objsize, (u32)i);
		HC_EXPECT(h, !hc_overlaps(objs, i + 1, i));
	}
	for (int i = 0; i < count; i++) {
		HC_EXPECT(h, hc_intact(objs[i].p, objsize, (u32)i));
		kmem_cache_free(c, objs[i].p);
	}
	kmem_cache_destroy(c);
}

static void hc_case_caches(struct hc *h)
{
	hc_case_cache(h, 40, HC_CACHE_OBJS);
	hc_case_cache(h, 1, 50);
	hc_case_cache(h, 5000, 8);
}

/* Many large blocks at once, freed in random order (slab's block table grows and shrinks). */
static void hc_case_many_large(struct hc *h, int count)
{
	static u8 *blocks[HC_LARGE_BLOCKS];
	struct heap_stats s0, s1;

	HC_REQUIRE(h, count <= HC_LARGE_BLOCKS);
	heap_get_stats(&s0);
	for (int i = 0; i < count; i++) {
		blocks[i] = kmalloc(5000, GFP_KERNEL);
		HC_REQUIRE(h, blocks[i] != NULL);
		blocks[i][0] = (u8)i;
		blocks[i][4999] = (u8)i;
	}
	for (int left = count; left > 0; left--) {
		int i = (int)(hc_rand(h) % (u64)left);
		u8 *b = blocks[i];

		HC_EXPECT(h, b[0] == (u8)i && b[4999] == (u8)i);
		kfree(b);
		blocks[i] = blocks[left - 1];
		blocks[left - 1] = NULL;
		if (i != left - 1) {
			/* The moved block's check bytes follow its new index. */
			HC_EXPECT(h, blocks[i][0] == (u8)(left - 1));
			blocks[i][0] = (u8)i;
			blocks[i][4999] = (u8)i;
		}
	}
	heap_get_stats(&s1);
	if (hc_can_free())
		HC_EXPECT(h, s1.bytes_in_use == s0.bytes_in_use);
}

/* A cache with live objects is not destroyed: reported, still usable. */
static void hc_case_cache_destroy_busy(struct hc *h)
{
	struct kmem_cache *c = kmem_cache_create("hc_busy", 64);
	unsigned long r0 = hc_reports(h);
	u8 *a;

	HC_REQUIRE(h, c != NULL);
	a = kmem_cache_alloc(c, GFP_KERNEL);
	HC_REQUIRE(h, a != NULL);
	kmem_cache_destroy(c);
	if (h->reports)
		HC_EXPECT(h, hc_reports(h) == r0 + 1);
	kmem_cache_free(c, a);
	kmem_cache_destroy(c);
}

/* A second kfree is reported and changes nothing; so is a stray pointer. */
static void hc_case_double_free(struct hc *h)
{
	struct heap_stats s0, s1;
	unsigned long r0 = hc_reports(h);
	u8 *a = kzalloc(64, GFP_KERNEL), *keep = kzalloc(64, GFP_KERNEL), *b, *c;

	HC_REQUIRE(h, a != NULL && keep != NULL);
	kfree(keep + 16);
	kfree(a);
	heap_get_stats(&s0);
	kfree(a);
	heap_get_stats(&s1);
	HC_EXPECT(h, s1.bytes_in_use == s0.bytes_in_use);
	if (h->reports)
		HC_EXPECT(h, hc_reports(h) == r0 + 2);
	b = kmalloc(64, GFP_KERNEL);
	c = kmalloc(64, GFP_KERNEL);
	HC_EXPECT(h, b != NULL && c != NULL && b != c);
	kfree(b);
	kfree(c);
	kfree(keep);
}

/*
 * Exhausts the heap: 64 KiB blocks, then 4 KiB, then 16 B, until each
 * fails (NULL, no crash); then everything goes back and allocation works
 * again. The blocks are chained through their first word.
 */
static void hc_case_exhaust(struct hc *h)
{
	static const size_t steps[] = { 65536, 4096, 16 };
	struct heap_stats s0, s1;
	void *chain = NULL, *p;
	unsigned long n = 0;

	heap_get_stats(&s0);
	for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++)
		while ((p = kmalloc(steps[k], GFP_KERNEL)) != NULL) {
			*(void **)p = chain;
			chain = p;
			n++;
		}
	HC_EXPECT(h, n > 0);
	HC_EXPECT(h, kmalloc(16, GFP_KERNEL) == NULL);
	while (chain) {
		p = *(void **)chain;
		kfree(chain);
		chain = p;
	}
	if (!hc_can_free())
		return;
	heap_get_stats(&s1);
	HC_EXPECT(h, s1.bytes_in_use == s0.bytes_in_use);
	p = kmalloc(65536, GFP_KERNEL);
	HC_EXPECT(h, p != NULL);
	kfree(p);
}

/* CONFIG_HEAP_POISON: overruns on either side are reported; freed memory is poisoned. */
static void hc_case_poison(struct hc *h)
{
	unsigned long r0 = hc_reports(h);
	u8 *keep = kmalloc(24, GFP_KERNEL), *p = kmalloc(24, GFP_KERNEL);

	HC_REQUIRE(h, keep != NULL && p != NULL);
	p[24] = 0;                  /* one past the end */
	kfree(p);
	if (h->reports)
		HC_EXPECT(h, hc_reports(h) == r0 + 1);
	p = kmalloc(24, GFP_KERNEL);
	HC_REQUIRE(h, p != NULL);
	p[-1] = 0;                  /* one before the start */
	kfree(p);
	if (h->reports)
		HC_EXPECT(h, hc_reports(h) == r0 + 2);
	p = kmalloc(24, GFP_KERNEL);
	HC_REQUIRE(h, p != NULL);
	kfree(p);
	/* keep holds the slab or arena, so the freed block is still mapped. */
	HC_EXPECT(h, p[8] == 0x6b && p[23] == 0x6b);
	kfree(keep);
}

#endif
