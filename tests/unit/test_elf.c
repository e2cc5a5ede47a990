/*
 * kernel/elf.c on the host: hand-built images with one field wrong at a
 * time, real linker output (static, static-pie, musl, this dynamic test
 * binary) cut at every length and with every header byte flipped, the
 * initial stack read back word by word, and "#!" lines. Images are parsed
 * from heap copies of their exact size, so ASan catches any overread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tessera/elf.h>
#include <tessera/errno.h>

#ifndef ELF_SAMPLES
#define ELF_SAMPLES "."
#endif

#define IMG_MAX     0x3000
#define TEXT_VA     0x400000UL
#define DATA_VA     0x402100UL
#define DATA_OFF    0x2100UL
#define ENTRY       0x400200UL

struct img {
	_Alignas(8) u8 b[IMG_MAX];
	size_t len;
};

static struct img im;
static struct elf_plan plan;

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)im.b;
}

static Elf64_Phdr *ph(unsigned int i)
{
	return (Elf64_Phdr *)(im.b + sizeof(Elf64_Ehdr)) + i;
}

static void set_ph(unsigned int i, u32 type, u32 flags, u64 off, u64 va, u64 filesz, u64 memsz)
{
	*ph(i) = (Elf64_Phdr){ .p_type = type, .p_flags = flags, .p_offset = off,
			       .p_vaddr = va, .p_paddr = va, .p_filesz = filesz,
			       .p_memsz = memsz, .p_align = 0x1000 };
}

/* Text R+X at 0x400000 holding the headers, data R+W with bss, a stack note. */
static void build(void)
{
	memset(&im, 0, sizeof(im));
	memcpy(eh()->e_ident, "\x7f" "ELF", 4);
	eh()->e_ident[EI_CLASS] = ELFCLASS64;
	eh()->e_ident[EI_DATA] = ELFDATA2LSB;
	eh()->e_ident[EI_VERSION] = EV_CURRENT;
	eh()->e_type = ET_EXEC;
	eh()->e_machine = EM_X86_64;
	eh()->e_version = EV_CURRENT;
	eh()->e_entry = ENTRY;
	eh()->e_phoff = sizeof(Elf64_Ehdr);
	eh()->e_ehsize = sizeof(Elf64_Ehdr);
	eh()->e_phentsize = sizeof(Elf64_Phdr);
	eh()->e_phnum = 3;
	set_ph(0, PT_LOAD, PF_R | PF_X, 0, TEXT_VA, 0x1000, 0x1000);
	set_ph(1, PT_LOAD, PF_R | PF_W, DATA_OFF, DATA_VA, 0x100, 0x3000);
	set_ph(2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);
	ph(2)->p_align = 16;
	im.len = DATA_OFF + 0x100;
}

/* Parses the first len bytes from a heap copy of exactly that size. */
static int parse_buf(const void *buf, size_t len, u64 dyn_base)
{
	void *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, buf, len);
	r = elf_parse(copy, len, dyn_base, &plan);
	free(copy);
	return r;
}

static int parse(void)
{
	return parse_buf(im.b, im.len, ELF_DYN_BASE);
}

