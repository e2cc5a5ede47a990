/*
 * Loading a program into a process: read the ELF file through the VFS,
 * let kernel/elf.c validate and plan it, map its segments and a stack in a
 * fresh user half, and fill the register frame that enters it.
 */
#include <asm/gdt.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/tsc.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <tessera/elf.h>
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/process.h>
#include "internal.h"

#define EXEC_MAX_FILE     (16UL << 20)   /* larger programs are refused, not loaded */
#define EXEC_STACK_BUF    (4 * PAGE_SIZE) /* argv, envp and auxv must fit */
#define EXEC_MAX_SCRIPT_DEPTH 4        /* #! naming a #! ...: Linux allows 4 */
#define USER_RFLAGS       0x202          /* IF set, bit 1 always one */
#define CPUID_LEAF_FEATURES 1              /* EDX: the feature bits AT_HWCAP passes on */

/* Reads the whole file at path into a kmalloc buffer. */
static int read_file(struct process *p, const char *path, void **out, size_t *size)
{
	struct file *f;
	struct stat st;
	void *buf;
	long n;
	int err = vfs_open(&p->fs, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	err = vfs_fstat(f, &st);
	if (!err && !S_ISREG(st.st_mode))
		err = -EACCES;
	if (!err && (st.st_size == 0 || (u64)st.st_size > EXEC_MAX_FILE))
		err = -ENOEXEC;
	buf = err ? NULL : kmalloc(st.st_size, GFP_KERNEL);
	if (!err && !buf)
		err = -ENOMEM;
	if (!err) {
		n = kernel_read(f, buf, st.st_size, 0);
		if (n != st.st_size)
			err = n < 0 ? (int)n : -EIO;
	}
	file_put(f);
	if (err) {
		kfree(buf);
		return err;
	}
	*out = buf;
	*size = st.st_size;
	return 0;
}

static unsigned int seg_flags(unsigned int prot)
{
	return (prot & ELF_PROT_WRITE ? VM_WRITE : 0) | (prot & ELF_PROT_EXEC ? VM_EXEC : 0);
}

/* The segment's rights as an area's (mm/vma.h): ELF's PF_* bits are not PROT_*. */
static unsigned int seg_prot(unsigned int prot)
{
	return VMA_READ | (prot & ELF_PROT_WRITE ? VMA_WRITE : 0) |
	       (prot & ELF_PROT_EXEC ? VMA_EXEC : 0);
}

/*
 * One segment: an area over all of it; fresh pages with the file bytes
 * copied in through the direct map up to the end of those bytes. The bss
 * pages past them are zero-filled on first touch.
 */
static int load_segment(struct process *p, const u8 *image, const struct elf_segment *s)
{
	u64 start = s->vaddr & ~(PAGE_SIZE - 1);
	u64 end = (s->vaddr + s->filesz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	int err = vm_map(p, start, (s->vaddr + s->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
			 seg_prot(s->prot), VMA_ANON, NULL, 0);

	if (err)
		return err;

	for (u64 va = start; va < end; va += PAGE_SIZE) {
		phys_addr_t pa = pmm_alloc_pages(0);
		u8 *page;
		u64 lo, hi;

		if (pa == PMM_NO_PAGE)
			return -ENOMEM;
		page = phys_to_virt(pa);
		memset(page, 0, PAGE_SIZE);
		lo = va > s->vaddr ? va : s->vaddr;
		hi = va + PAGE_SIZE < s->vaddr + s->filesz ? va + PAGE_SIZE : s->vaddr + s->filesz;
		if (lo < hi)
			memcpy(page + (lo - va), image + s->offset + (lo - s->vaddr), hi - lo);
		if (vmm_map(&p->vm, va, pa, PAGE_SIZE, seg_flags(s->prot) | VM_USER)) {
			pmm_free_pages(pa, 0);
			return -ENOMEM;
		}
	}
	return 0;
}

static u64 cpu_hwcap(void)
{
	u32 a, b, c, d;

	cpuid(CPUID_LEAF_FEATURES, &a, &b, &c, &d);
	return d;
}

static void random_bytes(u8 *buf, size_t n)
{
	u64 x = rdtsc() ^ 0x9e3779b97f4a7c15ULL;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (u8)x;
	}
}

/* Lays out argv/envp/auxv under USER_STACK_TOP; p's space must be the current one. */
static int build_stack(const struct elf_plan *plan, const u8 *image, const char *path,
		       const char *const *argv, const char *const *envp, u64 *sp)
{
	struct elf_exec_args a = { 0 };
	u8 rnd[16];
	u8 *buf = kmalloc(EXEC_STACK_BUF, GFP_KERNEL);
	int err;

	if (!buf)
		return -ENOMEM;
	random_bytes(rnd, sizeof(rnd));
	a.argv = argv;
	while (argv[a.argc])
		a.argc++;
	a.envp = envp;
	while (envp[a.envc])
		a.envc++;
	a.execfn = path;
	a.random = rnd;
	a.hwcap = cpu_hwcap();
	a.clktck = 100;
	a.phdrs = image + plan->phdr_offset;
	err = elf_build_stack(plan, &a, buf, EXEC_STACK_BUF, USER_STACK_TOP, sp);
	if (!err)
		err = copy_to_user((void *)*sp, buf + EXEC_STACK_BUF - (USER_STACK_TOP - *sp),
				   USER_STACK_TOP - *sp);
	kfree(buf);
	return err;
}

static void set_name(struct process *p, const char *path)
{
	const char *base = path;

	for (const char *c = path; *c; c++)
		if (*c == '/' && c[1])
			base = c + 1;
	strscpy(p->name, base, sizeof(p->name));
	strscpy(current_thread()->name, base, sizeof(current_thread()->name));
}

/* For /proc/<pid>: the program's path, and where argv's strings landed (from argv[0] on). */
static void note_exec(struct process *p, const char *path, u64 sp, const char *const *argv)
{
	u64 len = 0;

	strscpy(p->exe, path, sizeof(p->exe));
	p->arg_start = p->arg_end = 0;
	if (!argv[0] || copy_from_user(&p->arg_start, (const void *)(sp + 8), sizeof(u64)))
		return;
	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	p->arg_end = p->arg_start + len;
}

static int map_image(struct process *p, const u8 *image, const struct elf_plan *plan)
{
	int err = 0;

	process_free_user_memory(p);
	for (unsigned int i = 0; i < plan->nsegs && !err; i++)
		err = load_segment(p, image, &plan->segs[i]);
	if (!err)
		err = vm_map(p, USER_STACK_TOP - USER_STACK_MAX, USER_STACK_TOP,
			     VMA_READ | VMA_WRITE, VMA_ANON | VMA_STACK, NULL, 0);
	p->brk_start = p->brk = plan->hi;
	p->mmap_next = USER_MMAP_TOP;
	return err;
}

static int exec_depth(struct process *p, const char *path, const char *const *argv,
		      const char *const *envp, struct pt_regs *regs, int depth);

/*
 * "#!interp [arg]": runs interp with argv interp, [arg,] path, argv[1..], as
 * Linux does. Returns -ENOEXEC when the image is not a script.
 */
static int exec_script(struct process *p, const char *path, const void *image, size_t size,
		       const char *const *argv, const char *const *envp, struct pt_regs *regs,
		       int depth)
{
	struct shebang *sb = kmalloc(sizeof(*sb), GFP_KERNEL);
	const char **nargv = NULL;
	size_t argc = 0, n = 0;
	int err;

	if (!sb)
		return -ENOMEM;
	err = elf_parse_shebang(image, size, sb);
	if (!err && depth >= EXEC_MAX_SCRIPT_DEPTH)
		err = -ELOOP;
	while (!err && argv[argc])
		argc++;
	nargv = err ? NULL : kmalloc((argc + 3) * sizeof(*nargv), GFP_KERNEL);
	if (!err && !nargv)
		err = -ENOMEM;
	if (!err) {
		nargv[n++] = sb->interp;
		if (sb->has_arg)
			nargv[n++] = sb->arg;
		nargv[n++] = path;
		for (size_t i = 1; i < argc; i++)
			nargv[n++] = argv[i];
		nargv[n] = NULL;
		err = exec_depth(p, sb->interp, nargv, envp, regs, depth + 1);
	}
	kfree(nargv);
	kfree(sb);
	return err;
}

int process_exec(struct process *p, const char *path, const char *const *argv,
		 const char *const *envp, struct pt_regs *regs)
{
	return exec_depth(p, path, argv, envp, regs, 0);
}

static int exec_depth(struct process *p, const char *path, const char *const *argv,
		      const char *const *envp, struct pt_regs *regs, int depth)
{
	struct elf_plan *plan = kzalloc(sizeof(*plan), GFP_KERNEL);
	void *image = NULL;
	size_t size = 0;
	u64 sp;
	int err;

	if (!plan)
		return -ENOMEM;
	err = read_file(p, path, &image, &size);
	if (!err)
		err = elf_parse(image, size, ELF_DYN_BASE, plan);
	if (err == -ENOEXEC && size >= 2 && !memcmp(image, "#!", 2)) {
		err = exec_script(p, path, image, size, argv, envp, regs, depth);
		goto out;
	}
	if (err)
		goto out;
	/* Past here the old program is gone: a failure kills the process. */
	vm_space_switch(&p->vm);
	err = map_image(p, image, plan);
	if (!err)
		err = build_stack(plan, image, path, argv, envp, &sp);
	if (err) {
		kfree(image);
		kfree(plan);
		process_exit(W_EXITCODE(0, SIGSEGV));
	}
	files_close_on_exec(&p->files);
	/* Handlers point into the old program; ignored signals stay ignored (POSIX). */
	for (int i = 0; i < NSIG; i++)
		if (p->sig_action[i].handler > 1)
			p->sig_action[i] = (struct k_sigaction){ 0 };
	set_name(p, path);
	note_exec(p, path, sp, argv);
	msr_write(MSR_FS_BASE, 0);
	memset(regs, 0, sizeof(*regs));
	regs->rip = plan->entry;
	regs->rsp = sp;
	regs->cs = USER_CS;
	regs->ss = USER_DS;
	regs->rflags = USER_RFLAGS;
out:
	kfree(image);
	kfree(plan);
	return err;
}
