/*
 * The "proc" filesystem type and its tree: a fixed table of entries, some
 * of them dynamic (one directory per process, per PCI bus and function)
 * that lookup and getdents ask their owner about. Inodes are built when
 * looked up and freed when unused; nothing else is stored.
 */
#include <lib/format.h>
#include <lib/string.h>
#include <mm/heap.h>
#include <tessera/errno.h>
#include "internal.h"

#define PROC_SUPER_MAGIC  0x9fa0          /* Linux's, for statfs */
#define PROC_DYN_POS      0x10000         /* getdents positions of dynamic names: + key */
#define PROC_INDEX_MASK   ((1u << PROC_KEY_SHIFT) - 1)
#define DYN_FIRST_KEYS    64

#define FILE_MODE  (S_IFREG | 0444)
#define DIR_MODE   (S_IFDIR | 0555)
#define LINK_MODE  (S_IFLNK | 0777)
#define PROCS      IS_ENABLED(CONFIG_PROCESSES)
#define PCI        IS_ENABLED(CONFIG_PCI)

enum {
	E_ROOT, E_MEMINFO, E_UPTIME, E_INTERRUPTS, E_CPUINFO, E_MOUNTS, E_FILESYSTEMS,
	E_VERSION, E_CONFIG, E_SCHED, E_SELF, E_BUS, E_BUS_PCI, E_PCI_DEVICES, E_PCI_BUS,
	E_PCI_FUNC, E_PID, E_PID_STAT, E_PID_STATUS, E_PID_CMDLINE, E_PID_MAPS, E_COUNT,
};

/* Several directories hold exactly one dynamic entry; none holds two. */
static const struct proc_entry entries[E_COUNT] = {
	[E_ROOT] = { "", DIR_MODE, E_COUNT, false, NULL, NULL },
	[E_MEMINFO] = { "meminfo", FILE_MODE, E_ROOT, false, proc_meminfo_show, NULL },
	[E_UPTIME] = { "uptime", FILE_MODE, E_ROOT, false, proc_uptime_show, NULL },
	[E_INTERRUPTS] = { "interrupts", FILE_MODE, E_ROOT, false, proc_interrupts_show, NULL },
	[E_CPUINFO] = { "cpuinfo", FILE_MODE, E_ROOT, false, proc_cpuinfo_show, NULL },
	[E_MOUNTS] = { "mounts", FILE_MODE, E_ROOT, false, proc_mounts_show, NULL },
	[E_FILESYSTEMS] = { "filesystems", FILE_MODE, E_ROOT, false, proc_filesystems_show, NULL },
	[E_VERSION] = { "version", FILE_MODE, E_ROOT, false, proc_version_show, NULL },
	[E_CONFIG] = { "config", FILE_MODE, E_ROOT, !IS_ENABLED(CONFIG_FS_PROC_CONFIG),
		       IS_ENABLED(CONFIG_FS_PROC_CONFIG) ? proc_config_show : NULL, NULL },
	[E_SCHED] = { "sched", FILE_MODE, E_ROOT, false, proc_sched_show, NULL },
	[E_SELF] = { "self", LINK_MODE, E_ROOT, !PROCS, PROCS ? proc_self_link : NULL, NULL },
	[E_BUS] = { "bus", DIR_MODE, E_ROOT, !PCI, NULL, NULL },
	[E_BUS_PCI] = { "pci", DIR_MODE, E_BUS, !PCI, NULL, NULL },
	[E_PCI_DEVICES] = { "devices", FILE_MODE, E_BUS_PCI, !PCI,
			    PCI ? proc_pci_devices_show : NULL, NULL },
	[E_PCI_BUS] = { NULL, DIR_MODE, E_BUS_PCI, !PCI, NULL, PCI ? &proc_pci_bus_dyn : NULL },
	[E_PCI_FUNC] = { NULL, FILE_MODE, E_PCI_BUS, !PCI, PCI ? proc_pci_config_show : NULL,
			 PCI ? &proc_pci_func_dyn : NULL },
	[E_PID] = { NULL, DIR_MODE, E_ROOT, !PROCS, NULL, PROCS ? &proc_pid_dyn : NULL },
	[E_PID_STAT] = { "stat", FILE_MODE, E_PID, !PROCS, PROCS ? proc_pid_stat : NULL, NULL },
	[E_PID_STATUS] = { "status", FILE_MODE, E_PID, !PROCS, PROCS ? proc_pid_status : NULL,
			   NULL },
	[E_PID_CMDLINE] = { "cmdline", FILE_MODE, E_PID, !PROCS,
			    PROCS ? proc_pid_cmdline : NULL, NULL },
	[E_PID_MAPS] = { "maps", FILE_MODE, E_PID, !PROCS, PROCS ? proc_pid_maps : NULL, NULL },
};

static const struct inode_ops proc_dir_iops;
static const struct inode_ops proc_link_iops;
static const struct file_ops proc_dir_fops;

static unsigned int entry_index(const struct inode *inode)
{
	return (unsigned int)(inode->ino & PROC_INDEX_MASK) - 1;
}

static long entry_key(const struct inode *inode)
{
	return (long)(inode->ino >> PROC_KEY_SHIFT);
}

static u64 make_ino(unsigned int index, long key)
{
	return ((u64)key << PROC_KEY_SHIFT) | (index + 1);
}

/* The inode for entries[index] (instance key), with a reference. Namespace lock held. */
static struct inode *proc_inode(struct super_block *sb, unsigned int index, long key)
{
	const struct proc_entry *e = &entries[index];
	struct inode *inode = inode_find(sb, make_ino(index, key));

