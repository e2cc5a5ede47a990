/*
 * ACPI static table parser: RSDP, RSDT/XSDT, MADT, FADT. Pure C (host-tested
 * in tests/unit/test_acpi.c). Every length is checked against what the map
 * callback says is readable before a byte is read, and every checksum is
 * verified; a bad table gives -EINVAL or -EUCLEAN and a reason in t->err.
 */
#include <acpi/acpi.h>
#include <lib/string.h>
#include <lib/unaligned.h>
#include <tessera/errno.h>

/* RSDP layout (ACPI 6.5 section 5.2.5.3). */
#define RSDP_SIGNATURE      "RSD PTR "
#define RSDP_SIG_LEN        8
#define RSDP_OEMID          9
#define RSDP_REVISION       15
#define RSDP_RSDT           16
#define RSDP_LENGTH         20
#define RSDP_XSDT           24

/* System Description Table header (section 5.2.6). */
#define SDT_LENGTH          4
#define SDT_REVISION        8

/* MADT (section 5.2.12): fixed part, then variable-length entries. */
#define MADT_LAPIC_ADDR     36
#define MADT_FLAGS          40
#define MADT_ENTRIES        44
#define MADT_PCAT_COMPAT    0x1
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2
#define MADT_LAPIC_OVERRIDE 5
#define MADT_LAPIC_LEN      8
#define MADT_IOAPIC_LEN     12
#define MADT_OVERRIDE_LEN   10
#define MADT_LAPIC_OVR_LEN  12
#define LAPIC_ENABLED       0x1
#define LAPIC_ONLINE_CAP    0x2
#define MADT_ENTRY_HEADER   2

/* FADT (section 5.2.9, table 5.9). */
#define FADT_SCI_INT        46
#define FADT_SMI_CMD        48
#define FADT_ACPI_ENABLE    52
#define FADT_PM1A_EVT       56
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_FLAGS          112
#define FADT_V1_SIZE        116     /* the ACPI 1.0 table ends after Flags */
#define FADT_X_PM1A_CNT     172     /* a Generic Address Structure */
#define GAS_SIZE            12
#define GAS_SPACE_IO        1
#define GAS_ADDRESS         4

#define ISA_IRQS            16

static bool checksum_ok(const u8 *p, size_t len)
{
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + p[i]);
	return sum == 0;
}

static void copy_sig(char dst[ACPI_SIG_LEN + 1], const void *src)
{
	memcpy(dst, src, ACPI_SIG_LEN);
	dst[ACPI_SIG_LEN] = '\0';
}

static int fail(struct acpi_tables *t, const char *sig, const char *msg, int err)
{
	t->err.msg = msg;
	copy_sig(t->err.sig, sig);
	return err;
}

/*
 * Maps a System Description Table at pa and checks its header, length and
 * checksum. sig, when given, is the signature it must carry.
 */
static int map_sdt(struct acpi_tables *t, phys_addr_t pa, const char *sig,
		   struct acpi_table *out)
{
	const char *name = sig ? sig : "????";
	size_t avail = 0;
	const u8 *p = pa ? t->map(pa, &avail, t->map_ctx) : NULL;

	if (!p || avail < ACPI_HEADER_SIZE)
		return fail(t, name, "table header not readable", -EINVAL);
	if (sig && memcmp(p, sig, ACPI_SIG_LEN) != 0)
		return fail(t, name, "wrong signature", -EINVAL);

	u32 len = get_unaligned_u32(p + SDT_LENGTH);

	if (len < ACPI_HEADER_SIZE)
		return fail(t, (const char *)p, "length shorter than its header", -EINVAL);
	if (len > avail)
		return fail(t, (const char *)p, "length runs past readable memory", -EINVAL);
	if (!checksum_ok(p, len))
		return fail(t, (const char *)p, "bad checksum", -EUCLEAN);
	out->data = p;
	out->length = len;
	out->phys = pa;
	copy_sig(out->sig, p);
	return 0;
}

static int check_rsdp(struct acpi_tables *t, const u8 *p, size_t len, bool *use_xsdt)
{
	*use_xsdt = false;
	if (!p || len < ACPI_RSDP_V1_SIZE)
		return fail(t, "RSDP", "shorter than 20 bytes", -EINVAL);
	if (memcmp(p, RSDP_SIGNATURE, RSDP_SIG_LEN) != 0)
		return fail(t, "RSDP", "wrong signature", -EINVAL);
	if (!checksum_ok(p, ACPI_RSDP_V1_SIZE))
		return fail(t, "RSDP", "bad checksum", -EUCLEAN);
	if (p[RSDP_REVISION] < 2 || len < ACPI_RSDP_V2_SIZE)
		return 0;

	u32 full = get_unaligned_u32(p + RSDP_LENGTH);

	if (full < ACPI_RSDP_V2_SIZE || full > len)
		return fail(t, "RSDP", "length field out of range", -EINVAL);
	if (!checksum_ok(p, full))
		return fail(t, "RSDP", "bad extended checksum", -EUCLEAN);
	*use_xsdt = get_unaligned_u64(p + RSDP_XSDT) != 0;
	return 0;
}

