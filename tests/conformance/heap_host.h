/*
 * Host stand-ins for what the heap takes from the kernel: a page source
 * with a budget (aligned malloc blocks, all freed on reset), no-op locks,
 * and printk/panic that count reports instead of printing them.
 */
#ifndef TESTS_CONFORMANCE_HEAP_HOST_H
#define TESTS_CONFORMANCE_HEAP_HOST_H

#include <stddef.h>

/* Same cap as the kernel's page allocator (PMM_MAX_ORDER). */
#define HOST_MAX_ORDER 10

/* Frees every page the heap held and restarts it with budget_bytes of pages. */
void heap_host_reset(size_t budget_bytes);
/* KERN_ERR lines printed since the last reset, and the last one's text. */
unsigned long heap_host_reports(void);
const char *heap_host_last_report(void);
/* Most pages held from the source at once since the last reset. */
size_t heap_host_peak_pages(void);

#endif
