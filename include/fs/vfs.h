/*
 * The virtual file system: superblocks, inodes, dentries, mounts, open
 * files, per-process fd tables and the path walk, and the operations a
 * filesystem type implements. Design, locking and lifetimes:
 * Documentation/vfs.md.
 */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <tessera/mutex.h>
#include <tessera/types.h>
#include <lib/list.h>
#include <uapi/dirent.h>
#include <uapi/fcntl.h>
#include <uapi/limits.h>
#include <uapi/mount.h>
#include <uapi/stat.h>
#include <uapi/statfs.h>

struct boot_info;
struct dentry;
struct file;
struct inode;
struct poll_table;
struct super_block;
struct vfsmount;

/* Device numbers as Linux keeps them inside the kernel: 12-bit major, 20-bit minor. */
typedef u32 kdev_t;
#define MINORBITS      20
#define MKDEV(ma, mi)  ((kdev_t)(((ma) << MINORBITS) | (mi)))
#define MAJOR(d)       ((unsigned int)((d) >> MINORBITS))
#define MINOR(d)       ((unsigned int)((d) & ((1U << MINORBITS) - 1)))

struct vfs_time {
	s64 sec;
	u32 nsec;
};

/* --- buffers a read fills or a write drains --- */

/*
 * Where file data goes: kernel memory (ops NULL: memcpy) or a program's
 * memory, reached through the system-call layer's copy_to_user and
 * copy_from_user, so filesystems copy straight between page and program.
 */
struct iobuf_ops {
	int (*copy_to)(void *dst, const void *src, size_t n);     /* 0 or -EFAULT */
	int (*copy_from)(void *dst, const void *src, size_t n);
};

struct iobuf {
	char *base;
	size_t len;
	const struct iobuf_ops *ops;
};

static inline struct iobuf iobuf_kernel(void *base, size_t len)
{
	return (struct iobuf){ .base = base, .len = len, .ops = NULL };
}

/* Copies n bytes into the buffer at off (off + n <= len). 0 or -EFAULT. */
int iobuf_copy_to(struct iobuf *b, size_t off, const void *src, size_t n);
/* Copies n bytes out of the buffer at off. 0 or -EFAULT. */
int iobuf_copy_from(const struct iobuf *b, size_t off, void *dst, size_t n);
/* Zero-fills n bytes at off (holes in sparse files, /dev/zero). 0 or -EFAULT. */
int iobuf_zero(struct iobuf *b, size_t off, size_t n);

/* --- what a filesystem implements --- */

/* getdents: the filesystem calls emit for each entry from ctx->pos on. */
struct dir_context {
	/* Returns false when the caller's buffer is full: stop, keep ctx->pos. */
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len, u64 ino,
		     unsigned int dtype);
	/* Position of the next entry; the filesystem advances it after each emit. */
	u64 pos;
};

/* Fields vfs_setattr may change; valid says which. */
#define ATTR_MODE   0x1
#define ATTR_UID    0x2
#define ATTR_GID    0x4
#define ATTR_SIZE   0x8
#define ATTR_ATIME  0x10
#define ATTR_MTIME  0x20

struct iattr {
	unsigned int valid;
	u32 mode;
	u32 uid, gid;
	u64 size;
	struct vfs_time atime, mtime;
};

/*
 * Directory and inode operations. All run with the namespace lock held
 * (vfs_namespace_lock), so they never race with each other; they may
 * sleep. name is not NUL-terminated: use len. A new inode comes back in
 * *out with one reference for the caller. NULL entries mean -EPERM
 * (or, for lookup, -ENOTDIR).
 */
