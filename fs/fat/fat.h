/*
 * FAT12/16/32 internals shared by the superblock, table, directory, inode
 * and file code: the in-memory superblock and inode, on-disk layout
 * constants (Microsoft's fatgen103) and the helpers between the files.
 */
#ifndef FS_FAT_INTERNAL_H
#define FS_FAT_INTERNAL_H

#include <fs/fat.h>
#include <block/bcache.h>
#include <lib/unaligned.h>

/* Directory entry layout (fatgen103 section 6). */
#define FAT_DIRENT_SIZE    32
#define FAT_NAME_LEN       11
#define FAT_ATTR_RO        0x01
#define FAT_ATTR_HIDDEN    0x02
#define FAT_ATTR_SYSTEM    0x04
#define FAT_ATTR_VOLUME    0x08
#define FAT_ATTR_DIR       0x10
#define FAT_ATTR_ARCHIVE   0x20
#define FAT_ATTR_LFN       0x0f
#define FAT_DE_FREE        0xe5    /* first name byte of a deleted entry */
#define FAT_DE_END         0x00    /* first name byte: no entries follow */
#define FAT_DE_KANJI_E5    0x05    /* a real 0xe5 as the first name byte */
#define FAT_CASE_LOWER_BASE 0x08   /* NT reserved byte: base shown in lower case */
#define FAT_CASE_LOWER_EXT  0x10

#define DE_ATTR     11
#define DE_NTRES    12
#define DE_CTIME_MS 13
#define DE_CTIME    14
#define DE_CDATE    16
#define DE_ADATE    18
#define DE_CLUS_HI  20
#define DE_MTIME    22
#define DE_MDATE    24
#define DE_CLUS_LO  26
#define DE_SIZE     28

/* Long-name slots (fatgen103 section 7): 13 UCS-2 units each. */
#define LFN_ORD        0
#define LFN_CHKSUM     13
#define LFN_LAST       0x40
#define LFN_ORD_MASK   0x1f
#define LFN_CHARS      13
#define LFN_MAX_SLOTS  20          /* 255 units / 13, rounded up */
#define FAT_LFN_MAX    255

#define FAT_MAX_FILE_SIZE  0xffffffffULL
#define FAT_ROOT_INO       1
#define FAT_NO_COUNT       0xffffffffu /* FSInfo: free count unknown */

struct fat_sb {
	struct blkdev *bd;
	int bits;                    /* 12, 16 or 32 */
	u32 ssize;                   /* bytes per sector: the buffer-cache block size */
	u32 spc;                     /* sectors per cluster */
	u32 csize;                   /* bytes per cluster */
	u32 fat_start, fat_sectors;  /* first FAT, sectors per FAT */
	u32 nfats;
	int active_fat;              /* FAT32 with mirroring off: the only FAT; else -1 */
	u32 root_start, root_entries;  /* FAT12/16 fixed root */
	u32 data_start;              /* sector of cluster 2 */
	u32 nclusters;               /* data clusters: valid numbers 2 .. nclusters + 1 */
	u32 root_cluster;            /* FAT32 */
	u32 fsinfo_sector;           /* FAT32, 0 when none */
	u32 free_count;              /* FAT_NO_COUNT until counted */
	u32 next_free;               /* allocation hint */
	bool fsinfo_dirty;
	u64 next_alt_ino;            /* inode numbers when a position's is taken */
	struct mutex fat_lock;       /* the table, free count and hint */
};

struct fat_inode {
	struct inode vfs;
	u32 start;                   /* first cluster, 0: none */
	u8 attr;
	u64 de_sector;               /* where the short entry lives; 0: none (root, removed) */
	u32 de_off;
	u32 de_first, de_slot;       /* its first (long-name) slot and its slot in the parent */
	u32 free_hint;               /* directories: slots below are in use */
	/* Last cluster looked up: sequential access walks the chain once. */
	u32 cache_idx, cache_cl;
};

static inline struct fat_inode *FAT_I(struct inode *inode)
{
	return container_of(inode, struct fat_inode, vfs);
}

static inline struct fat_sb *FAT_SB(struct super_block *sb)
{
	return sb->priv;
}

static inline void put_le16(u8 *p, u16 v)
{
	p[0] = (u8)v, p[1] = (u8)(v >> 8);
}

static inline void put_le32(u8 *p, u32 v)
{
	put_le16(p, (u16)v), put_le16(p + 2, (u16)(v >> 16));
}

static inline bool fat_valid_cluster(const struct fat_sb *fs, u32 cl)
{
	return cl >= 2 && cl < fs->nclusters + 2;
}

static inline u64 fat_cluster_sector(const struct fat_sb *fs, u32 cl)
{
	return fs->data_start + (u64)(cl - 2) * fs->spc;
}

/* One decoded directory entry, as the directory walk returns it. */
struct fat_dirent {
	u32 first_slot;              /* index of its first (long-name) slot */
	u32 slot;                    /* index of the short entry */
	u64 sector;                  /* where the short entry is */
	u32 off;
	u8 raw[FAT_DIRENT_SIZE];     /* the short entry */
	bool lfn;                    /* name is a long name */
	u32 name_len;
	char name[FAT_LFN_MAX * 3 + 1];  /* UTF-8, the long name when there is one */
	char short_name[24];         /* 8.3, Latin-1 bytes as UTF-8 */
	u32 short_len;
};

extern const struct inode_ops fat_dir_iops;
extern const struct file_ops fat_dir_fops;
extern const struct inode_ops fat_file_iops;
extern const struct file_ops fat_file_fops;

