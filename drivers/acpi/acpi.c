/*
 * ACPI at boot: checks the tables behind the RSDP copy in the multiboot2
 * block, logs them, and keeps what the kernel uses (the MADT for the APIC
 * code, PM1a_CNT from the FADT for power-off). The parser is tables.c.
 */
#include <acpi/acpi.h>
#include <asm/page.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/printk.h>

static struct acpi_tables tables;
static struct acpi_madt_info madt_info;
static bool madt_valid;
static u16 pm1a_cnt;

const struct acpi_madt_info *acpi_madt(void)
{
	return madt_valid ? &madt_info : NULL;
}

u16 acpi_pm1a_cnt_port(void)
{
	return pm1a_cnt;
}

int acpi_get_table(const char *sig, struct acpi_table *out)
{
	if (!tables.root_table)
		return -ENOENT;
	return acpi_find_table(&tables, sig, out) ? -ENOENT : 0;
}

/*
 * Readable means inside the boot direct map and inside the memory map
 * entries (contiguous ones joined) that hold pa, so a corrupt length never
 * makes the checksum loop wander into device memory. Without a memory map
 * only the direct-map limit applies.
 */
static u64 readable_end(const struct boot_info *bi, phys_addr_t pa)
{
	u64 end = 0;
	bool grew = true;

	if (!bi->mmap_count)
		return BOOT_DIRECT_MAP_LIMIT;
	while (grew) {
		grew = false;
		for (u32 i = 0; i < bi->mmap_count; i++) {
			const struct boot_mmap_entry *e = &bi->mmap[i];
			u64 from = end ? end : pa;

			if (e->addr <= from && from < e->addr + e->len && e->addr + e->len > end) {
				end = e->addr + e->len;
				grew = true;
			}
		}
	}
	return end < BOOT_DIRECT_MAP_LIMIT ? end : BOOT_DIRECT_MAP_LIMIT;
}

static const void *acpi_map(phys_addr_t pa, size_t *avail, void *ctx)
{
	u64 end;

	if (pa >= BOOT_DIRECT_MAP_LIMIT)
		return NULL;
	end = readable_end(ctx, pa);
	if (end <= pa)
		return NULL;
	*avail = end - pa;
	return phys_to_virt(pa);
}

static void log_error(const char *what, int err)
{
	pr_err("acpi: %s: %s: %s (error %d)\n", what, tables.err.sig,
	       tables.err.msg ? tables.err.msg : "?", err);
}

static void log_tables(void)
{
	struct acpi_table tbl;

	pr_info("acpi: RSDP revision %u, OEM '%s', %s at %#llx with %u entries\n",
		tables.rsdp_revision, tables.oem_id, tables.xsdt ? "XSDT" : "RSDT",
		(unsigned long long)tables.root, tables.entries);
	for (u32 i = 0; i < tables.entries; i++) {
		int err = acpi_table_get(&tables, i, &tbl);

		if (err)
			log_error("skipping a root entry", err);
		else
			pr_info("acpi: %s at %#llx, %u bytes\n", tbl.sig,
				(unsigned long long)tbl.phys, tbl.length);
	}
}

static void log_madt(const struct acpi_madt_info *m)
{
	pr_info("acpi: MADT: local APIC at %#llx%s, %u CPUs, %u I/O APICs, %u overrides%s\n",
		(unsigned long long)m->lapic_address,
		m->lapic_address_overridden ? " (overridden)" : "", m->lapic_count,
		m->ioapic_count, m->override_count, m->pcat_compat ? ", 8259 PICs present" : "");
	for (u32 i = 0; i < m->ioapic_count; i++)
		pr_info("acpi: I/O APIC %u at %#x, GSI base %u\n", m->ioapics[i].id,
			m->ioapics[i].address, m->ioapics[i].gsi_base);
	for (u32 i = 0; i < m->override_count; i++) {
		const struct acpi_irq_override *o = &m->overrides[i];
		u16 pol = o->flags & ACPI_INTI_POLARITY_MASK;
		u16 trig = o->flags & ACPI_INTI_TRIGGER_MASK;

		pr_info("acpi: override bus %u IRQ%u -> GSI %u, %s, %s\n", o->bus, o->source, o->gsi,
			trig == ACPI_INTI_LEVEL ? "level" : trig == ACPI_INTI_EDGE ? "edge" : "bus trigger",
			pol == ACPI_INTI_ACTIVE_LOW ? "low" : pol == ACPI_INTI_ACTIVE_HIGH ? "high" : "bus polarity");
	}
	if (m->truncated)
		pr_warn("acpi: MADT has more entries than Tessera keeps; the rest are ignored\n");
}

static void load_madt(void)
{
	struct acpi_table tbl;
	int err = acpi_find_table(&tables, "APIC", &tbl);

	if (!err)
		err = acpi_parse_madt(&tables, &tbl, &madt_info);
	if (err) {
		log_error("no usable MADT", err);
		return;
	}
	madt_valid = true;
	log_madt(&madt_info);
}

static void load_fadt(void)
{
	struct acpi_fadt_info f;
	struct acpi_table tbl;
	int err = acpi_find_table(&tables, "FACP", &tbl);

	if (!err)
		err = acpi_parse_fadt(&tables, &tbl, &f);
	if (err) {
		log_error("no usable FADT", err);
		return;
	}
	if (f.pm1a_cnt <= 0xffff)
		pm1a_cnt = (u16)f.pm1a_cnt;
	pr_info("acpi: FADT revision %u: SCI IRQ %u, PM1a_CNT port %#x\n", f.revision,
		f.sci_irq, f.pm1a_cnt);
}

int acpi_init(const struct boot_info *bi)
{
	int err;

	if (!bi->rsdp) {
		pr_warn("acpi: the boot loader passed no RSDP; no ACPI tables\n");
		return -ENODEV;
	}
	err = acpi_tables_init(&tables, bi->rsdp, bi->rsdp_len, acpi_map, (void *)bi);
	if (err) {
		log_error("tables rejected", err);
		return err;
	}
	log_tables();
	load_madt();
	load_fadt();
	return 0;
}
