/*
 * The ACPI table parser (drivers/acpi/tables.c) on tables built in memory:
 * a QEMU-like RSDP/XSDT/MADT/FADT set, then bad checksums, truncation, huge
 * lengths and broken MADT entries. Each table lives in its own exact-size
 * heap block, so ASan catches any read past what the map callback allows.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <acpi/acpi.h>
#include <tessera/errno.h>

#define MAX_REGIONS 16
#define TBL_MAX     1024

/* "Physical memory": regions at made-up addresses, each its own allocation. */
struct region {
	phys_addr_t pa;
	u8 *p;
	size_t len;
};

static struct region regions[MAX_REGIONS];
static int nregions;

static const void *test_map(phys_addr_t pa, size_t *avail, void *ctx)
{
	(void)ctx;
	for (int i = 0; i < nregions; i++) {
		struct region *r = &regions[i];

		if (pa >= r->pa && pa < r->pa + r->len) {
			*avail = r->len - (pa - r->pa);
			return r->p + (pa - r->pa);
		}
	}
	return NULL;
}

static void place(phys_addr_t pa, const void *data, size_t len)
{
	assert_true(nregions < MAX_REGIONS);
	regions[nregions].pa = pa;
	regions[nregions].p = malloc(len ? len : 1);
	regions[nregions].len = len;
	memcpy(regions[nregions].p, data, len);
	nregions++;
}

static struct region *region_at(phys_addr_t pa)
{
	for (int i = 0; i < nregions; i++)
		if (regions[i].pa == pa)
			return &regions[i];
	fail();
	return NULL;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < nregions; i++)
		free(regions[i].p);
	nregions = 0;
	return 0;
}

/* --- a table builder --- */

struct tbl {
	u8 b[TBL_MAX];
	size_t len;
};

static void put(struct tbl *t, const void *v, size_t n)
{
	assert_true(t->len + n <= TBL_MAX);
	memcpy(t->b + t->len, v, n);
	t->len += n;
}

static void put8(struct tbl *t, u8 v) { put(t, &v, 1); }
static void put16(struct tbl *t, u16 v) { put(t, &v, 2); }
static void put32(struct tbl *t, u32 v) { put(t, &v, 4); }
static void put64(struct tbl *t, u64 v) { put(t, &v, 8); }

static void set32(u8 *p, u32 v) { memcpy(p, &v, 4); }

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;

	while (n--)
		s = (u8)(s + *p++);
	return s;
}

static void tbl_start(struct tbl *t, const char *sig, u8 revision)
{
	memset(t, 0, sizeof(*t));
	put(t, sig, 4);
	put32(t, 0);                    /* length, set by tbl_finish */
	put8(t, revision);
	put8(t, 0);                     /* checksum */
	put(t, "BOCHS BXPC    ", 14);   /* OEM ID and table ID */
	put32(t, 1);
	put32(t, 0x42585043);
	put32(t, 1);
	assert_int_equal(t->len, ACPI_HEADER_SIZE);
}

static void fix_checksum(u8 *p, size_t len)
{
	p[9] = 0;
	p[9] = (u8)-sum(p, len);
}

static void tbl_finish(struct tbl *t)
{
	set32(t->b + 4, (u32)t->len);
	fix_checksum(t->b, t->len);
}

static void tbl_place(phys_addr_t pa, struct tbl *t)
{
	place(pa, t->b, t->len);
}

/* RSDP: revision 0 (20 bytes) or 2 (36 bytes), both checksums right. */
static void build_rsdp(u8 *r, u8 revision, u32 rsdt, u64 xsdt)
{
	u32 len = ACPI_RSDP_V2_SIZE;

	memset(r, 0, ACPI_RSDP_V2_SIZE);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = revision;
	memcpy(r + 16, &rsdt, 4);
	memcpy(r + 20, &len, 4);
	memcpy(r + 24, &xsdt, 8);
	r[8] = (u8)-sum(r, ACPI_RSDP_V1_SIZE);
	r[32] = (u8)-sum(r, ACPI_RSDP_V2_SIZE);
}

#define PA_RSDT 0x7fe1000
#define PA_XSDT 0x7fe2000
#define PA_MADT 0x7fe3000
#define PA_FADT 0x7fe4000
#define PA_HPET 0x7fe5000

