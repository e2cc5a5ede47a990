/*
 * The %-format engine behind printk and snprintf: parses one conversion at a
 * time and hands every output character to a caller-supplied putc. Output
 * matches glibc's printf for everything include/lib/format.h lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <lib/format.h>

#define FL_LEFT   0x01u   /* '-': pad on the right */
#define FL_ZERO   0x02u   /* '0': pad with zeros after the sign/prefix */
#define FL_PLUS   0x04u   /* '+': always print a sign */
#define FL_SPACE  0x08u   /* ' ': a space where '+' would go */
#define FL_ALT    0x10u   /* '#': 0x/0X prefix, or a leading 0 for octal */

/* Large enough for a 64-bit value in octal (22 digits). */
#define NUM_BUF   24

/* Caps parsed widths so that "%99999999999d" cannot overflow an int. */
#define MAX_FIELD 0x7fffff

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T };

struct sink {
	format_putc_fn putc;
	void *ctx;
	int count;
};

struct spec {
	unsigned flags;
	int width;
	int prec;           /* -1 when no precision was given */
	enum length len;
	char conv;
};

static void emit(struct sink *s, char c)
{
	s->putc(c, s->ctx);
	s->count++;
}

static void emit_repeat(struct sink *s, char c, int n)
{
	for (; n > 0; n--)
		emit(s, c);
}

static void emit_str(struct sink *s, const char *str, int n)
{
	for (int i = 0; i < n; i++)
		emit(s, str[i]);
}

static int parse_uint(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		if (v < MAX_FIELD)
			v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

static void parse_flags(const char **p, struct spec *sp)
{
	for (;; (*p)++) {
		switch (**p) {
		case '-': sp->flags |= FL_LEFT; break;
		case '0': sp->flags |= FL_ZERO; break;
		case '+': sp->flags |= FL_PLUS; break;
		case ' ': sp->flags |= FL_SPACE; break;
		case '#': sp->flags |= FL_ALT; break;
		default: return;
		}
	}
}

/* A negative '*' width means left-justify, as C specifies. */
static void parse_width(const char **p, struct spec *sp, va_list *ap)
{
	if (**p != '*') {
		sp->width = parse_uint(p);
		return;
	}
	(*p)++;
	int w = va_arg(*ap, int);
	/* Unsigned negation: -INT_MIN would overflow. */
	unsigned mag = w < 0 ? 0u - (unsigned)w : (unsigned)w;
	if (w < 0)
		sp->flags |= FL_LEFT;
	sp->width = mag > MAX_FIELD ? MAX_FIELD : (int)mag;
}

/* A negative '*' precision counts as no precision at all. */
static void parse_prec(const char **p, struct spec *sp, va_list *ap)
{
	sp->prec = -1;
	if (**p != '.')
		return;
	(*p)++;
	if (**p != '*') {
		sp->prec = parse_uint(p);
		return;
	}
	(*p)++;
	int pr = va_arg(*ap, int);
	sp->prec = pr < 0 ? -1 : (pr > MAX_FIELD ? MAX_FIELD : pr);
}

static void parse_length(const char **p, struct spec *sp)
{
	sp->len = LEN_NONE;
	switch (**p) {
	case 'h':
		(*p)++;
		sp->len = LEN_H;
		if (**p == 'h') {
			(*p)++;
			sp->len = LEN_HH;
		}
		return;
	case 'l':
		(*p)++;
		sp->len = LEN_L;
		if (**p == 'l') {
			(*p)++;
			sp->len = LEN_LL;
		}
		return;
	case 'z': (*p)++; sp->len = LEN_Z; return;
	case 't': (*p)++; sp->len = LEN_T; return;
	}
}

/* Fetches a signed argument and narrows it the way the modifier says. */
static int64_t arg_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H:  return (short)va_arg(*ap, int);
	case LEN_L:  return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:  return va_arg(*ap, ptrdiff_t);   /* signed size_t */
	case LEN_T:  return va_arg(*ap, ptrdiff_t);
	default:     return va_arg(*ap, int);
	}
}

static uint64_t arg_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:  return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:  return va_arg(*ap, size_t);
	case LEN_T:  return va_arg(*ap, size_t);      /* unsigned ptrdiff_t */
	default:     return va_arg(*ap, unsigned int);
	}
}

/* Writes the digits of v backwards into the end of buf; returns the count. */
static int to_digits(char *buf, uint64_t v, unsigned base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	while (v) {
		buf[NUM_BUF - 1 - n++] = digits[v % base];
		v /= base;
	}
	return n;
}

/* Sign, then "0x"/"0X" for '#' hex (never for 0, as C says); returns length. */
static int make_prefix(char *prefix, const struct spec *sp, uint64_t mag,
		       int negative, unsigned base)
{
	int plen = 0;

	if (negative)
		prefix[plen++] = '-';
	else if (sp->flags & FL_PLUS)
		prefix[plen++] = '+';
	else if (sp->flags & FL_SPACE)
		prefix[plen++] = ' ';
	if (base == 16 && (sp->flags & FL_ALT) && mag != 0) {
		prefix[plen++] = '0';
		prefix[plen++] = sp->conv == 'X' ? 'X' : 'x';
	}
	return plen;
}

/*
 * Lays out [pad][sign][0x][zeros][digits][pad]. A precision of 0 prints no
 * digits for 0; '#' with octal forces one leading zero; '0' is ignored when
 * a precision is given or '-' is set, all as C and glibc do.
 */
