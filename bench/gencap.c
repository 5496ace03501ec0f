/* gencap.c - deterministic generator of a large, realistic SMTP capture.
 *
 *   gencap -o FILE [-p PACKETS] [-s SEED] [-c CONCURRENT] [-m MIX] [-n]
 *
 * Writes a classic pcap file (Ethernet, microsecond timestamps; -n for
 * nanosecond timestamps) holding exactly PACKETS frames (default 1,000,000)
 * of many interleaved SMTP sessions: optional ARP, a 3-way handshake with
 * MSS/SACK-permitted/timestamps/window-scale options, greeting, EHLO with a
 * multi-line reply, MAIL, 1..5 RCPT (some rejected), DATA, a dot-stuffed
 * body of 1 KB..2 MB in MSS-sized segments ACKed every second segment,
 * end of data, QUIT and a FIN teardown.  About 10% of sessions pipeline
 * MAIL/RCPT/DATA, about 1% of body segments are retransmitted, about 10% of
 * sessions use IPv6, and some use ports 587 and 2525.  Sequence and
 * acknowledgement numbers, lengths and timestamps are exact; TCP checksums
 * are left zero (IPv4 header checksums are computed).  Sessions still open
 * when the packet budget runs out are simply cut, as in a real capture.
 *
 * -m mail, the second traffic mix, looks more like a real mail server's day:
 * every body is tens of kilobytes (8..128 KB, log-uniform), each message
 * goes to 2..8 recipients, and a quarter of the sessions run on port 10025,
 * which no tool knows as SMTP (smtptrace finds them by content; tshark is
 * told with -d).  The default mix (-m bench) is unchanged byte for byte.
 *
 * The same arguments always produce the same bytes.  A summary of what was
 * written (sessions, commands, ...) goes to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- PRNG */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* uniform in [lo, hi] */
static uint64_t rr(uint64_t lo, uint64_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

/* true with probability p (0..1) */
static int chance(double p)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0) < p;
}

/* ------------------------------------------------------------- output */

#define OUTBUF_SIZE (8u << 20)
static uint8_t *outbuf;
static size_t outlen;
static int outfd = -1;
static const char *outname;

static void out_flush(void)
{
	size_t off = 0;
	while (off < outlen) {
		ssize_t n = write(outfd, outbuf + off, outlen - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "gencap: write %s: %s\n", outname, strerror(errno));
			exit(1);
		}
		off += (size_t)n;
	}
	outlen = 0;
}

/* room for one record (header + largest frame) */
static uint8_t *out_reserve(size_t n)
{
	if (outlen + n > OUTBUF_SIZE)
		out_flush();
	return outbuf + outlen;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);  p[3] = (uint8_t)v;
}
/* pcap headers in host (little-endian on every machine we run on; written
 * explicitly so the file is the same everywhere) */
static void putle32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static void putle16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

/* --------------------------------------------------------- body pool */

/* One shared pool of message text; each session's body is a slice of it
 * starting and ending on a line boundary.  Lines that begin with '.' are
 * stored dot-stuffed (".."), so the pool never holds a lone "." line. */
#define POOL_SIZE (4u << 20)
static char *pool;
static uint32_t pool_len;
static uint32_t *line_off;   /* offset of each line start */
static uint32_t nlines;

static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was",
	"with", "be", "by", "on", "not", "he", "this", "are", "or", "his", "from",
	"at", "which", "but", "have", "an", "had", "they", "you", "were", "their",
	"one", "all", "we", "can", "her", "has", "there", "been", "if", "more",
	"when", "will", "would", "who", "so", "no", "meeting", "report",
	"quarterly", "invoice", "attached", "please", "regards", "schedule",
	"server", "delivery", "mailbox", "project", "budget", "review", "thanks",
	"tomorrow", "Monday", "update", "draft", "final", "team", "customer",
};
#define NWORDS (sizeof words / sizeof words[0])