static void madt_lapic(struct tbl *t, u8 uid, u8 id, u32 flags)
{
	put8(t, 0); put8(t, 8); put8(t, uid); put8(t, id); put32(t, flags);
}

static void madt_ioapic(struct tbl *t, u8 id, u32 addr, u32 gsi_base)
{
	put8(t, 1); put8(t, 12); put8(t, id); put8(t, 0); put32(t, addr); put32(t, gsi_base);
}

static void madt_override(struct tbl *t, u8 src, u32 gsi, u16 flags)
{
	put8(t, 2); put8(t, 10); put8(t, 0); put8(t, src); put32(t, gsi); put16(t, flags);
}

/* QEMU's MADT: two CPUs (the second absent), one I/O APIC, five overrides. */
static void build_madt(struct tbl *t)
{
	tbl_start(t, "APIC", 3);
	put32(t, 0xfee00000);
	put32(t, 1);                    /* PCAT_COMPAT */
	madt_lapic(t, 0, 0, 1);
	madt_lapic(t, 1, 1, 2);
	madt_ioapic(t, 0, 0xfec00000, 0);
	madt_override(t, 0, 2, 0);
	madt_override(t, 5, 5, 0xd);
	madt_override(t, 9, 9, 0xd);
	madt_override(t, 10, 10, 0xd);
	madt_override(t, 11, 11, 0xf);
	put8(t, 4); put8(t, 6); put8(t, 0xff); put16(t, 0); put8(t, 1);   /* LAPIC NMI: skipped */
}

static void build_fadt(struct tbl *t, u8 revision, u32 pm1a_cnt)
{
	tbl_start(t, "FACP", revision);
	while (t->len < 244)
		put8(t, 0);
	t->len = revision >= 3 ? 244 : 116;
	set32(t->b + 46, 9);            /* SCI_INT, a u16 followed by SMI_CMD's low half */
	set32(t->b + 48, 0xb2);
	t->b[52] = 0xf1;
	set32(t->b + 56, 0x600);
	set32(t->b + 64, pm1a_cnt);
	tbl_finish(t);
}

static void build_root(struct tbl *t, bool xsdt, const u64 *entries, int n)
{
	tbl_start(t, xsdt ? "XSDT" : "RSDT", 1);
	for (int i = 0; i < n; i++) {
		if (xsdt)
			put64(t, entries[i]);
		else
			put32(t, (u32)entries[i]);
	}
	tbl_finish(t);
}

static u8 rsdp[ACPI_RSDP_V2_SIZE];

/* RSDP rev 2 -> XSDT -> MADT, FADT, HPET (and an RSDT that nothing should use). */
static void build_machine(void)
{
	static const u64 entries[] = { PA_FADT, PA_MADT, PA_HPET };
	struct tbl t;

	build_root(&t, true, entries, 3);
	tbl_place(PA_XSDT, &t);
	build_root(&t, false, entries, 1);
	tbl_place(PA_RSDT, &t);
	build_madt(&t);
	tbl_finish(&t);
	tbl_place(PA_MADT, &t);
	build_fadt(&t, 1, 0x604);
	tbl_place(PA_FADT, &t);
	tbl_start(&t, "HPET", 1);
	put32(&t, 0x8086a201);
	tbl_finish(&t);
	tbl_place(PA_HPET, &t);
	build_rsdp(rsdp, 2, PA_RSDT, PA_XSDT);
}

static int init(struct acpi_tables *t, size_t rsdp_len)
{
	return acpi_tables_init(t, rsdp, rsdp_len, test_map, NULL);
}

/* --- good tables --- */

static void test_xsdt_machine(void **state)
{
	struct acpi_tables t;
	struct acpi_table tbl;

	(void)state;
	build_machine();
	assert_int_equal(init(&t, sizeof(rsdp)), 0);
	assert_true(t.xsdt);
	assert_int_equal(t.root, PA_XSDT);
	assert_int_equal(t.entries, 3);
	assert_int_equal(t.rsdp_revision, 2);
	assert_string_equal(t.oem_id, "BOCHS ");
	assert_int_equal(acpi_table_get(&t, 1, &tbl), 0);
	assert_string_equal(tbl.sig, "APIC");
	assert_int_equal(tbl.phys, PA_MADT);
	assert_int_equal(acpi_table_get(&t, 3, &tbl), -ENOENT);
	assert_int_equal(acpi_find_table(&t, "HPET", &tbl), 0);
	assert_int_equal(tbl.length, 40);
	assert_int_equal(acpi_find_table(&t, "SSDT", &tbl), -ENOENT);
}

