/* test_timeline.c - the timeline model (timeline.h) over a hand-made
 * session: the frame <-> exchange map, ACK attribution, roles as enums,
 * colour classes from role kinds, and that the session is left untouched
 * (frames not re-sorted, protocols not rewritten). */
#include <stdlib.h>
#include "decode.h"
#include "session.h"
#include "timeline.h"
#include "util-fmt.h"
#include "unit.h"

static struct frame_rec tcp(uint32_t no, int dir, uint8_t flags, uint32_t seq, uint32_t ack,
                            uint64_t off, uint32_t len)
{
	struct frame_rec f = { .no = no, .dir = (uint8_t)dir, .flags = flags, .seq = seq, .ack = ack,
	                       .off = off, .len = len, .ts_ns = 1000000ull * no, .proto = FP_TCP,
	                       .wscale = -1 };
	return f;
}

/* SYN, SYN/ACK, ACK, greeting 220, EHLO, reply 550, ACK; then an ARP
 * frame numbered 1 adopted late (so the array is out of order). */
static void make_session(struct session *s, struct frame_rec *fr, struct exchange *ex)
{
	memset(s, 0, sizeof *s);
	s->family = 4;
	memcpy(s->cip, "\xc0\x00\x02\x0a", 4);
	memcpy(s->sip, "\xc6\x33\x64\x19", 4);
	s->d[0].isn = 1000;
	s->d[1].isn = 5000;
	s->first_closer = -1;
	fr[0] = tcp(2, DIR_C2S, TH_SYN, 1000, 0, 0, 0);
	fr[1] = tcp(3, DIR_S2C, TH_SYN | TH_ACK, 5000, 1001, 0, 0);
	fr[2] = tcp(4, DIR_C2S, TH_ACK, 1001, 5001, 0, 0);
	fr[3] = tcp(5, DIR_S2C, TH_PSH | TH_ACK, 5001, 1001, 0, 10);
	fr[4] = tcp(6, DIR_C2S, TH_PSH | TH_ACK, 1001, 5011, 0, 8);
	fr[5] = tcp(7, DIR_S2C, TH_PSH | TH_ACK, 5011, 1009, 10, 12);
	fr[6] = tcp(8, DIR_C2S, TH_ACK, 1009, 5023, 8, 0);
	memset(&fr[7], 0, sizeof fr[7]);
	fr[7].no = 1;
	fr[7].dir = DIR_OTHER;
	fr[7].proto = FP_ARP;
	fr[7].arp_op = 1;
	fr[7].family = 4;
	memcpy(fr[7].tpa, s->sip, 4);
	s->frames = fr;
	s->nframes = 8;
	memset(ex, 0, 2 * sizeof *ex);
	ex[0].kind = EXK_GREETING;
	ex[0].rep_off = 0, ex[0].rep_end = 10, ex[0].reply_code = 220, ex[0].reply_lines = 1;
	ex[1].kind = EXK_COMMAND;
	strcpy(ex[1].verb, "EHLO");
	ex[1].req_off = 0, ex[1].req_end = 8, ex[1].has_req_end = 1;
	ex[1].rep_off = 10, ex[1].rep_end = 22, ex[1].reply_code = 550, ex[1].reply_lines = 1;
	s->ex = ex;
	s->nex = 2;
}

static const char *role_text(const struct timeline *t, size_t i, struct sbuf *b)
{
	sb_init(b);
	tlw_role(t, i, b);
	return b->b;
}

int main(void)
{
	struct session s;
	struct frame_rec fr[8];
	struct exchange ex[2];
	make_session(&s, fr, ex);
	struct timeline t;
	struct sbuf b;
	tl_build(&t, &s, 0, NULL);

	/* the session is read, never written */
	CHECK(s.frames == fr && fr[7].no == 1 && fr[0].no == 2);
	CHECK(fr[3].proto == FP_TCP && fr[4].proto == FP_TCP);

	/* frames in number order, the ARP first */
	CHECK(t.nframes == 8 && t.frames[0].no == 1 && t.frames[7].no == 8);
	CHECK(t.fm[4].proto == FP_SMTP && t.fm[5].proto == FP_SMTP && t.fm[3].proto == FP_TCP);

	/* handshake and exchanges */
	CHECK(t.hs[0] == 2 && t.hs[1] == 3 && t.hs[2] == 4 && t.handshake == TLH_OK && t.has_irtt);
	CHECK(t.ex[0].nrep == 1 && t.ex[0].rep[0] == 5 && t.ex[0].nreq == 0);
	CHECK(t.ex[1].nreq == 1 && t.ex[1].req[0] == 6 && t.ex[1].nrep == 1 && t.ex[1].rep[0] == 7);
	CHECK(t.ex[1].ack_frame == 7 && t.ex[1].has_resp && t.ex[1].resp_ns == 1000000);

	/* roles as enums with arguments */
	struct tl_role r[8];
	CHECK(tl_roles(&t, 0, r, 8) == 1 && r[0].kind == TLR_ARP_REQ_NEXTHOP && r[0].arg == TLW_SERVER);
	CHECK(tl_roles(&t, 2, r, 8) == 1 && r[0].kind == TLR_HANDSHAKE && r[0].arg == 2);
	CHECK(tl_roles(&t, 5, r, 8) == 1 && r[0].kind == TLR_COMMAND && r[0].ex == 1);
	CHECK(tl_roles(&t, 6, r, 8) == 1 && r[0].kind == TLR_REPLY && r[0].ex == 1);
	CHECK(tl_roles(&t, 7, r, 8) == 1 && r[0].kind == TLR_ACK_OF);

	/* words */
	CHECK_STR(role_text(&t, 0, &b), "ARP request for the next hop, the server 198.51.100.25");
	CHECK_STR(role_text(&t, 4, &b), "greeting 220 (service ready)");
	CHECK_STR(role_text(&t, 5, &b), "command EHLO");
	CHECK_STR(role_text(&t, 7, &b), "ACK of reply to EHLO");

	/* colour classes from role kinds: a 5xx reply is an error even though
	 * "reply to EHLO: 550" and "greeting 220" differ in their text */
	CHECK(tl_class_of(&t, 0) == TLC_LINK);
	CHECK(tl_class_of(&t, 1) == TLC_CONN);
	CHECK(tl_class_of(&t, 4) == TLC_REPLY_OK);
	CHECK(tl_class_of(&t, 5) == TLC_REQUEST);
	CHECK(tl_class_of(&t, 6) == TLC_REPLY_ERR);
	CHECK(tl_class_of(&t, 7) == TLC_PLAIN);
	tl_free(&t);
	return UNIT_DONE();
}