static void put_number(struct sink *s, const struct spec *sp, uint64_t mag,
		       int negative, unsigned base)
{
	char buf[NUM_BUF], prefix[3];
	int ndig = to_digits(buf, mag, base, sp->conv == 'X');
	int plen = make_prefix(prefix, sp, mag, negative, base);
	int prec = sp->prec < 0 ? 1 : sp->prec;
	int zeros = prec > ndig ? prec - ndig : 0;

	if (base == 8 && (sp->flags & FL_ALT) && zeros == 0 &&
	    (ndig == 0 || mag != 0))
		zeros = 1;

	int pad = sp->width - (plen + zeros + ndig);
	if (pad < 0)
		pad = 0;
	int zero_pad = (sp->flags & FL_ZERO) && !(sp->flags & FL_LEFT) &&
		       sp->prec < 0;

	if (!(sp->flags & FL_LEFT) && !zero_pad)
		emit_repeat(s, ' ', pad);
	emit_str(s, prefix, plen);
	emit_repeat(s, '0', zeros + (zero_pad ? pad : 0));
	emit_str(s, buf + NUM_BUF - ndig, ndig);
	if (sp->flags & FL_LEFT)
		emit_repeat(s, ' ', pad);
}

static void put_padded(struct sink *s, const struct spec *sp,
		       const char *str, int len)
{
	int pad = sp->width > len ? sp->width - len : 0;

	if (!(sp->flags & FL_LEFT))
		emit_repeat(s, ' ', pad);
	emit_str(s, str, len);
	if (sp->flags & FL_LEFT)
		emit_repeat(s, ' ', pad);
}

/*
 * Never reads past the precision, so "%.3s" may point at an unterminated
 * buffer. Like glibc, NULL prints "(null)", or nothing if the precision is
 * too small to show all of it.
 */
static void put_string(struct sink *s, const struct spec *sp, const char *str)
{
	static const char null_str[] = "(null)";
	int len = 0;

	if (!str) {
		int fits = sp->prec < 0 || sp->prec >= (int)sizeof(null_str) - 1;
		str = null_str;
		len = fits ? (int)sizeof(null_str) - 1 : 0;
	} else {
		while ((sp->prec < 0 || len < sp->prec) && str[len])
			len++;
	}
	put_padded(s, sp, str, len);
}

/* glibc's %p: "(nil)" for NULL, otherwise %#lx with the caller's flags. */
static void put_pointer(struct sink *s, const struct spec *sp, const void *p)
{
	if (!p) {
		put_padded(s, sp, "(nil)", 5);
		return;
	}
	struct spec hex = *sp;
	hex.flags |= FL_ALT;
	hex.conv = 'x';
	put_number(s, &hex, (uintptr_t)p, 0, 16);
}

static void put_signed(struct sink *s, const struct spec *sp, va_list *ap)
{
	int64_t v = arg_signed(sp, ap);
	/* Negate in unsigned arithmetic so INT64_MIN does not overflow. */
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	put_number(s, sp, mag, v < 0, 10);
}

/* C gives '+' and ' ' meaning only for signed conversions. */
static void put_unsigned(struct sink *s, const struct spec *sp, va_list *ap,
			 unsigned base)
{
	struct spec u = *sp;

	u.flags &= ~(FL_PLUS | FL_SPACE);
	put_number(s, &u, arg_unsigned(sp, ap), 0, base);
}

/* Returns 0 if conv is not a conversion we know. */
static int convert(struct sink *s, const struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i':
		put_signed(s, sp, ap);
		return 1;
	case 'u': put_unsigned(s, sp, ap, 10); return 1;
	case 'x':
	case 'X': put_unsigned(s, sp, ap, 16); return 1;
	case 'o': put_unsigned(s, sp, ap, 8); return 1;
	case 'p': put_pointer(s, sp, va_arg(*ap, const void *)); return 1;
	case 's': put_string(s, sp, va_arg(*ap, const char *)); return 1;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_padded(s, sp, &c, 1);
		return 1;
	}
	case '%':
		emit(s, '%');   /* glibc ignores width and flags here */
		return 1;
	}
	return 0;
}

/* Handles one directive starting just after '%'; returns where to resume. */
static const char *directive(struct sink *s, const char *start, va_list *ap)
{
	const char *p = start;
	struct spec sp = { 0 };

	parse_flags(&p, &sp);
	parse_width(&p, &sp, ap);
	parse_prec(&p, &sp, ap);
	parse_length(&p, &sp);
	sp.conv = *p;

	if (sp.conv && convert(s, &sp, ap))
		return p + 1;

	/* Unknown or truncated directive: show it as written. */
	if (sp.conv)
		p++;
	emit(s, '%');
	emit_str(s, start, (int)(p - start));
	return p;
}

int format_core(format_putc_fn putc, void *ctx, const char *fmt, va_list ap)
{
	struct sink s = { .putc = putc, .ctx = ctx, .count = 0 };
	va_list args;

	/* A copy we can pass by pointer: va_list may be an array type. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			emit(&s, *fmt++);
			continue;
		}
		fmt = directive(&s, fmt + 1, &args);
	}
	va_end(args);
	return s.count;
}

struct buf_ctx {
	char *buf;
	size_t size;
	size_t pos;
};

/* Keeps counting past the end so vsnprintf can report the full length. */
static void buf_putc(char c, void *ctx)
{
	struct buf_ctx *b = ctx;

	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { .buf = buf, .size = size, .pos = 0 };
	int n = format_core(buf_putc, &b, fmt, ap);

	if (size > 0)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
