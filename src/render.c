/* render.c - a finished session as an annotated timeline (text), as JSON
 * (docs/json-schema.md), or as one summary line.
 *
 * Commands and replies carry stream byte ranges; here they are mapped onto
 * the frames whose payload overlaps them, which gives every frame its role
 * ("command MAIL (segment 1 of 1)", "ACK of RCPT", "reply to DATA: 354 ...")
 * and every command its request frames, reply frames and ACK frame. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include "client.h"
#include "decode.h"
#include "engine.h"
#include "session.h"


/* ---- small text helpers ---------------------------------------------- */

struct sbuf { char b[1024]; size_t n; };

static void sb_add(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	if (s->n >= sizeof s->b - 1)
		return;
	va_start(ap, fmt);
	int r = vsnprintf(s->b + s->n, sizeof s->b - s->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		s->n += (size_t)r < sizeof s->b - s->n ? (size_t)r : sizeof s->b - s->n - 1;
}

/* literals: length known at compile time */
#define PUT_LIT(f, lit) fwrite_unlocked(lit, 1, sizeof(lit) - 1, f)

static void sb_str(struct sbuf *s, const char *t)
{
	size_t n = strlen(t);
	if (n > sizeof s->b - 1 - s->n)
		n = sizeof s->b - 1 - s->n;
	memcpy(s->b + s->n, t, n);
	s->n += n;
	s->b[s->n] = '\0';
}

/* decimal digits of v at the end of buf[24]; returns the first digit */
static char *u64_digits(uint64_t v, char *end)
{
	*end = '\0';
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static void sb_u(struct sbuf *s, const char *label, uint64_t v)
{
	char d[24];
	sb_str(s, label);
	sb_str(s, u64_digits(v, d + sizeof d - 1));
}

static void put_u(FILE *f, uint64_t v)
{
	char d[24];
	fputs_unlocked(u64_digits(v, d + sizeof d - 1), f);
}

/* Seconds from nanoseconds with `digits` decimals (1..9), rounded as
 * printf's %.Nf would, without floating point. */
static void put_secs_n(FILE *f, uint64_t ns, int neg, int digits)
{
	char d[24];
	uint64_t scale = 1, unit = 1;
	for (int i = digits; i < 9; i++)
		scale *= 10;
	for (int i = 0; i < digits; i++)
		unit *= 10;
	uint64_t v = (ns + scale / 2) / scale;
	char *frac = u64_digits(v % unit + unit, d + sizeof d - 1);
	if (neg)
		putc_unlocked('-', f);
	put_u(f, v / unit);
	putc_unlocked('.', f);
	fputs_unlocked(frac + 1, f);
}

static void put_secs(FILE *f, uint64_t ns, int neg)
{
	put_secs_n(f, ns, neg, 9);
}

static void put_time(FILE *f, const struct render_ctx *r, uint64_t ts)
{
	if (ts >= r->t0)
		put_secs(f, ts - r->t0, 0);
	else
		put_secs(f, r->t0 - ts, 1);
}

static void ip_str(int family, const uint8_t *a, char *out, size_t cap)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, out, (socklen_t)cap))
		snprintf(out, cap, "?");
}

static void ep_str(int family, const uint8_t *a, uint16_t port, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];
	ip_str(family, a, ip, sizeof ip);
	snprintf(out, cap, family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static void mac_str(const uint8_t *m, char *out)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static double secs(const struct render_ctx *r, uint64_t ts)
{
	return ts >= r->t0 ? (double)(ts - r->t0) / 1e9 : -(double)(r->t0 - ts) / 1e9;
}

static void json_strn(FILE *f, const char *s, size_t n)
{
	putc_unlocked('"', f);
	size_t i = 0, run = 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		fwrite_unlocked(s + run, 1, i - run, f);
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked((int)c, f);
		} else
			fprintf(f, "\\u%04x", c);
		run = i + 1;
	}
	fwrite_unlocked(s + run, 1, n - run, f);
	putc_unlocked('"', f);
}

static void json_str(FILE *f, const char *s)
{
	if (!s)
		fputs("null", f);
	else
		json_strn(f, s, strlen(s));
}

/* "analysis": the TA_* bits by name (tcp_analysis_name) */
static void json_analysis(FILE *o, uint32_t ta)
{
	PUT_LIT(o, ",\"analysis\":[");
	for (unsigned b = 0, n = 0; b < TA_NBITS; b++)
		if (ta & (1u << b))
			fprintf(o, "%s\"%s\"", n++ ? "," : "", tcp_analysis_name(1u << b));
	putc_unlocked(']', o);
}

static void json_frames(FILE *f, const uint32_t *v, uint32_t n)
{
	putc_unlocked('[', f);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', f);
		put_u(f, v[i]);
	}
	putc_unlocked(']', f);
}

/* ---- mapping byte ranges onto frames -------------------------------------- */

static int cmp_frame(const void *a, const void *b)
{
	const struct frame_rec *x = a, *y = b;
	return x->no < y->no ? -1 : x->no > y->no;
}

static void add_frame(uint32_t **v, uint32_t *n, uint32_t *cap, uint32_t no)
{
	if (*n && (*v)[*n - 1] == no)
		return;
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 4;
		uint32_t *m = realloc(*v, c * sizeof *m);
		if (!m)
			return;
		*v = m;
		*cap = c;
	}
	(*v)[(*n)++] = no;
}

struct fmap {                        /* per frame: the exchanges it carries */
	uint32_t first;                  /* index into the sorted list */
	uint16_t count;
	int8_t hs;                       /* handshake step 1..3, 0 none */
	uint8_t tls;
	uint32_t acked_first, acked_count; /* exchanges whose request/reply it first ACKs */
	uint8_t acks_reply;              /* acked_* refer to replies */
	uint8_t acks_fin;                /* first to acknowledge the peer's FIN */
	uint32_t segk;                   /* k in "segment k of n" (retransmissions not counted) */
	uint32_t gapn;                   /* bytes of its direction not captured just before it */
	uint8_t after_gap;               /* a gap came before it in its direction */
};

struct view {
	struct session *s;
	struct fmap *fm;
	size_t *by_req, nreq;            /* exchanges with a request, by req_off */
	size_t *by_rep, nrep;            /* exchanges with a reply, by rep_off */
	size_t *ack_list, nack;          /* exchange indices in order of being ACKed */
	size_t *rack_list, nrack;
	uint32_t hs[3];                  /* handshake frame numbers */
	const struct frame_rec *hsf[3];  /* and the frames themselves */
};

static struct session *sort_s;

static int cmp_req(const void *a, const void *b)
{
	const struct exchange *x = &sort_s->ex[*(const size_t *)a], *y = &sort_s->ex[*(const size_t *)b];
	return x->req_off < y->req_off ? -1 : x->req_off > y->req_off;
}

static int cmp_rep(const void *a, const void *b)
{
	const struct exchange *x = &sort_s->ex[*(const size_t *)a], *y = &sort_s->ex[*(const size_t *)b];
	return x->rep_off < y->rep_off ? -1 : x->rep_off > y->rep_off;
}

