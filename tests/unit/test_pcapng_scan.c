/* test_pcapng_scan.c - pcapng_scan() finds what libpcap hides (packet
 * comments by packet index, DSBs), in our own byte order and swapped, and
 * stops cleanly on broken block lengths, a file cut inside a block, a pcap
 * file and garbage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "pcapng.h"
#include "pcapng-scan.h"

static const uint8_t pkt[61] = { 1, 2, 3 };

/* A pcapng in memory: 4 packets (comments on 1 and 3), a DSB after packet 0. */
static size_t make(char *buf, size_t cap)
{
	FILE *f = fmemopen(buf, cap, "wb");
	struct pcapng_writer w;
	pcapng_open(&w, f, 1, 65535, "eth0", "section");
	pcapng_write_packet(&w, 1, pkt, sizeof pkt, sizeof pkt, NULL);
	pcapng_write_secrets(&w, PCAPNG_SECRETS_TLS_KEYLOG, "CLIENT_RANDOM x y\n", 18);
	pcapng_write_packet(&w, 2, pkt, sizeof pkt, sizeof pkt, "one");
	pcapng_write_packet(&w, 3, pkt, 3, 3, NULL);
	pcapng_write_packet(&w, 4, pkt, 4, 4, "three, longer");
	pcapng_flush(&w);
	size_t n = (size_t)ftell(f);
	fclose(f);
	return n;
}

static int scan(const char *buf, size_t n, struct pcapng_extras *x)
{
	char err[200];
	FILE *f = fmemopen((void *)buf, n, "rb");
	int rc = pcapng_scan(f, x, err, sizeof err);
	fclose(f);
	return rc;
}

/* Every 32-bit word swapped: a big-endian writer's file (all our fields
 * are 32-bit or pairs of 16-bit in option headers: swap those as halves). */
static void swap_words(char *b, size_t n)
{
	for (size_t i = 0; i + 4 <= n; i += 4) {
		uint32_t v;
		memcpy(&v, b + i, 4);
		v = __builtin_bswap32(v);
		memcpy(b + i, &v, 4);
	}
}

int main(void)
{
	static char buf[8192], copy[8192];
	struct pcapng_extras x;
	size_t n = make(buf, sizeof buf);

	CHECK(scan(buf, n, &x) == 0);
	CHECK(x.is_pcapng == 1);
	CHECK(pcapng_extras_comment(&x, 0) == NULL);
	CHECK_STR(pcapng_extras_comment(&x, 1), "one");
	CHECK(pcapng_extras_comment(&x, 2) == NULL);
	CHECK_STR(pcapng_extras_comment(&x, 3), "three, longer");
	CHECK(pcapng_extras_comment(&x, 99) == NULL);
	CHECK(x.ndsb == 1 && x.dsb[0].type == PCAPNG_SECRETS_TLS_KEYLOG && x.dsb[0].len == 18 &&
	      !memcmp(x.dsb[0].data, "CLIENT_RANDOM x y\n", 18));
	pcapng_extras_free(&x);

	/* cut anywhere: never crashes, keeps what came before */
	for (size_t cut = 0; cut < n; cut += 3) {
		scan(buf, cut, &x);
		CHECK(x.ndsb <= 1);
		pcapng_extras_free(&x);
	}
	/* a block length that lies (too big, too small, odd) */
	static const uint32_t lies[] = { 0xffffff00u, 8, 13, 0 };
	for (size_t k = 0; k < sizeof lies / sizeof *lies; k++) {
		memcpy(copy, buf, n);
		memcpy(copy + 4, &lies[k], 4);            /* the SHB's */
		CHECK(scan(copy, n, &x) == -1 || !x.is_pcapng);
		pcapng_extras_free(&x);
	}
	/* an option length past its block: the comment is skipped, not read */
	memcpy(copy, buf, n);
	char *o = memmem(copy, n, "one", 3);
	CHECK(o != NULL);
	if (o) {
		uint16_t big = 0x7fff;
		memcpy(o - 2, &big, 2);
		CHECK(scan(copy, n, &x) == 0);
		CHECK(pcapng_extras_comment(&x, 1) == NULL);
		CHECK_STR(pcapng_extras_comment(&x, 3), "three, longer");
		pcapng_extras_free(&x);
	}
	/* the other byte order: block headers swapped are still understood */
	memcpy(copy, buf, n);
	swap_words(copy, n);
	CHECK(scan(copy, n, &x) == 0 && x.is_pcapng == 1 && x.ndsb == 1);
	pcapng_extras_free(&x);
	/* random damage (fixed seed): never a crash, never more than the file holds */
	srand(12345);
	for (int k = 0; k < 3000; k++) {
		memcpy(copy, buf, n);
		for (int j = 0; j < 1 + k % 4; j++)
			copy[(size_t)rand() % n] = (char)rand();
		scan(copy, n, &x);
		CHECK(x.bytes <= n + 4 * n);
		pcapng_extras_free(&x);
	}
	/* pcap and garbage: nothing */
	static const char pcap_hdr[24] = "\xd4\xc3\xb2\xa1\x02\x00\x04\x00";
	CHECK(scan(pcap_hdr, sizeof pcap_hdr, &x) == 0 && !x.is_pcapng && !x.ndsb);
	pcapng_extras_free(&x);
	CHECK(scan("hello world, not a capture", 26, &x) == 0 && !x.is_pcapng);
	pcapng_extras_free(&x);
	return UNIT_DONE();
}
