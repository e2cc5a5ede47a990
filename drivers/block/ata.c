/*
 * Legacy IDE/ATA disks by PIO: both channels at the ISA ports, master and
 * slave, IDENTIFY, 28- and 48-bit LBA. Polled with deadlines: a silent or
 * failing drive gives -EIO, never a hang. (ATA/ATAPI-6, T13/1410D.)
 */
#include <asm/io.h>
#include <asm/tsc.h>
#include <block/blkdev.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>

/* Task-file registers, offsets from the command block base (section 7). */
#define ATA_REG_DATA        0
#define ATA_REG_ERROR       1
#define ATA_REG_COUNT       2
#define ATA_REG_LBA0        3
#define ATA_REG_LBA1        4
#define ATA_REG_LBA2        5
#define ATA_REG_DEVICE      6
#define ATA_REG_STATUS      7
#define ATA_REG_COMMAND     7

#define ATA_SR_ERR          0x01
#define ATA_SR_DRQ          0x08
#define ATA_SR_DF           0x20
#define ATA_SR_BSY          0x80
#define ATA_CTL_NIEN        0x02    /* no interrupts: this driver polls */
#define ATA_DEV_LBA         0x40
#define ATA_DEV_OBS         0xa0    /* obsolete bits older drives want set */
#define ATA_DEV_SLAVE       0x10

#define ATA_CMD_READ        0x20
#define ATA_CMD_READ_EXT    0x24
#define ATA_CMD_WRITE       0x30
#define ATA_CMD_WRITE_EXT   0x34
#define ATA_CMD_FLUSH       0xe7
#define ATA_CMD_FLUSH_EXT   0xea
#define ATA_CMD_IDENTIFY    0xec

/* IDENTIFY DEVICE words (section 8.15). */
#define ATA_ID_MODEL        27
#define ATA_ID_MODEL_LEN    40
#define ATA_ID_CAPS         49
#define ATA_ID_CAPS_LBA     (1u << 9)
#define ATA_ID_LBA28        60
#define ATA_ID_CMDSET2      83
#define ATA_ID_CMDSET2_LBA48 (1u << 10)
#define ATA_ID_LBA48        100

#define ATA_SECTOR          512
#define ATA_WORDS           (ATA_SECTOR / 2)
#define ATA_LBA28_LIMIT     (1ull << 28)
#define ATA_MAX_COUNT28     256     /* a count register of 0 means 256 */
#define ATA_TIMEOUT_NS      2000000000ull   /* 2 s: spin-up aside, drives answer in ms */
#define ATA_STATUS_FLOATING 0xff    /* no drive pulls the bus down */

/* ATAPI and SATA signatures left in LBA1/LBA2 by a refused IDENTIFY. */
#define ATA_SIG_ATAPI       0xeb14
#define ATA_SIG_SATA        0xc33c

struct ata_channel {
	u16 io, ctl;
};

struct ata_drive {
	struct blkdev bd;
	const struct ata_channel *ch;
	bool slave, lba48;
	char model[ATA_ID_MODEL_LEN + 1];
};

static const struct ata_channel ata_channels[] = {
	{ 0x1f0, 0x3f6 },           /* primary: IRQ 14 */
	{ 0x170, 0x376 },           /* secondary: IRQ 15 */
};

static u8 ata_status(const struct ata_channel *ch)
{
	return inb(ch->io + ATA_REG_STATUS);
}

/* Reading the alternate status 4 times gives the 400 ns settle time. */
static void ata_delay400(const struct ata_channel *ch)
{
	for (int i = 0; i < 4; i++)
		inb(ch->ctl);
}

/* Waits for BSY to clear, then for DRQ if want_drq. 0, or -EIO on error/timeout. */
static int ata_wait(const struct ata_channel *ch, bool want_drq)
{
	unsigned long long deadline = ktime_ns() + ATA_TIMEOUT_NS;

	for (;;) {
		u8 st = ata_status(ch);

		if (st == ATA_STATUS_FLOATING)
			return -EIO;
		if (!(st & ATA_SR_BSY)) {
			if (st & (ATA_SR_ERR | ATA_SR_DF))
				return -EIO;
			if (!want_drq || (st & ATA_SR_DRQ))
				return 0;
		}
		if (ktime_ns() > deadline)
			return -EIO;
		cpu_relax();
	}
}