/* first index in `list` whose range end is beyond `off` */
static size_t lower(const struct session *s, const size_t *list, size_t n, uint64_t off, int rep)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct exchange *x = &s->ex[list[mid]];
		uint64_t end = rep ? x->rep_end : x->req_end;
		if (end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_tls(const struct session *s, const struct frame_rec *f)
{
	if (f->dir > 1 || !f->len)
		return 0;
	if (s->tls_implicit)
		return 1;
	return s->starttls && (s->tls_off[f->dir] || f->dir == DIR_C2S) && f->off >= s->tls_off[f->dir] &&
	       (f->dir == DIR_S2C ? s->tls_off[DIR_S2C] != 0 : 1);
}

static const struct frame_rec *find_frame(const struct session *s, uint32_t no)
{
	size_t lo = 0, hi = s->nframes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->frames[mid].no < no) lo = mid + 1;
		else hi = mid;
	}
	return lo < s->nframes && s->frames[lo].no == no ? &s->frames[lo] : NULL;
}

static void build_view(struct view *v, struct session *s)
{
	memset(v, 0, sizeof *v);
	v->s = s;
	for (size_t i = 1; i < s->nframes; i++)
		if (s->frames[i].no < s->frames[i - 1].no) {   /* ARP adopted late */
			qsort(s->frames, s->nframes, sizeof *s->frames, cmp_frame);
			break;
		}
	v->fm = calloc(s->nframes ? s->nframes : 1, sizeof *v->fm);
	v->by_req = malloc((s->nex ? s->nex : 1) * sizeof *v->by_req);
	v->by_rep = malloc((s->nex ? s->nex : 1) * sizeof *v->by_rep);
	v->ack_list = malloc((s->nex ? s->nex : 1) * sizeof *v->ack_list);
	v->rack_list = malloc((s->nex ? s->nex : 1) * sizeof *v->rack_list);
	if (!v->fm || !v->by_req || !v->by_rep || !v->ack_list || !v->rack_list)
		return;
	for (size_t i = 0; i < s->nex; i++) {
		if (s->ex[i].req_end > s->ex[i].req_off)
			v->by_req[v->nreq++] = i;
		if (s->ex[i].reply_code && s->ex[i].rep_end > s->ex[i].rep_off)
			v->by_rep[v->nrep++] = i;
	}
	sort_s = s;
	qsort(v->by_req, v->nreq, sizeof *v->by_req, cmp_req);
	qsort(v->by_rep, v->nrep, sizeof *v->by_rep, cmp_rep);

	/* handshake */
	int synack_seen = 0;
	size_t syn_i = 0;
	for (size_t i = 0; i < s->nframes; i++) {
		struct frame_rec *f = &s->frames[i];
		if (f->dir > 1)
			continue;
		/* step 1 is the SYN the SYN/ACK answers: the last one before it
		 * (the iRTT excludes a SYN retransmission timeout) */
		if ((f->flags & (TH_SYN | TH_ACK)) == TH_SYN && f->dir == DIR_C2S && !synack_seen &&
		    !(f->ta & (TA_PORTREUSE | TA_DUP | TA_BADCSUM))) {
			if (v->hs[0])
				v->fm[syn_i].hs = 0;
			v->hs[0] = f->no; v->fm[i].hs = 1; syn_i = i;
		} else if ((f->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) && f->dir == DIR_S2C && !v->hs[1]) {
			v->hs[1] = f->no; v->fm[i].hs = 2; synack_seen = 1;
		} else if (synack_seen && !v->hs[2] && f->dir == DIR_C2S && (f->flags & TH_ACK) &&
		           !(f->flags & (TH_SYN | TH_RST)) && f->ack == s->d[DIR_S2C].isn + 1) {
			v->hs[2] = f->no; v->fm[i].hs = 3;
		}
	}

	/* bytes never captured before a segment: its start minus the
	 * furthest byte seen so far in its direction */
	{
		uint64_t far[2] = { 0, 0 };
		int seen[2] = { 0, 0 }, gap[2] = { 0, 0 };
		for (size_t i = 0; i < s->nframes; i++) {
			struct frame_rec *f = &s->frames[i];
			if (f->dir > 1 || !f->len)
				continue;
			int d = f->dir;
			if (seen[d] && f->off > far[d]) {
				uint64_t n = f->off - far[d];
				v->fm[i].gapn = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
				gap[d] = 1;
			}
			v->fm[i].after_gap = (uint8_t)gap[d];
			if (!seen[d] || f->off + f->len > far[d])
				far[d] = f->off + f->len;
			seen[d] = 1;
		}
	}

	for (int k = 0; k < 3; k++)
		v->hsf[k] = v->hs[k] ? find_frame(s, v->hs[k]) : NULL;

	/* payload -> exchanges */
	for (size_t i = 0; i < s->nframes; i++) {
		struct frame_rec *f = &s->frames[i];
		if (f->dir > 1 || !f->len)
			continue;
		if (is_tls(s, f)) {
			v->fm[i].tls = 1;
			f->proto = FP_TLS;
			continue;
		}
		int rep = f->dir == DIR_S2C;
		size_t *list = rep ? v->by_rep : v->by_req, n = rep ? v->nrep : v->nreq;
		uint64_t end = f->off + f->len;
		size_t j = lower(s, list, n, f->off, rep);
		v->fm[i].first = (uint32_t)j;
		for (; j < n; j++) {
			struct exchange *x = &s->ex[list[j]];
			if ((rep ? x->rep_off : x->req_off) >= end)
				break;
			v->fm[i].count++;
			if (rep)
				add_frame(&x->rep_frames, &x->nrep, &x->caprep, f->no);
			else
				add_frame(&x->req_frames, &x->nreq, &x->capreq, f->no);
		}
		if (v->fm[i].count)
			f->proto = FP_SMTP;
		if (v->fm[i].count == 1 && !(f->ta & (TA_RETRANS | TA_DUP | TA_BADCSUM))) {
			struct exchange *x = &s->ex[list[v->fm[i].first]];
			v->fm[i].segk = rep ? ++x->norig_rep : ++x->norig_req;
		}
	}

	/* ACKs: walk each direction's acknowledgement numbers in frame order */
	size_t *req_by_end = v->by_req;    /* requests end in offset order too */
	size_t jr = 0, jp = 0;
	uint64_t last[2] = { 0, 0 };
	uint32_t last32[2] = { 0, 0 };
	int have[2] = { 0, 0 }, fin_acked[2] = { 0, 0 };
	for (size_t i = 0; i < s->nframes; i++) {
		struct frame_rec *f = &s->frames[i];
		if (f->dir > 1 || !(f->flags & TH_ACK))
			continue;
		int peer = !f->dir;
		uint32_t a32 = f->ack - (s->d[peer].isn + 1);
		if (!have[peer]) {
			last[peer] = a32;
			have[peer] = 1;
		} else
			last[peer] += (uint64_t)(int64_t)(int32_t)(a32 - last32[peer]);
		last32[peer] = a32;
		uint64_t acked = last[peer];
		if (s->d[peer].fin && !fin_acked[peer] && acked >= s->d[peer].fin_off + 1) {
			fin_acked[peer] = 1;
			v->fm[i].acks_fin = 1;
		}
		if (f->dir == DIR_S2C) {          /* the server acknowledges requests */
			v->fm[i].acked_first = (uint32_t)v->nack;
			while (jr < v->nreq && s->ex[req_by_end[jr]].has_req_end &&
			       acked >= s->ex[req_by_end[jr]].req_end) {
				s->ex[req_by_end[jr]].ack_frame = f->no;
				v->ack_list[v->nack++] = req_by_end[jr++];
			}
			v->fm[i].acked_count = (uint32_t)v->nack - v->fm[i].acked_first;
		} else {                           /* the client acknowledges replies */
			v->fm[i].acked_first = (uint32_t)v->nrack;
			while (jp < v->nrep && acked >= s->ex[v->by_rep[jp]].rep_end) {
				v->rack_list[v->nrack++] = v->by_rep[jp++];
			}
			v->fm[i].acked_count = (uint32_t)v->nrack - v->fm[i].acked_first;
			v->fm[i].acks_reply = 1;
		}
	}
}

