/*
 * virtio-blk over PCI, legacy (0.9.5) I/O-port transport: one virtqueue, one
 * request at a time, completion polled with a deadline. Data goes through a
 * page-allocated bounce buffer so callers may pass any kernel address.
 * (Virtio 1.2, sections 2.7, 4.1.4.8 "Legacy Interfaces" and 5.2.)
 */
#include <asm/io.h>
#include <asm/page.h>
#include <asm/tsc.h>
#include <block/blkdev.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <mm/pmm.h>
#include <pci/pci.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>

#define VIRTIO_VENDOR           0x1af4
#define VIRTIO_BLK_LEGACY_ID    0x1001

/* Legacy header registers in BAR0 (no MSI-X: device config follows at 0x14). */
#define VIO_DEVICE_FEATURES     0x00
#define VIO_GUEST_FEATURES      0x04
#define VIO_QUEUE_PFN           0x08
#define VIO_QUEUE_SIZE          0x0c
#define VIO_QUEUE_SELECT        0x0e
#define VIO_QUEUE_NOTIFY        0x10
#define VIO_DEVICE_STATUS       0x12
#define VIO_BLK_CAPACITY        0x14

#define VIO_STATUS_ACK          1
#define VIO_STATUS_DRIVER       2
#define VIO_STATUS_DRIVER_OK    4
#define VIO_STATUS_FAILED       0x80

#define VIRTIO_BLK_F_FLUSH      (1u << 9)
#define VIRTIO_BLK_T_IN         0
#define VIRTIO_BLK_T_OUT        1
#define VIRTIO_BLK_T_FLUSH      4
#define VIRTIO_BLK_S_OK         0

#define VRING_DESC_F_NEXT       1
#define VRING_DESC_F_WRITE      2
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_ALIGN             4096

#define VBLK_SECTOR             512
#define VBLK_BOUNCE_ORDER       4       /* 64 KiB per request */
#define VBLK_BOUNCE_SECTORS     ((PAGE_SIZE << VBLK_BOUNCE_ORDER) / VBLK_SECTOR)
#define VBLK_TIMEOUT_NS         5000000000ull
#define VBLK_MAX_QUEUE          1024

struct vring_desc {
	u64 addr;
	u32 len;
	u16 flags, next;
};

struct vblk_req {           /* header and status share one DMA page */
	u32 type, reserved;
	u64 sector;
	u8 status;
};

struct vblk {
	struct blkdev bd;
	u16 io, qsize;
	struct vring_desc *desc;
	volatile u16 *avail;        /* flags, idx, ring[qsize] */
	volatile u16 *used;         /* flags, idx, then {u32 id, u32 len}[qsize] */
	u16 last_used;
	struct vblk_req *req;
	u8 *bounce;
	bool has_flush;
};

static size_t vring_size(u16 q)
{
	size_t first = ALIGN_UP(16u * q + 2u * (3 + q), VRING_ALIGN);

	return first + ALIGN_UP(2u * 3 + 8u * q, VRING_ALIGN);
}

static void *vblk_alloc_pages(size_t bytes, phys_addr_t *pa)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	*pa = pmm_alloc_pages(order);
	if (*pa == PMM_NO_PAGE)
		return NULL;
	memset(phys_to_virt(*pa), 0, PAGE_SIZE << order);
	return phys_to_virt(*pa);
}

static void vblk_desc(struct vblk *v, u16 i, void *buf, u32 len, u16 flags)
{
	v->desc[i].addr = virt_to_phys(buf);
	v->desc[i].len = len;
	v->desc[i].flags = flags;
	v->desc[i].next = i + 1;
}

/* One request through descriptors 0..2 (header, data, status); polls the used ring. */
static int vblk_submit(struct vblk *v, u32 type, u64 sector, u32 bytes)
{
	unsigned long long deadline;
	u16 idx, n = 0;

	v->req->type = type;
	v->req->reserved = 0;
	v->req->sector = sector;
	v->req->status = 0xff;
	vblk_desc(v, n++, v->req, 16, VRING_DESC_F_NEXT);
	if (bytes)
		vblk_desc(v, n++, v->bounce, bytes, VRING_DESC_F_NEXT |
			  (type == VIRTIO_BLK_T_IN ? VRING_DESC_F_WRITE : 0));
	vblk_desc(v, n, &v->req->status, 1, VRING_DESC_F_WRITE);
	idx = v->avail[1];
	v->avail[2 + idx % v->qsize] = 0;
	__sync_synchronize();       /* ring entry visible before the index */
	v->avail[1] = idx + 1;
	__sync_synchronize();
	outw(v->io + VIO_QUEUE_NOTIFY, 0);
	deadline = ktime_ns() + VBLK_TIMEOUT_NS;
	while (v->used[1] == v->last_used) {
		if (ktime_ns() > deadline) {
			pr_err("virtio-blk: %s: request timed out\n", v->bd.name);
			return -EIO;
		}
		cpu_relax();
	}
	__sync_synchronize();
	v->last_used++;
	return v->req->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
}