static void test_madt_parse(void **state)
{
	struct acpi_tables t;
	struct acpi_table tbl;
	struct acpi_madt_info m;

	(void)state;
	build_machine();
	assert_int_equal(init(&t, sizeof(rsdp)), 0);
	assert_int_equal(acpi_find_table(&t, "APIC", &tbl), 0);
	assert_int_equal(acpi_parse_madt(&t, &tbl, &m), 0);
	assert_int_equal(m.lapic_address, 0xfee00000);
	assert_false(m.lapic_address_overridden);
	assert_true(m.pcat_compat);
	assert_int_equal(m.lapic_count, 2);
	assert_true(m.lapics[0].enabled);
	assert_false(m.lapics[1].enabled);
	assert_true(m.lapics[1].online_capable);
	assert_int_equal(m.lapics[1].apic_id, 1);
	assert_int_equal(m.ioapic_count, 1);
	assert_int_equal(m.ioapics[0].address, 0xfec00000);
	assert_int_equal(m.ioapics[0].gsi_base, 0);
	assert_int_equal(m.override_count, 5);
	assert_int_equal(m.overrides[0].source, 0);
	assert_int_equal(m.overrides[0].gsi, 2);
	assert_int_equal(m.overrides[4].flags, 0xf);
	assert_false(m.truncated);
}

static void test_isa_routes(void **state)
{
	struct acpi_madt_info m = { 0 };
	struct acpi_irq_route r;

	(void)state;
	m.override_count = 3;
	m.overrides[0] = (struct acpi_irq_override){ 0, 0, 2, 0 };
	m.overrides[1] = (struct acpi_irq_override){ 0, 9, 9, ACPI_INTI_LEVEL | ACPI_INTI_ACTIVE_HIGH };
	m.overrides[2] = (struct acpi_irq_override){ 0, 11, 20, ACPI_INTI_LEVEL | ACPI_INTI_ACTIVE_LOW };
	assert_int_equal(acpi_isa_irq_route(&m, 0, &r), 0);
	assert_int_equal(r.gsi, 2);
	assert_false(r.level);
	assert_false(r.active_low);
	assert_int_equal(acpi_isa_irq_route(&m, 2, &r), -ENOENT);
	assert_int_equal(acpi_isa_irq_route(&m, 1, &r), 0);
	assert_int_equal(r.gsi, 1);
	assert_int_equal(acpi_isa_irq_route(&m, 9, &r), 0);
	assert_true(r.level);
	assert_false(r.active_low);
	assert_int_equal(acpi_isa_irq_route(&m, 11, &r), 0);
	assert_int_equal(r.gsi, 20);
	assert_true(r.level);
	assert_true(r.active_low);
	assert_int_equal(acpi_isa_irq_route(&m, 16, &r), -EINVAL);
	/* Reserved polarity (2) and trigger (8) read as the ISA default. */
	m.overrides[1].flags = 0xa;
	assert_int_equal(acpi_isa_irq_route(&m, 9, &r), 0);
	assert_false(r.level);
	assert_false(r.active_low);
}

static void test_fadt_parse(void **state)
{
	struct acpi_tables t;
	struct acpi_table tbl;
	struct acpi_fadt_info f;

	(void)state;
	build_machine();
	assert_int_equal(init(&t, sizeof(rsdp)), 0);
	assert_int_equal(acpi_find_table(&t, "FACP", &tbl), 0);
	assert_int_equal(acpi_parse_fadt(&t, &tbl, &f), 0);
	assert_int_equal(f.pm1a_cnt, 0x604);
	assert_int_equal(f.sci_irq, 9);
	assert_int_equal(f.smi_cmd, 0xb2);
	assert_int_equal(f.acpi_enable, 0xf1);
	assert_int_equal(f.pm1a_evt, 0x600);
}

