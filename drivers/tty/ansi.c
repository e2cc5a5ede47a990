/*
 * The ANSI output parser shared by the VGA and framebuffer consoles: the
 * cursor, the colours and the escape-sequence state of one text grid.
 * Drawing (cells or pixels) is left to the console's ansi_ops.
 */
#include <tty/ansi.h>

#define ASCII_BS          0x08
#define ASCII_TAB         0x09
#define ASCII_LF          0x0a
#define ASCII_CR          0x0d
#define ASCII_ESC         0x1b
#define ASCII_SPACE       0x20
#define ASCII_DEL         0x7f

/* ECMA-48 byte classes: intermediates, parameters and final bytes. */
#define ECMA_INTERMEDIATE_FIRST 0x20
#define ECMA_INTERMEDIATE_LAST  0x2f
#define ECMA_PARAM_LAST         0x3f
#define ECMA_ESC_FINAL_FIRST    0x30
#define ECMA_CSI_FINAL_FIRST    0x40
#define ECMA_FINAL_LAST         0x7e

/* SGR (Select Graphic Rendition) parameters we act on. */
#define SGR_RESET         0
#define SGR_BOLD          1
#define SGR_NORMAL        22
#define SGR_FG_FIRST      30
#define SGR_FG_DEFAULT    39
#define SGR_BG_FIRST      40
#define SGR_BG_DEFAULT    49
#define SGR_FG_BRIGHT_FIRST 90
#define SGR_COLOURS       8

/* Erase-in-display/line modes (ED, EL). */
#define ERASE_TO_END      0
#define ERASE_TO_CURSOR   1
#define ERASE_ALL         2
#define ERASE_SAVED_LINES 3     /* xterm: also the scrollback; we have none */

static void announce_colours(struct ansi *a)
{
	u8 fg = a->fg | (a->bold ? ANSI_COLOUR_BRIGHT : 0);

	a->ops->colours(a->ctx, fg, a->bg);
}

void ansi_init(struct ansi *a, const struct ansi_ops *ops, void *ctx,
	       unsigned int cols, unsigned int rows)
{
	*a = (struct ansi){
		.ops = ops, .ctx = ctx, .cols = cols, .rows = rows,
		.fg = ANSI_DEFAULT_FG, .bg = ANSI_DEFAULT_BG, .state = ANSI_GROUND,
	};
	announce_colours(a);
}

static void erase_rows(struct ansi *a, unsigned int first, unsigned int end)
{
	for (unsigned int r = first; r < end; r++)
		a->ops->erase(a->ctx, r, 0, a->cols);
}

void ansi_clear(struct ansi *a)
{
	erase_rows(a, 0, a->rows);
	a->col = 0;
	a->row = 0;
}

static void newline(struct ansi *a)
{
	a->col = 0;
	if (a->row + 1 < a->rows) {
		a->row++;
		return;
	}
	a->ops->scroll(a->ctx);
	erase_rows(a, a->rows - 1, a->rows);
}

static void put_glyph(struct ansi *a, u8 c)
{
	if (a->col >= a->cols)
		newline(a);
	a->ops->glyph(a->ctx, a->col, a->row, c);
	a->col++;
}

static void sgr(struct ansi *a, unsigned int p)
{
	if (p == SGR_RESET) {
		a->fg = ANSI_DEFAULT_FG;
		a->bg = ANSI_DEFAULT_BG;
		a->bold = false;
	} else if (p == SGR_BOLD) {
		a->bold = true;
	} else if (p == SGR_NORMAL) {
		a->bold = false;
	} else if (p >= SGR_FG_FIRST && p < SGR_FG_FIRST + SGR_COLOURS) {
		a->fg = (u8)(p - SGR_FG_FIRST);
	} else if (p == SGR_FG_DEFAULT) {
		a->fg = ANSI_DEFAULT_FG;
	} else if (p >= SGR_BG_FIRST && p < SGR_BG_FIRST + SGR_COLOURS) {
		a->bg = (u8)(p - SGR_BG_FIRST);
	} else if (p == SGR_BG_DEFAULT) {
		a->bg = ANSI_DEFAULT_BG;
	} else if (p >= SGR_FG_BRIGHT_FIRST && p < SGR_FG_BRIGHT_FIRST + SGR_COLOURS) {
		a->fg = (u8)(p - SGR_FG_BRIGHT_FIRST) | ANSI_COLOUR_BRIGHT;
	}
}

/* Parameters given, at least one: "ESC[m" means "ESC[0m". */
static unsigned int nparams(const struct ansi *a)
{
	return a->nparam < ANSI_MAX_PARAMS ? a->nparam + 1 : ANSI_MAX_PARAMS;
}

/* Counts and positions: 0 and a missing value both mean 1. */
static unsigned int param_or_1(const struct ansi *a, unsigned int i)
{
	return a->param[i] ? a->param[i] : 1;
}

static unsigned int clamp(unsigned int v, unsigned int max)
{
	return v < max ? v : max;
}

static void move_to(struct ansi *a, unsigned int row, unsigned int col)
{
	a->row = clamp(row - 1, a->rows - 1);
	a->col = clamp(col - 1, a->cols - 1);
}

