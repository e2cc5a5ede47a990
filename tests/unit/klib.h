/*
 * The kernel's lib/ functions under klib_ names, so a test can call them
 * next to glibc's. Keep the list in step with KLIB_SYMS in the Makefile.
 */
#ifndef TESTS_UNIT_KLIB_H
#define TESTS_UNIT_KLIB_H

#define memcpy      klib_memcpy
#define memmove     klib_memmove
#define memset      klib_memset
#define memcmp      klib_memcmp
#define strlen      klib_strlen
#define strnlen     klib_strnlen
#define strcmp      klib_strcmp
#define strncmp     klib_strncmp
#define strchr      klib_strchr
#define strrchr     klib_strrchr
#define strscpy     klib_strscpy
#define format_core klib_format_core
#define vsnprintf   klib_vsnprintf
#define snprintf    klib_snprintf

#include <lib/string.h>
#include <lib/format.h>

#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strchr
#undef strrchr
#undef strscpy
#undef format_core
#undef vsnprintf
#undef snprintf

#endif
