/* test_tls_caps.c - decrypt the reference captures of tests/golden/caps/tls
 * (openssl s_client/s_server on loopback, see make.sh there) with their key
 * logs and compare every decrypted record with tshark's decryption of the
 * same capture (NAME.tshark: "FRAME HEX" per record).
 *
 * The capture reader here is deliberately tiny and bounded (Ethernet, IPv4,
 * TCP, one connection, retransmissions dropped, a gap fails the test): the
 * real record layer is tls-record.c.  Run from the top of the tree (make
 * unit does), or set TLS_CAPS_DIR. */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "tls-decrypt.h"
#include "tls-keys.h"
#include "unit.h"

#define STREAM_MAX (1 << 16)
#define OUT_MAX (1 << 16)

static const char *const caps[] = {
	"t12-aes128gcm", "t12-aes256gcm", "t12-chacha",
	"t12-cbc-sha1", "t12-cbc-sha1-etm", "t12-cbc-sha256", "t12-cbc-sha384-etm",
	"t13-aes128gcm", "t13-aes256gcm", "t13-chacha", "t13-keyupdate",
};

struct stream {
	int started;
	uint32_t next;          /* next expected TCP sequence number */
	uint8_t buf[STREAM_MAX];
	size_t n;
};

struct run {
	struct tls_dec *dec;
	struct stream s[2];
	uint16_t client_port;
	char *out;              /* our "FRAME HEX" lines */
	size_t outn;
	int bad;                /* reader problems (a gap, an overflow) */
	int records;
	int appdata;            /* records of outer type 23 */
	int corrupt;            /* flip a bit in the appdata-th such record (0: none) */
};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void emit(struct run *r, unsigned frame, const uint8_t *p, size_t n)
{
	int k = snprintf(r->out + r->outn, OUT_MAX - r->outn, "%u ", frame);
	if (k < 0 || (size_t)k + 2 * n + 2 > OUT_MAX - r->outn) {
		r->bad = 1;
		return;
	}
	r->outn += (size_t)k;
	for (size_t i = 0; i < n; i++)
		r->outn += (size_t)snprintf(r->out + r->outn, 3, "%02x", p[i]);
	r->out[r->outn++] = '\n';
	r->out[r->outn] = '\0';
}

/* ServerHello body b/n: version (supported_versions), suite, random, EtM. */
static void server_hello(struct run *r, const uint8_t *b, size_t n)
{
	if (n < 38 || 35 + (size_t)b[34] + 3 > n)
		return;
	const uint8_t *random = b + 2;
	uint16_t version = be16(b), suite = be16(b + 35 + b[34]);
	size_t off = 35 + b[34] + 3;
	int etm = 0;
	if (off + 2 <= n) {
		size_t end = off + 2 + be16(b + off);
		for (off += 2; off + 4 <= end && end <= n; off += 4 + be16(b + off + 2)) {
			if (be16(b + off) == 43 && be16(b + off + 2) == 2 && off + 6 <= n)
				version = be16(b + off + 4);
			if (be16(b + off) == 22)
				etm = 1;
		}
	}
	tls_dec_server_hello(r->dec, version, suite, random, etm);
}

static void record(struct run *r, int dir, unsigned frame, const uint8_t *rec, size_t n)
{
	static uint8_t out[TLS_DEC_MAX_RECORD];
	size_t outn = sizeof out;
	static uint8_t copy[5 + TLS_DEC_MAX_RECORD];
	uint8_t type;
	r->records++;
	if (rec[0] == 23 && ++r->appdata == r->corrupt && n > 5 && n <= sizeof copy) {
		memcpy(copy, rec, n);
		copy[n - 1] ^= 0x10;
		rec = copy;
	}
	enum tls_dec_status st = tls_dec_record(r->dec, dir, rec[0], be16(rec + 1), rec + 5, n - 5,
	                                        out, &outn, &type);
	if (st == TLS_DEC_OK) {
		emit(r, frame, out, outn);
	} else if (st == TLS_DEC_PLAINTEXT && rec[0] == 22 && n >= 9) {
		size_t len = (size_t)rec[6] << 16 | (size_t)rec[7] << 8 | rec[8];
		if (rec[5] == 1 && n >= 9 + 34 && len >= 34)
			tls_dec_client_hello(r->dec, rec + 9 + 2);
		else if (rec[5] == 2 && 9 + len <= n)
			server_hello(r, rec + 9, len);
	} else if (st != TLS_DEC_PLAINTEXT && getenv("TLS_CAPS_VERBOSE")) {
		fprintf(stderr, "frame %u: record type %u: %s\n", frame, rec[0],
		        tls_dec_status_name(st));
	}
}

static void segment(struct run *r, int dir, unsigned frame, uint32_t seq, int syn,
                    const uint8_t *p, size_t n)
{
	struct stream *s = &r->s[dir];
	if (syn) {
		s->started = 1;
		s->next = seq + 1;
		return;
	}
	if (!s->started || n == 0)
		return;
	uint32_t skip = s->next - seq;          /* bytes we already have */
	if (skip > 0x7fffffff) {                /* seq beyond what we expect: a gap */
		r->bad = 1;
		return;
	}
	if (skip >= n)
		return;                         /* a pure retransmission */
	p += skip;
	n -= skip;
	if (n > STREAM_MAX - s->n) {
		r->bad = 1;
		return;
	}
	memcpy(s->buf + s->n, p, n);
	s->n += n;
	s->next += (uint32_t)n;
	size_t off = 0;
	while (s->n - off >= 5 && s->n - off >= 5 + (size_t)be16(s->buf + off + 3)) {
		size_t len = 5 + be16(s->buf + off + 3);
		record(r, dir, frame, s->buf + off, len);
		off += len;
	}
	memmove(s->buf, s->buf + off, s->n - off);
	s->n -= off;
}

