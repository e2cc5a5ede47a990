/*
 * ext2's on-disk layout (superblock, group descriptors, inodes, directory
 * entries; all little-endian, as x86 is) and the in-memory state its files
 * share. Layout reference: Documentation/ext2.md.
 */
#ifndef FS_EXT2_INTERNAL_H
#define FS_EXT2_INTERNAL_H

#include <block/bcache.h>
#include <fs/ext2.h>
#include <fs/vfs.h>
#include <tessera/compiler.h>
#include <tessera/mutex.h>

#define EXT2_MAGIC            EXT2_SUPER_MAGIC
#define EXT2_SB_OFFSET        1024     /* bytes from the start of the device */
#define EXT2_SB_SIZE          1024
#define EXT2_MIN_LOG_BS       10       /* 1 KiB */
#define EXT2_MAX_LOG_BS       12       /* 4 KiB: the buffer cache's largest comfortable size */
#define EXT2_ROOT_INO         2
#define EXT2_GOOD_OLD_FIRST_INO 11
#define EXT2_GOOD_OLD_INODE_SIZE 128
#define EXT2_NDIR_BLOCKS      12
#define EXT2_IND_BLOCK        12
#define EXT2_DIND_BLOCK       13
#define EXT2_TIND_BLOCK       14
#define EXT2_N_BLOCKS         15
#define EXT2_FAST_LINK_MAX    (EXT2_N_BLOCKS * 4)   /* targets shorter than this live in i_block */
#define EXT2_NAME_LEN         255
#define EXT2_DIRENT_HEADER    8
#define EXT2_VALID_FS         1        /* s_state: cleanly unmounted */
#define EXT2_ERROR_FS         2
#define EXT2_INDEX_FL         0x1000   /* htree directory: cleared when we change one */
#define EXT2_MAX_SIZE_32      0x7fffffffULL   /* past this a file needs large_file */

#define EXT2_FEATURE_COMPAT_HAS_JOURNAL      0x0004
#define EXT2_FEATURE_INCOMPAT_FILETYPE       0x0002
#define EXT2_FEATURE_INCOMPAT_FLEX_BG        0x0200
#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER  0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE    0x0002
#define EXT2_INCOMPAT_SUPP  (EXT2_FEATURE_INCOMPAT_FILETYPE | EXT2_FEATURE_INCOMPAT_FLEX_BG)
#define EXT2_RO_COMPAT_SUPP (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
			     EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* Directory entry file_type values (filetype feature). */
#define EXT2_FT_UNKNOWN  0
#define EXT2_FT_MAX      8

struct ext2_super {
	u32 s_inodes_count;
	u32 s_blocks_count;
	u32 s_r_blocks_count;
	u32 s_free_blocks_count;
	u32 s_free_inodes_count;
	u32 s_first_data_block;
	u32 s_log_block_size;
	u32 s_log_frag_size;
	u32 s_blocks_per_group;
	u32 s_frags_per_group;
	u32 s_inodes_per_group;
	u32 s_mtime;
	u32 s_wtime;
	u16 s_mnt_count;
	u16 s_max_mnt_count;
	u16 s_magic;
	u16 s_state;
	u16 s_errors;
	u16 s_minor_rev_level;
	u32 s_lastcheck;
	u32 s_checkinterval;
	u32 s_creator_os;
	u32 s_rev_level;
	u16 s_def_resuid;
	u16 s_def_resgid;
	/* EXT2_DYNAMIC_REV (rev 1) from here on. */
	u32 s_first_ino;
	u16 s_inode_size;
	u16 s_block_group_nr;
	u32 s_feature_compat;
	u32 s_feature_incompat;
	u32 s_feature_ro_compat;
	u8 s_uuid[16];
	char s_volume_name[16];
	u8 s_rest[EXT2_SB_SIZE - 136];
} __packed;

struct ext2_group_desc {
	u32 bg_block_bitmap;
	u32 bg_inode_bitmap;
	u32 bg_inode_table;
	u16 bg_free_blocks_count;
	u16 bg_free_inodes_count;
	u16 bg_used_dirs_count;
	u16 bg_pad;
	u32 bg_reserved[3];
} __packed;

struct ext2_dinode {
	u16 i_mode;
	u16 i_uid;
	u32 i_size;
	u32 i_atime;
	u32 i_ctime;
	u32 i_mtime;
	u32 i_dtime;
	u16 i_gid;
	u16 i_links_count;
	u32 i_blocks;                /* 512-byte sectors, indirect blocks included */
	u32 i_flags;
	u32 i_osd1;
	u32 i_block[EXT2_N_BLOCKS];
	u32 i_generation;
	u32 i_file_acl;
	u32 i_size_high;             /* i_dir_acl in rev 0 */
	u32 i_faddr;
	u8 i_frag, i_fsize;
	u16 i_pad1;
	u16 i_uid_high;
	u16 i_gid_high;
	u32 i_reserved2;
} __packed;

