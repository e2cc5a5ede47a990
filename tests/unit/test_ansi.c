/*
 * The consoles' escape parser (drivers/tty/ansi.c): bytes in, drawing
 * callbacks out. A recorder logs each callback and keeps a shadow screen, so
 * a test checks both the calls made and what a console would show.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <tty/ansi.h>

#define COLS    10
#define ROWS    4
#define LOG_MAX 4096

struct recorder {
	char screen[ROWS][COLS + 1];
	char log[LOG_MAX];
	size_t log_len;
	u8 fg, bg;
};

static struct recorder rec;
static struct ansi a;

static void note(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rec.log + rec.log_len, LOG_MAX - rec.log_len, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && rec.log_len + (size_t)n < LOG_MAX);
	rec.log_len += (size_t)n;
}

static void rec_glyph(void *ctx, unsigned int col, unsigned int row, u8 c)
{
	assert_ptr_equal(ctx, &rec);
	assert_true(col < COLS && row < ROWS);
	rec.screen[row][col] = (char)c;
	note("g%u,%u%c ", row, col, c);
}

static void rec_erase(void *ctx, unsigned int row, unsigned int col, unsigned int count)
{
	assert_ptr_equal(ctx, &rec);
	assert_true(row < ROWS && count > 0 && col + count <= COLS);
	memset(&rec.screen[row][col], ' ', count);
	note("e%u,%u+%u ", row, col, count);
}

static void rec_scroll(void *ctx)
{
	assert_ptr_equal(ctx, &rec);
	memmove(rec.screen[0], rec.screen[1], sizeof(rec.screen[0]) * (ROWS - 1));
	note("s ");
}

static void rec_colours(void *ctx, u8 fg, u8 bg)
{
	assert_ptr_equal(ctx, &rec);
	rec.fg = fg;
	rec.bg = bg;
	note("c%u/%u ", fg, bg);
}

static const struct ansi_ops rec_ops = {
	.glyph = rec_glyph, .erase = rec_erase, .scroll = rec_scroll,
	.colours = rec_colours,
};

static void clear_log(void)
{
	rec.log_len = 0;
	rec.log[0] = '\0';
}

static int setup(void **state)
{
	(void)state;
	memset(&rec, 0, sizeof(rec));
	for (int r = 0; r < ROWS; r++)
		memset(rec.screen[r], '.', COLS);
	ansi_init(&a, &rec_ops, &rec, COLS, ROWS);
	assert_string_equal(rec.log, "c7/0 ");
	clear_log();
	return 0;
}

static void put(const char *s)
{
	ansi_write(&a, s, strlen(s));
}

static void expect_cursor(unsigned int row, unsigned int col)
{
	assert_int_equal(a.row, row);
	assert_int_equal(a.col, col);
}

static void expect_log(const char *log)
{
	assert_string_equal(rec.log, log);
	clear_log();
}

static void test_plain_text(void **state)
{
	(void)state;
	put("hi");
	expect_log("g0,0h g0,1i ");
	expect_cursor(0, 2);
	assert_string_equal(rec.screen[0], "hi........");
}

static void test_wrap_and_scroll(void **state)
{
	(void)state;
	put("0123456789");
	expect_cursor(0, COLS);                 /* wrap pending, not done */
	assert_int_equal(ansi_cursor_col(&a), COLS - 1);
	clear_log();
	put("a");
	expect_cursor(1, 1);
	put("\n\n\nz");
	expect_log("g1,0a s e3,0+10 g3,0z ");
	assert_string_equal(rec.screen[0], "a.........");
	assert_string_equal(rec.screen[3], "z         ");
}

static void test_controls(void **state)
{
	(void)state;
	put("ab\rc");
	assert_string_equal(rec.screen[0], "cb........");
	expect_cursor(0, 1);
	put("\b\b\b");                          /* stops at column 0 */
	expect_cursor(0, 0);
	put("\n");
	expect_cursor(1, 0);
	put("x\t");
	expect_cursor(1, 8);
	assert_string_equal(rec.screen[1], "x       ..");
	put("\t");                              /* to the end of the row, no further */
	expect_cursor(1, COLS);
	put("\b");
	expect_cursor(1, COLS - 1);
	clear_log();
	put("\a\x01\x7f\f");                    /* controls without a glyph */
	expect_log("");
	expect_cursor(1, COLS - 1);
}

static void test_high_bytes_reach_console(void **state)
{
	(void)state;
	put("\xe4");
	expect_log("g0,0\xe4 ");
}

static void test_cursor_position(void **state)
{
	(void)state;
	put("\x1b[3;5H");
	expect_cursor(2, 4);
	put("\x1b[H");
	expect_cursor(0, 0);
	put("\x1b[2;3f");
	expect_cursor(1, 2);
	put("\x1b[99;99H");                     /* clamped to the grid */
	expect_cursor(ROWS - 1, COLS - 1);
	put("\x1b[;5H");                        /* missing row means 1 */
	expect_cursor(0, 4);
	put("\x1b[0;0H");
	expect_cursor(0, 0);
	expect_log("");
}

static void test_cursor_moves(void **state)
{
	(void)state;
	put("\x1b[3;5H\x1b[A");
	expect_cursor(1, 4);
	put("\x1b[2B");
	expect_cursor(3, 4);
	put("\x1b[9B");
	expect_cursor(3, 4);
	put("\x1b[3C");
	expect_cursor(3, 7);
	put("\x1b[20C");
	expect_cursor(3, COLS - 1);
	put("\x1b[4D");
	expect_cursor(3, 5);
	put("\x1b[0D");                         /* a count of 0 means 1 */
	expect_cursor(3, 4);
	put("\x1b[99D\x1b[99A");
	expect_cursor(0, 0);
	put("0123456789\x1b[D");                /* cancels the pending wrap */
	expect_cursor(0, COLS - 2);
}