static void test_valid_plan(void **state)
{
	(void)state;
	build();
	assert_int_equal(parse(), 0);
	assert_int_equal(plan.entry, ENTRY);
	assert_int_equal(plan.load_bias, 0);
	assert_int_equal(plan.nsegs, 2);
	assert_int_equal(plan.segs[0].vaddr, TEXT_VA);
	assert_int_equal(plan.segs[0].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	assert_int_equal(plan.segs[1].vaddr, DATA_VA);
	assert_int_equal(plan.segs[1].offset, DATA_OFF);
	assert_int_equal(plan.segs[1].filesz, 0x100);
	assert_int_equal(plan.segs[1].memsz, 0x3000);
	assert_int_equal(plan.segs[1].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	assert_int_equal(plan.phdr_vaddr, TEXT_VA + sizeof(Elf64_Ehdr));
	assert_int_equal(plan.phnum, 3);
	assert_int_equal(plan.lo, TEXT_VA);
	assert_int_equal(plan.hi, 0x406000);
	assert_false(plan.exec_stack);
}

/* Not an x86_64 ELF executable at all: -ENOEXEC. */
static void test_not_elf(void **state)
{
	(void)state;
	build();
	assert_int_equal(parse_buf(im.b, 0, 0), -ENOEXEC);
	assert_int_equal(parse_buf(im.b, sizeof(Elf64_Ehdr) - 1, 0), -ENOEXEC);
	assert_int_equal(elf_parse(NULL, 100, 0, &plan), -ENOEXEC);
	for (int i = 0; i < 4; i++) {
		build();
		im.b[i] ^= 0x20;
		assert_int_equal(parse(), -ENOEXEC);
	}
	build();
	eh()->e_ident[EI_CLASS] = 1;             /* ELFCLASS32 */
	assert_int_equal(parse(), -ENOEXEC);
	build();
	eh()->e_ident[EI_DATA] = 2;              /* big-endian */
	assert_int_equal(parse(), -ENOEXEC);
	build();
	eh()->e_machine = 3;                     /* i386 */
	assert_int_equal(parse(), -ENOEXEC);
	build();
	eh()->e_type = 1;                        /* ET_REL */
	assert_int_equal(parse(), -ENOEXEC);
	build();
	eh()->e_type = 4;                        /* ET_CORE */
	assert_int_equal(parse(), -ENOEXEC);
	build();
	set_ph(2, PT_INTERP, PF_R, 0x200, TEXT_VA + 0x200, 0x10, 0x10);
	assert_int_equal(parse(), -ENOEXEC);
}

static void test_bad_header(void **state)
{
	(void)state;
	build();
	eh()->e_ident[EI_VERSION] = 0;
	assert_int_equal(parse(), -EINVAL);
	build();
	eh()->e_version = 2;
	assert_int_equal(parse(), -EINVAL);
	build();
	eh()->e_ehsize = 52;
	assert_int_equal(parse(), -EINVAL);
	build();
	eh()->e_phentsize = 32;
	assert_int_equal(parse(), -EINVAL);
	build();
	eh()->e_phnum = 0;
	assert_int_equal(parse(), -EINVAL);
	build();
	eh()->e_phnum = ELF_MAX_PHNUM + 1;
	assert_int_equal(parse(), -EINVAL);
	build();
	eh()->e_phnum = 0xffff;                  /* PN_XNUM */
	assert_int_equal(parse(), -EINVAL);
}

static void test_table_outside_file(void **state)
{
	static const u64 offs[] = { IMG_MAX, 0x2200, 0x2200 - 3 * 56 + 1, ~0ULL,
				    ~0ULL - 55, 1ULL << 63 };

	(void)state;
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		build();
		eh()->e_phoff = offs[i];
		assert_int_equal(parse(), -EINVAL);
	}
	/* The table exactly at the end of the file still parses. */
	build();
	ph(1)->p_offset = DATA_OFF - 0x1000;
	memcpy(im.b + 0x2000, ph(0), 3 * sizeof(Elf64_Phdr));
	eh()->e_phoff = 0x2000;
	im.len = 0x2000 + 3 * sizeof(Elf64_Phdr);
	assert_int_equal(parse(), 0);
	assert_int_equal(plan.phdr_vaddr, 0);    /* not in any segment's file bytes */
}

struct seg_case {
	const char *what;
	unsigned int idx;
	u64 off, va, filesz, memsz, align;
	u32 flags;
};

static void test_bad_segments(void **state)
{
	static const struct seg_case cases[] = {
		{ "filesz > memsz", 1, DATA_OFF, DATA_VA, 0x200, 0x100, 0x1000, PF_R | PF_W },
		{ "data past the file", 1, DATA_OFF, DATA_VA, 0x101, 0x3000, 0x1000, PF_R | PF_W },
		{ "offset past the file", 1, 0x3100, 0x403100, 0x10, 0x10, 0x1000, PF_R | PF_W },
		{ "offset + filesz wraps", 1, ~0ULL - 0x7f, DATA_VA, 0x100, 0x100, 0x1000, PF_R },
		{ "vaddr 0", 0, 0, 0, 0x1000, 0x1000, 0x1000, PF_R | PF_X },
		{ "vaddr below the minimum", 0, 0, 0x1000, 0x1000, 0x1000, 0x1000, PF_R | PF_X },
		{ "kernel half", 1, DATA_OFF, 0xffff800000000100UL, 0x100, 0x100, 0x1000, PF_R | PF_W },
		{ "ends past user space", 1, DATA_OFF, 0x00007ffffffff100UL, 0x100, 0x1000, 0x1000, PF_R | PF_W },
		{ "vaddr + memsz wraps", 1, DATA_OFF, 0xfffffffffffff100UL, 0x100, 0x1000, 0x1000, PF_R | PF_W },
		{ "absurd memsz", 1, DATA_OFF, DATA_VA, 0x100, 1ULL << 40, 0x1000, PF_R | PF_W },
		{ "writable and executable", 1, DATA_OFF, DATA_VA, 0x100, 0x3000, 0x1000, PF_R | PF_W | PF_X },
		{ "offset and vaddr disagree in a page", 1, DATA_OFF, DATA_VA + 8, 0x100, 0x100, 0x1000, PF_R },
		{ "alignment not a power of two", 1, DATA_OFF, DATA_VA, 0x100, 0x100, 0x1800, PF_R },
		{ "overlaps the text page", 1, DATA_OFF, 0x400100, 0x100, 0x100, 0x1000, PF_R },
		{ "before the text", 1, DATA_OFF, 0x300100, 0x100, 0x100, 0x1000, PF_R },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct seg_case *c = &cases[i];

		build();
		set_ph(c->idx, PT_LOAD, c->flags, c->off, c->va, c->filesz, c->memsz);
		ph(c->idx)->p_align = c->align;
		if (parse() != -EINVAL)
			fail_msg("%s: accepted", c->what);
	}
}

static void test_entry(void **state)
{
	static const u64 bad[] = { 0, TEXT_VA - 1, TEXT_VA + 0x1000, DATA_VA, DATA_VA + 0x10,
				   ~0ULL };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build();
		eh()->e_entry = bad[i];
		assert_int_equal(parse(), -EINVAL);
	}
	build();
	eh()->e_entry = TEXT_VA + 0xfff;
	assert_int_equal(parse(), 0);
}