static void pool_build(void)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	pool = malloc(POOL_SIZE + 256);
	line_off = malloc(sizeof *line_off * (POOL_SIZE / 2 + 1));
	if (!pool || !line_off) {
		fprintf(stderr, "gencap: out of memory\n");
		exit(1);
	}
	uint32_t n = 0;
	int b64_left = 0;
	while (n < POOL_SIZE) {
		line_off[nlines++] = n;
		if (b64_left == 0 && chance(0.004))
			b64_left = (int)rr(20, 400);
		if (b64_left > 0) {
			b64_left--;
			int len = b64_left ? 76 : (int)rr(4, 76);
			for (int i = 0; i < len; i++)
				pool[n++] = b64[rnd() & 63];
		} else if (chance(0.06)) {
			/* empty line: paragraph break */
		} else {
			int target = (int)rr(8, 76);
			int len = 0;
			if (chance(0.03)) {
				/* a line starting with '.', dot-stuffed on the wire */
				pool[n++] = '.';
				pool[n++] = '.';
				len = 1;
			}
			while (len < target) {
				const char *w = words[rnd() % NWORDS];
				size_t wl = strlen(w);
				if (len > 0 && pool[n - 1] != '.') {
					pool[n++] = ' ';
					len++;
				}
				memcpy(pool + n, w, wl);
				n += (uint32_t)wl;
				len += (int)wl;
			}
			if (chance(0.3))
				pool[n++] = '.';
		}
		pool[n++] = '\r';
		pool[n++] = '\n';
	}
	pool_len = n;
	line_off[nlines] = n;   /* sentinel: end of the last line */
}

