/* test_pcapng.c - write a pcapng file, read it back with libpcap (nanosecond
 * precision), walk its blocks (DSB, ISB options) and, when tshark is
 * installed, check that it reads it without a warning, shows the packet
 * comments and counts the decryption secret. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>

#include "unit.h"
#include "pcapng.h"

struct frame {
	uint64_t ts_ns;
	uint32_t len;
	const char *comment;
};

/* Odd and even lengths, with and without comments, a ts needing the high
 * 32 bits, and a ts with a non-zero nanosecond part. */
static const struct frame frames[] = {
	{ 1700000000123456789ull, 60, NULL },
	{ 1700000000123456790ull, 61, "first comment" },
	{ 1700000001000000001ull, 1, NULL },
	{ 1700000001999999999ull, 1514, "a longer comment, odd length" },
	{ 1700000002000000000ull, 63, "" },
	{ 1700000003000000007ull, 257, "x" },
};
#define NFRAMES (sizeof frames / sizeof frames[0])

/* An NSS key log line: 61 + 97 bytes, odd total, so the DSB is padded. */
static const char keylog[] =
	"CLIENT_RANDOM 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
	"000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f"
	"000102030405060708090a0b0c0d0e0f\n";

static void fill(uint8_t *buf, uint32_t len, size_t seed)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 7 + seed * 13 + 1);
}

static int write_file(const char *path)
{
	struct pcapng_writer w;
	uint8_t buf[2048];
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	rc |= pcapng_open(&w, f, DLT_EN10MB, 262144, "lo", "filter: tcp port 25");
	rc |= pcapng_write_secrets(&w, PCAPNG_SECRETS_TLS_KEYLOG, keylog,
	                           (uint32_t)strlen(keylog));
	for (size_t i = 0; i < NFRAMES; i++) {
		fill(buf, frames[i].len, i);
		rc |= pcapng_write_packet(&w, frames[i].ts_ns, buf, frames[i].len,
		                          frames[i].len + (i == 2 ? 99 : 0),
		                          frames[i].comment);
	}
	rc |= pcapng_write_stats(&w, 1700000004000000000ull, NFRAMES, 5, 7);
	rc |= pcapng_flush(&w);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static void read_back(const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t want[2048];
	size_t n = 0;
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path,
	                PCAP_TSTAMP_PRECISION_NANO, errbuf);

	CHECK(p != NULL);
	if (!p) {
		fprintf(stderr, "pcap: %s\n", errbuf);
		return;
	}
	CHECK(pcap_datalink(p) == DLT_EN10MB);
	CHECK(pcap_snapshot(p) == 262144);
	while (pcap_next_ex(p, &h, &data) == 1 && n < NFRAMES) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull
		              + (uint64_t)h->ts.tv_usec;
		fill(want, frames[n].len, n);
		CHECK(ts == frames[n].ts_ns);
		CHECK_MEM(data, h->caplen, want, frames[n].len);
		CHECK(h->len == frames[n].len + (n == 2 ? 99 : 0));
		n++;
	}
	CHECK(n == NFRAMES);
	CHECK(pcap_next_ex(p, &h, &data) == PCAP_ERROR_BREAK);   /* clean EOF */
	pcap_close(p);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* The ISB's options: isb_ifdrop (5) is the interface's count, isb_osdrop (7)
 * the kernel's (libpcap's ps_drop). */
static void check_isb(const uint8_t *b, uint32_t len)
{
	uint64_t ifdrop = 99, osdrop = 99;

	for (uint32_t o = 20; o + 4 <= len - 4;) {
		uint16_t code, olen;
		memcpy(&code, b + o, 2);
		memcpy(&olen, b + o + 2, 2);
		if (code == 0)
			break;
		if (code == 5 && olen == 8)
			ifdrop = rd64(b + o + 4);
		if (code == 7 && olen == 8)
			osdrop = rd64(b + o + 4);
		o += 4 + ((olen + 3u) & ~3u);
	}
	CHECK(ifdrop == 5);
	CHECK(osdrop == 7);
}

/* Walk the blocks: SHB IDB DSB EPB... ISB, each length repeated at the end;
 * the DSB holds the key log, padded. */
static void walk_blocks(const char *path)
{
	static uint8_t b[65536];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(b, 1, sizeof b, f) : 0, off = 0, nepb = 0;
	uint32_t want[] = { 0x0A0D0D0A, 1, 0x0A };
	int i = 0, isb = 0;

	if (f)
		fclose(f);
	while (off + 12 <= n) {
		uint32_t type = rd32(b + off), len = rd32(b + off + 4);
		CHECK(len % 4 == 0 && len >= 12 && off + len <= n);
		if (len % 4 || len < 12 || off + len > n)
			return;
		CHECK(rd32(b + off + len - 4) == len);
		if (i < 3)
			CHECK(type == want[i]);
		if (type == 0x0A) {
			CHECK(rd32(b + off + 8) == PCAPNG_SECRETS_TLS_KEYLOG);
			CHECK(rd32(b + off + 12) == strlen(keylog));
			CHECK_MEM(b + off + 16, strlen(keylog), keylog, strlen(keylog));
			CHECK(len == 20 + ((strlen(keylog) + 3) & ~3u));
		}
		nepb += type == 6;
		if (type == 5) {
			isb++;
			check_isb(b + off, len);
		}
		off += len;
		i++;
	}
	CHECK(off == n);
	CHECK(nepb == NFRAMES);
	CHECK(isb == 1);
}