struct inode_ops {
	/* -ENOENT when there is no such name. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	int (*create)(struct inode *dir, const char *name, size_t len, u32 mode,
		      struct inode **out);
	int (*mkdir)(struct inode *dir, const char *name, size_t len, u32 mode,
		     struct inode **out);
	int (*mknod)(struct inode *dir, const char *name, size_t len, u32 mode, kdev_t rdev,
		     struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target,
		       struct inode **out);
	/* Adds a name for inode (not a directory) in dir. */
	int (*link)(struct inode *inode, struct inode *dir, const char *name, size_t len);
	/* Removes the name; the VFS has checked inode is not a directory. */
	int (*unlink)(struct inode *dir, const char *name, size_t len, struct inode *inode);
	/* Removes an empty directory; -ENOTEMPTY otherwise. */
	int (*rmdir)(struct inode *dir, const char *name, size_t len, struct inode *inode);
	/*
	 * Moves a name, replacing target (NULL when the new name is free). The
	 * VFS has checked types (dir over dir, non-dir over non-dir), that a
	 * directory does not move under itself, and that both are on one fs;
	 * the filesystem checks that a replaced directory is empty.
	 */
	int (*rename)(struct inode *old_dir, const char *old_name, size_t old_len,
		      struct inode *new_dir, const char *new_name, size_t new_len,
		      struct inode *inode, struct inode *target);
	/* Copies the target (no NUL) into buf; returns its length or -errno. */
	long (*readlink)(struct inode *inode, char *buf, size_t size);
	/* Changes attributes (ATTR_SIZE truncates or extends). */
	int (*setattr)(struct inode *inode, const struct iattr *ia);
};

/*
 * Open-file operations. read/write move at most b->len bytes at *pos and
 * advance it; they return bytes moved, 0 at end of file, or -errno. A
 * write to a file opened O_APPEND starts at the end (the filesystem sets
 * *pos under its own lock). They are called without the namespace lock and
 * may block; for regular files and directories the VFS serialises calls
 * that share one struct file. NULL read/write: -EINVAL.
 */
struct file_ops {
	int (*open)(struct inode *inode, struct file *f);
	void (*release)(struct inode *inode, struct file *f);
	long (*read)(struct file *f, struct iobuf *b, u64 *pos);
	long (*write)(struct file *f, struct iobuf *b, u64 *pos);
	/* NULL: the generic lseek on inode->size (or -ESPIPE for devices). */
	s64 (*llseek)(struct file *f, s64 off, int whence);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	int (*fsync)(struct file *f);
	/*
	 * Readiness for poll and select: POLLIN, POLLOUT, POLLHUP, POLLERR
	 * (tessera/poll.h) as of now, after poll_wait(pt, q) on every queue
	 * a change is woken on. Must not sleep. NULL: always ready.
	 */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
};

/*
 * Moves n bytes between b (at offset done) and a file's data at byte at,
 * inside one unit (a page, a block) of it. 0 or -errno.
 */
typedef int (*vfs_unit_fn)(struct inode *inode, struct iobuf *b, size_t done, u64 at, size_t n);

/*
 * The read and write loops of files stored in fixed-size units, for a
 * filesystem's file_ops to call with inode->lock held. Reads stop at the
 * size. Writes start at the size under O_APPEND, stop at max_size (-EFBIG
 * when *pos is already there) and, only for bytes written, grow the size
 * and stamp mtime and ctime. Both advance *pos by what moved and return
 * that count, or the first error when nothing moved.
 */
long vfs_read_units(struct file *f, struct iobuf *b, u64 *pos, u32 unit, vfs_unit_fn read);
long vfs_write_units(struct file *f, struct iobuf *b, u64 *pos, u32 unit, u64 max_size,
		     vfs_unit_fn write);

/*
 * The start of a directory's iterate: "." at position 0 and ".." at 1
 * (the parent dentry's inode; the directory itself at a root), then
 * ctx->pos jumps to first, where the filesystem's own names begin. Does
 * nothing from position 2 on. False when the reader's buffer filled:
 * iterate then returns 0 and is called again at the same position.
 */
bool vfs_emit_dots(struct file *f, struct dir_context *ctx, u64 first);

