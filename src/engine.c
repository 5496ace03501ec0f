/* engine.c - frames in, sessions out.
 *
 * Each frame is decoded and looked up in the flow table (flow-table.c)
 * under a direction-independent key.  A flow gets a full session only once
 * it is seen to be SMTP (its port, or its first payload); frames before
 * that wait in its small record and are replayed.  The session's frames
 * are analysed as TCP (relative sequence numbers, retransmissions, gaps,
 * duplicate ACKs, zero windows, the close), and their payload handed
 * through reassembly to the SMTP dissector.  ARP and ND frames go to the
 * open session they concern (flow-arp.c), or wait in a small ring until it
 * shows up.  A session is printed (in order of its first frame) as soon as
 * it and every session before it is over, or when it has been idle for the
 * idle timeout (capture time), then freed.  What the memory budget or a
 * session's cap keeps out is counted in struct flow_stats. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine-int.h"
#include "timeline.h"
#include "tls-hooks.h"
#include "util-mem.h"

/* ---- TCP history -------------------------------------------------------- */

/* Each letter once, in order of first occurrence; a bit per letter says
 * whether it is there already (every segment asks). */
static void hist(struct session *s, char c)
{
	uint64_t bit = 1ull << ((unsigned)(c - 'A') & 63);
	if (s->hseen & bit)
		return;
	s->hseen |= bit;
	if ((size_t)s->hlen + 1 < sizeof s->history)
		s->history[s->hlen++] = c;
}

/* ---- reassembly sink: decide SMTP on the first bytes, then dispatch ------- */

/* Decide on the first bytes of a side, joined with the ones that could not
 * decide yet ("22" | "0 mx..."). */
static int sink_detect(struct session *s, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	uint8_t buf[16];
	size_t k = s->nprobe[dir], add = n < sizeof buf - k ? n : sizeof buf - k;
	memcpy(buf, s->probe[dir], k);
	memcpy(buf + k, p, add);
	int r = app_smtp.detect(dir, buf, k + add);
	if (r < 0 && k + n < sizeof s->probe[dir]) {
		if (!k)
			s->probe_off[dir] = off;
		memcpy(s->probe[dir] + k, p, n);
		s->nprobe[dir] = (uint8_t)(k + n);
	}
	return r;
}

/* Bytes go to the session's application parsers (app.h): SMTP, which hands
 * the rest of each direction to the TLS record parser at STARTTLS. */
static void sink_data(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	struct session *s = ctx;
	if (s->is_smtp == 0) {
		int r = sink_detect(s, dir, off, p, n);
		if (r < 0)
			return;
		if (r == 0) {
			s->is_smtp = -1;
			free(s->frames);
			s->frames = NULL;
			s->nframes = s->capframes = 0;
			return;
		}
		became_smtp(s->eng, s->owner);
		adopt_arp(s->eng, s);
		for (int d = 0; d < 2; d++)    /* the bytes that could not decide */
			if (s->nprobe[d] && (d != dir || s->probe_off[d] < off))
				app_data(&s->app, d, s->probe_off[d], s->probe[d], s->nprobe[d]);
	}
	if (s->is_smtp == 1)
		app_data(&s->app, dir, off, p, n);
}

static void sink_gap(void *ctx, int dir, uint64_t off, uint64_t n)
{
	struct session *s = ctx;
	if (s->is_smtp == 1)
		app_gap(&s->app, dir, off, n);
}

const struct stream_sink engine_stream_sink = { sink_data, sink_gap };

/* ---- finishing and printing ---------------------------------------------- */

static void finalize(struct engine *e, struct flow *f)
{
	struct session *s = &f->s;
	(void)e;
	tcp_track_flush(s->d);
	smtp_end(s);
	s->done = 1;
	s->history[s->hlen] = '\0';
}

/* Publish a finished session with its timeline, then free it.  Sessions
 * are published as they end, so memory holds only the open ones; `index`
 * still numbers them by their first frame. */
static void emit(struct engine *e, struct flow *f)
{
	e->q[f->qpos] = NULL;
	if (e->o.nsinks && (!e->o.session || (uint32_t)e->o.session == f->s.index)) {
		struct timeline t;
		tl_build(&t, &f->s, e->t0, e->o.sender);
		for (size_t i = 0; i < e->o.nsinks; i++)
			e->o.sinks[i].session(e->o.sinks[i].ctx, &f->s, &t);
		tl_free(&t);
	}
	e->nsessions++;
	session_free(&f->s);
	free(f);
}
/* Take the flow out of the table; print it when its turn comes. */
static void retire(struct engine *e, struct flow *f)
{
	ft_remove(&e->ft, f->fe);
	session_unaccount(e, f);
	if (f->s.is_smtp == 1) {
		finalize(e, f);
		emit(e, f);
	} else {
		session_free(&f->s);
		free(f);
	}
}