static void test_segment_counts(void **state)
{
	(void)state;
	build();
	set_ph(0, PT_NULL, 0, 0, 0, 0, 0);
	set_ph(1, PT_DYNAMIC, 0, 0, 0, 0, 0);
	assert_int_equal(parse(), -EINVAL);        /* no PT_LOAD */
	/* ELF_MAX_LOAD + 1 page-separated loads. */
	build();
	eh()->e_phnum = ELF_MAX_LOAD + 1;
	for (unsigned int i = 0; i < ELF_MAX_LOAD + 1; i++)
		set_ph(i, PT_LOAD, PF_R | (i == 0 ? PF_X : 0), 0, TEXT_VA + i * 0x1000, 0x100, 0x1000);
	assert_int_equal(parse(), -EINVAL);
	eh()->e_phnum = ELF_MAX_LOAD;
	assert_int_equal(parse(), 0);
	assert_int_equal(plan.nsegs, ELF_MAX_LOAD);
	/* A zero-sized PT_LOAD maps nothing and is skipped. */
	build();
	set_ph(2, PT_LOAD, PF_R, 0, 0x500000, 0, 0);
	assert_int_equal(parse(), 0);
	assert_int_equal(plan.nsegs, 2);
}

static void test_stack_flag_and_phdr(void **state)
{
	(void)state;
	build();
	ph(2)->p_flags = PF_R | PF_W | PF_X;
	assert_int_equal(parse(), 0);
	assert_true(plan.exec_stack);
	/* A PT_PHDR that disagrees with the file's layout gives no AT_PHDR. */
	build();
	set_ph(2, PT_PHDR, PF_R, sizeof(Elf64_Ehdr), TEXT_VA + 0x800, 3 * 56, 3 * 56);
	assert_int_equal(parse(), 0);
	assert_int_equal(plan.phdr_vaddr, 0);
	set_ph(2, PT_PHDR, PF_R, sizeof(Elf64_Ehdr), TEXT_VA + sizeof(Elf64_Ehdr), 3 * 56, 3 * 56);
	assert_int_equal(parse(), 0);
	assert_int_equal(plan.phdr_vaddr, TEXT_VA + sizeof(Elf64_Ehdr));
}

