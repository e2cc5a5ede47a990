/*
 * The list of a process's virtual memory areas: sorted, never overlapping,
 * split where a call covers part of an area and merged again where
 * neighbours continue each other. A few tens of areas per process, so a
 * list, not a tree. Page tables are mm/uvm.c's business.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <mm/vma.h>
#include <tessera/errno.h>

static void vma_free(struct vma *v)
{
	if (v->file)
		file_put(v->file);
	kfree(v);
}

struct vma *vma_find(struct vm_areas *a, u64 addr)
{
	for (struct vma *v = a->head; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

struct vma *vma_overlap(struct vm_areas *a, u64 start, u64 end)
{
	for (struct vma *v = a->head; v && v->start < end; v = v->next)
		if (v->end > start)
			return v;
	return NULL;
}

bool vma_covers(struct vm_areas *a, u64 start, u64 end)
{
	struct vma *v = vma_find(a, start);

	while (v && v->end < end) {
		if (!v->next || v->next->start != v->end)
			return false;
		v = v->next;
	}
	return v != NULL;
}

/* b starts where a ends and nothing tells them apart. */
static bool vma_continues(const struct vma *a, const struct vma *b)
{
	if (a->end != b->start || a->prot != b->prot || a->flags != b->flags ||
	    a->file != b->file || (a->flags & VMA_STACK))
		return false;
	return !a->file || a->offset + (a->end - a->start) == b->offset;
}

static void merge_next(struct vm_areas *a, struct vma *v)
{
	struct vma *n = v->next;

	if (!n || !vma_continues(v, n))
		return;
	v->end = n->end;
	v->next = n->next;
	vma_free(n);
	a->count--;
}

int vma_insert(struct vm_areas *a, u64 start, u64 end, unsigned int prot, unsigned int flags,
	       struct file *file, u64 offset)
{
	struct vma **link = &a->head, *prev = NULL, *v;

	if (start >= end || vma_overlap(a, start, end))
		return -EEXIST;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->start = start;
	v->end = end;
	v->prot = prot & VMA_PROT_MASK;
	v->flags = flags;
	v->file = file ? file_get(file) : NULL;
	v->offset = offset;
	while (*link && (*link)->start < start) {
		prev = *link;
		link = &prev->next;
	}
	v->next = *link;
	*link = v;
	a->count++;
	a->seq++;
	merge_next(a, v);
	if (prev)
		merge_next(a, prev);
	return 0;
}

/* Makes addr a boundary: the area across it becomes two. 0 or -ENOMEM. */
static int split_at(struct vm_areas *a, u64 addr)
{
	struct vma *v = vma_find(a, addr), *n;

	if (!v || v->start == addr)
		return 0;
	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	*n = *v;
	n->start = addr;
	if (n->file) {
		file_get(n->file);
		n->offset += addr - v->start;
	}
	v->end = addr;
	v->next = n;
	a->count++;
	return 0;
}

int vma_remove(struct vm_areas *a, u64 start, u64 end)
{
	struct vma **link = &a->head;
	int err = split_at(a, start);

	if (!err)
		err = split_at(a, end);
	if (err)
		return err;
	while (*link && (*link)->start < end) {
		struct vma *v = *link;

		if (v->start < start) {
			link = &v->next;
			continue;
		}
		*link = v->next;
		vma_free(v);
		a->count--;
	}
	a->seq++;
	return 0;
}

int vma_protect(struct vm_areas *a, u64 start, u64 end, unsigned int prot)
{
	int err = split_at(a, start);

	if (!err)
		err = split_at(a, end);
	if (err)
		return err;
	for (struct vma *v = vma_find(a, start); v && v->start < end; v = v->next)
		v->prot = prot & VMA_PROT_MASK;
	for (struct vma *v = a->head; v; v = v->next)
		while (v->next && vma_continues(v, v->next))
			merge_next(a, v);
	a->seq++;
	return 0;
}

u64 vma_find_gap(struct vm_areas *a, u64 bottom, u64 top, u64 len)
{
	while (top >= bottom + len) {
		struct vma *v = vma_overlap(a, top - len, top);

		if (!v)
			return top - len;
		/* The highest overlapping area decides where to look next. */
		while (v->next && v->next->start < top)
			v = v->next;
		top = v->start;
	}
	return 0;
}

int vma_copy(struct vm_areas *dst, const struct vm_areas *src)
{
	struct vma **link = &dst->head;

	for (const struct vma *s = src->head; s; s = s->next) {
		struct vma *v = kzalloc(sizeof(*v), GFP_KERNEL);

		if (!v) {
			vma_release(dst);
			return -ENOMEM;
		}
		*v = *s;
		v->next = NULL;
		if (v->file)
			file_get(v->file);
		*link = v;
		link = &v->next;
		dst->count++;
	}
	dst->seq++;
	return 0;
}

void vma_release(struct vm_areas *a)
{
	while (a->head) {
		struct vma *v = a->head;

		a->head = v->next;
		vma_free(v);
	}
	a->count = 0;
	a->seq++;
}
