/*
 * ELF64 executables: the on-disk structures (System V gABI, x86-64 psABI),
 * the checks exec needs before it maps anything (elf_parse), the Linux
 * initial stack (elf_build_stack) and "#!" scripts. Pure: host-tested.
 */
#ifndef TESSERA_ELF_H
#define TESSERA_ELF_H

#include <tessera/types.h>

/* --- file format (gABI "ELF Header", "Program Header") --- */

#define EI_NIDENT     16
#define EI_CLASS      4
#define EI_DATA       5
#define EI_VERSION    6
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define EV_CURRENT    1
#define ET_EXEC       2
#define ET_DYN        3
#define EM_X86_64     62

#define PT_NULL       0
#define PT_LOAD       1
#define PT_DYNAMIC    2
#define PT_INTERP     3
#define PT_PHDR       6
#define PT_TLS        7
#define PT_GNU_STACK  0x6474e551

#define PF_X          0x1
#define PF_W          0x2
#define PF_R          0x4

typedef struct {
	u8 e_ident[EI_NIDENT];
	u16 e_type;
	u16 e_machine;
	u32 e_version;
	u64 e_entry;
	u64 e_phoff;
	u64 e_shoff;
	u32 e_flags;
	u16 e_ehsize;
	u16 e_phentsize;
	u16 e_phnum;
	u16 e_shentsize;
	u16 e_shnum;
	u16 e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	u32 p_type;
	u32 p_flags;
	u64 p_offset;
	u64 p_vaddr;
	u64 p_paddr;
	u64 p_filesz;
	u64 p_memsz;
	u64 p_align;
} Elf64_Phdr;

/* Auxiliary vector keys (Linux include/uapi/linux/auxvec.h). */
#define AT_NULL       0
#define AT_PHDR       3
#define AT_PHENT      4
#define AT_PHNUM      5
#define AT_PAGESZ     6
#define AT_BASE       7
#define AT_FLAGS      8
#define AT_ENTRY      9
#define AT_UID        11
#define AT_EUID       12
#define AT_GID        13
#define AT_EGID       14
#define AT_PLATFORM   15
#define AT_HWCAP      16
#define AT_CLKTCK     17
#define AT_SECURE     23
#define AT_RANDOM     25
#define AT_HWCAP2     26
#define AT_EXECFN     31

/* --- what exec may map --- */

/*
 * User addresses a segment may occupy: above the first 64 KiB (Linux's
 * mmap_min_addr, so a NULL dereference always faults) and below the last
 * user page (Linux's TASK_SIZE), whatever a header claims.
 */
#define ELF_USER_MIN       0x10000UL
#define ELF_USER_END       0x00007ffffffff000UL
#define ELF_PAGE_SIZE      4096UL
#define ELF_MAX_PHNUM      64           /* Linux refuses tables over one page: 73 */
#define ELF_MAX_LOAD       16
/* Sizes past this are corrupt headers, not programs: refused up front. */
#define ELF_MAX_SPAN       (1UL << 30)
/* Where a static-pie (ET_DYN) image goes when the caller has no preference. */
#define ELF_DYN_BASE       0x0000555555554000UL

/* Segment protection, as mmap's PROT_* bits. */
#define ELF_PROT_READ      0x1
#define ELF_PROT_WRITE     0x2
#define ELF_PROT_EXEC      0x4

/*
 * One PT_LOAD segment after relocation: map [vaddr & ~4095, page-up of
 * vaddr + memsz) with prot, copy filesz bytes from file offset `offset` to
 * vaddr, zero the rest (bss). No two segments share a page.
 */
struct elf_segment {
	u64 vaddr;
	u64 memsz;
	u64 offset;
	u64 filesz;
	unsigned int prot;
};

struct elf_plan {
	u64 entry;
	u64 load_bias;           /* added to every p_vaddr: 0 for ET_EXEC */
	u64 phdr_vaddr;          /* AT_PHDR; 0 when no segment maps the table */
	u64 phdr_offset;         /* where the table is in the file */
	u16 phnum;
	bool exec_stack;         /* PT_GNU_STACK asked for PF_X (ignored: stacks are NX) */
	u64 lo, hi;              /* page-aligned span of all segments */
	unsigned int nsegs;
	struct elf_segment segs[ELF_MAX_LOAD];
};

/*
 * Validates the ELF image in [image, image + size) and plans its mapping.
 * dyn_base is where an ET_DYN (static-pie) image's lowest page goes; it is
 * ignored for ET_EXEC. Returns 0, -ENOEXEC when it is not a static x86_64
 * ELF64 executable (no magic, other class/byte order/machine/type, or a
 * PT_INTERP: dynamic linking is not supported), or -EINVAL when it is one
 * but malformed: bad version or header sizes, a table or segment outside
 * the file, filesz > memsz, a segment outside [ELF_USER_MIN,
 * ELF_USER_END) or overflowing, out of order or sharing a page, bad
 * alignment, writable and executable (W^X: refused, not downgraded), an
 * entry point outside every executable segment, or a span over
 * ELF_MAX_SPAN. Never reads outside the buffer.
 */
int elf_parse(const void *image, size_t size, u64 dyn_base, struct elf_plan *plan);

/* What elf_build_stack puts on the new program's stack. */
struct elf_exec_args {
	const char *const *argv;
	size_t argc;
	const char *const *envp;
	size_t envc;
	const char *execfn;      /* AT_EXECFN: the path execve() was given */
	const u8 *random;        /* 16 bytes for AT_RANDOM */
	u64 hwcap;               /* AT_HWCAP: CPUID.1:EDX on x86 */
	u32 uid, euid, gid, egid;
	u64 clktck;              /* AT_CLKTCK: times() ticks per second */
	/* The program header table, copied to the stack when plan->phdr_vaddr is 0. */
	const void *phdrs;
};

#define ELF_AUXV_MAX   22       /* pairs elf_build_stack writes, AT_NULL included */
#define ELF_PLATFORM   "x86_64"

/*
 * Lays out the Linux x86_64 initial stack (psABI 3.4.1) in buf, which
 * stands for the size bytes just below stack_top: at the returned *sp (16-
 * byte aligned) argc, argv[] and NULL, envp[] and NULL, the auxv pairs
 * ending in AT_NULL; above them AT_RANDOM's bytes, the platform string,
 * the argument, environment and execfn strings. The caller copies the
 * stack_top - *sp bytes that end buf to *sp. Returns 0, -E2BIG when it
 * does not fit, or -EINVAL for a stack_top that is not 16-byte aligned
 * or lies below size.
 */
int elf_build_stack(const struct elf_plan *plan, const struct elf_exec_args *args,
		    void *buf, size_t size, u64 stack_top, u64 *sp);

/* "#!interpreter [one argument]" on the first line of a script. */
#define SHEBANG_MAX 256          /* Linux's BINPRM_BUF_SIZE: the line must fit */

struct shebang {
	char interp[SHEBANG_MAX];
	char arg[SHEBANG_MAX];
	bool has_arg;
};

/*
 * Parses the first len bytes of a file. Returns 0 with interp and arg
 * (everything after the interpreter, trimmed, as one argument, as Linux
 * does) filled, -ENOEXEC when the file does not start with "#!" or names
 * no interpreter, or -ENAMETOOLONG when the first line does not end within
 * SHEBANG_MAX bytes (len >= SHEBANG_MAX and no newline).
 */
int elf_parse_shebang(const char *buf, size_t len, struct shebang *sb);

#endif