static void free_view(struct view *v)
{
	free(v->fm);
	free(v->by_req);
	free(v->by_rep);
	free(v->ack_list);
	free(v->rack_list);
}

/* ---- names ----------------------------------------------------------------- */

static const char *ex_label(const struct exchange *x, char *buf, size_t cap)
{
	switch (x->kind) {
	case EXK_GREETING: return "greeting";
	case EXK_BODY:     return "message";
	case EXK_AUTH:     return "AUTH response";
	case EXK_REPLY:    return "reply, no command";
	default:
		snprintf(buf, cap, "%s", x->verb[0] ? x->verb : "(empty line)");
		return buf;
	}
}

static const char *kind_name(int k)
{
	static const char *const n[] = { "greeting", "command", "body", "auth", "reply" };
	return k >= 0 && k <= EXK_REPLY ? n[k] : "?";
}

static const char *proto_name(int p)
{
	static const char *const n[] = { "TCP", "SMTP", "TLS", "ARP", "ND" };
	return p >= 0 && p <= FP_ND ? n[p] : "?";
}

static const char *dir_name(int d)
{
	return d == DIR_C2S ? "c2s" : d == DIR_S2C ? "s2c" : "other";
}

/* "SYN,ACK": names of the flags set, from a table built on first use */
static const char *flags_name(uint8_t fl)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	static const int order[] = { 1, 0, 2, 3, 4, 5, 6, 7 };
	static char table[256][32];
	static int built;
	if (!built) {
		for (int v = 0; v < 256; v++) {
			size_t n = 0;
			for (int k = 0; k < 8; k++)
				if (v & (1 << order[k]))
					n += (size_t)snprintf(table[v] + n, sizeof table[v] - n, "%s%s",
					                      n ? "," : "", names[order[k]]);
			if (!n)
				snprintf(table[v], sizeof table[v], "none");
		}
		built = 1;
	}
	return table[fl];
}

/* ---- per-frame role and summary ------------------------------------------------ */

static void role_arp(const struct session *s, const struct frame_rec *f, struct sbuf *r)
{
	size_t n = f->family == 6 ? 16 : 4;
	char ip[INET6_ADDRSTRLEN], mac[18];
	const char *who;
	const uint8_t *target = f->tpa;
	if (!memcmp(target, s->sip, n))
		who = "the server";
	else if (!memcmp(target, s->cip, n))
		who = "the client";
	else
		who = "the gateway";
	ip_str(f->family, target, ip, sizeof ip);
	if (f->proto == FP_ARP && f->arp_op == 1 && !memcmp(target, s->cip, n))
		sb_add(r, "ARP request for the client %s", ip);
	else if (f->proto == FP_ARP && f->arp_op == 1)
		sb_add(r, "ARP request for the next hop, %s %s", who, ip);
	else if (f->proto == FP_ARP && f->arp_op == 2) {
		ip_str(4, f->spa, ip, sizeof ip);
		mac_str(f->sha, mac);
		who = !memcmp(f->spa, s->sip, 4) ? "the server" : !memcmp(f->spa, s->cip, 4) ? "the client" : "the gateway";
		sb_add(r, "ARP reply: %s %s is at %s", who, ip, mac);
	} else if (f->proto == FP_ND && f->arp_op == 135)
		sb_add(r, "neighbour solicitation for %s %s", who, ip);
	else if (f->proto == FP_ND && f->arp_op == 136) {
		mac_str(f->sha, mac);
		sb_add(r, "neighbour advertisement: %s %s is at %s", who, ip, mac);
	} else
		sb_add(r, "%s op %u", f->proto == FP_ARP ? "ARP" : "ND", f->arp_op);
}

static void role_payload(const struct view *v, size_t i, struct sbuf *r)
{
	const struct session *s = v->s;
	const struct frame_rec *f = &s->frames[i];
	const struct fmap *m = &v->fm[i];
	char vb[24];
	if (m->tls) {
		const char *t = f->tls_type == 22 ? "TLS handshake" : f->tls_type == 23 ? "TLS application data" :
		                f->tls_type == 21 ? "TLS alert" : f->tls_type == 20 ? "TLS change cipher spec" :
		                "TLS (continuation)";
		sb_add(r, "%s", t);
		return;
	}
	if (!m->count) {
		if (s->d[f->dir].gap_bytes && v->fm[i].after_gap)
			sb_str(r, "data after a gap, skipped up to the next line that parses");
		else
			sb_str(r, f->dir == DIR_C2S ? "client data (not SMTP)" : "server data (not a reply)");
		return;
	}
	const size_t *list = f->dir == DIR_S2C ? v->by_rep : v->by_req;
	for (uint32_t c = 0; c < m->count; c++) {
		const struct exchange *x = &s->ex[list[m->first + c]];
		uint32_t n;
		const char *lab = ex_label(x, vb, sizeof vb);
		if (c)
			sb_str(r, "; ");
		if (f->dir == DIR_C2S) {
			if (x->kind == EXK_BODY) {
				int last = x->has_req_end && f->off + f->len >= x->req_end;
				sb_str(r, last ? "end of data" : "message body");
			} else if (x->kind == EXK_AUTH)
				sb_str(r, "AUTH response");
			else
				sb_add(r, "command %s", lab);
		} else {
			if (x->kind == EXK_GREETING)
				sb_add(r, "greeting %d (%s)", x->reply_code, smtp_code_meaning(x->reply_code));
			else if (x->kind == EXK_REPLY)
				sb_add(r, "%s %d (%s)", !s->d[DIR_C2S].paybytes ?
				       "reply (its command is not in the capture)" : s->d[DIR_C2S].gap_bytes ?
				       "reply (its command was lost in a gap)" : "unsolicited reply", x->reply_code,
				       smtp_code_meaning(x->reply_code));
			else if (x->kind == EXK_BODY)
				sb_add(r, "reply to end of data: %d (%s)", x->reply_code, smtp_code_meaning(x->reply_code));
			else
				sb_add(r, "reply to %s: %d (%s)", x->kind == EXK_AUTH ? "AUTH response" : lab,
				       x->reply_code, smtp_code_meaning(x->reply_code));
		}
		n = f->dir == DIR_C2S ? x->norig_req : x->norig_rep;
		if (n > 1 && m->count == 1 && m->segk) {
			sb_u(r, " (segment ", m->segk);
			sb_u(r, " of ", n);
			sb_str(r, ")");
		}
	}
	if (m->count > 1 && f->dir == DIR_C2S) {
		int pip = 0;
		for (uint32_t c = 1; c < m->count; c++)
			pip |= s->ex[list[m->first + c]].pipelined;
		if (pip)
			sb_str(r, " (pipelined)");
	}
}

static void role_ack(const struct view *v, size_t i, struct sbuf *r)
{
	const struct session *s = v->s;
	const struct fmap *m = &v->fm[i];
	char vb[24];
	const size_t *list = m->acks_reply ? v->rack_list : v->ack_list;
	sb_str(r, "ACK of ");
	for (uint32_t c = 0; c < m->acked_count && c < 4; c++) {
		const struct exchange *x = &s->ex[list[m->acked_first + c]];
		const char *lab = ex_label(x, vb, sizeof vb);
		if (m->acks_reply)
			sb_add(r, "%s%s%s", c ? ", " : "", x->kind == EXK_GREETING ? "" : "reply to ",
			       x->kind == EXK_GREETING ? "greeting" : x->kind == EXK_BODY ? "end of data" : lab);
		else
			sb_add(r, "%s%s", c ? ", " : "", x->kind == EXK_BODY ? "message" : lab);
	}
	if (m->acked_count > 4)
		sb_add(r, " and %u more", m->acked_count - 4);
}