/* first line start >= off */
static uint32_t line_at_or_after(uint32_t off)
{
	uint32_t lo = 0, hi = nlines;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (line_off[mid] < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return line_off[lo];
}

/* ------------------------------------------------------------ session */

enum { DIR_C = 0, DIR_S = 1 };
enum { M_TEXT, M_BODY };

struct msg {
	uint8_t dir, kind;
	uint16_t ncmd;          /* SMTP command lines in it (client) */
	uint32_t off, len;      /* in text[] (M_TEXT) */
};

enum phase {
	P_ARP_REQ, P_ARP_REP, P_SYN, P_SYNACK, P_ACK, P_MSG,
	P_FIN1, P_FIN2, P_LASTACK, P_DONE
};

struct sess {
	uint64_t t;             /* time of its next packet, ns */
	uint32_t id;
	int v6, mss, phase;
	uint8_t mac[2][6];
	uint8_t ip[2][16];
	uint16_t port[2];
	uint32_t seq[2];        /* next sequence number each side sends */
	uint32_t ts_off[2], last_tsval[2];
	uint16_t ipid[2];
	uint32_t flow;
	uint8_t ttl[2];
	uint16_t win[2];
	uint32_t rtt;           /* ns */
	int close_by_server;

	struct msg msgs[32];
	int nmsg, mi;
	uint32_t moff;
	int segs, pending_ack, pending_retx;
	uint32_t retx_off, retx_len, retx_seq;

	char text[4096];
	uint32_t textlen;
	char hdr[1024];
	uint32_t hdrlen;
	uint32_t body_start, body_slice, body_total;
};

struct server {
	int v6;
	uint8_t ip[16];
	uint8_t mac[6];
	const char *name;
};

static struct server servers[6];
static int nservers;

#define NCLIENTS 20000
struct client {
	uint8_t ip[16];
	uint8_t ip6[16];
	uint8_t mac[6];
	uint16_t next_port;
};
static struct client *clients;

/* counters of what was actually written */
static uint64_t st_packets, st_bytes, st_sessions, st_done, st_cmd_frames,
	st_cmds, st_retx, st_v6, st_pipelined, st_arp, st_body_segs;
static uint64_t last_ts;
static int nsec_mode;
static int mix_mail;            /* -m mail */
#define MAX_RCPT 8
static uint64_t target_packets;

static void add_server(int v6, const char *addr_bytes, const char *name, int idx)
{
	struct server *s = &servers[nservers++];
	s->v6 = v6;
	memcpy(s->ip, addr_bytes, v6 ? 16 : 4);
	static const uint8_t base[6] = {0x02, 0x53, 0x4d, 0x54, 0x50, 0x00};
	memcpy(s->mac, base, 6);
	s->mac[5] = (uint8_t)idx;
	s->name = name;
}

static void world_build(void)
{
	add_server(0, "\x0a\x14\x00\x19", "mx1.example.net", 1);
	add_server(0, "\x0a\x14\x00\x1a", "mx2.example.net", 2);
	add_server(0, "\x0a\x14\x01\x19", "relay.example.net", 3);
	add_server(0, "\xc0\x00\x02\x19", "smtp.example.org", 4);
	add_server(1, "\x20\x01\x0d\xb8\x00\x25\x00\x00\x00\x00\x00\x00\x00\x00\x00\x25",
	           "mx6.example.net", 5);
	add_server(1, "\x20\x01\x0d\xb8\x00\x25\x00\x00\x00\x00\x00\x00\x00\x00\x00\x26",
	           "mx6b.example.net", 6);
	clients = calloc(NCLIENTS, sizeof *clients);
	if (!clients) {
		fprintf(stderr, "gencap: out of memory\n");
		exit(1);
	}
	for (uint32_t i = 0; i < NCLIENTS; i++) {
		struct client *c = &clients[i];
		/* 198.18.0.0/15, the benchmarking range */
		uint32_t a = (198u << 24) | (18u << 16) | (i + 10);
		put32(c->ip, a);
		static const uint8_t p6[8] = {0x20, 0x01, 0x0d, 0xb8, 0xc0, 0x00, 0x00, 0x01};
		memcpy(c->ip6, p6, 8);
		uint64_t iid = rnd();
		for (int k = 0; k < 8; k++)
			c->ip6[8 + k] = (uint8_t)(iid >> (8 * k));
		c->mac[0] = 0x02; c->mac[1] = 0xc1;
		put32(c->mac + 2, i);
		c->next_port = (uint16_t)rr(32768, 50000);
	}
}

static void text_add(struct sess *s, int dir, uint16_t ncmd, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* append a message (or, with dir < 0, append to the last message) */
static void text_add(struct sess *s, int dir, uint16_t ncmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s->text + s->textlen, sizeof s->text - s->textlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof s->text - s->textlen) {
		fprintf(stderr, "gencap: internal error: session text overflow\n");
		exit(1);
	}
	if (dir < 0) {
		s->msgs[s->nmsg - 1].len += (uint32_t)n;
		s->msgs[s->nmsg - 1].ncmd = (uint16_t)(s->msgs[s->nmsg - 1].ncmd + ncmd);
	} else {
		struct msg *m = &s->msgs[s->nmsg++];
		m->dir = (uint8_t)dir;
		m->kind = M_TEXT;
		m->ncmd = ncmd;
		m->off = s->textlen;
		m->len = (uint32_t)n;
	}
	s->textlen += (uint32_t)n;
}

static void body_add(struct sess *s)
{
	struct msg *m = &s->msgs[s->nmsg++];
	m->dir = DIR_C;
	m->kind = M_BODY;
	m->ncmd = 0;
	m->off = 0;
	m->len = s->body_total;
}

static const char *const domains[] = {
	"example.com", "example.org", "example.net", "mail.example.com",
	"corp.example", "test.example", "lists.example.org",
};
#define NDOMAINS (sizeof domains / sizeof domains[0])
static const char *const users[] = {
	"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
	"ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil",
	"trent", "victor", "walter", "noreply", "billing", "support",
};
#define NUSERS (sizeof users / sizeof users[0])

static void sess_init(struct sess *s, uint64_t t, uint32_t id)
{
	memset(s, 0, offsetof(struct sess, text));
	s->textlen = 0;
	s->t = t;
	s->id = id;

	/* endpoints */
	s->v6 = chance(0.10);
	int si = s->v6 ? 4 + (int)rr(0, 1) : (int)rr(0, 3);
	struct server *sv = &servers[si];
	uint32_t ci = (uint32_t)rr(0, NCLIENTS - 1);
	struct client *cl = &clients[ci];
	memcpy(s->ip[DIR_C], s->v6 ? cl->ip6 : cl->ip, s->v6 ? 16 : 4);
	memcpy(s->ip[DIR_S], sv->ip, s->v6 ? 16 : 4);
	memcpy(s->mac[DIR_C], cl->mac, 6);
	memcpy(s->mac[DIR_S], sv->mac, 6);
	/* ports increase per client, so no 4-tuple is ever reused */
	s->port[DIR_C] = cl->next_port;
	cl->next_port = (uint16_t)(cl->next_port + rr(1, 7));
	if (cl->next_port < 32768 || cl->next_port > 60999)
		cl->next_port = 32768;
	uint64_t pr = rr(0, 99);
	if (mix_mail)
		s->port[DIR_S] = pr < 60 ? 25 : pr < 75 ? 587 : 10025;
	else
		s->port[DIR_S] = pr < 80 ? 25 : pr < 92 ? 587 : 2525;

	s->mss = s->v6 ? 1428 : 1448;   /* 1500 MTU, with the timestamp option */
	s->seq[DIR_C] = (uint32_t)rnd();
	s->seq[DIR_S] = (uint32_t)rnd();
	s->ts_off[DIR_C] = (uint32_t)rnd();
	s->ts_off[DIR_S] = (uint32_t)rnd();
	s->ipid[DIR_C] = (uint16_t)rnd();
	s->ipid[DIR_S] = (uint16_t)rnd();
	s->flow = (uint32_t)rnd() & 0xfffff;
	s->ttl[DIR_C] = 64;
	s->ttl[DIR_S] = (uint8_t)rr(40, 63);
	s->win[DIR_C] = 502;
	s->win[DIR_S] = (uint16_t)rr(227, 510);
	/* round-trip time: mostly short, some far away */
	s->rtt = chance(0.7) ? (uint32_t)rr(200000, 5000000) : (uint32_t)rr(5000000, 80000000);
	s->close_by_server = chance(0.5);
	int pipelined = chance(0.10);

	/* the body: 80% small (1..64 KB), 20% large (64 KB..2 MB),
	 * log-uniformly spread */
	double lo, octaves;
	if (mix_mail) { lo = 8192; octaves = 4; }   /* -m mail: 8..128 KB */
	else if (chance(0.8)) { lo = 1024; octaves = 6; } else { lo = 65536; octaves = 5; }
	double e = (double)(rnd() >> 11) * (1.0 / 9007199254740992.0) * octaves;
	int ei = (int)e;
	/* lo * 2^e, the fractional octave interpolated linearly */
	double want = lo * (double)(1u << ei) * (1.0 + (e - ei));
	s->body_total = 0;

	const char *cdom = domains[rr(0, NDOMAINS - 1)];
	const char *sdom = domains[rr(0, NDOMAINS - 1)];
	const char *from = users[rr(0, NUSERS - 1)];
	unsigned fromn = (unsigned)rr(1, 999);

	/* headers */
	unsigned rid = (unsigned)rnd();
	unsigned long long mid = (unsigned long long)rnd();
	int hn = snprintf(s->hdr, sizeof s->hdr,
		"Received: from client%u.%s ([192.0.2.1])\r\n"
		"\tby %s with ESMTP id %08X; Fri, 1 Mar 2024 09:00:00 +0000\r\n"
		"From: %s%u <%s%u@%s>\r\n"
		"To: undisclosed-recipients:;\r\n"
		"Subject: Report %u of the quarterly review\r\n"
		"Date: Fri, 1 Mar 2024 09:00:00 +0000\r\n"
		"Message-ID: <%016llx.%u@%s>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=us-ascii\r\n"
		"\r\n",
		ci, cdom, sv->name, rid, from, fromn, from, fromn, cdom,
		id, mid, id, cdom);
	s->hdrlen = (uint32_t)hn;

	uint32_t slice = (uint32_t)want > s->hdrlen + 3 ? (uint32_t)want - s->hdrlen - 3 : 2;
	uint32_t start = line_at_or_after((uint32_t)rr(0, pool_len - slice - 1));
	uint32_t end = line_at_or_after(start + slice);
	s->body_start = start;
	s->body_slice = end - start;
	s->body_total = s->hdrlen + s->body_slice + 3;   /* + ".\r\n" */

	/* the dialogue */
	text_add(s, DIR_S, 0, "220 %s ESMTP Postfix\r\n", sv->name);
	text_add(s, DIR_C, 1, "EHLO client%u.%s\r\n", ci, cdom);
	text_add(s, DIR_S, 0,
		"250-%s\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-VRFY\r\n"
		"250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n"
		"250-DSN\r\n250 SMTPUTF8\r\n", sv->name);
	int nrcpt = mix_mail ? (int)rr(2, MAX_RCPT) : (int)rr(1, 5);
	int ok[MAX_RCPT];
	int nok = 0;
	for (int i = 0; i < nrcpt; i++) {
		ok[i] = !chance(0.15);
		nok += ok[i];
	}
	if (!nok)
		ok[0] = 1;
	char rcpt[MAX_RCPT][80];
	for (int i = 0; i < nrcpt; i++) {
		/* one PRNG call a statement: argument order is unspecified */
		const char *u = users[rr(0, NUSERS - 1)];
		unsigned un = (unsigned)rr(1, 9999);
		snprintf(rcpt[i], sizeof rcpt[i], "%s%u@%s", u, un, sdom);
	}
	if (pipelined) {
		st_pipelined++;
		text_add(s, DIR_C, 1, "MAIL FROM:<%s%u@%s> SIZE=%u\r\n", from, fromn, cdom,
		         s->body_total);
		for (int i = 0; i < nrcpt; i++)
			text_add(s, -1, 1, "RCPT TO:<%s>\r\n", rcpt[i]);
		text_add(s, -1, 1, "DATA\r\n");
		text_add(s, DIR_S, 0, "250 2.1.0 Ok\r\n");
		for (int i = 0; i < nrcpt; i++) {
			if (ok[i])
				text_add(s, -1, 0, "250 2.1.5 Ok\r\n");
			else
				text_add(s, -1, 0, "550 5.1.1 <%s>: Recipient address rejected: "
				         "User unknown in virtual mailbox table\r\n", rcpt[i]);
		}
		text_add(s, -1, 0, "354 End data with <CR><LF>.<CR><LF>\r\n");
	} else {
		text_add(s, DIR_C, 1, "MAIL FROM:<%s%u@%s> SIZE=%u\r\n", from, fromn, cdom,
		         s->body_total);
		text_add(s, DIR_S, 0, "250 2.1.0 Ok\r\n");
		for (int i = 0; i < nrcpt; i++) {
			text_add(s, DIR_C, 1, "RCPT TO:<%s>\r\n", rcpt[i]);
			if (ok[i])
				text_add(s, DIR_S, 0, "250 2.1.5 Ok\r\n");
			else
				text_add(s, DIR_S, 0, "550 5.1.1 <%s>: Recipient address rejected: "
				         "User unknown in virtual mailbox table\r\n", rcpt[i]);
		}
		text_add(s, DIR_C, 1, "DATA\r\n");
		text_add(s, DIR_S, 0, "354 End data with <CR><LF>.<CR><LF>\r\n");
	}
	body_add(s);
	text_add(s, DIR_S, 0, "250 2.0.0 Ok: queued as %010llX\r\n",
	         (unsigned long long)(rnd() & 0xffffffffffULL));
	text_add(s, DIR_C, 1, "QUIT\r\n");
	text_add(s, DIR_S, 0, "221 2.0.0 Bye\r\n");

	s->phase = (!s->v6 && chance(0.2)) ? P_ARP_REQ : P_SYN;
	st_sessions++;
	if (s->v6)
		st_v6++;
}

/* --------------------------------------------------------------- frames */

static void rec_header(uint8_t *p, uint64_t ts, uint32_t len)
{
	uint64_t sec = ts / 1000000000u, frac = ts % 1000000000u;
	if (!nsec_mode)
		frac /= 1000u;
	putle32(p, (uint32_t)sec);
	putle32(p + 4, (uint32_t)frac);
	putle32(p + 8, len);
	putle32(p + 12, len);
	st_packets++;
	st_bytes += len;
}

static uint32_t tsval(const struct sess *s, int dir, uint64_t ts)
{
	return s->ts_off[dir] + (uint32_t)(ts / 1000000u);   /* 1 kHz clock */
}

/* copy len bytes of the session's body from offset off */
static void body_copy(const struct sess *s, uint8_t *dst, uint32_t off, uint32_t len)
{
	while (len) {
		uint32_t n;
		if (off < s->hdrlen) {
			n = s->hdrlen - off < len ? s->hdrlen - off : len;
			memcpy(dst, s->hdr + off, n);
		} else if (off < s->hdrlen + s->body_slice) {
			uint32_t o = off - s->hdrlen;
			n = s->body_slice - o < len ? s->body_slice - o : len;
			memcpy(dst, pool + s->body_start + o, n);
		} else {
			uint32_t o = off - s->hdrlen - s->body_slice;
			n = 3 - o < len ? 3 - o : len;
			memcpy(dst, &".\r\n"[o], n);
		}
		dst += n;
		off += n;
		len -= n;
	}
}

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_PSH = 0x08, TH_ACK = 0x10 };

