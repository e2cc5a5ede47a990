/*
 * /proc/cpuinfo: what CPUID says about the boot CPU (vendor, brand string,
 * family/model/stepping, feature flags under Linux's names) and the TSC
 * frequency the boot calibration measured.
 */
#include <asm/pgtable.h>
#include <asm/tsc.h>
#include <lib/string.h>
#include "internal.h"

#define LEAF_VENDOR     0x00000000
#define LEAF_FEATURES   0x00000001
#define LEAF_EXTENDED   0x00000007
#define LEAF_EXT_MAX    0x80000000
#define LEAF_EXT_FEAT   0x80000001
#define LEAF_BRAND      0x80000002     /* ... 0x80000004: 48 bytes of brand string */
#define LEAF_ADDR_SIZE  0x80000008

enum { REG_EBX, REG_ECX, REG_EDX };
#define L1  LEAF_FEATURES
#define L7  LEAF_EXTENDED
#define LX  LEAF_EXT_FEAT

/* Flags in the order Linux lists them (arch/x86/include/asm/cpufeatures.h). */
static const struct cpu_flag {
	u32 leaf;
	u8 reg, bit;
	const char *name;
} cpu_flags[] = {
	{ L1, REG_EDX, 0, "fpu" }, { L1, REG_EDX, 1, "vme" }, { L1, REG_EDX, 2, "de" },
	{ L1, REG_EDX, 3, "pse" }, { L1, REG_EDX, 4, "tsc" }, { L1, REG_EDX, 5, "msr" },
	{ L1, REG_EDX, 6, "pae" }, { L1, REG_EDX, 7, "mce" }, { L1, REG_EDX, 8, "cx8" },
	{ L1, REG_EDX, 9, "apic" }, { L1, REG_EDX, 11, "sep" }, { L1, REG_EDX, 12, "mtrr" },
	{ L1, REG_EDX, 13, "pge" }, { L1, REG_EDX, 14, "mca" }, { L1, REG_EDX, 15, "cmov" },
	{ L1, REG_EDX, 16, "pat" }, { L1, REG_EDX, 17, "pse36" }, { L1, REG_EDX, 19, "clflush" },
	{ L1, REG_EDX, 23, "mmx" }, { L1, REG_EDX, 24, "fxsr" }, { L1, REG_EDX, 25, "sse" },
	{ L1, REG_EDX, 26, "sse2" }, { L1, REG_EDX, 27, "ss" }, { L1, REG_EDX, 28, "ht" },
	{ LX, REG_EDX, 11, "syscall" }, { LX, REG_EDX, 20, "nx" },
	{ LX, REG_EDX, 22, "mmxext" }, { LX, REG_EDX, 26, "pdpe1gb" },
	{ LX, REG_EDX, 27, "rdtscp" }, { LX, REG_EDX, 29, "lm" },
	{ L1, REG_ECX, 0, "pni" }, { L1, REG_ECX, 1, "pclmulqdq" }, { L1, REG_ECX, 3, "monitor" },
	{ L1, REG_ECX, 5, "vmx" }, { L1, REG_ECX, 9, "ssse3" }, { L1, REG_ECX, 12, "fma" },
	{ L1, REG_ECX, 13, "cx16" }, { L1, REG_ECX, 17, "pcid" }, { L1, REG_ECX, 19, "sse4_1" },
	{ L1, REG_ECX, 20, "sse4_2" }, { L1, REG_ECX, 21, "x2apic" }, { L1, REG_ECX, 22, "movbe" },
	{ L1, REG_ECX, 23, "popcnt" }, { L1, REG_ECX, 24, "tsc_deadline_timer" },
	{ L1, REG_ECX, 25, "aes" }, { L1, REG_ECX, 26, "xsave" }, { L1, REG_ECX, 28, "avx" },
	{ L1, REG_ECX, 29, "f16c" }, { L1, REG_ECX, 30, "rdrand" }, { L1, REG_ECX, 31, "hypervisor" },
	{ LX, REG_ECX, 0, "lahf_lm" }, { LX, REG_ECX, 2, "svm" },
	{ LX, REG_ECX, 5, "abm" }, { LX, REG_ECX, 6, "sse4a" },
	{ L7, REG_EBX, 0, "fsgsbase" }, { L7, REG_EBX, 3, "bmi1" },
	{ L7, REG_EBX, 5, "avx2" }, { L7, REG_EBX, 7, "smep" },
	{ L7, REG_EBX, 8, "bmi2" }, { L7, REG_EBX, 9, "erms" },
	{ L7, REG_EBX, 10, "invpcid" }, { L7, REG_EBX, 18, "rdseed" },
	{ L7, REG_EBX, 20, "smap" }, { L7, REG_ECX, 2, "umip" },
};

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static struct cpuid_regs leaf(u32 n)
{
	struct cpuid_regs r;

	cpuid(n, &r.eax, &r.ebx, &r.ecx, &r.edx);
	return r;
}