static int vblk_read(struct blkdev *bd, u64 lba, u32 count, void *buf)
{
	struct vblk *v = bd->priv;
	u8 *p = buf;

	while (count) {
		u32 n = count < VBLK_BOUNCE_SECTORS ? count : VBLK_BOUNCE_SECTORS;
		int err = vblk_submit(v, VIRTIO_BLK_T_IN, lba, n * VBLK_SECTOR);

		if (err)
			return err;
		memcpy(p, v->bounce, n * VBLK_SECTOR);
		p += n * VBLK_SECTOR;
		lba += n;
		count -= n;
	}
	return 0;
}

static int vblk_write(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	struct vblk *v = bd->priv;
	const u8 *p = buf;

	while (count) {
		u32 n = count < VBLK_BOUNCE_SECTORS ? count : VBLK_BOUNCE_SECTORS;
		int err;

		memcpy(v->bounce, p, n * VBLK_SECTOR);
		err = vblk_submit(v, VIRTIO_BLK_T_OUT, lba, n * VBLK_SECTOR);
		if (err)
			return err;
		p += n * VBLK_SECTOR;
		lba += n;
		count -= n;
	}
	return 0;
}

static int vblk_flush(struct blkdev *bd)
{
	struct vblk *v = bd->priv;

	return v->has_flush ? vblk_submit(v, VIRTIO_BLK_T_FLUSH, 0, 0) : 0;
}

static const struct blkdev_ops vblk_ops = {
	.read  = vblk_read,
	.write = vblk_write,
	.flush = vblk_flush,
};

static int vblk_setup_queue(struct vblk *v)
{
	phys_addr_t ring, req, bounce;
	u8 *base;

	outw(v->io + VIO_QUEUE_SELECT, 0);
	v->qsize = inw(v->io + VIO_QUEUE_SIZE);
	if (v->qsize < 3 || v->qsize > VBLK_MAX_QUEUE)
		return -ENODEV;
	base = vblk_alloc_pages(vring_size(v->qsize), &ring);
	v->req = vblk_alloc_pages(PAGE_SIZE, &req);
	v->bounce = vblk_alloc_pages(PAGE_SIZE << VBLK_BOUNCE_ORDER, &bounce);
	if (!base || !v->req || !v->bounce)
		return -ENOMEM;
	v->desc = (struct vring_desc *)base;
	v->avail = (volatile u16 *)(base + 16u * v->qsize);
	v->used = (volatile u16 *)(base + ALIGN_UP(16u * v->qsize + 2u * (3 + v->qsize),
						    VRING_ALIGN));
	v->avail[0] = VRING_AVAIL_F_NO_INTERRUPT;
	outl(v->io + VIO_QUEUE_PFN, ring >> PAGE_SHIFT);
	return 0;
}

static int vblk_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vblk *v;
	u32 features;
	int err;

	(void)id;
	if (!pdev->bar[0].io || !pdev->bar[0].size)
		return -ENODEV;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	pci_enable_device(pdev);
	v->io = pdev->bar[0].base;
	outb(v->io + VIO_DEVICE_STATUS, 0);     /* reset */
	outb(v->io + VIO_DEVICE_STATUS, VIO_STATUS_ACK | VIO_STATUS_DRIVER);
	features = inl(v->io + VIO_DEVICE_FEATURES);
	v->has_flush = features & VIRTIO_BLK_F_FLUSH;
	outl(v->io + VIO_GUEST_FEATURES, features & VIRTIO_BLK_F_FLUSH);
	err = vblk_setup_queue(v);
	if (err) {
		/* Pages given to a failed device stay allocated: it may still DMA. */
		outb(v->io + VIO_DEVICE_STATUS, VIO_STATUS_FAILED);
		kfree(v);
		return err;
	}
	outb(v->io + VIO_DEVICE_STATUS, VIO_STATUS_ACK | VIO_STATUS_DRIVER |
	     VIO_STATUS_DRIVER_OK);
	blkdev_disk_name("vd", v->bd.name, sizeof(v->bd.name));
	v->bd.sector_size = VBLK_SECTOR;
	v->bd.sectors = (u64)inl(v->io + VIO_BLK_CAPACITY) |
			(u64)inl(v->io + VIO_BLK_CAPACITY + 4) << 32;
	v->bd.ops = &vblk_ops;
	v->bd.priv = v;
	pr_info("virtio-blk: %s: pci %02x:%02x.%x io %#x, queue %u%s\n", v->bd.name,
		pdev->bus, pdev->slot, pdev->func, v->io, v->qsize,
		v->has_flush ? ", flush" : "");
	pdev->drvdata = v;
	return blkdev_register(&v->bd);
}

static const struct pci_device_id vblk_ids[] = {
	{ VIRTIO_VENDOR, VIRTIO_BLK_LEGACY_ID, 0, 0 },
	{ 0, 0, 0, 0 },
};

static struct pci_driver vblk_driver = {
	.name  = "virtio-blk",
	.ids   = vblk_ids,
	.probe = vblk_probe,
};

void virtio_blk_init(void)
{
	pci_register_driver(&vblk_driver);
}
