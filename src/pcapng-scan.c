/* pcapng-scan.c - packet comments and decryption secrets of a pcapng file
 * (pcapng-scan.h).  Every length is checked against its block before use. */
#include <stdlib.h>
#include <string.h>
#include "pcapng-scan.h"
#include "util-mem.h"

enum {
	BT_SHB = 0x0A0D0D0A, BT_PB = 2, BT_SPB = 3, BT_EPB = 6, BT_DSB = 0x0A,
	MAGIC = 0x1A2B3C4D, MAGIC_SWAPPED = 0x4D3C2B1A,
	BLOCK_MAX = 16 << 20,
};

struct rd {
	int swap;
	uint8_t *buf;
	size_t cap;
};

static uint32_t u32(const struct rd *r, const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t u16(const struct rd *r, const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, 2);
	return r->swap ? __builtin_bswap16(v) : v;
}

static int room(struct pcapng_extras *x, size_t n)
{
	if (x->bytes + n > PCAPNG_SCAN_MAX_BYTES) {
		x->dropped++;
		return 0;
	}
	x->bytes += n;
	return 1;
}

static void add_comment(struct pcapng_extras *x, size_t pkt, const uint8_t *v, size_t n)
{
	if (room(x, n + 4))
		strtab_add(&x->comment, pkt, (const char *)v, n);
}

/* The options of a packet block from offset off to the trailer. */
static void packet_options(const struct rd *r, const uint8_t *b, size_t len, size_t off,
                           struct pcapng_extras *x, size_t pkt)
{
	while (off + 4 <= len - 4) {
		uint16_t code = u16(r, b + off), n = u16(r, b + off + 2);
		size_t pad = ((size_t)n + 3) & ~(size_t)3;
		if (code == 0 || off + 4 + pad > len - 4)
			return;
		if (code == 1 && n)
			add_comment(x, pkt, b + off + 4, n);
		off += 4 + pad;
	}
}

static void dsb(const struct rd *r, const uint8_t *b, size_t len, struct pcapng_extras *x)
{
	if (len < 20)
		return;
	uint32_t n = u32(r, b + 12);
	if (n > len - 20 || !room(x, n))
		return;
	x->dsb = xrealloc(x->dsb, (x->ndsb + 1) * sizeof *x->dsb);
	struct pcapng_secret *s = &x->dsb[x->ndsb++];
	s->type = u32(r, b + 8);
	s->len = n;
	s->data = xmalloc(n ? n : 1);
	memcpy(s->data, b + 16, n);
}

/* One block whose type and length are known (len checked): read and use it. */
static int block(FILE *f, struct rd *r, uint32_t type, size_t len, struct pcapng_extras *x, size_t *pkt)
{
	if (len > r->cap) {
		r->buf = xrealloc(r->buf, len);
		r->cap = len;
	}
	if (fread(r->buf + 8, 1, len - 8, f) != len - 8)
		return -1;
	if (type == BT_EPB || type == BT_PB) {
		uint32_t caplen = len >= 28 ? u32(r, r->buf + 20) : 0;
		size_t off = 28 + (((size_t)caplen + 3) & ~(size_t)3);
		if (len >= 32 && caplen <= len - 32)
			packet_options(r, r->buf, len, off, x, *pkt);
		++*pkt;
	} else if (type == BT_SPB)
		++*pkt;
	else if (type == BT_DSB)
		dsb(r, r->buf, len, x);
	return 0;
}

int pcapng_scan(FILE *f, struct pcapng_extras *x, char *err, size_t errlen)
{
	struct rd r = { 0 };
	uint8_t h[12];
	size_t pkt = 0;
	int rc = 0;
	memset(x, 0, sizeof *x);
	x->comment.limit = PCAPNG_SCAN_MAX_BYTES;
	while (rc == 0 && fread(h, 1, 8, f) == 8) {
		uint32_t type;
		memcpy(&type, h, 4);
		if (type == BT_SHB) {
			if (fread(h + 8, 1, 4, f) != 4)
				break;
			uint32_t m;
			memcpy(&m, h + 8, 4);
			if (m != MAGIC && m != MAGIC_SWAPPED)
				break;
			r.swap = m == MAGIC_SWAPPED;
			x->is_pcapng = 1;
		} else if (!x->is_pcapng)
			break;               /* pcap, or not a capture: nothing to keep */
		size_t len = u32(&r, h + 4), got = type == BT_SHB ? 12 : 8;
		if (len < 12 || len % 4 || len > BLOCK_MAX) {
			snprintf(err, errlen, "a pcapng block of %zu bytes after packet %zu", len, pkt);
			rc = -1;
			break;
		}
		if (type == BT_SHB)
			rc = fseek(f, (long)(len - got), SEEK_CUR) ? -1 : 0;
		else {
			if (r.cap < 8)
				r.buf = xrealloc(r.buf, r.cap = 64);
			memcpy(r.buf, h, 8);
			rc = block(f, &r, u32(&r, h), len, x, &pkt);
		}
		if (rc)
			snprintf(err, errlen, "the pcapng file ends inside a block after packet %zu", pkt);
	}
	free(r.buf);
	return rc;
}

const char *pcapng_extras_comment(const struct pcapng_extras *x, size_t pkt)
{
	return strtab_get(&x->comment, pkt);
}

void pcapng_extras_free(struct pcapng_extras *x)
{
	strtab_free(&x->comment);
	for (size_t i = 0; i < x->ndsb; i++)
		free(x->dsb[i].data);
	free(x->dsb);
	memset(x, 0, sizeof *x);
}