static void test_dyn_bias(void **state)
{
	(void)state;
	build();
	eh()->e_type = ET_DYN;
	ph(0)->p_vaddr = 0;
	ph(1)->p_vaddr = DATA_VA - TEXT_VA;
	eh()->e_entry = ENTRY - TEXT_VA;
	assert_int_equal(parse_buf(im.b, im.len, 0x10000000), 0);
	assert_int_equal(plan.load_bias, 0x10000000);
	assert_int_equal(plan.entry, 0x10000000 + ENTRY - TEXT_VA);
	assert_int_equal(plan.segs[1].vaddr, 0x10000000 + DATA_VA - TEXT_VA);
	assert_int_equal(plan.phdr_vaddr, 0x10000000 + sizeof(Elf64_Ehdr));
	assert_int_equal(parse_buf(im.b, im.len, 0x10000010), -EINVAL);    /* misaligned base */
	assert_int_equal(parse_buf(im.b, im.len, 0), -EINVAL);             /* lands on page 0 */
	assert_int_equal(parse_buf(im.b, im.len, ELF_USER_END - 0x1000), -EINVAL);
	/* A huge p_vaddr must not wrap around into a valid range. */
	ph(1)->p_vaddr = 0xfffffffffffff100UL;
	assert_int_equal(parse_buf(im.b, im.len, 0x10000000), -EINVAL);
}

/* --- real linker output --- */

static u8 *load_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The end of the file's bytes that loading needs: the parse fails if cut shorter. */
static size_t needed_len(const struct elf_plan *p, const Elf64_Ehdr *e)
{
	size_t need = e->e_phoff + (size_t)e->e_phnum * sizeof(Elf64_Phdr);

	for (unsigned int i = 0; i < p->nsegs; i++)
		if (p->segs[i].offset + p->segs[i].filesz > need)
			need = p->segs[i].offset + p->segs[i].filesz;
	return need;
}

/* Every truncation is refused without a crash until the image is whole. */
static void sweep_truncations(const u8 *buf, size_t len, u64 base)
{
	Elf64_Ehdr e;
	size_t need;

	assert_int_equal(parse_buf(buf, len, base), 0);
	memcpy(&e, buf, sizeof(e));
	need = needed_len(&plan, &e);
	for (size_t n = 0; n < len; n++) {
		int r = parse_buf(buf, n, base);

		if (n < sizeof(Elf64_Ehdr))
			assert_int_equal(r, -ENOEXEC);
		else if (n < need)
			assert_int_equal(r, -EINVAL);
		else
			assert_int_equal(r, 0);
	}
}

