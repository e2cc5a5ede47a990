/*
 * VGA text-mode console: the 80x25 character grid at physical 0xb8000 and
 * its hardware cursor. Escape sequences are parsed by drivers/tty/ansi.c.
 */
#include <asm/io.h>
#include <asm/page.h>
#include <lib/string.h>
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/types.h>
#include <tty/ansi.h>

#define VGA_TEXT_PHYS     0xb8000UL
#define VGA_TEXT_END      0xc0000UL     /* end of the colour text window */
#define VGA_COLS          80
#define VGA_ROWS          25

/* CRT controller, colour I/O address (VGA register reference, CRTC regs). */
#define CRTC_INDEX        0x3d4
#define CRTC_DATA         0x3d5
#define CRTC_CURSOR_START 0x0a
#define CRTC_CURSOR_END   0x0b
#define CRTC_CURSOR_HIGH  0x0e
#define CRTC_CURSOR_LOW   0x0f
/* Keep the reserved high bits of the shape registers; bit 5 of START hides. */
#define CURSOR_START_KEEP 0xc0
#define CURSOR_END_KEEP   0xe0
/* Scan lines 14-15 of the 16-line cell: the usual underline cursor. */
#define CURSOR_TOP_LINE   14
#define CURSOR_BOTTOM_LINE 15

#define ASCII_LAST        0x7f          /* CP437 differs from here on */
#define CP437_SQUARE      0xfe          /* stand-in for bytes we cannot show */

/* SGR colour indices are ANSI order (red=1, blue=4); VGA swaps them. */
static const u8 ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

static u16 *vga_buf;
static unsigned int vga_cols = VGA_COLS;
static unsigned int vga_rows = VGA_ROWS;
static struct ansi vga_ansi;
static u8 vga_attr;
static bool vga_ready;

static void crtc_write(u8 reg, u8 val)
{
	outb(CRTC_INDEX, reg);
	outb(CRTC_DATA, val);
}

static u8 crtc_read(u8 reg)
{
	outb(CRTC_INDEX, reg);
	return inb(CRTC_DATA);
}

static void cursor_enable(void)
{
	u8 start = crtc_read(CRTC_CURSOR_START) & CURSOR_START_KEEP;
	u8 end = crtc_read(CRTC_CURSOR_END) & CURSOR_END_KEEP;

	crtc_write(CRTC_CURSOR_START, start | CURSOR_TOP_LINE);
	crtc_write(CRTC_CURSOR_END, end | CURSOR_BOTTOM_LINE);
}

static void cursor_update(void)
{
	u16 pos = (u16)(vga_ansi.row * vga_cols + ansi_cursor_col(&vga_ansi));

	crtc_write(CRTC_CURSOR_HIGH, (u8)(pos >> 8));
	crtc_write(CRTC_CURSOR_LOW, (u8)pos);
}

static u16 vga_cell(u8 ch)
{
	return (u16)((u16)vga_attr << 8 | ch);
}

static void vga_glyph(void *ctx, unsigned int col, unsigned int row, u8 c)
{
	vga_buf[row * vga_cols + col] = vga_cell(c > ASCII_LAST ? CP437_SQUARE : c);
}

static void vga_erase(void *ctx, unsigned int row, unsigned int col,
		      unsigned int count)
{
	u16 *cell = vga_buf + row * vga_cols + col;
	u16 blank = vga_cell(' ');

	for (unsigned int i = 0; i < count; i++)
		cell[i] = blank;
}

static void vga_scroll(void *ctx)
{
	memmove(vga_buf, vga_buf + vga_cols,
		vga_cols * (vga_rows - 1) * sizeof(*vga_buf));
}

/* Bit 7 of the attribute blinks, so backgrounds stay dark. */
static void vga_colours(void *ctx, u8 fg, u8 bg)
{
	u8 f = ansi_to_vga[fg & 7] | (fg & ANSI_COLOUR_BRIGHT);

	vga_attr = (u8)(ansi_to_vga[bg & 7] << 4) | f;
}

static const struct ansi_ops vga_ansi_ops = {
	.glyph   = vga_glyph,
	.erase   = vga_erase,
	.scroll  = vga_scroll,
	.colours = vga_colours,
};

static void vga_setup(void)
{
	vga_buf = phys_to_virt(VGA_TEXT_PHYS);
	ansi_init(&vga_ansi, &vga_ansi_ops, NULL, vga_cols, vga_rows);
	ansi_clear(&vga_ansi);
	cursor_enable();
	cursor_update();
	vga_ready = true;
}

static void vga_write(const char *s, size_t len)
{
	if (!vga_ready)
		vga_setup();
	ansi_write(&vga_ansi, s, len);
	cursor_update();
}

/*
 * GRUB describes the text screen as an EGA-text framebuffer; any other
 * framebuffer means the card is in graphics mode and text memory is unseen.
 */
static int vga_probe(const struct boot_info *bi)
{
	if (!bi->fb.present)
		return 0;
	if (bi->fb.type != BOOT_FB_EGA_TEXT)
		return -ENODEV;
	if (bi->fb.addr != VGA_TEXT_PHYS || bi->fb.width == 0 ||
	    bi->fb.height == 0 || bi->fb.pitch != bi->fb.width * 2 ||
	    VGA_TEXT_PHYS + (u64)bi->fb.pitch * bi->fb.height > VGA_TEXT_END)
		return 0;               /* implausible: keep the BIOS 80x25 */
	vga_cols = bi->fb.width;
	vga_rows = bi->fb.height;
	return 0;
}

static const struct console vga_console = {
	.name  = "vga",
	.probe = vga_probe,
	.write = vga_write,
};
CONSOLE_REGISTER(vga_console);
