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
	uint32_t quoted;         /* ICMP: number of the session's frame it quotes, 0 unknown */
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
	/* timeline-verdict.c: the server's own work, estimated: resp_ns (the
	 * greeting: timeline.greet_ns) minus timeline.rtt_used_ns, 0 when not
	 * above it (est_clamped) */
	uint64_t est_ns;
	uint8_t has_est, est_clamped;
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
	TLR_ICMP,                /* an ICMP error about the session (frame_rec.icmp) */
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

/* Where the capture was taken, from the handshake's two halves:
 * SYN -> SYN/ACK long and SYN/ACK -> ACK short: at the client; the reverse:
 * at the server; both long: on the path; RTT under 0.2 ms: local. */
enum tl_cpoint { TLCP_UNKNOWN, TLCP_CLIENT, TLCP_SERVER, TLCP_PATH, TLCP_LOCAL };

/* The session for admins (timeline-verdict.c). */
enum tl_outcome { TLV_ACCEPTED, TLV_DEFERRED, TLV_REJECTED, TLV_INCOMPLETE, TLV_NO_MAIL };
enum tl_end { TLE_QUIT, TLE_NO_QUIT, TLE_RESET_CLIENT, TLE_RESET_SERVER, TLE_CUT_SHORT };
/* Who the slowest step waited for. */
enum tl_wait { TLWT_HANDSHAKE, TLWT_GREETING, TLWT_SERVER_REPLY, TLWT_CLIENT, TLWT_ZEROWIN_SERVER,
               TLWT_ZEROWIN_CLIENT, TLWT_RETRANS, TLWT_GAP, TLWT_CLOSE };
struct tl_verdict {
	uint8_t outcome;         /* enum tl_outcome */
	uint8_t end;             /* enum tl_end */
	uint32_t accepted;       /* messages accepted: 2xx after end of data / BDAT LAST */
	uint32_t transactions;   /* MAIL commands */
	int has_fail;            /* the 4xx/5xx that decided (not one retried successfully) */
	size_t fail_ex;
	int has_slow;            /* the largest gap between steps of the dialogue (needs frames) */
	uint8_t wait;            /* enum tl_wait */
	uint8_t wait_dir;        /* DIR_* of the zero window / retransmission / close */
	uint64_t slow_ns;
	uint32_t slow_from, slow_to;  /* frame numbers */
	int has_slow_ex;         /* the exchange the step ended with */
	size_t slow_ex;
};

/* ICMP errors about the session, grouped by sender, type, code and the
 * direction they are about (timeline-icmp.c).  A path MTU group
 * (fragmentation needed, packet too big) ties them to what the sender did
 * next. */
#define TL_ICMP_GROUPS 8
struct tl_icmp {
	uint8_t family, type, code, qdir;
	uint8_t pmtu;                    /* fragmentation needed / packet too big */
	uint8_t from[16];                /* who sent them */
	uint32_t mtu;                    /* pmtu: the smallest MTU announced, 0 none */
	uint32_t *frames, nframes;       /* the ICMP frames' numbers */
	uint32_t seglen;                 /* largest payload of the segments they quote, 0 unknown */
	uint32_t retrans;                /* qdir retransmissions after the first of them */
	uint32_t maxlen_after;           /* largest qdir payload after the first of them */
};

enum tl_handshake { TLH_OK, TLH_REFUSED, TLH_ONE_WAY, TLH_NO_SYNACK, TLH_NOT_CAPTURED };
enum tl_noarp { TLA_HAVE_ARP, TLA_LOOPBACK, TLA_CACHED, TLA_NOT_CAPTURED, TLA_UNKNOWN };

/* A mistake of the client (timeline-mistakes.c): what a hand-written
 * client gets wrong, each with the frames to point at. */
