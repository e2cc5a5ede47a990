/*
 * Unpacks the initramfs into the root: validates the whole archive first
 * (a damaged one leaves the root empty rather than half-filled), then
 * makes every entry through the VFS, creating missing parent directories
 * and joining newc hard links by (device, inode).
 */
#include <fs/cpio.h>
#include <fs/initramfs.h>
#include <fs/vfs.h>
#include <mm/heap.h>
#include <asm/page.h>
#include <tessera/bootinfo.h>
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <lib/string.h>

#define PARENT_MODE  0755

/* A file with several names: the first name made, to link the others to. */
struct hardlink {
	struct hardlink *next;
	u32 devmajor, devminor, ino;
	char path[];
};

struct unpack {
	const char *dest;
	char *path;                  /* PATH_MAX bytes: dest + "/" + entry */
	struct hardlink *links;
	struct initramfs_stats *st;
};

static const char *find_link(struct unpack *u, const struct cpio_entry *e)
{
	for (struct hardlink *h = u->links; h; h = h->next)
		if (h->ino == e->ino && h->devmajor == e->devmajor && h->devminor == e->devminor)
			return h->path;
	return NULL;
}

static void remember_link(struct unpack *u, const struct cpio_entry *e)
{
	size_t len = strlen(u->path) + 1;
	struct hardlink *h = kmalloc(sizeof(*h) + len, GFP_KERNEL);

	if (!h)
		return;                 /* later names become copies, not links */
	h->devmajor = e->devmajor;
	h->devminor = e->devminor;
	h->ino = e->ino;
	memcpy(h->path, u->path, len);
	h->next = u->links;
	u->links = h;
}

static int write_data(const char *path, const struct cpio_entry *e, unsigned int flags)
{
	struct file *f;
	long n = 0;
	int err = vfs_open(&init_fs, NULL, path, O_WRONLY | O_TRUNC | flags, e->mode & 07777, &f);

	if (err)
		return err;
	if (e->size)
		n = kernel_write(f, e->data, e->size, 0);
	file_put(f);
	if (n < 0)
		return (int)n;
	return (size_t)n == e->size ? 0 : -ENOSPC;
}

static int make_file(struct unpack *u, const struct cpio_entry *e)
{
	const char *first = e->nlink > 1 ? find_link(u, e) : NULL;
	int err;

	if (first) {
		err = vfs_link(&init_fs, NULL, first, NULL, u->path, 0);
		if (!err && e->size)    /* newc stores a linked file's data with its last name */
			err = write_data(u->path, e, 0);
	} else {
		err = write_data(u->path, e, O_CREAT);
		if (!err && e->nlink > 1)
			remember_link(u, e);
	}
	if (!err)
		u->st->bytes += e->size;
	return err;
}

static int make_symlink(struct unpack *u, const struct cpio_entry *e)
{
	char *target = kmalloc(e->size + 1, GFP_KERNEL);
	int err;

	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	err = strlen(target) == e->size ? vfs_symlink(&init_fs, target, NULL, u->path) : -EINVAL;
	kfree(target);
	return err;
}

static int make_entry(struct unpack *u, const struct cpio_entry *e)
{
	u32 type = e->mode & S_IFMT;

	if (type == S_IFDIR) {
		int err = vfs_mkdir(&init_fs, NULL, u->path, e->mode);

		return err == -EEXIST ? 0 : err;    /* an earlier entry made it as a parent */
	}
	if (type == S_IFREG)
		return make_file(u, e);
	if (type == S_IFLNK)
		return make_symlink(u, e);
	if (e->rdevmajor >= (1u << (32 - MINORBITS)) || e->rdevminor >= (1u << MINORBITS))
		return -EINVAL;
	return vfs_mknod(&init_fs, NULL, u->path, e->mode, MKDEV(e->rdevmajor, e->rdevminor));
}

/* mkdir -p of everything above the last '/' of u->path. */
static void make_parents(struct unpack *u)
{
	size_t skip = strlen(u->dest);

	for (char *p = u->path + skip + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		vfs_mkdir(&init_fs, NULL, u->path, PARENT_MODE);
		*p = '/';
	}
}

