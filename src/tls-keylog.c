/* tls-keylog.c - parse NSS key log text into a table of TLS secrets keyed
 * by client random (see tls-keys.h).
 *
 * The table is an array of entries plus an index of entry numbers sorted by
 * client random: lookups are a binary search, and no input (a hostile key
 * log included) can make them degrade the way crafted hash collisions would. */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tls-keys.h"
#include "util-mem.h"

struct tls_key_entry {
	uint8_t cr[32];
	struct tls_secret s[TLS_SK_COUNT];
};

struct tls_keys {
	struct tls_key_entry *e;
	uint32_t *idx;          /* entry numbers, sorted by client random */
	size_t n, cap, idxcap;
	struct tls_keys_stats st;
};

/* What a label means: kind, or -1 for a label we know and skip. */
static const struct {
	const char *label;
	int kind;
} labels[] = {
	{ "CLIENT_RANDOM", TLS_SK_MASTER },
	{ "CLIENT_HANDSHAKE_TRAFFIC_SECRET", TLS_SK_C_HS },
	{ "SERVER_HANDSHAKE_TRAFFIC_SECRET", TLS_SK_S_HS },
	{ "CLIENT_TRAFFIC_SECRET_0", TLS_SK_C_AP0 },
	{ "SERVER_TRAFFIC_SECRET_0", TLS_SK_S_AP0 },
	{ "EXPORTER_SECRET", -1 },
	{ "EARLY_EXPORTER_SECRET", -1 },
	{ "CLIENT_EARLY_TRAFFIC_SECRET", -1 },
	{ "RSA", -1 },
	{ "PMS_CLIENT_RANDOM", -1 },
};

struct tls_keys *tls_keys_new(void)
{
	return xcalloc(1, sizeof(struct tls_keys));
}

void tls_keys_free(struct tls_keys *k)
{
	if (!k)
		return;
	OPENSSL_cleanse(k->e, k->n * sizeof *k->e);
	free(k->e);
	free(k->idx);
	free(k);
}