/* A leaf beyond what the CPU reports returns another leaf's data: read only real ones. */
static bool leaf_exists(u32 n, u32 max_basic, u32 max_ext)
{
	return n >= LEAF_EXT_MAX ? n <= max_ext : n <= max_basic;
}

static void put_flags(struct proc_buf *b, u32 max_basic, u32 max_ext)
{
	proc_printf(b, "flags\t\t:");
	for (unsigned int i = 0; i < sizeof(cpu_flags) / sizeof(cpu_flags[0]); i++) {
		const struct cpu_flag *f = &cpu_flags[i];
		struct cpuid_regs r;
		u32 reg;

		if (!leaf_exists(f->leaf, max_basic, max_ext))
			continue;
		r = leaf(f->leaf);
		reg = f->reg == REG_EBX ? r.ebx : f->reg == REG_ECX ? r.ecx : r.edx;
		if (reg & (1u << f->bit))
			proc_printf(b, " %s", f->name);
	}
	proc_printf(b, "\n");
}

static void put_brand(struct proc_buf *b, u32 max_ext)
{
	char brand[49] = "unknown";
	const char *s = brand;

	if (max_ext >= LEAF_BRAND + 2) {
		for (u32 i = 0; i < 3; i++) {
			struct cpuid_regs r = leaf(LEAF_BRAND + i);

			memcpy(brand + 16 * i, &r, 16);
		}
		brand[48] = '\0';
		while (*s == ' ')
			s++;
	}
	proc_printf(b, "model name\t: %s\n", s);
}

int proc_cpuinfo_show(struct proc_buf *b, int pid)
{
	struct cpuid_regs v = leaf(LEAF_VENDOR), f = leaf(LEAF_FEATURES);
	u32 max_ext = leaf(LEAF_EXT_MAX).eax;
	u32 family = (f.eax >> 8) & 0xf, model = (f.eax >> 4) & 0xf;
	char vendor[13];
	u64 khz = tsc_khz();

	memcpy(vendor, &v.ebx, 4);
	memcpy(vendor + 4, &v.edx, 4);
	memcpy(vendor + 8, &v.ecx, 4);
	vendor[12] = '\0';
	/* The extended fields count only for families 6 and 15 (Intel SDM Vol. 2A, CPUID). */
	if (family == 0xf)
		family += (f.eax >> 20) & 0xff;
	if (family == 0x6 || family >= 0xf)
		model |= ((f.eax >> 16) & 0xf) << 4;
	proc_printf(b, "processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n",
		    vendor, family, model);
	put_brand(b, max_ext);
	proc_printf(b, "stepping\t: %u\n", f.eax & 0xf);
	proc_printf(b, "cpu MHz\t\t: %llu.%03llu\n", (unsigned long long)(khz / 1000),
		    (unsigned long long)(khz % 1000));
	proc_printf(b, "physical id\t: 0\ncore id\t\t: 0\ncpu cores\t: 1\n");
	put_flags(b, v.eax, max_ext);
	if (max_ext >= LEAF_ADDR_SIZE) {
		u32 a = leaf(LEAF_ADDR_SIZE).eax;

		proc_printf(b, "address sizes\t: %u bits physical, %u bits virtual\n", a & 0xff,
			    (a >> 8) & 0xff);
	}
	proc_printf(b, "\n");
	return 0;
}
