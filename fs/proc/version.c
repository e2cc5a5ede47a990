/*
 * /proc/version and /proc/filesystems: the banner line, and the registered
 * filesystem types ("nodev" for those that need no block device).
 */
#include <generated/compile.h>
#include "internal.h"

int proc_version_show(struct proc_buf *b, int pid)
{
	proc_printf(b, "Tessera version %s (%s) x86_64 %s\n", TESSERA_VERSION,
		    TESSERA_GIT_DESCRIBE, CONFIG_BUILD_NAME);
	return 0;
}

static void one_type(struct fs_type *type, void *ctx)
{
	proc_printf(ctx, "%s\t%s\n", type->flags & FS_REQUIRES_DEV ? "" : "nodev", type->name);
}

int proc_filesystems_show(struct proc_buf *b, int pid)
{
	for_each_filesystem(one_type, b);
	return 0;
}
