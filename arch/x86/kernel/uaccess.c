/*
 * copy_from_user and friends: a range check against the user half, then
 * `rep movsq` + `rep movsb` (or a byte loop for strings) covered by the fixup table,
 * inside STAC/CLAC when SMAP is on (Intel SDM Vol. 3A 4.6.1).
 */
#include <asm/extable.h>
#include <asm/uaccess.h>
#include <mm/vmm.h>
#include <tessera/errno.h>

static bool smap_on;

void uaccess_enable_smap(void)
{
	smap_on = true;
}

/* STAC: kernel accesses to user pages allowed until CLAC. #UD without SMAP. */
static inline void user_access_begin(void)
{
	if (smap_on)
		__asm__ __volatile__("stac" ::: "memory");
}

static inline void user_access_end(void)
{
	if (smap_on)
		__asm__ __volatile__("clac" ::: "memory");
}

bool access_ok(u64 addr, size_t n)
{
	u64 end;

	if (__builtin_add_overflow(addr, n, &end))
		return false;
	return end <= USER_SPACE_END;
}

/*
 * rep movsq, then rep movsb for the last n % 8 bytes, stopping at a fault;
 * returns the bytes left uncopied (approximately, to the word, after a
 * fault in the first part: callers only test for zero). Words rather than
 * bytes: without ERMS (qemu64, older CPUs) and under emulation, rep movsb
 * moves one byte per iteration.
 */
static size_t raw_copy(void *dst, const void *src, size_t n)
{
	size_t left = n / sizeof(u64), tail = n % sizeof(u64);

	user_access_begin();
	__asm__ __volatile__(
		"1: rep movsq\n"
		"   mov %[tail], %%rcx\n"
		"2: rep movsb\n"
		"3:\n"
		EX_FIXUP_BEGIN
		"4: lea (%[tail], %%rcx, 8), %%rcx\n"
		"   jmp 3b\n"
		EX_FIXUP_END
		EX_TABLE(1b, 4b)
		EX_TABLE(2b, 3b)
		: "+D"(dst), "+S"(src), "+c"(left)
		: [tail] "r"(tail)
		: "memory");
	user_access_end();
	return left;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
	if (!access_ok((u64)usrc, n))
		return -EFAULT;
	return raw_copy(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
	if (!access_ok((u64)udst, n))
		return -EFAULT;
	return raw_copy(udst, src, n) ? -EFAULT : 0;
}

int clear_user(void *udst, size_t n)
{
	size_t left = n / sizeof(u64), tail = n % sizeof(u64);

	if (!access_ok((u64)udst, n))
		return -EFAULT;
	user_access_begin();
	/* Words, then the tail; left is non-zero after a fault in either. */
	__asm__ __volatile__(
		"1: rep stosq\n"
		"   mov %[tail], %%rcx\n"
		"2: rep stosb\n"
		"3:\n"
		EX_FIXUP_BEGIN
		"4: lea (%[tail], %%rcx, 8), %%rcx\n"
		"   jmp 3b\n"
		EX_FIXUP_END
		EX_TABLE(1b, 4b)
		EX_TABLE(2b, 3b)
		: "+D"(udst), "+c"(left)
		: "a"(0), [tail] "r"(tail)
		: "memory");
	user_access_end();
	return left ? -EFAULT : 0;
}

/* One user byte into *c. 0 or -EFAULT. */
static int get_user_u8(const char *uaddr, char *c)
{
	int err = 0;
	char v;

	__asm__ __volatile__(
		"1: movb (%[addr]), %[v]\n"
		"2:\n"
		EX_FIXUP_BEGIN
		"3: movl %[efault], %[err]\n\t"
		"xorl %k[v], %k[v]\n\t"
		"jmp 2b\n"
		EX_FIXUP_END
		EX_TABLE(1b, 3b)
		: [err] "+r"(err), [v] "=q"(v)
		: [addr] "r"(uaddr), [efault] "i"(-EFAULT)
		: "memory");
	*c = v;
	return err;
}

long strncpy_from_user(char *dst, const char *usrc, size_t n)
{
	size_t i;

	/* Only the first byte must be valid up front; the walk checks each one. */
	if (n && !access_ok((u64)usrc, 1))
		return -EFAULT;
	user_access_begin();
	for (i = 0; i < n; i++) {
		if ((u64)usrc + i >= USER_SPACE_END || get_user_u8(usrc + i, &dst[i])) {
			user_access_end();
			return -EFAULT;
		}
		if (!dst[i])
			break;
	}
	user_access_end();
	return i;
}