static void frame_role(const struct view *v, size_t i, struct sbuf *r)
{
	const struct session *s = v->s;
	const struct frame_rec *f = &s->frames[i];
	const struct fmap *m = &v->fm[i];
	if (f->dir > 1) {
		role_arp(s, f, r);
		return;
	}
	if (m->hs == 1) sb_str(r, "handshake 1/3 (SYN)");
	else if (m->hs == 2) sb_str(r, "handshake 2/3 (SYN/ACK)");
	else if (m->hs == 3) sb_str(r, "handshake 3/3 (ACK)");
	if (f->flags & TH_SYN && !m->hs)
		sb_add(r, "%s", f->ta & TA_PORTREUSE ? "SYN (port reused)" : "SYN");
	if (f->len) {
		if (r->n) sb_str(r, "; ");
		role_payload(v, i, r);
	}
	if (f->flags & TH_FIN) {
		if (r->n) sb_str(r, "; ");
		sb_add(r, "teardown: %s FIN%s", f->dir == DIR_C2S ? "client" : "server",
		       s->first_closer == f->dir && s->d[f->dir].fin_frame == f->no ? " (closes first)" : "");
	}
	if (f->flags & TH_RST) {
		if (r->n) sb_str(r, "; ");
		sb_add(r, "reset by the %s", f->dir == DIR_C2S ? "client" : "server");
	}
	if (!r->n && s->close_frame == f->no && !(f->flags & TH_RST))
		sb_str(r, "teardown: last ACK");
	else if (!r->n && m->acks_fin)
		sb_add(r, "teardown: ACK of the %s's FIN", f->dir == DIR_C2S ? "server" : "client");
	if (!r->n && m->acked_count)
		role_ack(v, i, r);
	if (!r->n)
		sb_str(r, f->ta & TA_DUPACK ? "duplicate ACK" : f->ta & TA_KEEPALIVE ? "keep-alive" :
		          f->ta & TA_KAACK ? "keep-alive ACK" :
		          (f->flags & TH_ACK) ? "ACK" : "TCP segment");
	/* analysis notes */
	if (f->ta & TA_SPURIOUS) sb_str(r, " [spurious retransmission]");
	else if (f->ta & TA_FASTRETX) sb_str(r, " [fast retransmission]");
	else if (f->ta & TA_RETRANS) sb_str(r, " [retransmission]");
	if (f->ta & TA_OOO) sb_str(r, " [out of order]");
	if (f->ta & TA_DUP) sb_str(r, " [network duplicate]");
	if (f->ta & TA_BADCSUM) sb_str(r, " [bad TCP checksum: not used]");
	if ((f->ta & TA_GAP) && m->gapn)
		sb_u(r, " [", m->gapn), sb_str(r, " bytes before it not captured]");
	else if (f->ta & TA_GAP)
		sb_str(r, " [previous segment not captured]");
	if ((f->ta & TA_DUPACK) && !strstr(r->b, "duplicate")) sb_str(r, " [duplicate ACK]");
	if ((f->ta & TA_KEEPALIVE) && !strstr(r->b, "keep-alive")) sb_str(r, " [keep-alive]");
	if (f->ta & TA_ZEROWIN) sb_str(r, " [zero window]");
	if (f->ta & TA_ZWPROBE) sb_str(r, " [zero window probe]");
	if (f->ta & TA_WINUPD) sb_str(r, " [window update]");
	if (f->ta & TA_WINFULL) sb_str(r, " [window full]");
	if (f->ta & TA_OVERMSS) sb_str(r, " [longer than the MSS: segmentation offload]");
	if (f->ta & TA_TRUNC) sb_str(r, " [payload cut by the snaplen]");
	if (f->status & PKT_MALFORMED) sb_add(r, " [malformed: %s]", f->err ? f->err : "?");
	else if (f->status & PKT_TRUNCATED) sb_add(r, " [truncated: %s]", f->err ? f->err : "?");
}

/* A 334 challenge is base64 ("VXNlcm5hbWU6"): show it decoded when it is
 * printable text ("Username:"). */
static void challenge(struct sbuf *r, const char *text)
{
	uint8_t dec[64];
	size_t n = text ? smtp_base64_decode(text, strlen(text), dec, sizeof dec - 1) : 0;
	if (!n || n >= sizeof dec - 1)
		return;
	for (size_t i = 0; i < n; i++)
		if (dec[i] < 0x20 || dec[i] > 0x7e)
			return;
	dec[n] = '\0';
	sb_add(r, " (%s)", (const char *)dec);
}

/* The SMTP text that starts in this frame: commands as sent, the first
 * line of replies, the message's size and subject. */
static void smtp_text(const struct view *v, size_t i, struct sbuf *r)
{
	const struct session *s = v->s;
	const struct frame_rec *f = &s->frames[i];
	const struct fmap *m = &v->fm[i];
	if (!f->len || m->tls || !m->count)
		return;
	const size_t *list = f->dir == DIR_S2C ? v->by_rep : v->by_req;
	for (uint32_t c = 0; c < m->count; c++) {
		const struct exchange *x = &s->ex[list[m->first + c]];
		uint64_t start = f->dir == DIR_S2C ? x->rep_off : x->req_off;
		if (start < f->off)
			continue;
		if (r->n)
			sb_str(r, " ");
		if (f->dir == DIR_S2C) {
			sb_add(r, "\"%d%s%s\"", x->reply_code, x->reply_lines > 1 ? "-" : " ",
			       x->reply_text ? x->reply_text : "");
			if (x->reply_lines > 1)
				sb_add(r, " (+%d lines)", x->reply_lines - 1);
			if (x->reply_code == 334)
				challenge(r, x->reply_text);
		} else if (x->kind == EXK_BODY) {
			struct body_info *bi = x->bi;
			sb_add(r, "message (%llu bytes%s%s)", bi ? (unsigned long long)bi->size : 0ULL,
			       bi && bi->subject ? ", Subject: " : "", bi && bi->subject ? bi->subject : "");
		} else
			sb_add(r, "\"%s\"", x->line ? x->line : "");
	}
}

static void frame_summary(const struct view *v, size_t i, int raw, struct sbuf *r)
{
	const struct session *s = v->s;
	const struct frame_rec *f = &s->frames[i];
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], mac[18];
	if (f->proto == FP_ARP) {
		ip_str(4, f->tpa, a, sizeof a);
		ip_str(4, f->spa, b, sizeof b);
		mac_str(f->sha, mac);
		if (f->arp_op == 1)
			sb_add(r, "who-has %s tell %s (%s)", a, b, mac);
		else
			sb_add(r, "%s is-at %s", b, mac);
		return;
	}
	if (f->proto == FP_ND) {
		ip_str(6, f->tpa, a, sizeof a);
		mac_str(f->sha, mac);
		sb_add(r, f->arp_op == 135 ? "who-has %s (from %s)" : "%s is-at %s", a, mac);
		return;
	}
	struct sbuf tcp = { .n = 0 };
	tcp.b[0] = '\0';
	smtp_text(v, i, r);
	if (r->n)
		sb_str(r, "  ");
	const char *fl = flags_name(f->flags);
	const struct dirstate *d = &s->d[f->dir], *p = &s->d[!f->dir];
	uint32_t seq = raw ? f->seq : (f->flags & TH_SYN) ? 0 : (uint32_t)(f->seq - d->isn);
	uint32_t ack = raw ? f->ack : (uint32_t)(f->ack - p->isn);
	sb_str(r, "[");
	sb_str(r, fl);
	sb_u(r, "] seq=", seq);
	if (f->flags & TH_ACK)
		sb_u(r, " ack=", ack);
	sb_u(r, " len=", f->len);
	sb_u(r, " win=", f->win);
	if (f->mss) sb_add(r, " mss=%u", f->mss);
	if (f->wscale >= 0 && (f->flags & TH_SYN)) sb_add(r, " ws=%d", f->wscale);
	if (f->sack_ok) sb_str(r, " sack");
	(void)tcp;
}