static int ata_select(struct ata_drive *d, u8 bits)
{
	const struct ata_channel *ch = d->ch;
	int err = ata_wait(ch, false);

	if (err)
		return err;
	outb(ch->io + ATA_REG_DEVICE, ATA_DEV_OBS | bits | (d->slave ? ATA_DEV_SLAVE : 0));
	ata_delay400(ch);
	return ata_wait(ch, false);
}

/* Loads count and LBA and issues cmd; count 0 means 256 (28) or 65536 (48). */
static int ata_issue(struct ata_drive *d, u64 lba, u32 count, u8 cmd28, u8 cmd48)
{
	u16 io = d->ch->io;
	int err;

	if (!d->lba48) {
		err = ata_select(d, ATA_DEV_LBA | ((lba >> 24) & 0xf));
		if (err)
			return err;
		outb(io + ATA_REG_COUNT, count & 0xff);
		outb(io + ATA_REG_LBA0, lba);
		outb(io + ATA_REG_LBA1, lba >> 8);
		outb(io + ATA_REG_LBA2, lba >> 16);
		outb(io + ATA_REG_COMMAND, cmd28);
		return 0;
	}
	err = ata_select(d, ATA_DEV_LBA);
	if (err)
		return err;
	/* 48-bit: each register is a two-deep FIFO, high byte written first. */
	outb(io + ATA_REG_COUNT, count >> 8);
	outb(io + ATA_REG_LBA0, lba >> 24);
	outb(io + ATA_REG_LBA1, lba >> 32);
	outb(io + ATA_REG_LBA2, lba >> 40);
	outb(io + ATA_REG_COUNT, count & 0xff);
	outb(io + ATA_REG_LBA0, lba);
	outb(io + ATA_REG_LBA1, lba >> 8);
	outb(io + ATA_REG_LBA2, lba >> 16);
	outb(io + ATA_REG_COMMAND, cmd48);
	return 0;
}

static int ata_pio_in(const struct ata_channel *ch, u16 *buf)
{
	int err;

	ata_delay400(ch);
	err = ata_wait(ch, true);
	if (err)
		return err;
	for (int i = 0; i < ATA_WORDS; i++)
		buf[i] = inw(ch->io + ATA_REG_DATA);
	return 0;
}

static int ata_pio_out(const struct ata_channel *ch, const u16 *buf)
{
	int err;

	ata_delay400(ch);
	err = ata_wait(ch, true);
	if (err)
		return err;
	for (int i = 0; i < ATA_WORDS; i++)
		outw(ch->io + ATA_REG_DATA, buf[i]);
	return 0;
}

static u32 ata_chunk(u32 count)
{
	return count < ATA_MAX_COUNT28 ? count : ATA_MAX_COUNT28;
}

static int ata_read(struct blkdev *bd, u64 lba, u32 count, void *buf)
{
	struct ata_drive *d = bd->priv;
	u8 *p = buf;

	while (count) {
		u32 n = ata_chunk(count);
		int err = ata_issue(d, lba, n, ATA_CMD_READ, ATA_CMD_READ_EXT);

		for (u32 i = 0; !err && i < n; i++, p += ATA_SECTOR)
			err = ata_pio_in(d->ch, (u16 *)p);
		if (err)
			return err;
		lba += n;
		count -= n;
	}
	return 0;
}

static int ata_flush(struct blkdev *bd)
{
	struct ata_drive *d = bd->priv;
	int err = ata_select(d, 0);

	if (err)
		return err;
	outb(d->ch->io + ATA_REG_COMMAND, d->lba48 ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH);
	ata_delay400(d->ch);
	return ata_wait(d->ch, false);
}