struct ext2_dirent {
	u32 inode;
	u16 rec_len;
	u8 name_len;
	u8 file_type;                /* high byte of name_len without the filetype feature */
	char name[];
} __packed;

_Static_assert(sizeof(struct ext2_super) == EXT2_SB_SIZE, "ext2 superblock is 1024 bytes");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor is 32 bytes");
_Static_assert(sizeof(struct ext2_dinode) == EXT2_GOOD_OLD_INODE_SIZE, "ext2 inode is 128 bytes");

/* One mounted filesystem. lock covers bitmaps, counters, descriptors and inode-table writes. */
struct ext2_sb {
	struct blkdev *bd;
	struct ext2_super raw;       /* the primary superblock, written back on sync */
	struct ext2_group_desc *gd;  /* every descriptor, written back on sync */
	u32 bs, apb;                 /* block size, block pointers per block */
	u32 blocks_count, inodes_count, first_data_block;
	u32 bpg, ipg, ngroups, gd_blocks, itb_per_group;
	u32 inode_size, first_ino;
	bool filetype;
	bool dirty;                  /* raw or gd changed since the last sync */
	struct mutex lock;
};

struct ext2_inode {
	struct inode vfs;
	u32 i_block[EXT2_N_BLOCKS];
	u32 flags, file_acl, generation;
	u32 dir_hint;                /* directory block where the last insert fit */
};

static inline struct ext2_inode *EXT2_I(struct inode *inode)
{
	return container_of(inode, struct ext2_inode, vfs);
}

static inline struct ext2_sb *EXT2_SB(struct super_block *sb)
{
	return sb->priv;
}

static inline u32 ext2_rec_len(u32 name_len)
{
	return ALIGN_UP(EXT2_DIRENT_HEADER + name_len, 4u);
}

extern const struct inode_ops ext2_dir_iops;
extern const struct file_ops ext2_dir_fops;
extern const struct inode_ops ext2_file_iops;
extern const struct file_ops ext2_file_fops;

/* super.c */
/* Logs one line naming what is corrupt and returns -EUCLEAN. */
int ext2_corrupt(struct super_block *sb, const char *what, u64 ino, u64 block);
bool ext2_block_ok(struct ext2_sb *es, u32 block);
/* bread of one filesystem block (range-checked). */
int ext2_bread(struct super_block *sb, u32 block, struct buf **out);
int ext2_write_super(struct super_block *sb);
/* Superblock, descriptors and every dirty buffer of the disk to the medium (fsync, umount). */
int ext2_sync_fs(struct super_block *sb);

/* balloc.c: with es->lock held by the caller or not (they take it). */
int ext2_new_block(struct super_block *sb, u32 goal, u32 *out);
int ext2_free_block(struct super_block *sb, u32 block);
int ext2_new_inode_nr(struct super_block *sb, u32 dir_ino, bool is_dir, u32 *out);
int ext2_free_inode_nr(struct super_block *sb, u32 ino, bool is_dir);

/* bmap.c */
u64 ext2_max_blocks(struct ext2_sb *es);
/* The largest file: the block map's reach, or 2 GiB - 1 on revision 0. */
u64 ext2_max_size(struct ext2_sb *es);
/* Disk block of file block lblk (0: a hole); create allocates the path. */
int ext2_bmap(struct inode *inode, u64 lblk, bool create, u32 *out);
/* Frees every block mapping file blocks >= from. */
int ext2_truncate_blocks(struct inode *inode, u64 from);

/* inode.c */
int ext2_iget(struct super_block *sb, u32 ino, struct inode **out);
int ext2_write_inode(struct inode *inode);
struct inode *ext2_new_inode(struct inode *dir, u32 mode, int *err);
int ext2_setattr(struct inode *inode, const struct iattr *ia);
void ext2_evict_inode(struct inode *inode);
struct inode *ext2_alloc_inode(struct super_block *sb);
void ext2_destroy_inode(struct inode *inode);
/* Shrinks or grows a regular file or symlink; inode lock held. */
int ext2_truncate(struct inode *inode, u64 size);
/* Stores a new symlink's target (fast in i_block, or one block). */
int ext2_write_symlink(struct inode *inode, const char *target);

/* dir.c: directory entries; the namespace lock is held. */
int ext2_make_empty_dir(struct inode *inode, struct inode *parent);
/* The inode number name names in dir; -ENOENT. */
int ext2_find_ino(struct inode *dir, const char *name, size_t len, u32 *ino);
int ext2_add_entry(struct inode *dir, const char *name, size_t len, struct inode *inode);
/* Removes name, which must name inode. */
int ext2_remove_entry(struct inode *dir, const char *name, size_t len, struct inode *inode);
/* Points name (now naming old_ino) at inode: rename over a target, "..". */
int ext2_retarget_entry(struct inode *dir, const char *name, size_t len, u32 old_ino,
			struct inode *inode);
/* 1 when only "." and ".." are left, 0 when not, or -errno. */
int ext2_dir_is_empty(struct inode *dir);

#endif
