/*
 * The line discipline (drivers/tty/ldisc.c): echo, erase at and after the
 * line start, kill, word erase, Ctrl-C, Ctrl-D, CR/LF handling, raw mode,
 * mode switches, and every buffer running full (no overflow, defined loss).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tessera/errno.h>
#include <tty/ldisc.h>

#define ECHO_MAX 8192

struct capture {
	char echo[ECHO_MAX];
	size_t echo_len;
	int sigint;
};

static struct capture cap;
static struct ldisc ld;

static void echo_cb(void *ctx, const char *s, size_t len)
{
	struct capture *c = ctx;

	assert_true(c->echo_len + len < ECHO_MAX);
	memcpy(c->echo + c->echo_len, s, len);
	c->echo_len += len;
	c->echo[c->echo_len] = '\0';
}

static void signal_cb(void *ctx, int sig)
{
	struct capture *c = ctx;

	assert_int_equal(sig, LDISC_SIGINT);
	c->sigint++;
}

static int setup(void **state)
{
	(void)state;
	memset(&cap, 0, sizeof(cap));
	ldisc_init(&ld, LDISC_CANON | LDISC_ECHO, echo_cb, signal_cb, &cap);
	return 0;
}

static void type(const char *s)
{
	for (; *s; s++)
		ldisc_receive(&ld, (u8)*s);
}

static void type_n(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ldisc_receive(&ld, (u8)s[i]);
}

/* Reads once into a buffer of size len and checks what came out. */
static void expect_read(size_t len, const char *want)
{
	char buf[2048];
	long n;

	assert_true(len <= sizeof(buf));
	n = ldisc_read(&ld, buf, len);
	assert_int_equal(n, (long)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
}

static void expect_nothing(void)
{
	char buf[8];

	assert_false(ldisc_readable(&ld));
	assert_int_equal(ldisc_read(&ld, buf, sizeof(buf)), -EAGAIN);
}

static void expect_eof(void)
{
	char buf[8];

	assert_true(ldisc_readable(&ld));
	assert_int_equal(ldisc_read(&ld, buf, sizeof(buf)), 0);
}

static void test_line_and_echo(void **state)
{
	(void)state;
	type("abc");
	expect_nothing();                       /* no line until Enter */
	type("\r");
	assert_string_equal(cap.echo, "abc\n");
	expect_read(64, "abc\n");
	expect_nothing();
	type("x\n");
	expect_read(64, "x\n");
	type("\r");
	expect_read(64, "\n");                  /* an empty line is a line */
}

/* A terminal's CR LF is one line end; LF LF and CR CR are two. */
static void test_crlf(void **state)
{
	(void)state;
	type("ab\r\ncd\r\n");
	expect_read(64, "ab\n");
	expect_read(64, "cd\n");
	expect_nothing();
	type("\n\n\r\r");
	for (int i = 0; i < 4; i++)
		expect_read(64, "\n");
	expect_nothing();
}

static void test_backspace(void **state)
{
	(void)state;
	type("\x7f\x7f\b");                     /* at the line start: nothing */
	assert_int_equal(cap.echo_len, 0);
	expect_nothing();
	type("ab\x7f" "c\b\bd\r");
	assert_string_equal(cap.echo, "ab\b \bc\b \b\b \bd\n");
	expect_read(64, "d\n");
}

/* A UTF-8 character is erased whole; a ^X echo takes two columns. */
static void test_erase_widths(void **state)
{
	(void)state;
	type("\xc3\xa4\x7f");
	assert_string_equal(cap.echo, "\xc3\xa4\b \b");
	cap.echo_len = 0;
	type("\x1b[A");
	assert_string_equal(cap.echo, "^[[A");
	type("\x7f\x7f\x7f" "z\r");
	assert_string_equal(cap.echo, "^[[A\b \b\b \b\b \b\b \bz\n");
	expect_read(64, "z\n");
}

static void test_arrow_bytes_kept(void **state)
{
	(void)state;
	type("\x1b[A\r");
	expect_read(64, "\x1b[A\n");
}

static void test_kill_line(void **state)
{
	(void)state;
	type("hello\x15");
	assert_string_equal(cap.echo, "hello\b \b\b \b\b \b\b \b\b \b");
	type("\x15x\r");                        /* Ctrl-U on an empty line: nothing */
	expect_read(64, "x\n");
}

static void test_word_erase(void **state)
{
	(void)state;
	type("foo bar  \x17" "baz\r");
	expect_read(64, "foo baz\n");
	type("\x17\x17one\x17two\r");
	expect_read(64, "two\n");
}

static void test_ctrl_c(void **state)
{
	(void)state;
	type("done\r");                         /* unread input is flushed too */
	type("abc\x03");
	assert_int_equal(cap.sigint, 1);
	assert_string_equal(cap.echo + cap.echo_len - 3, "^C\n");
	expect_nothing();
	type("x\r");
	expect_read(64, "x\n");
	type("\x03");
	assert_int_equal(cap.sigint, 2);
	expect_nothing();
}

static void test_ctrl_d(void **state)
{
	(void)state;
	type("\x04");                           /* at the line start: end of file */
	expect_eof();
	expect_nothing();
	type("ab\x04");                         /* mid-line: the line, no newline */
	assert_string_equal(cap.echo, "ab");
	expect_read(64, "ab");
	expect_nothing();
	type("cd\x04\x04");                     /* then EOF after it */
	expect_read(64, "cd");
	expect_eof();
	expect_nothing();
}

static void test_raw_mode(void **state)
{
	static const char bytes[] = "a\r\n\x03\x04\x7f\x15\x1b[A";

	(void)state;
	ldisc_set_mode(&ld, LDISC_ECHO);
	type_n(bytes, sizeof(bytes) - 1);
	assert_int_equal(cap.sigint, 0);
	assert_int_equal(cap.echo_len, sizeof(bytes) - 1);
	assert_memory_equal(cap.echo, bytes, sizeof(bytes) - 1);
	assert_true(ldisc_readable(&ld));
	expect_read(4, "a\r\n\x03");
	expect_read(64, "\x04\x7f\x15\x1b[A");
	expect_nothing();
	/* Without ECHO nothing is echoed. */
	ldisc_set_mode(&ld, 0);
	cap.echo_len = 0;
	type("q");
	assert_int_equal(cap.echo_len, 0);
	expect_read(64, "q");
}

static void test_canon_without_echo(void **state)
{
	(void)state;
	ldisc_set_mode(&ld, LDISC_CANON);
	type("ab\x7f" "c\r");
	assert_int_equal(cap.echo_len, 0);
	expect_read(64, "ac\n");
}

/* A line longer than the buffer: the extra bytes are dropped with a bell. */
static void test_long_line(void **state)
{
	char want[LDISC_LINE_MAX + 1];

	(void)state;
	for (int i = 0; i < 1000; i++)
		type("x");
	assert_int_equal(ld.dropped, 1000 - (LDISC_LINE_MAX - 1));
	assert_int_equal(cap.echo[cap.echo_len - 1], '\a');
	type("\x7f" "y\r");                     /* editing and Enter still work */
	memset(want, 'x', LDISC_LINE_MAX - 2);
	want[LDISC_LINE_MAX - 2] = 'y';
	want[LDISC_LINE_MAX - 1] = '\n';
	want[LDISC_LINE_MAX] = '\0';
	expect_read(LDISC_LINE_MAX + 10, want);
	expect_nothing();
}

/* A reader with a small buffer gets the rest of the line next time. */
static void test_partial_reads(void **state)
{
	(void)state;
	type("abcdefg\rnext\r");
	expect_read(3, "abc");
	expect_read(3, "def");
	expect_read(3, "g\n");
	expect_read(64, "next\n");
	expect_nothing();
	assert_int_equal(ldisc_read(&ld, cap.echo, 0), -EINVAL);
}

/* With no room for a finished line, Enter beeps and the line stays. */
static void test_ready_queue_full(void **state)
{
	char line[201];

	(void)state;
	for (int i = 0; i < LDISC_RECORDS; i++)
		type("a\r");
	cap.echo_len = 0;
	type("b\r");
	assert_string_equal(cap.echo, "b\a");
	expect_read(64, "a\n");
	type("\r");
	for (int i = 1; i < LDISC_RECORDS; i++)
		expect_read(64, "a\n");
	expect_read(64, "b\n");
	expect_nothing();
	/* Bytes run out before records do: 200-byte lines, 1024 bytes. */
	memset(line, 'z', 199);
	line[199] = '\r';
	line[200] = '\0';
	for (int i = 0; i < LDISC_READ_MAX / 200 + 1; i++)
		type(line);
	for (int i = 0; i < LDISC_READ_MAX / 200; i++) {
		line[199] = '\n';
		expect_read(sizeof(line), line);
	}
	expect_nothing();
	type("\r");                             /* the kept line goes in now */
	expect_read(sizeof(line), line);
}

static void test_raw_queue_full(void **state)
{
	char buf[LDISC_READ_MAX];

	(void)state;
	ldisc_set_mode(&ld, 0);
	for (int i = 0; i < 2000; i++)
		ldisc_receive(&ld, (u8)i);
	assert_int_equal(ld.dropped, 2000 - LDISC_READ_MAX);
	assert_int_equal(ldisc_read(&ld, buf, sizeof(buf)), LDISC_READ_MAX);
	for (int i = 0; i < LDISC_READ_MAX; i++)
		assert_int_equal((u8)buf[i], (u8)i);   /* the oldest bytes are kept */
	expect_nothing();
}

static void test_mode_switch(void **state)
{
	(void)state;
	type("ab");
	ldisc_set_mode(&ld, LDISC_ECHO);        /* the partial line becomes readable */
	type("cd");
	expect_read(64, "abcd");
	type("xyz");
	ldisc_set_mode(&ld, LDISC_CANON | LDISC_ECHO);
	expect_read(64, "xyz");                 /* raw bytes form one record */
	expect_nothing();
	type("ok\r");
	expect_read(64, "ok\n");
}

static void test_null_callbacks(void **state)
{
	(void)state;
	ldisc_init(&ld, LDISC_CANON | LDISC_ECHO, NULL, NULL, NULL);
	type("a\x03" "b\x7f\x15" "c\r");
	expect_read(64, "c\n");
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_line_and_echo),
		T(test_crlf),
		T(test_backspace),
		T(test_erase_widths),
		T(test_arrow_bytes_kept),
		T(test_kill_line),
		T(test_word_erase),
		T(test_ctrl_c),
		T(test_ctrl_d),
		T(test_raw_mode),
		T(test_canon_without_echo),
		T(test_long_line),
		T(test_partial_reads),
		T(test_ready_queue_full),
		T(test_raw_queue_full),
		T(test_mode_switch),
		T(test_null_callbacks),
	};

	return cmocka_run_group_tests_name("ldisc", tests, NULL, NULL);
}
