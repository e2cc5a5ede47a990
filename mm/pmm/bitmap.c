/*
 * Bitmap page allocator core (CONFIG_PMM_BITMAP): one bit per page, 1 =
 * allocated. Order 0 is a next-fit scan for a word with a clear bit; larger
 * orders scan for 2^order clear bits at an aligned position.
 */
#include <mm/pmm.h>
#include <tessera/errno.h>

#define PAGE_BITS        12
#define WORD_BITS        64
#define WORD_ORDER       6                  /* 2^6 pages per bitmap word */
#define WORD_FULL        (~0ULL)

/* Bits at every multiple of 2^order: where an aligned block may start. */
static const u64 block_starts[WORD_ORDER] = {
	0xffffffffffffffffULL, 0x5555555555555555ULL, 0x1111111111111111ULL,
	0x0101010101010101ULL, 0x0001000100010001ULL, 0x0000000100000001ULL,
};

static inline u64 *words(const struct pmm_core *c)
{
	return c->meta;
}

static inline u64 nwords(const struct pmm_core *c)
{
	return (c->npages + WORD_BITS - 1) / WORD_BITS;
}

/* Mask of bits [bit, bit + n) within one word; n <= 64. */
static inline u64 bit_mask(u64 bit, u64 n)
{
	return (n == WORD_BITS ? WORD_FULL : ((1ULL << n) - 1)) << bit;
}

u64 pmm_core_meta_size(u64 npages)
{
	return (npages + WORD_BITS - 1) / WORD_BITS * sizeof(u64);
}

const char *pmm_core_name(void)
{
	return "bitmap";
}

void pmm_core_init(struct pmm_core *c, void *meta, phys_addr_t base, u64 npages)
{
	*c = (struct pmm_core){ .base = base, .npages = npages, .meta = meta };
	/* The tail of the last word stays set: pages past the end never come free. */
	__builtin_memset(meta, 0xff, pmm_core_meta_size(npages));
}

/* True when every page in [first, first + n) is allocated. */
static bool all_allocated(const struct pmm_core *c, u64 first, u64 n)
{
	for (u64 i = first; i < first + n;) {
		u64 bit = i % WORD_BITS, take = WORD_BITS - bit;

		if (take > first + n - i)
			take = first + n - i;
		if ((words(c)[i / WORD_BITS] & bit_mask(bit, take)) != bit_mask(bit, take))
			return false;
		i += take;
	}
	return true;
}

static void set_range(struct pmm_core *c, u64 first, u64 n, bool allocated)
{
	for (u64 i = first; i < first + n;) {
		u64 bit = i % WORD_BITS, take = WORD_BITS - bit;

		if (take > first + n - i)
			take = first + n - i;
		if (allocated)
			words(c)[i / WORD_BITS] |= bit_mask(bit, take);
		else
			words(c)[i / WORD_BITS] &= ~bit_mask(bit, take);
		i += take;
	}
}

/* Page index of pa, or -1 when [pa, pa + n pages) is not inside the region. */
static s64 page_index(const struct pmm_core *c, phys_addr_t pa, u64 n)
{
	u64 idx;

	if (pa < c->base || (pa & ((1ULL << PAGE_BITS) - 1)))
		return -1;
	idx = (pa - c->base) >> PAGE_BITS;
	if (idx >= c->npages || n > c->npages - idx)
		return -1;
	return (s64)idx;
}

static void count(struct pmm_core *c, s64 delta)
{
	c->free_pages += delta;
	c->free_blocks[0] = c->free_pages;
}

int pmm_core_add_free(struct pmm_core *c, phys_addr_t pa, u64 npages)
{
	s64 idx = page_index(c, pa, npages);

	if (npages == 0)
		return 0;
	if (idx < 0 || !all_allocated(c, idx, npages))
		return -EINVAL;
	set_range(c, idx, npages, false);
	count(c, npages);
	return 0;
}

/* First aligned run of 2^order (< 64) clear bits in word w, or -1. */
static int find_in_word(u64 w, unsigned int order)
{
	u64 free = ~w;

	/* After folding, bit i is set when bits i .. i + 2^order - 1 are all clear. */
	for (unsigned int s = 1; s < (1u << order); s <<= 1)
		free &= free >> s;
	free &= block_starts[order];
	return free ? __builtin_ctzll(free) : -1;
}

/* Next fit for blocks inside one word: start at the cursor, wrap once. */
static s64 scan_small(struct pmm_core *c, unsigned int order)
{
	u64 n = nwords(c);

	for (u64 i = 0; i < n; i++) {
		u64 wi = c->cursor + i < n ? c->cursor + i : c->cursor + i - n;
		int bit;

		if (words(c)[wi] == WORD_FULL)
			continue;
		bit = find_in_word(words(c)[wi], order);
		if (bit < 0)
			continue;
		c->cursor = wi;
		return (s64)(wi * WORD_BITS + bit);
	}
	return -1;
}

/* Blocks of whole words: 2^(order-6) clear words at an aligned word index. */
static s64 scan_words(struct pmm_core *c, unsigned int order)
{
	u64 k = 1ULL << (order - WORD_ORDER), n = nwords(c) / k * k;

	for (u64 i = 0; i < n; i += k) {
		u64 wi = (c->cursor / k * k + i) % n, j;

		for (j = 0; j < k && words(c)[wi + j] == 0; j++)
			;
		if (j < k)
			continue;
		c->cursor = wi;
		return (s64)(wi * WORD_BITS);
	}
	return -1;
}

phys_addr_t pmm_core_alloc(struct pmm_core *c, unsigned int order)
{
	s64 idx;

	if (order > PMM_MAX_ORDER || c->free_pages < (1ULL << order))
		return PMM_NO_PAGE;
	idx = order < WORD_ORDER ? scan_small(c, order) : scan_words(c, order);
	if (idx < 0)
		return PMM_NO_PAGE;
	set_range(c, idx, 1ULL << order, true);
	count(c, -(s64)(1ULL << order));
	return c->base + ((u64)idx << PAGE_BITS);
}

int pmm_core_free(struct pmm_core *c, phys_addr_t pa, unsigned int order)
{
	u64 n = 1ULL << order;
	s64 idx;

	if (order > PMM_MAX_ORDER || (pa & ((n << PAGE_BITS) - 1)))
		return -EINVAL;
	idx = page_index(c, pa, n);
	if (idx < 0 || !all_allocated(c, idx, n))
		return -EINVAL;
	set_range(c, idx, n, false);
	count(c, n);
	return 0;
}
