/*
 * Exception fixups: looks a faulting kernel instruction up in the
 * __ex_table section (EX_TABLE in include/asm/extable.h) and redirects the
 * return from the exception to its fixup code.
 */
#include <asm/extable.h>
#include <asm/regs.h>

/* Bounds of the __ex_table section (arch/x86/kernel.ld). */
extern const struct exception_table_entry __start_ex_table[];
extern const struct exception_table_entry __stop_ex_table[];

/*
 * A linear scan: the table holds a few entries per user-copy routine and is
 * searched only on a fault. Sort it at boot and bisect if it ever grows large.
 */
const struct exception_table_entry *extable_search(u64 insn)
{
	for (const struct exception_table_entry *e = __start_ex_table; e < __stop_ex_table; e++)
		if (e->insn == insn)
			return e;
	return NULL;
}

bool fixup_exception(struct pt_regs *regs)
{
	const struct exception_table_entry *e = extable_search(regs->rip);

	if (!e)
		return false;
	regs->rip = e->fixup;
	return true;
}
