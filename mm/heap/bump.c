/*
 * Bump heap (CONFIG_HEAP_BUMP): hands out memory by moving a pointer through
 * chunks of pages and never reuses it. kfree only marks the block, to catch
 * double frees; the memory stays used. For tiny, boot-only kernels.
 */
#include "heap_core.h"

/* A 16-byte header keeps the size for krealloc and a mark for kfree. */
struct bump_hdr {
	u64 size;
	u64 magic;
};

#define BUMP_LIVE        0xb0b0a11c0c0a11c0ULL
#define BUMP_FREED       0xb0b0f4eef4eef4eeULL
#define BUMP_MAX_REQUEST ((size_t)1 << 40)
/* 16 KiB chunks: a page per small kmalloc would cost a page-allocator call each. */
#define BUMP_MIN_CHUNK_ORDER 2

const char heap_core_name[] = "bump";

static const struct heap_page_source *source;
static char *cur, *end;
static size_t bytes_in_use, pages_held;

void heap_core_init(const struct heap_page_source *src)
{
	source = src;
	cur = end = NULL;
	bytes_in_use = 0;
	pages_held = 0;
}

static void *carve(char *at, size_t need)
{
	struct bump_hdr *h = (struct bump_hdr *)at;

	h->size = need - sizeof(*h);
	h->magic = BUMP_LIVE;
	bytes_in_use += need;
	return h + 1;
}

/*
 * need bytes from a new chunk. The chunk becomes the current one unless the
 * old one has more room left, as when a big request gets a chunk of its own.
 */
static void *alloc_new_chunk(size_t need)
{
	unsigned int order = heap_order_for(need);
	size_t bytes;
	char *va;

	if (order < BUMP_MIN_CHUNK_ORDER)
		order = BUMP_MIN_CHUNK_ORDER;
	if (order > HEAP_MAX_ORDER || !(va = source->alloc_pages(order)))
		return NULL;
	pages_held += (size_t)1 << order;
	bytes = HEAP_PAGE_SIZE << order;
	if (bytes - need >= (size_t)(end - cur)) {
		cur = va + need;
		end = va + bytes;
	}
	return carve(va, need);
}

void *heap_core_alloc(size_t size)
{
	size_t need;
	char *at;

	if (size > BUMP_MAX_REQUEST)
		return NULL;
	need = sizeof(struct bump_hdr) + ALIGN_UP(size ? size : 1, HEAP_ALIGN);
	if ((size_t)(end - cur) < need)
		return alloc_new_chunk(need);
	at = cur;
	cur += need;
	return carve(at, need);
}

enum heap_free_result heap_core_free(void *p)
{
	struct bump_hdr *h = (struct bump_hdr *)p - 1;

	if (h->magic == BUMP_FREED)
		return HEAP_FREE_DOUBLE;
	if (h->magic != BUMP_LIVE)
		return HEAP_FREE_INVALID;
	h->magic = BUMP_FREED;
	return HEAP_FREE_OK;
}

HEAP_DEFINE_KMALLOC(heap_core_alloc, heap_core_free)

size_t heap_core_usable_size(const void *p)
{
	const struct bump_hdr *h = (const struct bump_hdr *)p - 1;

	return h->magic == BUMP_LIVE ? h->size : 0;
}

/* bytes_in_use never falls: nothing handed out is ever reused. */
void heap_core_stats(struct heap_stats *st)
{
	st->bytes_in_use = bytes_in_use;
	st->pages_held = pages_held;
}
