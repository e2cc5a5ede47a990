/*
 * ELF64 executables: header and program-table checks, the segment plan exec
 * maps from, the Linux initial stack, and "#!" lines. Pure code on buffers
 * (no allocation, no user memory), so tests/unit/test_elf.c runs it on the
 * host against every truncation and field flip of a real binary.
 */
#include <tessera/compiler.h>
#include <tessera/elf.h>
#include <tessera/errno.h>
#include <lib/string.h>

static const u8 elf_magic[4] = { 0x7f, 'E', 'L', 'F' };

static bool is_pow2(u64 x)
{
	return x && !(x & (x - 1));
}

/* Not an ELF x86_64 executable: -ENOEXEC. One that is but lies: -EINVAL. */
static int check_ehdr(const void *image, size_t size, Elf64_Ehdr *eh)
{
	u64 table;

	if (!image || size < sizeof(*eh))
		return -ENOEXEC;
	memcpy(eh, image, sizeof(*eh));
	if (memcmp(eh->e_ident, elf_magic, sizeof(elf_magic)) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64 || (eh->e_type != ET_EXEC && eh->e_type != ET_DYN))
		return -ENOEXEC;
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT ||
	    eh->e_ehsize != sizeof(Elf64_Ehdr) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return -EINVAL;
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return -EINVAL;
	table = (u64)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > size || table > size - eh->e_phoff)
		return -EINVAL;
	return 0;
}

static unsigned int prot_of(u32 flags)
{
	return ((flags & PF_R) ? ELF_PROT_READ : 0) | ((flags & PF_W) ? ELF_PROT_WRITE : 0) |
	       ((flags & PF_X) ? ELF_PROT_EXEC : 0);
}

/* One PT_LOAD as the file states it, before relocation. */
static int add_load(struct elf_plan *plan, const Elf64_Phdr *ph, size_t size)
{
	struct elf_segment *s, *prev;

	if (ph->p_filesz > ph->p_memsz)
		return -EINVAL;
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return -EINVAL;
	/* Leaves room to round the end up to a page without wrapping. */
	if (ph->p_memsz > ELF_MAX_SPAN || ph->p_vaddr > ~0ULL - ELF_PAGE_SIZE - ph->p_memsz)
		return -EINVAL;
	if (ph->p_align > 1 && !is_pow2(ph->p_align))
		return -EINVAL;
	/* A page of the file must land on the same offset within a page. */
	if ((ph->p_vaddr ^ ph->p_offset) & (ELF_PAGE_SIZE - 1))
		return -EINVAL;
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return -EINVAL;
	if (ph->p_memsz == 0)
		return 0;               /* maps nothing, as on Linux */
	if (plan->nsegs == ELF_MAX_LOAD)
		return -EINVAL;
	if (plan->nsegs) {
		prev = &plan->segs[plan->nsegs - 1];
		/* gABI: ascending p_vaddr. Sharing a page would break its protection. */
		if (ALIGN_DOWN(ph->p_vaddr, ELF_PAGE_SIZE) <
		    ALIGN_UP(prev->vaddr + prev->memsz, ELF_PAGE_SIZE))
			return -EINVAL;
	}
	s = &plan->segs[plan->nsegs++];
	s->vaddr = ph->p_vaddr;
	s->memsz = ph->p_memsz;
	s->offset = ph->p_offset;
	s->filesz = ph->p_filesz;
	s->prot = prot_of(ph->p_flags);
	return 0;
}

static int scan_phdrs(const u8 *image, size_t size, const Elf64_Ehdr *eh,
		      struct elf_plan *plan, u64 *pt_phdr)
{
	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		int err;

		memcpy(&ph, image + eh->e_phoff + (u64)i * sizeof(ph), sizeof(ph));
		switch (ph.p_type) {
		case PT_INTERP:
			return -ENOEXEC;        /* needs a dynamic linker: static only */
		case PT_GNU_STACK:
			plan->exec_stack = ph.p_flags & PF_X;
			break;
		case PT_PHDR:
			*pt_phdr = ph.p_vaddr;
			break;
		case PT_LOAD:
			err = add_load(plan, &ph, size);
			if (err)
				return err;
			break;
		default:
			break;
		}
	}
	return plan->nsegs ? 0 : -EINVAL;
}

