/*
 * /proc/bus/pci as Linux lays it out (drivers/pci/proc.c): "devices" with
 * one line per function (bus+devfn, vendor+device, IRQ, the seven BAR bases
 * with their flag bits, their sizes, the bound driver), and BB/DD.F, each
 * function's 256 bytes of configuration space, where lspci finds the class.
 */
#include <lib/format.h>
#include <tessera/errno.h>
#include <pci/pci.h>
#include "internal.h"

#define CONFIG_SPACE      256          /* bytes of a conventional PCI function's config */
#define DEVFN(d)          ((unsigned int)(d)->slot << 3 | (d)->func)
#define FUNC_KEY(d)       ((long)(d)->bus << 8 | DEVFN(d))

#define LINUX_RESOURCES   7            /* six BARs and the expansion ROM */
#define BAR_IO_FLAG       0x1          /* the low bits a BAR register keeps */
#define BAR_MEM64_FLAG    0x4
#define BAR_PREFETCH_FLAG 0x8
#define NO_IRQ            0xff

static u64 bar_value(const struct pci_bar *bar)
{
	if (!bar->size)
		return 0;
	if (bar->io)
		return bar->base | BAR_IO_FLAG;
	return bar->base | (bar->is64 ? BAR_MEM64_FLAG : 0) |
	       (bar->prefetch ? BAR_PREFETCH_FLAG : 0);
}

int proc_pci_devices_show(struct proc_buf *b, int pid)
{
	for (struct pci_dev *d = pci_first_device(); d; d = d->next) {
		proc_printf(b, "%02x%02x\t%04x%04x\t%x", d->bus, DEVFN(d), d->vendor, d->device,
			    d->irq_line == NO_IRQ ? 0 : d->irq_line);
		for (int i = 0; i < LINUX_RESOURCES; i++)
			proc_printf(b, "\t%16llx", (unsigned long long)
				    (i < PCI_NUM_BARS ? bar_value(&d->bar[i]) : 0));
		for (int i = 0; i < LINUX_RESOURCES; i++)
			proc_printf(b, "\t%16llx", (unsigned long long)
				    (i < PCI_NUM_BARS ? d->bar[i].size : 0));
		proc_printf(b, "\t%s\n", d->driver ? d->driver->name : "");
	}
	return 0;
}

int proc_pci_config_show(struct proc_buf *b, int key)
{
	for (struct pci_dev *d = pci_first_device(); d; d = d->next) {
		if (FUNC_KEY(d) != key)
			continue;
		for (unsigned int off = 0; off < CONFIG_SPACE; off += 4) {
			u32 v = pci_read32(d, (u8)off);

			proc_write(b, &v, sizeof(v));       /* little-endian, as the bus is */
		}
		return 0;
	}
	return -ENODEV;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Exactly two lower-case hex digits, as Linux names buses and slots. */
static int hex2(const char *s)
{
	int hi = hex_digit(s[0]), lo = hex_digit(s[1]);

	return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
}

/* Sorted, without repeats: buses, or the functions of bus parent. */
static int pci_list(long parent, long *keys, int max, bool buses)
{
	int n = 0;

	for (struct pci_dev *d = pci_first_device(); d; d = d->next) {
		long k = buses ? d->bus : FUNC_KEY(d);
		int at = 0;

		if (!buses && d->bus != parent)
			continue;
		if (n >= max) {
			n++;                /* the caller retries with room for all */
			continue;
		}
		while (at < n && keys[at] < k)
			at++;
		if (at < n && keys[at] == k)
			continue;
		for (int j = n; j > at; j--)
			keys[j] = keys[j - 1];
		keys[at] = k;
		n++;
	}
	return n;
}

static int bus_list(long parent, long *keys, int max)
{
	return pci_list(parent, keys, max, true);
}

static int func_list(long parent, long *keys, int max)
{
	return pci_list(parent, keys, max, false);
}

static long bus_lookup(long parent, const char *name, size_t len)
{
	int bus = len == 2 ? hex2(name) : -1;

	for (struct pci_dev *d = pci_first_device(); d && bus >= 0; d = d->next)
		if (d->bus == bus)
			return bus;
	return -ENOENT;
}

/* "DD.F" in bus parent. */
static long func_lookup(long parent, const char *name, size_t len)
{
	int slot = len == 4 && name[2] == '.' ? hex2(name) : -1;
	int func = len == 4 ? hex_digit(name[3]) : -1;

	if (slot < 0 || slot > 0x1f || func < 0 || func > 7)
		return -ENOENT;
	for (struct pci_dev *d = pci_first_device(); d; d = d->next)
		if (d->bus == parent && d->slot == slot && d->func == func)
			return FUNC_KEY(d);
	return -ENOENT;
}

static void bus_name(long key, char *buf, size_t size)
{
	snprintf(buf, size, "%02lx", key);
}

static void func_name(long key, char *buf, size_t size)
{
	snprintf(buf, size, "%02lx.%lx", (key >> 3) & 0x1f, key & 7);
}

const struct proc_dyn proc_pci_bus_dyn = {
	.lookup = bus_lookup, .list = bus_list, .name = bus_name,
};

const struct proc_dyn proc_pci_func_dyn = {
	.lookup = func_lookup, .list = func_list, .name = func_name,
};
