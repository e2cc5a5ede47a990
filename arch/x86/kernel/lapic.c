/*
 * The local APIC itself (SDM Vol. 3A chapter 11): finding it (MADT, else
 * the IA32_APIC_BASE MSR), enabling it, register access and EOI. Used by
 * the APIC interrupt controller and by the local APIC timer, which also
 * runs beside the 8259 PIC (LINT0 then stays the PIC's virtual wire).
 */
#include <acpi/acpi.h>
#include <asm/apic.h>
#include <asm/page.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/printk.h>

#define MSR_APIC_BASE        0x1b
#define APIC_BASE_ENABLE     (1ull << 11)
#define APIC_BASE_ADDR_MASK  0x000ffffffffff000ull
#define CPUID1_EDX_APIC      (1u << 9)

#define SVR_APIC_ENABLE      (1u << 8)
#define LVT_DELIVERY_NMI     (4u << 8)
#define LVT_DELIVERY_EXTINT  (7u << 8)
#define LAPIC_ID_SHIFT       24

static volatile u32 *lapic;

static u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static void wrmsr(u32 msr, u64 val)
{
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)));
}

static bool cpu_has_apic(void)
{
	u32 eax = 1, ebx, ecx = 0, edx;

	__asm__ __volatile__("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
	return edx & CPUID1_EDX_APIC;
}

u32 lapic_read(u32 reg)
{
	return lapic[reg / 4];
}

void lapic_write(u32 reg, u32 val)
{
	lapic[reg / 4] = val;
}

bool lapic_ready(void)
{
	return lapic != NULL;
}

u8 lapic_id(void)
{
	return (u8)(lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* The MADT's address is the firmware's word; the MSR is where it decodes now. */
static phys_addr_t lapic_base(const struct acpi_madt_info *madt, u64 msr)
{
	phys_addr_t from_msr = msr & APIC_BASE_ADDR_MASK;

	if (!madt)
		return from_msr;
	if (madt->lapic_address != from_msr)
		pr_warn("apic: MADT says local APIC at %#llx, MSR says %#llx; using the MADT\n",
			(unsigned long long)madt->lapic_address, (unsigned long long)from_msr);
	return madt->lapic_address;
}

/*
 * SDM Vol. 3A 11.4.3 and 11.5.1: software-enable with the spurious vector
 * and accept every priority. LINT0 is where the 8259 (ExtINT) comes in:
 * open in virtual-wire mode, masked when the I/O APIC takes over. LINT1
 * stays the NMI input it is on every PC.
 */
static void lapic_setup(bool virtual_wire)
{
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, virtual_wire ? LVT_DELIVERY_EXTINT : LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_DELIVERY_NMI);
	lapic_write(LAPIC_LVT_ERROR, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);      /* back-to-back writes clear it (11.5.3) */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_SVR, SVR_APIC_ENABLE | IRQ_VECTOR_SPURIOUS);
}

int lapic_init(bool virtual_wire)
{
	u64 msr;
	phys_addr_t base;

	if (!cpu_has_apic()) {
		pr_err("apic: this CPU has no local APIC\n");
		return -ENODEV;
	}
	msr = rdmsr(MSR_APIC_BASE);
	base = lapic_base(acpi_madt(), msr);
	if (!base || base >= BOOT_DIRECT_MAP_LIMIT) {
		pr_err("apic: local APIC at %#llx is outside the direct map\n",
		       (unsigned long long)base);
		return -ENODEV;
	}
	wrmsr(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
	lapic = phys_to_virt(base);
	lapic_setup(virtual_wire);
	pr_info("apic: local APIC id %u, version %#x, at %#llx, spurious vector %#x%s\n",
		lapic_id(), lapic_read(LAPIC_VERSION) & 0xff, (unsigned long long)base,
		IRQ_VECTOR_SPURIOUS, virtual_wire ? ", 8259 through LINT0" : "");
	return 0;
}