/* Moves every segment by the bias and checks it lies in user space. */
static int relocate(struct elf_plan *plan, u16 type, u64 dyn_base)
{
	u64 first = ALIGN_DOWN(plan->segs[0].vaddr, ELF_PAGE_SIZE);
	struct elf_segment *last = &plan->segs[plan->nsegs - 1];

	if (ALIGN_UP(last->vaddr + last->memsz, ELF_PAGE_SIZE) - first > ELF_MAX_SPAN)
		return -EINVAL;
	if (type == ET_DYN) {
		if (dyn_base & (ELF_PAGE_SIZE - 1))
			return -EINVAL;
		plan->load_bias = dyn_base - first;     /* wraps on purpose: checked below */
	}
	for (unsigned int i = 0; i < plan->nsegs; i++) {
		struct elf_segment *s = &plan->segs[i];

		s->vaddr += plan->load_bias;
		if (s->vaddr < ELF_USER_MIN || s->vaddr >= ELF_USER_END ||
		    s->memsz > ELF_USER_END - s->vaddr)
			return -EINVAL;
	}
	plan->lo = ALIGN_DOWN(plan->segs[0].vaddr, ELF_PAGE_SIZE);
	plan->hi = ALIGN_UP(last->vaddr + last->memsz, ELF_PAGE_SIZE);
	return 0;
}

static const struct elf_segment *seg_at(const struct elf_plan *plan, u64 va)
{
	for (unsigned int i = 0; i < plan->nsegs; i++) {
		const struct elf_segment *s = &plan->segs[i];

		if (va >= s->vaddr && va - s->vaddr < s->memsz)
			return s;
	}
	return NULL;
}

/* AT_PHDR: where the table is mapped, if a segment's file bytes hold it. */
static u64 find_phdr(const struct elf_plan *plan, u64 pt_phdr, u64 table)
{
	for (unsigned int i = 0; i < plan->nsegs; i++) {
		const struct elf_segment *s = &plan->segs[i];
		u64 va;

		if (plan->phdr_offset < s->offset || plan->phdr_offset - s->offset > s->filesz ||
		    table > s->filesz - (plan->phdr_offset - s->offset))
			continue;
		va = s->vaddr + (plan->phdr_offset - s->offset);
		/* PT_PHDR, when present, must agree with where the file puts it. */
		if (pt_phdr && pt_phdr + plan->load_bias != va)
			return 0;
		return va;
	}
	return 0;
}

int elf_parse(const void *image, size_t size, u64 dyn_base, struct elf_plan *plan)
{
	const struct elf_segment *es;
	Elf64_Ehdr eh;
	u64 pt_phdr = 0;
	int err;

	memset(plan, 0, sizeof(*plan));
	err = check_ehdr(image, size, &eh);
	if (!err)
		err = scan_phdrs(image, size, &eh, plan, &pt_phdr);
	if (!err)
		err = relocate(plan, eh.e_type, dyn_base);
	if (err) {
		memset(plan, 0, sizeof(*plan));
		return err;
	}
	plan->entry = eh.e_entry + plan->load_bias;
	es = seg_at(plan, plan->entry);
	if (!es || !(es->prot & ELF_PROT_EXEC)) {
		memset(plan, 0, sizeof(*plan));
		return -EINVAL;
	}
	plan->phnum = eh.e_phnum;
	plan->phdr_offset = eh.e_phoff;
	plan->phdr_vaddr = find_phdr(plan, pt_phdr, (u64)eh.e_phnum * sizeof(Elf64_Phdr));
	return 0;
}

/* --- the initial stack --- */

/* Builds downwards from stack_top inside buf, which holds the last size bytes. */
struct stack_writer {
	u8 *buf;
	size_t size;
	u64 top;
	u64 low;                 /* lowest address used so far */
};

/* Reserves len bytes below what is used, aligned down to align. 0 when full. */
static u64 sw_reserve(struct stack_writer *w, u64 len, u64 align)
{
	u64 room = w->size - (w->top - w->low);
	u64 at;

	if (len > room)
		return 0;
	at = ALIGN_DOWN(w->low - len, align);
	if (w->top - at > w->size)
		return 0;
	w->low = at;
	return at;
}

static void sw_put(struct stack_writer *w, u64 addr, const void *src, size_t len)
{
	memcpy(w->buf + w->size - (w->top - addr), src, len);
}

static void sw_put64(struct stack_writer *w, u64 addr, u64 v)
{
	sw_put(w, addr, &v, sizeof(v));
}

/* Copies the strings upwards from at; returns the address after the last. */
static u64 put_strings(struct stack_writer *w, u64 at, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(v[i]) + 1;

		sw_put(w, at, v[i], len);
		at += len;
	}
	return at;
}

static u64 strings_len(const char *const *v, size_t n)
{
	u64 total = 0;

	for (size_t i = 0; i < n; i++)
		total += strlen(v[i]) + 1;
	return total;
}

/* Writes the pointers to n strings laid out from at, then NULL. */
static u64 put_vector(struct stack_writer *w, u64 slot, u64 at, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sw_put64(w, slot, at);
		slot += 8;
		at += strlen(v[i]) + 1;
	}
	sw_put64(w, slot, 0);
	return slot + 8;
}

struct auxv_out {
	u64 pairs[ELF_AUXV_MAX][2];
	unsigned int n;
};

static void aux(struct auxv_out *a, u64 key, u64 val)
{
	a->pairs[a->n][0] = key;
	a->pairs[a->n][1] = val;
	a->n++;
}