/* An ACPI 2.0 FADT: an I/O X_PM1a_CNT_BLK wins, a memory-space one does not. */
static void test_fadt_x_block(void **state)
{
	struct acpi_tables t = { 0 };
	struct acpi_table tbl;
	struct acpi_fadt_info f;
	struct tbl b;
	u64 addr = 0xb004;

	(void)state;
	build_fadt(&b, 3, 0x604);
	b.b[172] = 1;
	memcpy(b.b + 176, &addr, 8);
	tbl_finish(&b);
	tbl = (struct acpi_table){ .data = b.b, .length = (u32)b.len };
	assert_int_equal(acpi_parse_fadt(&t, &tbl, &f), 0);
	assert_int_equal(f.pm1a_cnt, 0xb004);
	b.b[172] = 0;
	assert_int_equal(acpi_parse_fadt(&t, &tbl, &f), 0);
	assert_int_equal(f.pm1a_cnt, 0x604);
}

static void test_rsdt_paths(void **state)
{
	struct acpi_tables t;
	struct acpi_table tbl;

	(void)state;
	build_machine();
	/* Revision 0: the RSDT, whatever follows the first 20 bytes. */
	build_rsdp(rsdp, 0, PA_RSDT, PA_XSDT);
	assert_int_equal(init(&t, ACPI_RSDP_V1_SIZE), 0);
	assert_false(t.xsdt);
	assert_int_equal(t.entries, 1);
	assert_int_equal(acpi_find_table(&t, "FACP", &tbl), 0);
	/* Revision 2 without an XSDT address. */
	build_rsdp(rsdp, 2, PA_RSDT, 0);
	assert_int_equal(init(&t, sizeof(rsdp)), 0);
	assert_false(t.xsdt);
	/* Revision 2 but only the 1.0 part copied: RSDT. */
	build_rsdp(rsdp, 2, PA_RSDT, PA_XSDT);
	assert_int_equal(init(&t, ACPI_RSDP_V1_SIZE), 0);
	assert_false(t.xsdt);
}

static void test_lapic_override_and_truncation(void **state)
{
	struct acpi_tables t = { 0 };
	struct acpi_madt_info m;
	struct acpi_table tbl;
	struct tbl b;

	(void)state;
	tbl_start(&b, "APIC", 3);
	put32(&b, 0xfee00000);
	put32(&b, 0);
	put8(&b, 5); put8(&b, 12); put16(&b, 0); put64(&b, 0x1fee00000ull);
	for (int i = 0; i < ACPI_MAX_OVERRIDES + 1; i++)
		madt_override(&b, (u8)i, (u32)i, 0);
	put8(&b, 0x7f); put8(&b, 2);     /* unknown type, minimal length: skipped */
	tbl_finish(&b);
	tbl = (struct acpi_table){ .data = b.b, .length = (u32)b.len };
	assert_int_equal(acpi_parse_madt(&t, &tbl, &m), 0);
	assert_int_equal(m.lapic_address, 0x1fee00000ull);
	assert_true(m.lapic_address_overridden);
	assert_false(m.pcat_compat);
	assert_int_equal(m.override_count, ACPI_MAX_OVERRIDES);
	assert_true(m.truncated);
}

/* --- bad RSDPs and root tables --- */

static void test_bad_rsdp(void **state)
{
	struct acpi_tables t;

	(void)state;
	build_machine();
	assert_int_equal(init(&t, 19), -EINVAL);
	assert_int_equal(acpi_tables_init(&t, NULL, 36, test_map, NULL), -EINVAL);
	rsdp[0] = 'X';
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
	build_rsdp(rsdp, 2, PA_RSDT, PA_XSDT);
	rsdp[16]++;                     /* RSDT address: both checksums broken */
	assert_int_equal(init(&t, sizeof(rsdp)), -EUCLEAN);
	assert_string_equal(t.err.sig, "RSDP");
	assert_non_null(t.err.msg);
	build_rsdp(rsdp, 2, PA_RSDT, PA_XSDT);
	rsdp[24]++;                     /* XSDT address: only the extended one */
	assert_int_equal(init(&t, sizeof(rsdp)), -EUCLEAN);
	assert_int_equal(init(&t, ACPI_RSDP_V1_SIZE), 0);
	/* Length field outside [36, bytes given]. */
	build_rsdp(rsdp, 2, PA_RSDT, PA_XSDT);
	set32(rsdp + 20, 1000);
	rsdp[32] = 0;
	rsdp[32] = (u8)-sum(rsdp, 36);
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
	set32(rsdp + 20, 20);
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
}