	if (inode)
		return inode;
	inode = new_inode(sb, make_ino(index, key));
	if (!inode)
		return NULL;
	inode->mode = e->mode;
	inode->priv = (void *)e;
	if (S_ISDIR(e->mode)) {
		inode->nlink = 2;
		inode->iops = &proc_dir_iops;
		inode->fops = &proc_dir_fops;
	} else if (S_ISLNK(e->mode)) {
		inode->iops = &proc_link_iops;
	} else {
		inode->fops = &proc_file_ops;
	}
	return inode;
}

static bool child_of(unsigned int i, unsigned int dir)
{
	return entries[i].parent == dir && !entries[i].off;
}

static int proc_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	unsigned int index = entry_index(dir);
	long key = entry_key(dir);

	for (unsigned int i = 0; i < E_COUNT; i++) {
		const struct proc_entry *e = &entries[i];
		long k = key;

		if (!child_of(i, index))
			continue;
		if (e->dyn)
			k = e->dyn->lookup(key, name, len);
		else if (strlen(e->name) != len || memcmp(e->name, name, len) != 0)
			continue;
		if (k < 0)
			continue;
		*out = proc_inode(dir->sb, i, k);
		return *out ? 0 : -ENOMEM;
	}
	return -ENOENT;
}

static unsigned int dtype(u32 mode)
{
	return S_ISDIR(mode) ? DT_DIR : S_ISLNK(mode) ? DT_LNK : DT_REG;
}

/* The instances of entries[i] under key, at position PROC_DYN_POS + their key. */
static int iterate_dyn(unsigned int i, long key, struct dir_context *ctx)
{
	const struct proc_dyn *dyn = entries[i].dyn;
	int max = DYN_FIRST_KEYS, n;
	long *keys;

	for (;;) {
		keys = kmalloc(max * sizeof(*keys), GFP_KERNEL);
		if (!keys)
			return -ENOMEM;
		n = dyn->list(key, keys, max);
		if (n <= max)
			break;
		kfree(keys);
		max = n + DYN_FIRST_KEYS / 4;  /* more appeared meanwhile: some slack */
	}
	for (int j = 0; j < n; j++) {
		char name[PROC_NAME_LEN];

		if (PROC_DYN_POS + (u64)keys[j] < ctx->pos)
			continue;
		dyn->name(keys[j], name, sizeof(name));
		if (!ctx->emit(ctx, name, strlen(name), make_ino(i, keys[j]), dtype(entries[i].mode)))
			break;
		ctx->pos = PROC_DYN_POS + (u64)keys[j] + 1;
	}
	kfree(keys);
	return 0;
}

/* Positions: 0 ".", 1 "..", 2 + index for fixed names, then the dynamic ones. */
static int proc_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	unsigned int index = entry_index(dir), dyn = E_COUNT;
	long key = entry_key(dir);

	if (!vfs_emit_dots(f, ctx, 2))
		return 0;
	for (unsigned int i = 0; i < E_COUNT; i++) {
		const struct proc_entry *e = &entries[i];

		if (!child_of(i, index))
			continue;
		if (e->dyn) {
			dyn = i;
			continue;
		}
		if (ctx->pos > i + 2)
			continue;
		if (!ctx->emit(ctx, e->name, strlen(e->name), make_ino(i, key), dtype(e->mode)))
			return 0;
		ctx->pos = i + 3;
	}
	if (dyn == E_COUNT)
		return 0;
	if (ctx->pos < PROC_DYN_POS)
		ctx->pos = PROC_DYN_POS;
	return iterate_dyn(dyn, key, ctx);
}

static long proc_readlink(struct inode *inode, char *buf, size_t size)
{
	const struct proc_entry *e = inode->priv;
	struct proc_buf b = { 0 };
	int err = proc_generate(&b, e->show, (int)entry_key(inode));
	size_t n;

	if (err)
		return err;
	n = b.len < size ? b.len : size;
	memcpy(buf, b.data, n);
	kfree(b.data);
	return (long)n;
}

static const struct inode_ops proc_dir_iops = { .lookup = proc_lookup };
static const struct inode_ops proc_link_iops = { .readlink = proc_readlink };
static const struct file_ops proc_dir_fops = { .iterate = proc_iterate };

/*
 * One instance, like devfs: the kernel mounts it on /proc at boot, so an
 * init that mounts it again gets -EBUSY (which it takes as "already there")
 * instead of a second copy stacked on the first. Namespace lock.
 */
static struct super_block *proc_sb;

static void proc_put_super(struct super_block *sb)
{
	proc_sb = NULL;
}

static const struct super_ops proc_super_ops = { .put_super = proc_put_super };

/* Called with the namespace lock held (vfs_mount). */
static int proc_mount(struct fs_type *type, const struct mount_args *args,
		      struct super_block **out)
{
	struct super_block *sb;
	struct inode *root;
	int err;

	if (proc_sb)
		return -EBUSY;
	sb = sb_alloc(type, &proc_super_ops);
	if (!sb)
		return -ENOMEM;
	sb->magic = PROC_SUPER_MAGIC;
	root = proc_inode(sb, E_ROOT, 0);
	err = root ? sb_set_root(sb, root) : -ENOMEM;
	if (err) {
		iput(root);
		sb_free(sb);
		return err;
	}
	proc_sb = sb;
	*out = sb;
	return 0;
}

static struct fs_type proc_type = {
	.name = "proc",
	.mount = proc_mount,
};

int procfs_init(void)
{
	return register_filesystem(&proc_type);
}