static void fill_auxv(struct auxv_out *a, const struct elf_plan *plan,
		      const struct elf_exec_args *args, u64 phdr, u64 random, u64 platform,
		      u64 execfn)
{
	a->n = 0;
	aux(a, AT_HWCAP, args->hwcap);
	aux(a, AT_PAGESZ, ELF_PAGE_SIZE);
	aux(a, AT_CLKTCK, args->clktck);
	aux(a, AT_PHDR, phdr);
	aux(a, AT_PHENT, sizeof(Elf64_Phdr));
	aux(a, AT_PHNUM, plan->phnum);
	aux(a, AT_BASE, 0);             /* no interpreter; static-pie finds itself via AT_PHDR */
	aux(a, AT_FLAGS, 0);
	aux(a, AT_ENTRY, plan->entry);
	aux(a, AT_UID, args->uid);
	aux(a, AT_EUID, args->euid);
	aux(a, AT_GID, args->gid);
	aux(a, AT_EGID, args->egid);
	aux(a, AT_SECURE, 0);
	aux(a, AT_RANDOM, random);
	aux(a, AT_HWCAP2, 0);
	if (execfn)
		aux(a, AT_EXECFN, execfn);
	aux(a, AT_PLATFORM, platform);
	aux(a, AT_NULL, 0);
}

int elf_build_stack(const struct elf_plan *plan, const struct elf_exec_args *args,
		    void *buf, size_t size, u64 stack_top, u64 *sp)
{
	struct stack_writer w = { buf, size, stack_top, stack_top };
	u64 execfn_len = args->execfn ? strlen(args->execfn) + 1 : 0;
	u64 strs, at, platform, random, phdr = plan->phdr_vaddr, words, slot;
	u64 table = (u64)plan->phnum * sizeof(Elf64_Phdr);
	struct auxv_out a;

	if ((stack_top & 15) || stack_top < size)
		return -EINVAL;
	if (args->argc > size / 8 || args->envc > size / 8)
		return -E2BIG;
	/* Like Linux, the top word stays zero: a NULL above the strings. */
	if (!sw_reserve(&w, 8, 8))
		return -E2BIG;
	sw_put64(&w, w.low, 0);
	strs = strings_len(args->argv, args->argc) + strings_len(args->envp, args->envc) +
	       execfn_len;
	at = sw_reserve(&w, strs, 1);
	platform = sw_reserve(&w, sizeof(ELF_PLATFORM), 1);
	random = sw_reserve(&w, 16, 16);
	if (!at || !platform || !random)
		return -E2BIG;
	put_strings(&w, put_strings(&w, at, args->argv, args->argc), args->envp, args->envc);
	if (execfn_len)
		sw_put(&w, at + strs - execfn_len, args->execfn, execfn_len);
	sw_put(&w, platform, ELF_PLATFORM, sizeof(ELF_PLATFORM));
	sw_put(&w, random, args->random, 16);
	if (!phdr && args->phdrs) {
		phdr = sw_reserve(&w, table, 8);
		if (!phdr)
			return -E2BIG;
		sw_put(&w, phdr, args->phdrs, table);
	}
	fill_auxv(&a, plan, args, phdr, random, platform,
		  execfn_len ? at + strs - execfn_len : 0);
	words = 1 + args->argc + 1 + args->envc + 1 + 2ULL * a.n;
	if (words > size / 8)
		return -E2BIG;
	slot = sw_reserve(&w, words * 8, 16);    /* rsp % 16 == 0 at the entry point */
	if (!slot)
		return -E2BIG;
	*sp = slot;
	sw_put64(&w, slot, args->argc);
	slot = put_vector(&w, slot + 8, at, args->argv, args->argc);
	slot = put_vector(&w, slot, at + strings_len(args->argv, args->argc), args->envp,
			  args->envc);
	sw_put(&w, slot, a.pairs, a.n * sizeof(a.pairs[0]));
	return 0;
}

/* --- "#!" scripts --- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int elf_parse_shebang(const char *buf, size_t len, struct shebang *sb)
{
	size_t end, p, start;

	memset(sb, 0, sizeof(*sb));
	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return -ENOEXEC;
	for (end = 2; end < len && end < SHEBANG_MAX; end++)
		if (buf[end] == '\n' || buf[end] == '\0')
			break;
	if (end == SHEBANG_MAX)
		return -ENAMETOOLONG;
	for (p = 2; p < end && is_blank(buf[p]); p++)
		;
	for (start = p; p < end && !is_blank(buf[p]); p++)
		;
	if (p == start)
		return -ENOEXEC;
	memcpy(sb->interp, buf + start, p - start);
	while (p < end && is_blank(buf[p]))
		p++;
	while (end > p && is_blank(buf[end - 1]))
		end--;
	if (end > p) {
		memcpy(sb->arg, buf + p, end - p);
		sb->has_arg = true;
	}
	return 0;
}
