/*
 * KTESTs of kernel/elf.c as the kernel builds it: a hand-made executable
 * accepted, each class of bad header refused with the right error, the
 * initial stack laid out, "#!" lines. The host tests (tests/unit/test_elf.c)
 * add real binaries and the full damage corpus.
 */
#include <tessera/elf.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <lib/string.h>

#define TEXT_VA    0x400000UL
#define DATA_VA    0x402100UL
#define DATA_OFF   0x2100UL
#define ENTRY      0x400200UL
#define IMG_SIZE   (DATA_OFF + 0x100)

static u8 img[IMG_SIZE] __aligned(8);
static struct elf_plan plan;

static Elf64_Ehdr *eh(void)
{
	return (Elf64_Ehdr *)img;
}

static Elf64_Phdr *ph(unsigned int i)
{
	return (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr)) + i;
}

static void load(unsigned int i, u32 flags, u64 off, u64 va, u64 filesz, u64 memsz)
{
	*ph(i) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = flags, .p_offset = off,
			       .p_vaddr = va, .p_filesz = filesz, .p_memsz = memsz,
			       .p_align = 0x1000 };
}

static void build(void)
{
	memset(img, 0, sizeof(img));
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
	eh()->e_phnum = 2;
	load(0, PF_R | PF_X, 0, TEXT_VA, 0x1000, 0x1000);
	load(1, PF_R | PF_W, DATA_OFF, DATA_VA, 0x100, 0x3000);
}

static int parse(void)
{
	return elf_parse(img, sizeof(img), ELF_DYN_BASE, &plan);
}

KTEST(elf, valid_executable)
{
	build();
	KT_EXPECT_EQ(t, parse(), 0);
	KT_EXPECT_EQ(t, plan.entry, ENTRY);
	KT_EXPECT_EQ(t, plan.nsegs, 2);
	KT_EXPECT_EQ(t, plan.segs[0].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	KT_EXPECT_EQ(t, plan.segs[1].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	KT_EXPECT_EQ(t, plan.segs[1].memsz, 0x3000);
	KT_EXPECT_EQ(t, plan.phdr_vaddr, TEXT_VA + sizeof(Elf64_Ehdr));
}

KTEST(elf, not_an_executable)
{
	build();
	img[1] = 'e';
	KT_EXPECT_EQ(t, parse(), -ENOEXEC);
	build();
	eh()->e_machine = 40;                    /* ARM */
	KT_EXPECT_EQ(t, parse(), -ENOEXEC);
	build();
	eh()->e_ident[EI_CLASS] = 1;
	KT_EXPECT_EQ(t, parse(), -ENOEXEC);
	build();
	ph(1)->p_type = PT_INTERP;
	KT_EXPECT_EQ(t, parse(), -ENOEXEC);
	KT_EXPECT_EQ(t, elf_parse(img, 10, 0, &plan), -ENOEXEC);
}

KTEST(elf, malformed)
{
	build();
	eh()->e_phoff = IMG_SIZE - 8;
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* table past the end */
	build();
	eh()->e_phoff = ~0ULL - 8;
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* and wrapping */
	build();
	load(1, PF_R | PF_W, DATA_OFF, DATA_VA, 0x200, 0x3000);
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* data past the end */
	build();
	load(1, PF_R | PF_W, DATA_OFF, 0xffff800000000100UL, 0x100, 0x100);
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* in the kernel half */
	build();
	load(1, PF_R | PF_W | PF_X, DATA_OFF, DATA_VA, 0x100, 0x100);
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* W^X */
	build();
	load(1, PF_R | PF_W, DATA_OFF, DATA_VA, 0x100, 1ULL << 44);
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* absurd size */
	build();
	eh()->e_entry = DATA_VA;
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* entry in data */
	build();
	load(0, PF_R | PF_X, 0, 0, 0x1000, 0x1000);
	eh()->e_entry = 0x200;
	KT_EXPECT_EQ(t, parse(), -EINVAL);      /* page zero */
}

KTEST(elf, initial_stack)
{
	static u8 stack[2048];
	static const char *const argv[] = { "/bin/sh", "-c", "true" };
	static const char *const envp[] = { "HOME=/" };
	static const u8 rnd[16] = { 9, 9, 9 };
	struct elf_exec_args a = { .argv = argv, .argc = 3, .envp = envp, .envc = 1,
				   .execfn = "/bin/sh", .random = rnd, .clktck = 100 };
	const u64 top = 0x7ffffffde000UL;
	u64 sp, v;

	build();
	KT_EXPECT_EQ(t, parse(), 0);
	KT_EXPECT_EQ(t, elf_build_stack(&plan, &a, stack, sizeof(stack), top, &sp), 0);
	KT_EXPECT_EQ(t, sp % 16, 0);
	memcpy(&v, stack + sizeof(stack) - (top - sp), 8);
	KT_EXPECT_EQ(t, v, 3);                   /* argc */
	memcpy(&v, stack + sizeof(stack) - (top - sp) + 8, 8);
	KT_EXPECT_STREQ(t, (const char *)stack + sizeof(stack) - (top - v), "/bin/sh");
	KT_EXPECT_EQ(t, elf_build_stack(&plan, &a, stack, 64, top, &sp), -E2BIG);
}

KTEST(elf, shebang)
{
	struct shebang sb;
	const char *s = "#! /bin/sh -e\nexit 0\n";

	KT_EXPECT_EQ(t, elf_parse_shebang(s, strlen(s), &sb), 0);
	KT_EXPECT_STREQ(t, sb.interp, "/bin/sh");
	KT_EXPECT_STREQ(t, sb.arg, "-e");
	KT_EXPECT_EQ(t, elf_parse_shebang("#!\n", 3, &sb), -ENOEXEC);
	KT_EXPECT_EQ(t, elf_parse_shebang("\x7f" "ELF", 4, &sb), -ENOEXEC);
}