/* One TCP segment from side dir.  Payload: from the session text (text !=
 * NULL) or from its body at body_off.  seq is given explicitly so that
 * retransmissions can resend old data. */
static void emit_tcp(struct sess *s, uint64_t ts, int dir, uint8_t flags,
                     uint32_t seq, const char *text, uint32_t body_off, uint32_t plen)
{
	int syn = (flags & TH_SYN) != 0;
	uint32_t thl = syn ? 40 : 32;
	uint32_t iphl = s->v6 ? 40 : 20;
	uint32_t flen = 14 + iphl + thl + plen;
	uint8_t *r = out_reserve(16 + flen);
	rec_header(r, ts, flen);
	uint8_t *p = r + 16;
	int peer = !dir;

	memcpy(p, s->mac[peer], 6);
	memcpy(p + 6, s->mac[dir], 6);
	put16(p + 12, s->v6 ? 0x86dd : 0x0800);
	p += 14;
	if (s->v6) {
		put32(p, 0x60000000u | s->flow);
		put16(p + 4, thl + plen);
		p[6] = 6;
		p[7] = s->ttl[dir];
		memcpy(p + 8, s->ip[dir], 16);
		memcpy(p + 24, s->ip[peer], 16);
	} else {
		p[0] = 0x45;
		p[1] = 0;
		put16(p + 2, iphl + thl + plen);
		put16(p + 4, s->ipid[dir]++);
		put16(p + 6, 0x4000);   /* DF */
		p[8] = s->ttl[dir];
		p[9] = 6;
		p[10] = p[11] = 0;
		memcpy(p + 12, s->ip[dir], 4);
		memcpy(p + 16, s->ip[peer], 4);
		uint32_t sum = 0;
		for (int i = 0; i < 20; i += 2)
			sum += (uint32_t)p[i] << 8 | p[i + 1];
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		put16(p + 10, ~sum & 0xffff);
	}
	p += iphl;

	uint32_t tv = tsval(s, dir, ts);
	uint32_t ecr = s->last_tsval[peer];
	s->last_tsval[dir] = tv;
	put16(p, s->port[dir]);
	put16(p + 2, s->port[peer]);
	put32(p + 4, seq);
	put32(p + 8, (flags & TH_ACK) ? s->seq[peer] : 0);
	p[12] = (uint8_t)((thl / 4) << 4);
	p[13] = flags;
	put16(p + 14, syn ? 64240 : s->win[dir]);
	put16(p + 16, 0);   /* checksum: left zero */
	put16(p + 18, 0);
	uint8_t *o = p + 20;
	if (syn) {
		o[0] = 2; o[1] = 4; put16(o + 2, (uint32_t)s->mss + 12);   /* MSS */
		o[4] = 4; o[5] = 2;                                         /* SACK permitted */
		o[6] = 8; o[7] = 10; put32(o + 8, tv); put32(o + 12, ecr);  /* timestamps */
		o[16] = 1;                                                  /* NOP */
		o[17] = 3; o[18] = 3; o[19] = 7;                            /* window scale 7 */
	} else {
		o[0] = 1; o[1] = 1;
		o[2] = 8; o[3] = 10; put32(o + 4, tv); put32(o + 8, ecr);
	}
	p += thl;
	if (plen) {
		if (text)
			memcpy(p, text, plen);
		else
			body_copy(s, p, body_off, plen);
	}
	outlen += 16 + flen;
}

