/* pcapng.c - a minimal pcapng writer: one Section Header Block, one
 * Interface Description Block, Enhanced Packet Blocks, Decryption Secrets
 * Blocks and a final Interface Statistics Block.  Blocks are written in host byte order; the SHB's
 * byte-order magic tells readers which one that is.
 *
 * Every block is: type(4) total_length(4) body... options total_length(4),
 * with the body and each option value padded to 4 bytes. */
#include <errno.h>
#include <string.h>

#include "pcapng.h"

#ifndef SMTPTRACE_VERSION
#define SMTPTRACE_VERSION "dev"
#endif

enum {
	BT_SHB = 0x0A0D0D0A, BT_IDB = 0x00000001,
	BT_ISB = 0x00000005, BT_EPB = 0x00000006, BT_DSB = 0x0000000A,
	BYTE_ORDER_MAGIC = 0x1A2B3C4D,
	OPT_ENDOFOPT = 0, OPT_COMMENT = 1,
	SHB_USERAPPL = 4,
	IF_NAME = 2, IF_TSRESOL = 9,
	ISB_IFRECV = 4, ISB_IFDROP = 5, ISB_OSDROP = 7,
	/* option values are 16-bit lengths; keep comments well below that */
	OPT_MAX = 0xfff0,
};

static uint32_t pad4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

/* Size of one option (header + padded value), 0 if it is absent. */
static uint32_t opt_size(const char *s)
{
	size_t n;

	if (!s || !*s)
		return 0;
	n = strlen(s);
	return 4 + pad4(n > OPT_MAX ? OPT_MAX : (uint32_t)n);
}

/* Writes stop at the first failure; the error stays in w->err. */
static void put(struct pcapng_writer *w, const void *p, size_t n)
{
	if (w->err || n == 0)
		return;
	if (fwrite(p, 1, n, w->f) != n)
		w->err = errno ? errno : EIO;
}

static void put_u16(struct pcapng_writer *w, uint16_t v)
{
	put(w, &v, sizeof v);
}

static void put_u32(struct pcapng_writer *w, uint32_t v)
{
	put(w, &v, sizeof v);
}

static void put_pad(struct pcapng_writer *w, uint32_t len)
{
	static const uint8_t zero[4];

	put(w, zero, pad4(len) - len);
}

/* One option with a raw value. */
static void put_opt(struct pcapng_writer *w, uint16_t code,
                    const void *val, uint32_t len)
{
	put_u16(w, code);
	put_u16(w, (uint16_t)len);
	put(w, val, len);
	put_pad(w, len);
}

/* A string option (UTF-8, not NUL-terminated); absent if NULL or empty. */
static void put_opt_str(struct pcapng_writer *w, uint16_t code, const char *s)
{
	size_t n;

	if (!s || !*s)
		return;
	n = strlen(s);
	put_opt(w, code, s, n > OPT_MAX ? OPT_MAX : (uint32_t)n);
}

static void put_endofopt(struct pcapng_writer *w)
{
	put_u32(w, OPT_ENDOFOPT);       /* code 0, length 0 */
}

/* Timestamp as two 32-bit halves, high first (if_tsresol = 9: ns). */
static void put_ts(struct pcapng_writer *w, uint64_t ts_ns)
{
	put_u32(w, (uint32_t)(ts_ns >> 32));
	put_u32(w, (uint32_t)ts_ns);
}

static int result(struct pcapng_writer *w)
{
	return w->err ? -1 : 0;
}

static void write_shb(struct pcapng_writer *w, const char *comment)
{
	const char *appl = "smtptrace " SMTPTRACE_VERSION;
	uint32_t len = 28 + opt_size(appl) + opt_size(comment) + 4;

	put_u32(w, BT_SHB);
	put_u32(w, len);
	put_u32(w, BYTE_ORDER_MAGIC);
	put_u16(w, 1);                  /* major version */
	put_u16(w, 0);                  /* minor version */
	put_u32(w, 0xffffffffu);        /* section length -1: not given */
	put_u32(w, 0xffffffffu);
	put_opt_str(w, OPT_COMMENT, comment);
	put_opt_str(w, SHB_USERAPPL, appl);
	put_endofopt(w);
	put_u32(w, len);
}

static void write_idb(struct pcapng_writer *w, int linktype, uint32_t snaplen,
                      const char *ifname)
{
	uint8_t tsresol = 9;            /* 10^-9 s */
	uint32_t len = 20 + opt_size(ifname) + 8 + 4;

	put_u32(w, BT_IDB);
	put_u32(w, len);
	put_u16(w, (uint16_t)linktype);
	put_u16(w, 0);                  /* reserved */
	put_u32(w, snaplen);
	put_opt_str(w, IF_NAME, ifname);
	put_opt(w, IF_TSRESOL, &tsresol, 1);
	put_endofopt(w);
	put_u32(w, len);
}

int pcapng_open(struct pcapng_writer *w, FILE *f, int linktype, uint32_t snaplen,
                const char *ifname, const char *comment)
{
	w->f = f;
	w->err = f ? 0 : EINVAL;
	write_shb(w, comment);
	write_idb(w, linktype, snaplen, ifname);
	return result(w);
}

int pcapng_write_packet(struct pcapng_writer *w, uint64_t ts_ns,
                        const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                        const char *comment)
{
	uint32_t olen = opt_size(comment);
	uint32_t len;

	if (w->err)
		return -1;
	/* a block length is 32 bits: refuse frames that cannot fit */
	if (caplen > 0x7fff0000u) {
		w->err = EOVERFLOW;
		return -1;
	}
	len = 32 + pad4(caplen) + (olen ? olen + 4 : 0);
	put_u32(w, BT_EPB);
	put_u32(w, len);
	put_u32(w, 0);                  /* interface id */
	put_ts(w, ts_ns);
	put_u32(w, caplen);
	put_u32(w, wirelen < caplen ? caplen : wirelen);
	put(w, data, caplen);
	put_pad(w, caplen);
	if (olen) {
		put_opt_str(w, OPT_COMMENT, comment);
		put_endofopt(w);
	}
	put_u32(w, len);
	return result(w);
}

int pcapng_write_stats(struct pcapng_writer *w, uint64_t ts_ns,
                       uint64_t recv, uint64_t ifdrop, uint64_t osdrop)
{
	uint32_t len = 24 + 3 * 12 + 4;

	put_u32(w, BT_ISB);
	put_u32(w, len);
	put_u32(w, 0);                  /* interface id */
	put_ts(w, ts_ns);
	put_opt(w, ISB_IFRECV, &recv, 8);
	put_opt(w, ISB_IFDROP, &ifdrop, 8);
	put_opt(w, ISB_OSDROP, &osdrop, 8);
	put_endofopt(w);
	put_u32(w, len);
	return result(w);
}

/* Decryption Secrets Block: type(4) length(4) secrets, padded; no options. */
int pcapng_write_secrets(struct pcapng_writer *w, uint32_t type,
                         const void *data, uint32_t len)
{
	uint32_t total;

	if (w->err)
		return -1;
	if (len > 0x7fff0000u) {
		w->err = EOVERFLOW;
		return -1;
	}
	total = 20 + pad4(len);
	put_u32(w, BT_DSB);
	put_u32(w, total);
	put_u32(w, type);
	put_u32(w, len);
	put(w, data, len);
	put_pad(w, len);
	put_u32(w, total);
	return result(w);
}

int pcapng_flush(struct pcapng_writer *w)
{
	if (!w->err && w->f && fflush(w->f) != 0)
		w->err = errno ? errno : EIO;
	return result(w);
}