static void test_erase_display(void **state)
{
	(void)state;
	put("abc\x1b[2J");
	expect_log("g0,0a g0,1b g0,2c e0,0+10 e1,0+10 e2,0+10 e3,0+10 ");
	expect_cursor(0, 0);
	put("\x1b[2;4H\x1b[J");
	expect_log("e1,3+7 e2,0+10 e3,0+10 ");
	put("\x1b[1J");
	expect_log("e0,0+10 e1,0+4 ");
	expect_cursor(1, 3);
	put("\x1b[3J");
	expect_cursor(0, 0);
	clear_log();
	put("\x1b[7J");                         /* unknown mode: nothing */
	expect_log("");
}

static void test_erase_line(void **state)
{
	(void)state;
	put("abcdef\x1b[3D\x1b[K");
	expect_log("g0,0a g0,1b g0,2c g0,3d g0,4e g0,5f e0,3+7 ");
	assert_string_equal(rec.screen[0], "abc       ");
	expect_cursor(0, 3);
	put("\x1b[1K");
	expect_log("e0,0+4 ");
	put("\x1b[2K");
	expect_log("e0,0+10 ");
	put("\r0123456789\x1b[K");                /* pending wrap: erases the last cell */
	assert_string_equal(rec.screen[0], "012345678 ");
}

static void test_colours(void **state)
{
	(void)state;
	put("\x1b[1;31mX\x1b[0mY");
	expect_log("c9/0 g0,0X c7/0 g0,1Y ");
	put("\x1b[44;93m\x1b[22;39;49m\x1b[32m\x1b[m");
	expect_log("c11/4 c7/0 c2/0 c7/0 ");
	put("\x1b[1m\x1b[34m\x1b[22m");         /* bold brightens at use time */
	expect_log("c15/0 c12/0 c4/0 ");
	put("\x1b[38;5;200m\x1b[4m");           /* unsupported: no change */
	expect_log("c4/0 c4/0 ");
}

static void test_malformed(void **state)
{
	(void)state;
	put("\x1b[3\nA");                       /* a control ends the sequence and acts */
	expect_cursor(1, 1);
	expect_log("g1,0A ");
	put("\x1b[?25l\x1b[>c\x1b[1 q");         /* private and intermediate: ignored */
	expect_log("");
	put("\x1b(B\x1b" "7\x1b" "c");          /* two-byte escapes are swallowed */
	expect_log("");
	put("\x1b[12\x1b[2K");                  /* ESC restarts the sequence */
	expect_log("e1,0+10 ");
	put("\x1b[5\xe4");                      /* a high byte ends it and prints */
	expect_log("g1,1\xe4 ");
	put("\x1b[5z\x1b[5Z");                  /* unknown finals are swallowed */
	expect_log("");
	put("\x1b\x01Q");                       /* ESC then a control: both dropped */
	expect_log("g1,2Q ");
}

static void test_long_parameters(void **state)
{
	(void)state;
	put("\x1b[99999999999999999999A");      /* clamped, no overflow */
	expect_cursor(0, 0);
	put("\x1b[99999999999999999999B");
	expect_cursor(ROWS - 1, 0);
	/* Only ANSI_MAX_PARAMS parameters count; the ninth (32) is dropped. */
	put("\x1b[0;0;0;0;0;0;0;0;32m");
	expect_log("c7/0 ");
	put("\x1b[0;0;0;0;0;0;0;31;32;33;34;35;36m");
	expect_log("c1/0 ");
	put("\x1b[2;3;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0H");
	expect_cursor(1, 2);
	put("ok");
	expect_log("g1,2o g1,3k ");
}

static void test_split_across_calls(void **state)
{
	static const char seq[] = "\x1b[1;31mR\x1b[2;3HS\x1b[0m";

	(void)state;
	for (size_t i = 0; i < sizeof(seq) - 1; i++)
		ansi_write(&a, &seq[i], 1);
	expect_log("c9/0 g0,0R g1,2S c7/0 ");
	put("\x1b");
	put("[");
	put("1");
	put("0;");
	put("4");
	put("H");
	expect_cursor(ROWS - 1, 3);
	ansi_write(&a, "", 0);
	expect_log("");
}

static void test_clear_uses_background(void **state)
{
	(void)state;
	put("\x1b[41mA\x1b[2J");
	expect_log("c7/1 g0,0A e0,0+10 e1,0+10 e2,0+10 e3,0+10 ");
	assert_int_equal(rec.bg, 1);
	ansi_clear(&a);
	expect_cursor(0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain_text, setup),
		cmocka_unit_test_setup(test_wrap_and_scroll, setup),
		cmocka_unit_test_setup(test_controls, setup),
		cmocka_unit_test_setup(test_high_bytes_reach_console, setup),
		cmocka_unit_test_setup(test_cursor_position, setup),
		cmocka_unit_test_setup(test_cursor_moves, setup),
		cmocka_unit_test_setup(test_erase_display, setup),
		cmocka_unit_test_setup(test_erase_line, setup),
		cmocka_unit_test_setup(test_colours, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_long_parameters, setup),
		cmocka_unit_test_setup(test_split_across_calls, setup),
		cmocka_unit_test_setup(test_clear_uses_background, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
