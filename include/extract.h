/* extract.h - a bounds-checked read cursor over captured bytes.
 *
 * Two kinds of access, as in tcpdump's extract.h:
 *   - checked: get_*() / cur_skip() / cur_take() return -1 (and read
 *     nothing) when fewer than the needed bytes are left, 0 otherwise; for
 *     what the wire sizes (TCP options, ND options, VLAN tags);
 *   - unchecked: ld_*() read at a raw pointer, for fixed header fields once
 *     pkt_need() (decode_int.h) has proved the whole header is there, and
 *     said whether a short one is truncated or malformed (one check per
 *     header instead of one per field keeps the hot path short).
 * A cursor never grows: cur_clip() only shortens it, so a layer can limit
 * the window to its own length field before handing it to the next layer.
 */
#ifndef SMTPTRACE_EXTRACT_H
#define SMTPTRACE_EXTRACT_H

#include <stdint.h>
#include <stddef.h>
#include <string.h>

struct cur {
	const uint8_t *p;   /* next unread byte */
	size_t len;         /* bytes left */
};

static inline struct cur cur_make(const uint8_t *p, size_t len)
{
	struct cur c = { p, p ? len : 0 };
	return c;
}

static inline uint16_t ld_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}
static inline uint32_t ld_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Shorten the window to at most n bytes (never lengthens it). */
static inline void cur_clip(struct cur *c, size_t n)
{
	if (n < c->len)
		c->len = n;
}

static inline int cur_skip(struct cur *c, size_t n)
{
	if (n > c->len)
		return -1;
	c->p += n;
	c->len -= n;
	return 0;
}

/* Split off the next n bytes as their own window *sub and advance past them. */
static inline int cur_take(struct cur *c, size_t n, struct cur *sub)
{
	if (n > c->len)
		return -1;
	sub->p = c->p;
	sub->len = n;
	return cur_skip(c, n);
}

static inline int get_u8(struct cur *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	return cur_skip(c, 1);
}

static inline int get_be16(struct cur *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = ld_be16(c->p);
	return cur_skip(c, 2);
}

static inline int get_bytes(struct cur *c, void *dst, size_t n)
{
	if (n > c->len)
		return -1;
	memcpy(dst, c->p, n);
	return cur_skip(c, n);
}

#endif