int acpi_tables_init(struct acpi_tables *t, const void *rsdp, size_t rsdp_len,
		     acpi_map_fn map, void *map_ctx)
{
	const u8 *p = rsdp;
	struct acpi_table root;
	bool use_xsdt;
	int err;

	memset(t, 0, sizeof(*t));
	t->map = map;
	t->map_ctx = map_ctx;
	err = check_rsdp(t, p, rsdp_len, &use_xsdt);
	if (err)
		return err;
	t->rsdp_revision = p[RSDP_REVISION];
	memcpy(t->oem_id, p + RSDP_OEMID, 6);
	t->xsdt = use_xsdt;
	t->root = use_xsdt ? get_unaligned_u64(p + RSDP_XSDT)
			   : get_unaligned_u32(p + RSDP_RSDT);
	err = map_sdt(t, t->root, use_xsdt ? "XSDT" : "RSDT", &root);
	if (err)
		return err;

	u32 entry_size = use_xsdt ? 8 : 4;
	u32 body = root.length - ACPI_HEADER_SIZE;

	if (body % entry_size)
		return fail(t, root.sig, "length is not a whole number of entries", -EINVAL);
	t->root_table = root.data;
	t->entries = body / entry_size;
	return 0;
}

static phys_addr_t root_entry(const struct acpi_tables *t, u32 index)
{
	const u8 *e = t->root_table + ACPI_HEADER_SIZE;

	return t->xsdt ? get_unaligned_u64(e + 8 * (size_t)index)
		       : get_unaligned_u32(e + 4 * (size_t)index);
}

int acpi_table_get(struct acpi_tables *t, u32 index, struct acpi_table *out)
{
	if (!t->root_table || index >= t->entries)
		return -ENOENT;
	return map_sdt(t, root_entry(t, index), NULL, out);
}

/* An entry whose header cannot be read cannot be the one sought: skip it. */
int acpi_find_table(struct acpi_tables *t, const char *sig, struct acpi_table *out)
{
	for (u32 i = 0; t->root_table && i < t->entries; i++) {
		phys_addr_t pa = root_entry(t, i);
		size_t avail = 0;
		const u8 *p = pa ? t->map(pa, &avail, t->map_ctx) : NULL;

		if (p && avail >= ACPI_HEADER_SIZE && memcmp(p, sig, ACPI_SIG_LEN) == 0)
			return map_sdt(t, pa, sig, out);
	}
	return fail(t, sig, "table not present", -ENOENT);
}

/* --- MADT --- */

static void madt_lapic(const u8 *e, struct acpi_madt_info *m)
{
	u32 flags = get_unaligned_u32(e + 4);

	if (m->lapic_count == ACPI_MAX_LAPICS) {
		m->truncated = true;
		return;
	}
	m->lapics[m->lapic_count++] = (struct acpi_lapic){
		.processor_id = e[2],
		.apic_id = e[3],
		.enabled = flags & LAPIC_ENABLED,
		.online_capable = flags & LAPIC_ONLINE_CAP,
	};
}

static void madt_ioapic(const u8 *e, struct acpi_madt_info *m)
{
	if (m->ioapic_count == ACPI_MAX_IOAPICS) {
		m->truncated = true;
		return;
	}
	m->ioapics[m->ioapic_count++] = (struct acpi_ioapic){
		.id = e[2],
		.address = get_unaligned_u32(e + 4),
		.gsi_base = get_unaligned_u32(e + 8),
	};
}

static void madt_override(const u8 *e, struct acpi_madt_info *m)
{
	if (m->override_count == ACPI_MAX_OVERRIDES) {
		m->truncated = true;
		return;
	}
	m->overrides[m->override_count++] = (struct acpi_irq_override){
		.bus = e[2],
		.source = e[3],
		.gsi = get_unaligned_u32(e + 4),
		.flags = get_unaligned_u16(e + 8),
	};
}

/* The smallest length each known entry type may have; 0 for types we skip. */
static u8 madt_min_len(u8 type)
{
	switch (type) {
	case MADT_LAPIC:
		return MADT_LAPIC_LEN;
	case MADT_IOAPIC:
		return MADT_IOAPIC_LEN;
	case MADT_OVERRIDE:
		return MADT_OVERRIDE_LEN;
	case MADT_LAPIC_OVERRIDE:
		return MADT_LAPIC_OVR_LEN;
	default:
		return 0;
	}
}