/* ---- the sender's knowledge ------------------------------------------------ */

/* How many of the sender's writes match a dissected request byte for byte. */
static size_t sender_matches(const struct session *s, const struct sender_info *si)
{
	size_t ok = 0;
	for (size_t i = 0; i < si->nsent; i++) {
		const struct sent_rec *w = &si->sent[i];
		for (size_t j = 0; j < s->nex; j++) {
			const struct exchange *x = &s->ex[j];
			if (x->req_off == w->off && x->req_end == w->end &&
			    (w->is_body ? x->kind == EXK_BODY : !strcmp(x->verb, w->verb) || x->kind == EXK_AUTH)) {
				ok++;
				break;
			}
		}
	}
	return ok;
}

/* ---- text output ------------------------------------------------------------ */

/* One line per frame.  On a terminal the line is cut to its width (at a
 * character boundary); otherwise it is written whole. */
static void frame_line(FILE *o, const char *head, const char *role, const char *details,
                       const char *color, int use_color, int width)
{
	size_t hl = strlen(head), rl = strlen(role), dl = strlen(details);
	size_t room = width > 0 && (size_t)width > hl ? (size_t)width - hl : (size_t)-1;
	fputs(head, o);
	size_t take = rl < room ? rl : room;
	if (use_color && color)
		fprintf(o, "%s%.*s\033[0m", color, (int)take, role);
	else
		fwrite(role, 1, take, o);
	room -= take;
	if (take == rl && dl && room > 2) {
		fputs("  ", o);
		room -= 2;
		take = dl;
		if (dl > room) {
			take = room - 1;
			while (take && ((unsigned char)details[take] & 0xc0) == 0x80)
				take--;          /* not inside a UTF-8 sequence */
		}
		fwrite(details, 1, take, o);
		if (take < dl)
			fputs("~", o);
	} else if (take < rl || (dl && room <= 2))
		fputs("~", o);
	putc('\n', o);
}

static const char *role_color(const struct frame_rec *f, const struct sbuf *role)
{
	if (f->dir > 1) return "\033[35m";
	if (strstr(role->b, "handshake") || strstr(role->b, "teardown")) return "\033[33m";
	if (strstr(role->b, "reply") || strstr(role->b, "greeting")) {
		const char *p = strchr(role->b, ':');
		if (p && (p[2] == '4' || p[2] == '5')) return "\033[31m";
		return "\033[36m";
	}
	if (strstr(role->b, "command") || strstr(role->b, "message") || strstr(role->b, "end of data"))
		return "\033[32m";
	return NULL;
}

static void fmt_frames(const uint32_t *v, uint32_t n, char *out, size_t cap)
{
	if (!n) {
		snprintf(out, cap, "-");
		return;
	}
	int contiguous = v[n - 1] - v[0] == n - 1;
	if (n == 1)
		snprintf(out, cap, "%u", v[0]);
	else if (n == 2)
		snprintf(out, cap, "%u,%u", v[0], v[1]);
	else if (contiguous)
		snprintf(out, cap, "%u-%u", v[0], v[n - 1]);
	else
		snprintf(out, cap, "%u..%u(%u)", v[0], v[n - 1], n);
}


/* server time: the request's last segment to the reply's first */
static int resp_time(const struct session *s, const struct exchange *x, double *ms)
{
	if (!x->nreq || !x->nrep)
		return 0;
	const struct frame_rec *a = find_frame(s, x->req_frames[x->nreq - 1]);
	const struct frame_rec *b = find_frame(s, x->rep_frames[0]);
	if (!a || !b || b->ts_ns < a->ts_ns)
		return 0;
	*ms = (double)(b->ts_ns - a->ts_ns) / 1e6;
	return 1;
}

static void bytes_h(uint64_t n, char *out, size_t cap)
{
	if (n < 10000) snprintf(out, cap, "%llu B", (unsigned long long)n);
	else if (n < 10000000) snprintf(out, cap, "%.1f kB", (double)n / 1e3);
	else snprintf(out, cap, "%.1f MB", (double)n / 1e6);
}

/* A line, cut to a terminal's width (0: whole). */
static void cut_line(FILE *o, const char *line, int width)
{
	size_t n = strlen(line);
	if (width > 0 && n > (size_t)width) {
		size_t take = (size_t)width - 1;
		while (take && ((unsigned char)line[take] & 0xc0) == 0x80)
			take--;
		fwrite(line, 1, take, o);
		fputs("~\n", o);
	} else {
		fputs(line, o);
		putc('\n', o);
	}
}

static void text_table(struct render_ctx *r, const struct session *s)
{
	FILE *o = r->o->out;
	char vb[24], rq[40], rp[40], ack[12], tm[16], lab[40], row[512];
	fprintf(o, "\n  %-18s %-13s %-13s %-6s %-12s %s\n", "Exchange", "Request", "Reply",
	        "ACK", "Server time", "Reply code and text");
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		double ms;
		if (x->kind == EXK_BODY) {
			char b[24];
			bytes_h(x->bi ? x->bi->size : 0, b, sizeof b);
			snprintf(lab, sizeof lab, "message (%s)", b);
		} else if (x->kind == EXK_COMMAND && (!strcmp(x->verb, "MAIL") || !strcmp(x->verb, "RCPT"))) {
			snprintf(lab, sizeof lab, "%s %s", x->verb, x->verb[0] == 'M' ? "FROM" : "TO");
		} else
			snprintf(lab, sizeof lab, "%s", ex_label(x, vb, sizeof vb));
		fmt_frames(x->req_frames, x->nreq, rq, sizeof rq);
		fmt_frames(x->rep_frames, x->nrep, rp, sizeof rp);
		if (x->ack_frame) snprintf(ack, sizeof ack, "%u", x->ack_frame);
		else snprintf(ack, sizeof ack, "-");
		if (resp_time(s, x, &ms)) snprintf(tm, sizeof tm, "%.3f ms", ms);
		else snprintf(tm, sizeof tm, "-");
		char text[200];
		if (x->reply_code)
			snprintf(text, sizeof text, "%d %s%s", x->reply_code, x->reply_text ? x->reply_text : "",
			         x->reply_lines > 1 ? " (+more lines)" : "");
		else
			snprintf(text, sizeof text, "-");
		snprintf(row, sizeof row, "  %-18.18s %-13s %-13s %-6s %-12s %s", lab, rq, rp, ack, tm, text);
		cut_line(o, row, r->o->width);
	}
}

