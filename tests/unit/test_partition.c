/*
 * MBR and GPT parsing (drivers/block/partition.c) against in-memory disks:
 * valid tables, logical partitions in an extended one (and broken EBR chains),
 * entries past the end or overlapping, corrupt GPT headers and
 * entry arrays (backup header used, then -EUCLEAN), read errors, 4 KiB sectors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <block/partition.h>
#include <tessera/errno.h>

#define DISK_SECTORS 4096
#define GPT_ENTRIES  128
#define GPT_ESIZE    128

struct disk {
	uint8_t *data;
	uint32_t ss;
	uint64_t sectors;
	int64_t fail_lba;       /* -1: none */
	uint8_t buf[4096];
	struct part_io io;
};

static int disk_read(void *ctx, uint64_t lba, void *buf)
{
	struct disk *d = ctx;

	if ((int64_t)lba == d->fail_lba)
		return -EIO;
	assert_true(lba < d->sectors);
	memcpy(buf, d->data + lba * d->ss, d->ss);
	return 0;
}

static struct disk *disk_new(uint32_t ss)
{
	struct disk *d = calloc(1, sizeof(*d));

	d->ss = ss;
	d->sectors = DISK_SECTORS;
	d->data = calloc(DISK_SECTORS, ss);
	d->fail_lba = -1;
	d->io = (struct part_io){ disk_read, d, d->sectors, ss, d->buf };
	return d;
}

static void disk_free(struct disk *d)
{
	free(d->data);
	free(d);
}

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = v >> (8 * i); }
static void put64(uint8_t *p, uint64_t v) { put32(p, v); put32(p + 4, v >> 32); }

static void mbr_entry(struct disk *d, int i, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = d->data + 446 + 16 * i;

	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, count);
	d->data[510] = 0x55;
	d->data[511] = 0xaa;
}

static void gpt_entry(struct disk *d, uint64_t entry_lba, int i, uint64_t first, uint64_t last)
{
	uint8_t *e = d->data + entry_lba * d->ss + i * GPT_ESIZE;

	memset(e, 0xaf, 16);                    /* any non-zero type GUID */
	put64(e + 32, first);
	put64(e + 40, last);
}

/* A header at my_lba pointing at entries at entry_lba, both CRCs right. */
static void gpt_header(struct disk *d, uint64_t my_lba, uint64_t alt_lba, uint64_t entry_lba)
{
	uint8_t *h = d->data + my_lba * d->ss;
	uint64_t entry_sectors = GPT_ENTRIES * GPT_ESIZE / d->ss;

	memset(h, 0, d->ss);
	memcpy(h, "EFI PART", 8);
	put32(h + 8, 0x10000);
	put32(h + 12, 92);
	put64(h + 24, my_lba);
	put64(h + 32, alt_lba);
	put64(h + 40, 2 + entry_sectors);
	put64(h + 48, d->sectors - 2 - entry_sectors);
	put64(h + 72, entry_lba);
	put32(h + 80, GPT_ENTRIES);
	put32(h + 84, GPT_ESIZE);
	put32(h + 88, part_crc32(0, d->data + entry_lba * d->ss, GPT_ENTRIES * GPT_ESIZE));
	put32(h + 16, part_crc32(0, h, 92));
}

/* Protective MBR, two partitions, primary and backup headers and arrays. */
static void gpt_disk(struct disk *d)
{
	uint64_t entry_sectors = GPT_ENTRIES * GPT_ESIZE / d->ss;
	uint64_t last = d->sectors - 1, backup_entries = last - entry_sectors;

	mbr_entry(d, 0, 0xee, 1, (uint32_t)(d->sectors - 1));
	for (uint64_t at = 2; at != 0; at = at == 2 ? backup_entries : 0) {
		gpt_entry(d, at, 0, 40, 99);
		gpt_entry(d, at, 3, 100, 1999);
	}
	gpt_header(d, 1, last, 2);
	gpt_header(d, last, 1, backup_entries);
}