static void emit_arp(struct sess *s, uint64_t ts, int reply)
{
	uint32_t flen = reply ? 60 : 42;   /* the reply arrives padded */
	uint8_t *r = out_reserve(16 + flen);
	rec_header(r, ts, flen);
	uint8_t *p = r + 16;
	int from = reply ? DIR_S : DIR_C, to = !from;
	if (reply)
		memcpy(p, s->mac[to], 6);
	else
		memset(p, 0xff, 6);
	memcpy(p + 6, s->mac[from], 6);
	put16(p + 12, 0x0806);
	p += 14;
	put16(p, 1);
	put16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, reply ? 2 : 1);
	memcpy(p + 8, s->mac[from], 6);
	memcpy(p + 14, s->ip[from], 4);
	if (reply)
		memcpy(p + 18, s->mac[to], 6);
	else
		memset(p + 18, 0, 6);
	memcpy(p + 24, s->ip[to], 4);
	if (reply)
		memset(p + 28, 0, 18);
	outlen += 16 + flen;
	st_arp++;
}

/* ------------------------------------------------------------ stepping */

static uint64_t us(uint64_t lo, uint64_t hi) { return rr(lo * 1000, hi * 1000); }

/* How long until side `dir` sends, given the other side just sent: the
 * capture is taken next to the clients, so the server's answers arrive a
 * round trip (plus its think time) later, the client's almost at once. */