enum tl_mistake_kind {
	TLM_BARE_LF,             /* a command line, or the message's lines, ended with LF alone */
	TLM_BEFORE_354,          /* the message sent before DATA's 354 arrived */
	TLM_BEFORE_REPLY_END,    /* a command sent while the previous multi-line reply was arriving */
	TLM_PIPELINING_UNANNOUNCED, /* sent before the previous reply; the server has no PIPELINING */
	TLM_PIPELINING_GROUP,    /* with PIPELINING, but after a command that must end a group */
	TLM_UNSTUFFED_DOT,       /* a lone "." in the message not dot-stuffed: its rest read as commands */
	TLM_NO_QUIT,             /* the client closed without QUIT */
	TLM_SERVER_TIMEOUT,      /* the client went silent until the server gave up (421 or close) */
	TLM_KINDS
};
#define TL_MISTAKE_FRAMES 4
struct tl_mistake {
	uint8_t kind;            /* enum tl_mistake_kind */
	uint8_t nfr;
	uint32_t ex;             /* the exchange it concerns (session.ex index), or TL_NO_EX */
	uint32_t other;          /* the exchange it relates to (DATA, the previous command), or TL_NO_EX */
	uint32_t fr[TL_MISTAKE_FRAMES]; /* frames to point at, the client's first */
	uint32_t note;           /* the frame whose role names the mistake, 0 none */
	uint32_t count;          /* TLM_UNSTUFFED_DOT: stray lines; TLM_BARE_LF on the message: lines */
	uint64_t wait_ns;        /* TLM_SERVER_TIMEOUT: the client's silence */
};
#define TL_NO_EX UINT32_MAX

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
	uint8_t cpoint;                  /* enum tl_cpoint */
	int has_rtt_used, has_greet;
	uint64_t rtt_used_ns;            /* subtracted for the estimate: SYN -> SYN/ACK */
	uint64_t greet_ns;               /* handshake ACK -> greeting's first frame */
	struct tl_verdict verdict;
	struct frame_rec *owned;         /* sorted copy when the session's were not in order */
	struct tl_icmp *icmp;            /* ICMP error groups, NULL when none */
	size_t nicmp;
	uint32_t icmp_ungrouped;         /* ICMP frames past TL_ICMP_GROUPS groups */
	struct tl_mistake *mistakes;     /* the client's mistakes, in order of exchange */
	size_t nmistakes;
	size_t *mistake_by_note;         /* mistakes with a note frame, by that frame */
	size_t nmistake_notes;
	char gateway[46];                /* the gateway behind the server MAC: from its ARP reply,
	                                    else the sender's route; "" when not known */
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

/* ---- a reply's lines (timeline-reply.c) ---- */
/* The kept lines of x's reply in order (exchange.rlines): *cur starts at 0;
 * 1 and the line's text after the code in *p, *n (not NUL-terminated, wire
 * bytes: make them safe) while there is one. */
int tl_reply_next(const struct exchange *x, size_t *cur, const char **p, size_t *n);
/* x is EHLO/LHLO answered 2xx with extension lines kept. */
int tl_has_extensions(const struct exchange *x);
/* One extension of an EHLO reply: "SIZE 10240000" is name "SIZE", params
 * "10240000", meaning "largest message accepted: 10,240,000 bytes (RFC
 * 1870)"; an unknown keyword's meaning is "(not known to smtptrace)". */
struct tl_ext {
	const char *line, *name, *params;   /* wire bytes, not NUL-terminated */
	size_t len, nlen, plen;
	char meaning[96];
};
/* The extensions of x's reply in order: *cur starts at 0; 1 while there is one. */
int tl_ext_next(const struct exchange *x, size_t *cur, struct tl_ext *e);

/* The replies that end in frame i (their last frame) and have more than
 * one line, or lines not kept: *c starts at 0; the next one's exchange
 * index, or -1 when there is none. */
long tl_frame_more_lines(const struct timeline *t, size_t i, uint32_t *c);
/* ---- fields (timeline-link.c) ---- */
/* One side of the handshake: its raw ISN and the options of its SYN
 * (the client's SYN, the server's SYN/ACK). */
struct tl_syn_side {
	int seen;                /* the side's SYN was seen: isn is valid */
	uint32_t isn;            /* raw */
	uint32_t frame;          /* the handshake frame the options are from, 0 not captured */
	uint16_t mss;            /* 0: not offered */
	int8_t wscale;           /* -1: not offered */
	uint8_t sack_perm;
};
void tl_syn_side(const struct timeline *t, int dir, struct tl_syn_side *out);

