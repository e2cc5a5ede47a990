/*
 * MBR and GPT partition tables: what is on sector 0 (and LBA 1 and the last
 * LBA for GPT), checked before it is believed. No allocation, no logging.
 */
#include <block/partition.h>
#include <lib/string.h>
#include <tessera/errno.h>

/* MBR layout (the classic IBM PC boot sector). */
#define MBR_TABLE_OFFSET    446
#define MBR_ENTRY_SIZE      16
#define MBR_ENTRIES         4
#define MBR_SIG_OFFSET      510
#define MBR_TYPE_EMPTY      0x00
#define MBR_TYPE_EXTENDED   0x05
#define MBR_TYPE_EXT_LBA    0x0f
#define MBR_TYPE_EXT_LINUX  0x85
#define MBR_TYPE_GPT        0xee
#define MBR_FIRST_LOGICAL   5       /* sda5 is the first logical partition */
#define MBR_MAX_EBRS        64      /* bounds a corrupt chain */

/* GPT header and entry layout (UEFI 2.10, sections 5.3.2 and 5.3.3). */
#define GPT_HEADER_LBA      1
#define GPT_SIGNATURE       "EFI PART"
#define GPT_HDR_SIZE        12
#define GPT_HDR_CRC         16
#define GPT_HDR_MY_LBA      24
#define GPT_HDR_FIRST_USE   40
#define GPT_HDR_LAST_USE    48
#define GPT_HDR_ENTRY_LBA   72
#define GPT_HDR_NUM_ENTRIES 80
#define GPT_HDR_ENTRY_SIZE  84
#define GPT_HDR_ENTRY_CRC   88
#define GPT_HDR_MIN_SIZE    92
#define GPT_ENTRY_MIN_SIZE  128
#define GPT_ENTRY_FIRST_LBA 32
#define GPT_ENTRY_LAST_LBA  40
#define GPT_MAX_ENTRIES     1024    /* bounds the reads a corrupt header can ask for */

static u32 get_le32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 get_le64(const u8 *p)
{
	return (u64)get_le32(p) | (u64)get_le32(p + 4) << 32;
}

