/*
 * Copy-on-write frame counts (CONFIG_COW): how many more address spaces map
 * a user frame than the one that owns it. 0 (every frame that fork never
 * shared) means exclusive, so only fork and the last free pay for it.
 */
#include <asm/page.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/vma.h>
#include <tessera/bootinfo.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>

/* One page of u16 counts per chunk of frames; chunks for all of RAM, made at first use. */
#define COW_CHUNK_FRAMES  (PAGE_SIZE / sizeof(u16))
#define COW_MAX_EXTRA     0xffffu
#define COW_DIR_ORDER_MAX PMM_MAX_ORDER

static u16 **cow_chunks;
static u64 cow_nchunks;
static bool cow_tried;
static DEFINE_SPINLOCK(cow_lock);

/* One past the highest usable frame in the boot memory map. */
static u64 ram_end_frame(void)
{
	u64 end = 0;

	for (u32 i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *m = &boot_info.mmap[i];

		if (m->type == BOOT_MEM_AVAILABLE && m->addr + m->len > end)
			end = m->addr + m->len;
	}
	if (!end)
		end = (1ULL << 20) + ((u64)boot_info.mem_upper_kib << 10);
	return end >> PAGE_SHIFT;
}

static unsigned int order_for(u64 bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

/* The directory and every chunk from the page allocator, never freed. */
static bool cow_table_init(void)
{
	u64 n = (ram_end_frame() + COW_CHUNK_FRAMES - 1) / COW_CHUNK_FRAMES;
	unsigned int dir_order = order_for(n * sizeof(u16 *));
	phys_addr_t dir;

	if (dir_order > COW_DIR_ORDER_MAX)
		return false;
	dir = pmm_alloc_pages(dir_order);
	if (dir == PMM_NO_PAGE)
		return false;
	cow_chunks = phys_to_virt(dir);
	memset(cow_chunks, 0, PAGE_SIZE << dir_order);
	for (u64 i = 0; i < n; i++) {
		phys_addr_t pa = pmm_alloc_pages(0);

		if (pa == PMM_NO_PAGE) {
			pr_warn("cow: no memory for frame counts: fork copies\n");
			while (i--)
				pmm_free_pages(virt_to_phys(cow_chunks[i]), 0);
			pmm_free_pages(dir, dir_order);
			cow_chunks = NULL;
			return false;
		}
		cow_chunks[i] = phys_to_virt(pa);
		memset(cow_chunks[i], 0, PAGE_SIZE);
	}
	cow_nchunks = n;
	pr_info("cow: frame counts for %llu MiB of RAM in %llu KiB\n",
		(unsigned long long)(n * COW_CHUNK_FRAMES * PAGE_SIZE >> 20),
		(unsigned long long)(((n * PAGE_SIZE) + (PAGE_SIZE << dir_order)) >> 10));
	return true;
}

/* pa's count, or NULL outside the table (or without one). Lock held. */
static u16 *slot(phys_addr_t pa)
{
	u64 frame = pa >> PAGE_SHIFT;

	if (!cow_chunks || frame / COW_CHUNK_FRAMES >= cow_nchunks)
		return NULL;
	return &cow_chunks[frame / COW_CHUNK_FRAMES][frame % COW_CHUNK_FRAMES];
}

bool cow_page_share(phys_addr_t pa)
{
	u16 *c;
	bool ok = false;

	/* The first fork builds the table (outside the lock: it allocates and logs). */
	if (!__atomic_exchange_n(&cow_tried, true, __ATOMIC_ACQ_REL))
		cow_table_init();
	spin_lock(&cow_lock);
	c = slot(pa);
	if (c && *c < COW_MAX_EXTRA) {
		(*c)++;
		ok = true;
	}
	spin_unlock(&cow_lock);
	return ok;
}

bool cow_page_shared(phys_addr_t pa)
{
	u16 *c;
	bool shared;

	spin_lock(&cow_lock);
	c = slot(pa);
	shared = c && *c;
	spin_unlock(&cow_lock);
	return shared;
}

void cow_page_put(phys_addr_t pa)
{
	u16 *c;
	bool last = true;

	spin_lock(&cow_lock);
	c = slot(pa);
	if (c && *c) {
		(*c)--;
		last = false;
	}
	spin_unlock(&cow_lock);
	if (last)
		pmm_free_pages(pa, 0);
}