/* What an ARP or ND frame says (addresses point into the frame record). */
enum { TL_LINK_REQUEST, TL_LINK_REPLY, TL_LINK_OTHER };
struct tl_link {
	int op;                  /* TL_LINK_*: ARP request/reply, ND solicitation/advertisement */
	unsigned opcode;         /* ARP 1, 2; ND 135, 136 */
	int family;              /* 4 (ARP) or 6 (ND): the IP addresses' */
	int about;               /* TLW_* whose address is asked for / answered, -1 another's */
	const uint8_t *sender_mac, *sender_ip;
	const uint8_t *target_mac, *target_ip;   /* target_mac NULL: none (ND) */
};
/* 0 when frame i is not ARP/ND. */
int tl_link(const struct timeline *t, size_t i, struct tl_link *out);

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
void tlw_noarp_why(const struct timeline *t, struct sbuf *b);  /* the same without "ARP: ", for answers */
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
 * gap, From, To, Subject, Message-ID, then its MIME parts (tlw_part);
 * empty when there is nothing to say. */
enum { TLW_MESSAGE_HEAD = 8, TLW_MESSAGE_LINES = TLW_MESSAGE_HEAD + 64 + 1 };
void tlw_message(const struct body_info *m, int k, struct sbuf *b);
/* timeline-parts.c: part k of a message ("part 1: text/plain ..."), and at
 * k == nparts what was not listed; the names of MIME_TE_*, MIME_DISP_*
 * (NULL: none given); whether decoded_size applies. */
struct mime_part_info;
void tlw_part(const struct body_info *m, unsigned k, struct sbuf *b);
const char *tlw_part_encoding(int te);
const char *tlw_part_disposition(int disp);
int tlw_part_has_decoded(const struct mime_part_info *p);
/* --show-data: the client frame holding stream offset pos (0: none), *end
 * the offset after its payload. */
uint32_t tl_data_frame(const struct session *s, uint64_t pos, uint64_t *end);

/* timeline-words-verdict.c */
const char *tlw_cpoint(int cp);        /* "client", "server", "path", "local", NULL (JSON) */
const char *tlw_outcome(int o);        /* "accepted", "deferred", ... (JSON, --summary) */
const char *tlw_end(int e);            /* "quit", "no_quit", ... (JSON) */
const char *tlw_wait(int w);           /* "server_reply", "zero_window_server", ... (JSON) */
void tlw_verdict(const struct timeline *t, struct sbuf *b);     /* "Verdict: accepted ...; slowest step ..." */
void tlw_timing_legend(const struct timeline *t, int k, struct sbuf *b); /* line k (0, 1) under the table */
void tlw_greeting_wait(const struct timeline *t, struct sbuf *b);  /* "Greeting after handshake: ..." */
void tlw_ms(uint64_t ns, struct sbuf *b);                       /* "341.374 ms" */
void tlw_est(const struct tl_exchange *x, struct sbuf *b);      /* "12.345 ms", "≈0", "-" */

/* ICMP words (timeline-words-icmp.c) */
void tlw_icmp_role(const struct timeline *t, size_t i, struct sbuf *b);
void tlw_icmp_details(const struct timeline *t, size_t i, int raw_seq, struct sbuf *b);
const char *tlw_icmp_name(int family, int type, int code);   /* "fragmentation needed" */
/* Line k (0 .. t->nicmp-1) about ICMP group k: the diagnosis. */
void tlw_icmp_fact(const struct timeline *t, size_t k, struct sbuf *b);

/* ---- the client's mistakes (timeline-mistakes.c, words in timeline-mistakes-words.c) ---- */
const char *tlw_mistake_kind(int kind);   /* "bare_lf", ... (JSON) */
/* One mistake in a sentence: "bare LF line ending on RCPT (frame 9): ..." */
void tlw_mistake(const struct timeline *t, const struct tl_mistake *m, struct sbuf *b);
/* Mistake k for a list: as tlw_mistake, but the first bare-LF command line
 * names all of them.  Returns how many mistakes it said (skip the other
 * bare-LF command lines after it). */
size_t tlw_mistake_item(const struct timeline *t, size_t k, struct sbuf *b);
/* "Client mistakes: ..." with their frames, or nothing. */
void tlw_mistakes(const struct timeline *t, struct sbuf *b);
/* " [client mistake: ...]" for each mistake frame i shows, or nothing. */
void tlw_mistake_notes(const struct timeline *t, size_t i, struct sbuf *b);

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
void tl_timing(struct timeline *t);    /* capture point, RTT used, estimates, greeting wait */
void tl_judge(struct timeline *t);     /* t->verdict */
void tl_icmp_facts(struct timeline *t);      /* timeline-icmp.c */
void tl_icmp_free(struct timeline *t);
void tl_mistakes(struct timeline *t);
void tl_mistakes_free(struct timeline *t);

#endif
