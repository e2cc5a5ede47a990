/*
 * The kernel's own symbol table, embedded by the second link pass
 * (scripts/kallsyms.py), so addresses in reports become function names.
 */
#ifndef TESSERA_KALLSYMS_H
#define TESSERA_KALLSYMS_H

/*
 * Finds the function containing addr. Returns its name and fills *offset
 * (addr - start) and *size, or returns NULL when addr is in no function
 * or the table was not built in (CONFIG_KALLSYMS=n).
 */
#ifdef CONFIG_KALLSYMS
const char *kallsyms_lookup(unsigned long addr, unsigned long *offset, unsigned long *size);

/* The address of a function by name, or 0. */
unsigned long kallsyms_lookup_name(const char *name);
#else
/* Without the table, reports print bare addresses. */
static inline const char *kallsyms_lookup(unsigned long addr, unsigned long *offset,
					  unsigned long *size)
{
	return 0;
}

static inline unsigned long kallsyms_lookup_name(const char *name)
{
	return 0;
}
#endif

#endif
