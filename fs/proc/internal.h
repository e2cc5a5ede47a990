/*
 * Shared inside fs/proc/: the growing text buffer every file is generated
 * into, the table of entries, and each file's generator. Documentation/procfs.md.
 */
#ifndef FS_PROC_INTERNAL_H
#define FS_PROC_INTERNAL_H

#include <fs/vfs.h>
#include <tessera/compiler.h>
#include <tessera/types.h>

/*
 * Text built at open, like Linux's seq_file: it grows (doubling) as the
 * generator writes, so nothing is ever cut short. A failed grow sets err
 * and later writes are dropped; open then fails with -ENOMEM.
 */
struct proc_buf {
	char *data;
	size_t len, cap;
	int err;
};

void proc_printf(struct proc_buf *b, const char *fmt, ...) __printf(2, 3);
void proc_write(struct proc_buf *b, const void *s, size_t n);

/* Fills b; pid is the process for files under /proc/<pid>, 0 elsewhere. 0 or -errno. */
typedef int (*proc_show_t)(struct proc_buf *b, int pid);

/*
 * Names that come and go (one per process, per PCI bus or function): each
 * instance is a key (a pid, a bus number...) that its own children inherit
 * and that the show function gets as its pid argument.
 */
struct proc_dyn {
	/* The key of the instance named name in the directory whose key is parent, or -ENOENT. */
	long (*lookup)(long parent, const char *name, size_t len);
	/* Up to max keys in ascending order; returns how many there are (> max: call again). */
	int (*list)(long parent, long *keys, int max);
	/* The instance's name. */
	void (*name)(long key, char *buf, size_t size);
};

/* One name in the tree: a generated file, a directory or a symlink. */
struct proc_entry {
	const char *name;            /* NULL for dynamic entries */
	u32 mode;                    /* S_IFREG 0444, S_IFDIR 0555 or S_IFLNK 0777 */
	unsigned int parent;         /* index of the directory holding it */
	bool off;                    /* its subsystem is not linked: hidden */
	proc_show_t show;            /* files (and symlinks: the target text) */
	const struct proc_dyn *dyn;  /* instances instead of one fixed name */
};

/* ino = key << PROC_KEY_SHIFT | (entry index + 1); the root is 1. */
#define PROC_KEY_SHIFT   16
#define PROC_NAME_LEN    16     /* longest dynamic name with its NUL */

/* root.c: files are opened through these; generic.c implements them. */
extern const struct file_ops proc_file_ops;
int proc_generate(struct proc_buf *b, proc_show_t show, int pid);

/* pid.c: one directory per process, and its files. */
extern const struct proc_dyn proc_pid_dyn;
int proc_pid_stat(struct proc_buf *b, int pid);
int proc_pid_status(struct proc_buf *b, int pid);
int proc_pid_cmdline(struct proc_buf *b, int pid);
int proc_pid_maps(struct proc_buf *b, int pid);
int proc_self_link(struct proc_buf *b, int pid);

/* One file each. */
int proc_meminfo_show(struct proc_buf *b, int pid);
int proc_uptime_show(struct proc_buf *b, int pid);
int proc_interrupts_show(struct proc_buf *b, int pid);
int proc_cpuinfo_show(struct proc_buf *b, int pid);
int proc_mounts_show(struct proc_buf *b, int pid);
int proc_filesystems_show(struct proc_buf *b, int pid);
int proc_version_show(struct proc_buf *b, int pid);
int proc_config_show(struct proc_buf *b, int pid);
int proc_sched_show(struct proc_buf *b, int pid);
/* pci.c: bus/pci/devices, and bus/pci/BB/DD.F (config space) as Linux has them. */
extern const struct proc_dyn proc_pci_bus_dyn, proc_pci_func_dyn;
int proc_pci_devices_show(struct proc_buf *b, int pid);
int proc_pci_config_show(struct proc_buf *b, int key);

#endif
