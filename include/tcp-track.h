/* tcp-track.h - the TCP state machine: one connection's two directions.
 *
 * Used by the engine (full analysis, payload handed to a stream per
 * direction) and by the capture thread (close detection only: no stream, no
 * checksums).  Stream offsets are 64-bit: offset 0 is the byte after the
 * SYN, or the first byte seen when the capture starts mid-stream. */
#ifndef SMTPTRACE_TCP_TRACK_H
#define SMTPTRACE_TCP_TRACK_H

#include <stdint.h>
#include "decode.h"
#include "tcp-reasm.h"

/* TCP analysis of one frame (bits).  The JSON names are tshark's
 * tcp.analysis names where the meaning is the same (tcp_analysis_name). */
enum {
	TA_RETRANS   = 1u << 0,   /* retransmission: the sender sent these bytes before */
	TA_OOO       = 1u << 1,   /* out_of_order: a first transmission arriving late */
	TA_GAP       = 1u << 2,   /* lost_segment: bytes before it were never captured */
	TA_DUPACK    = 1u << 3,   /* duplicate_ack */
	TA_ZEROWIN   = 1u << 4,   /* zero_window */
	TA_KEEPALIVE = 1u << 5,   /* keep_alive */
	TA_OVERMSS   = 1u << 6,   /* over_mss: longer than the peer's MSS (offload on the capturing host) */
	TA_PORTREUSE = 1u << 7,   /* port_reuse: SYN on a port pair seen before */
	TA_TRUNC     = 1u << 8,   /* truncated: the snaplen cut the payload */
	TA_FASTRETX  = 1u << 9,   /* fast_retransmission: after duplicate ACKs (with TA_RETRANS) */
	TA_KAACK     = 1u << 10,  /* keep_alive_ack: the answer to a keep-alive */
	TA_SPURIOUS  = 1u << 11,  /* spurious_retransmission: all of it was acknowledged already */
	TA_DUP       = 1u << 12,  /* duplicate: the network delivered the same packet twice (same IP ID) */
	TA_BADCSUM   = 1u << 13,  /* bad_checksum: the receiver dropped it; not used as data */
	TA_ZWPROBE   = 1u << 14,  /* zero_window_probe */
	TA_WINUPD    = 1u << 15,  /* window_update */
	TA_WINFULL   = 1u << 16,  /* window_full: fills the peer's advertised window */
	TA_NBITS     = 17
};

/* The JSON name of one TA_* bit (e.g. "retransmission"), NULL if none. */
const char *tcp_analysis_name(unsigned bit);

/* The 64-bit stream offset of `seq`, the one nearest `ref`, given the
 * sequence number of offset 0 minus one (`isn`: the SYN's). */
uint64_t tcp_unwrap(uint32_t isn, uint64_t ref, uint32_t seq);

#define TCP_RECENT 8
#define TCP_MARKS 16

struct tcp_recent {              /* a recent segment, to recognise network duplicates */
	uint64_t off;
	uint32_t len;
	uint16_t ip_id;
	uint8_t flags;
	uint8_t used;
};

/* Per direction.  The fields every segment touches come first. */
struct dirstate {
	uint64_t next;           /* next in-order stream offset (= st.next) */
	uint64_t max_end;        /* highest end offset sent (a FIN excluded) */
	uint64_t acked;          /* highest offset the peer acknowledged (in this stream) */
	uint64_t frames, bytes, paybytes;
	uint32_t isn;            /* SYN's seq; without a SYN: first seq - 1 */
	uint32_t last_ack, last_win;
	uint32_t win_scaled;     /* last window, scaled */
	uint16_t mss;
	int8_t wscale;
	uint8_t seen;            /* any segment seen */
	uint8_t syn;             /* SYN seen: isn valid */
	uint8_t fin;             /* FIN seen */
	uint8_t rst;
	uint8_t ack_valid;
	uint8_t acked_valid;
	uint8_t ka_pending;      /* sent a keep-alive the peer has not answered */
	uint8_t id_ok;           /* IPv4 IDs change from packet to packet: they order this side's sends */
	uint8_t id_seen;
	uint8_t dupack_run;      /* duplicate ACKs in a row */
	uint8_t csum;            /* verify checksums (engine; off once a side looks offloaded) */
	uint8_t csum_bad;        /* bad checksums before the first good one */
	uint16_t max_id;         /* newest IP ID */
	uint32_t csum_ok;        /* segments with a good checksum (0: maybe offloaded, trust no "bad") */
	uint64_t max_end_ts;     /* when max_end was reached */
	uint64_t bad_end;        /* end of the bytes seen with a bad checksum */
	uint64_t syn_ts;         /* the SYN the SYN/ACK answers (client: the last SYN before it) */
	uint64_t irtt_ns;        /* SYN -> SYN/ACK -> ACK, 0 unknown (kept in both directions) */
	uint32_t syn_frame;
	uint8_t recent_pos, mark_pos;
	struct tcp_recent recent[TCP_RECENT];
	struct { uint64_t end; uint16_t ip_id; uint8_t used; } mark[TCP_MARKS];  /* where max_end rose, by which packet */
	struct stream st;
	/* colder */
	uint64_t fin_off;
	uint32_t fin_frame;
	uint64_t gap_bytes;      /* bytes never captured (= st.gap_bytes) */
	uint32_t retrans, ooo, dupacks, zerowin, keepalive, overmss, dups, badcsum;
};

/* What one segment did. */
struct tcp_verdict {
	unsigned ta;             /* TA_* */
	uint64_t off;            /* stream offset of its first byte */
	uint32_t win;            /* its window, scaled when both sides offered scaling */
	uint8_t closes;          /* RST, or the ACK of the second FIN */
	uint8_t first_fin;       /* this side's first FIN */
	char hist[8];            /* Zeek history letters it adds */
};

/* Both directions of a new connection; k/ctx: where payload goes (NULL: nowhere,
 * and no checksum verification: the capture thread's close detection). */
void tcp_track_init(struct dirstate d[2], const struct stream_sink *k, void *ctx);
/* One segment of direction dir (0 or 1), frame number no. */
void tcp_track(struct dirstate d[2], int dir, const struct pkt *p, uint64_t ts,
               uint32_t no, uint32_t wirelen, struct tcp_verdict *v);
/* The end: hand over everything held, gaps included. */
void tcp_track_flush(struct dirstate d[2]);
void tcp_track_free(struct dirstate d[2]);

#endif
