/*
 * The kernel's memory and string routines (include/lib/string.h): string
 * instructions for the bulk copies, plain loops for the rest. GCC also calls
 * memcpy/memset/memmove/memcmp on its own, so these must always be linked.
 */
#include <stddef.h>
#include <stdint.h>

#include <lib/string.h>
#include <tessera/errno.h>

/*
 * At -O2 GCC recognises a byte loop as "memset" or "memcpy" and replaces it
 * with a call to that very function, which here would recurse forever.
 */
#define no_libcall_loops __attribute__((optimize("no-tree-loop-distribute-patterns")))

/*
 * memcpy, memmove and memset use the x86 string instructions, fast on
 * CPUs with ERMS (Intel SDM vol. 1, 7.3.9.3); memcpy moves 8-byte words
 * first, which also helps CPUs (and emulators) without it. The host tests
 * run the same code on the host CPU.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / sizeof(uint64_t), tail = n % sizeof(uint64_t);

	/* Words first: without ERMS (and under emulation) movsb is a byte a step. */
	__asm__ __volatile__("rep movsq\n\t"
			     "mov %[tail], %%rcx\n\t"
			     "rep movsb"
			     : "+D"(d), "+S"(src), "+c"(words)
			     : [tail] "r"(tail)
			     : "memory");
	return dst;
}

/* Copies backwards (direction flag set) when dst lies above src. */
void *memmove(void *dst, const void *src, size_t n)
{
	const unsigned char *s = src;
	unsigned char *d = dst;

	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return memcpy(dst, src, n);
	if (n == 0)
		return dst;
	d += n - 1;
	s += n - 1;
	__asm__ __volatile__("std\n\trep movsb\n\tcld"
			     : "+D"(d), "+S"(s), "+c"(n)
			     :
			     : "memory");
	return dst;
}

#define BYTE_TO_WORD 0x0101010101010101ULL   /* a byte repeated in all eight lanes */

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t words = n / sizeof(uint64_t), tail = n % sizeof(uint64_t);
	uint64_t pattern = (uint64_t)(unsigned char)c * BYTE_TO_WORD;

	/* Words first, as memcpy: zeroing a page is 512 steps, not 4096. */
	__asm__ __volatile__("rep stosq\n\t"
			     "mov %[tail], %%rcx\n\t"
			     "rep stosb"
			     : "+D"(d), "+c"(words)
			     : "a"(pattern), [tail] "r"(tail)
			     : "memory");
	return dst;
}

no_libcall_loops
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a;
	const unsigned char *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

no_libcall_loops
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Reads at most max bytes, so s need not be terminated. */
no_libcall_loops
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Characters compare as unsigned char, as C requires. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y || !*x)
			return *x - *y;
	}
	return 0;
}

/* Searching for '\0' finds the terminator, as in C. */
char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

/*
 * Linux's strscpy: returns the length copied (without the NUL), or -E2BIG
 * if src did not fit; dst is terminated whenever size > 0. Never reads src
 * beyond size bytes.
 */
long strscpy(char *dst, const char *src, size_t size)
{
	size_t i;

	if (size == 0)
		return -E2BIG;
	for (i = 0; i < size - 1 && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
	if (i == size - 1 && src[i])
		return -E2BIG;
	return (long)i;
}
