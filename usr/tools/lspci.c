/*
 * lspci: one line per PCI function, "BB:DD.F CCSS: VVVV:DDDD class name",
 * from /proc/bus/pci/devices (Linux's layout). The class is read from the
 * function's configuration space in /proc/bus/pci/BB/DD.F, which Tessera
 * and Linux both provide (on Linux without root only the first 64 bytes,
 * which hold the class).
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "ulib.h"

#define PCI_CLASS_REVISION  0x08       /* revision, prog-if, subclass, class */
#define CONFIG_HEADER       64

static const struct class_name {
	unsigned int code;             /* class << 8 | subclass; 0xff: any subclass */
	const char *name;
} class_names[] = {
	{ 0x0000, "Non-VGA unclassified device" }, { 0x0001, "VGA compatible unclassified device" },
	{ 0x0100, "SCSI storage controller" }, { 0x0101, "IDE interface" },
	{ 0x0104, "RAID bus controller" }, { 0x0105, "ATA controller" },
	{ 0x0106, "SATA controller" }, { 0x0107, "Serial Attached SCSI controller" },
	{ 0x0108, "Non-Volatile memory controller" }, { 0x01ff, "Mass storage controller" },
	{ 0x0200, "Ethernet controller" }, { 0x02ff, "Network controller" },
	{ 0x0300, "VGA compatible controller" }, { 0x0302, "3D controller" },
	{ 0x03ff, "Display controller" }, { 0x0401, "Multimedia audio controller" },
	{ 0x0403, "Audio device" }, { 0x04ff, "Multimedia controller" },
	{ 0x05ff, "Memory controller" }, { 0x0600, "Host bridge" }, { 0x0601, "ISA bridge" },
	{ 0x0604, "PCI bridge" }, { 0x06ff, "Bridge" }, { 0x0700, "Serial controller" },
	{ 0x07ff, "Communication controller" }, { 0x0800, "PIC" },
	{ 0x08ff, "System peripheral" }, { 0x09ff, "Input device controller" },
	{ 0x0c03, "USB controller" }, { 0x0c05, "SMBus" }, { 0x0cff, "Serial bus controller" },
	{ 0xffff, "Unassigned class" },
};

static const char *class_name(unsigned int cls, unsigned int sub)
{
	for (size_t i = 0; i < sizeof(class_names) / sizeof(class_names[0]); i++) {
		unsigned int c = class_names[i].code;

		if (c >> 8 == cls && ((c & 0xff) == sub || (c & 0xff) == 0xff))
			return class_names[i].name;
	}
	return "Unknown class";
}

/* Class and subclass from the config header; -1 when it cannot be read. */
static int read_class(unsigned int bus, unsigned int devfn, unsigned int *cls,
		      unsigned int *sub)
{
	unsigned char hdr[CONFIG_HEADER];
	char path[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/bus/pci/%02x/%02x.%x", bus, devfn >> 3, devfn & 7);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, hdr, sizeof(hdr));
	close(fd);
	if (n < PCI_CLASS_REVISION + 4)
		return -1;
	*sub = hdr[PCI_CLASS_REVISION + 2];
	*cls = hdr[PCI_CLASS_REVISION + 3];
	return 0;
}

int main(int argc, char **argv)
{
	FILE *f;
	unsigned int busdevfn, id;
	char rest[1024];

	u_setprog(argv[0]);
	if (argc > 1) {
		u_warnx("usage: lspci (no options)");
		return 2;
	}
	f = fopen("/proc/bus/pci/devices", "r");
	if (!f) {
		u_warn("/proc/bus/pci/devices");
		return 1;
	}
	/* Only the first two fields matter; the rest of each line is skipped. */
	while (fscanf(f, "%x %x%1023[^\n]\n", &busdevfn, &id, rest) >= 2) {
		unsigned int bus = busdevfn >> 8, devfn = busdevfn & 0xff, cls, sub;

		printf("%02x:%02x.%x ", bus, devfn >> 3, devfn & 7);
		if (read_class(bus, devfn, &cls, &sub) == 0)
			printf("%02x%02x: %04x:%04x %s\n", cls, sub, id >> 16, id & 0xffff,
			       class_name(cls, sub));
		else
			printf("????: %04x:%04x\n", id >> 16, id & 0xffff);
	}
	fclose(f);
	return 0;
}
