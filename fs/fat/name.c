/*
 * FAT names: UCS-2 long names to UTF-8 and back (unpaired surrogates kept
 * as three-byte sequences, so every name on disk round-trips), the long-name
 * checksum, 8.3 names and their "~N" aliases (fatgen103 section 7).
 */
#include <lib/string.h>
#include <tessera/errno.h>
#include "fat.h"

static u32 put_utf8(char *out, u32 c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static bool is_high(u32 u) { return u >= 0xd800 && u < 0xdc00; }
static bool is_low(u32 u) { return u >= 0xdc00 && u < 0xe000; }

int fat_lfn_to_utf8(const u16 *units, u32 n, char *out, u32 *out_len)
{
	u32 len = 0;

	for (u32 i = 0; i < n; i++) {
		u32 c = units[i];

		if (is_high(c) && i + 1 < n && is_low(units[i + 1])) {
			c = 0x10000 + ((c - 0xd800) << 10) + (units[i + 1] - 0xdc00);
			i++;
		}
		len += put_utf8(out + len, c);
	}
	out[len] = '\0';
	*out_len = len;
	return 0;
}

/* One code point from UTF-8 at s (n bytes left): its length, or 0 when malformed. */
static u32 get_utf8(const u8 *s, size_t n, u32 *c)
{
	u32 need, v;

	if (s[0] < 0x80) {
		*c = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		need = 1, v = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		need = 2, v = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		need = 3, v = s[0] & 0x07;
	else
		return 0;
	if (need >= n)
		return 0;
	for (u32 i = 1; i <= need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v > 0x10ffff || (need == 1 && v < 0x80) || (need == 2 && v < 0x800) ||
	    (need == 3 && v < 0x10000))
		return 0;
	*c = v;
	return need + 1;
}

static bool lfn_bad_char(u32 c)
{
	return c < 0x20 || c == 0x7f || (c < 0x80 && strchr("\"*/:<>?\\|", (int)c));
}

int fat_utf8_to_lfn(const char *name, size_t len, u16 *units, u32 *n)
{
	const u8 *s = (const u8 *)name;
	u32 k = 0;

	if (!len || name[len - 1] == '.' || name[len - 1] == ' ')
		return -EINVAL;         /* Windows drops these: two names would collide */
	for (size_t i = 0; i < len;) {
		u32 c, step = get_utf8(s + i, len - i, &c);

		if (!step || lfn_bad_char(c))
			return -EINVAL;
		i += step;
		if (k + (c >= 0x10000) + 1 > FAT_LFN_MAX)
			return -ENAMETOOLONG;
		if (c >= 0x10000) {
			units[k++] = (u16)(0xd800 + ((c - 0x10000) >> 10));
			c = 0xdc00 + ((c - 0x10000) & 0x3ff);
		}
		units[k++] = (u16)c;
	}
	*n = k;
	return 0;
}

static char fold(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

bool fat_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return false;
	for (size_t i = 0; i < alen; i++)
		if (fold(a[i]) != fold(b[i]))
			return false;
	return true;
}

u8 fat_lfn_checksum(const u8 *short_name)
{
	u8 sum = 0;

	for (int i = 0; i < FAT_NAME_LEN; i++)
		sum = (u8)(((sum & 1) << 7) + (sum >> 1) + short_name[i]);
	return sum;
}

static bool short_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("$%'-_@~`!(){}^#&", c));
}

/* One part of an 8.3 name in one case: FAT_CASE_LOWER_* in *lower when lower. */
static bool short_part_ok(const char *p, size_t n, u8 flag, u8 *lower)
{
	bool up = false, low = false;

	for (size_t i = 0; i < n; i++) {
		up |= p[i] >= 'A' && p[i] <= 'Z';
		low |= p[i] >= 'a' && p[i] <= 'z';
		if (!short_char_ok(fold(p[i])))
			return false;
	}
	if (low)
		*lower |= flag;
	return !(up && low);
}

