/* cap-dsb.c - collect the TLS key log of a pcapng file's Decryption Secrets
 * Blocks (see cap-dsb.h; pcapng: draft-ietf-opsawg-pcapng section 4.7). */
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "cap-dsb.h"

#define SHB_TYPE 0x0A0D0D0Au
#define DSB_TYPE 0x0000000Au
#define BOM      0x1A2B3C4Du
#define TLS_KEYLOG 0x544c534bu

static uint32_t rd32(const uint8_t *p, int swap)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* One DSB body b[0..n): secrets type, length, data. */
static void dsb(const uint8_t *b, size_t n, int swap, struct tls_keys *k, struct cap_dsb_stats *st)
{
	if (n < 8)
		return;
	uint32_t type = rd32(b, swap), len = rd32(b + 4, swap);
	if (type != TLS_KEYLOG || len > n - 8 || len > CAP_DSB_MAX_BYTES - st->bytes) {
		st->skipped++;
		return;
	}
	tls_keys_add_text(k, (const char *)b + 8, len);
	st->blocks++;
	st->bytes += len;
}

int cap_dsb_scan(const uint8_t *p, size_t n, struct tls_keys *k, struct cap_dsb_stats *st)
{
	memset(st, 0, sizeof *st);
	if (n < 12 || rd32(p, 0) != SHB_TYPE)
		return -1;
	int swap = 0;
	size_t at = 0;
	while (n - at >= 12) {
		const uint8_t *b = p + at;
		uint32_t type = rd32(b, swap);
		if (type == SHB_TYPE) {                /* a section: its byte order */
			uint32_t bom = rd32(b + 8, 0);
			if (bom != BOM && bom != __builtin_bswap32(BOM))
				return 0;
			swap = bom != BOM;
		}
		uint32_t len = rd32(b + 4, swap);
		if (len < 12 || len % 4 || len > n - at)
			return 0;                      /* damaged or cut short: stop here */
		if (type == DSB_TYPE)
			dsb(b + 8, len - 12, swap, k, st);
		at += len;
	}
	return 0;
}

int cap_dsb_scan_fd(int fd, struct tls_keys *k, struct cap_dsb_stats *st)
{
	struct stat sb;
	memset(st, 0, sizeof *st);
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < 12)
		return -1;
	void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return -1;
	int r = cap_dsb_scan(m, (size_t)sb.st_size, k, st);
	munmap(m, (size_t)sb.st_size);
	return r;
}