static void test_crc32_vector(void **state)
{
	(void)state;
	assert_int_equal(part_crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(part_crc32(part_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

static void test_no_table(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.scheme, PART_NONE);
	assert_int_equal(pt.count, 0);
	disk_free(d);
}

static void test_mbr_valid(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	mbr_entry(d, 0, 0x83, 2048, 1000);
	mbr_entry(d, 2, 0x0c, 3048, 1000);
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.scheme, PART_MBR);
	assert_int_equal(pt.count, 2);
	assert_int_equal(pt.rejected, 0);
	assert_int_equal(pt.part[0].start, 2048);
	assert_int_equal(pt.part[0].sectors, 1000);
	assert_int_equal(pt.part[0].index, 1);
	assert_int_equal(pt.part[0].mbr_type, 0x83);
	assert_int_equal(pt.part[1].index, 3);
	assert_int_equal(pt.part[1].mbr_type, 0x0c);
	disk_free(d);
}

static void test_mbr_corrupt_entries(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	mbr_entry(d, 0, 0x83, 2048, 1000);
	mbr_entry(d, 1, 0x83, 2500, 100);               /* overlaps 1 */
	mbr_entry(d, 2, 0x83, 4000, 0xffffff00u);       /* runs past the end */
	mbr_entry(d, 3, 0x05, 3500, 100);               /* extended, its EBR unsigned */
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.count, 1);
	assert_int_equal(pt.rejected, 3);
	mbr_entry(d, 0, 0x83, 0, 10);                   /* would cover the MBR */
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.count, 1);                  /* only the one at 2500 */
	assert_int_equal(pt.part[0].start, 2500);
	disk_free(d);
}

/* An EBR at lba: a logical partition at data_rel from it, a link to next_rel. */
static void ebr(struct disk *d, uint32_t lba, uint8_t type, uint32_t data_rel, uint32_t count,
		uint32_t next_rel)
{
	uint8_t *e = d->data + (uint64_t)lba * d->ss;

	memset(e, 0, d->ss);
	e[446 + 4] = type;
	put32(e + 446 + 8, data_rel);
	put32(e + 446 + 12, count);
	if (next_rel) {
		e[462 + 4] = 0x05;
		put32(e + 462 + 8, next_rel);
		put32(e + 462 + 12, 100);
	}
	e[510] = 0x55;
	e[511] = 0xaa;
}

/* Primary 1, extended 2 (2600..3999) holding logical 5 and 6. */
static struct disk *logical_disk(void)
{
	struct disk *d = disk_new(512);

	mbr_entry(d, 0, 0x83, 2048, 500);
	mbr_entry(d, 1, 0x0f, 2600, 1400);
	ebr(d, 2600, 0x83, 63, 300, 400);               /* sda5 at 2663, next EBR at 3000 */
	ebr(d, 3000, 0x0c, 2, 500, 0);                  /* sda6 at 3002, end of chain */
	return d;
}

static void test_mbr_logical(void **state)
{
	struct disk *d = logical_disk();
	struct part_table pt;

	(void)state;
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.scheme, PART_MBR);
	assert_int_equal(pt.count, 3);
	assert_int_equal(pt.rejected, 0);
	assert_int_equal(pt.part[0].index, 1);
	assert_int_equal(pt.part[1].index, 5);
	assert_int_equal(pt.part[1].start, 2663);
	assert_int_equal(pt.part[1].sectors, 300);
	assert_int_equal(pt.part[1].mbr_type, 0x83);
	assert_int_equal(pt.part[2].index, 6);
	assert_int_equal(pt.part[2].start, 3002);
	assert_int_equal(pt.part[2].mbr_type, 0x0c);
	disk_free(d);
}

static void test_mbr_logical_corrupt(void **state)
{
	struct disk *d = logical_disk();
	struct part_table pt;

	(void)state;
	ebr(d, 3000, 0x0c, 2, 500, 400);                /* links to itself: a loop */
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.count, 3);
	assert_int_equal(pt.rejected, 1);
	ebr(d, 3000, 0x0c, 2, 5000, 0);                 /* runs out of the container */
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.count, 2);
	assert_int_equal(pt.rejected, 1);
	d->fail_lba = 2600;                             /* first EBR unreadable */
	assert_int_equal(part_scan(&d->io, &pt), 0);
	assert_int_equal(pt.count, 1);                  /* the primary survives */
	assert_int_equal(pt.part[0].index, 1);
	assert_int_equal(pt.rejected, 1);
	disk_free(d);
}

static void test_read_error(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	d->fail_lba = 0;
	assert_int_equal(part_scan(&d->io, &pt), -EIO);
	d->io.sectors = 1;
	assert_int_equal(part_scan(&d->io, &pt), -EINVAL);
	disk_free(d);
}

