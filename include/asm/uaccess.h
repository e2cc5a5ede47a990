/*
 * Copies between kernel and user memory. Every user pointer a system call
 * receives goes through these: a bad one (unmapped, kernel half,
 * non-canonical, wrapping) gives -EFAULT through the fixup table, never a panic.
 */
#ifndef ASM_UACCESS_H
#define ASM_UACCESS_H

#include <tessera/types.h>

/* True when [addr, addr + n) lies wholly in the user half, without wrapping. */
bool access_ok(u64 addr, size_t n);

/* Copy n bytes. 0, or -EFAULT when any byte is unreachable (a prefix may have been copied). */
int copy_from_user(void *dst, const void *usrc, size_t n);
int copy_to_user(void *udst, const void *src, size_t n);
/* Zero n user bytes. 0 or -EFAULT. */
int clear_user(void *udst, size_t n);

/*
 * Copies a NUL-terminated string of at most n bytes (NUL included). Returns
 * its length without the NUL, n when no NUL came within n bytes (dst is
 * then not terminated, as Linux), or -EFAULT.
 */
long strncpy_from_user(char *dst, const char *usrc, size_t n);

/* Turns SMAP's guard on for uaccess (called once CR4.SMAP is set). */
void uaccess_enable_smap(void);

#endif