/* Ethernet, IPv4, TCP. */
static void packet(struct run *r, unsigned frame, const uint8_t *p, size_t n)
{
	if (n < 14 + 20 || be16(p + 12) != 0x0800 || (p[14] >> 4) != 4 || p[14 + 9] != 6)
		return;
	size_t ihl = (size_t)(p[14] & 15) * 4, tot = be16(p + 16);
	if (ihl < 20 || tot < ihl + 20 || 14 + tot > n)
		return;
	const uint8_t *t = p + 14 + ihl;
	size_t thl = (size_t)(t[12] >> 4) * 4;
	if (thl < 20 || ihl + thl > tot)
		return;
	int syn = (t[13] & 0x02) != 0;
	if (syn && !(t[13] & 0x10))
		r->client_port = be16(t);
	int dir = be16(t) == r->client_port ? 0 : 1;
	segment(r, dir, frame, be32(t + 4), syn, t + thl, tot - ihl - thl);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *b = calloc(1, OUT_MAX + 1);
	size_t n = b ? fread(b, 1, OUT_MAX, f) : 0;
	fclose(f);
	if (b)
		b[n] = '\0';
	return b;
}

static struct run *read_cap(const char *dir, const char *name, const struct tls_keys *k,
                            int corrupt)
{
	char path[512], err[PCAP_ERRBUF_SIZE];
	struct run *r = calloc(1, sizeof *r);
	r->dec = tls_dec_new(k);
	r->out = calloc(1, OUT_MAX + 1);
	r->corrupt = corrupt;
	snprintf(path, sizeof path, "%s/%s.pcap", dir, name);
	pcap_t *pc = pcap_open_offline(path, err);
	CHECK(pc != NULL);
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned frame = 0;
	while (pc && pcap_next_ex(pc, &h, &data) == 1)
		packet(r, ++frame, data, h->caplen);
	if (pc)
		pcap_close(pc);
	CHECK(!r->bad);
	/* tshark2oracle.py ends the last line without a newline */
	if (r->outn && r->out[r->outn - 1] == '\n')
		r->out[--r->outn] = '\0';
	return r;
}

static void free_run(struct run *r)
{
	free(r->out);
	tls_dec_free(r->dec);
	free(r);
}

/* Is every line of `sub` a line of `all`, in order, with `missing` lines of
 * `all` left out? */
static int subsequence(const char *sub, const char *all, int missing)
{
	char *a = strdup(all), *b = strdup(sub), *sa, *sb;
	int skipped = 0;
	char *la = strtok_r(a, "\n", &sa);
	for (char *lb = strtok_r(b, "\n", &sb); lb; lb = strtok_r(NULL, "\n", &sb)) {
		while (la && strcmp(la, lb) != 0) {
			skipped++;
			la = strtok_r(NULL, "\n", &sa);
		}
		if (!la)
			break;
		la = strtok_r(NULL, "\n", &sa);
	}
	for (; la; la = strtok_r(NULL, "\n", &sa))
		skipped++;
	free(a);
	free(b);
	return skipped == missing;
}

static void run_cap(const char *dir, const char *name)
{
	char path[512], err[256];
	struct tls_keys *k = tls_keys_new();
	snprintf(path, sizeof path, "%s/%s.keys", dir, name);
	CHECK(tls_keys_load_file(k, path, err, sizeof err) > 0);
	snprintf(path, sizeof path, "%s/%s.tshark", dir, name);
	char *want = slurp(path);
	CHECK(want != NULL);
	if (!want)
		want = calloc(1, 1);
	size_t wl = strlen(want);
	while (wl && want[wl - 1] == '\n')
		want[--wl] = '\0';

	struct run *r = read_cap(dir, name, k, 0);
	int same = strcmp(r->out, want) == 0;
	if (!same)
		fprintf(stderr, "%s: ours:\n%s\ntshark's:\n%s\n", name, r->out, want);
	CHECK(same);
	struct tls_dec_counts c = tls_dec_counts(r->dec);
	CHECK(c.bad_mac == 0 && c.malformed == 0 && c.no_keys == 0 && c.trial == 0);
	if (getenv("TLS_CAPS_VERBOSE"))
		printf("%s: %d records, %llu decrypted, same as tshark: %s\n", name, r->records,
		       (unsigned long long)c.ok, same ? "yes" : "NO");
	int appdata = r->appdata;
	free_run(r);

	/* one application data record damaged: only it is lost */
	r = read_cap(dir, name, k, appdata > 3 ? appdata - 3 : 1);
	c = tls_dec_counts(r->dec);
	if (c.bad_mac != 1 || c.trial) fprintf(stderr, "%s: bad_mac %llu trial %llu\n", name, (unsigned long long)c.bad_mac, (unsigned long long)c.trial);
	CHECK(c.bad_mac == 1 && c.trial == 0);
	CHECK(subsequence(r->out, want, 1));
	free_run(r);
	free(want);
	tls_keys_free(k);
}

int main(void)
{
	const char *dir = getenv("TLS_CAPS_DIR");
	if (!dir)
		dir = "tests/golden/caps/tls";
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
		run_cap(dir, caps[i]);
	return UNIT_DONE();
}
