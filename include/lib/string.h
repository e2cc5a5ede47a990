/*
 * Freestanding string and memory routines. GCC may emit calls to memcpy,
 * memset, memmove and memcmp on its own, so these must always be linked.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Copies at most size-1 chars and terminates; returns -E2BIG on truncation. */
long strscpy(char *dst, const char *src, size_t size);

#endif
