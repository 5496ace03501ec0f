/* session.h - the engine's model of one SMTP-over-TCP session, shared by
 * engine.c (frames, TCP), reasm.c (reassembly), smtp.c (dissector) and
 * timeline.c and the outputs (read-only).  Not a public API. */
#ifndef SMTPTRACE_SESSION_H
#define SMTPTRACE_SESSION_H

#include <stdint.h>
#include <stddef.h>
#include "smtp_line.h"
#include "app.h"
#include "tcp-track.h"     /* struct dirstate, TA_* */

enum { DIR_C2S = 0, DIR_S2C = 1, DIR_OTHER = 2 };

enum fproto { FP_TCP, FP_SMTP, FP_TLS, FP_ARP, FP_ND, FP_ICMP, FP_DNS };

/* An ICMP error about the session (flow-icmp.c): who sent it, and the
 * session's segment it quotes. */
struct frame_icmp {
	uint8_t type, code;      /* ICMPv4 or ICMPv6 by frame_rec.family */
	uint8_t qdir;            /* direction of the quoted segment: DIR_C2S / DIR_S2C */
	uint8_t quote;           /* enum icmp_quote (decode.h): ICMPQ_SEQ when qseq is valid */
	uint32_t mtu;            /* the MTU the router announces, 0 if none */
	uint32_t qseq;           /* the quoted segment's sequence number (raw) */
	uint32_t qiplen;         /* the quoted datagram's length (IP header included) */
	uint8_t from[16];        /* the ICMP message's source (a router, or the host) */
};

/* FP_DNS frames (flow-dns.h): off is the index of the message in
 * session.dns, spa/tpa the IP source and destination, dir DIR_OTHER. */
struct frame_rec {
	uint64_t ts_ns;
	uint64_t off;            /* stream offset of the first payload byte (TCP) */
	uint32_t no;             /* frame number in the file, from 1 */
	uint32_t seq, ack;       /* raw */
	uint32_t len;            /* TCP payload length on the wire */
	uint32_t wirelen;        /* frame length on the wire */
	uint32_t win;            /* scaled window */
	uint32_t ta;             /* TA_* (tcp-track.h) */
	uint16_t mss;
	int8_t wscale;
	uint8_t dir;             /* DIR_* */
	uint8_t flags;           /* TCP flags */
	uint8_t status;          /* PKT_TRUNCATED / PKT_MALFORMED */
	uint8_t proto;           /* enum fproto */
	uint8_t tls_type;        /* TLS record content type of the first byte, 0 if unknown */
	uint8_t sack_ok;
	/* ARP / ND */
	uint8_t arp_op;          /* 1 request, 2 reply; ND: 135 / 136 */
	uint8_t family;
	union {                  /* by proto: the record stays as small as before */
		struct {
			uint8_t sha[6], tha[6];
			uint8_t spa[16], tpa[16];/* ND: target in tpa, lladdr in sha */
		};
		struct frame_icmp icmp;  /* FP_ICMP (dir DIR_OTHER) */
	};
	const char *err;         /* decode error text, static */
};

enum ex_kind { EXK_GREETING, EXK_COMMAND, EXK_BODY, EXK_AUTH, EXK_REPLY };
/* Why a reply has no command: it came before the command `before` was sent
 * (UNEXP_BEFORE); its code cannot answer the command waiting (220, 221,
 * 235, 334, 354 to another command), so it came before that command's
 * reply (UNEXP_REPLY); or the capture started after its command
 * (UNEXP_START). */
enum { UNEXP_NONE, UNEXP_BEFORE, UNEXP_REPLY, UNEXP_START };