static void text_session(struct render_ctx *r, struct session *s, struct view *v)
{
	FILE *o = r->o->out;
	const struct engine_opts *eo = r->o;
	char c[64], sv[64], head[64];
	ep_str(s->family, s->cip, s->cport, c, sizeof c);
	ep_str(s->family, s->sip, s->sport, sv, sizeof sv);
	fprintf(o, "%sSession %u: client %s -> server %s%s\n", r->first_session_out ? "\n" : "",
	        s->index, c, sv, s->tls_implicit ? " (SMTPS: implicit TLS)" : "");
	r->first_session_out = 1;
	if (s->has_mac) {
		char m1[18], m2[18];
		mac_str(s->cmac, m1);
		mac_str(s->smac, m2);
		/* behind a router the server side MAC is the gateway's: the ARP says */
		char gw[INET6_ADDRSTRLEN + 24] = "";
		for (size_t i = 0; i < s->nframes; i++) {
			const struct frame_rec *f = &s->frames[i];
			if (f->proto == FP_ARP && f->arp_op == 2 && !memcmp(f->sha, s->smac, 6) &&
			    memcmp(f->spa, s->sip, 4)) {
				char ip[INET6_ADDRSTRLEN];
				ip_str(4, f->spa, ip, sizeof ip);
				snprintf(gw, sizeof gw, " (the gateway %s)", ip);
			}
		}
		fprintf(o, "  MACs: client side %s, server side %s%s\n", m1, m2,
		        memcmp(s->cmac, "\0\0\0\0\0\0", 6) ? gw : " (loopback)");
	}
	fprintf(o, "\n%7s %10s %-3s %-4s %s\n", "No.", "Time", "Dir", "Prot", "Role, then TCP details and SMTP text");
	if (eo->width)
		fprintf(o, "%27s(lines cut at %d columns, marked ~; pipe to a file or less -S for all)\n", "", eo->width);
	for (size_t i = 0; i < s->nframes; i++) {
		const struct frame_rec *f = &s->frames[i];
		struct sbuf role = { .n = 0 }, sum = { .n = 0 };
		role.b[0] = sum.b[0] = '\0';
		frame_role(v, i, &role);
		frame_summary(v, i, eo->raw_seq, &sum);
		snprintf(head, sizeof head, "%7u %10.6f %-3s %-4s ", f->no, secs(r, f->ts_ns),
		         f->dir == DIR_C2S ? "C>S" : f->dir == DIR_S2C ? "S>C" : "---",
		         proto_name(f->proto));
		frame_line(o, head, role.b, sum.b, role_color(f, &role), eo->color, eo->width);
	}
	if (s->nex)
		text_table(r, s);

	/* the connection */
	fprintf(o, "\n");
	const struct frame_rec *h1 = v->hsf[0], *h2 = v->hsf[1], *h3 = v->hsf[2];
	if (h1 && h2) {
		fprintf(o, "  Handshake: SYN -> SYN/ACK %.3f ms", (double)(h2->ts_ns - h1->ts_ns) / 1e6);
		if (h3)
			fprintf(o, ", SYN -> ACK (iRTT) %.3f ms", (double)(h3->ts_ns - h1->ts_ns) / 1e6);
		fprintf(o, "; frames %u, %u, %u\n", v->hs[0], v->hs[1], v->hs[2]);
	} else if (h1 && s->d[DIR_S2C].rst)
		fprintf(o, "  Handshake: the SYN (frame %u) was answered by a reset: connection refused\n", v->hs[0]);
	else if (h1 && !s->d[DIR_S2C].seen)
		fprintf(o, "  Handshake: SYN only (frame %u); nothing from the server is in the capture "
		        "(one direction captured)\n", v->hs[0]);
	else if (h1)
		fprintf(o, "  Handshake: the SYN (frame %u) got no SYN/ACK in the capture\n", v->hs[0]);
	else
		fprintf(o, "  Handshake: not captured (the capture started after the connection was opened)\n");
	if (!s->d[0].syn || !s->d[1].syn) {
		fprintf(o, "  TCP: no SYN from the %s: windows are shown unscaled",
		        !s->d[0].syn && !s->d[1].syn ? "client or the server" : !s->d[0].syn ? "client" : "server");
		if (!s->d[0].seen || !s->d[1].seen)
			fprintf(o, ", ack numbers raw (nothing from the %s)", !s->d[0].seen ? "client" : "server");
		fputs("\n", o);
	}
	char b1[24], b2[24];
	bytes_h(s->d[0].bytes, b1, sizeof b1);
	bytes_h(s->d[1].bytes, b2, sizeof b2);
	fprintf(o, "  Client -> server: %llu frame%s, %s (%llu payload bytes)\n",
	        (unsigned long long)s->d[0].frames, s->d[0].frames == 1 ? "" : "s", b1,
	        (unsigned long long)s->d[0].paybytes);
	fprintf(o, "  Server -> client: %llu frame%s, %s (%llu payload bytes)\n",
	        (unsigned long long)s->d[1].frames, s->d[1].frames == 1 ? "" : "s", b2,
	        (unsigned long long)s->d[1].paybytes);
	for (int d = 0; d < 2; d++) {
		const struct dirstate *ds = &s->d[d];
		if (ds->retrans || ds->ooo || ds->gap_bytes || ds->dupacks || ds->zerowin || ds->overmss)
			fprintf(o, "  %s: %u retransmissions, %u out of order, %llu bytes not captured, "
			        "%u duplicate ACKs, %u zero windows, %u longer than the MSS\n",
			        d ? "Server -> client" : "Client -> server", ds->retrans, ds->ooo,
			        (unsigned long long)ds->gap_bytes, ds->dupacks, ds->zerowin, ds->overmss);
	}
	fprintf(o, "  Duration: %.6f s; ", (double)(s->last_ts - s->first_ts) / 1e9);
	if (s->d[0].rst || s->d[1].rst)
		fprintf(o, "reset by the %s", s->d[0].rst ? "client" : "server");
	else if (s->first_closer >= 0)
		fprintf(o, "closed by the %s first%s", s->first_closer == DIR_C2S ? "client" : "server",
		        s->closed ? "" : " (close not complete)");
	else
		fprintf(o, "not closed in the capture");
	fprintf(o, "; history %s\n", s->history[0] ? s->history : "-");
	for (size_t i = 0; i < s->nex; i++) {
		const struct body_info *b = s->ex[i].bi;
		if (!b)
			continue;
		fprintf(o, "  Message: %llu bytes, %llu line%s%s\n", (unsigned long long)b->size,
		        (unsigned long long)b->lines, b->lines == 1 ? "" : "s",
		        b->complete ? "" : " (end of data not seen)");
		if (b->stuffed)
			fprintf(o, "    %llu line(s) began with '.', sent doubled (dot-stuffing)\n",
			        (unsigned long long)b->stuffed);
		if (b->gap)
			fprintf(o, "    %llu bytes not captured\n", (unsigned long long)b->gap);
		if (b->from) fprintf(o, "    From: %s\n", b->from);
		if (b->to) fprintf(o, "    To: %s\n", b->to);
		if (b->subject) fprintf(o, "    Subject: %s\n", b->subject);
		if (b->msgid) fprintf(o, "    Message-ID: %s\n", b->msgid);
	}
	/* why there is no ARP */
	int arp = 0;
	for (size_t i = 0; i < s->nframes; i++)
		arp |= s->frames[i].dir == DIR_OTHER;
	const struct sender_info *si = eo->sender;
	if (!arp) {
		if (si && si->loopback)
			fprintf(o, "  ARP: none: the server is on this host, reached over loopback\n");
		else if (si && si->neigh_cached)
			fprintf(o, "  ARP: none: the next hop %s was already in the neighbour cache "
			        "(--fresh-arp deletes it first)\n", si->nexthop ? si->nexthop : "?");
		else if (si)
			fprintf(o, "  ARP: none captured for the next hop %s\n", si->nexthop ? si->nexthop : "?");
		else
			fprintf(o, "  ARP: none in the capture for these hosts (a cached neighbour entry, "
			        "or the capture started later)\n");
	}
	if (si && si->nsent)
		fprintf(o, "  Sender check: %zu of %zu writes found in the capture at the byte ranges "
		        "the client wrote them\n", sender_matches(s, si), si->nsent);
	if (s->cut_short)
		fprintf(o, "  Note: the capture ends before the session does\n");
}