struct super_ops {
	/* Allocates the filesystem's inode (struct inode embedded); NULL: kzalloc. */
	struct inode *(*alloc_inode)(struct super_block *sb);
	/* Frees what alloc_inode made. */
	void (*destroy_inode)(struct inode *inode);
	/* The last reference went: drop the in-memory state; if nlink is 0, the file. */
	void (*evict_inode)(struct inode *inode);
	int (*statfs)(struct super_block *sb, struct statfs *st);
	int (*sync_fs)(struct super_block *sb);
	/* Unmount: free everything the filesystem holds (inodes are gone by now). */
	void (*put_super)(struct super_block *sb);
};

#define SB_RDONLY   MS_RDONLY

struct super_block {
	struct fs_type *type;
	const struct super_ops *ops;
	struct dentry *root;
	kdev_t dev;                   /* st_dev: the disk, or MKDEV(0, n) for virtual ones */
	u32 block_size;              /* st_blksize */
	u64 magic;                   /* statfs f_type */
	unsigned int flags;          /* SB_RDONLY */
	void *priv;
	struct list_head inodes;     /* every in-memory inode (inode_find) */
	long dentries;               /* live dentries: umount refuses while any is in use */
};

struct inode {
	u64 ino;
	u32 mode;                    /* S_IFMT type | permission bits */
	u32 nlink;
	u32 uid, gid;
	u64 size;
	u64 blocks;                  /* 512-byte units, for st_blocks */
	kdev_t rdev;                  /* device nodes */
	struct vfs_time atime, mtime, ctime;
	int refs;                    /* under the namespace lock */
	int dentries;                /* cached names: more than one means aliases */
	struct super_block *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	void *priv;
	struct mutex lock;           /* data and size; the filesystem takes it */
	struct list_head sb_node;
};

#define DNAME_INLINE 32

/*
 * A name in the cache: parent link, name, inode. Only positive entries are
 * cached; unused ones (refs 0) stay until pruned. Lifetimes: a dentry holds
 * a reference on its parent and its inode.
 */
struct dentry {
	struct dentry *parent;       /* itself for a filesystem's root */
	struct inode *inode;
	struct super_block *sb;
	struct list_head hash_node;  /* empty once unlinked or renamed over */
	struct list_head lru_node;   /* on the unused list while refs == 0 */
	int refs;
	int mounted;                 /* mounts whose mount point this is */
	u32 hash;
	u32 len;
	char *name;                  /* iname, or kmalloc'd when longer */
	char iname[DNAME_INLINE];
};

#define MNT_RDONLY  MS_RDONLY

struct vfsmount {
	struct super_block *sb;
	struct dentry *root;
	struct vfsmount *parent;     /* NULL for the root mount */
	struct dentry *mountpoint;   /* in parent */
	struct list_head node;       /* the mount table, oldest first */
	int refs;                    /* paths held into it, plus one for the table */
	unsigned int flags;          /* MNT_RDONLY */
	char source[64];             /* what was mounted, for /proc/mounts */
};

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

/* What mount(2) asked for, as a filesystem's mount callback sees it. */
struct mount_args {
	const char *source;          /* as given: "/dev/sda1", "none", a label */
	kdev_t dev;                  /* FS_REQUIRES_DEV: the block device source names */
	unsigned int flags;          /* MS_RDONLY... */
	const void *data;            /* the options string, or NULL */
};

/* fs_type.flags */
#define FS_REQUIRES_DEV  0x1     /* source must name a block device (ext2, FAT) */

/* A registered filesystem type: `mount -t name` finds it here. */
struct fs_type {
	const char *name;
	unsigned int flags;
	/*
	 * Builds a superblock with its root (sb_alloc, sb_set_root). Called
	 * with the namespace lock held: it must not call path-based vfs_*
	 * functions (for FS_REQUIRES_DEV types the VFS has already resolved
	 * the source to args->dev). 0 or -errno.
	 */
	int (*mount)(struct fs_type *type, const struct mount_args *args, struct super_block **out);
	struct list_head node;
};