/* Exact permissions (creation applied the umask), owner and modification time. */
static void set_attrs(struct unpack *u, const struct cpio_entry *e)
{
	struct iattr ia = {
		.valid = ATTR_UID | ATTR_GID | ATTR_MTIME | ATTR_ATIME,
		.uid = e->uid, .gid = e->gid,
		.mtime = { e->mtime, 0 }, .atime = { e->mtime, 0 },
	};

	if (!S_ISLNK(e->mode)) {
		ia.valid |= ATTR_MODE;
		ia.mode = e->mode;
	}
	vfs_setattr(&init_fs, NULL, u->path, AT_SYMLINK_NOFOLLOW, &ia);
}

static void count(struct initramfs_stats *st, u32 mode)
{
	if (S_ISREG(mode))
		st->files++;
	else if (S_ISDIR(mode))
		st->dirs++;
	else if (S_ISLNK(mode))
		st->symlinks++;
	else
		st->nodes++;
}

static void unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	size_t dlen = strlen(u->dest);
	int err;

	if (!*e->path)
		return;                 /* "." : the destination itself */
	if (dlen + 1 + strlen(e->path) + 1 > PATH_MAX) {
		err = -ENAMETOOLONG;
		goto fail;
	}
	memcpy(u->path, u->dest, dlen);
	u->path[dlen] = '/';
	memcpy(u->path + dlen + 1, e->path, strlen(e->path) + 1);
	err = make_entry(u, e);
	if (err == -ENOENT) {
		make_parents(u);
		err = make_entry(u, e);
	}
	if (!err) {
		set_attrs(u, e);
		count(u->st, e->mode);
		return;
	}
fail:
	u->st->errors++;
	pr_warn("initramfs: %s: error %d, skipped\n", e->name, err);
}

static int validate(const void *buf, size_t len, size_t *bad_offset)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;

	cpio_iter_init(&it, buf, len);
	while ((r = cpio_next(&it, &e)) > 0)
		;
	if (r < 0)
		*bad_offset = it.err_offset;
	return r;
}

int initramfs_unpack(const void *buf, size_t len, const char *dest,
		     struct initramfs_stats *st, size_t *bad_offset)
{
	struct unpack u = { .st = st };
	struct cpio_iter it;
	struct cpio_entry e;
	int err;

	memset(st, 0, sizeof(*st));
	err = validate(buf, len, bad_offset);
	if (err)
		return err;
	/* "/" would make "//bin": the root is the empty prefix. */
	u.dest = strcmp(dest, "/") == 0 ? "" : dest;
	u.path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!u.path)
		return -ENOMEM;
	cpio_iter_init(&it, buf, len);
	while (cpio_next(&it, &e) > 0)
		unpack_entry(&u, &e);
	while (u.links) {
		struct hardlink *h = u.links;

		u.links = h->next;
		kfree(h);
	}
	kfree(u.path);
	return 0;
}

const struct boot_module *initramfs_find_module(const struct boot_info *bi)
{
	size_t n = strlen(INITRAMFS_MODULE_NAME);

	for (u32 i = 0; i < bi->module_count; i++) {
		const char *c = bi->modules[i].cmdline;

		if (c && strncmp(c, INITRAMFS_MODULE_NAME, n) == 0 && (c[n] == '\0' || c[n] == ' '))
			return &bi->modules[i];
	}
	return NULL;
}

void initramfs_init(const struct boot_info *bi)
{
	const struct boot_module *m = initramfs_find_module(bi);
	struct initramfs_stats st;
	size_t bad = 0;
	int err;

	if (!m) {
		pr_info("initramfs: no module named '%s'; the root stays empty\n",
			INITRAMFS_MODULE_NAME);
		return;
	}
	err = initramfs_unpack(phys_to_virt(m->start), m->end - m->start, "/", &st, &bad);
	if (err == -EINVAL) {
		pr_err("initramfs: malformed archive (entry at offset %zu); continuing with an empty root\n",
		       bad);
		return;
	}
	if (err) {
		pr_err("initramfs: not unpacked (error %d)\n", err);
		return;
	}
	pr_info("initramfs: %lu files, %llu bytes (%lu directories, %lu symlinks, %lu device nodes, %lu errors)\n",
		st.files, (unsigned long long)st.bytes, st.dirs, st.symlinks, st.nodes, st.errors);
}