/* Position of cr in the sorted index: *found says whether it is there. */
static size_t index_pos(const struct tls_keys *k, const uint8_t cr[32], int *found)
{
	size_t lo = 0, hi = k->n;
	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(k->e[k->idx[mid]].cr, cr, 32);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The entry for cr, created if there is room; NULL when the table is full. */
static struct tls_key_entry *entry_for(struct tls_keys *k, const uint8_t cr[32])
{
	int found;
	size_t pos = index_pos(k, cr, &found);
	if (found)
		return &k->e[k->idx[pos]];
	if (k->n >= TLS_KEYS_MAX_SESSIONS)
		return NULL;
	xgrow(&k->e, &k->cap, k->n + 1, sizeof *k->e, 16);
	xgrow(&k->idx, &k->idxcap, k->n + 1, sizeof *k->idx, 16);
	struct tls_key_entry *e = &k->e[k->n];
	memset(e, 0, sizeof *e);
	memcpy(e->cr, cr, 32);
	memmove(&k->idx[pos + 1], &k->idx[pos], (k->n - pos) * sizeof *k->idx);
	k->idx[pos] = (uint32_t)k->n;
	k->n++;
	return e;
}

const struct tls_secret *tls_keys_find(const struct tls_keys *k,
                                       const uint8_t client_random[32],
                                       enum tls_secret_kind kind)
{
	int found;
	if (!k || (unsigned)kind >= TLS_SK_COUNT || k->n == 0)
		return NULL;
	size_t pos = index_pos(k, client_random, &found);
	if (!found)
		return NULL;
	const struct tls_secret *s = &k->e[k->idx[pos]].s[kind];
	return s->len ? s : NULL;
}

/* Hex digits (an even number, no separators) into buf: length, or 0. */
static size_t unhex(const char *hex, uint8_t *buf, size_t bufn)
{
	size_t len = 0;
	if (OPENSSL_hexstr2buf_ex(buf, bufn, &len, hex, '\0') != 1)
		return 0;
	return len;
}

enum line_result { L_OK, L_IGNORED, L_BAD, L_FULL };

/* Split a NUL-terminated line into at most 4 fields (the 4th means too many). */
static int split(char *line, char *f[4])
{
	int nf = 0;
	for (char *p = line; *p && nf < 4;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		f[nf++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return nf;
}

static enum line_result parse_line(struct tls_keys *k, char *line)
{
	char *f[4];
	int nf = split(line, f);
	if (nf == 0 || f[0][0] == '#')
		return L_IGNORED;
	int kind = -2;
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(f[0], labels[i].label) == 0)
			kind = labels[i].kind;
	if (kind == -1)
		return L_IGNORED;
	if (kind == -2 || nf != 3)
		return L_BAD;
	uint8_t cr[32], sec[TLS_SECRET_MAX];
	size_t crn = unhex(f[1], cr, sizeof cr);
	size_t sn = unhex(f[2], sec, sizeof sec);
	int ok = crn == 32 && (kind == TLS_SK_MASTER ? sn == 48 : (sn == 32 || sn == 48));
	struct tls_key_entry *e = ok ? entry_for(k, cr) : NULL;
	if (e) {
		e->s[kind].len = (uint8_t)sn;
		memcpy(e->s[kind].v, sec, sn);
	}
	OPENSSL_cleanse(sec, sizeof sec);
	return !ok ? L_BAD : e ? L_OK : L_FULL;
}

/* One line of n bytes (no '\n'); counts the result. */
static int add_line(struct tls_keys *k, const char *s, size_t n)
{
	char buf[TLS_KEYS_MAX_LINE + 1];
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > TLS_KEYS_MAX_LINE || memchr(s, '\0', n)) {
		k->st.bad++;
		return 0;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	enum line_result r = parse_line(k, buf);
	OPENSSL_cleanse(buf, n);
	switch (r) {
	case L_OK: k->st.secrets++; return 1;
	case L_IGNORED: k->st.ignored++; return 0;
	case L_BAD: k->st.bad++; return 0;
	case L_FULL: k->st.dropped++; return 0;
	}
	return 0;
}

size_t tls_keys_add_text(struct tls_keys *k, const char *text, size_t n)
{
	size_t added = 0;
	while (n > 0 && text[n - 1] == '\0')   /* a DSB's padding to 32 bits */
		n--;
	while (n > 0) {
		const char *nl = memchr(text, '\n', n);
		size_t len = nl ? (size_t)(nl - text) : n;
		added += add_line(k, text, len);
		if (!nl)
			break;
		n -= len + 1;
		text = nl + 1;
	}
	return added;
}

/* A line reader over fread() blocks: a line is kept while it fits in
 * TLS_KEYS_MAX_LINE + 1 bytes; a longer one is counted bad and skipped to its
 * end, so no line, however long, grows memory. */
struct line_reader {
	char line[TLS_KEYS_MAX_LINE + 2];
	size_t n;
	int overlong;
};

static long feed_block(struct tls_keys *k, struct line_reader *lr, const char *b, size_t n)
{
	long added = 0;
	while (n > 0) {
		const char *nl = memchr(b, '\n', n);
		size_t len = nl ? (size_t)(nl - b) : n;
		if (!lr->overlong && len <= sizeof lr->line - lr->n) {
			memcpy(lr->line + lr->n, b, len);
			lr->n += len;
		} else if (!lr->overlong) {
			lr->overlong = 1;
			k->st.bad++;
		}
		if (!nl)
			break;
		if (!lr->overlong)
			added += add_line(k, lr->line, lr->n);
		lr->n = 0;
		lr->overlong = 0;
		n -= len + 1;
		b = nl + 1;
	}
	return added;
}

long tls_keys_load_file(struct tls_keys *k, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	static const size_t blocksize = 16384;
	char *block = xmalloc(blocksize);
	struct line_reader *lr = xcalloc(1, sizeof *lr);
	long added = 0;
	size_t got;
	while ((got = fread(block, 1, blocksize, f)) > 0)
		added += feed_block(k, lr, block, got);
	if (!lr->overlong && lr->n > 0)                 /* a last line without '\n' */
		added += add_line(k, lr->line, lr->n);
	int rerr = ferror(f);
	fclose(f);
	OPENSSL_cleanse(block, blocksize);
	OPENSSL_cleanse(lr, sizeof *lr);
	free(block);
	free(lr);
	if (rerr) {
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	return added;
}

struct tls_keys_stats tls_keys_stats(const struct tls_keys *k)
{
	struct tls_keys_stats st = k->st;
	st.sessions = k->n;
	return st;
}