static void rewrite_root(struct tbl *t, u32 length, bool fix)
{
	set32(t->b + 4, length);
	if (fix)
		fix_checksum(t->b, t->len);
	teardown(NULL);
	build_machine();
	free(region_at(PA_XSDT)->p);
	region_at(PA_XSDT)->p = malloc(t->len);
	region_at(PA_XSDT)->len = t->len;
	memcpy(region_at(PA_XSDT)->p, t->b, t->len);
}

static void test_bad_root(void **state)
{
	static const u64 entries[] = { PA_FADT, PA_MADT, PA_HPET };
	struct acpi_tables t;
	struct tbl x;

	(void)state;
	build_root(&x, true, entries, 3);
	x.b[40] ^= 1;                   /* checksum */
	rewrite_root(&x, (u32)x.len, false);
	assert_int_equal(init(&t, sizeof(rsdp)), -EUCLEAN);
	assert_string_equal(t.err.sig, "XSDT");

	build_root(&x, true, entries, 3);
	rewrite_root(&x, 0xffffffff, true);     /* length overflow */
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
	rewrite_root(&x, (u32)x.len + 1, true); /* one byte past the region */
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
	rewrite_root(&x, 35, true);             /* shorter than its header */
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);

	/* Entry count not matching the length: 36 + 8 * 2 + 4. */
	build_root(&x, true, entries, 3);
	x.len -= 4;
	rewrite_root(&x, (u32)x.len, true);
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
	assert_string_equal(t.err.sig, "XSDT");

	/* The region holding the root cut short: truncated. */
	for (size_t cut = 0; cut < 60; cut++) {
		build_root(&x, true, entries, 3);
		x.len = cut;
		rewrite_root(&x, 60, false);
		assert_int_not_equal(init(&t, sizeof(rsdp)), 0);
	}
	/* The XSDT address points at nothing, or at the RSDT. */
	teardown(NULL);
	build_machine();
	build_rsdp(rsdp, 2, PA_RSDT, 0x1234);
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
	build_rsdp(rsdp, 2, PA_RSDT, PA_RSDT);
	assert_int_equal(init(&t, sizeof(rsdp)), -EINVAL);
}

static void test_bad_entries(void **state)
{
	static const u64 entries[] = { 0x9999000, PA_MADT, PA_FADT };
	struct acpi_tables t;
	struct acpi_table tbl;
	struct region *fadt;
	struct tbl x;

	(void)state;
	build_machine();
	build_root(&x, true, entries, 3);
	memcpy(region_at(PA_XSDT)->p, x.b, x.len);
	assert_int_equal(init(&t, sizeof(rsdp)), 0);
	assert_int_equal(acpi_table_get(&t, 0, &tbl), -EINVAL);     /* unmapped */
	assert_int_equal(acpi_find_table(&t, "APIC", &tbl), 0);     /* skips it */
	fadt = region_at(PA_FADT);
	fadt->p[20] ^= 0x55;
	assert_int_equal(acpi_table_get(&t, 2, &tbl), -EUCLEAN);
	assert_int_equal(acpi_find_table(&t, "FACP", &tbl), -EUCLEAN);
	assert_string_equal(t.err.sig, "FACP");
	fadt->p[20] ^= 0x55;
	set32(fadt->p + 4, 0x7fffffff);                             /* huge length */
	fix_checksum(fadt->p, fadt->len);
	assert_int_equal(acpi_find_table(&t, "FACP", &tbl), -EINVAL);
	/* The FADT region cut anywhere. */
	for (size_t len = 116; len-- > 0;) {
		fadt->len = len;
		assert_int_not_equal(acpi_find_table(&t, "FACP", &tbl), 0);
	}
}