/* --- filesystem types and superblocks --- */

/* Adds a type; -EEXIST when its name is taken. */
int register_filesystem(struct fs_type *type);
struct fs_type *find_filesystem(const char *name);
/* Calls fn for every registered type (for /proc/filesystems). */
void for_each_filesystem(void (*fn)(struct fs_type *type, void *ctx), void *ctx);

/* A zeroed superblock with a fresh anonymous device number, or NULL. */
struct super_block *sb_alloc(struct fs_type *type, const struct super_ops *ops);
/* Makes root (with its reference) the root dentry. 0 or -ENOMEM. */
int sb_set_root(struct super_block *sb, struct inode *root);
/* Undoes sb_alloc (and sb_set_root) for a mount that failed half-way. */
void sb_free(struct super_block *sb);

/* --- inodes: with the namespace lock held (filesystem code is called so) --- */

/* A new inode with one reference, number ino, on sb's list; NULL when out of memory. */
struct inode *new_inode(struct super_block *sb, u64 ino);
/* The in-memory inode ino of sb with a new reference, or NULL (inode caches). */
struct inode *inode_find(struct super_block *sb, u64 ino);
struct inode *iget(struct inode *inode);
/* Drops a reference; the last one evicts the inode. */
void iput(struct inode *inode);
/*
 * The namespace lock: serialises path walks, dentry and mount changes and
 * every inode_ops call. Filesystems that change their own tree from
 * outside a VFS call (devfs adding a device) take it themselves.
 */
void vfs_namespace_lock(void);
void vfs_namespace_unlock(void);

/* Frees every unused cached dentry (and the inodes only they held): drop_caches. */
void vfs_drop_caches(void);
/* Current wall-clock time for timestamps; no lock needed. */
struct vfs_time vfs_now(void);
/*
 * Copies the mode, owner and time fields ia->valid names into inode and
 * sets ctime: what every setattr does once the size (if asked) is done.
 */
void setattr_copy(struct inode *inode, const struct iattr *ia);

/* --- paths, mounts and the per-process view --- */

void path_get(const struct path *p);
void path_put(struct path *p);

/* A process's root and working directory. */
struct fs_struct {
	struct path root;
	struct path cwd;
	u32 umask;
};

/* The kernel's own: "/" once the root is mounted. */
extern struct fs_struct init_fs;

/* dst gets src's root, cwd and umask (with references): fork. */
void fs_struct_copy(struct fs_struct *dst, const struct fs_struct *src);
/* Drops the references: exit. */
void fs_struct_release(struct fs_struct *fs);

/*
 * Every call below resolves path relative to base (a directory; NULL: the
 * cwd of fs), "/" meaning fs's root; ".." never leaves fs's root and
 * crosses back over mount points; symlinks nest 8 deep and 40 in all
 * (-ELOOP). Errors as in Linux: -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EEXIST,
 * -EISDIR, -ENOTEMPTY, -EXDEV, -EBUSY, -EROFS, -EINVAL, -ENOMEM.
 */
#define LOOKUP_FOLLOW     0x1    /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY  0x2    /* the result must be a directory */

int vfs_lookup(struct fs_struct *fs, const struct path *base, const char *path,
	       unsigned int flags, struct path *out);
/* Mounts type on the directory target (NULL type: "ramfs"). flags: MS_RDONLY. */
int vfs_mount(struct fs_struct *fs, const char *source, const char *target,
	      const char *type, unsigned int flags, const void *data);
/*
 * The first mount: becomes "/" for init_fs. A FS_REQUIRES_DEV type's
 * source is "/dev/NAME" and is found among devfs's registered nodes
 * (root= from the command line, before anything is mounted).
 */
int vfs_mount_root(const char *type, const char *source, unsigned int flags,
		   const void *data);