static uint64_t answer_delay(const struct sess *s, int dir, uint64_t think)
{
	return dir == DIR_S ? s->rtt + think : think;
}

static int sess_after_segment(struct sess *s, uint64_t ts, const struct msg *m);

/* Emit the session's next packet at time ts; set s->t to the time of the
 * one after.  Returns 0 when the session is over. */
static int sess_step(struct sess *s, uint64_t ts)
{
	switch (s->phase) {
	case P_ARP_REQ:
		emit_arp(s, ts, 0);
		s->phase = P_ARP_REP;
		s->t = ts + us(80, 900);
		return 1;
	case P_ARP_REP:
		emit_arp(s, ts, 1);
		s->phase = P_SYN;
		s->t = ts + us(10, 60);
		return 1;
	case P_SYN:
		emit_tcp(s, ts, DIR_C, TH_SYN, s->seq[DIR_C], NULL, 0, 0);
		s->seq[DIR_C]++;
		s->phase = P_SYNACK;
		s->t = ts + s->rtt + us(5, 60);
		return 1;
	case P_SYNACK:
		emit_tcp(s, ts, DIR_S, TH_SYN | TH_ACK, s->seq[DIR_S], NULL, 0, 0);
		s->seq[DIR_S]++;
		s->phase = P_ACK;
		s->t = ts + us(10, 80);
		return 1;
	case P_ACK:
		emit_tcp(s, ts, DIR_C, TH_ACK, s->seq[DIR_C], NULL, 0, 0);
		s->phase = P_MSG;
		s->mi = 0;
		s->moff = 0;
		/* greeting: the server takes its time */
		s->t = ts + s->rtt + us(300, 60000);
		return 1;
	case P_MSG:
		break;
	case P_FIN1: {
		int d = s->close_by_server ? DIR_S : DIR_C;
		emit_tcp(s, ts, d, TH_FIN | TH_ACK, s->seq[d], NULL, 0, 0);
		s->seq[d]++;
		s->phase = P_FIN2;
		s->t = ts + answer_delay(s, !d, us(20, 300));
		return 1;
	}
	case P_FIN2: {
		int d = s->close_by_server ? DIR_C : DIR_S;
		emit_tcp(s, ts, d, TH_FIN | TH_ACK, s->seq[d], NULL, 0, 0);
		s->seq[d]++;
		s->phase = P_LASTACK;
		s->t = ts + answer_delay(s, !d, us(20, 300));
		return 1;
	}
	case P_LASTACK: {
		int d = s->close_by_server ? DIR_S : DIR_C;
		emit_tcp(s, ts, d, TH_ACK, s->seq[d], NULL, 0, 0);
		s->phase = P_DONE;
		st_done++;
		return 0;
	}
	default:
		return 0;
	}

	/* P_MSG */
	struct msg *m = &s->msgs[s->mi];
	int d = m->dir;
	if (s->pending_retx) {
		emit_tcp(s, ts, d, TH_ACK | TH_PSH, s->retx_seq, NULL, s->retx_off, s->retx_len);
		s->pending_retx = 0;
		st_retx++;
		return sess_after_segment(s, ts, m);
	}
	if (s->pending_ack) {
		emit_tcp(s, ts, !d, TH_ACK, s->seq[!d], NULL, 0, 0);
		s->pending_ack = 0;
		s->segs = 0;
		s->t = ts + us(10, 60);
		return 1;
	}
	uint32_t left = m->len - s->moff;
	uint32_t n = left < (uint32_t)s->mss ? left : (uint32_t)s->mss;
	uint32_t seq = s->seq[d];
	if (m->kind == M_TEXT) {
		emit_tcp(s, ts, d, TH_ACK | TH_PSH, seq, s->text + m->off + s->moff, 0, n);
		if (m->ncmd) {
			st_cmd_frames++;
			st_cmds += m->ncmd;
		}
	} else {
		emit_tcp(s, ts, d, n == left ? TH_ACK | TH_PSH : TH_ACK, seq, NULL, s->moff, n);
		st_body_segs++;
		if (chance(0.01)) {
			s->pending_retx = 1;
			s->retx_seq = seq;
			s->retx_off = s->moff;
			s->retx_len = n;
		}
		if (++s->segs == 2 && n < left)
			s->pending_ack = 1;
	}
	s->seq[d] += n;
	s->moff += n;
	if (s->pending_retx) {
		/* the retransmission timer: at least 200 ms */
		s->t = ts + 200000000u + s->rtt;
		return 1;
	}
	return sess_after_segment(s, ts, m);
}