/* super.c */
/* Logs one line naming the damage and returns -EUCLEAN. */
int fat_corrupt(struct super_block *sb, const char *what, u64 where);
int fat_statfs(struct super_block *sb, struct statfs *st);
int fat_sync_fs(struct super_block *sb);
void fat_put_super(struct super_block *sb);

/* file.c: writes zeros from the size up to size, which grows. Inode lock held. */
int fat_fill_zero(struct inode *inode, u64 size);

/* fat.c: the table. Each takes fat_lock itself. */
/* Next cluster after cl in *next (0 at the end of the chain). -EUCLEAN on a bad link. */
int fat_next(struct super_block *sb, u32 cl, u32 *next);
/* A free cluster marked end-of-chain, linked after prev (0: none). -ENOSPC. */
int fat_alloc(struct super_block *sb, u32 prev, u32 *out);
/* Frees the chain from cl (to its end); fat_end_chain makes cl its chain's last. */
int fat_free_chain(struct super_block *sb, u32 cl);
int fat_end_chain(struct super_block *sb, u32 cl);
/* Free clusters, counted once by scanning the table when FSInfo had no count. */
int fat_count_free(struct super_block *sb, u32 *out);
bool fat_fsinfo_valid(const u8 *sector);
void fat_fsinfo_read(struct fat_sb *fs, const u8 *sector);
/* Puts the free count and hint back in FSInfo (FAT32) when they changed. */
int fat_write_fsinfo(struct super_block *sb);
/* Number of clusters in the chain from cl, bounded; -EUCLEAN on loops. */
int fat_chain_length(struct super_block *sb, u32 cl, u32 *out);

/* inode.c */
int fat_bmap(struct inode *inode, u32 idx, bool alloc, u32 *out);
/* The inode number of an entry: its in-memory inode's, else its position's. */
u64 fat_entry_ino(struct super_block *sb, const struct fat_dirent *de);
struct inode *fat_iget(struct super_block *sb, const struct fat_dirent *de, int *err);
struct inode *fat_root_inode(struct super_block *sb, int *err);
int fat_write_inode(struct inode *inode);
int fat_truncate(struct inode *inode, u64 size);
int fat_setattr(struct inode *inode, const struct iattr *ia);
int fat_zero_cluster(struct super_block *sb, u32 cl);
struct vfs_time fat_time_to_unix(u16 date, u16 time);
void fat_time_from_unix(struct vfs_time t, u16 *date, u16 *time);
u32 fat_de_cluster(const struct fat_sb *fs, const u8 *raw);
void fat_de_set_cluster(const struct fat_sb *fs, u8 *raw, u32 cl);
extern const struct super_ops fat_super_ops;

/* dir.c */
/* The long-name slots seen so far in a walk. */
struct fat_lfn_state {
	u32 expect;                  /* ordinal the next slot must have; 0: none pending */
	u32 slots;
	u8 sum;
	u16 units[LFN_MAX_SLOTS * LFN_CHARS];
};

/* A walk over a directory's slots, holding the sector it is in. */
struct fat_dir_iter {
	struct inode *dir;
	u32 pos, last;               /* next slot; the one before */
	bool names;                  /* fill in names (else only long names, for lookups) */
	struct buf *b;
	u64 sector;
	struct fat_lfn_state st;
};

void fat_iter_init(struct fat_dir_iter *it, struct inode *dir, u32 pos, bool names);
void fat_iter_done(struct fat_dir_iter *it);
/* The entry at or after it->pos: 1 with *de filled and pos past it, 0 at the end, or -errno. */
int fat_dir_next(struct fat_dir_iter *it, struct fat_dirent *de);
/* 0 when dir has no entries but "." and "..", -ENOTEMPTY, or -errno. */
int fat_dir_is_empty(struct inode *dir);
int fat_dir_find(struct inode *dir, const char *name, size_t len, struct fat_dirent *de);
int fat_dir_count_subdirs(struct inode *dir, u32 *out);
int fat_slot_io(struct super_block *sb, u64 sector, u32 off, u8 *raw, bool write);
int fat_dir_add(struct inode *dir, const u16 *units, u32 n, const u8 *raw,
		struct fat_dirent *de);
int fat_dir_remove(struct inode *dir, u32 first, u32 last);
int fat_dir_dotdot(struct inode *dir, u8 *raw, u64 *sector, u32 *off);
int fat_dir_alias(struct inode *dir, const char *name, size_t len, u8 *out);

/* name.c */
int fat_lfn_to_utf8(const u16 *units, u32 n, char *out, u32 *out_len);
int fat_utf8_to_lfn(const char *name, size_t len, u16 *units, u32 *n);
bool fat_name_eq(const char *a, size_t alen, const char *b, size_t blen);
u8 fat_lfn_checksum(const u8 *short_name);
/*
 * The 8.3 name for name when it needs no long name: 8.3 characters, each
 * part in one case (lower case noted in *ntres, as Windows NT does).
 */
bool fat_short_exact(const char *name, size_t len, u8 *out, u8 *ntres);
/* name's 8.3 form in upper case, when it has one (for comparing). */
bool fat_short_folded(const char *name, size_t len, u8 *out);
/* Upper-case 8.3 basis for name (fatgen103's generation steps 1-6); base length in *blen. */
void fat_short_basis(const char *name, size_t len, u8 *out, u32 *blen);
/* Writes basis with "~n" into out. */
void fat_short_tail(const u8 *basis, u32 blen, u32 n, u8 *out);
void fat_short_to_name(const u8 *raw, char *out, u32 *len);

#endif
