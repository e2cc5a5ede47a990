/*
 * The ANSI/VT100 output parser shared by the text-drawing consoles: control
 * bytes, CSI sequences (cursor movement, erase, SGR colours) and the cursor
 * on a cols x rows grid. Pure: the console supplies the drawing callbacks.
 */
#ifndef TTY_ANSI_H
#define TTY_ANSI_H

#include <tessera/types.h>

#define ANSI_MAX_PARAMS   8     /* more parameters than this are dropped */
#define ANSI_PARAM_MAX    9999  /* larger numbers are clamped to this */
#define ANSI_TAB_WIDTH    8

/* Colours are ANSI indices: 0-7 black red green yellow blue magenta cyan white, +8 bright. */
#define ANSI_COLOUR_BRIGHT 8
#define ANSI_DEFAULT_FG    7    /* light grey */
#define ANSI_DEFAULT_BG    0    /* black */

/*
 * What a console draws with. Cells are addressed (col, row) from (0, 0); the
 * parser keeps every position inside the grid. Blank cells are drawn in the
 * background colour last passed to colours().
 */
struct ansi_ops {
	/* Draw byte c (0x20-0x7e or 0x80-0xff) in the current colours. */
	void (*glyph)(void *ctx, unsigned int col, unsigned int row, u8 c);
	/* Blank count cells of row, starting at col. */
	void (*erase)(void *ctx, unsigned int row, unsigned int col, unsigned int count);
	/* Move every row up by one; the parser then erases the bottom row. */
	void (*scroll)(void *ctx);
	/* New colours for what follows; fg already includes bold's brightness. */
	void (*colours)(void *ctx, u8 fg, u8 bg);
};

enum ansi_state { ANSI_GROUND, ANSI_ESC, ANSI_CSI };

struct ansi {
	const struct ansi_ops *ops;
	void *ctx;
	unsigned int cols, rows;
	/* The cursor; col == cols means a wrap is pending (the last column was written). */
	unsigned int col, row;
	u8 fg, bg;
	bool bold;
	enum ansi_state state;
	unsigned int param[ANSI_MAX_PARAMS];
	unsigned int nparam;            /* index of the parameter being read */
	bool ignore;                    /* private or intermediate bytes seen */
};

/*
 * Start with the cursor home and default colours (announced through
 * colours()); draws nothing. cols and rows must be at least 1.
 */
void ansi_init(struct ansi *a, const struct ansi_ops *ops, void *ctx,
	       unsigned int cols, unsigned int rows);

/* Interpret bytes; a sequence may be split across calls. */
void ansi_write(struct ansi *a, const char *s, size_t len);

/* Erase the whole grid in the current background and home the cursor. */
void ansi_clear(struct ansi *a);

/* The column to show the cursor in: a pending wrap shows on the last column. */
static inline unsigned int ansi_cursor_col(const struct ansi *a)
{
	return a->col < a->cols ? a->col : a->cols - 1;
}

#endif
