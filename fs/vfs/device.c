/*
 * Device numbers: drivers register the file operations for a range of
 * character or block device numbers; opening a device node on any
 * filesystem (devfs, ramfs from the initramfs, ext2) finds them here.
 */
#include <fs/vfs.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include <tessera/spinlock.h>

struct device_range {
	u32 type;                /* S_IFCHR or S_IFBLK */
	kdev_t base;
	unsigned int count;
	const char *name;
	const struct file_ops *fops;
	struct list_head node;
};

static struct list_head ranges = LIST_HEAD_INIT(ranges);
static DEFINE_SPINLOCK(ranges_lock);

static struct device_range *find(u32 type, kdev_t dev)
{
	struct list_head *pos;

	list_for_each(pos, &ranges) {
		struct device_range *r = list_entry(pos, struct device_range, node);

		if (r->type == type && dev >= r->base && dev - r->base < r->count)
			return r;
	}
	return NULL;
}

static bool overlaps(u32 type, kdev_t base, unsigned int count)
{
	struct list_head *pos;

	list_for_each(pos, &ranges) {
		struct device_range *r = list_entry(pos, struct device_range, node);

		if (r->type == type && base < r->base + r->count && r->base < base + count)
			return true;
	}
	return false;
}

int register_device(u32 type, kdev_t base, unsigned int count, const char *name,
		    const struct file_ops *fops)
{
	struct device_range *r;

	if ((type != S_IFCHR && type != S_IFBLK) || !count || !fops ||
	    MINOR(base) + count - 1 > MINOR(~(kdev_t)0))
		return -EINVAL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	*r = (struct device_range){ type, base, count, name, fops, { NULL, NULL } };
	spin_lock(&ranges_lock);
	if (overlaps(type, base, count)) {
		spin_unlock(&ranges_lock);
		kfree(r);
		return -EBUSY;
	}
	list_add_tail(&r->node, &ranges);
	spin_unlock(&ranges_lock);
	return 0;
}

const struct file_ops *find_device(u32 type, kdev_t dev)
{
	const struct file_ops *fops = NULL;
	struct device_range *r;

	spin_lock(&ranges_lock);
	r = find(type, dev);
	if (r)
		fops = r->fops;
	spin_unlock(&ranges_lock);
	return fops;
}
