/*
 * The %-format core shared by printk, snprintf and the host tests.
 * Supported: %d %i %u %x %X %o %p %s %c %% with the length modifiers
 * hh h l ll z t, flags '-' '0' '+' ' ' '#', field width and precision
 * (both may be '*'). Unknown conversions are printed literally.
 */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Called once per output character; ctx is passed through untouched. */
typedef void (*format_putc_fn)(char c, void *ctx);

/* Formats into putc; returns the number of characters produced. */
int format_core(format_putc_fn putc, void *ctx, const char *fmt, va_list ap);

/*
 * Like C's vsnprintf: writes at most size bytes including the NUL, always
 * terminates when size > 0, returns the length the full output would have.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
