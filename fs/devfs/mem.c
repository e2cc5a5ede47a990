/*
 * The memory devices: /dev/null (reads end at once, writes vanish),
 * /dev/zero (reads zeros) and /dev/full (reads zeros, writes fail with
 * ENOSPC, for testing how programs handle a full disk).
 */
#include <fs/devfs.h>
#include <tessera/errno.h>

#define NULL_MINOR  3
#define ZERO_MINOR  5
#define FULL_MINOR  7

static long null_read(struct file *f, struct iobuf *b, u64 *pos)
{
	return 0;
}

static long sink_write(struct file *f, struct iobuf *b, u64 *pos)
{
	return (long)b->len;
}

static long zero_read(struct file *f, struct iobuf *b, u64 *pos)
{
	int err = iobuf_zero(b, 0, b->len);

	return err ? err : (long)b->len;
}

static long full_write(struct file *f, struct iobuf *b, u64 *pos)
{
	return -ENOSPC;
}

/* Linux lets programs seek these and always lands at 0. */
static s64 stay_at_zero(struct file *f, s64 off, int whence)
{
	f->pos = 0;
	return 0;
}

static const struct file_ops null_fops = {
	.read = null_read, .write = sink_write, .llseek = stay_at_zero,
};
static const struct file_ops zero_fops = {
	.read = zero_read, .write = sink_write, .llseek = stay_at_zero,
};
static const struct file_ops full_fops = {
	.read = zero_read, .write = full_write, .llseek = stay_at_zero,
};

static const struct {
	const char *name;
	unsigned int minor;
	const struct file_ops *fops;
} mem_devices[] = {
	{ "null", NULL_MINOR, &null_fops },
	{ "zero", ZERO_MINOR, &zero_fops },
	{ "full", FULL_MINOR, &full_fops },
};

int devfs_mem_init(void)
{
	for (unsigned int i = 0; i < sizeof(mem_devices) / sizeof(mem_devices[0]); i++) {
		kdev_t dev = MKDEV(MEM_MAJOR, mem_devices[i].minor);
		int err = register_device(S_IFCHR, dev, 1, mem_devices[i].name,
					  mem_devices[i].fops);

		if (!err)
			err = devfs_register(mem_devices[i].name, S_IFCHR | 0666, dev);
		if (err)
			return err;
	}
	return 0;
}