static void closed_push(struct engine *e, struct flow *f)
{
	f->close_ts = f->s.last_ts;
	f->close_no = e->no;
	f->cnext = NULL;
	*e->ctail = f;
	e->ctail = &f->cnext;
	unindex(e, f);
}

static void closed_expire(struct engine *e, uint64_t now, int all)
{
	while (e->chead && (all || e->no - e->chead->close_no > CLOSE_GRACE_FRAMES ||
	                    now - e->chead->close_ts > CLOSE_GRACE_NS)) {
		struct flow *f = e->chead;
		e->chead = f->cnext;
		if (!e->chead)
			e->ctail = &e->chead;
		retire(e, f);
	}
}

static void closed_unlink(struct engine *e, struct flow *f)
{
	struct flow **pp = &e->chead, *prev = NULL;
	for (; *pp; prev = *pp, pp = &(*pp)->cnext)
		if (*pp == f) {
			*pp = f->cnext;
			if (e->ctail == &f->cnext)
				e->ctail = prev ? &prev->cnext : &e->chead;
			return;
		}
}

/* A flow was idle for the idle timeout (capture time): an SMTP session is
 * printed as incomplete, anything else forgotten. */
static void expire_idle(struct engine *e)
{
	struct fent *fe;
	while ((fe = ft_idle(&e->ft))) {
		e->ft.st.flows_expired++;
		if (fe->state != FE_SESSION) {
			ft_remove(&e->ft, fe);
			continue;
		}
		struct flow *f = fe->fl;
		if (f->s.is_smtp == 1) {
			e->ft.st.sessions_expired++;
			f->s.cut_short = !f->s.closed;
			f->s.idle_expired = 1;
		}
		if (f->s.closed)
			closed_unlink(e, f);
		retire(e, f);
	}
}

/* ---- TCP ----------------------------------------------------------------- */

/* The TCP state machine (tcp-track.c) decides; the session keeps the
 * history letters, the first closer and the close. */
static void tcp_frame(struct flow *f, int dir, const struct pkt *p, uint64_t ts, uint32_t no,
                      uint32_t wirelen, struct tcp_verdict *v)
{
	struct session *s = &f->s;
	tcp_track(s->d, dir, p, ts, no, wirelen, v);
	for (const char *c = v->hist; *c; c++)
		hist(s, *c);
	if (v->first_fin && s->first_closer < 0)
		s->first_closer = dir;
	if (v->closes && !s->closed) {
		s->closed = 1;
		s->close_frame = no;
	}
}

/* ---- frames ------------------------------------------------------------ */

void fill_frame(struct frame_rec *fr, uint32_t no, uint64_t ts, uint32_t wirelen,
                const struct pkt *p)
{
	memset(fr, 0, sizeof *fr);
	fr->no = no;
	fr->ts_ns = ts;
	fr->wirelen = wirelen;
	fr->status = p->status;
	fr->err = p->err;
	fr->family = (uint8_t)p->family;
}

/* Keep a TCP frame's record for the timeline. */
static void tcp_record(struct engine *e, struct session *s, int dir, const struct pkt *p,
                       uint64_t ts, uint32_t no, uint32_t wirelen, const struct tcp_verdict *v)
{
	struct frame_rec fr;
	fill_frame(&fr, no, ts, wirelen, p);
	fr.dir = (uint8_t)dir;
	fr.proto = FP_TCP;
	fr.flags = p->flags;
	fr.seq = p->seq;
	fr.ack = p->ack;
	fr.len = p->paylen;
	fr.mss = p->mss;
	fr.wscale = p->wscale;
	fr.sack_ok = p->sack_ok;
	if (p->cap_paylen)
		fr.tls_type = p->payload[0];
	fr.off = v->off;
	fr.win = v->win;
	fr.ta = v->ta;
	frame_push(e, s, &fr);
}

/* One TCP frame of a flow that has a session.  Its record is built only
 * when an output reads frames (--summary does not: zeroing and filling it
 * was a tenth of the engine's own per-frame instructions). */
static void session_frame(struct engine *e, struct flow *f, int dir, const struct pkt *p,
                          uint64_t ts, uint32_t no, uint32_t wirelen)
{
	struct session *s = &f->s;
	struct tcp_verdict v;
	if (!s->first_ts)
		s->first_ts = ts;
	s->last_ts = ts;

	int was_closed = s->closed;
	if (p->flags & (TH_SYN | TH_RST))
		att_frame(e, f, dir, p, no, ts);
	tcp_frame(f, dir, p, ts, no, wirelen, &v);
	if (s->is_smtp >= 0 && (e->needs & ENGINE_NEED_FRAMES))
		tcp_record(e, s, dir, p, ts, no, wirelen, &v);
	if (s->closed && !was_closed)
		closed_push(e, f);
}