/* Sticky error: a failed write makes every later call fail. */
static void sticky_error(void)
{
	struct pcapng_writer w;
	uint8_t b[4] = { 0 };
	FILE *f = fopen("/dev/full", "wb");

	if (!f)
		return;
	setvbuf(f, NULL, _IONBF, 0);
	CHECK(pcapng_open(&w, f, DLT_EN10MB, 65535, "eth0", NULL) == -1);
	CHECK(w.err != 0);
	CHECK(pcapng_write_packet(&w, 1, b, 4, 4, NULL) == -1);
	CHECK(pcapng_flush(&w) == -1);
	fclose(f);
}

static int have_tshark(void)
{
	return system("command -v tshark >/dev/null 2>&1") == 0;
}

/* Run a shell command, return its stdout (static buffer). */
static const char *run(const char *cmd)
{
	static char out[4096];
	size_t n = 0;
	FILE *p = popen(cmd, "r");

	out[0] = '\0';
	if (!p)
		return out;
	n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	return out;
}

static void tshark_check(const char *path)
{
	char cmd[512];

	if (!have_tshark()) {
		fprintf(stderr, "test_pcapng: tshark not found, skipping tshark checks\n");
		return;
	}
	/* stderr only: any warning or error fails the check (tshark's note
	 * about running as root says nothing about the file) */
	snprintf(cmd, sizeof cmd,
	         "tshark -n -r '%s' 2>&1 >/dev/null | grep -v '^Running as user'",
	         path);
	CHECK_STR(run(cmd), "");
	snprintf(cmd, sizeof cmd,
	         "tshark -n -r '%s' -T fields -e frame.comment 2>/dev/null", path);
	CHECK_STR(run(cmd), "\nfirst comment\n\na longer comment, odd length\n\nx\n");
	snprintf(cmd, sizeof cmd,
	         "tshark -n -r '%s' -T fields -e frame.time_epoch 2>/dev/null | sed -n 4p",
	         path);
	CHECK_STR(run(cmd), "1700000001.999999999\n");
	/* the DSB is seen as a decryption secret */
	snprintf(cmd, sizeof cmd, "capinfos '%s' 2>/dev/null | grep -i 'decryption secrets'", path);
	if (system("command -v capinfos >/dev/null 2>&1") == 0)
		CHECK(strstr(run(cmd), ": 1\n") != NULL);
}

/* Read a whole small file; NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
	static char buf[16384];
	FILE *f = fopen(path, "rb");

	if (!f)
		return NULL;
	*len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	return buf;
}

/* The TLS 1.3 fixture rewritten by our writer, with (or without) a DSB
 * holding its key log and a comment on the frame that carries the EHLO.
 * 0 / -1. */
static int rewrite_tls(const char *in, const char *keys, const char *out, int with_dsb)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcapng_writer w;
	struct pcap_pkthdr *h;
	const u_char *data;
	size_t klen = 0, n = 0;
	const char *k = slurp(keys, &klen);
	pcap_t *p = pcap_open_offline_with_tstamp_precision(in, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	FILE *f = fopen(out, "wb");
	int rc = 0;

	if (!p || !f || !k) {
		if (p)
			pcap_close(p);
		if (f)
			fclose(f);
		return -1;
	}
	rc |= pcapng_open(&w, f, pcap_datalink(p), (uint32_t)pcap_snapshot(p), "lo", NULL);
	if (with_dsb)
		rc |= pcapng_write_secrets(&w, PCAPNG_SECRETS_TLS_KEYLOG, k, (uint32_t)klen);
	while (pcap_next_ex(p, &h, &data) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		n++;
		rc |= pcapng_write_packet(&w, ts, data, h->caplen, h->len,
		                          n == 9 ? "the EHLO, encrypted" : NULL);
	}
	pcap_close(p);
	rc |= pcapng_flush(&w);
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* A DSB with the key log makes tshark decrypt without options; the
 * per-packet comment survives next to it. */
static void tshark_decrypts(void)
{
	char dir[512], in[600], keys[600], cmd[1400];
	const char *slash = strrchr(__FILE__, '/');
	char with[] = "/tmp/test_pcapng_dsb.XXXXXX", without[] = "/tmp/test_pcapng_nodsb.XXXXXX";
	int fd1 = mkstemp(with), fd2 = mkstemp(without);

	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	snprintf(in, sizeof in, "%s/data/tls13-ehlo.pcapng", dir);
	snprintf(keys, sizeof keys, "%s/data/tls13-ehlo.keylog", dir);
	CHECK(fd1 >= 0 && fd2 >= 0);
	if (fd1 < 0 || fd2 < 0)
		return;
	close(fd1);
	close(fd2);
	CHECK(rewrite_tls(in, keys, with, 1) == 0);
	CHECK(rewrite_tls(in, keys, without, 0) == 0);
	if (have_tshark()) {
		const char *q = "tshark -n -r '%s' -o data.show_as_text:TRUE -Y tls.app_data "
		                "-T fields -e frame.number -e data.text -e frame.comment 2>/dev/null "
		                "| grep secret-hello";
		snprintf(cmd, sizeof cmd, q, with);
		CHECK_STR(run(cmd), "9\tEHLO secret-hello-text\\r\\n\tthe EHLO, encrypted\n");
		snprintf(cmd, sizeof cmd, q, without);
		CHECK_STR(run(cmd), "");          /* the control: no keys, no text */
	}
	unlink(with);
	unlink(without);
}

int main(void)
{
	char path[] = "/tmp/test_pcapng.XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return UNIT_DONE();
	close(fd);
	CHECK(write_file(path) == 0);
	read_back(path);
	walk_blocks(path);
	tshark_check(path);
	sticky_error();
	tshark_decrypts();
	unlink(path);
	return UNIT_DONE();
}
