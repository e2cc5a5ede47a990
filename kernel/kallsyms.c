/*
 * Lookups in the symbol table that scripts/kallsyms.py generates from the
 * first link pass: function start addresses in ascending order, each with
 * an offset into one string blob of names.
 */
#include <tessera/kallsyms.h>
#include <lib/string.h>

extern const unsigned long kallsyms_num;
extern const unsigned long kallsyms_addresses[];
extern const unsigned int kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const char _etext[];

/* Index of the last symbol starting at or before addr, or -1. */
static long find_index(unsigned long addr)
{
	long lo = 0, hi = (long)kallsyms_num - 1, found = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

const char *kallsyms_lookup(unsigned long addr, unsigned long *offset, unsigned long *size)
{
	long i = find_index(addr);
	unsigned long end;

	if (i < 0 || addr >= (unsigned long)_etext)
		return NULL;
	end = (unsigned long)i + 1 < kallsyms_num ? kallsyms_addresses[i + 1]
						  : (unsigned long)_etext;
	*offset = addr - kallsyms_addresses[i];
	*size = end - kallsyms_addresses[i];
	return kallsyms_names + kallsyms_name_offsets[i];
}

unsigned long kallsyms_lookup_name(const char *name)
{
	for (unsigned long i = 0; i < kallsyms_num; i++)
		if (strcmp(kallsyms_names + kallsyms_name_offsets[i], name) == 0)
			return kallsyms_addresses[i];
	return 0;
}
