/*
 * virtio-blk over PCI: the legacy (0.9.5) I/O-port transport of transitional
 * devices, or the modern (1.0) capability/MMIO transport of modern-only ones.
 * One virtqueue, one request at a time; the caller sleeps until the MSI-X or
 * INTx interrupt (or polls without one), with a deadline. Data goes through a
 * page-allocated bounce buffer so callers may pass any kernel address.
 * (Virtio 1.2, sections 2.7, 4.1.4.8 "Legacy Interfaces" and 5.2.)
 */
#include <asm/io.h>
#include <asm/page.h>
#include <asm/tsc.h>
#include <block/blk_wait.h>
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
#define VIRTIO_BLK_MODERN_ID    0x1042

/* Modern transport: vendor capabilities (virtio 1.2, section 4.1.4). */
#define VIRTIO_CAP_COMMON       1
#define VIRTIO_CAP_NOTIFY       2
#define VIRTIO_CAP_ISR          3
#define VIRTIO_CAP_DEVICE       4
#define VCAP_TYPE               3
#define VCAP_BAR                4
#define VCAP_OFFSET             8
#define VCAP_NOTIFY_MULT        16
#define VCOM_DFSELECT           0x00
#define VCOM_DF                 0x04
#define VCOM_GFSELECT           0x08
#define VCOM_GF                 0x0c
#define VCOM_MSIX_CONFIG        0x10
#define VCOM_STATUS             0x14
#define VCOM_Q_SELECT           0x16
#define VCOM_Q_SIZE             0x18
#define VCOM_Q_MSIX             0x1a
#define VCOM_Q_ENABLE           0x1c
#define VCOM_Q_NOTIFY_OFF       0x1e
#define VCOM_Q_DESC             0x20
#define VCOM_Q_DRIVER           0x28
#define VCOM_Q_DEVICE           0x30
#define VIRTIO_F_VERSION_1_HI   (1u << 0)       /* feature bit 32 */
#define VIO_STATUS_FEATURES_OK  8
#define VIRTIO_PCI_CAP_MAX      48              /* bounds a looping capability list */

/* Legacy header registers in BAR0; with MSI-X on, two vector registers come next. */
#define VIO_DEVICE_FEATURES     0x00
#define VIO_GUEST_FEATURES      0x04
#define VIO_QUEUE_PFN           0x08
#define VIO_QUEUE_SIZE          0x0c
#define VIO_QUEUE_SELECT        0x0e
#define VIO_QUEUE_NOTIFY        0x10
#define VIO_DEVICE_STATUS       0x12
#define VIO_ISR_STATUS          0x13
#define VIO_MSIX_CONFIG         0x14
#define VIO_MSIX_QUEUE          0x16
#define VIO_BLK_CAPACITY        0x14    /* device config without MSI-X */
#define VIO_BLK_CAPACITY_MSIX   0x18    /* ... and with it */

#define VIRTIO_MSI_NO_VECTOR    0xffff
#define VIRTIO_ISR_QUEUE        1       /* ISR status bit: the used ring moved */
#define VBLK_MSIX_ENTRY         0       /* pci_request_irq uses table entry 0 */

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
	u16 io, qsize;              /* io: legacy BAR0 port; 0 on the modern transport */
	volatile u8 *common, *devcfg, *isr;
	volatile u16 *notify;       /* modern: queue 0's notify register */
	struct vring_desc *desc;
	volatile u16 *avail;        /* flags, idx, ring[qsize] */
	volatile u16 *used;         /* flags, idx, then {u32 id, u32 len}[qsize] */
	u16 last_used;
	struct vblk_req *req;
	u8 *bounce;
	bool has_flush;
	bool stuck;                 /* a request timed out and may still complete */
	bool irq;                   /* the device interrupts when the used ring moves */
	struct pci_dev *pdev;
	struct completion done;
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

static bool vblk_used_moved(void *ctx)
{
	struct vblk *v = ctx;

	return v->used[1] != v->last_used;
}

/*
 * A request that timed out still owns descriptors 0..2 until the device
 * returns it: wait for that (one more timeout at most) before reusing them.
 */