static void madt_entry(const u8 *e, struct acpi_madt_info *m)
{
	switch (e[0]) {
	case MADT_LAPIC:
		madt_lapic(e, m);
		break;
	case MADT_IOAPIC:
		madt_ioapic(e, m);
		break;
	case MADT_OVERRIDE:
		madt_override(e, m);
		break;
	case MADT_LAPIC_OVERRIDE:
		m->lapic_address = get_unaligned_u64(e + 4);
		m->lapic_address_overridden = true;
		break;
	}
}

int acpi_parse_madt(struct acpi_tables *t, const struct acpi_table *madt,
		    struct acpi_madt_info *out)
{
	const u8 *p = madt->data;
	u32 len = madt->length;

	memset(out, 0, sizeof(*out));
	if (len < MADT_ENTRIES)
		return fail(t, "APIC", "shorter than its fixed fields", -EINVAL);
	out->lapic_address = get_unaligned_u32(p + MADT_LAPIC_ADDR);
	out->pcat_compat = get_unaligned_u32(p + MADT_FLAGS) & MADT_PCAT_COMPAT;

	for (u32 off = MADT_ENTRIES; off < len;) {
		if (len - off < MADT_ENTRY_HEADER)
			return fail(t, "APIC", "entry header runs past the table", -EINVAL);

		u8 elen = p[off + 1];

		if (elen < MADT_ENTRY_HEADER)
			return fail(t, "APIC", "entry length below 2", -EINVAL);
		if (elen > len - off)
			return fail(t, "APIC", "entry runs past the table", -EINVAL);
		if (elen < madt_min_len(p[off]))
			return fail(t, "APIC", "entry too short for its type", -EINVAL);
		madt_entry(p + off, out);
		off += elen;
	}
	return 0;
}

static const struct acpi_irq_override *isa_override(const struct acpi_madt_info *m,
						    unsigned int irq)
{
	for (u32 i = 0; i < m->override_count; i++)
		if (m->overrides[i].bus == 0 && m->overrides[i].source == irq)
			return &m->overrides[i];
	return NULL;
}

/* True when an override sends some other ISA IRQ to GSI gsi. */
static bool gsi_taken(const struct acpi_madt_info *m, u32 gsi, unsigned int irq)
{
	for (u32 i = 0; i < m->override_count; i++) {
		const struct acpi_irq_override *o = &m->overrides[i];

		if (o->bus == 0 && o->gsi == gsi && o->source != irq)
			return true;
	}
	return false;
}

int acpi_isa_irq_route(const struct acpi_madt_info *m, unsigned int irq,
		       struct acpi_irq_route *route)
{
	const struct acpi_irq_override *o;

	if (irq >= ISA_IRQS)
		return -EINVAL;
	*route = (struct acpi_irq_route){ .gsi = irq, .active_low = false, .level = false };
	o = isa_override(m, irq);
	if (!o)
		return gsi_taken(m, irq, irq) ? -ENOENT : 0;
	route->gsi = o->gsi;
	route->active_low = (o->flags & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_ACTIVE_LOW;
	route->level = (o->flags & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_LEVEL;
	return 0;
}

/* --- FADT --- */

/* The ACPI 2.0+ X_PM1a_CNT_BLK, when the table has it and it is an I/O port. */
static u32 fadt_x_pm1a_cnt(const struct acpi_table *fadt)
{
	const u8 *gas = fadt->data + FADT_X_PM1A_CNT;
	u64 addr;

	if (fadt->length < FADT_X_PM1A_CNT + GAS_SIZE || gas[0] != GAS_SPACE_IO)
		return 0;
	addr = get_unaligned_u64(gas + GAS_ADDRESS);
	return addr <= 0xffff ? (u32)addr : 0;
}

int acpi_parse_fadt(struct acpi_tables *t, const struct acpi_table *fadt,
		    struct acpi_fadt_info *out)
{
	const u8 *p = fadt->data;

	memset(out, 0, sizeof(*out));
	if (fadt->length < FADT_V1_SIZE)
		return fail(t, "FACP", "shorter than an ACPI 1.0 FADT", -EINVAL);
	out->revision = p[SDT_REVISION];
	out->sci_irq = get_unaligned_u16(p + FADT_SCI_INT);
	out->smi_cmd = get_unaligned_u32(p + FADT_SMI_CMD);
	out->acpi_enable = p[FADT_ACPI_ENABLE];
	out->pm1a_evt = get_unaligned_u32(p + FADT_PM1A_EVT);
	out->pm1a_cnt = get_unaligned_u32(p + FADT_PM1A_CNT);
	out->pm1b_cnt = get_unaligned_u32(p + FADT_PM1B_CNT);
	out->flags = get_unaligned_u32(p + FADT_FLAGS);
	/* ACPI says the X_ field wins when it is set (section 5.2.9). */
	if (fadt_x_pm1a_cnt(fadt))
		out->pm1a_cnt = fadt_x_pm1a_cnt(fadt);
	if (!out->pm1a_cnt)
		return fail(t, "FACP", "no PM1a control block", -EINVAL);
	return 0;
}
