/* decode.h - link, network and transport decoding of one captured frame.
 *
 * One entry point, decode_frame(); the per-layer code is static inside
 * src/dec-*.c style files.  Every read is bounds-checked (extract.h).  A
 * layer that runs out of captured bytes sets PKT_TRUNCATED; a layer whose
 * header is inconsistent (bad version, header length < minimum, length field
 * beyond the wire length) sets PKT_MALFORMED.  Either way the fields decoded
 * so far stay valid and `err` names the layer and the problem.
 */
#ifndef SMTPTRACE_DECODE_H
#define SMTPTRACE_DECODE_H

#include <stdint.h>
#include <stddef.h>

enum pkt_kind {
	PK_OTHER = 0,   /* not ARP, ND, IP: counted, not analysed */
	PK_ARP,         /* ARP over Ethernet/IPv4 */
	PK_ND,          /* ICMPv6 neighbour solicitation (135) / advertisement (136) */
	PK_IP,          /* IPv4/IPv6 but not TCP (or a non-first fragment) */
	PK_TCP,
	PK_ICMP,        /* ICMPv4 / ICMPv6 error about an IP datagram (struct pkt_icmp) */
	PK_UDP,         /* UDP: sport, dport, payload, cap_paylen, paylen as for TCP */
};

/* What an ICMP error's quote (the start of the datagram it is about) held. */
enum icmp_quote {
	ICMPQ_NONE = 0,     /* no usable inner IP header */
	ICMPQ_IP,           /* the inner IP header (addresses, protocol, length) */
	ICMPQ_PORTS,        /* and the first 4 bytes of the transport header */
	ICMPQ_SEQ,          /* and the TCP sequence number (the 8 bytes RFC 792 asks for) */
};

/* An ICMP error (kind == PK_ICMP), dec-icmp.c.  The q_* fields describe the
 * quoted datagram as its sender sent it, valid as far as `quote` says. */
struct pkt_icmp {
	uint8_t type, code;      /* ICMPv4 or ICMPv6 (pkt.family says which) */
	uint8_t quote;           /* enum icmp_quote */
	uint8_t q_proto;         /* quoted IP protocol (IPPROTO_TCP ...) */
	uint32_t mtu;            /* next-hop MTU (v4 3/4) or MTU (v6 2), 0 if none */
	uint8_t q_src[16], q_dst[16];
	uint16_t q_sport, q_dport;
	uint32_t q_seq;
	uint32_t q_iplen;        /* the quoted datagram's length on its wire (IP header included) */
	uint32_t q_caplen;       /* how much of it the quote holds */
};

/* TCP checksum verification (RFC 9293 3.1, with the IPv4/IPv6 pseudo-header). */
enum pkt_csum {
	CSUM_UNKNOWN = 0,   /* not computable: segment cut by the snaplen, a header
	                     * problem, a length taken from the frame (TSO/jumbo),
	                     * an IPv6 routing header (the pseudo-header's
	                     * destination is the final one) */
	CSUM_OK = 1,
	CSUM_BAD = 2,       /* also every segment sent by a host with checksum
	                     * offload, captured before the NIC filled it in */
	CSUM_UNCHECKED = 3, /* computable, not computed yet: pkt_tcp_csum() */
};

enum pkt_status {
	PKT_OK = 0,
	PKT_TRUNCATED = 1,  /* snaplen cut a header or the payload */
	PKT_MALFORMED = 2,  /* a header is inconsistent */
};

struct pkt {
	enum pkt_kind kind;
	uint8_t status;          /* enum pkt_status bits */
	const char *err;         /* static string, e.g. "IPv4: header truncated"; NULL if OK */

	/* link layer */
	uint8_t has_mac;         /* Ethernet / SLL with a 6-byte address */
	uint8_t mac_src[6], mac_dst[6];   /* mac_dst zero for SLL */
	uint16_t vlan;           /* outermost 802.1Q VID, 0 if none */

	/* network layer (ARP/ND: addresses of the ARP/ND packet's IP header) */
	int family;              /* 4, 6 or 0 */
	uint8_t src[16], dst[16];/* IPv4 addresses in the first 4 bytes, rest zero */
	uint8_t ttl;             /* TTL / hop limit */
	uint16_t ip_id;          /* IPv4 identification (0 for IPv6) */

	/* ARP (kind == PK_ARP) */
	uint16_t arp_op;         /* 1 request, 2 reply */
	uint8_t arp_sha[6], arp_tha[6];
	uint8_t arp_spa[4], arp_tpa[4];

	/* ND (kind == PK_ND) */
	uint8_t nd_type;         /* 135 solicitation, 136 advertisement */
	uint8_t nd_target[16];
	uint8_t nd_has_lladdr;   /* source/target link-layer address option present */
	uint8_t nd_lladdr[6];

	/* TCP (kind == PK_TCP) */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;           /* TH_FIN .. TH_CWR, as on the wire */
	uint16_t win;            /* raw window field (unscaled) */
	uint16_t mss;            /* MSS option, 0 if absent */
	int8_t wscale;           /* window scale option, -1 if absent */
	uint8_t sack_ok;         /* SACK-permitted option present */
	uint8_t has_sack;        /* SACK blocks present */
	uint8_t nsack;           /* SACK blocks decoded (at most 4) */
	uint32_t sack[4][2];     /* left, right edges (raw) */
	const uint8_t *tcp_hdr;  /* the TCP header (for decode_tcp_csum) */
	uint16_t tcp_hlen;
	const uint8_t *payload;  /* captured payload bytes */
	uint32_t cap_paylen;     /* captured payload length (<= paylen) */
	uint32_t paylen;         /* payload length on the wire, from the IP length */
	uint8_t tcp_csum;        /* enum pkt_csum: UNKNOWN or UNCHECKED after decoding */

	/* internal: the pseudo-header cannot be built (see CSUM_UNKNOWN) */
	uint8_t no_pseudo;
	const uint8_t *tcp_seg;  /* the whole segment, for pkt_tcp_csum() */
	uint32_t tcp_seglen;

	/* ICMP error (kind == PK_ICMP) */
	struct pkt_icmp icmp;
};

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80


/* Link types we accept (DLT_ values, as pcap_datalink() returns them). */
int decode_linktype_supported(int dlt);

/* Decode one frame.  `caplen` bytes are present at `data`; `wirelen` is the
 * original length.  Always fills *p (zeroed first); returns p->status. */
int decode_frame(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                 struct pkt *p);

/* The TCP checksum status of a decoded TCP frame: CSUM_OK, CSUM_BAD or
 * CSUM_UNKNOWN, computed on the first call (it reads the whole segment once,
 * about 30% of `analyze --summary`'s instructions if asked for every frame,
 * so ask where the answer matters).  Only while the frame's bytes are still
 * there (during the engine's handling of that frame). */
int pkt_tcp_csum(struct pkt *p);
/* The same without caching the answer, for a const frame. */
int decode_tcp_csum(const struct pkt *p);

#endif
