/*
 * SATA disks behind an AHCI controller (QEMU q35's ICH9, real PCs): one
 * command slot per port, DMA through a bounce buffer, completion by the
 * port interrupt (MSI or INTx; polled without one), with deadlines so a
 * failing or silent disk gives -EIO. (Serial ATA AHCI 1.3.1.)
 */
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

#define AHCI_ABAR           5

/* Generic host control (section 3.1). */
#define HBA_GHC             0x04
#define HBA_GHC_IE          (1u << 1)
#define HBA_GHC_AE          (1u << 31)
#define HBA_IS              0x08
#define HBA_PI              0x0c
#define HBA_PORTS_OFF       0x100
#define HBA_PORT_SIZE       0x80
#define HBA_MAX_PORTS       32

/* Port registers (section 3.3). */
#define PX_CLB              0x00
#define PX_CLBU             0x04
#define PX_FB               0x08
#define PX_FBU              0x0c
#define PX_IS               0x10
#define PX_IS_TFES          (1u << 30)
#define PX_IE               0x14
/* D2H register, PIO setup, DMA setup, set device bits, descriptor done, errors. */
#define PX_IE_DONE          0x0000002fu
#define PX_IE_ERRORS        0x7d800000u
#define PX_CMD              0x18
#define PX_CMD_ST           (1u << 0)
#define PX_CMD_FRE          (1u << 4)
#define PX_CMD_FR           (1u << 14)
#define PX_CMD_CR           (1u << 15)
#define PX_TFD              0x20
#define PX_TFD_ERR          0x01
#define PX_TFD_DRQ          0x08
#define PX_TFD_BSY          0x80
#define PX_SIG              0x24
#define PX_SIG_ATA          0x00000101u
#define PX_SSTS             0x28
#define PX_SSTS_DET_OK      3
#define PX_SERR             0x30
#define PX_CI               0x38

#define FIS_TYPE_H2D        0x27
#define FIS_H2D_CMD         0x80
#define FIS_LEN_DWORDS      5
#define CMDH_WRITE          (1u << 6)
#define ATA_DEV_LBA         0x40

#define ATA_CMD_READ_DMA_EXT    0x25
#define ATA_CMD_WRITE_DMA_EXT   0x35
#define ATA_CMD_FLUSH_EXT       0xea
#define ATA_CMD_IDENTIFY        0xec
#define ATA_ID_MODEL            27
#define ATA_ID_LBA48            100

/* One page per port: command list, received FISes, one command table. */
#define AHCI_CL_OFF         0
#define AHCI_FB_OFF         1024
#define AHCI_CT_OFF         2048
#define AHCI_PRDT_OFF       (AHCI_CT_OFF + 128)
#define AHCI_SECTOR         512
#define AHCI_BOUNCE_ORDER   4
#define AHCI_BOUNCE_SECTORS ((PAGE_SIZE << AHCI_BOUNCE_ORDER) / AHCI_SECTOR)
#define AHCI_TIMEOUT_NS     5000000000ull
#define AHCI_STOP_NS        500000000ull

struct ahci_port {
	struct blkdev bd;
	volatile u8 *regs;
	u8 *mem;                /* the port page, direct-mapped */
	phys_addr_t mem_pa;
	u8 *bounce;
	phys_addr_t bounce_pa;
	struct ahci_host *host;
	u32 irq_status;         /* PxIS bits the interrupt handler cleared */
	struct completion done;
};

struct ahci_host {
	volatile u8 *abar;
	bool irq;
	struct ahci_port *ports[HBA_MAX_PORTS];
};

static u32 px_read(const struct ahci_port *p, u32 off)
{
	return *(volatile u32 *)(p->regs + off);
}

static void px_write(const struct ahci_port *p, u32 off, u32 val)
{
	*(volatile u32 *)(p->regs + off) = val;
}