/* Each byte of the headers set to each of a few values: any verdict, no crash. */
static void sweep_flips(const u8 *buf, size_t len, u64 base)
{
	static const u8 vals[] = { 0x00, 0xff, 0x7f, 0x80, 0x01 };
	Elf64_Ehdr e;
	size_t hdrs;
	u8 *copy = malloc(len);

	memcpy(&e, buf, sizeof(e));
	hdrs = e.e_phoff + (size_t)e.e_phnum * sizeof(Elf64_Phdr);
	for (size_t i = 0; i < hdrs && i < len; i++) {
		for (size_t v = 0; v < sizeof(vals); v++) {
			int r;

			memcpy(copy, buf, len);
			copy[i] = vals[v];
			r = elf_parse(copy, len, base, &plan);
			assert_true(r == 0 || r == -EINVAL || r == -ENOEXEC);
			if (r == 0)         /* whatever was accepted is inside user space */
				for (unsigned int s = 0; s < plan.nsegs; s++) {
					assert_true(plan.segs[s].vaddr >= ELF_USER_MIN);
					assert_true(plan.segs[s].vaddr + plan.segs[s].memsz <= ELF_USER_END);
					assert_true(plan.segs[s].offset + plan.segs[s].filesz <= len);
					assert_false((plan.segs[s].prot & ELF_PROT_WRITE) &&
						     (plan.segs[s].prot & ELF_PROT_EXEC));
				}
		}
	}
	free(copy);
}

static void check_sample(const char *name, u16 type, u64 base)
{
	char path[512];
	size_t len;
	u8 *buf;

	snprintf(path, sizeof(path), "%s/%s", ELF_SAMPLES, name);
	buf = load_file(path, &len);
	if (!buf) {
		print_message("skipping %s: not built\n", path);
		return;
	}
	assert_int_equal(parse_buf(buf, len, base), 0);
	assert_true(plan.nsegs >= 2);
	assert_int_not_equal(plan.phdr_vaddr, 0);
	if (type == ET_DYN)
		assert_int_equal(plan.lo, base);
	sweep_truncations(buf, len, base);
	sweep_flips(buf, len, base);
	free(buf);
}

static void test_real_static(void **state)
{
	(void)state;
	check_sample("elf_static", ET_EXEC, ELF_DYN_BASE);
}

static void test_real_static_pie(void **state)
{
	(void)state;
	check_sample("elf_pie", ET_DYN, ELF_DYN_BASE);
}

static void test_real_musl(void **state)
{
	(void)state;
	check_sample("elf_musl", ET_EXEC, ELF_DYN_BASE);
}

/* This test binary is a dynamically linked PIE: it names an interpreter. */
static void test_dynamic_refused(void **state)
{
	size_t len;
	u8 *buf = load_file("/proc/self/exe", &len);

	(void)state;
	assert_non_null(buf);
	assert_int_equal(parse_buf(buf, len, ELF_DYN_BASE), -ENOEXEC);
	free(buf);
}

/* Seeded random damage anywhere in the synthetic image. */
static void test_random_damage(void **state)
{
	unsigned int seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		int r;

		build();
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			im.b[(seed >> 8) % (sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr))] =
				(u8)(seed >> 20);
		}
		r = parse();
		assert_true(r == 0 || r == -EINVAL || r == -ENOEXEC);
	}
}

/* --- the initial stack --- */

#define STACK_TOP   0x7ffffffde000UL
#define STACK_SIZE  4096

static u8 stack[STACK_SIZE];

static u64 rd64(u64 addr)
{
	u64 v;

	assert_true(addr >= STACK_TOP - STACK_SIZE && addr + 8 <= STACK_TOP);
	memcpy(&v, stack + STACK_SIZE - (STACK_TOP - addr), 8);
	return v;
}

static const char *str_at(u64 addr)
{
	assert_true(addr >= STACK_TOP - STACK_SIZE && addr < STACK_TOP);
	return (const char *)stack + STACK_SIZE - (STACK_TOP - addr);
}

