/*
 * /proc/mounts: "source mountpoint type options 0 0" for every mount, oldest
 * first, with spaces, tabs, newlines and backslashes in names escaped as
 * octal like Linux's, so a line always splits into six fields.
 */
#include "internal.h"

static void put_escaped(struct proc_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			proc_printf(b, "\\%03o", (unsigned char)*s);
		else
			proc_write(b, s, 1);
	}
}

static void one_mount(struct vfsmount *m, const char *path, void *ctx)
{
	struct proc_buf *b = ctx;
	bool ro = (m->flags & MNT_RDONLY) || (m->sb->flags & SB_RDONLY);

	put_escaped(b, m->source[0] ? m->source : "none");
	proc_write(b, " ", 1);
	put_escaped(b, path);
	proc_printf(b, " %s %s 0 0\n", m->sb->type->name, ro ? "ro" : "rw");
}

int proc_mounts_show(struct proc_buf *b, int pid)
{
	for_each_mount(one_mount, b);
	return 0;
}