/* -EBUSY while files, working directories or mounts are inside; flags: 0 only. */
int vfs_umount(struct fs_struct *fs, const char *target, unsigned int flags);
/* Calls fn for every mount, oldest first, with its path text (/proc/mounts). */
void for_each_mount(void (*fn)(struct vfsmount *m, const char *path, void *ctx), void *ctx);

int vfs_mkdir(struct fs_struct *fs, const struct path *base, const char *path, u32 mode);
int vfs_rmdir(struct fs_struct *fs, const struct path *base, const char *path);
int vfs_unlink(struct fs_struct *fs, const struct path *base, const char *path);
int vfs_mknod(struct fs_struct *fs, const struct path *base, const char *path, u32 mode,
	      kdev_t rdev);
int vfs_symlink(struct fs_struct *fs, const char *target, const struct path *base,
		const char *path);
int vfs_link(struct fs_struct *fs, const struct path *old_base, const char *old_path,
	     const struct path *new_base, const char *new_path, unsigned int flags);
/* flags: RENAME_NOREPLACE. */
int vfs_rename(struct fs_struct *fs, const struct path *old_base, const char *old_path,
	       const struct path *new_base, const char *new_path, unsigned int flags);
long vfs_readlink(struct fs_struct *fs, const struct path *base, const char *path,
		  char *buf, size_t size);
/* flags: AT_SYMLINK_NOFOLLOW. */
int vfs_stat(struct fs_struct *fs, const struct path *base, const char *path,
	     unsigned int flags, struct stat *st);
int vfs_statfs(struct fs_struct *fs, const struct path *base, const char *path,
	       struct statfs *st);
/* chmod, utimensat, truncate: flags AT_SYMLINK_NOFOLLOW. */
int vfs_setattr(struct fs_struct *fs, const struct path *base, const char *path,
		unsigned int flags, struct iattr *ia);
int vfs_truncate(struct fs_struct *fs, const struct path *base, const char *path, u64 size);
int vfs_chmod(struct fs_struct *fs, const struct path *base, const char *path, u32 mode);
/* mode: F_OK or R_OK|W_OK|X_OK (root: only existence, and X needs an x bit). */
int vfs_access(struct fs_struct *fs, const struct path *base, const char *path, int mode);
int vfs_chdir(struct fs_struct *fs, const struct path *base, const char *path);
int vfs_chroot(struct fs_struct *fs, const struct path *base, const char *path);
/* Writes the cwd ("/a/b") into buf; returns its length with the NUL, or -ERANGE. */
long vfs_getcwd(struct fs_struct *fs, char *buf, size_t size);
/* The text of p seen from root, as vfs_getcwd. */
long vfs_path_name(const struct path *root, const struct path *p, char *buf, size_t size);

/* --- open files --- */

struct file {
	struct path path;            /* both NULL for anonymous files (pipes) */
	struct inode *inode;
	const struct file_ops *ops;
	unsigned int flags;          /* O_ACCMODE, O_APPEND, O_NONBLOCK, ... as opened */
	u64 pos;
	int refs;                    /* atomic: fd slots and in-flight calls */
	struct mutex pos_lock;       /* regular files and directories: one call at a time */
	void *priv;
};

/* Opens path (flags as open(2): O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_NOFOLLOW...). */
int vfs_open(struct fs_struct *fs, const struct path *base, const char *path,
	     unsigned int flags, u32 mode, struct file **out);
/*
 * A file with no name (pipes, later sockets): a private inode of type mode
 * (S_IFIFO...) on an internal filesystem. Returns NULL when out of memory.
 */
struct file *file_alloc_anon(const struct file_ops *ops, u32 mode, unsigned int flags,
			     void *priv);
struct file *file_get(struct file *f);
/* Drops a reference; the last one calls release and frees the file. */
void file_put(struct file *f);