/* RST, or a FIN after the peer's: the flow is over. */
static int ends_flow(const struct pkt *p, unsigned fins, int dir)
{
	return (p->flags & TH_RST) || ((p->flags & TH_FIN) && (fins & (1u << !dir)));
}

/* A flow known not to be SMTP: only its end matters. */
static void not_smtp_frame(struct engine *e, struct fent *fe, int dir, const struct pkt *p)
{
	if (ends_flow(p, fe->fin, dir))
		ft_remove(&e->ft, fe);
	else if (p->flags & TH_FIN)
		fe->fin |= (uint8_t)(1u << dir);
}

/* The session turned out not to be SMTP, or stayed undecided too long:
 * keep only the flow record. */
static void session_drop(struct engine *e, struct fent *fe)
{
	struct flow *f = fe->fl;
	int closed = f->s.closed;
	if (closed)
		closed_unlink(e, f);
	fe->fin = (uint8_t)(f->s.d[0].fin | f->s.d[1].fin << 1);
	session_unaccount(e, f);
	session_free(&f->s);
	free(f);
	fe->fl = NULL;
	fe->state = FE_NOT_SMTP;
	e->ft.st.flows_not_smtp++;
	if (closed)
		ft_remove(&e->ft, fe);
}

/* A frame of a flow not classified yet.  Frames without payload wait (up
 * to FT_PEND_MAX, then the flow is not SMTP); the first payload makes the
 * session and replays them.  Returns the session, or NULL if done here. */
static struct flow *pending_frame(struct engine *e, struct fent *fe, int dir,
                                  const struct pkt *p, uint64_t ts, uint32_t wirelen)
{
	if (ends_flow(p, fe->fin, dir)) {
		ft_remove(&e->ft, fe);          /* never carried payload: never printed */
		return NULL;
	}
	if (p->flags & TH_FIN)
		fe->fin |= (uint8_t)(1u << dir);
	if (!p->paylen) {
		int r = ft_pend_push(&e->ft, fe, p, ts, e->no, wirelen, dir);
		if (r == -1) {
			ft_pend_free(&e->ft, fe);
			fe->state = FE_NOT_SMTP;
			e->ft.st.flows_not_smtp++;
		} else if (r < 0)
			e->ft.st.not_analysed++;
		return NULL;
	}
	struct flow *f = session_new(e, fe);
	if (!f) {
		e->ft.st.not_analysed += fe->npend + 1u;
		ft_remove(&e->ft, fe);
		return NULL;
	}
	fe->fin = 0;
	for (unsigned i = 0; i < fe->npend; i++) {
		const struct pend_frame *w = &fe->pend[i];
		session_frame(e, f, w->dir, &w->p, w->ts, w->no, w->wirelen);
	}
	ft_pend_free(&e->ft, fe);
	return f;
}

static void tcp_dispatch(struct engine *e, const struct pkt *p, uint64_t ts, uint32_t wirelen)
{
	uint32_t h = ft_hash(&e->ft, p);
	int dir = -1;
	struct fent *fe = ft_find(&e->ft, p, h, &dir);
	if (fe && fe->fl && fe->fl->s.closed && (p->flags & (TH_SYN | TH_ACK)) == TH_SYN) {
		/* the port pair is used again by a new connection */
		closed_unlink(e, fe->fl);
		retire(e, fe->fl);
		fe = NULL;
	}
	if (!fe && !(fe = flow_new(e, p, h, &dir))) {
		e->ft.st.not_analysed++;
		return;
	}
	ft_touch(&e->ft, fe, ts);
	struct flow *f = fe->fl;
	if (fe->state == FE_NOT_SMTP) {
		not_smtp_frame(e, fe, dir, p);
		return;
	}
	if (fe->state == FE_PENDING && !(f = pending_frame(e, fe, dir, p, ts, wirelen)))
		return;
	if (!f)                         /* FE_SESSION always has its flow */
		return;
	session_frame(e, f, dir, p, ts, e->no, wirelen);
	const struct dirstate *d = f->s.d;
	if (f->s.is_smtp < 0 ||
	    (f->s.is_smtp == 0 && d[0].frames + d[1].frames >= UNDECIDED_MAX))
		session_drop(e, fe);
}

