/* timeline.h - what a finished session's frames mean, computed once and
 * read by every output (text, JSON, and whatever comes next: ladder,
 * answers, packet comments).
 *
 * Commands and replies carry stream byte ranges; the timeline maps them
 * onto the frames whose payload overlaps them, which gives every frame its
 * roles (enum + arguments: "command, exchange 3, segment 1 of 2", "ACK of
 * exchanges 4..5") and every exchange its request frames, reply frames and
 * ACK frame; plus the handshake, the gaps and the session's facts.  It
 * never writes into the session.  All wording is in timeline-words.c. */
#ifndef SMTPTRACE_TIMELINE_H
#define SMTPTRACE_TIMELINE_H

#include <stddef.h>
#include <stdint.h>
#include "session.h"

struct sender_info;
struct sbuf;

/* Per frame (indexed like timeline.frames). */
struct tl_frame {
	uint32_t first;          /* exchanges it carries: list[first .. first+count) of by_req/by_rep */
	uint16_t count;
	int8_t hs;               /* handshake step 1..3, 0 none */
	uint8_t tls;             /* payload is TLS */
	uint8_t proto;           /* enum fproto as shown: TCP, SMTP, TLS, ARP, ND */
	uint8_t acks_reply;      /* acked_* refer to replies (rack_list), else requests (ack_list) */
	uint8_t acks_fin;        /* first to acknowledge the peer's FIN */
	uint8_t after_gap;       /* a gap came before it in its direction */
	uint32_t acked_first, acked_count; /* exchanges whose request/reply it first ACKs */
	uint32_t segk;           /* k in "segment k of n" (retransmissions not counted) */
	uint32_t gapn;           /* bytes of its direction not captured just before it */
};

/* Per exchange (indexed like session.ex). */
struct tl_exchange {
	uint32_t *req, nreq;     /* frames carrying the request */
	uint32_t *rep, nrep;     /* frames carrying the reply */
	uint32_t ack_frame;      /* first server frame whose ACK covers the request, 0 none */
	uint32_t norig_req, norig_rep; /* frames that are not retransmissions */
	uint64_t resp_ns;        /* server time: request's last frame to reply's first */
	int has_resp;
	size_t capreq, caprep;
};

/* What a frame is, one part at a time (a frame can be several: handshake
 * ACK + command, reply + FIN). */
enum tl_role_kind {
	TLR_ARP_REQ_CLIENT,      /* ARP request for the client's address */
	TLR_ARP_REQ_NEXTHOP,     /* ARP request for the next hop (arg who: TLW_*) */
	TLR_ARP_REPLY,           /* who */
	TLR_ND_SOLICIT,          /* who */
	TLR_ND_ADVERT,           /* who */
	TLR_LINK_OTHER,          /* ARP/ND with another operation */
	TLR_HANDSHAKE,           /* arg: step 1..3 */
	TLR_SYN, TLR_SYN_REUSED, /* a SYN that is not the handshake's */
	TLR_TLS,                 /* arg: TLS record type of the first byte */
	TLR_DATA_AFTER_GAP,      /* payload that no exchange covers, after a gap */
	TLR_NOT_SMTP,            /* payload that no exchange covers */
	TLR_COMMAND, TLR_AUTH_RESPONSE, TLR_BODY, TLR_END_OF_DATA,   /* ex, segk, segn */
	TLR_GREETING, TLR_REPLY, /* ex, segk, segn */
	TLR_REPLY_ORPHAN,        /* ex; arg: TLO_* why it has no command */
	TLR_PIPELINED,           /* several commands in one frame, some pipelined */
	TLR_FIN,                 /* arg: 1 closes first */
	TLR_RST,
	TLR_LAST_ACK, TLR_FIN_ACK,
	TLR_ACK_OF,              /* the frame's acked_* list */
	TLR_DUPACK, TLR_KEEPALIVE, TLR_KAACK, TLR_ACK, TLR_SEGMENT,
	TLR_DNS_QUERY, TLR_DNS_ANSWER,   /* FP_DNS frames (flow-dns.h) */
};
enum { TLW_SERVER, TLW_CLIENT, TLW_GATEWAY };
enum { TLO_NO_COMMANDS, TLO_LOST_IN_GAP, TLO_UNSOLICITED };

struct tl_role {
	uint8_t kind;            /* enum tl_role_kind */
	uint8_t arg;
	uint32_t ex;             /* exchange index in session.ex */
	uint32_t segk, segn;     /* segment k of n, 0 0 when not said */
};

/* For colours and the like: what a frame is mainly about. */
enum tl_class { TLC_PLAIN, TLC_LINK, TLC_CONN, TLC_REQUEST, TLC_REPLY_OK, TLC_REPLY_ERR };

enum tl_handshake { TLH_OK, TLH_REFUSED, TLH_ONE_WAY, TLH_NO_SYNACK, TLH_NOT_CAPTURED };
enum tl_noarp { TLA_HAVE_ARP, TLA_LOOPBACK, TLA_CACHED, TLA_NOT_CAPTURED, TLA_UNKNOWN };

