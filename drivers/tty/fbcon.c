/*
 * Framebuffer console: draws the built-in 8x16 font on the linear RGB
 * framebuffer GRUB set up. Escape sequences are parsed by drivers/tty/ansi.c,
 * as for the VGA console.
 */
#include <asm/page.h>
#include <lib/string.h>
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/font.h>
#include <tessera/types.h>
#include <tty/ansi.h>

/* Scan lines of a cell the cursor covers: an underline, as on VGA. */
#define CURSOR_TOP_LINE   (FONT_HEIGHT - 2)

/* ANSI order (black, red, green, yellow, blue, magenta, cyan, white), then bright. */
static const u32 palette_rgb[16] = {
	0x000000, 0xaa0000, 0x00aa00, 0xaa5500,
	0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
	0x555555, 0xff5555, 0x55ff55, 0xffff55,
	0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

/* Geometry, copied from the boot info by a successful probe. */
static struct boot_framebuffer fb;
static bool fb_probed, fb_ready;
static u8 *fb_base;
static unsigned int fb_bytes;           /* per pixel: 2, 3 or 4 */
static unsigned int fb_cols, fb_rows;
static u32 palette_px[16];
static u32 cursor_mask;

static struct ansi fb_ansi;
static bool cursor_shown;
static u32 fg_px, bg_px;                /* the colours ansi.c last set */

/* Fit an 8-bit channel into a field of `size` bits (5, 6, 8, or wider). */
static u32 channel(u32 v, u8 size, u8 pos)
{
	v &= 0xff;
	if (size >= 8)
		v <<= size - 8;
	else
		v >>= 8 - size;
	return v << pos;
}

static u32 make_pixel(u32 rgb)
{
	return channel(rgb >> 16, fb.red_size, fb.red_pos) |
	       channel(rgb >> 8, fb.green_size, fb.green_pos) |
	       channel(rgb, fb.blue_size, fb.blue_pos);
}

static u8 *pixel_at(unsigned int x, unsigned int y)
{
	return fb_base + (size_t)y * fb.pitch + (size_t)x * fb_bytes;
}

static void put_pixel(u8 *p, u32 px)
{
	switch (fb_bytes) {
	case 4:
		*(u32 *)p = px;
		break;
	case 3:
		p[0] = (u8)px;
		p[1] = (u8)(px >> 8);
		p[2] = (u8)(px >> 16);
		break;
	default:
		*(u16 *)p = (u16)px;
		break;
	}
}

static void xor_pixel(u8 *p, u32 mask)
{
	switch (fb_bytes) {
	case 4:
		*(u32 *)p ^= mask;
		break;
	case 3:
		p[0] ^= (u8)mask;
		p[1] ^= (u8)(mask >> 8);
		p[2] ^= (u8)(mask >> 16);
		break;
	default:
		*(u16 *)p ^= (u16)mask;
		break;
	}
}

static void fill_rect(unsigned int x, unsigned int y, unsigned int w,
		      unsigned int h, u32 px)
{
	for (unsigned int line = y; line < y + h; line++) {
		u8 *p = pixel_at(x, line);

		for (unsigned int i = 0; i < w; i++, p += fb_bytes)
			put_pixel(p, px);
	}
}

/* Bytes outside the font get a hollow box, so they are seen, not guessed. */
static u8 glyph_row(u8 c, unsigned int y)
{
	if (c >= FONT_FIRST && c <= FONT_LAST)
		return font_8x16[c - FONT_FIRST][y];
	if (y == 2 || y == 13)
		return 0xfe;
	return y > 2 && y < 13 ? 0x82 : 0;
}

static void fb_glyph(void *ctx, unsigned int col, unsigned int row, u8 c)
{
	for (unsigned int y = 0; y < FONT_HEIGHT; y++) {
		u8 bits = glyph_row(c, y);
		u8 *p = pixel_at(col * FONT_WIDTH, row * FONT_HEIGHT + y);

		for (unsigned int x = 0; x < FONT_WIDTH; x++, p += fb_bytes)
			put_pixel(p, bits & (0x80 >> x) ? fg_px : bg_px);
	}
}

static void fb_erase(void *ctx, unsigned int row, unsigned int col,
		     unsigned int count)
{
	fill_rect(col * FONT_WIDTH, row * FONT_HEIGHT, count * FONT_WIDTH,
		  FONT_HEIGHT, bg_px);
}

static void fb_scroll(void *ctx)
{
	size_t row_bytes = (size_t)fb.pitch * FONT_HEIGHT;

	memmove(fb_base, fb_base + row_bytes, row_bytes * (fb_rows - 1));
}

static void fb_colours(void *ctx, u8 fg, u8 bg)
{
	fg_px = palette_px[fg & 15];
	bg_px = palette_px[bg & 15];
}

static const struct ansi_ops fb_ansi_ops = {
	.glyph   = fb_glyph,
	.erase   = fb_erase,
	.scroll  = fb_scroll,
	.colours = fb_colours,
};

/* XOR is its own inverse, so drawing the cursor twice removes it exactly. */
static void cursor_toggle(void)
{
	unsigned int x = ansi_cursor_col(&fb_ansi);

	for (unsigned int y = CURSOR_TOP_LINE; y < FONT_HEIGHT; y++) {
		u8 *p = pixel_at(x * FONT_WIDTH, fb_ansi.row * FONT_HEIGHT + y);

		for (unsigned int i = 0; i < FONT_WIDTH; i++, p += fb_bytes)
			xor_pixel(p, cursor_mask);
	}
	cursor_shown = !cursor_shown;
}

static void fb_setup(void)
{
	fb_base = phys_to_virt(fb.addr);
	for (unsigned int i = 0; i < ARRAY_SIZE(palette_px); i++)
		palette_px[i] = make_pixel(palette_rgb[i]);
	cursor_mask = make_pixel(0xffffff);
	ansi_init(&fb_ansi, &fb_ansi_ops, NULL, fb_cols, fb_rows);
	/* The whole screen, also the margin right of and below the text grid. */
	fill_rect(0, 0, fb.width, fb.height, bg_px);
	fb_ready = true;
}

static void fb_write(const char *s, size_t len)
{
	if (!fb_probed)
		return;
	if (!fb_ready)
		fb_setup();
	if (cursor_shown)
		cursor_toggle();
	ansi_write(&fb_ansi, s, len);
	cursor_toggle();
}

static bool field_fits(u8 pos, u8 size, u8 bpp)
{
	return size > 0 && size <= 16 && pos + size <= bpp;
}

static int fb_probe(const struct boot_info *bi)
{
	const struct boot_framebuffer *f = &bi->fb;
	unsigned int bytes = f->bpp / 8;
	u64 size = (u64)f->pitch * f->height;

	if (!f->present || f->type != BOOT_FB_RGB)
		return -ENODEV;
	if (f->bpp != 32 && f->bpp != 24 && f->bpp != 16)
		return -ENODEV;
	if (f->width < FONT_WIDTH || f->height < FONT_HEIGHT ||
	    (u64)f->pitch < (u64)f->width * bytes)
		return -ENODEV;
	if (!field_fits(f->red_pos, f->red_size, f->bpp) ||
	    !field_fits(f->green_pos, f->green_size, f->bpp) ||
	    !field_fits(f->blue_pos, f->blue_size, f->bpp))
		return -ENODEV;
	/* The boot page tables map only the low 4 GiB into the direct map. */
	if (f->addr == 0 || f->addr >= BOOT_DIRECT_MAP_LIMIT ||
	    size > BOOT_DIRECT_MAP_LIMIT - f->addr)
		return -ENODEV;

	fb = *f;
	fb_bytes = bytes;
	fb_cols = f->width / FONT_WIDTH;
	fb_rows = f->height / FONT_HEIGHT;
	fb_probed = true;
	return 0;
}

static const struct console fb_console = {
	.name  = "fb",
	.probe = fb_probe,
	.write = fb_write,
};
CONSOLE_REGISTER(fb_console);
