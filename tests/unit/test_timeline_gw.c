/* test_timeline_gw.c - the gateway behind the server MAC (timeline-facts.c,
 * tlw_gateway): named from its ARP reply, and from the sender's route when
 * no ARP was captured (a cached neighbour entry); nothing when the route
 * is direct or not known; and the JSON fields' accessors (tl_syn_side,
 * tl_link). */
#include <string.h>
#include "decode.h"
#include "engine.h"
#include "session.h"
#include "timeline.h"
#include "util-fmt.h"
#include "unit.h"

static struct frame_rec tcp(uint32_t no, int dir, uint8_t flags, uint32_t seq, uint32_t ack)
{
	struct frame_rec f = { .no = no, .dir = (uint8_t)dir, .flags = flags, .seq = seq, .ack = ack,
	                       .ts_ns = 1000000ull * no, .proto = FP_TCP, .wscale = -1 };
	return f;
}

/* A handshake to 198.51.100.25 with the server side MAC 02:..:fe; with
 * arp, an ARP reply first: 192.0.2.1 is at 02:..:fe. */
static void make_session(struct session *s, struct frame_rec *fr, int arp)
{
	memset(s, 0, sizeof *s);
	s->family = 4;
	memcpy(s->cip, "\xc0\x00\x02\x0a", 4);
	memcpy(s->sip, "\xc6\x33\x64\x19", 4);
	memcpy(s->cmac, "\x02\0\0\0\0\x01", 6);
	memcpy(s->smac, "\x02\0\0\0\0\xfe", 6);
	s->has_mac = 1;
	s->d[0].isn = 1000, s->d[0].syn = 1;
	s->d[1].isn = 5000, s->d[1].syn = 1;
	s->first_closer = -1;
	size_t n = 0;
	if (arp) {
		memset(&fr[n], 0, sizeof fr[n]);
		fr[n].no = 1, fr[n].dir = DIR_OTHER, fr[n].proto = FP_ARP, fr[n].arp_op = 2, fr[n].family = 4;
		memcpy(fr[n].sha, s->smac, 6);
		memcpy(fr[n].spa, "\xc0\x00\x02\x01", 4);
		memcpy(fr[n].tha, s->cmac, 6);
		memcpy(fr[n].tpa, s->cip, 4);
		n++;
	}
	fr[n] = tcp(2, DIR_C2S, TH_SYN, 1000, 0);
	fr[n].mss = 1460, fr[n].wscale = 7, fr[n].sack_ok = 1;
	n++;
	fr[n++] = tcp(3, DIR_S2C, TH_SYN | TH_ACK, 5000, 1001);
	fr[n++] = tcp(4, DIR_C2S, TH_ACK, 1001, 5001);
	s->frames = fr;
	s->nframes = n;
}

static const char *gateway(const struct session *s, const struct sender_info *si)
{
	static struct sbuf b;
	struct timeline t;
	tl_build(&t, s, 0, si);
	sb_init(&b);
	tlw_gateway(&t, &b);
	tl_free(&t);
	return b.b;
}

static void test_gateway(void)
{
	struct session s;
	struct frame_rec fr[4];
	struct sender_info si = { .nexthop = "192.0.2.1", .via_gateway = 1, .neigh_cached = 1 };
	make_session(&s, fr, 1);
	CHECK_STR(gateway(&s, NULL), " (the gateway 192.0.2.1)");       /* analyze: from the ARP */
	make_session(&s, fr, 0);
	CHECK_STR(gateway(&s, NULL), "");                                /* analyze, no ARP: not known */
	CHECK_STR(gateway(&s, &si), " (the gateway 192.0.2.1)");        /* send, cached: the route */
	si.via_gateway = 0;
	si.nexthop = "198.51.100.25";
	CHECK_STR(gateway(&s, &si), "");                                 /* the server is on-link */
}

static void test_fields(void)
{
	struct session s;
	struct frame_rec fr[4];
	struct timeline t;
	struct tl_syn_side c, v;
	struct tl_link l;
	make_session(&s, fr, 1);
	tl_build(&t, &s, 0, NULL);
	tl_syn_side(&t, DIR_C2S, &c);
	tl_syn_side(&t, DIR_S2C, &v);
	CHECK(c.seen && c.isn == 1000 && c.frame == 2 && c.mss == 1460 && c.wscale == 7 && c.sack_perm);
	CHECK(v.seen && v.isn == 5000 && v.frame == 3 && v.mss == 0 && v.wscale == -1 && !v.sack_perm);
	CHECK(tl_link(&t, 0, &l) && l.op == TL_LINK_REPLY && l.opcode == 2 && l.about == TLW_GATEWAY);
	CHECK(l.sender_mac && !memcmp(l.sender_mac, s.smac, 6) && l.target_mac && !memcmp(l.target_mac, s.cmac, 6));
	CHECK(!tl_link(&t, 1, &l));
	tl_free(&t);
}

int main(void)
{
	UNIT_RUN(test_gateway);
	UNIT_RUN(test_fields);
	return UNIT_DONE();
}