static const char *const argv[] = { "/bin/prog", "-x", "hello world" };
static const char *const envp[] = { "PATH=/bin", "HOME=/" };
static const u8 rnd[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static struct elf_exec_args stack_args(void)
{
	return (struct elf_exec_args){
		.argv = argv, .argc = 3, .envp = envp, .envc = 2, .execfn = "/bin/prog",
		.random = rnd, .hwcap = 0x178bfbff, .uid = 1, .euid = 2, .gid = 3, .egid = 4,
		.clktck = 100,
	};
}

static u64 aux_get(u64 auxv, u64 key, bool *found)
{
	for (;; auxv += 16) {
		u64 k = rd64(auxv);

		if (k == key) {
			*found = true;
			return rd64(auxv + 8);
		}
		if (k == AT_NULL) {
			*found = false;
			return 0;
		}
	}
}

static void test_stack_layout(void **state)
{
	struct elf_exec_args a = stack_args();
	u64 sp, p, auxv;
	bool found;
	static const u64 keys[] = { AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY,
				    AT_RANDOM, AT_HWCAP, AT_UID, AT_EUID, AT_GID, AT_EGID,
				    AT_CLKTCK, AT_EXECFN, AT_PLATFORM, AT_SECURE };

	(void)state;
	build();
	assert_int_equal(parse(), 0);
	memset(stack, 0xcc, sizeof(stack));
	assert_int_equal(elf_build_stack(&plan, &a, stack, sizeof(stack), STACK_TOP, &sp), 0);
	assert_int_equal(sp % 16, 0);
	assert_true(sp < STACK_TOP && STACK_TOP - sp <= STACK_SIZE);
	assert_int_equal(rd64(STACK_TOP - 8), 0);
	assert_int_equal(rd64(sp), 3);
	for (int i = 0; i < 3; i++)
		assert_string_equal(str_at(rd64(sp + 8 + 8 * i)), argv[i]);
	assert_int_equal(rd64(sp + 32), 0);
	p = sp + 40;
	for (int i = 0; i < 2; i++)
		assert_string_equal(str_at(rd64(p + 8 * i)), envp[i]);
	assert_int_equal(rd64(p + 16), 0);
	auxv = p + 24;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		aux_get(auxv, keys[i], &found);
		if (!found)
			fail_msg("auxv key %llu missing", (unsigned long long)keys[i]);
	}
	assert_int_equal(aux_get(auxv, AT_PHDR, &found), plan.phdr_vaddr);
	assert_int_equal(aux_get(auxv, AT_PHENT, &found), sizeof(Elf64_Phdr));
	assert_int_equal(aux_get(auxv, AT_PHNUM, &found), 3);
	assert_int_equal(aux_get(auxv, AT_PAGESZ, &found), 4096);
	assert_int_equal(aux_get(auxv, AT_ENTRY, &found), ENTRY);
	assert_int_equal(aux_get(auxv, AT_HWCAP, &found), 0x178bfbff);
	assert_int_equal(aux_get(auxv, AT_UID, &found), 1);
	assert_int_equal(aux_get(auxv, AT_EGID, &found), 4);
	assert_memory_equal(str_at(aux_get(auxv, AT_RANDOM, &found)), rnd, 16);
	assert_int_equal(aux_get(auxv, AT_RANDOM, &found) % 16, 0);
	assert_string_equal(str_at(aux_get(auxv, AT_EXECFN, &found)), "/bin/prog");
	assert_string_equal(str_at(aux_get(auxv, AT_PLATFORM, &found)), "x86_64");
	/* Nothing was written below sp. */
	for (u64 q = STACK_TOP - STACK_SIZE; q < sp; q++)
		assert_int_equal(stack[STACK_SIZE - (STACK_TOP - q)], 0xcc);
}

/* With no segment holding the table, it is copied onto the stack. */
static void test_stack_phdr_copy(void **state)
{
	struct elf_exec_args a = stack_args();
	bool found;
	u64 sp, at;

	(void)state;
	build();
	assert_int_equal(parse(), 0);
	plan.phdr_vaddr = 0;
	a.phdrs = ph(0);
	assert_int_equal(elf_build_stack(&plan, &a, stack, sizeof(stack), STACK_TOP, &sp), 0);
	at = aux_get(sp + 8 * (1 + 3 + 1 + 2 + 1), AT_PHDR, &found);
	assert_true(found);
	assert_int_equal(at % 8, 0);
	assert_memory_equal(str_at(at), ph(0), 3 * sizeof(Elf64_Phdr));
}