/* After a data segment of message m (or its retransmission): schedule what
 * comes next. */
static int sess_after_segment(struct sess *s, uint64_t ts, const struct msg *m)
{
	if (s->pending_ack) {
		s->t = ts + s->rtt + us(5, 40);
		return 1;
	}
	if (s->moff < m->len) {
		s->t = ts + us(5, 30);   /* next segment of the same message */
		return 1;
	}
	/* message complete: the other side answers (and acknowledges) */
	s->mi++;
	s->moff = 0;
	s->segs = 0;
	if (s->mi == s->nmsg) {
		s->phase = P_FIN1;
		s->t = ts + answer_delay(s, s->close_by_server ? DIR_S : DIR_C, us(30, 400));
		return 1;
	}
	struct msg *next = &s->msgs[s->mi];
	uint64_t think;
	if (next->dir == DIR_C)
		think = us(20, 500);
	else if (m->kind == M_BODY)
		think = us(2000, 40000);   /* queueing the message */
	else
		think = us(50, 3000);
	s->t = ts + answer_delay(s, next->dir, think);
	return 1;
}

/* --------------------------------------------------------------- heap */

static struct sess **heap;
static int nheap;

static int heap_less(int a, int b)
{
	if (heap[a]->t != heap[b]->t)
		return heap[a]->t < heap[b]->t;
	return heap[a]->id < heap[b]->id;
}

static void heap_swap(int a, int b)
{
	struct sess *t = heap[a];
	heap[a] = heap[b];
	heap[b] = t;
}

static void heap_down(int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < nheap && heap_less(l, m))
			m = l;
		if (r < nheap && heap_less(r, m))
			m = r;
		if (m == i)
			return;
		heap_swap(i, m);
		i = m;
	}
}

