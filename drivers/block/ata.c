/*
 * Legacy IDE/ATA disks by PIO: both channels at the ISA ports, master and
 * slave, IDENTIFY, 28- and 48-bit LBA. Each DRQ block is waited for asleep
 * on IRQ 14/15 (polled while probing or without the line), with deadlines:
 * a silent or failing drive gives -EIO, never a hang. (ATA/ATAPI-6.)
 */
#include <asm/io.h>
#include <asm/tsc.h>
#include <block/blk_wait.h>
#include <block/blkdev.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/delay.h>
#include <tessera/errno.h>
#include <tessera/irq.h>
#include <tessera/mutex.h>
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
#define ATA_CTL_NIEN        0x02    /* no interrupts: while probing, or polling */
#define ATA_CTL_SRST        0x04    /* software reset of both drives */
#define ATA_SRST_NS         5000    /* SRST is held at least 5 us */
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
	u8 irq_line;
	bool irq;                   /* INTRQ enabled and the line is ours */
	unsigned int drives;
	struct mutex lock;          /* master and slave share the task file */
	struct completion done;
};

struct ata_drive {
	struct blkdev bd;
	struct ata_channel *ch;
	bool slave, lba48;
	char model[ATA_ID_MODEL_LEN + 1];
};

static struct ata_channel ata_channels[] = {
	{ .io = 0x1f0, .ctl = 0x3f6, .irq_line = 14 },      /* primary */
	{ .io = 0x170, .ctl = 0x376, .irq_line = 15 },      /* secondary */
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

struct ata_wait_ctx {
	const struct ata_channel *ch;
	bool want_drq;
};

/* Done when BSY is clear and DRQ is up (if wanted) or an error shows. */
static bool ata_ready(void *ctx)
{
	const struct ata_wait_ctx *w = ctx;
	u8 st = inb(w->ch->ctl);        /* the alternate status: reading it acks nothing */

	if (st == ATA_STATUS_FLOATING)
		return true;
	if (st & ATA_SR_BSY)
		return false;
	return !w->want_drq || (st & (ATA_SR_DRQ | ATA_SR_ERR | ATA_SR_DF));
}

/*
 * Waits for BSY to clear, then for DRQ if want_drq: asleep until INTRQ
 * when intrq (the drive raises it for this step) and the channel has its
 * line, else polled. 0, or -EIO on error/timeout.
 */
static int ata_wait_for(struct ata_channel *ch, bool want_drq, bool intrq)
{
	struct ata_wait_ctx w = { ch, want_drq };
	u8 st;

	if (blk_wait(&ch->done, intrq && ch->irq, ata_ready, &w, ATA_TIMEOUT_NS))
		return -EIO;
	st = ata_status(ch);            /* also acknowledges INTRQ */
	if (st == ATA_STATUS_FLOATING || (st & (ATA_SR_ERR | ATA_SR_DF)))
		return -EIO;
	return 0;
}

/* A step that ends in INTRQ: each data-in block, a command's end. */
static int ata_wait(struct ata_channel *ch, bool want_drq)
{
	return ata_wait_for(ch, want_drq, true);
}

/* Selecting a drive raises no INTRQ: polled, it takes microseconds. */
static int ata_select(struct ata_drive *d, u8 bits)
{
	struct ata_channel *ch = d->ch;
	int err = ata_wait_for(ch, false, false);

	if (err)
		return err;
	outb(ch->io + ATA_REG_DEVICE, ATA_DEV_OBS | bits | (d->slave ? ATA_DEV_SLAVE : 0));
	ata_delay400(ch);
	return ata_wait_for(ch, false, false);
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

static int ata_pio_in(struct ata_channel *ch, u16 *buf)
{
	int err;

	ata_delay400(ch);
	err = ata_wait(ch, true);
	if (err)
		return err;
	reinit_completion(&ch->done);   /* the next block's INTRQ is a new event */
	for (int i = 0; i < ATA_WORDS; i++)
		buf[i] = inw(ch->io + ATA_REG_DATA);
	return 0;
}

/* The first block of a write gets DRQ without INTRQ (PIO data-out protocol). */
static int ata_pio_out(struct ata_channel *ch, const u16 *buf, bool first)
{
	int err;

	ata_delay400(ch);
	err = ata_wait_for(ch, true, !first);
	if (err)
		return err;
	reinit_completion(&ch->done);
	for (int i = 0; i < ATA_WORDS; i++)
		outw(ch->io + ATA_REG_DATA, buf[i]);
	return 0;
}

static u32 ata_chunk(u32 count)
{
	return count < ATA_MAX_COUNT28 ? count : ATA_MAX_COUNT28;
}

static int ata_read_locked(struct ata_drive *d, u64 lba, u32 count, void *buf)
{
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

static int ata_flush_locked(struct ata_drive *d)
{
	int err = ata_select(d, 0);

	if (err)
		return err;
	outb(d->ch->io + ATA_REG_COMMAND, d->lba48 ? ATA_CMD_FLUSH_EXT : ATA_CMD_FLUSH);
	ata_delay400(d->ch);
	return ata_wait(d->ch, false);
}

static int ata_write_locked(struct ata_drive *d, u64 lba, u32 count, const void *buf)
{
	const u8 *p = buf;

	while (count) {
		u32 n = ata_chunk(count);
		int err = ata_issue(d, lba, n, ATA_CMD_WRITE, ATA_CMD_WRITE_EXT);

		for (u32 i = 0; !err && i < n; i++, p += ATA_SECTOR)
			err = ata_pio_out(d->ch, (const u16 *)p, i == 0);
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

/*
 * After a failed or timed-out command the drive may still hold DRQ with
 * data, and then refuses new commands: a software reset clears that.
 */
static void ata_recover(struct ata_channel *ch)
{
	struct ata_wait_ctx w = { ch, false };

	outb(ch->ctl, ATA_CTL_SRST | ATA_CTL_NIEN);
	ndelay_spin(ATA_SRST_NS);
	outb(ch->ctl, ch->irq ? 0 : ATA_CTL_NIEN);
	ata_delay400(ch);
	blk_wait(&ch->done, false, ata_ready, &w, ATA_TIMEOUT_NS);
	ata_status(ch);
}

/* The block layer locks each disk; master and slave also share the channel. */
static int ata_read(struct blkdev *bd, u64 lba, u32 count, void *buf)
{
	struct ata_drive *d = bd->priv;
	int err;

	mutex_lock(&d->ch->lock);
	err = ata_read_locked(d, lba, count, buf);
	if (err)
		ata_recover(d->ch);
	mutex_unlock(&d->ch->lock);
	return err;
}

static int ata_write(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	struct ata_drive *d = bd->priv;
	int err;

	mutex_lock(&d->ch->lock);
	err = ata_write_locked(d, lba, count, buf);
	if (err)
		ata_recover(d->ch);
	mutex_unlock(&d->ch->lock);
	return err;
}

static int ata_flush(struct blkdev *bd)
{
	struct ata_drive *d = bd->priv;
	int err;

	mutex_lock(&d->ch->lock);
	err = ata_flush_locked(d);
	if (err)
		ata_recover(d->ch);
	mutex_unlock(&d->ch->lock);
	return err;
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
	struct ata_channel *ch = d->ch;
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

static void ata_probe(struct ata_channel *ch, bool slave, u16 *id)
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
	else
		ch->drives++;
}

/* INTRQ acknowledged by reading the status register; the waiter checks the rest. */
static void ata_interrupt(struct pt_regs *regs, void *ctx)
{
	struct ata_channel *ch = ctx;

	(void)regs;
	ata_status(ch);
	blk_wait_irq(&ch->done);
}

/* After probing (which polls): the channel's ISA line, then nIEN off. */
static void ata_setup_irq(struct ata_channel *ch)
{
	if (!ch->drives)
		return;
	mutex_lock(&ch->lock);
	if (irq_request(ch->irq_line, ata_interrupt, ch) == 0) {
		ch->irq = true;
		outb(ch->ctl, 0);
		ata_status(ch);         /* drop an INTRQ left from probing */
		blk_wait_irq_disk();
		pr_info("ata: irq %u for channel %#x\n", ch->irq_line, ch->io);
	} else {
		pr_info("ata: channel %#x polling (irq %u is taken)\n", ch->io, ch->irq_line);
	}
	mutex_unlock(&ch->lock);
}

void ata_init(void)
{
	u16 *id = kmalloc(ATA_SECTOR, GFP_KERNEL);

	if (!id)
		return;
	for (unsigned int c = 0; c < sizeof(ata_channels) / sizeof(ata_channels[0]); c++) {
		struct ata_channel *ch = &ata_channels[c];

		mutex_init(&ch->lock);
		init_completion(&ch->done);
		ata_probe(ch, false, id);
		ata_probe(ch, true, id);
		ata_setup_irq(ch);
	}
	kfree(id);
}