static int ata_write(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	struct ata_drive *d = bd->priv;
	const u8 *p = buf;

	while (count) {
		u32 n = ata_chunk(count);
		int err = ata_issue(d, lba, n, ATA_CMD_WRITE, ATA_CMD_WRITE_EXT);

		for (u32 i = 0; !err && i < n; i++, p += ATA_SECTOR)
			err = ata_pio_out(d->ch, (const u16 *)p);
		if (!err) {
			ata_delay400(d->ch);
			err = ata_wait(d->ch, false);
		}
		if (err)
			return err;
		lba += n;
		count -= n;
	}
	return 0;
}

static const struct blkdev_ops ata_ops = {
	.read  = ata_read,
	.write = ata_write,
	.flush = ata_flush,
};

/* IDENTIFY strings are byte-swapped per word and space-padded. */
static void ata_model(const u16 *id, char *out)
{
	int i;

	for (i = 0; i < ATA_ID_MODEL_LEN / 2; i++) {
		out[2 * i] = id[ATA_ID_MODEL + i] >> 8;
		out[2 * i + 1] = id[ATA_ID_MODEL + i] & 0xff;
	}
	for (i = ATA_ID_MODEL_LEN; i > 0 && out[i - 1] == ' '; i--)
		;
	out[i] = '\0';
}

/* 0 and id filled for an ATA disk; -ENODEV for none, ATAPI or SATA-bridged. */
static int ata_identify(struct ata_drive *d, u16 *id)
{
	const struct ata_channel *ch = d->ch;
	u16 sig;

	outb(ch->ctl, ATA_CTL_NIEN);
	if (ata_status(ch) == ATA_STATUS_FLOATING || ata_select(d, 0))
		return -ENODEV;
	outb(ch->io + ATA_REG_COUNT, 0);
	outb(ch->io + ATA_REG_LBA0, 0);
	outb(ch->io + ATA_REG_LBA1, 0);
	outb(ch->io + ATA_REG_LBA2, 0);
	outb(ch->io + ATA_REG_COMMAND, ATA_CMD_IDENTIFY);
	ata_delay400(ch);
	if (ata_status(ch) == 0)
		return -ENODEV;
	sig = inb(ch->io + ATA_REG_LBA1) | inb(ch->io + ATA_REG_LBA2) << 8;
	if (sig == ATA_SIG_ATAPI || sig == ATA_SIG_SATA)
		return -ENODEV;
	return ata_pio_in(ch, id) ? -ENODEV : 0;
}

static void ata_probe(const struct ata_channel *ch, bool slave, u16 *id)
{
	struct ata_drive *d = kzalloc(sizeof(*d), GFP_KERNEL);
	u64 sectors;

	if (!d)
		return;
	d->ch = ch;
	d->slave = slave;
	if (ata_identify(d, id) || !(id[ATA_ID_CAPS] & ATA_ID_CAPS_LBA)) {
		kfree(d);
		return;
	}
	d->lba48 = id[ATA_ID_CMDSET2] & ATA_ID_CMDSET2_LBA48;
	sectors = d->lba48 ? (u64)id[ATA_ID_LBA48] | (u64)id[ATA_ID_LBA48 + 1] << 16 |
			     (u64)id[ATA_ID_LBA48 + 2] << 32 | (u64)id[ATA_ID_LBA48 + 3] << 48
			   : (u64)id[ATA_ID_LBA28] | (u64)id[ATA_ID_LBA28 + 1] << 16;
	ata_model(id, d->model);
	blkdev_disk_name("sd", d->bd.name, sizeof(d->bd.name));
	d->bd.sector_size = ATA_SECTOR;
	d->bd.sectors = sectors;
	d->bd.ops = &ata_ops;
	d->bd.priv = d;
	pr_info("ata: %s: %#x %s, \"%s\", LBA%d\n", d->bd.name, ch->io,
		slave ? "slave" : "master", d->model, d->lba48 ? 48 : 28);
	if (blkdev_register(&d->bd))
		kfree(d);
}

void ata_init(void)
{
	u16 *id = kmalloc(ATA_SECTOR, GFP_KERNEL);

	if (!id)
		return;
	for (unsigned int c = 0; c < sizeof(ata_channels) / sizeof(ata_channels[0]); c++) {
		ata_probe(&ata_channels[c], false, id);
		ata_probe(&ata_channels[c], true, id);
	}
	kfree(id);
}