static void heap_up(int i)
{
	while (i > 0) {
		int p = (i - 1) / 2;
		if (!heap_less(i, p))
			return;
		heap_swap(i, p);
		i = p;
	}
}

/* --------------------------------------------------------------- main */

static void usage(void)
{
	fprintf(stderr,
		"usage: gencap -o FILE [-p PACKETS] [-s SEED] [-c CONCURRENT] [-m MIX] [-n]\n"
		"  -p PACKETS    frames to write (default 1000000)\n"
		"  -s SEED       PRNG seed (default 1); same arguments, same bytes\n"
		"  -c N          sessions open at once (default 300)\n"
		"  -m MIX        bench (default) or mail: bodies of 8..128 KB, 2..8\n"
		"                recipients, a quarter of the sessions on port 10025\n"
		"  -n            nanosecond-resolution pcap (default microsecond)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	uint64_t seed = 1;
	int conc = 300;
	target_packets = 1000000;
	int c;
	while ((c = getopt(argc, argv, "o:p:s:c:m:nh")) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'p': target_packets = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': conc = atoi(optarg); break;
		case 'n': nsec_mode = 1; break;
		case 'm':
			if (strcmp(optarg, "mail") == 0)
				mix_mail = 1;
			else if (strcmp(optarg, "bench") != 0)
				usage();
			break;
		default: usage();
		}
	}
	if (!out || optind != argc || conc < 1 || conc > 100000)
		usage();

	rng_state = seed * 0x2545F4914F6CDD1DULL + 0x1234567;
	pool_build();
	world_build();

	outname = out;
	outfd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (outfd < 0) {
		fprintf(stderr, "gencap: %s: %s\n", out, strerror(errno));
		return 1;
	}
	outbuf = malloc(OUTBUF_SIZE);
	if (!outbuf) {
		fprintf(stderr, "gencap: out of memory\n");
		return 1;
	}
	uint8_t *g = out_reserve(24);
	putle32(g, nsec_mode ? 0xa1b23c4du : 0xa1b2c3d4u);
	putle16(g + 4, 2);
	putle16(g + 6, 4);
	putle32(g + 8, 0);
	putle32(g + 12, 0);
	putle32(g + 16, 262144);
	putle32(g + 20, 1);   /* LINKTYPE_ETHERNET */
	outlen += 24;

	/* 2024-03-01 09:00:00 UTC */
	const uint64_t t0 = 1709283600ull * 1000000000ull;
	struct sess *ss = calloc((size_t)conc, sizeof *ss);
	heap = calloc((size_t)conc, sizeof *heap);
	if (!ss || !heap) {
		fprintf(stderr, "gencap: out of memory\n");
		return 1;
	}
	uint32_t next_id = 1;
	/* the first sessions arrive over the first few seconds */
	for (int i = 0; i < conc; i++) {
		sess_init(&ss[i], t0 + rr(0, 3000000000ull), next_id++);
		heap[nheap++] = &ss[i];
		heap_up(nheap - 1);
	}
	const uint64_t tick = nsec_mode ? 1 : 1000;   /* keep timestamps strictly increasing */
	last_ts = 0;
	while (st_packets < target_packets) {
		struct sess *s = heap[0];
		uint64_t ts = s->t;
		if (ts < last_ts + tick)
			ts = last_ts + tick;
		if (!nsec_mode)
			ts -= ts % 1000;   /* the file can only say microseconds */
		if (ts <= last_ts)
			ts = last_ts + tick;
		last_ts = ts;
		if (!sess_step(s, ts))
			sess_init(s, ts + rr(1000, 2000000), next_id++);
		heap_down(0);
	}
	out_flush();
	if (close(outfd) != 0) {
		fprintf(stderr, "gencap: close %s: %s\n", out, strerror(errno));
		return 1;
	}
	fprintf(stderr,
		"gencap: %s: %llu packets, %llu bytes of frames, %.3f s of traffic\n"
		"gencap: sessions started %llu (IPv6 %llu, pipelined %llu), completed %llu\n"
		"gencap: client command frames %llu, commands %llu, body segments %llu, "
		"retransmissions %llu, ARP frames %llu\n",
		out, (unsigned long long)st_packets, (unsigned long long)st_bytes,
		last_ts > t0 ? (double)(last_ts - t0) / 1e9 : 0.0,
		(unsigned long long)st_sessions, (unsigned long long)st_v6,
		(unsigned long long)st_pipelined, (unsigned long long)st_done,
		(unsigned long long)st_cmd_frames, (unsigned long long)st_cmds,
		(unsigned long long)st_body_segs, (unsigned long long)st_retx,
		(unsigned long long)st_arp);
	return 0;
}
