/*
 * ACPI static tables: the RSDP, the RSDT/XSDT root, and the two tables the
 * kernel reads (MADT for interrupt controllers, FADT for power-off). The
 * parser is pure C and trusts nothing: tables are reached through a mapping
 * callback that also says how many bytes may be read, so it runs on the host.
 */
#ifndef ACPI_ACPI_H
#define ACPI_ACPI_H

#include <tessera/errno.h>
#include <tessera/types.h>

#define ACPI_SIG_LEN        4
#define ACPI_HEADER_SIZE    36      /* the common System Description Table header */
#define ACPI_RSDP_V1_SIZE   20
#define ACPI_RSDP_V2_SIZE   36

/*
 * Maps physical address pa and returns a pointer to it, with *avail set to
 * how many bytes from there may be read; NULL (or *avail 0) if none may.
 */
typedef const void *(*acpi_map_fn)(phys_addr_t pa, size_t *avail, void *ctx);

/* The reason for the last failure, for the caller's log; msg is static. */
struct acpi_error {
	const char *msg;
	char sig[ACPI_SIG_LEN + 1];
};

struct acpi_tables {
	acpi_map_fn map;
	void *map_ctx;
	u8 rsdp_revision;           /* 0: ACPI 1.0, 2: ACPI 2.0+ */
	char oem_id[7];
	bool xsdt;                  /* the root is the XSDT (8-byte entries) */
	phys_addr_t root;
	const u8 *root_table;       /* checked: length and checksum */
	u32 entries;
	struct acpi_error err;
};

/* A table found through the root, fully checked: length and checksum. */
struct acpi_table {
	const u8 *data;
	u32 length;
	phys_addr_t phys;
	char sig[ACPI_SIG_LEN + 1];
};

/*
 * Checks the RSDP (rsdp_len bytes readable at rsdp) and the root table it
 * names. The XSDT is used when the RSDP is revision 2 or later and gives
 * one; a revision-2 RSDP cut to 20 bytes falls back to the RSDT.
 * Returns 0, -EINVAL (bad signature or lengths), -EUCLEAN (bad checksum).
 */
int acpi_tables_init(struct acpi_tables *t, const void *rsdp, size_t rsdp_len,
		     acpi_map_fn map, void *map_ctx);

/*
 * Entry index of the root table, checked. Returns 0, -ENOENT past the last
 * entry, -EINVAL (unreadable or bad length), -EUCLEAN (bad checksum).
 */
int acpi_table_get(struct acpi_tables *t, u32 index, struct acpi_table *out);

/* The first table with signature sig (e.g. "APIC"); -ENOENT if none. */
int acpi_find_table(struct acpi_tables *t, const char *sig, struct acpi_table *out);

/* --- MADT ("APIC" signature, ACPI 6.5 section 5.2.12) --- */

#define ACPI_MAX_LAPICS      64
#define ACPI_MAX_IOAPICS     8
#define ACPI_MAX_OVERRIDES   16

/* MPS INTI flags of an interrupt source override (ACPI table 5.26). */
#define ACPI_INTI_POLARITY_MASK   0x3
#define ACPI_INTI_POLARITY_BUS    0x0
#define ACPI_INTI_ACTIVE_HIGH     0x1
#define ACPI_INTI_ACTIVE_LOW      0x3
#define ACPI_INTI_TRIGGER_MASK    0xc
#define ACPI_INTI_TRIGGER_BUS     0x0
#define ACPI_INTI_EDGE            0x4
#define ACPI_INTI_LEVEL           0xc

struct acpi_lapic {
	u8 processor_id;
	u8 apic_id;
	bool enabled;
	bool online_capable;
};

struct acpi_ioapic {
	u8 id;
	u32 address;
	u32 gsi_base;
};

struct acpi_irq_override {
	u8 bus;                     /* 0: ISA */
	u8 source;                  /* ISA IRQ */
	u32 gsi;
	u16 flags;                  /* ACPI_INTI_* */
};

struct acpi_madt_info {
	u64 lapic_address;          /* after a type-5 override, if any */
	bool lapic_address_overridden;
	bool pcat_compat;           /* dual 8259s present: mask them */
	u32 lapic_count;
	u32 ioapic_count;
	u32 override_count;
	bool truncated;             /* more entries of a kind than the arrays hold */
	struct acpi_lapic lapics[ACPI_MAX_LAPICS];
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	struct acpi_irq_override overrides[ACPI_MAX_OVERRIDES];
};

/* Parses a checked MADT. Returns 0 or -EINVAL (an entry of bad length). */
int acpi_parse_madt(struct acpi_tables *t, const struct acpi_table *madt,
		    struct acpi_madt_info *out);

/* Where ISA IRQ irq arrives at the I/O APICs, overrides applied. */
struct acpi_irq_route {
	u32 gsi;
	bool active_low;
	bool level;
};

/*
 * Returns 0, -EINVAL (irq > 15) or -ENOENT when another ISA IRQ took this
 * line's pin (IRQ2's pin goes to IRQ0 on most PCs). Reserved polarity or
 * trigger values are read as the ISA default: active high, edge.
 */
int acpi_isa_irq_route(const struct acpi_madt_info *m, unsigned int irq,
		       struct acpi_irq_route *route);

/* --- FADT ("FACP" signature, ACPI 6.5 section 5.2.9) --- */

struct acpi_fadt_info {
	u8 revision;
	u16 sci_irq;
	u32 smi_cmd;                /* I/O port; 0: ACPI mode is always on */
	u8 acpi_enable;             /* value for smi_cmd that turns ACPI mode on */
	u32 pm1a_evt;
	u32 pm1a_cnt;               /* I/O port of PM1a_CNT, 0 if none */
	u32 pm1b_cnt;
	u32 flags;
};

/* Parses a checked FADT. Returns 0 or -EINVAL (too short, no PM1a_CNT). */
int acpi_parse_fadt(struct acpi_tables *t, const struct acpi_table *fadt,
		    struct acpi_fadt_info *out);

/* --- kernel side (drivers/acpi/acpi.c); stubs without CONFIG_ACPI --- */

struct boot_info;

#ifdef CONFIG_ACPI
/* Finds and logs the tables from the multiboot2 RSDP; keeps MADT and FADT. */
int acpi_init(const struct boot_info *bi);
/* The parsed MADT, or NULL when there is none (no ACPI, or it was bad). */
const struct acpi_madt_info *acpi_madt(void);
/* PM1a_CNT I/O port from the FADT, or 0 when unknown. */
u16 acpi_pm1a_cnt_port(void);
/* A checked table by signature ("MCFG"): 0, or -ENOENT (none, or no ACPI). */
int acpi_get_table(const char *sig, struct acpi_table *out);
#else
static inline int acpi_init(const struct boot_info *bi)
{
	(void)bi;
	return 0;
}
static inline const struct acpi_madt_info *acpi_madt(void) { return NULL; }
static inline u16 acpi_pm1a_cnt_port(void) { return 0; }
static inline int acpi_get_table(const char *sig, struct acpi_table *out)
{
	(void)sig, (void)out;
	return -ENOENT;
}
#endif

#endif
