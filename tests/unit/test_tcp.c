/* test_tcp.c - the TCP state machine (tcp-track.c) and the stream (tcp-reasm.c). */
#include <stdint.h>
#include <string.h>
#include "tcp-track.h"
#include "unit.h"

/* ---- a sink that records what it got ---- */
struct rec {
	char data[256];
	size_t n;
	uint64_t gaps, gap_at;
	int calls;
};

static void rec_data(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	struct rec *r = ctx;
	(void)dir;
	(void)off;
	if (r->n + n < sizeof r->data) {
		memcpy(r->data + r->n, p, n);
		r->n += n;
	}
	r->calls++;
}

static void rec_gap(void *ctx, int dir, uint64_t off, uint64_t n)
{
	struct rec *r = ctx;
	(void)dir;
	r->gaps += n;
	r->gap_at = off;
	if (r->n + 1 < sizeof r->data)
		r->data[r->n++] = '_';
}

static const struct stream_sink sink = { rec_data, rec_gap };

static void seg(struct stream *st, uint64_t off, const char *s)
{
	stream_segment(st, off, (uint32_t)strlen(s), (const uint8_t *)s, (uint32_t)strlen(s));
}

static void test_unwrap(void)
{
	CHECK(tcp_unwrap(1000, 0, 1001) == 0);
	CHECK(tcp_unwrap(1000, 0, 1101) == 100);
	/* across the 32-bit wrap */
	CHECK(tcp_unwrap(0xfffffff0u, 0x0f, 0x0000000fu) == 0x1e);
	CHECK(tcp_unwrap(0, 0xfffffff0ull, 0x10) == 0x10000000full);
	/* a little behind the reference, past 4 GB */
	CHECK(tcp_unwrap(0, 0x100000010ull, 0xffffff00u) == 0xfffffeffull);
	CHECK_STR(tcp_analysis_name(TA_RETRANS), "retransmission");
	CHECK_STR(tcp_analysis_name(TA_OOO), "out_of_order");
	CHECK_STR(tcp_analysis_name(TA_GAP), "lost_segment");
	CHECK_STR(tcp_analysis_name(TA_DUP), "duplicate");
	CHECK_STR(tcp_analysis_name(TA_WINFULL), "window_full");
	CHECK(tcp_analysis_name(TA_RETRANS | TA_OOO) == NULL);
	CHECK(tcp_analysis_name(1u << TA_NBITS) == NULL);
}

static void test_stream(void)
{
	struct rec r = { 0 };
	struct stream st;
	stream_init(&st, 0, &sink, &r);
	seg(&st, 0, "abc");
	seg(&st, 6, "ghi");                 /* held beyond a hole */
	CHECK(r.n == 3 && st.held == 3);
	CHECK(stream_seen(&st, 6, 9) == 2);
	CHECK(stream_seen(&st, 3, 9) == 1);
	CHECK(stream_seen(&st, 3, 6) == 0);
	CHECK(stream_seen(&st, 0, 3) == 2);
	seg(&st, 3, "def");                 /* fills it */
	CHECK(r.n == 9 && !memcmp(r.data, "abcdefghi", 9) && st.held == 0 && st.next == 9);
	seg(&st, 2, "cdefghij");            /* partly old: only "j" is new */
	CHECK(r.n == 10 && r.data[9] == 'j');
	seg(&st, 14, "op");
	stream_acked(&st, 12, UINT64_MAX); /* 10..12 received, not captured */
	CHECK(r.gaps == 2 && r.gap_at == 10 && st.next == 12);
	stream_flush(&st, 20);             /* 12..14 hole, "op", then 16..20 to the FIN */
	CHECK(r.gaps == 2 + 2 + 4 && st.next == 20 && st.gap_bytes == 8);
	stream_free(&st);

	/* the hold bound: the hole becomes a gap, counted as dropped */
	struct rec r2 = { 0 };
	stream_init(&st, 1, &sink, &r2);
	st.limit = 4;
	seg(&st, 10, "abc");
	CHECK(st.dropped == 0 && st.held == 3);
	seg(&st, 13, "de");
	CHECK(st.dropped == 10 && st.held == 0 && st.next == 15 && r2.gaps == 10);
	stream_free(&st);

	/* no sink: offsets only, nothing held */
	stream_init(&st, 0, NULL, NULL);
	seg(&st, 0, "abc");
	seg(&st, 5, "xy");
	CHECK(st.next == 3 && st.held == 0);
	stream_free(&st);
}

