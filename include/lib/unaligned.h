/*
 * Loads from byte buffers that may sit at any address (firmware tables, the
 * boot loader's info block, a corrupt image in a unit test): memcpy keeps
 * them free of alignment faults and undefined behaviour. x86 is little-endian,
 * so these are also the little-endian loads the formats specify.
 */
#ifndef LIB_UNALIGNED_H
#define LIB_UNALIGNED_H

#include <tessera/types.h>

static inline u16 get_unaligned_u16(const u8 *p)
{
	u16 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline u32 get_unaligned_u32(const u8 *p)
{
	u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static inline u64 get_unaligned_u64(const u8 *p)
{
	u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

#endif
