/*
 * GDT and TSS: builds the per-CPU descriptor table (flat kernel and user
 * segments plus the TSS), points the TSS at the IST stacks, and loads it all.
 * Long mode ignores segment bases and limits; what matters is L, DPL and P.
 */
#include <asm/gdt.h>
#include <tessera/compiler.h>

/* Code/data descriptor bits (SDM Vol. 3A 3.4.5, Figure 3-8). */
#define DESC_LIMIT_MAX   0x000f00000000ffffULL   /* limit 0xfffff, ignored in long mode */
#define DESC_ACCESSED    (1ULL << 40)   /* preset, so the CPU never writes the GDT for it */
#define DESC_RW          (1ULL << 41)   /* readable code / writable data */
#define DESC_CODE        (1ULL << 43)
#define DESC_CODE_DATA   (1ULL << 44)   /* S: code or data, not a system descriptor */
#define DESC_DPL(n)      ((u64)(n) << 45)
#define DESC_PRESENT     (1ULL << 47)
#define DESC_LONG        (1ULL << 53)   /* L: 64-bit code segment */
#define DESC_DB          (1ULL << 54)   /* must be 0 when L is 1 */
#define DESC_GRANULARITY (1ULL << 55)

#define DESC_SEGMENT (DESC_LIMIT_MAX | DESC_ACCESSED | DESC_RW | DESC_CODE_DATA | \
		      DESC_PRESENT | DESC_GRANULARITY)
#define DESC_CODE64(dpl) (DESC_SEGMENT | DESC_CODE | DESC_LONG | DESC_DPL(dpl))
#define DESC_DATA(dpl)   (DESC_SEGMENT | DESC_DB | DESC_DPL(dpl))

/* System descriptor type for an available 64-bit TSS (SDM Vol. 3A 3.5, Table 3-2). */
#define DESC_TYPE_TSS64  0x9ULL

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

static u64 cpu_gdt[MAX_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss cpu_tss[MAX_CPUS] __aligned(16);
/* Each IST stack lives in .bss; the CPU aligns its RSP to 16 on entry. */
static u8 ist_stacks[MAX_CPUS][IST_STACKS][IST_STACK_SIZE] __aligned(16);

/* The boot stack (head64.asm) is where ring-0 interrupts land until threads exist. */
extern u8 boot_stack_top[];

_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes (SDM Figure 7-11)");

/* 16-byte TSS descriptor in two GDT slots (SDM Vol. 3A 7.2.3, Figure 7-4). */
static void set_tss_descriptor(u64 *slot, const struct tss *tss)
{
	u64 base = (u64)tss, limit = sizeof(*tss) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (DESC_TYPE_TSS64 << 40) |
		  DESC_PRESENT | (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void build_gdt(unsigned int cpu)
{
	u64 *gdt = cpu_gdt[cpu];

	gdt[0] = 0;
	gdt[GDT_KERNEL_CS / 8] = DESC_CODE64(0);
	gdt[GDT_KERNEL_DS / 8] = DESC_DATA(0);
	/* Only there so SYSRET's fixed offsets land on the next two; no 32-bit user code. */
	gdt[GDT_USER32_CS / 8] = 0;
	gdt[GDT_USER_DS / 8] = DESC_DATA(SEL_RPL_USER);
	gdt[GDT_USER_CS / 8] = DESC_CODE64(SEL_RPL_USER);
	set_tss_descriptor(&gdt[GDT_TSS / 8], &cpu_tss[cpu]);
}

static void build_tss(unsigned int cpu)
{
	struct tss *tss = &cpu_tss[cpu];

	tss->rsp[0] = (u64)boot_stack_top;
	for (int i = 0; i < IST_STACKS; i++)
		tss->ist[i] = (u64)&ist_stacks[cpu][i][IST_STACK_SIZE];
	tss->iomap_base = sizeof(*tss);
}

/* CS can only change through a far transfer: push CS:RIP and return to it. */
static void load_gdt(const struct desc_ptr *ptr)
{
	__asm__ __volatile__(
		"lgdt %[ptr]\n\t"
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		:
		: [ptr] "m"(*ptr), [cs] "i"(GDT_KERNEL_CS), [ds] "i"(GDT_KERNEL_DS)
		: "rax", "memory");
}

void gdt_init(void)
{
	unsigned int cpu = 0;   /* the boot CPU; SMP bring-up passes its own index */
	struct desc_ptr ptr = { sizeof(cpu_gdt[cpu]) - 1, (u64)cpu_gdt[cpu] };

	build_tss(cpu);
	build_gdt(cpu);
	load_gdt(&ptr);
	__asm__ __volatile__("ltr %w0" : : "r"(GDT_TSS) : "memory");
}

void tss_set_rsp0(unsigned int cpu, u64 rsp0)
{
	if (cpu < MAX_CPUS)
		cpu_tss[cpu].rsp[0] = rsp0;
}