/* ---- JSON ------------------------------------------------------------------- */

static void json_session(struct render_ctx *r, struct session *s, struct view *v)
{
	FILE *o = r->o->out;
	char c[64], sv[64], m1[18], m2[18];
	ep_str(s->family, s->cip, s->cport, c, sizeof c);
	ep_str(s->family, s->sip, s->sport, sv, sizeof sv);
	fprintf(o, "%s\n{\"index\":%u,\"client\":", r->first_session_out ? "," : "", s->index);
	r->first_session_out = 1;
	json_str(o, c);
	fputs(",\"server\":", o);
	json_str(o, sv);
	if (s->has_mac) {
		mac_str(s->cmac, m1);
		mac_str(s->smac, m2);
		fprintf(o, ",\"client_mac\":\"%s\",\"server_mac\":\"%s\"", m1, m2);
	}
	fprintf(o, ",\"start\":%.9f,\"duration\":%.9f,\"history\":", secs(r, s->first_ts),
	        (double)(s->last_ts - s->first_ts) / 1e9);
	json_str(o, s->history);
	fprintf(o, ",\"closed_by\":%s,\"reset\":%s,\"complete\":%s,\"tls\":%s",
	        s->first_closer < 0 ? "null" : s->first_closer == DIR_C2S ? "\"client\"" : "\"server\"",
	        s->d[0].rst || s->d[1].rst ? "true" : "false", s->cut_short ? "false" : "true",
	        s->tls_implicit ? "\"implicit\"" : s->starttls ? "\"starttls\"" : "null");
	const struct frame_rec *h1 = v->hsf[0], *h2 = v->hsf[1], *h3 = v->hsf[2];
	fprintf(o, ",\"handshake\":{\"frames\":[%u,%u,%u]", v->hs[0], v->hs[1], v->hs[2]);
	if (h1 && h2) fprintf(o, ",\"syn_synack\":%.9f", (double)(h2->ts_ns - h1->ts_ns) / 1e9);
	if (h1 && h3) fprintf(o, ",\"irtt\":%.9f", (double)(h3->ts_ns - h1->ts_ns) / 1e9);
	fprintf(o, ",\"windows_scaled\":%s,\"acks_relative\":%s}",
	        s->d[0].wscale >= 0 && s->d[1].wscale >= 0 ? "true" : "false",
	        s->d[0].seen && s->d[1].seen ? "true" : "false");
	fputs(",\"helo\":", o);
	json_str(o, s->helo[0] ? s->helo : NULL);
	fputs(",\"mail_from\":", o);
	json_str(o, s->mail_from[0] || s->transactions ? s->mail_from : NULL);
	fputs(",\"rcpt_to\":[", o);
	{
		const char *p = s->rcpts;
		int first = 1;
		while (*p) {
			const char *e = strchr(p, ',');
			size_t n = e ? (size_t)(e - p) : strlen(p);
			char buf[256];
			snprintf(buf, sizeof buf, "%.*s", (int)n, p);
			if (!first) putc(',', o);
			json_str(o, buf);
			first = 0;
			p += n + (e ? 1 : 0);
		}
	}
	fputs("],\"stats\":{", o);
	for (int d = 0; d < 2; d++) {
		const struct dirstate *ds = &s->d[d];
		fprintf(o, "%s\"%s\":{\"frames\":%llu,\"bytes\":%llu,\"payload\":%llu,\"retransmissions\":%u,"
		        "\"out_of_order\":%u,\"not_captured\":%llu,\"dup_acks\":%u,\"zero_windows\":%u,"
		        "\"over_mss\":%u}", d ? "," : "", dir_name(d), (unsigned long long)ds->frames,
		        (unsigned long long)ds->bytes, (unsigned long long)ds->paybytes, ds->retrans, ds->ooo,
		        (unsigned long long)ds->gap_bytes, ds->dupacks, ds->zerowin, ds->overmss);
	}
	fputs("},\"frames\":[", o);
	for (size_t i = 0; i < s->nframes; i++) {
		const struct frame_rec *f = &s->frames[i];
		struct sbuf role = { .n = 0 }, sum = { .n = 0 };
		role.b[0] = sum.b[0] = '\0';
		frame_role(v, i, &role);
		frame_summary(v, i, r->o->raw_seq, &sum);
		fputs_unlocked(i ? ",\n {\"no\":" : "\n {\"no\":", o);
		put_u(o, f->no);
		PUT_LIT(o, ",\"time\":");
		put_time(o, r, f->ts_ns);
		PUT_LIT(o, ",\"proto\":\"");
		fputs_unlocked(proto_name(f->proto), o);
		PUT_LIT(o, "\",\"dir\":\"");
		fputs_unlocked(dir_name(f->dir), o);
		PUT_LIT(o, "\",\"role\":");
		json_strn(o, role.b, role.n);
		PUT_LIT(o, ",\"summary\":");
		json_strn(o, sum.b, sum.n);
		if (f->dir <= 1) {
			PUT_LIT(o, ",\"flags\":\"");
			fputs_unlocked(flags_name(f->flags), o);
			PUT_LIT(o, "\",\"seq\":");
			put_u(o, (f->flags & TH_SYN) ? 0 : (uint32_t)(f->seq - s->d[f->dir].isn));
			PUT_LIT(o, ",\"ack\":");
			put_u(o, (f->flags & TH_ACK) ? (uint32_t)(f->ack - s->d[!f->dir].isn) : 0);
			PUT_LIT(o, ",\"len\":");
			put_u(o, f->len);
			PUT_LIT(o, ",\"win\":");
			put_u(o, f->win);
			json_analysis(o, f->ta);
		}
		putc_unlocked('}', o);
	}
	fputs("],\"exchanges\":[", o);
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		double ms;
		fprintf(o, "%s\n {\"kind\":\"%s\",\"command\":", i ? "," : "", kind_name(x->kind));
		json_str(o, x->kind == EXK_COMMAND ? x->verb : NULL);
		fputs(",\"line\":", o);
		json_str(o, x->line);
		fputs(",\"request_frames\":", o);
		json_frames(o, x->req_frames, x->nreq);
		if (x->reply_code) {
			fprintf(o, ",\"reply_code\":%d,\"reply_text\":", x->reply_code);
			json_str(o, x->reply_text);
			fprintf(o, ",\"reply_lines\":%d,\"meaning\":", x->reply_lines);
			json_str(o, smtp_code_meaning(x->reply_code));
		} else
			fputs(",\"reply_code\":null", o);
		fputs(",\"reply_frames\":", o);
		json_frames(o, x->rep_frames, x->nrep);
		if (x->ack_frame) fprintf(o, ",\"ack_frame\":%u", x->ack_frame);
		else fputs(",\"ack_frame\":null", o);
		if (resp_time(s, x, &ms)) fprintf(o, ",\"response_time\":%.9f", ms / 1e3);
		fprintf(o, ",\"pipelined\":%s", x->pipelined ? "true" : "false");
		if (x->bi) {
			const struct body_info *b = x->bi;
			fprintf(o, ",\"message\":{\"size\":%llu,\"lines\":%llu,\"dot_stuffed_lines\":%llu,"
			        "\"not_captured\":%llu,\"complete\":%s,\"from\":", (unsigned long long)b->size,
			        (unsigned long long)b->lines, (unsigned long long)b->stuffed,
			        (unsigned long long)b->gap, b->complete ? "true" : "false");
			json_str(o, b->from);
			fputs(",\"to\":", o); json_str(o, b->to);
			fputs(",\"subject\":", o); json_str(o, b->subject);
			fputs(",\"message_id\":", o); json_str(o, b->msgid);
			fputs("}", o);
		}
		fputs("}", o);
	}
	fputs("]", o);
	if (r->o->sender && r->o->sender->nsent)
		fprintf(o, ",\"sender_check\":{\"matched\":%zu,\"writes\":%zu}",
		        sender_matches(s, r->o->sender), r->o->sender->nsent);
	fputs("}", o);
}