u32 part_crc32(u32 crc, const void *p, size_t n)
{
	const u8 *b = p;

	crc = ~crc;
	while (n--) {
		crc ^= *b++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static bool part_overlaps(const struct part_table *pt, u64 start, u64 sectors)
{
	for (unsigned int i = 0; i < pt->count; i++) {
		const struct part_entry *e = &pt->part[i];

		if (start < e->start + e->sectors && e->start < start + sectors)
			return true;
	}
	return false;
}

/* Adds an entry if it lies on the disk and overlaps no other; else counts it rejected. */
static void part_add(struct part_table *pt, const struct part_io *io, u64 start,
		     u64 sectors, unsigned int index)
{
	struct part_entry *e;

	if (sectors == 0 || start == 0 || start >= io->sectors ||
	    sectors > io->sectors - start || part_overlaps(pt, start, sectors) ||
	    pt->count >= PART_MAX) {
		pt->rejected++;
		return;
	}
	e = &pt->part[pt->count++];
	memset(e, 0, sizeof(*e));
	e->start = start;
	e->sectors = sectors;
	e->index = index;
}

static bool mbr_is_extended(u8 type)
{
	return type == MBR_TYPE_EXTENDED || type == MBR_TYPE_EXT_LBA ||
	       type == MBR_TYPE_EXT_LINUX;
}

static void mbr_add(const struct part_io *io, struct part_table *pt, u64 start,
		    u64 sectors, u8 type, unsigned int index)
{
	unsigned int before = pt->count;

	part_add(pt, io, start, sectors, index);
	if (pt->count > before)
		pt->part[before].mbr_type = type;
}

static bool mbr_signed(const u8 *sector)
{
	return sector[MBR_SIG_OFFSET] == 0x55 && sector[MBR_SIG_OFFSET + 1] == 0xaa;
}

/*
 * Follows the chain of extended boot records: each EBR's first entry is a
 * logical partition (relative to that EBR), its second the next EBR
 * (relative to the extended partition's start). Logical partitions are
 * numbered from 5 and must lie inside the container. A bad link ends the
 * chain (counted rejected) but keeps what was found: primaries stay usable.
 */
static void mbr_logical(const struct part_io *io, struct part_table *pt, u64 ext_start,
			u64 ext_sectors)
{
	u64 ext_end = ext_start + ext_sectors, ebr = ext_start;
	unsigned int index = MBR_FIRST_LOGICAL;

	for (unsigned int n = 0; n < MBR_MAX_EBRS; n++) {
		const u8 *data = io->buf + MBR_TABLE_OFFSET, *link = data + MBR_ENTRY_SIZE;
		u64 start, sectors, next;

		if (ebr >= ext_end || io->read(io->ctx, ebr, io->buf) || !mbr_signed(io->buf)) {
			pt->rejected++;
			return;
		}
		start = ebr + get_le32(data + 8), sectors = get_le32(data + 12);
		if (data[4] != MBR_TYPE_EMPTY && !mbr_is_extended(data[4])) {
			if (start < ext_start || start + sectors > ext_end)
				pt->rejected++;
			else
				mbr_add(io, pt, start, sectors, data[4], index++);
		}
		next = get_le32(link + 8);
		if (!mbr_is_extended(link[4]) || next == 0)
			return;
		if (ext_start + next <= ebr) {          /* links only go forward: no loops */
			pt->rejected++;
			return;
		}
		ebr = ext_start + next;
	}
	pt->rejected++;
}

static void mbr_parse(const struct part_io *io, struct part_table *pt)
{
	u64 ext_start = 0, ext_sectors = 0;

	pt->scheme = PART_MBR;
	for (unsigned int i = 0; i < MBR_ENTRIES; i++) {
		const u8 *ent = io->buf + MBR_TABLE_OFFSET + i * MBR_ENTRY_SIZE;
		u8 type = ent[4];

		if (type == MBR_TYPE_EMPTY)
			continue;
		if (!mbr_is_extended(type)) {
			mbr_add(io, pt, get_le32(ent + 8), get_le32(ent + 12), type, i + 1);
			continue;
		}
		if (ext_sectors) {                      /* only the first container counts */
			pt->rejected++;
			continue;
		}
		ext_start = get_le32(ent + 8), ext_sectors = get_le32(ent + 12);
		if (ext_start == 0 || ext_start >= io->sectors ||
		    ext_sectors > io->sectors - ext_start || ext_sectors == 0) {
			pt->rejected++;
			ext_sectors = 0;
		}
	}
	if (ext_sectors)            /* after the loop: reading EBRs reuses io->buf */
		mbr_logical(io, pt, ext_start, ext_sectors);
}

static bool gpt_header_ok(const struct part_io *io, u8 *hdr, u64 lba)
{
	u32 size = get_le32(hdr + GPT_HDR_SIZE), crc = get_le32(hdr + GPT_HDR_CRC);
	u32 esize = get_le32(hdr + GPT_HDR_ENTRY_SIZE), n = get_le32(hdr + GPT_HDR_NUM_ENTRIES);
	u32 calc;

	if (memcmp(hdr, GPT_SIGNATURE, 8) != 0 || size < GPT_HDR_MIN_SIZE ||
	    size > io->sector_size || get_le64(hdr + GPT_HDR_MY_LBA) != lba)
		return false;
	memset(hdr + GPT_HDR_CRC, 0, 4);
	calc = part_crc32(0, hdr, size);
	hdr[GPT_HDR_CRC] = crc, hdr[GPT_HDR_CRC + 1] = crc >> 8;
	hdr[GPT_HDR_CRC + 2] = crc >> 16, hdr[GPT_HDR_CRC + 3] = crc >> 24;
	if (calc != crc)
		return false;
	if (esize < GPT_ENTRY_MIN_SIZE || esize % GPT_ENTRY_MIN_SIZE ||
	    io->sector_size % esize || n == 0 || n > GPT_MAX_ENTRIES)
		return false;
	return get_le64(hdr + GPT_HDR_ENTRY_LBA) < io->sectors;
}

struct gpt_info {
	u64 entry_lba, first_usable, last_usable;
	u32 nentries, entry_size, entry_crc;
};

static void gpt_entry(const struct part_io *io, const struct gpt_info *g,
		      struct part_table *pt, const u8 *ent, unsigned int index)
{
	static const u8 zero_guid[16];
	u64 first = get_le64(ent + GPT_ENTRY_FIRST_LBA), last = get_le64(ent + GPT_ENTRY_LAST_LBA);
	unsigned int before = pt->count;

	if (memcmp(ent, zero_guid, sizeof(zero_guid)) == 0)
		return;
	if (first > last || first < g->first_usable || last > g->last_usable) {
		pt->rejected++;
		return;
	}
	part_add(pt, io, first, last - first + 1, index);
	if (pt->count > before)
		memcpy(pt->part[before].type_guid, ent, 16);
}

/* Reads the entry array sector by sector; its CRC must match the header's. */
static int gpt_entries(const struct part_io *io, const struct gpt_info *g,
		       struct part_table *pt)
{
	u64 bytes = (u64)g->nentries * g->entry_size, lba = g->entry_lba;
	u32 crc = 0, per_sector = io->sector_size / g->entry_size;
	unsigned int index = 1;
	int err;

	memset(pt, 0, sizeof(*pt));
	pt->scheme = PART_GPT;
	for (; bytes; lba++) {
		u32 chunk = bytes < io->sector_size ? (u32)bytes : io->sector_size;

		if (lba >= io->sectors)
			return -EUCLEAN;
		err = io->read(io->ctx, lba, io->buf);
		if (err)
			return err;
		crc = part_crc32(crc, io->buf, chunk);
		for (u32 i = 0; i < per_sector && i * g->entry_size < chunk; i++)
			gpt_entry(io, g, pt, io->buf + i * g->entry_size, index++);
		bytes -= chunk;
	}
	return crc == g->entry_crc ? 0 : -EUCLEAN;
}

static int gpt_try(const struct part_io *io, u64 lba, struct part_table *pt)
{
	struct gpt_info g;
	int err = io->read(io->ctx, lba, io->buf);

	if (err)
		return err;
	if (!gpt_header_ok(io, io->buf, lba))
		return -EUCLEAN;
	g.entry_lba = get_le64(io->buf + GPT_HDR_ENTRY_LBA);
	g.first_usable = get_le64(io->buf + GPT_HDR_FIRST_USE);
	g.last_usable = get_le64(io->buf + GPT_HDR_LAST_USE);
	g.nentries = get_le32(io->buf + GPT_HDR_NUM_ENTRIES);
	g.entry_size = get_le32(io->buf + GPT_HDR_ENTRY_SIZE);
	g.entry_crc = get_le32(io->buf + GPT_HDR_ENTRY_CRC);
	return gpt_entries(io, &g, pt);
}

/* The primary header at LBA 1, else the backup in the last sector. */
static int gpt_parse(const struct part_io *io, struct part_table *pt)
{
	int err = gpt_try(io, GPT_HEADER_LBA, pt);

	if (err == -EUCLEAN)
		err = gpt_try(io, io->sectors - 1, pt);
	if (err)
		memset(pt, 0, sizeof(*pt));
	return err;
}

static bool mbr_is_protective(const u8 *sector)
{
	for (unsigned int i = 0; i < MBR_ENTRIES; i++)
		if (sector[MBR_TABLE_OFFSET + i * MBR_ENTRY_SIZE + 4] == MBR_TYPE_GPT)
			return true;
	return false;
}

int part_scan(const struct part_io *io, struct part_table *pt)
{
	int err;

	if (!io || !pt || !io->read || !io->buf || io->sector_size < 512 || io->sectors < 2)
		return -EINVAL;
	memset(pt, 0, sizeof(*pt));
	err = io->read(io->ctx, 0, io->buf);
	if (err)
		return err;
	if (!mbr_signed(io->buf))
		return 0;
	if (mbr_is_protective(io->buf))
		return gpt_parse(io, pt);
	mbr_parse(io, pt);
	return 0;
}