static void check_gpt_two(const struct part_table *pt)
{
	assert_int_equal(pt->scheme, PART_GPT);
	assert_int_equal(pt->count, 2);
	assert_int_equal(pt->part[0].start, 40);
	assert_int_equal(pt->part[0].sectors, 60);
	assert_int_equal(pt->part[0].index, 1);
	assert_int_equal(pt->part[1].start, 100);
	assert_int_equal(pt->part[1].index, 4);
	assert_int_equal(pt->part[1].type_guid[0], 0xaf);
}

static void test_gpt_valid(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	gpt_disk(d);
	assert_int_equal(part_scan(&d->io, &pt), 0);
	check_gpt_two(&pt);
	disk_free(d);
}

static void test_gpt_4k_sectors(void **state)
{
	struct disk *d = disk_new(4096);
	struct part_table pt;

	(void)state;
	gpt_disk(d);
	assert_int_equal(part_scan(&d->io, &pt), 0);
	check_gpt_two(&pt);
	disk_free(d);
}

static void test_gpt_primary_header_bad(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	gpt_disk(d);
	d->data[512 + 40] ^= 1;                         /* header CRC now wrong */
	assert_int_equal(part_scan(&d->io, &pt), 0);
	check_gpt_two(&pt);
	d->data[2 * 512 + 32] ^= 1;                     /* primary entries too */
	assert_int_equal(part_scan(&d->io, &pt), 0);
	check_gpt_two(&pt);
	disk_free(d);
}

static void test_gpt_both_bad(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	gpt_disk(d);
	d->data[2 * 512 + 32] ^= 1;                                     /* primary array */
	d->data[(DISK_SECTORS - 1 - 32) * 512 + 32] ^= 1;               /* backup array */
	assert_int_equal(part_scan(&d->io, &pt), -EUCLEAN);
	assert_int_equal(pt.count, 0);
	memset(d->data + 512, 0, 512);
	memset(d->data + (DISK_SECTORS - 1) * 512, 0, 512);
	assert_int_equal(part_scan(&d->io, &pt), -EUCLEAN);
	disk_free(d);
}

/* A header with a right CRC but absurd fields is still refused. */
static void test_gpt_absurd_header(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;
	uint8_t *h;

	(void)state;
	gpt_disk(d);
	memset(d->data + (DISK_SECTORS - 1) * 512, 0, 512);            /* no backup */
	h = d->data + 512;
	put32(h + 80, 0x7fffffff);                                      /* entry count */
	put32(h + 16, 0);
	put32(h + 16, part_crc32(0, h, 92));
	assert_int_equal(part_scan(&d->io, &pt), -EUCLEAN);
	put32(h + 80, GPT_ENTRIES);
	put64(h + 72, (uint64_t)1 << 40);                               /* array past the end */
	put32(h + 16, 0);
	put32(h + 16, part_crc32(0, h, 92));
	assert_int_equal(part_scan(&d->io, &pt), -EUCLEAN);
	disk_free(d);
}

static void test_gpt_entry_outside_usable(void **state)
{
	struct disk *d = disk_new(512);
	struct part_table pt;

	(void)state;
	gpt_disk(d);
	gpt_entry(d, 2, 5, 10, 20);                     /* inside the header area */
	gpt_entry(d, 2, 6, 3000, 2000);                 /* last before first */
	gpt_entry(d, 2, 7, 50, 60);                     /* overlaps entry 1 */
	memset(d->data + (DISK_SECTORS - 1) * 512, 0, 512);
	gpt_header(d, 1, DISK_SECTORS - 1, 2);
	assert_int_equal(part_scan(&d->io, &pt), 0);
	check_gpt_two(&pt);
	assert_int_equal(pt.rejected, 3);
	disk_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32_vector),
		cmocka_unit_test(test_no_table),
		cmocka_unit_test(test_mbr_valid),
		cmocka_unit_test(test_mbr_corrupt_entries),
		cmocka_unit_test(test_mbr_logical),
		cmocka_unit_test(test_mbr_logical_corrupt),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_gpt_valid),
		cmocka_unit_test(test_gpt_4k_sectors),
		cmocka_unit_test(test_gpt_primary_header_bad),
		cmocka_unit_test(test_gpt_both_bad),
		cmocka_unit_test(test_gpt_absurd_header),
		cmocka_unit_test(test_gpt_entry_outside_usable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