static int vblk_unstick(struct vblk *v)
{
	if (!v->stuck)
		return 0;
	if (blk_wait(&v->done, v->irq, vblk_used_moved, v, VBLK_TIMEOUT_NS))
		return -EIO;
	__sync_synchronize();
	v->last_used++;
	v->stuck = false;
	return 0;
}

/* One request through descriptors 0..2 (header, data, status); sleeps or polls until used. */
static int vblk_submit(struct vblk *v, u32 type, u64 sector, u32 bytes)
{
	u16 idx, n = 0;

	if (vblk_unstick(v))
		return -EIO;

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
	reinit_completion(&v->done);
	__sync_synchronize();       /* ring entry visible before the index */
	v->avail[1] = idx + 1;
	__sync_synchronize();
	if (v->io)
		outw(v->io + VIO_QUEUE_NOTIFY, 0);
	else
		*v->notify = 0;
	if (blk_wait(&v->done, v->irq, vblk_used_moved, v, VBLK_TIMEOUT_NS)) {
		pr_err("virtio-blk: %s: request timed out\n", v->bd.name);
		v->stuck = true;
		return -EIO;
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
		int err = vblk_unstick(v);      /* a stuck write may still read the bounce */

		if (err)
			return err;
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

/* Allocates the ring (legacy layout, also fine for modern) and the DMA buffers. */
static int vblk_alloc_ring(struct vblk *v, phys_addr_t *ring_pa)
{
	phys_addr_t ring, req, bounce;
	u8 *base;

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
	v->avail[0] = v->irq ? 0 : VRING_AVAIL_F_NO_INTERRUPT;
	*ring_pa = ring;
	return 0;
}

/* The device refuses a vector by reading back NO_VECTOR: then poll. */
static void vblk_msix_check(struct vblk *v, u16 readback)
{
	if (readback == VBLK_MSIX_ENTRY)
		return;
	pr_warn("virtio-blk: the device refused MSI-X entry %u; polling\n", VBLK_MSIX_ENTRY);
	v->irq = false;
	v->avail[0] = VRING_AVAIL_F_NO_INTERRUPT;
}

static int vblk_setup_queue(struct vblk *v)
{
	phys_addr_t ring;
	int err;

	outw(v->io + VIO_QUEUE_SELECT, 0);
	v->qsize = inw(v->io + VIO_QUEUE_SIZE);
	err = vblk_alloc_ring(v, &ring);
	if (err)
		return err;
	outl(v->io + VIO_QUEUE_PFN, ring >> PAGE_SHIFT);
	if (v->pdev->irq_kind == PCI_IRQ_MSIX) {
		outw(v->io + VIO_MSIX_CONFIG, VIRTIO_MSI_NO_VECTOR);
		outw(v->io + VIO_MSIX_QUEUE, VBLK_MSIX_ENTRY);
		vblk_msix_check(v, inw(v->io + VIO_MSIX_QUEUE));
	}
	return 0;
}

static int vblk_legacy_init(struct pci_dev *pdev, struct vblk *v)
{
	u32 features;
	u16 cap;
	int err;

	v->io = pdev->bar[0].base;
	outb(v->io + VIO_DEVICE_STATUS, 0);     /* reset */
	outb(v->io + VIO_DEVICE_STATUS, VIO_STATUS_ACK | VIO_STATUS_DRIVER);
	features = inl(v->io + VIO_DEVICE_FEATURES);
	v->has_flush = features & VIRTIO_BLK_F_FLUSH;
	outl(v->io + VIO_GUEST_FEATURES, features & VIRTIO_BLK_F_FLUSH);
	err = vblk_setup_queue(v);
	if (err) {
		outb(v->io + VIO_DEVICE_STATUS, VIO_STATUS_FAILED);
		return err;
	}
	outb(v->io + VIO_DEVICE_STATUS, VIO_STATUS_ACK | VIO_STATUS_DRIVER |
	     VIO_STATUS_DRIVER_OK);
	cap = v->pdev->irq_kind == PCI_IRQ_MSIX ? VIO_BLK_CAPACITY_MSIX : VIO_BLK_CAPACITY;
	v->bd.sectors = (u64)inl(v->io + cap) | (u64)inl(v->io + cap + 4) << 32;
	return 0;
}

/* A capability's window: BAR base plus offset, through the (uncached) direct map. */
static volatile u8 *vblk_cap_window(struct pci_dev *pdev, u8 cap)
{
	const struct pci_bar *b = &pdev->bar[pci_read8(pdev, cap + VCAP_BAR) % PCI_NUM_BARS];
	u32 off = pci_read32(pdev, cap + VCAP_OFFSET);

	if (!b->size || b->io || off >= b->size || b->base + b->size > BOOT_DIRECT_MAP_LIMIT)
		return NULL;
	return (volatile u8 *)phys_to_virt(b->base + off);
}

/* Finds the common, notify and device-config windows. -ENODEV if any is missing. */
static int vblk_modern_caps(struct pci_dev *pdev, struct vblk *v, u32 *notify_mult)
{
	volatile u8 *notify_base = NULL;
	u8 cap;

	if (!(pci_read16(pdev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return -ENODEV;
	cap = pci_read8(pdev, PCI_CAP_PTR) & ~3;
	for (int n = 0; cap && n < VIRTIO_PCI_CAP_MAX; n++, cap = pci_read8(pdev, cap + 1) & ~3) {
		u8 type;

		if (pci_read8(pdev, cap) != PCI_CAP_ID_VNDR)
			continue;
		type = pci_read8(pdev, cap + VCAP_TYPE);
		if (type == VIRTIO_CAP_COMMON && !v->common)
			v->common = vblk_cap_window(pdev, cap);
		else if (type == VIRTIO_CAP_DEVICE && !v->devcfg)
			v->devcfg = vblk_cap_window(pdev, cap);
		else if (type == VIRTIO_CAP_ISR && !v->isr)
			v->isr = vblk_cap_window(pdev, cap);
		else if (type == VIRTIO_CAP_NOTIFY && !notify_base) {
			notify_base = vblk_cap_window(pdev, cap);
			*notify_mult = pci_read32(pdev, cap + VCAP_NOTIFY_MULT);
		}
	}
	if (!v->common || !v->devcfg || !notify_base)
		return -ENODEV;
	v->notify = (volatile u16 *)notify_base;        /* queue offset added later */
	return 0;
}

#define VCOM8(v, off)  (*(volatile u8 *)((v)->common + (off)))
#define VCOM16(v, off) (*(volatile u16 *)((v)->common + (off)))
#define VCOM32(v, off) (*(volatile u32 *)((v)->common + (off)))
#define VCOM64(v, off) (*(volatile u64 *)((v)->common + (off)))

static int vblk_modern_init(struct pci_dev *pdev, struct vblk *v)
{
	phys_addr_t ring;
	u32 features, mult = 0;
	int err = vblk_modern_caps(pdev, v, &mult);

	if (err)
		return err;
	VCOM8(v, VCOM_STATUS) = 0;
	VCOM8(v, VCOM_STATUS) = VIO_STATUS_ACK | VIO_STATUS_DRIVER;
	VCOM32(v, VCOM_DFSELECT) = 0;
	features = VCOM32(v, VCOM_DF);
	v->has_flush = features & VIRTIO_BLK_F_FLUSH;
	VCOM32(v, VCOM_GFSELECT) = 0;
	VCOM32(v, VCOM_GF) = features & VIRTIO_BLK_F_FLUSH;
	VCOM32(v, VCOM_GFSELECT) = 1;
	VCOM32(v, VCOM_GF) = VIRTIO_F_VERSION_1_HI;
	VCOM8(v, VCOM_STATUS) = VIO_STATUS_ACK | VIO_STATUS_DRIVER | VIO_STATUS_FEATURES_OK;
	if (!(VCOM8(v, VCOM_STATUS) & VIO_STATUS_FEATURES_OK))
		return -ENODEV;
	VCOM16(v, VCOM_Q_SELECT) = 0;
	v->qsize = VCOM16(v, VCOM_Q_SIZE);
	err = vblk_alloc_ring(v, &ring);
	if (err) {
		VCOM8(v, VCOM_STATUS) = VIO_STATUS_FAILED;
		return err;
	}
	VCOM64(v, VCOM_Q_DESC) = ring;
	VCOM64(v, VCOM_Q_DRIVER) = ring + ((u8 *)v->avail - (u8 *)v->desc);
	VCOM64(v, VCOM_Q_DEVICE) = ring + ((u8 *)v->used - (u8 *)v->desc);
	if (pdev->irq_kind == PCI_IRQ_MSIX) {
		VCOM16(v, VCOM_MSIX_CONFIG) = VIRTIO_MSI_NO_VECTOR;
		VCOM16(v, VCOM_Q_MSIX) = VBLK_MSIX_ENTRY;
		vblk_msix_check(v, VCOM16(v, VCOM_Q_MSIX));
	}
	v->notify = (volatile u16 *)((volatile u8 *)v->notify +
				     (u32)VCOM16(v, VCOM_Q_NOTIFY_OFF) * mult);
	VCOM16(v, VCOM_Q_ENABLE) = 1;
	VCOM8(v, VCOM_STATUS) = VIO_STATUS_ACK | VIO_STATUS_DRIVER |
				VIO_STATUS_FEATURES_OK | VIO_STATUS_DRIVER_OK;
	v->bd.sectors = *(volatile u64 *)v->devcfg;
	return 0;
}

static void vblk_log_irq(struct vblk *v)
{
	if (!v->irq) {
		pr_info("virtio-blk: %s polling (no interrupt)\n", v->bd.name);
		return;
	}
	blk_wait_irq_disk();
	if (v->pdev->irq_kind == PCI_IRQ_INTX)
		pr_info("virtio-blk: %s using INTx irq %u\n", v->bd.name, v->pdev->irq_line);
	else
		pr_info("virtio-blk: %s using MSI-X vector %u\n", v->bd.name, v->pdev->irq_vector);
}

/* With MSI-X the vector is ours; on INTx the ISR status says whether it was us (and clears). */
static void vblk_interrupt(struct pt_regs *regs, void *ctx)
{
	struct vblk *v = ctx;
	u8 isr;

	(void)regs;
	if (v->pdev->irq_kind != PCI_IRQ_MSIX) {
		isr = v->io ? inb(v->io + VIO_ISR_STATUS) : (v->isr ? *v->isr : VIRTIO_ISR_QUEUE);
		if (!(isr & VIRTIO_ISR_QUEUE))
			return;
	}
	blk_wait_irq(&v->done);
}

/* Before the transport is set up: MSI-X moves the legacy device config. */
static void vblk_request_irq(struct pci_dev *pdev, struct vblk *v)
{
	enum pci_irq_kind kind;

	init_completion(&v->done);
	v->pdev = pdev;
	kind = pci_request_irq(pdev, vblk_interrupt, v);
	v->irq = kind == PCI_IRQ_MSIX || kind == PCI_IRQ_INTX;
}

/* Legacy when the device has the legacy I/O BAR, else the modern transport. */
static int vblk_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vblk *v = kzalloc(sizeof(*v), GFP_KERNEL);
	bool legacy = id->device == VIRTIO_BLK_LEGACY_ID && pdev->bar[0].io && pdev->bar[0].size;
	int err;

	if (!v)
		return -ENOMEM;
	pci_enable_device(pdev);
	vblk_request_irq(pdev, v);
	err = legacy ? vblk_legacy_init(pdev, v) : vblk_modern_init(pdev, v);
	if (err) {
		/* v and the ring pages stay allocated: the device may still DMA or interrupt. */
		return err;
	}
	blkdev_disk_name("vd", v->bd.name, sizeof(v->bd.name));
	v->bd.sector_size = VBLK_SECTOR;
	v->bd.ops = &vblk_ops;
	v->bd.priv = v;
	if (legacy)
		pr_info("virtio-blk: %s: pci %02x:%02x.%x io %#x, queue %u%s\n", v->bd.name,
			pdev->bus, pdev->slot, pdev->func, v->io, v->qsize,
			v->has_flush ? ", flush" : "");
	else
		pr_info("virtio-blk: %s: pci %02x:%02x.%x modern, queue %u%s\n", v->bd.name,
			pdev->bus, pdev->slot, pdev->func, v->qsize,
			v->has_flush ? ", flush" : "");
	vblk_log_irq(v);
	pdev->drvdata = v;
	return blkdev_register(&v->bd);
}

static const struct pci_device_id vblk_ids[] = {
	{ VIRTIO_VENDOR, VIRTIO_BLK_LEGACY_ID, 0, 0 },
	{ VIRTIO_VENDOR, VIRTIO_BLK_MODERN_ID, 0, 0 },
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