struct exchange {
	uint8_t kind;
	char verb[16];           /* upper-cased verb ("" for greeting/body) */
	char *line;              /* the command line as shown (secrets redacted) */
	uint64_t req_off, req_end;   /* c2s byte range (req_end == req_off: none) */
	uint64_t rep_off, rep_end;   /* s2c byte range of the reply */
	int has_req_end;         /* request complete (LF / end of data seen) */
	int reply_code;          /* 0: no reply seen */
	int reply_lines;
	char *reply_text;        /* first line's text (capped) */
	int reply_inconsistent;
	int pipelined;           /* sent before the previous command's reply */
	uint8_t unexpected;      /* EXK_REPLY: UNEXP_* */
	char before[16];         /* EXK_REPLY: the verb it came before (UNEXP_BEFORE/_REPLY) */
	uint8_t stray;           /* EXK_COMMAND: message text after a '.' the client did not stuff */
	uint8_t plain;           /* parsed from decrypted TLS: offsets are plaintext offsets
	                          * until the session ends; then the tls layer maps them
	                          * onto the stream (whole records, tls_plain_range) */
	/* its frames, ACK frame, server time: in the timeline (timeline.h) */
	struct body_info *bi;    /* EXK_BODY and BDAT: the message */
	/* every line of the reply, each its text after the code and separator,
	 * joined by '\n' (rlines_len bytes, may hold NUL; NULL: none kept);
	 * read them with tl_reply_next (timeline.h) */
	char *rlines;
	uint32_t rlines_len;
	uint16_t rlines_kept;    /* lines in rlines */
	uint16_t rlines_cut;     /* of them, cut at SMTP_RLINE_MAX bytes */
	uint32_t rlines_lost;    /* lines not kept: past SMTP_RLINES_MAX or the session's budget */
	uint8_t bare_lf;         /* EXK_COMMAND/EXK_AUTH: its line ended with LF alone, no CR */
	uint16_t caps;           /* EHLO/LHLO answered 2xx: the SMTP_CAP_* it announced */
};
/* Reply lines kept: per reply at most SMTP_RLINES_MAX lines of at most
 * SMTP_RLINE_MAX bytes, per session at most SMTP_RLINES_SESSION bytes (and
 * within the engine's memory budget, session_mem_take). */
#define SMTP_RLINES_MAX     64
#define SMTP_RLINE_MAX      512
#define SMTP_RLINES_SESSION (1u << 20)

struct dns_frame;
struct conn_attempt;

struct body_info {
	uint64_t gap;            /* octets not captured */
	uint64_t size;           /* unstuffed octets, end-of-data line excluded */
	uint64_t lines;
	uint64_t stuffed;        /* lines that carried a stuffing dot */
	char *from, *to, *subject, *msgid, *date;
	int in_headers;
	int complete;            /* end of data seen */
	int unstuffed_dot;       /* ended early by a line '.' the client did not stuff */
	/* its MIME parts in order, multiparts before their parts (smtp-mime.c) */
	struct mime_part_info *parts;   /* mime.h */
	uint32_t nparts;
	uint32_t parts_dropped;  /* parts past MIME_SCAN_PARTS, not kept */
	uint32_t parts_too_deep; /* multiparts nested too deep to follow */
	uint8_t parts_not_listed;/* the memory budget had no room to list them */
	/* --show-data: its bytes as sent (smtp-data.c); NULL without it */
	uint8_t *data;
	size_t ndata, capdata;
	uint64_t data_off;       /* stream offset of data[0] (plaintext offset when TLS) */
	uint64_t data_not_shown; /* octets past the cap, the budget or a gap */
	uint8_t data_gap;        /* bytes were not captured: the copy stops there */
	uint64_t bare_lf;        /* header lines and end-of-data line ended with LF alone
	                          * (the lines after the header section are not checked) */
};

/* Per session, the dissector's findings, bounded: at most SMTP_MAX_EXCHANGES
 * exchanges are kept (commands, and replies with no command, past that are
 * counted in ex_dropped), at most SMTP_MAX_RCPTS recipients (nrcpt counts
 * them all). */
#define SMTP_MAX_EXCHANGES 10000
#define SMTP_MAX_RCPTS     1000
struct smtp_summary {
	char helo[64];           /* HELO/EHLO/LHLO argument, last one */
	char mail_from[128];     /* first MAIL FROM path */
	char **rcpt;             /* RCPT TO paths in order, each at most 127 bytes */
	uint32_t nrcpt;          /* RCPT commands (may exceed the kept ones) */
	uint32_t nrcpt_kept;
	uint32_t transactions;   /* MAIL commands */
	int codes[16];           /* the first reply codes */
	int ncodes;
	uint64_t ex_dropped;     /* commands/replies not kept past SMTP_MAX_EXCHANGES */
	uint64_t held_dropped;   /* client bytes past the hold limit (replayed as a gap) */
	int midstream;           /* the capture starts after the session did (no SYN) */
	uint64_t skipped[2];     /* bytes not parsed before SMTP resynchronised, per direction */
	uint64_t rlines_bytes;   /* reply line bytes kept (exchange.rlines), SMTP_RLINES_SESSION at most */
};