void engine_frame(struct engine *e, uint64_t ts, const uint8_t *data,
                  uint32_t caplen, uint32_t wirelen)
{
	struct pkt p;
	uint32_t no = ++e->no;
	e->ft.st.frames++;
	if (no == 1)
		e->t0 = ts;

	decode_frame(e->linktype, data, caplen, wirelen, &p);
	if (ts > e->ft.now)
		e->ft.now = ts;
	expire_idle(e);
	if ((no & 255) == 0)
		closed_expire(e, ts, 0);
	if (p.kind == PK_ARP || p.kind == PK_ND) {
		struct frame_rec fr;
		fill_frame(&fr, no, ts, wirelen, &p);
		arp_frame(e, &fr, &p);
		return;
	}
	if (p.kind == PK_ICMP)          /* shown in its session; counted below all the same */
		icmp_frame(e, &p, no, ts, wirelen);
	if (p.kind == PK_UDP && (p.sport == DNS_PORT || p.dport == DNS_PORT)) {
		struct frame_rec fr;
		fill_frame(&fr, no, ts, wirelen, &p);
		dns_frame_in(e, &fr, &p);
	}
	if (p.kind != PK_TCP) {
		e->ft.st.other_frames++;
		if (p.status)
			e->ft.st.undecodable++;
		return;
	}
	tcp_dispatch(e, &p, ts, wirelen);
}

/* ---- lifecycle ------------------------------------------------------------ */

struct engine *engine_new(const struct engine_opts *o, int linktype)
{
	struct engine *e = xcalloc(1, sizeof *e);
	e->o = *o;
	e->linktype = linktype;
	e->ctail = &e->chead;
	uint64_t idle = o->idle_timeout < 0 ? 0 :
	                (uint64_t)(o->idle_timeout ? o->idle_timeout : FT_IDLE_DEFAULT_S) * 1000000000ull;
	uint64_t mb = o->memory_limit_mb ? (uint64_t)o->memory_limit_mb : FT_BUDGET_DEFAULT_MB;
	ft_init(&e->ft, mb << 20, idle);
	tls_hooks_init(&e->hooks, o->keys);
	e->app_o = (struct app_opts){ .show_secrets = o->show_secrets, .dec = &e->hooks,
	                              .keep_data = o->keep_data };
	arpx_init(&e->ax, e->ft.seed);
	for (size_t i = 0; i < o->nsinks; i++) {
		e->needs |= o->sinks[i].needs;
		if (o->sinks[i].begin)
			o->sinks[i].begin(o->sinks[i].ctx);
	}
	return e;
}

void engine_input_error(struct engine *e, const char *what)
{
	snprintf(e->input_error, sizeof e->input_error, "%s", what);
}

const struct flow_stats *engine_flow_stats(const struct engine *e)
{
	return &e->ft.st;
}

/* What the input cut off: SMTP sessions are finished (and wait in the
 * print queue), the rest freed; then the table goes. */
static void finish_open(struct engine *e)
{
	for (struct fent *fe = e->ft.ihead; fe; fe = fe->inext) {
		struct flow *f = fe->fl;
		if (!f)
			continue;
		session_unaccount(e, f);
		if (f->s.is_smtp == 1) {
			f->s.cut_short = !f->s.closed;
			finalize(e, f);
		} else {
			session_free(&f->s);
			free(f);
		}
		fe->fl = NULL;
	}
	ft_destroy(&e->ft);
}

/* Say what was not analysed: the output is never silently partial. */
static void warn_limits(const struct engine *e)
{
	const struct flow_stats *st = &e->ft.st;
	if (st->not_analysed || st->records_dropped)
		fprintf(stderr, "smtptrace: memory limit (%llu MiB) reached: %llu frames not "
		        "analysed, %llu frames analysed but not shown\n",
		        (unsigned long long)(st->budget >> 20), (unsigned long long)st->not_analysed,
		        (unsigned long long)st->records_dropped);
}

size_t engine_finish(struct engine *e)
{
	closed_expire(e, 0, 1);
	finish_open(e);
	/* the ones the input cut off, in the order they began */
	for (size_t i = 0; i < e->qn; i++)
		if (e->q[i])
			emit(e, e->q[i]);
	e->qn = 0;
	struct engine_stats st = {
		.nsessions = e->nsessions, .nframes = e->no, .nother = e->ft.st.other_frames,
		.input_error = e->input_error[0] ? e->input_error : NULL, .sender = e->o.sender,
		.flow = &e->ft.st,
	};
	for (size_t i = 0; i < e->o.nsinks; i++)
		if (e->o.sinks[i].end)
			e->o.sinks[i].end(e->o.sinks[i].ctx, &st);
	warn_limits(e);
	return e->nsessions;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	/* sessions still in the table that are not queued (engine_finish not called) */
	for (struct fent *fe = e->ft.ihead; fe; fe = fe->inext)
		if (fe->fl && fe->fl->s.is_smtp != 1) {
			session_free(&fe->fl->s);
			free(fe->fl);
		}
	for (size_t i = 0; i < e->qn; i++) {
		if (!e->q[i])
			continue;
		session_free(&e->q[i]->s);
		free(e->q[i]);
	}
	ft_destroy(&e->ft);
	arpx_destroy(&e->ax);
	dns_ring_free(e);
	att_ring_free(e);
	free(e->q);
	free(e);
}