long vfs_read(struct file *f, struct iobuf *b);
long vfs_write(struct file *f, struct iobuf *b);
long vfs_pread(struct file *f, struct iobuf *b, u64 pos);
long vfs_pwrite(struct file *f, struct iobuf *b, u64 pos);
s64 vfs_lseek(struct file *f, s64 off, int whence);
/* Fills b with struct linux_dirent64 records; 0 at the end; -EINVAL if none fits. */
long vfs_getdents64(struct file *f, struct iobuf *b);
long vfs_ioctl(struct file *f, unsigned int cmd, unsigned long arg);
int vfs_fstat(struct file *f, struct stat *st);
int vfs_fstatfs(struct file *f, struct statfs *st);
int vfs_ftruncate(struct file *f, u64 size);
int vfs_fsetattr(struct file *f, struct iattr *ia);
int vfs_fsync(struct file *f);
/* F_SETFL: only O_APPEND and O_NONBLOCK change. */
void file_set_flags(struct file *f, unsigned int flags);

/* Kernel-memory conveniences: pread/pwrite into buf. */
long kernel_read(struct file *f, void *buf, size_t len, u64 pos);
long kernel_write(struct file *f, const void *buf, size_t len, u64 pos);

/* The generic lseek for files with a size (filesystems may use it). */
s64 generic_file_llseek(struct file *f, s64 off, int whence);

/* --- the fd table a process embeds --- */

#define FD_MAX  CONFIG_VFS_FD_MAX

struct files {
	struct mutex lock;
	unsigned int size;           /* slots allocated, grows to FD_MAX */
	struct file **fd;
	unsigned long *cloexec;      /* one bit per slot */
};

void files_init(struct files *t);
/* dst (initialised, empty) gets a copy of every slot of src: fork. 0 or -ENOMEM. */
int files_copy(struct files *dst, struct files *src);
/* Closes every fd and frees the table: exit. */
void files_release(struct files *t);
/* execve: closes the fds marked close-on-exec. */
void files_close_on_exec(struct files *t);
/*
 * Installs f in the lowest free slot >= min_fd; the table takes over the
 * caller's reference. flags: O_CLOEXEC. Returns the fd or -EMFILE (f kept).
 */
int fd_install(struct files *t, struct file *f, int min_fd, unsigned int flags);
/* The file in slot fd with a new reference, or NULL (-EBADF for the caller). */
struct file *fd_get(struct files *t, int fd);
int fd_close(struct files *t, int fd);
/* F_DUPFD / F_DUPFD_CLOEXEC: lowest free slot >= min_fd. */
int fd_dup(struct files *t, int fd, int min_fd, unsigned int flags);
/* dup2 (fd == newfd: returns newfd) and dup3 (fd == newfd: -EINVAL). */
int fd_dup2(struct files *t, int fd, int newfd);
int fd_dup3(struct files *t, int fd, int newfd, unsigned int flags);
/* F_GETFD / F_SETFD: FD_CLOEXEC. */
int fd_get_flags(struct files *t, int fd);
int fd_set_flags(struct files *t, int fd, int fdflags);

/* --- device numbers: open of a device node finds its driver here --- */

/*
 * Registers fops for the character (S_IFCHR) or block (S_IFBLK) devices
 * [base, base + count). Returns 0, -EBUSY when the range is taken, or
 * -EINVAL. name and fops are kept, not copied. The fops' open may replace
 * f->ops and set f->priv (one driver, several kinds of minor).
 */
int register_device(u32 type, kdev_t base, unsigned int count, const char *name,
		    const struct file_ops *fops);
const struct file_ops *find_device(u32 type, kdev_t dev);
/* Linux's st_rdev encoding (new_encode_dev). */
unsigned long dev_encode(kdev_t dev);

/* --- boot --- */

/* Registers the linked filesystem types, mounts the root, unpacks the initramfs, mounts /dev. */
void fs_init(const struct boot_info *bi);

#endif
