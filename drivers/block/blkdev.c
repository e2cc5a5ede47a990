/*
 * The block-device registry: disks from the drivers, their partitions as
 * sub-devices, range checks and locking around every request.
 */
#include <block/blkdev.h>
#include <block/partition.h>
#include <fs/vfs.h>             /* MKDEV, MAJOR: no VFS calls */
#include <lib/format.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/kconfig.h>
#include <tessera/printk.h>

static struct blkdev *blk_devices, **blk_tail = &blk_devices;
static void (*blk_listener)(struct blkdev *bd);
static DEFINE_MUTEX(blk_registry_lock);

struct blkdev *blkdev_first(void)
{
	return blk_devices;
}

struct blkdev *blkdev_first_disk(void)
{
	for (struct blkdev *bd = blk_devices; bd; bd = bd->next)
		if (!bd->partno)
			return bd;
	return NULL;
}

struct blkdev *blkdev_find(const char *name)
{
	for (struct blkdev *bd = blk_devices; bd; bd = bd->next)
		if (strcmp(bd->name, name) == 0)
			return bd;
	return NULL;
}

struct blkdev *blkdev_by_dev(kdev_t dev)
{
	for (struct blkdev *bd = blk_devices; bd; bd = bd->next)
		if (bd->dev == dev)
			return bd;
	return NULL;
}

/* Minors past a disk's 16 come from one shared range, as Linux's block_ext. */
static unsigned int blk_ext_minor;

static kdev_t blkdev_disk_dev(const struct blkdev *bd)
{
	size_t len = strlen(bd->name);
	unsigned int index = len == 3 ? (unsigned int)(bd->name[2] - 'a') : 0;
	unsigned int major = BLK_MAJOR_EXT;

	if (strncmp(bd->name, "sd", 2) == 0 && len == 3)
		major = BLK_MAJOR_SD;
	else if (strncmp(bd->name, "vd", 2) == 0 && len == 3)
		major = BLK_MAJOR_VD;
	if (major == BLK_MAJOR_EXT)
		return MKDEV(major, blk_ext_minor++);
	return MKDEV(major, index * BLK_MINORS_PER_DISK);
}

static kdev_t blkdev_part_dev(const struct blkdev *disk, unsigned int partno)
{
	if (MAJOR(disk->dev) != BLK_MAJOR_EXT && partno < BLK_MINORS_PER_DISK)
		return disk->dev + partno;
	return MKDEV(BLK_MAJOR_EXT, blk_ext_minor++);
}

void blkdev_disk_name(const char *prefix, char *buf, size_t len)
{
	for (char c = 'a'; c <= 'z'; c++) {
		snprintf(buf, len, "%s%c", prefix, c);
		if (!blkdev_find(buf))
			return;
	}
}

void blkdev_set_listener(void (*fn)(struct blkdev *bd))
{
	mutex_lock(&blk_registry_lock);
	blk_listener = fn;
	for (struct blkdev *bd = blk_devices; fn && bd; bd = bd->next)
		fn(bd);
	mutex_unlock(&blk_registry_lock);
}

static void blkdev_add(struct blkdev *bd)
{
	mutex_lock(&blk_registry_lock);
	bd->next = NULL;
	*blk_tail = bd;
	blk_tail = &bd->next;
	if (blk_listener)
		blk_listener(bd);
	mutex_unlock(&blk_registry_lock);
}

static struct blkdev *blk_disk(struct blkdev *bd)
{
	return bd->parent ? bd->parent : bd;
}

static int blk_check(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	if (!bd || !buf || count == 0 || lba >= bd->sectors || count > bd->sectors - lba)
		return -EINVAL;
	return 0;
}

int blk_read(struct blkdev *bd, u64 lba, u32 count, void *buf)
{
	struct blkdev *disk;
	int err = blk_check(bd, lba, count, buf);

	if (err)
		return err;
	disk = blk_disk(bd);
	mutex_lock(&disk->lock);
	err = disk->ops->read(disk, bd->start + lba, count, buf);
	mutex_unlock(&disk->lock);
	return err;
}

