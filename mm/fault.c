/*
 * The user page-fault handler: a touch of a page an area allows but that
 * is not there gets a zeroed page or the file's bytes; a write to a
 * read-only page of a writable area breaks copy-on-write; anything else is
 * SIGSEGV (SIGBUS past the end of a mapped file, SIGKILL out of memory).
 */
#include "internal.h"
#include <asm/extable.h>
#include <asm/traps.h>
#include <fs/vfs.h>
#include <lib/string.h>
#include <mm/pmm.h>
#include <mm/vma.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/process.h>

#define FAULT_RETRY  0
#define FAULT_OOM    (-1)

phys_addr_t vm_zero_frame;

static unsigned int vm_flags(unsigned int prot)
{
	return VM_USER | (prot & VMA_WRITE ? VM_WRITE : 0) | (prot & VMA_EXEC ? VM_EXEC : 0);
}

/* x86 cannot map write-only or execute-only: any right lets a page be read. */
static bool access_allowed(const struct vma *v, u64 err)
{
	if (err & PF_INSN)
		return v->prot & VMA_EXEC;
	if (err & PF_WRITE)
		return v->prot & VMA_WRITE;
	return v->prot & VMA_PROT_MASK;
}

/* Maps the fresh page pa at va; someone else's page there wins. */
static int install(struct process *p, u64 va, phys_addr_t pa, unsigned int prot)
{
	int err = vmm_map(&p->vm, va, pa, PAGE_SIZE, vm_flags(prot));

	if (err)
		pmm_free_pages(pa, 0);
	return err == -ENOMEM ? FAULT_OOM : FAULT_RETRY;
}

/* A read of a page never written maps the shared zero frame read-only. */
static int fault_read_zero(struct process *p, const struct vma *v, u64 va)
{
	int err;

	if (!vm_zero_frame) {
		phys_addr_t pa = pmm_alloc_pages(0);

		if (pa == PMM_NO_PAGE)
			return FAULT_OOM;
		memset(phys_to_virt(pa), 0, PAGE_SIZE);
		vm_zero_frame = pa;
	}
	err = vmm_map(&p->vm, va, vm_zero_frame, PAGE_SIZE, vm_flags(v->prot & ~VMA_WRITE));
	return err == -ENOMEM ? FAULT_OOM : FAULT_RETRY;
}

static int fault_zero(struct process *p, const struct vma *v, u64 va)
{
	phys_addr_t pa = pmm_alloc_pages(0);

	if (pa == PMM_NO_PAGE)
		return FAULT_OOM;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return install(p, va, pa, v->prot);
}

/*
 * Reads the page from the file with interrupts on (the filesystem may
 * sleep), so the areas may change meanwhile: if they did, the page is
 * dropped and the access simply faults again.
 */
static int fault_file(struct process *p, struct vma *v, u64 va)
{
	struct file *f = file_get(v->file);
	u64 pos = v->offset + (va - v->start);
	u32 seq = p->areas.seq;
	unsigned int prot = v->prot;
	phys_addr_t pa = pmm_alloc_pages(0);
	long n;

	if (pa == PMM_NO_PAGE) {
		file_put(f);
		return FAULT_OOM;
	}
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	__asm__ __volatile__("sti" ::: "memory");
	n = kernel_read(f, phys_to_virt(pa), PAGE_SIZE, pos);
	file_put(f);
	__asm__ __volatile__("cli" ::: "memory");
	if (n <= 0) {                   /* wholly past the end of the file, or an I/O error */
		pmm_free_pages(pa, 0);
		return SIGBUS;
	}
	if (p->areas.seq != seq) {
		pmm_free_pages(pa, 0);
		return FAULT_RETRY;
	}
	return install(p, va, pa, prot);
}

/* A write to a present, read-only page of a writable area: copy-on-write (or the zero frame). */
static int fault_write(struct process *p, u64 va)
{
	int level;
	pte_t *e = vmm_lookup(&p->vm, va, &level);
	phys_addr_t pa, copy;

	if (!e || level != 1)
		return SIGSEGV;
	pa = *e & PTE_ADDR_MASK;
	if (pa != vm_zero_frame && (!IS_ENABLED(CONFIG_COW) || !cow_page_shared(pa))) {
		*e |= PTE_WRITE;                /* the last user: nothing to copy */
		vmm_flush(&p->vm, va);
		return FAULT_RETRY;
	}
	copy = pmm_alloc_pages(0);
	if (copy == PMM_NO_PAGE)
		return FAULT_OOM;
	memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
	*e = copy | (*e & ~PTE_ADDR_MASK) | PTE_WRITE;
	vmm_flush(&p->vm, va);
	if (IS_ENABLED(CONFIG_COW) && pa != vm_zero_frame)
		cow_page_put(pa);
	return FAULT_RETRY;
}

/* A read or fetch fault on a present page: a stale TLB entry, or really not allowed. */
static int fault_present(struct process *p, u64 va, u64 err)
{
	u64 pte;

	if (vmm_translate(&p->vm, va, NULL, &pte))
		return FAULT_RETRY;
	if (!(pte & PTE_USER) || ((err & PF_INSN) && (pte & PTE_NX)))
		return SIGSEGV;
	return FAULT_RETRY;
}

/* FAULT_RETRY, FAULT_OOM or the signal for the access. Interrupts off. */
static int vm_fault(struct pt_regs *regs, struct process *p, u64 addr, bool can_sleep)
{
	u64 err = regs->error_code, va = addr & ~(PAGE_SIZE - 1);
	struct vma *v = vma_find(&p->areas, addr);

	if (!v || !access_allowed(v, err))
		return SIGSEGV;
	if (err & PF_PRESENT)
		return err & PF_WRITE ? fault_write(p, va) : fault_present(p, va, err);
	if (!v->file)
		return err & PF_WRITE ? fault_zero(p, v, va) : fault_read_zero(p, v, va);
	return can_sleep ? fault_file(p, v, va) : SIGSEGV;
}

static void report_oom(struct process *p, u64 addr)
{
	pr_err("pid %d (%s): out of memory at %016lx: killed\n", p->pid, p->name,
	       (unsigned long)addr);
}

bool vm_fault_handle(struct pt_regs *regs, u64 cr2)
{
	struct process *p = current_process();
	bool user = user_mode(regs);
	int r;

	if (!p || cr2 >= USER_SPACE_END || (regs->error_code & PF_RESERVED))
		return false;
	/* Kernel code touches user memory only in copy_*_user, which has fixups. */
	if (!user && !extable_search(regs->rip))
		return false;
	/* A CLONE_VFORK child runs in its parent's memory until it execs. */
	r = vm_fault(regs, process_vm_owner(p), cr2, regs->rflags & RFLAGS_IF_BIT);
	if (r == FAULT_RETRY)
		return true;
	if (r == FAULT_OOM) {
		report_oom(p, cr2);
		r = SIGKILL;
		if (!user)
			signal_send(p, SIGKILL);  /* the system call returns -EFAULT, then it dies */
	}
	if (user)
		process_fault(regs, cr2, r);
	return false;
}
