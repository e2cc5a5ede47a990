/*
 * cpu_init(): the boot CPU's descriptor tables, in the order the CPU needs
 * them: the GDT (with the TSS the IDT's IST slots refer to), then the IDT.
 */
#include <asm/cpu.h>
#include <asm/gdt.h>
#include <asm/idt.h>
#include <tessera/printk.h>

void cpu_init(void)
{
	gdt_init();
	idt_init();
	pr_info("cpu: GDT, TSS and IDT loaded; exceptions are reported from here on\n");
}