/* Relative moves (CUU, CUD, CUF, CUB) stop at the edges and cancel a pending wrap. */
static void move_by(struct ansi *a, char dir, unsigned int n)
{
	a->col = ansi_cursor_col(a);
	switch (dir) {
	case 'A':
		a->row = a->row > n ? a->row - n : 0;
		break;
	case 'B':
		a->row = clamp(a->row + n, a->rows - 1);
		break;
	case 'C':
		a->col = clamp(a->col + n, a->cols - 1);
		break;
	case 'D':
		a->col = a->col > n ? a->col - n : 0;
		break;
	}
}

static void erase_line(struct ansi *a, unsigned int mode)
{
	unsigned int col = ansi_cursor_col(a);

	if (mode == ERASE_TO_END)
		a->ops->erase(a->ctx, a->row, col, a->cols - col);
	else if (mode == ERASE_TO_CURSOR)
		a->ops->erase(a->ctx, a->row, 0, col + 1);
	else if (mode == ERASE_ALL)
		a->ops->erase(a->ctx, a->row, 0, a->cols);
}

/* ED 2 also homes the cursor, as the consoles always did (and ANSI.SYS does). */
static void erase_display(struct ansi *a, unsigned int mode)
{
	if (mode == ERASE_TO_END) {
		erase_line(a, ERASE_TO_END);
		erase_rows(a, a->row + 1, a->rows);
	} else if (mode == ERASE_TO_CURSOR) {
		erase_rows(a, 0, a->row);
		erase_line(a, ERASE_TO_CURSOR);
	} else if (mode == ERASE_ALL || mode == ERASE_SAVED_LINES) {
		ansi_clear(a);
	}
}

static void csi_dispatch(struct ansi *a, char final)
{
	if (final == 'm') {
		for (unsigned int i = 0; i < nparams(a); i++)
			sgr(a, a->param[i]);
		announce_colours(a);
		return;
	}
	if (final == 'f')               /* HVP: the same as CUP */
		final = 'H';
	switch (final) {
	case 'A':
	case 'B':
	case 'C':
	case 'D':
		move_by(a, final, param_or_1(a, 0));
		break;
	case 'H':
		move_to(a, param_or_1(a, 0), param_or_1(a, 1));
		break;
	case 'J':
		erase_display(a, a->param[0]);
		break;
	case 'K':
		erase_line(a, a->param[0]);
		break;
	default:
		break;                  /* unknown: swallowed */
	}
}

static void csi_start(struct ansi *a)
{
	for (unsigned int i = 0; i < ANSI_MAX_PARAMS; i++)
		a->param[i] = 0;
	a->nparam = 0;
	a->ignore = false;
	a->state = ANSI_CSI;
}

static bool csi_feed(struct ansi *a, u8 c)
{
	if (c >= '0' && c <= '9') {
		if (a->nparam < ANSI_MAX_PARAMS) {
			unsigned int *p = &a->param[a->nparam];

			*p = clamp(*p * 10 + (c - '0'), ANSI_PARAM_MAX);
		}
		return true;
	}
	if (c == ';') {
		if (a->nparam < ANSI_MAX_PARAMS)
			a->nparam++;
		return true;
	}
	if (c >= ECMA_INTERMEDIATE_FIRST && c <= ECMA_PARAM_LAST) {
		a->ignore = true;       /* '?' private modes, intermediates */
		return true;
	}
	if (c >= ECMA_CSI_FINAL_FIRST && c <= ECMA_FINAL_LAST) {
		a->state = ANSI_GROUND;
		if (!a->ignore)
			csi_dispatch(a, (char)c);
		return true;
	}
	a->state = ANSI_GROUND;         /* malformed: drop the sequence */
	return false;
}

/* Returns true when c belonged to an escape sequence and must not print. */
static bool esc_feed(struct ansi *a, u8 c)
{
	if (c == ASCII_ESC) {
		a->state = ANSI_ESC;
		return true;
	}
	switch (a->state) {
	case ANSI_GROUND:
		return false;
	case ANSI_ESC:
		if (c == '[') {
			csi_start(a);
			return true;
		}
		if (c >= ECMA_INTERMEDIATE_FIRST && c <= ECMA_INTERMEDIATE_LAST)
			return true;    /* e.g. ESC ( B: wait for the final byte */
		a->state = ANSI_GROUND;
		return c >= ECMA_ESC_FINAL_FIRST && c <= ECMA_FINAL_LAST;
	case ANSI_CSI:
		return csi_feed(a, c);
	}
	return false;
}

static void put_char(struct ansi *a, u8 c)
{
	if (esc_feed(a, c))
		return;

	switch (c) {
	case ASCII_LF:
		newline(a);
		return;
	case ASCII_CR:
		a->col = 0;
		return;
	case ASCII_TAB:
		do
			put_glyph(a, ' ');
		while (a->col % ANSI_TAB_WIDTH && a->col < a->cols);
		return;
	case ASCII_BS:
		if (a->col > 0)
			a->col--;
		return;
	}
	if (c < ASCII_SPACE || c == ASCII_DEL)
		return;                 /* other controls have no glyph */
	put_glyph(a, c);
}

void ansi_write(struct ansi *a, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		put_char(a, (u8)s[i]);
}