struct timeline {
	const struct session *s;
	uint64_t t0;                     /* the capture's first frame */
	const struct frame_rec *frames;  /* the session's frames in frame-number order */
	size_t nframes;
	struct tl_frame *fm;
	struct tl_exchange *ex;
	size_t *by_req, nreq;            /* exchanges with a request, by req_off */
	size_t *by_rep, nrep;            /* exchanges with a reply, by rep_off */
	size_t *ack_list, nack;          /* exchange indices in order of being ACKed */
	size_t *rack_list, nrack;        /* and of their replies being ACKed */
	/* facts */
	uint32_t hs[3];                  /* handshake frame numbers, 0 missing */
	const struct frame_rec *hsf[3];
	enum tl_handshake handshake;
	int has_synack, has_irtt;
	uint64_t synack_ns, irtt_ns;     /* SYN -> SYN/ACK, SYN -> ACK */
	const struct frame_rec *gw_arp;  /* ARP reply naming the gateway behind the server MAC */
	enum tl_noarp noarp;
	const char *nexthop;             /* the sender's next hop, NULL if unknown */
	size_t sender_writes, sender_matched;
	struct frame_rec *owned;         /* sorted copy when the session's were not in order */
};

/* Build the timeline of a finished session (sender may be NULL). */
void tl_build(struct timeline *t, const struct session *s, uint64_t t0,
              const struct sender_info *sender);
void tl_free(struct timeline *t);

/* The roles of frame i in order; returns how many (at most cap). */
size_t tl_roles(const struct timeline *t, size_t i, struct tl_role *out, size_t cap);
enum tl_class tl_class_of(const struct timeline *t, size_t i);
/* Exchange index of the c-th exchange frame i carries. */
size_t tl_frame_ex(const struct timeline *t, size_t i, uint32_t c);
/* Exchange index of the c-th exchange frame i acknowledges. */
size_t tl_acked_ex(const struct timeline *t, size_t i, uint32_t c);
const struct frame_rec *tl_find(const struct timeline *t, uint32_t no);

/* ---- words (timeline-words.c): all the English ---- */
void tlw_role(const struct timeline *t, size_t i, struct sbuf *r);      /* roles + analysis notes */
void tlw_details(const struct timeline *t, size_t i, int raw_seq, struct sbuf *r);
/* Both, into fresh buffers. */
void tlw_frame(const struct timeline *t, size_t i, int raw_seq, struct sbuf *role, struct sbuf *details);
const char *tlw_ex_label(const struct exchange *x, char *buf, size_t cap);
const char *tlw_kind(int kind);        /* "greeting", "command", ... (JSON) */
const char *tlw_proto(int proto);      /* "TCP", "SMTP", ... */
const char *tlw_dir(int dir);          /* "c2s", "s2c", "other" */
const char *tlw_flags(uint8_t flags);  /* "SYN,ACK" */
void tlw_handshake(const struct timeline *t, struct sbuf *b);  /* "Handshake: ..." */
void tlw_noarp(const struct timeline *t, struct sbuf *b);      /* "ARP: none: ...", or nothing */
void tlw_gateway(const struct timeline *t, struct sbuf *b);    /* " (the gateway IP)", or nothing */
/* The connection's fact lines, each one line or nothing. */
void tlw_traffic_c2s(const struct timeline *t, struct sbuf *b);  /* "Client -> server: 9 frames, ..." */
void tlw_traffic_s2c(const struct timeline *t, struct sbuf *b);
void tlw_trouble_c2s(const struct timeline *t, struct sbuf *b);  /* retransmissions, gaps, ... if any */
void tlw_trouble_s2c(const struct timeline *t, struct sbuf *b);
void tlw_duration(const struct timeline *t, struct sbuf *b);     /* "Duration: ...; closed by ...; history" */
void tlw_sender_check(const struct timeline *t, struct sbuf *b);
/* A frame's pcapng packet comment (raw: make it safe before writing). */
void tlw_comment(const struct timeline *t, size_t i, struct sbuf *b);
void tlw_cut_short(const struct timeline *t, struct sbuf *b);
void tlw_unscaled(const struct timeline *t, struct sbuf *b);      /* "TCP: no SYN from ..." */
void tlw_midstream(const struct timeline *t, struct sbuf *b);     /* "Note: the capture starts after ..." */
void tlw_not_kept(const struct timeline *t, struct sbuf *b);
void tlw_tls_note(const struct timeline *t, struct sbuf *b);      /* what TLS decryption lacked */      /* exchanges over the session's bound */
void tlw_held_dropped(const struct timeline *t, struct sbuf *b);  /* held client bytes over the bound */
/* Line k (0 .. TLW_MESSAGE_LINES-1) about a message: size, dot-stuffing,
 * gap, From, To, Subject, Message-ID; empty when there is nothing to say. */
enum { TLW_MESSAGE_LINES = 8 };
void tlw_message(const struct body_info *m, int k, struct sbuf *b);

/* ---- DNS frames (timeline-dns.c) ---- */
struct dns_frame;
/* The message of DNS frame i, NULL if it is not one. */
const struct dns_frame *tl_dns(const struct timeline *t, size_t i);
void tlw_dns_role(const struct timeline *t, size_t i, struct sbuf *b);    /* "DNS query MX lab.test" */
void tlw_dns_details(const struct timeline *t, size_t i, struct sbuf *b); /* "id 0x1234 a:port -> b:53" */
const char *tlw_dns_type(unsigned type, char *buf, size_t cap);          /* "MX", "type 16" */
const char *tlw_dns_rcode(unsigned rcode);                                /* "NXDOMAIN", NULL past 5 */
void tlw_dns_not_kept(const struct timeline *t, struct sbuf *b);
/* "Attempts before this connection: ..." (flow-attempt.h), or nothing. */
void tlw_attempts(const struct timeline *t, struct sbuf *b);

/* internal to the timeline-*.c files */
void tl_facts(struct timeline *t, const struct sender_info *si);

#endif
