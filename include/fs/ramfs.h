/*
 * ramfs: files, directories, symlinks and device nodes that live only in
 * memory (page-backed file data). The root filesystem; devfs is a ramfs
 * that drivers fill.
 */
#ifndef FS_RAMFS_H
#define FS_RAMFS_H

#include <fs/vfs.h>

/* Largest ramfs file: its page table is one kmalloc'd array. */
#define RAMFS_MAX_FILE_SIZE  (4ULL << 30)

extern const struct super_ops ramfs_super_ops;

/* Registers the "ramfs" filesystem type. */
int ramfs_init(void);

/*
 * Gives sb (from sb_alloc(type, &ramfs_super_ops)) an empty root directory
 * with permission bits mode. 0 or -ENOMEM (then sb_free(sb)).
 */
int ramfs_fill_super(struct super_block *sb, u32 mode);

/* Pages holding file data on sb, for statistics and leak tests. */
u64 ramfs_pages_used(struct super_block *sb);

#endif
