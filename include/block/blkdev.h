/*
 * Block devices: the interface every disk driver implements (sector ranges,
 * flush), the registry of disks and partitions, and the hook devfs will use.
 */
#ifndef BLOCK_BLKDEV_H
#define BLOCK_BLKDEV_H

#include <tessera/mutex.h>
#include <tessera/types.h>

#define BLKDEV_NAME_MAX     16

/*
 * Device numbers as Linux gives them, so st_rdev and root= agree with a
 * Linux guest: sd (ATA and AHCI) major 8, vd (virtio_blk) 254, 16 minors per
 * disk (whole disk + 15 partitions); later partitions get major 259 minors.
 * kdev_t is the same typedef fs/vfs.h makes (C11 allows repeating it).
 */
typedef u32 kdev_t;
#define BLK_MAJOR_SD        8
#define BLK_MAJOR_VD        254
#define BLK_MAJOR_EXT       259
#define BLK_MINORS_PER_DISK 16

struct blkdev;

/*
 * What a driver provides. lba and count are in the device's sectors and were
 * range-checked by the block layer. Each call returns 0 or a negative errno:
 * -EIO for a device error or a timeout (never a hang). Calls may sleep; the
 * block layer holds the disk's lock around them, so drivers see one at a time.
 */
struct blkdev_ops {
	int (*read)(struct blkdev *bd, u64 lba, u32 count, void *buf);
	int (*write)(struct blkdev *bd, u64 lba, u32 count, const void *buf);
	int (*flush)(struct blkdev *bd);        /* NULL: no volatile cache */
};

struct blkdev {
	char name[BLKDEV_NAME_MAX];             /* "sda", "vda2" */
	u32 sector_size;                        /* bytes: 512 or 4096 */
	u64 sectors;
	const struct blkdev_ops *ops;           /* NULL for a partition */
	void *priv;                             /* the driver's */
	struct blkdev *parent;                  /* the whole disk, for a partition */
	u64 start;                              /* first sector on the parent */
	unsigned int partno;                    /* 0: a whole disk */
	kdev_t dev;                             /* set by the registry */
	struct mutex lock;                      /* serialises a whole disk's requests */
	struct blkdev *next;
};

/*
 * Adds a whole disk (partno 0, ops set, name from blkdev_disk_name) and then
 * its partitions, found by the MBR/GPT parser, as sub-devices "<name><n>".
 * Returns 0 or a negative errno; a bad partition table still registers the disk.
 */
int blkdev_register(struct blkdev *bd);

/* Fills buf with the next free name "<prefix>a", "<prefix>b", ... ("sd", "vd"). */
void blkdev_disk_name(const char *prefix, char *buf, size_t len);

/*
 * Reads/writes count sectors at lba of a disk or partition. -EINVAL for a
 * range outside the device or count 0, -EIO from the device. May sleep.
 */
int blk_read(struct blkdev *bd, u64 lba, u32 count, void *buf);
int blk_write(struct blkdev *bd, u64 lba, u32 count, const void *buf);
/* Pushes the disk's volatile write cache to the medium. */
int blk_flush(struct blkdev *bd);

struct blkdev *blkdev_find(const char *name);
/* The disk or partition with device number dev (MKDEV(8, 1) is sda1), or NULL. */
struct blkdev *blkdev_by_dev(kdev_t dev);
struct blkdev *blkdev_first(void);      /* registration order; ->next walks on */
struct blkdev *blkdev_first_disk(void);

/*
 * The devfs hook: fn is called for every device already registered and for
 * each one added later. One listener; a second call replaces it.
 */
void blkdev_set_listener(void (*fn)(struct blkdev *bd));

/* Registers the configured disk drivers (ATA, virtio-blk, AHCI). After pci_init. */
void blk_init(void);

void ata_init(void);
void virtio_blk_init(void);
void ahci_init(void);

#endif
