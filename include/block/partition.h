/*
 * MBR and GPT partition table parsing (drivers/block/partition.c). Pure: the
 * disk is read through a callback, so the host unit tests run the same code.
 */
#ifndef BLOCK_PARTITION_H
#define BLOCK_PARTITION_H

#include <tessera/types.h>

#define PART_MAX            16

enum part_scheme { PART_NONE, PART_MBR, PART_GPT };

struct part_entry {
	u64 start;              /* first sector */
	u64 sectors;
	u8 mbr_type;            /* MBR system id; 0 for GPT */
	u8 type_guid[16];       /* GPT partition type; zero for MBR */
	unsigned int index;     /* 1-based slot in the table: the n of "sda<n>" */
};

struct part_table {
	enum part_scheme scheme;
	unsigned int count;
	unsigned int rejected;  /* entries dropped: past the disk end, overlapping, empty */
	struct part_entry part[PART_MAX];
};

/* How the parser reads the disk: one sector into buf (sector_size bytes). */
struct part_io {
	int (*read)(void *ctx, u64 lba, void *buf);
	void *ctx;
	u64 sectors;
	u32 sector_size;
	u8 *buf;                /* scratch, sector_size bytes */
};

/*
 * Reads the partition table. Returns 0 with pt filled (scheme PART_NONE and
 * count 0 when the disk has no table), -EUCLEAN for a corrupt GPT (both
 * headers bad), the read callback's error, or -EINVAL for bad arguments.
 * Logical partitions inside the first MBR extended partition are numbered
 * from 5 (sda5, ...); a broken EBR chain ends the walk, counted rejected.
 */
int part_scan(const struct part_io *io, struct part_table *pt);

/* CRC-32 (IEEE 802.3, as GPT uses): crc = part_crc32(crc, p, n), start with 0. */
u32 part_crc32(u32 crc, const void *p, size_t n);

#endif