/* ---- segments through the state machine ---- */
static struct pkt mk(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t id, const char *pay)
{
	struct pkt p;
	memset(&p, 0, sizeof p);
	p.kind = PK_TCP;
	p.family = 4;
	p.ip_id = id;
	p.seq = seq;
	p.ack = ack;
	p.flags = flags;
	p.win = 1000;
	p.mss = 0;
	p.wscale = -1;
	if (pay) {
		p.payload = (const uint8_t *)pay;
		p.paylen = p.cap_paylen = (uint32_t)strlen(pay);
	}
	return p;
}

static unsigned feed(struct dirstate *d, int dir, struct pkt p, uint32_t no)
{
	struct tcp_verdict v;
	tcp_track(d, dir, &p, (uint64_t)no * 1000000u, no, 60, &v);
	return v.ta;
}

static void test_track(void)
{
	struct rec r = { 0 };
	struct dirstate d[2];
	tcp_track_init(d, &sink, &r);
	/* client isn 100, server isn 500 */
	CHECK(feed(d, 0, mk(100, 0, TH_SYN, 1, NULL), 1) == 0);
	CHECK(feed(d, 1, mk(500, 101, TH_SYN | TH_ACK, 0, NULL), 2) == 0);
	CHECK(feed(d, 0, mk(101, 501, TH_ACK, 2, NULL), 3) == 0);
	CHECK(d[0].irtt_ns == 2000000u && d[1].irtt_ns == 2000000u);
	CHECK(feed(d, 1, mk(501, 101, TH_ACK | TH_PSH, 10, "220 hi\r\n"), 4) == 0);
	CHECK(feed(d, 0, mk(101, 509, TH_ACK, 3, NULL), 5) == 0);
	/* the same ACK again, nothing of the server's outstanding: not a duplicate ACK */
	CHECK(feed(d, 0, mk(101, 509, TH_ACK, 4, NULL), 6) == 0);
	/* a network duplicate: same IP ID, same place */
	CHECK(feed(d, 0, mk(101, 509, TH_ACK | TH_PSH, 5, "EHLO x\r\n"), 7) == 0);
	CHECK(feed(d, 0, mk(101, 509, TH_ACK | TH_PSH, 5, "EHLO x\r\n"), 8) == TA_DUP);
	/* the same bytes with a new ID: sent again */
	CHECK(feed(d, 0, mk(101, 509, TH_ACK | TH_PSH, 6, "EHLO x\r\n"), 9) & TA_RETRANS);
	/* the server has nothing outstanding; the client has: its repeated ACK... */
	CHECK(feed(d, 1, mk(509, 109, TH_ACK | TH_PSH, 11, "250 ok\r\n"), 10) == 0);
	CHECK(feed(d, 0, mk(109, 509, TH_ACK | TH_PSH, 7, "MAIL\r\n"), 11) == 0);
	/* ...and the server's duplicate ACK while the client's MAIL is outstanding */
	CHECK(feed(d, 1, mk(517, 109, TH_ACK, 12, NULL), 12) == TA_DUPACK);
	/* reordering: a later segment (newer ID) first, then the late one (older ID) */
	CHECK(feed(d, 0, mk(121, 517, TH_ACK, 9, "bb"), 13) == TA_GAP);
	CHECK(feed(d, 0, mk(115, 517, TH_ACK, 8, "RCPT\r\n"), 14) == TA_OOO);
	CHECK(r.n == 8 + 8 + 8 + 6 + 6 + 2);
	/* FIN after a lost reply: a gap before a frame without payload */
	CHECK(feed(d, 1, mk(530, 123, TH_ACK | TH_FIN, 13, NULL), 15) & TA_GAP);
	CHECK(feed(d, 0, mk(123, 531, TH_ACK | TH_FIN, 10, NULL), 16) == 0);
	CHECK(feed(d, 0, mk(123, 531, TH_ACK | TH_FIN, 11, NULL), 17) & TA_RETRANS);
	tcp_track_flush(d);
	CHECK(d[1].gap_bytes == 13);        /* 517..530: the reply never seen */
	tcp_track_free(d);
}

static void test_midstream(void)
{
	struct dirstate d[2];
	struct rec r = { 0 };
	tcp_track_init(d, &sink, &r);
	CHECK(feed(d, 0, mk(5000, 9000, TH_ACK, 1, "body"), 1) == 0);
	/* the server acknowledges less than the first byte we saw: not a gap */
	CHECK(feed(d, 1, mk(9000, 4000, TH_ACK, 1, NULL), 2) == 0);
	CHECK(d[0].gap_bytes == 0 && d[0].next == 4);
	/* a resend of bytes from before the capture */
	CHECK(feed(d, 0, mk(4000, 9000, TH_ACK, 2, "old"), 3) == TA_RETRANS);
	CHECK(d[0].max_end == 4 && r.n == 4);
	tcp_track_free(d);
}

int main(void)
{
	test_unwrap();
	test_stream();
	test_track();
	test_midstream();
	return UNIT_DONE();
}