static void test_bad_fadt(void **state)
{
	struct acpi_tables t = { 0 };
	struct acpi_fadt_info f;
	struct acpi_table tbl;
	struct tbl b;

	(void)state;
	build_fadt(&b, 1, 0x604);
	tbl = (struct acpi_table){ .data = b.b, .length = 115 };
	assert_int_equal(acpi_parse_fadt(&t, &tbl, &f), -EINVAL);
	build_fadt(&b, 1, 0);
	tbl = (struct acpi_table){ .data = b.b, .length = (u32)b.len };
	assert_int_equal(acpi_parse_fadt(&t, &tbl, &f), -EINVAL);
}

/* --- broken MADT entries --- */

/* Parses an MADT held in an exact-size heap copy; returns the result. */
static int parse_madt_bytes(const struct tbl *b)
{
	struct acpi_tables t = { 0 };
	struct acpi_madt_info m;
	u8 *copy = malloc(b->len);
	int err;

	memcpy(copy, b->b, b->len);
	struct acpi_table tbl = { .data = copy, .length = (u32)b->len };
	err = acpi_parse_madt(&t, &tbl, &m);
	if (err)
		assert_string_equal(t.err.sig, "APIC");
	free(copy);
	return err;
}

static void madt_head(struct tbl *b)
{
	tbl_start(b, "APIC", 3);
	put32(b, 0xfee00000);
	put32(b, 1);
	madt_lapic(b, 0, 0, 1);
}

static void test_bad_madt_entries(void **state)
{
	struct tbl b;

	(void)state;
	madt_head(&b);
	put8(&b, 0); put8(&b, 0);                   /* length 0: would loop forever */
	assert_int_equal(parse_madt_bytes(&b), -EINVAL);
	madt_head(&b);
	put8(&b, 9); put8(&b, 1);                   /* length 1 */
	assert_int_equal(parse_madt_bytes(&b), -EINVAL);
	madt_head(&b);
	madt_ioapic(&b, 0, 0xfec00000, 0);
	b.b[b.len - 11] = 40;                       /* runs past the end */
	assert_int_equal(parse_madt_bytes(&b), -EINVAL);
	madt_head(&b);
	put8(&b, 1);                                /* a lone type byte at the end */
	assert_int_equal(parse_madt_bytes(&b), -EINVAL);
	madt_head(&b);
	put8(&b, 1); put8(&b, 8); put16(&b, 0); put32(&b, 0xfec00000);  /* I/O APIC, 8 bytes */
	assert_int_equal(parse_madt_bytes(&b), -EINVAL);
	madt_head(&b);
	put8(&b, 2); put8(&b, 9); put16(&b, 0); put32(&b, 2); put8(&b, 0);  /* override, 9 bytes */
	assert_int_equal(parse_madt_bytes(&b), -EINVAL);
	tbl_start(&b, "APIC", 3);
	put32(&b, 0xfee00000);                      /* no flags field */
	assert_int_equal(parse_madt_bytes(&b), -EINVAL);
	madt_head(&b);
	assert_int_equal(parse_madt_bytes(&b), 0);
}

/* Any cut of a good MADT, and random damage: an error or a sane parse. */
static void test_madt_fuzz(void **state)
{
	struct tbl good, b;
	int ok = 0;

	(void)state;
	build_madt(&good);
	tbl_finish(&good);
	for (size_t len = 0; len < good.len; len++) {
		b = good;
		b.len = len;
		parse_madt_bytes(&b);
	}
	srand(4);
	for (int i = 0; i < 5000; i++) {
		b = good;
		for (int k = 0; k < 1 + rand() % 4; k++)
			b.b[44 + rand() % (int)(good.len - 44)] = (u8)rand();
		ok += parse_madt_bytes(&b) == 0;
	}
	print_message("MADT random damage: %d of 5000 still parsed\n", ok);
}

#define T(fn) cmocka_unit_test_teardown(fn, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_xsdt_machine),
		T(test_madt_parse),
		T(test_isa_routes),
		T(test_fadt_parse),
		T(test_fadt_x_block),
		T(test_rsdt_paths),
		T(test_lapic_override_and_truncation),
		T(test_bad_rsdp),
		T(test_bad_root),
		T(test_bad_entries),
		T(test_bad_fadt),
		T(test_bad_madt_entries),
		T(test_madt_fuzz),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
