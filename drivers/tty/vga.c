/*
 * VGA text-mode console: the 80x25 character grid at physical 0xb8000, its
 * hardware cursor, and the few ANSI escapes (colours, clear, home) we emit.
 */
#include <asm/io.h>
#include <asm/page.h>
#include <lib/string.h>
#include <tessera/bootinfo.h>
#include <tessera/console.h>
#include <tessera/errno.h>
#include <tessera/types.h>

#define VGA_TEXT_PHYS     0xb8000UL
#define VGA_TEXT_END      0xc0000UL     /* end of the colour text window */
#define VGA_COLS          80
#define VGA_ROWS          25
#define TAB_WIDTH         8

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

#define ASCII_ESC         0x1b
#define ASCII_DEL         0x7f
#define CP437_SQUARE      0xfe          /* stand-in for bytes we cannot show */

/* SGR colour indices are ANSI order (red=1, blue=4); VGA swaps them. */
static const u8 ansi_to_vga[8] = { 0, 4, 2, 6, 1, 5, 3, 7 };

#define COLOUR_DEFAULT_FG 7             /* light grey */
#define COLOUR_DEFAULT_BG 0             /* black */
#define COLOUR_BRIGHT     8

static u16 *vga_buf;
static unsigned int vga_cols = VGA_COLS;
static unsigned int vga_rows = VGA_ROWS;
static unsigned int cur_x, cur_y;
static bool vga_ready;

/* ANSI state, kept as ANSI indices 0-15 so bold can brighten at use time. */
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

static u8 vga_attr(void)
{
	u8 f = ansi_to_vga[fg & 7] | (fg & COLOUR_BRIGHT);

	if (bold)
		f |= COLOUR_BRIGHT;
	/* Bit 7 of the attribute blinks, so backgrounds stay dark. */
	return (u8)(ansi_to_vga[bg & 7] << 4) | f;
}

static u16 vga_cell(u8 ch)
{
	return (u16)((u16)vga_attr() << 8 | ch);
}

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
	/* After the last column the wrap is pending: show the cursor there. */
	unsigned int x = cur_x < vga_cols ? cur_x : vga_cols - 1;
	u16 pos = (u16)(cur_y * vga_cols + x);

	crtc_write(CRTC_CURSOR_HIGH, (u8)(pos >> 8));
	crtc_write(CRTC_CURSOR_LOW, (u8)pos);
}

static void fill_cells(unsigned int first, unsigned int count)
{
	u16 blank = vga_cell(' ');

	for (unsigned int i = 0; i < count; i++)
		vga_buf[first + i] = blank;
}

static void vga_clear(void)
{
	fill_cells(0, vga_cols * vga_rows);
	cur_x = 0;
	cur_y = 0;
}

static void scroll_up(void)
{
	unsigned int keep = vga_cols * (vga_rows - 1);

	memmove(vga_buf, vga_buf + vga_cols, keep * sizeof(*vga_buf));
	fill_cells(keep, vga_cols);
}

static void newline(void)
{
	cur_x = 0;
	if (cur_y + 1 < vga_rows) {
		cur_y++;
		return;
	}
	scroll_up();
}

static void put_glyph(u8 ch)
{
	if (cur_x >= vga_cols)
		newline();
	vga_buf[cur_y * vga_cols + cur_x] = vga_cell(ch);
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
	if (cur_y >= vga_rows)
		cur_y = vga_rows - 1;
	if (cur_x >= vga_cols)
		cur_x = vga_cols - 1;
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
			vga_clear();
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
		while (cur_x % TAB_WIDTH && cur_x < vga_cols);
		return;
	case '\b':
		if (cur_x > 0)
			cur_x--;
		return;
	}
	if (c < 0x20 || c == ASCII_DEL)
		return;                         /* other controls have no glyph */
	put_glyph(c >= 0x80 ? CP437_SQUARE : c);
}

static void vga_setup(void)
{
	vga_buf = phys_to_virt(VGA_TEXT_PHYS);
	vga_clear();
	cursor_enable();
	cursor_update();
	vga_ready = true;
}

static void vga_write(const char *s, size_t len)
{
	if (!vga_ready)
		vga_setup();
	for (size_t i = 0; i < len; i++)
		put_char((u8)s[i]);
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
