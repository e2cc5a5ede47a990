/*
 * Multiboot2 info block -> struct boot_info. Trusts nothing in the block:
 * every size is checked against what may be read before it is used, so a
 * corrupt block gives -EINVAL instead of a read past its end.
 */
#include <boot/multiboot2.h>
#include <lib/string.h>
#include <lib/unaligned.h>
#include <tessera/compiler.h>
#include <tessera/errno.h>

#define MB2_HEADER_SIZE     8    /* total_size + reserved */
#define MB2_TAG_HEADER_SIZE 8    /* type + size */
#define MB2_MIN_TOTAL       (MB2_HEADER_SIZE + MB2_TAG_HEADER_SIZE)
#define MB2_MODULE_FIXED    16   /* type, size, mod_start, mod_end */
#define MB2_MEMINFO_SIZE    16
#define MB2_MMAP_FIXED      16   /* type, size, entry_size, entry_version */
#define MB2_MMAP_MIN_ENTRY  24   /* addr, len, type (+ zero) */
#define MB2_FB_FIXED        32   /* through the reserved u16 */
#define MB2_FB_RGB_INFO     6    /* red/green/blue position and size */

/* A tag as found in the block: start and size, already bounds-checked. */
struct tag {
	const u8 *p;
	u32 type;
	u32 size;
};

/* A string field of len bytes at s; returns NULL if it has no NUL. */
static const char *checked_string(const u8 *s, size_t len)
{
	const char *str = (const char *)s;

	return strnlen(str, len) < len ? str : NULL;
}

static int parse_string(const struct tag *t, const char **dst)
{
	const char *s = checked_string(t->p + MB2_TAG_HEADER_SIZE,
				       t->size - MB2_TAG_HEADER_SIZE);

	if (!s)
		return -EINVAL;
	*dst = s;
	return 0;
}

static int parse_module(const struct tag *t, struct boot_info *out)
{
	if (t->size < MB2_MODULE_FIXED)
		return -EINVAL;

	u32 start = get_unaligned_u32(t->p + 8);
	u32 end = get_unaligned_u32(t->p + 12);
	const char *cmdline = checked_string(t->p + MB2_MODULE_FIXED,
					     t->size - MB2_MODULE_FIXED);
	if (end < start || !cmdline)
		return -EINVAL;

	if (out->module_count >= BOOT_MAX_MODULES) {
		out->modules_truncated = true;
		return 0;
	}
	struct boot_module *m = &out->modules[out->module_count++];
	m->start = start;
	m->end = end;
	m->cmdline = cmdline;
	return 0;
}

static int parse_meminfo(const struct tag *t, struct boot_info *out)
{
	if (t->size < MB2_MEMINFO_SIZE)
		return -EINVAL;
	out->has_meminfo = true;
	out->mem_lower_kib = get_unaligned_u32(t->p + 8);
	out->mem_upper_kib = get_unaligned_u32(t->p + 12);
	return 0;
}

/*
 * entry_size lets newer boot loaders append fields to each entry; we read
 * only the first 20 bytes. Trailing bytes that do not make a whole entry
 * are ignored.
 */
static int parse_mmap(const struct tag *t, struct boot_info *out)
{
	if (t->size < MB2_MMAP_FIXED)
		return -EINVAL;

	u32 entry_size = get_unaligned_u32(t->p + 8);
	if (entry_size < MB2_MMAP_MIN_ENTRY || entry_size % 8 != 0)
		return -EINVAL;

	for (size_t off = MB2_MMAP_FIXED; t->size - off >= entry_size;
	     off += entry_size) {
		if (out->mmap_count >= BOOT_MAX_MMAP) {
			out->mmap_truncated = true;
			return 0;
		}
		const u8 *e = t->p + off;
		struct boot_mmap_entry *m = &out->mmap[out->mmap_count++];
		m->addr = get_unaligned_u64(e);
		m->len = get_unaligned_u64(e + 8);
		m->type = get_unaligned_u32(e + 16);
	}
	return 0;
}

/* Colour positions are only present (and only read) for direct RGB. */
static int parse_framebuffer(const struct tag *t, struct boot_info *out)
{
	if (t->size < MB2_FB_FIXED)
		return -EINVAL;

	struct boot_framebuffer *fb = &out->fb;
	fb->present = true;
	fb->addr = get_unaligned_u64(t->p + 8);
	fb->pitch = get_unaligned_u32(t->p + 16);
	fb->width = get_unaligned_u32(t->p + 20);
	fb->height = get_unaligned_u32(t->p + 24);
	fb->bpp = t->p[28];
	fb->type = t->p[29];

	if (fb->type != BOOT_FB_RGB ||
	    t->size < MB2_FB_FIXED + MB2_FB_RGB_INFO)
		return 0;
	const u8 *c = t->p + MB2_FB_FIXED;
	fb->red_pos = c[0];
	fb->red_size = c[1];
	fb->green_pos = c[2];
	fb->green_size = c[3];
	fb->blue_pos = c[4];
	fb->blue_size = c[5];
	return 0;
}

/* The tag body is the RSDP itself; an ACPI 2.0 copy wins over a 1.0 one. */
static void parse_acpi(const struct tag *t, struct boot_info *out)
{
	u8 revision = t->type == MB2_TAG_ACPI_NEW ? 2 : 1;

	if (revision < out->rsdp_revision)
		return;
	out->rsdp = t->p + MB2_TAG_HEADER_SIZE;
	out->rsdp_len = t->size - MB2_TAG_HEADER_SIZE;
	out->rsdp_revision = revision;
}

static int parse_tag(const struct tag *t, struct boot_info *out)
{
	switch (t->type) {
	case MB2_TAG_CMDLINE:
		return parse_string(t, &out->cmdline);
	case MB2_TAG_BOOTLOADER:
		return parse_string(t, &out->bootloader);
	case MB2_TAG_MODULE:
		return parse_module(t, out);
	case MB2_TAG_BASIC_MEMINFO:
		return parse_meminfo(t, out);
	case MB2_TAG_MMAP:
		return parse_mmap(t, out);
	case MB2_TAG_FRAMEBUFFER:
		return parse_framebuffer(t, out);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		parse_acpi(t, out);
		return 0;
	}
	return 0;   /* unknown tags are skipped, as the spec asks */
}

/*
 * Offsets are size_t and every comparison is "remaining >= needed", so no
 * u32 size from the block can wrap the arithmetic.
 */
int mb2_parse(const void *info, size_t avail, struct boot_info *out)
{
	const u8 *base = info;

	memset(out, 0, sizeof(*out));
	out->cmdline = "";
	out->bootloader = "";

	if (!info || avail < MB2_MIN_TOTAL)
		return -EINVAL;
	u32 total = get_unaligned_u32(base);
	if (total < MB2_MIN_TOTAL || total > avail)
		return -EINVAL;
	out->info_size = total;

	size_t off = MB2_HEADER_SIZE;
	while (off <= total && total - off >= MB2_TAG_HEADER_SIZE) {
		struct tag t = {
			.p = base + off,
			.type = get_unaligned_u32(base + off),
			.size = get_unaligned_u32(base + off + 4),
		};
		if (t.size < MB2_TAG_HEADER_SIZE || t.size > total - off)
			return -EINVAL;
		if (t.type == MB2_TAG_END)
			return 0;

		int err = parse_tag(&t, out);
		if (err)
			return err;
		off += ALIGN_UP((size_t)t.size, (size_t)MB2_TAG_ALIGN);
	}
	return -EINVAL;   /* ran out of block before the end tag */
}
