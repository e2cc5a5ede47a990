/*
 * Framebuffer console: draws the built-in 8x16 font on the linear RGB
 * framebuffer GRUB set up, with the same ANSI subset as the VGA console.
 */
#include <asm/page.h>
#include <lib/string.h>
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/font.h>
#include <tessera/types.h>

#define TAB_WIDTH         8
#define ASCII_ESC         0x1b
#define ASCII_DEL         0x7f
/* Scan lines of a cell the cursor covers: an underline, as on VGA. */
#define CURSOR_TOP_LINE   (FONT_HEIGHT - 2)

/* ANSI order (black, red, green, yellow, blue, magenta, cyan, white), then bright. */
static const u32 palette_rgb[16] = {
	0x000000, 0xaa0000, 0x00aa00, 0xaa5500,
	0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
	0x555555, 0xff5555, 0x55ff55, 0xffff55,
	0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

#define COLOUR_DEFAULT_FG 7             /* light grey */
#define COLOUR_DEFAULT_BG 0             /* black */
#define COLOUR_BRIGHT     8

/* Geometry, copied from the boot info by a successful probe. */
static struct boot_framebuffer fb;
static bool fb_probed, fb_ready;
static u8 *fb_base;
static unsigned int fb_bytes;           /* per pixel: 2, 3 or 4 */
static unsigned int fb_cols, fb_rows;
static u32 palette_px[16];
static u32 cursor_mask;

static unsigned int cur_x, cur_y;
static bool cursor_shown;

/* ANSI state, kept as palette indices so bold can brighten at use time. */
static u8 fg = COLOUR_DEFAULT_FG;
static u8 bg = COLOUR_DEFAULT_BG;
static bool bold;

enum esc_state { ESC_NONE, ESC_SEEN, ESC_CSI };

#define ESC_MAX_PARAMS    4
#define ESC_PARAM_MAX     9999          /* clamp so digits cannot overflow */

static enum esc_state esc_state;
static unsigned int esc_param[ESC_MAX_PARAMS];
static unsigned int esc_nparam;         /* index of the parameter being read */
static bool esc_ignore;                 /* private or intermediate bytes seen */

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

static void fill_lines(unsigned int y, unsigned int count, u32 px)
{
	for (unsigned int line = y; line < y + count; line++) {
		u8 *p = pixel_at(0, line);

		for (unsigned int x = 0; x < fb.width; x++, p += fb_bytes)
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

static void draw_cell(unsigned int col, unsigned int row, u8 c)
{
	u8 f = fg | (bold ? COLOUR_BRIGHT : 0);
	u32 fg_px = palette_px[f & 15];
	u32 bg_px = palette_px[bg & 15];

	for (unsigned int y = 0; y < FONT_HEIGHT; y++) {
		u8 bits = glyph_row(c, y);
		u8 *p = pixel_at(col * FONT_WIDTH, row * FONT_HEIGHT + y);

		for (unsigned int x = 0; x < FONT_WIDTH; x++, p += fb_bytes)
			put_pixel(p, bits & (0x80 >> x) ? fg_px : bg_px);
	}
}

/* XOR is its own inverse, so drawing the cursor twice removes it exactly. */
static void cursor_toggle(void)
{
	unsigned int x = cur_x < fb_cols ? cur_x : fb_cols - 1;

	for (unsigned int y = CURSOR_TOP_LINE; y < FONT_HEIGHT; y++) {
		u8 *p = pixel_at(x * FONT_WIDTH, cur_y * FONT_HEIGHT + y);

		for (unsigned int i = 0; i < FONT_WIDTH; i++, p += fb_bytes)
			xor_pixel(p, cursor_mask);
	}
	cursor_shown = !cursor_shown;
}

static void fb_clear(void)
{
	fill_lines(0, fb.height, palette_px[bg & 15]);
	cur_x = 0;
	cur_y = 0;
}

static void scroll_up(void)
{
	size_t row_bytes = (size_t)fb.pitch * FONT_HEIGHT;

	memmove(fb_base, fb_base + row_bytes, row_bytes * (fb_rows - 1));
	fill_lines((fb_rows - 1) * FONT_HEIGHT, FONT_HEIGHT, palette_px[bg & 15]);
}

static void newline(void)
{
	cur_x = 0;
	if (cur_y + 1 < fb_rows) {
		cur_y++;
		return;
	}
	scroll_up();
}

static void put_glyph(u8 c)
{
	if (cur_x >= fb_cols)
		newline();
	draw_cell(cur_x, cur_y, c);
	cur_x++;
}

static void sgr(unsigned int p)
{
	if (p == 0) {
		fg = COLOUR_DEFAULT_FG;
		bg = COLOUR_DEFAULT_BG;
		bold = false;
	} else if (p == 1) {
		bold = true;
	} else if (p == 22) {
		bold = false;
	} else if (p >= 30 && p <= 37) {
		fg = (u8)(p - 30);
	} else if (p == 39) {
		fg = COLOUR_DEFAULT_FG;
	} else if (p >= 40 && p <= 47) {
		bg = (u8)(p - 40);
	} else if (p == 49) {
		bg = COLOUR_DEFAULT_BG;
	} else if (p >= 90 && p <= 97) {
		fg = (u8)(p - 90) | COLOUR_BRIGHT;
	}
}

static void move_to(unsigned int row, unsigned int col)
{
	/* ANSI positions count from 1; 0 and a missing value mean 1. */
	cur_y = row ? row - 1 : 0;
	cur_x = col ? col - 1 : 0;
	if (cur_y >= fb_rows)
		cur_y = fb_rows - 1;
	if (cur_x >= fb_cols)
		cur_x = fb_cols - 1;
}

static void csi_dispatch(char final)
{
	switch (final) {
	case 'm':
		for (unsigned int i = 0; i <= esc_nparam; i++)
			sgr(esc_param[i]);
		break;
	case 'J':
		if (esc_param[0] == 2 || esc_param[0] == 3)
			fb_clear();
		break;
	case 'H':
	case 'f':
		move_to(esc_param[0], esc_param[1]);
		break;
	default:
		break;                  /* unknown: swallowed */
	}
}

static void csi_start(void)
{
	memset(esc_param, 0, sizeof(esc_param));
	esc_nparam = 0;
	esc_ignore = false;
	esc_state = ESC_CSI;
}

static bool csi_feed(u8 c)
{
	if (c >= '0' && c <= '9') {
		unsigned int *p = &esc_param[esc_nparam];

		if (*p <= ESC_PARAM_MAX)
			*p = *p * 10 + (c - '0');
		return true;
	}
	if (c == ';') {
		if (esc_nparam + 1 < ESC_MAX_PARAMS)
			esc_nparam++;
		return true;
	}
	if (c >= 0x20 && c <= 0x3f) {          /* '?' and other private bytes */
		esc_ignore = true;
		return true;
	}
	if (c >= 0x40 && c <= 0x7e) {          /* final byte */
		esc_state = ESC_NONE;
		if (!esc_ignore)
			csi_dispatch((char)c);
		return true;
	}
	esc_state = ESC_NONE;                   /* malformed: drop the sequence */
	return false;
}

/* Returns true when c belonged to an escape sequence and must not print. */
static bool esc_feed(u8 c)
{
	if (c == ASCII_ESC) {
		esc_state = ESC_SEEN;
		return true;
	}
	switch (esc_state) {
	case ESC_NONE:
		return false;
	case ESC_SEEN:
		if (c == '[') {
			csi_start();
			return true;
		}
		if (c >= 0x20 && c <= 0x2f)     /* intermediate, e.g. ESC ( B */
			return true;
		esc_state = ESC_NONE;
		return c >= 0x30 && c <= 0x7e;  /* two-byte sequence ends here */
	case ESC_CSI:
		return csi_feed(c);
	}
	return false;
}

static void put_char(u8 c)
{
	if (esc_feed(c))
		return;

	switch (c) {
	case '\n':
		newline();
		return;
	case '\r':
		cur_x = 0;
		return;
	case '\t':
		do
			put_glyph(' ');
		while (cur_x % TAB_WIDTH && cur_x < fb_cols);
		return;
	case '\b':
		if (cur_x > 0)
			cur_x--;
		return;
	}
	if (c < 0x20 || c == ASCII_DEL)
		return;                         /* other controls have no glyph */
	put_glyph(c);
}

static void fb_setup(void)
{
	fb_base = phys_to_virt(fb.addr);
	for (unsigned int i = 0; i < ARRAY_SIZE(palette_px); i++)
		palette_px[i] = make_pixel(palette_rgb[i]);
	cursor_mask = make_pixel(0xffffff);
	fb_clear();
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
	for (size_t i = 0; i < len; i++)
		put_char((u8)s[i]);
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