struct session {
	/* looked at for every frame */
	int family;
	uint16_t cport, sport;
	uint8_t cip[16], sip[16];
	int8_t is_smtp;          /* 1 smtp, 0 undecided, -1 not smtp */
	uint8_t nprobe[2];       /* undecided: first bytes of each side (< 4) */
	uint8_t probe[2][4];
	uint64_t probe_off[2];
	uint8_t closed;          /* FIN both ways + ACK, or RST */
	uint8_t hlen;
	char history[21];        /* Zeek-style; at most one of each letter */
	uint64_t hseen;          /* letters in history, bit (c - 'A') */
	uint64_t first_ts, last_ts;
	struct dirstate d[2];
	/* the rest */
	struct app_stack app;    /* application parsers (app.h) */
	void *owner;             /* the engine's flow that holds it */
	void *eng;               /* the engine */
	uint32_t index;          /* 1-based, in order of first SMTP frame */
	uint8_t cmac[6], smac[6];/* MACs seen on c2s frames (src, dst) */
	int has_mac;
	struct frame_rec *frames;
	size_t nframes, capframes;
	struct exchange *ex;
	size_t nex, capex;
	int tls_implicit;        /* SMTPS */
	int starttls;            /* STARTTLS accepted */
	uint64_t tls_off[2];     /* from these offsets on, bytes are TLS */
	uint32_t close_frame;
	int first_closer;        /* DIR_C2S / DIR_S2C / -1 */
	int cut_short;           /* the input ended before the session did */
	int done;                /* ready to print */
	struct smtp_summary smtp;/* what the SMTP dialogue said (smtp-*.c writes it) */
	uint64_t frames_dropped; /* frame records not kept (cap or memory budget) */
	int idle_expired;        /* ended by the idle timeout (cut_short set too) */
	struct tls_dec_sum {     /* what decrypting TLS achieved (tls-layer.c) */
		uint8_t tried;       /* a decrypter was attached */
		uint32_t ok, bad, no_keys, unsupported;   /* protected records */
	} tlsd;
	/* the DNS lookups that led to it (flow-dns.h) */
	struct dns_frame *dns;   /* indexed by the FP_DNS frame records' off */
	uint32_t ndns;
	uint32_t dns_dropped;    /* DNS frames that led to it, not kept (cap or budget) */
	/* failed connection attempts just before it (flow-attempt.h) */
	struct conn_attempt *att;
	uint32_t natt, att_more;
};

/* scan.c: count LFs in p[0..n) up to the first LF that is the last byte or
 * is followed by '.'; returns its index (not counted), or n. */
size_t scan_lf_dot(const uint8_t *p, size_t n, uint64_t *lines);

/* smtp-diss.c: the session's application parsers (app.h), SMTP first (TLS
 * first with tls_implicit); these wrap app_open/app_data/app_gap/app_end/
 * app_close on s->app. */
void smtp_new(struct session *s, int show_secrets);
void smtp_open(struct session *s, const struct app_opts *o);   /* o->dec: decrypt TLS */
void smtp_data(struct session *s, int dir, uint64_t off, const uint8_t *p, size_t n);
void smtp_gap(struct session *s, int dir, uint64_t off, uint64_t n);
void smtp_end(struct session *s);
void smtp_free(struct session *s);
/* The exchanges (s->ex), freed after the outputs ran (smtp-diss.c). */
void smtp_exchanges_free(struct session *s);
/* Does this first payload look like SMTP from this side? 1 yes, 0 no, -1
 * can't tell yet (fewer than 4 bytes that could begin SMTP).  Pure. */
int smtp_looks_like(int dir, const uint8_t *p, size_t n);
size_t smtp_base64_decode(const char *in, size_t n, uint8_t *out, size_t outcap);
/* flow-session.c: memory the dissector keeps for a session, in the
 * engine's budget: 0 when n more bytes fit (and are taken), -1 when not.
 * A session outside an engine (tests) always fits. */
int session_mem_take(struct session *s, uint64_t n);
void session_mem_give(struct session *s, uint64_t n);

#endif