bool fat_short_exact(const char *name, size_t len, u8 *out, u8 *ntres)
{
	const char *dot = NULL;
	size_t blen, elen;
	u8 lower = 0;

	for (size_t i = 0; i < len; i++) {
		if (name[i] != '.')
			continue;
		if (dot)
			return false;
		dot = name + i;
	}
	blen = dot ? (size_t)(dot - name) : len;
	elen = dot ? len - blen - 1 : 0;
	if (!blen || blen > 8 || elen > 3 || (dot && !elen) ||
	    !short_part_ok(name, blen, FAT_CASE_LOWER_BASE, &lower) ||
	    !short_part_ok(name + blen + 1, elen, FAT_CASE_LOWER_EXT, &lower))
		return false;
	*ntres = lower;
	memset(out, ' ', FAT_NAME_LEN);
	for (size_t i = 0; i < blen; i++)
		out[i] = (u8)fold(name[i]);
	for (size_t i = 0; i < elen; i++)
		out[8 + i] = (u8)fold(name[blen + 1 + i]);
	return true;
}

bool fat_short_folded(const char *name, size_t len, u8 *out)
{
	char up[12];
	u8 ntres;

	if (len > sizeof(up))
		return false;
	for (size_t i = 0; i < len; i++)
		up[i] = fold(name[i]);
	return fat_short_exact(up, len, out, &ntres);
}

/* One character of the basis: upper case, '_' for what 8.3 cannot hold. */
static u8 basis_char(u8 c)
{
	c = (u8)fold((char)c);
	return short_char_ok((char)c) ? c : '_';
}

/* Copies up to max basis characters of s[0..n) (spaces and dots dropped). */
static u32 basis_copy(const u8 *s, size_t n, u8 *out, u32 max)
{
	u32 k = 0;

	for (size_t i = 0; i < n && k < max; i++) {
		if (s[i] == ' ' || s[i] == '.' || (s[i] & 0xc0) == 0x80)
			continue;       /* a multi-byte character becomes one '_' */
		out[k++] = basis_char(s[i]);
	}
	return k;
}

void fat_short_basis(const char *name, size_t len, u8 *out, u32 *blen)
{
	const u8 *s = (const u8 *)name;
	size_t start = 0, last_dot = len;

	while (start < len && (s[start] == '.' || s[start] == ' '))
		start++;
	for (size_t i = start; i < len; i++)
		if (s[i] == '.')
			last_dot = i;
	memset(out, ' ', FAT_NAME_LEN);
	*blen = basis_copy(s + start, last_dot - start, out, 8);
	if (!*blen)
		out[(*blen)++] = '_';
	if (last_dot < len)
		basis_copy(s + last_dot + 1, len - last_dot - 1, out + 8, 3);
}

void fat_short_tail(const u8 *basis, u32 blen, u32 n, u8 *out)
{
	char digits[10];
	u32 nd = 0, keep;

	do {
		digits[nd++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	keep = blen < 7 - nd ? blen : 7 - nd;
	memcpy(out, basis, FAT_NAME_LEN);
	memset(out + keep, ' ', 8 - keep);
	out[keep] = '~';
	for (u32 i = 0; i < nd; i++)
		out[keep + 1 + i] = (u8)digits[nd - 1 - i];
}

/* Appends raw[0..n) trimmed of trailing spaces; bytes >= 0x80 as Latin-1. */
static u32 short_part(const u8 *raw, u32 n, bool lower, char *out)
{
	u32 len = 0;

	while (n && raw[n - 1] == ' ')
		n--;
	for (u32 i = 0; i < n; i++) {
		u8 c = raw[i];

		if (lower && c >= 'A' && c <= 'Z')
			c = (u8)(c - 'A' + 'a');
		len += put_utf8(out + len, c);
	}
	return len;
}

void fat_short_to_name(const u8 *raw, char *out, u32 *len)
{
	u8 base[8];
	u32 n;

	memcpy(base, raw, 8);
	if (base[0] == FAT_DE_KANJI_E5)
		base[0] = FAT_DE_FREE;
	n = short_part(base, 8, raw[DE_NTRES] & FAT_CASE_LOWER_BASE, out);
	if (raw[8] != ' ') {
		out[n++] = '.';
		n += short_part(raw + 8, 3, raw[DE_NTRES] & FAT_CASE_LOWER_EXT, out + n);
	}
	out[n] = '\0';
	*len = n;
}
