/*
 * The kernel's lib/ functions under klib_ names, so a test can call them
 * next to glibc's. The names come from KLIB_SYMS in tests/klib.mk, through
 * the klib_names.h it generates.
 */
#ifndef TESTS_UNIT_KLIB_H
#define TESTS_UNIT_KLIB_H

#include <klib_names.h>

#include <lib/string.h>
#include <lib/format.h>

#define KLIB_UNDEF
#include <klib_names.h>
#undef KLIB_UNDEF

#endif