/* Waits until (reg & mask) == want; false on timeout. */
static bool px_wait(const struct ahci_port *p, u32 off, u32 mask, u32 want, u64 ns)
{
	unsigned long long deadline = ktime_ns() + ns;

	while ((px_read(p, off) & mask) != want) {
		if (ktime_ns() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

static bool ahci_port_stop(struct ahci_port *p)
{
	px_write(p, PX_CMD, px_read(p, PX_CMD) & ~PX_CMD_ST);
	if (!px_wait(p, PX_CMD, PX_CMD_CR, 0, AHCI_STOP_NS))
		return false;
	px_write(p, PX_CMD, px_read(p, PX_CMD) & ~PX_CMD_FRE);
	return px_wait(p, PX_CMD, PX_CMD_FR, 0, AHCI_STOP_NS);
}

static void ahci_fis(u8 *fis, u8 cmd, u64 lba, u32 count)
{
	memset(fis, 0, 64);
	fis[0] = FIS_TYPE_H2D;
	fis[1] = FIS_H2D_CMD;
	fis[2] = cmd;
	fis[4] = lba, fis[5] = lba >> 8, fis[6] = lba >> 16;
	fis[7] = ATA_DEV_LBA;
	fis[8] = lba >> 24, fis[9] = lba >> 32, fis[10] = lba >> 40;
	fis[12] = count, fis[13] = count >> 8;
}

static u32 ahci_port_status(struct ahci_port *p)
{
	return px_read(p, PX_IS) | __atomic_load_n(&p->irq_status, __ATOMIC_ACQUIRE);
}

static bool ahci_slot_done(void *ctx)
{
	struct ahci_port *p = ctx;

	return !(px_read(p, PX_CI) & 1) || (ahci_port_status(p) & PX_IS_TFES);
}

/* Sleeps (or polls) until the HBA clears slot 0; a task-file error or the deadline is -EIO. */
static int ahci_complete(struct ahci_port *p, u8 cmd)
{
	int err = blk_wait(&p->done, p->host->irq, ahci_slot_done, p, AHCI_TIMEOUT_NS);

	if (err || (px_read(p, PX_CI) & 1) || (ahci_port_status(p) & PX_IS_TFES)) {
		pr_err("ahci: %s: command %#x failed, tfd %#x\n", p->bd.name, cmd,
		       px_read(p, PX_TFD));
		return -EIO;
	}
	__sync_synchronize();
	return (px_read(p, PX_TFD) & PX_TFD_ERR) ? -EIO : 0;
}

/* A command that timed out may still hold the slot (and DMA the bounce buffer). */
static bool ahci_slot_free(struct ahci_port *p)
{
	return px_wait(p, PX_CI, 1, 0, AHCI_TIMEOUT_NS);
}

/* Runs one command in slot 0 with bytes of the bounce buffer as its data. */
static int ahci_exec(struct ahci_port *p, u8 cmd, u64 lba, u32 count, u32 bytes, bool write)
{
	u32 *hdr = (u32 *)(p->mem + AHCI_CL_OFF);
	u32 *prd = (u32 *)(p->mem + AHCI_PRDT_OFF);
	phys_addr_t ct = p->mem_pa + AHCI_CT_OFF;

	if (!ahci_slot_free(p) || !px_wait(p, PX_TFD, PX_TFD_BSY | PX_TFD_DRQ, 0, AHCI_TIMEOUT_NS))
		return -EIO;
	ahci_fis(p->mem + AHCI_CT_OFF, cmd, lba, count);
	hdr[0] = FIS_LEN_DWORDS | (write ? CMDH_WRITE : 0) | (bytes ? 1u << 16 : 0);
	hdr[1] = 0;
	hdr[2] = (u32)ct, hdr[3] = (u32)(ct >> 32);
	prd[0] = (u32)p->bounce_pa, prd[1] = (u32)(p->bounce_pa >> 32), prd[2] = 0;
	prd[3] = bytes ? bytes - 1 : 0;
	px_write(p, PX_IS, ~0u);
	__atomic_store_n(&p->irq_status, 0, __ATOMIC_RELEASE);
	reinit_completion(&p->done);
	__sync_synchronize();
	px_write(p, PX_CI, 1);
	return ahci_complete(p, cmd);
}

static int ahci_read(struct blkdev *bd, u64 lba, u32 count, void *buf)
{
	struct ahci_port *p = bd->priv;
	u8 *out = buf;

	while (count) {
		u32 n = count < AHCI_BOUNCE_SECTORS ? count : AHCI_BOUNCE_SECTORS;
		int err = ahci_exec(p, ATA_CMD_READ_DMA_EXT, lba, n, n * AHCI_SECTOR, false);

		if (err)
			return err;
		memcpy(out, p->bounce, n * AHCI_SECTOR);
		out += n * AHCI_SECTOR, lba += n, count -= n;
	}
	return 0;
}

static int ahci_write(struct blkdev *bd, u64 lba, u32 count, const void *buf)
{
	struct ahci_port *p = bd->priv;
	const u8 *in = buf;

	while (count) {
		u32 n = count < AHCI_BOUNCE_SECTORS ? count : AHCI_BOUNCE_SECTORS;
		int err;

		if (!ahci_slot_free(p))
			return -EIO;
		memcpy(p->bounce, in, n * AHCI_SECTOR);
		err = ahci_exec(p, ATA_CMD_WRITE_DMA_EXT, lba, n, n * AHCI_SECTOR, true);
		if (err)
			return err;
		in += n * AHCI_SECTOR, lba += n, count -= n;
	}
	return 0;
}

static int ahci_flush(struct blkdev *bd)
{
	return ahci_exec(bd->priv, ATA_CMD_FLUSH_EXT, 0, 0, 0, false);
}

static const struct blkdev_ops ahci_ops = {
	.read  = ahci_read,
	.write = ahci_write,
	.flush = ahci_flush,
};

static void ahci_model(const u16 *id, char *out, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < 20 && n + 2 < len; i++) {
		out[n++] = id[ATA_ID_MODEL + i] >> 8;
		out[n++] = id[ATA_ID_MODEL + i] & 0xff;
	}
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

static int ahci_port_start(struct ahci_port *p)
{
	if (!ahci_port_stop(p))
		return -EIO;
	px_write(p, PX_CLB, (u32)(p->mem_pa + AHCI_CL_OFF));
	px_write(p, PX_CLBU, (u32)((p->mem_pa + AHCI_CL_OFF) >> 32));
	px_write(p, PX_FB, (u32)(p->mem_pa + AHCI_FB_OFF));
	px_write(p, PX_FBU, (u32)((p->mem_pa + AHCI_FB_OFF) >> 32));
	px_write(p, PX_SERR, ~0u);
	px_write(p, PX_IS, ~0u);
	px_write(p, PX_IE, p->host->irq ? PX_IE_DONE | PX_IE_ERRORS : 0);
	px_write(p, PX_CMD, px_read(p, PX_CMD) | PX_CMD_FRE);
	px_write(p, PX_CMD, px_read(p, PX_CMD) | PX_CMD_ST);
	return 0;
}

static void ahci_port_probe(struct pci_dev *pdev, struct ahci_host *h, unsigned int i)
{
	struct ahci_port *p = kzalloc(sizeof(*p), GFP_KERNEL);
	char model[41];
	const u16 *id;

	if (!p)
		return;
	p->host = h;
	init_completion(&p->done);
	p->regs = h->abar + HBA_PORTS_OFF + i * HBA_PORT_SIZE;
	if ((px_read(p, PX_SSTS) & 0xf) != PX_SSTS_DET_OK || px_read(p, PX_SIG) != PX_SIG_ATA)
		goto out;
	p->mem_pa = pmm_alloc_pages(0);
	p->bounce_pa = pmm_alloc_pages(AHCI_BOUNCE_ORDER);
	if (p->mem_pa == PMM_NO_PAGE || p->bounce_pa == PMM_NO_PAGE)
		goto out;          /* pages are kept: the port may have been started */
	p->mem = phys_to_virt(p->mem_pa);
	p->bounce = phys_to_virt(p->bounce_pa);
	memset(p->mem, 0, PAGE_SIZE);
	h->ports[i] = p;            /* the interrupt handler may see it from here */
	if (ahci_port_start(p) || ahci_exec(p, ATA_CMD_IDENTIFY, 0, 0, AHCI_SECTOR, false))
		goto stop;
	id = (const u16 *)p->bounce;
	ahci_model(id, model, sizeof(model));
	blkdev_disk_name("sd", p->bd.name, sizeof(p->bd.name));
	p->bd.sector_size = AHCI_SECTOR;
	p->bd.sectors = (u64)id[ATA_ID_LBA48] | (u64)id[ATA_ID_LBA48 + 1] << 16 |
			(u64)id[ATA_ID_LBA48 + 2] << 32 | (u64)id[ATA_ID_LBA48 + 3] << 48;
	p->bd.ops = &ahci_ops;
	p->bd.priv = p;
	pr_info("ahci: %s: pci %02x:%02x.%x port %u, \"%s\"\n", p->bd.name, pdev->bus,
		pdev->slot, pdev->func, i, model);
	if (blkdev_register(&p->bd) == 0)
		return;
stop:
	px_write(p, PX_IE, 0);
	h->ports[i] = NULL;
out:
	kfree(p);
}

/* Clears each interrupting port's PxIS (kept for ahci_complete), then the HBA's IS bits. */
static void ahci_interrupt(struct pt_regs *regs, void *ctx)
{
	struct ahci_host *h = ctx;
	u32 is = *(volatile u32 *)(h->abar + HBA_IS);

	(void)regs;
	for (unsigned int i = 0; i < HBA_MAX_PORTS; i++) {
		volatile u32 *pis = (volatile u32 *)(h->abar + HBA_PORTS_OFF + i * HBA_PORT_SIZE + PX_IS);
		struct ahci_port *p = h->ports[i];
		u32 st;

		if (!(is & (1u << i)))
			continue;
		st = *pis;
		*pis = st;
		if (!p)
			continue;
		__atomic_or_fetch(&p->irq_status, st, __ATOMIC_RELEASE);
		blk_wait_irq(&p->done);
	}
	*(volatile u32 *)(h->abar + HBA_IS) = is;
}

static void ahci_setup_irq(struct pci_dev *pdev, struct ahci_host *h)
{
	enum pci_irq_kind kind = pci_request_irq(pdev, ahci_interrupt, h);

	h->irq = kind != PCI_IRQ_NONE;
	if (!h->irq) {
		pr_info("ahci: %02x:%02x.%x polling (no interrupt)\n", pdev->bus, pdev->slot,
			pdev->func);
		return;
	}
	*(volatile u32 *)(h->abar + HBA_IS) = ~0u;
	*(volatile u32 *)(h->abar + HBA_GHC) |= HBA_GHC_IE;
	blk_wait_irq_disk();
	if (kind == PCI_IRQ_INTX)
		pr_info("ahci: %02x:%02x.%x using INTx irq %u\n", pdev->bus, pdev->slot,
			pdev->func, pdev->irq_line);
	else
		pr_info("ahci: %02x:%02x.%x using %s vector %u\n", pdev->bus, pdev->slot,
			pdev->func, pci_irq_kind_name(kind), pdev->irq_vector);
}

static int ahci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct pci_bar *bar = &pdev->bar[AHCI_ABAR];
	struct ahci_host *h;
	u32 pi;

	(void)id;
	if (!bar->size || bar->io || bar->base + bar->size > BOOT_DIRECT_MAP_LIMIT)
		return -ENODEV;         /* the direct map (uncached for MMIO) covers below 4 GiB */
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	pci_enable_device(pdev);
	h->abar = phys_to_virt(bar->base);
	*(volatile u32 *)(h->abar + HBA_GHC) |= HBA_GHC_AE;
	ahci_setup_irq(pdev, h);    /* h stays allocated from here: the handler has it */
	pi = *(volatile u32 *)(h->abar + HBA_PI);
	for (unsigned int i = 0; i < HBA_MAX_PORTS; i++)
		if (pi & (1u << i))
			ahci_port_probe(pdev, h, i);
	pdev->drvdata = h;
	return 0;
}

static const struct pci_device_id ahci_ids[] = {
	{ PCI_ANY_ID, PCI_ANY_ID, 0x010601, 0xffffff },    /* SATA, AHCI 1.0 interface */
	{ 0, 0, 0, 0 },
};

static struct pci_driver ahci_driver = {
	.name  = "ahci",
	.ids   = ahci_ids,
	.probe = ahci_probe,
};

void ahci_init(void)
{
	pci_register_driver(&ahci_driver);
}