int blk_write(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	struct blkdev *disk;
	int err = blk_check(bd, lba, count, buf);

	if (err)
		return err;
	disk = blk_disk(bd);
	if (!disk->ops->write)
		return -EROFS;
	mutex_lock(&disk->lock);
	err = disk->ops->write(disk, bd->start + lba, count, buf);
	mutex_unlock(&disk->lock);
	return err;
}

int blk_flush(struct blkdev *bd)
{
	struct blkdev *disk;
	int err;

	if (!bd)
		return -EINVAL;
	disk = blk_disk(bd);
	if (!disk->ops->flush)
		return 0;
	mutex_lock(&disk->lock);
	err = disk->ops->flush(disk);
	mutex_unlock(&disk->lock);
	return err;
}

static int blk_part_read(void *ctx, u64 lba, void *buf)
{
	return blk_read(ctx, lba, 1, buf);
}

static void blkdev_add_partition(struct blkdev *disk, const struct part_entry *e)
{
	struct blkdev *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p) {
		pr_err("blk: %s: out of memory for partition %u\n", disk->name, e->index);
		return;
	}
	snprintf(p->name, sizeof(p->name), "%s%u", disk->name, e->index);
	p->sector_size = disk->sector_size;
	p->sectors = e->sectors;
	p->start = e->start;
	p->parent = disk;
	p->partno = e->index;
	p->dev = blkdev_part_dev(disk, e->index);
	pr_info("blk: %s: start %llu, %llu sectors (%llu MiB)\n", p->name,
		(unsigned long long)p->start, (unsigned long long)p->sectors,
		(unsigned long long)(p->sectors * p->sector_size >> 20));
	blkdev_add(p);
}

static void blkdev_scan_partitions(struct blkdev *disk)
{
	static const char *const scheme[] = { "none", "MBR", "GPT" };
	struct part_table *pt = kmalloc(sizeof(*pt), GFP_KERNEL);
	u8 *buf = kmalloc(disk->sector_size, GFP_KERNEL);
	struct part_io io = { blk_part_read, disk, disk->sectors, disk->sector_size, buf };
	int err;

	if (!pt || !buf)
		goto out;
	err = part_scan(&io, pt);
	if (err) {
		pr_warn("blk: %s: unreadable partition table (error %d), whole disk only\n",
			disk->name, err);
		goto out;
	}
	pr_info("blk: %s: %s partition table, %u partitions%s\n", disk->name,
		scheme[pt->scheme], pt->count, pt->rejected ? ", some entries rejected" : "");
	for (unsigned int i = 0; i < pt->count; i++)
		blkdev_add_partition(disk, &pt->part[i]);
out:
	kfree(pt);
	kfree(buf);
}

int blkdev_register(struct blkdev *bd)
{
	if (!bd || !bd->ops || !bd->ops->read || !bd->sectors || !bd->name[0] ||
	    (bd->sector_size != 512 && bd->sector_size != 4096))
		return -EINVAL;
	if (blkdev_find(bd->name))
		return -EEXIST;
	bd->parent = NULL;
	bd->start = 0;
	bd->partno = 0;
	bd->dev = blkdev_disk_dev(bd);
	mutex_init(&bd->lock);
	pr_info("blk: %s: %llu sectors of %u bytes (%llu MiB)\n", bd->name,
		(unsigned long long)bd->sectors, bd->sector_size,
		(unsigned long long)(bd->sectors * bd->sector_size >> 20));
	blkdev_add(bd);
	blkdev_scan_partitions(bd);
	return 0;
}

void blk_init(void)
{
	if (IS_ENABLED(CONFIG_BLK_ATA))
		ata_init();
	if (IS_ENABLED(CONFIG_BLK_VIRTIO))
		virtio_blk_init();
	if (IS_ENABLED(CONFIG_BLK_AHCI))
		ahci_init();
	if (!blkdev_first())
		pr_info("blk: no block devices\n");
}
