/*
 * ramfs file data: one array of page pointers per file, pages from the
 * page allocator (so the heap choice, even bump, never holds file data),
 * NULL slots for holes. Bytes past the size inside a page are always zero,
 * which is what lets a file grow again without clearing anything.
 */
#include <mm/heap.h>
#include <mm/pmm.h>
#include <asm/page.h>
#include <tessera/errno.h>
#include <lib/string.h>
#include "ramfs.h"

#define SECTORS_PER_PAGE (PAGE_SIZE / 512)

static void *page_alloc(struct super_block *sb)
{
	phys_addr_t pa = pmm_alloc_pages(0);
	void *p;

	if (pa == PMM_NO_PAGE)
		return NULL;
	p = phys_to_virt(pa);
	memset(p, 0, PAGE_SIZE);
	RAMFS_SB(sb)->pages_used++;
	return p;
}

static void page_free(struct super_block *sb, void *p)
{
	pmm_free_pages(virt_to_phys(p), 0);
	RAMFS_SB(sb)->pages_used--;
}

static u64 pages_for(u64 size)
{
	return (size + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Makes room for `need` page slots. Inode lock held. */
static int grow_slots(struct ramfs_inode *ri, u64 need)
{
	u64 n = ri->npages ? ri->npages : 1;
	void **pages;

	if (need <= ri->npages)
		return 0;
	while (n < need)
		n *= 2;
	pages = krealloc(ri->pages, n * sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	memset(pages + ri->npages, 0, (n - ri->npages) * sizeof(*pages));
	ri->pages = pages;
	ri->npages = n;
	return 0;
}

static void *page_at(struct ramfs_inode *ri, u64 idx)
{
	return idx < ri->npages ? ri->pages[idx] : NULL;
}

/* Frees pages from index `from` on. */
static void drop_pages(struct inode *inode, u64 from)
{
	struct ramfs_inode *ri = RAMFS_I(inode);

	for (u64 i = from; i < ri->npages; i++) {
		if (ri->pages[i]) {
			page_free(inode->sb, ri->pages[i]);
			ri->pages[i] = NULL;
			inode->blocks -= SECTORS_PER_PAGE;
		}
	}
}

void ramfs_free_pages(struct inode *inode)
{
	struct ramfs_inode *ri = RAMFS_I(inode);

	drop_pages(inode, 0);
	kfree(ri->pages);
	ri->pages = NULL;
	ri->npages = 0;
}

/* Inode lock held. */
int ramfs_truncate(struct inode *inode, u64 size)
{
	struct ramfs_inode *ri = RAMFS_I(inode);
	u64 tail = size % PAGE_SIZE;
	char *last;

	if (size > RAMFS_MAX_FILE_SIZE)
		return -EFBIG;
	if (size < inode->size) {
		drop_pages(inode, pages_for(size));
		last = page_at(ri, size / PAGE_SIZE);
		if (last && tail)
			memset(last + tail, 0, PAGE_SIZE - tail);
	}
	inode->size = size;
	inode->mtime = inode->ctime = vfs_now();
	return 0;
}

static int read_page(struct inode *inode, struct iobuf *b, size_t done, u64 at, size_t n)
{
	char *page = page_at(RAMFS_I(inode), at / PAGE_SIZE);

	return page ? iobuf_copy_to(b, done, page + at % PAGE_SIZE, n) : iobuf_zero(b, done, n);
}

static long read(struct file *f, struct iobuf *b, u64 *pos)
{
	long ret;

	mutex_lock(&f->inode->lock);
	ret = vfs_read_units(f, b, pos, PAGE_SIZE, read_page);
	mutex_unlock(&f->inode->lock);
	return ret;
}

/* One page's share of a write: allocate the page if it is a hole. */
static int write_page(struct inode *inode, struct iobuf *b, size_t done, u64 at, size_t n)
{
	struct ramfs_inode *ri = RAMFS_I(inode);
	u64 idx = at / PAGE_SIZE;
	int err = grow_slots(ri, idx + 1);

	if (err)
		return err;
	if (!ri->pages[idx]) {
		ri->pages[idx] = page_alloc(inode->sb);
		if (!ri->pages[idx])
			return -ENOSPC;
		inode->blocks += SECTORS_PER_PAGE;
	}
	err = iobuf_copy_from(b, done, (char *)ri->pages[idx] + at % PAGE_SIZE, n);
	if (err && at + n > inode->size) {
		/* A fault part-way: keep the bytes past the size zero. */
		u64 from = at > inode->size ? at : inode->size;

		memset((char *)ri->pages[idx] + from % PAGE_SIZE, 0, at + n - from);
	}
	return err;
}

static long write(struct file *f, struct iobuf *b, u64 *pos)
{
	long ret;

	mutex_lock(&f->inode->lock);
	ret = vfs_write_units(f, b, pos, PAGE_SIZE, RAMFS_MAX_FILE_SIZE, write_page);
	mutex_unlock(&f->inode->lock);
	return ret;
}

const struct inode_ops ramfs_file_iops = {
	.setattr = ramfs_setattr,
};

const struct file_ops ramfs_file_fops = {
	.read = read,
	.write = write,
};
