/*
 * Host stand-ins for the kernel services fs/ calls (see vfs_host.h).
 * Built without the klib_ renames: this file is the host side.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mm/heap.h>
#include <mm/pmm.h>
#include <asm/page.h>
#include <tessera/mutex.h>
#include <tessera/spinlock.h>
#include <fs/vfs.h>
#include "vfs_host.h"

long host_heap_live;
long host_pages_live;
long host_heap_fail_after = -1;
int host_mutexes_held;
char host_console_out[4096];
size_t host_console_len;
static const char *console_in;

static struct thread *const HOST_THREAD = (struct thread *)0x1;

static bool fail_now(void)
{
	if (host_heap_fail_after < 0)
		return false;
	if (host_heap_fail_after == 0)
		return true;
	host_heap_fail_after--;
	return false;
}

/* With VFS_HOST_TRACE set, every live block is remembered with its caller. */
#define TRACE_MAX 4096
static struct { const void *p; void *caller; long seq; } trace[TRACE_MAX];
static long trace_seq;
extern char __executable_start[];

static void trace_add(const void *p, void *caller)
{
	for (int i = 0; i < TRACE_MAX; i++)
		if (!trace[i].p) {
			trace[i].p = p;
			trace[i].caller = caller;
			trace[i].seq = ++trace_seq;
			return;
		}
}

static void trace_del(const void *p)
{
	for (int i = 0; i < TRACE_MAX; i++)
		if (trace[i].p == p) {
			trace[i].p = NULL;
			return;
		}
}

long host_heap_mark(void)
{
	return trace_seq;
}

void host_heap_dump_since(long mark)
{
	for (int i = 0; i < TRACE_MAX; i++)
		if (trace[i].p && trace[i].seq > mark)
			fprintf(stderr, "vfs_host: live block %p from +%#lx (addr2line -e)\n",
				trace[i].p, (unsigned long)((char *)trace[i].caller -
							    __executable_start));
}

static void *alloc(size_t size, gfp_t flags, void *caller)
{
	void *p;

	if (fail_now())
		return NULL;
	p = (flags & __GFP_ZERO) ? calloc(1, size ? size : 1) : malloc(size ? size : 1);
	if (p) {
		host_heap_live++;
		if (getenv("VFS_HOST_TRACE"))
			trace_add(p, caller);
	}
	return p;
}

void *kmalloc(size_t size, gfp_t flags)
{
	return alloc(size, flags, __builtin_return_address(0));
}

void kfree(const void *p)
{
	if (!p)
		return;
	host_heap_live--;
	if (getenv("VFS_HOST_TRACE"))
		trace_del(p);
	free((void *)p);
}

void *krealloc(void *p, size_t size, gfp_t flags)
{
	void *q;

	if (!p)
		return alloc(size, flags, __builtin_return_address(0));
	if (!size) {
		kfree(p);
		return NULL;
	}
	if (fail_now())
		return NULL;
	q = realloc(p, size);
	if (q && getenv("VFS_HOST_TRACE")) {
		trace_del(p);
		trace_add(q, __builtin_return_address(0));
	}
	return q;
}

/* Physical addresses are host addresses minus the direct-map base, so phys_to_virt works. */
phys_addr_t pmm_alloc_pages(unsigned int order)
{
	void *p;

	if (fail_now())
		return PMM_NO_PAGE;
	p = aligned_alloc(PAGE_SIZE << order, PAGE_SIZE << order);
	if (!p)
		return PMM_NO_PAGE;
	host_pages_live += 1L << order;
	return (phys_addr_t)(uintptr_t)p - DIRECT_MAP_BASE;
}

void pmm_free_pages(phys_addr_t pa, unsigned int order)
{
	host_pages_live -= 1L << order;
	free(phys_to_virt(pa));
}

void __mutex_init(struct mutex *m, const char *name, const void *key)
{
	(void)name;
	(void)key;
	memset(m, 0, sizeof(*m));
}

void mutex_lock(struct mutex *m)
{
	if (m->owner) {
		fprintf(stderr, "vfs_host: mutex %p locked twice: a deadlock in the kernel\n",
			(void *)m);
		abort();
	}
	m->owner = HOST_THREAD;
	host_mutexes_held++;
}

bool mutex_trylock(struct mutex *m)
{
	if (m->owner)
		return false;
	mutex_lock(m);
	return true;
}

void mutex_unlock(struct mutex *m)
{
	if (m->owner != HOST_THREAD) {
		fprintf(stderr, "vfs_host: unlock of mutex %p that is not held\n", (void *)m);
		abort();
	}
	m->owner = NULL;
	host_mutexes_held--;
}

bool mutex_is_locked(struct mutex *m)
{
	return m->owner != NULL;
}

void __spin_lock_init(spinlock_t *l, const char *name, const void *key)
{
	(void)name;
	(void)key;
	memset(l, 0, sizeof(*l));
}

void spin_lock(spinlock_t *l)
{
	if (l->raw.owner != l->raw.next)
		abort();
	l->raw.next++;
}

void spin_unlock(spinlock_t *l)
{
	l->raw.owner++;
}

struct vfs_time vfs_now(void)
{
	static s64 t = 1700000000;

	return (struct vfs_time){ t++, 0 };
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!getenv("VFS_HOST_VERBOSE"))
		return 0;
	va_start(ap, fmt);
	n = vfprintf(stderr, fmt, ap);
	va_end(ap);
	return n;
}

void console_write(const char *s, size_t len)
{
	size_t room = sizeof(host_console_out) - host_console_len;

	if (len > room)
		len = room;
	memcpy(host_console_out + host_console_len, s, len);
	host_console_len += len;
}

void host_console_input(const char *s)
{
	console_in = s;
}

/* One line per read, like the canonical line discipline. */
long tty_read(char *buf, size_t len)
{
	size_t n = 0;

	if (!console_in || !*console_in)
		return 0;
	while (n < len && console_in[n] && (n == 0 || console_in[n - 1] != '\n'))
		n++;
	memcpy(buf, console_in, n);
	console_in += n;
	return (long)n;
}
