/*
 * The kernel services fs/ needs, done on the host for test_vfs: kmalloc
 * over malloc with a live count (leak checks), mutexes that abort on a
 * self-deadlock or an unlock by a non-owner (the tests are one thread), a
 * page allocator, a clock, and a console whose output and input the test
 * controls.
 */
#ifndef TESTS_UNIT_VFS_HOST_H
#define TESTS_UNIT_VFS_HOST_H

#include <stddef.h>

/* kmalloc'd blocks not yet freed. */
extern long host_heap_live;
/* Pages taken from the fake page allocator and not yet returned. */
extern long host_pages_live;
/* Fail the next allocations after this many succeed (-1: never). */
extern long host_heap_fail_after;
/* Mutexes held right now: must be 0 between VFS calls. */
extern int host_mutexes_held;

/* VFS_HOST_TRACE=1: prints the callers of blocks allocated after a mark. */
long host_heap_mark(void);
void host_heap_dump_since(long mark);

/* What /dev/console printed, and what its next reads return. */
extern char host_console_out[4096];
extern size_t host_console_len;
void host_console_input(const char *s);

#endif