static void test_stack_too_small(void **state)
{
	struct elf_exec_args a = stack_args();
	u64 sp, need;

	(void)state;
	build();
	assert_int_equal(parse(), 0);
	assert_int_equal(elf_build_stack(&plan, &a, stack, sizeof(stack), STACK_TOP, &sp), 0);
	need = STACK_TOP - sp;
	for (size_t size = 0; size < need; size++) {
		u8 *buf = malloc(size ? size : 1);

		assert_int_equal(elf_build_stack(&plan, &a, buf, size, STACK_TOP, &sp), -E2BIG);
		free(buf);
	}
	assert_int_equal(elf_build_stack(&plan, &a, stack, need, STACK_TOP, &sp), 0);
	assert_int_equal(STACK_TOP - sp, need);
	assert_int_equal(elf_build_stack(&plan, &a, stack, sizeof(stack), STACK_TOP + 8, &sp),
			 -EINVAL);
	a.argc = 1ULL << 60;                     /* a count that would overflow the vector size */
	assert_int_equal(elf_build_stack(&plan, &a, stack, sizeof(stack), STACK_TOP, &sp), -E2BIG);
}

/* --- #! --- */

static int shebang(const char *s, struct shebang *sb)
{
	return elf_parse_shebang(s, strlen(s), sb);
}

static void test_shebang(void **state)
{
	struct shebang sb;
	char line[SHEBANG_MAX + 8];

	(void)state;
	assert_int_equal(shebang("#!/bin/sh\necho hi\n", &sb), 0);
	assert_string_equal(sb.interp, "/bin/sh");
	assert_false(sb.has_arg);
	assert_int_equal(shebang("#! \t/bin/sh  -e  \n", &sb), 0);
	assert_string_equal(sb.interp, "/bin/sh");
	assert_string_equal(sb.arg, "-e");
	assert_int_equal(shebang("#!/usr/bin/env python3 -u\n", &sb), 0);
	assert_string_equal(sb.interp, "/usr/bin/env");
	assert_string_equal(sb.arg, "python3 -u");     /* one argument, as Linux */
	assert_int_equal(shebang("#!/bin/sh\r\n", &sb), 0);
	assert_string_equal(sb.interp, "/bin/sh\r");   /* Linux keeps the CR too */
	assert_int_equal(shebang("#!/bin/sh", &sb), 0); /* end of a short file ends the line */
	assert_string_equal(sb.interp, "/bin/sh");
	assert_int_equal(shebang("#!\n", &sb), -ENOEXEC);
	assert_int_equal(shebang("#!   \n", &sb), -ENOEXEC);
	assert_int_equal(shebang("#", &sb), -ENOEXEC);
	assert_int_equal(shebang("", &sb), -ENOEXEC);
	assert_int_equal(shebang("\x7f" "ELF", &sb), -ENOEXEC);
	memset(line, 'a', sizeof(line));
	memcpy(line, "#!/", 3);
	assert_int_equal(elf_parse_shebang(line, sizeof(line), &sb), -ENAMETOOLONG);
	line[SHEBANG_MAX - 1] = '\n';
	assert_int_equal(elf_parse_shebang(line, sizeof(line), &sb), 0);
	assert_int_equal(strlen(sb.interp), SHEBANG_MAX - 3);
	for (size_t n = 0; n < sizeof(line); n++) {
		int r = elf_parse_shebang(line, n, &sb);

		assert_true(r == 0 || r == -ENOEXEC);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_plan),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_table_outside_file),
		cmocka_unit_test(test_bad_segments),
		cmocka_unit_test(test_entry),
		cmocka_unit_test(test_segment_counts),
		cmocka_unit_test(test_stack_flag_and_phdr),
		cmocka_unit_test(test_dyn_bias),
		cmocka_unit_test(test_real_static),
		cmocka_unit_test(test_real_static_pie),
		cmocka_unit_test(test_real_musl),
		cmocka_unit_test(test_dynamic_refused),
		cmocka_unit_test(test_random_damage),
		cmocka_unit_test(test_stack_layout),
		cmocka_unit_test(test_stack_phdr_copy),
		cmocka_unit_test(test_stack_too_small),
		cmocka_unit_test(test_shebang),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
