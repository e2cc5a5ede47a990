/*
 * The exception fixup table: pairs (address of an instruction that may
 * fault, address to resume at). A kernel-mode fault at a listed address
 * resumes at its fixup instead of panicking; copy_from_user is built on it.
 */
#ifndef ASM_EXTABLE_H
#define ASM_EXTABLE_H

#include <tessera/errno.h>
#include <tessera/types.h>

struct pt_regs;

struct exception_table_entry {
	u64 insn;
	u64 fixup;
};

/*
 * Inside inline asm: records that a fault at label `from` resumes at label
 * `to`. The fixup code itself goes in .text.fixup (out of the hot path),
 * which the linker script gathers into .text with the rest.
 */
#define EX_TABLE(from, to) \
	".pushsection __ex_table, \"a\"\n\t" \
	".balign 8\n\t" \
	".quad " #from ", " #to "\n\t" \
	".popsection\n\t"

#define EX_FIXUP_BEGIN ".pushsection .text.fixup, \"ax\"\n"
#define EX_FIXUP_END   ".popsection\n\t"

/* The entry for a faulting instruction address, or NULL. */
const struct exception_table_entry *extable_search(u64 insn);

/* If regs->rip has a fixup, points regs->rip at it and returns true. */
bool fixup_exception(struct pt_regs *regs);

/* Reads 8 bytes at addr into *val. Returns 0, or -EFAULT if the read faulted. */
static inline int probe_read_u64(const void *addr, u64 *val)
{
	int err = 0;
	u64 v;

	__asm__ __volatile__(
		"1: movq (%[addr]), %[v]\n"
		"2:\n"
		EX_FIXUP_BEGIN
		"3: movl %[efault], %[err]\n\t"
		"xorl %k[v], %k[v]\n\t"
		"jmp 2b\n"
		EX_FIXUP_END
		EX_TABLE(1b, 3b)
		: [err] "+r"(err), [v] "=r"(v)
		: [addr] "r"(addr), [efault] "i"(-EFAULT)
		: "memory");
	*val = v;
	return err;
}

/* Writes 8 bytes at addr. Returns 0, or -EFAULT if the write faulted. */
static inline int probe_write_u64(void *addr, u64 val)
{
	int err = 0;

	__asm__ __volatile__(
		"1: movq %[val], (%[addr])\n"
		"2:\n"
		EX_FIXUP_BEGIN
		"3: movl %[efault], %[err]\n\t"
		"jmp 2b\n"
		EX_FIXUP_END
		EX_TABLE(1b, 3b)
		: [err] "+r"(err)
		: [addr] "r"(addr), [val] "r"(val), [efault] "i"(-EFAULT)
		: "memory");
	return err;
}

#endif