/* ---- summary ------------------------------------------------------------------ */

static void put_secs6(FILE *f, uint64_t ns, int neg)
{
	put_secs_n(f, ns, neg, 6);
}

/* " from=<a@b>", or " from=-" when there was no such command */
static void put_path(FILE *o, const char *key, const char *path)
{
	fputs_unlocked(key, o);
	if (!path) {
		putc_unlocked('-', o);
		return;
	}
	putc_unlocked('<', o);
	fputs_unlocked(path, o);
	putc_unlocked('>', o);
}

/* One line per session, like Zeek's conn.log; written without printf
 * because --summary runs over millions of frames. */
static void summary_line(struct render_ctx *r, const struct session *s)
{
	FILE *o = r->o->out;
	char c[64], sv[64];
	ep_str(s->family, s->cip, s->cport, c, sizeof c);
	ep_str(s->family, s->sip, s->sport, sv, sizeof sv);
	put_u(o, s->index);
	putc_unlocked(' ', o);
	if (s->first_ts >= r->t0)
		put_secs6(o, s->first_ts - r->t0, 0);
	else
		put_secs6(o, r->t0 - s->first_ts, 1);
	putc_unlocked(' ', o);
	fputs_unlocked(c, o);
	putc_unlocked(' ', o);
	fputs_unlocked(sv, o);
	PUT_LIT(o, " helo=");
	fputs_unlocked(s->helo[0] ? s->helo : "-", o);
	put_path(o, " from=", s->transactions ? s->mail_from : NULL);
	put_path(o, " to=", s->nrcpt ? s->rcpts : NULL);
	PUT_LIT(o, " codes=");
	for (int i = 0; i < s->ncodes; i++) {
		if (i)
			putc_unlocked(',', o);
		put_u(o, (uint64_t)s->codes[i]);
	}
	if (!s->ncodes)
		putc_unlocked('-', o);
	PUT_LIT(o, " c2s=");
	put_u(o, s->d[0].paybytes);
	PUT_LIT(o, " s2c=");
	put_u(o, s->d[1].paybytes);
	PUT_LIT(o, " dur=");
	put_secs6(o, s->last_ts - s->first_ts, 0);
	PUT_LIT(o, " hist=");
	fputs_unlocked(s->history[0] ? s->history : "-", o);
	if (s->tls_implicit || s->starttls)
		PUT_LIT(o, " tls");
	putc_unlocked('\n', o);
}

/* ---- entry points ------------------------------------------------------------- */

void render_begin(struct render_ctx *r)
{
	if (r->o->format == FMT_JSON)
		fprintf(r->o->out, "{\"tool\":\"smtptrace\",\"version\":\"%s\",\"sessions\":[",
#ifdef SMTPTRACE_VERSION
		        SMTPTRACE_VERSION
#else
		        "dev"
#endif
		);
}

void render_session(struct render_ctx *r, struct session *s)
{
	if (r->o->format == FMT_SUMMARY) {
		summary_line(r, s);
		return;
	}
	struct view v;
	build_view(&v, s);
	if (v.fm && v.by_req && v.by_rep && v.ack_list && v.rack_list) {
		if (r->o->format == FMT_JSON)
			json_session(r, s, &v);
		else
			text_session(r, s, &v);
	}
	free_view(&v);
}

void render_end(struct render_ctx *r, size_t nsessions, uint64_t nframes, uint64_t nother,
                const char *input_error)
{
	FILE *o = r->o->out;
	const struct sender_info *si = r->o->sender;
	if (r->o->format == FMT_JSON) {
		fprintf(o, "%s],\"frames_total\":%llu,\"sessions_total\":%zu,\"other_frames\":%llu,\"input_error\":",
		        nsessions ? "\n" : "", (unsigned long long)nframes, nsessions, (unsigned long long)nother);
		json_str(o, input_error);
		if (si) {
			fputs(",\"sender\":{\"server\":", o);
			json_str(o, si->server_arg);
			fputs(",\"interface\":", o);
			json_str(o, si->ifname);
			fputs(",\"next_hop\":", o);
			json_str(o, si->nexthop);
			fprintf(o, ",\"via_gateway\":%s,\"loopback\":%s,\"neighbour_cached\":%s,\"fresh_arp\":%s,"
			        "\"packets_received\":%llu,\"packets_dropped\":%llu,\"interface_dropped\":%llu,"
			        "\"capture_file\":", si->via_gateway ? "true" : "false",
			        si->loopback ? "true" : "false", si->neigh_cached ? "true" : "false",
			        si->fresh_arp ? "true" : "false", (unsigned long long)si->ps_recv,
			        (unsigned long long)si->ps_drop, (unsigned long long)si->ps_ifdrop);
			json_str(o, si->capture_file);
			if (si->result) {
				fprintf(o, ",\"exit_code\":%d,\"stage\":", si->result->exit_code);
				json_str(o, smtp_stage_name(si->result->stage));
				fputs(",\"error\":", o);
				json_str(o, si->result->error[0] ? si->result->error : NULL);
				fputs(",\"sent\":[", o);
				for (size_t i = 0; i < si->nsent; i++) {
					const struct sent_rec *w = &si->sent[i];
					fprintf(o, "%s{\"offset\":%llu,\"end\":%llu,\"command\":", i ? "," : "",
					        (unsigned long long)w->off, (unsigned long long)w->end);
					json_str(o, w->is_body ? NULL : w->verb);
					fprintf(o, ",\"reply_code\":%d}", w->reply_code);
				}
				fputs("]", o);
			}
			fputs("}", o);
		}
		fputs("}\n", o);
		return;
	}
	if (r->o->format == FMT_SUMMARY) {
		if (input_error)
			fprintf(o, "# input error: %s\n", input_error);
		return;
	}
	fprintf(o, "\n%zu SMTP session%s in %llu frames (%llu not ARP/ND/TCP)\n", nsessions,
	        nsessions == 1 ? "" : "s", (unsigned long long)nframes, (unsigned long long)nother);
	if (input_error)
		fprintf(o, "Input error: %s (everything before it is shown above)\n", input_error);
	if (si) {
		fprintf(o, "Capture: %llu packets received, %llu dropped by the kernel, %llu by the interface",
		        (unsigned long long)si->ps_recv, (unsigned long long)si->ps_drop,
		        (unsigned long long)si->ps_ifdrop);
		fprintf(o, "%s%s\n", si->loopback ? " (on loopback libpcap sees each packet twice)" : "",
		        si->ps_drop || si->ps_ifdrop ? " -- the timeline may be incomplete" : "");
		if (si->capture_file)
			fprintf(o, "Saved: %s (open it with: wireshark %s)\n", si->capture_file, si->capture_file);
	}
}
