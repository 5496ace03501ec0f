/* capture-handle.c - the libpcap handle of the capture: the filter for
 * exactly this exchange, the ring sized from the message, activation with
 * errors that say what to do (CAP_NET_RAW, no such interface). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include "capture-int.h"
#include "util-addr.h"

/* Immediate mode makes libpcap use TPACKET_V2: one fixed slot per frame,
 * sized from the snaplen (rounded up to a power of two), and the whole
 * ring is mapped (and counted in the RSS) from the start.  A snaplen that
 * holds the largest loopback / GSO frame (64 KiB of IP + link header) gives
 * 128 KiB slots where 262144 gave 512 KiB ones. */
#define CAP_SNAPLEN     (65535 + 64)
#define RING_MIN        (8u << 20)      /* 64 such slots, 4096 Ethernet ones */
#define RING_MAX        (64u << 20)
#define RING_PER_BYTE   4               /* headroom per message byte */

size_t capture_ring_bytes(size_t bytes)
{
	if (bytes >= (RING_MAX - RING_MIN) / RING_PER_BYTE)
		return RING_MAX;
	return RING_MIN + bytes * RING_PER_BYTE;
}

/* The neighbour discovery term, in parentheses: ARP about `nh` (IPv4), or
 * IPv6 neighbour solicitations / advertisements (no extension headers). */
static int neigh_term(const struct sockaddr *nexthop, char *buf, size_t len)
{
	char nh[INET6_ADDRSTRLEN];
	unsigned np;

	if (addr_sockaddr(nexthop, nh, sizeof nh, &np) < 0)
		return -1;
	if (nexthop->sa_family == AF_INET)
		snprintf(buf, len, "(arp and arp host %s)", nh);
	else
		snprintf(buf, len, "(icmp6 and (ip6[40] == 135 or ip6[40] == 136))");
	return 0;
}

/* Both families: ARP about our IPv4 address, and neighbour discovery. */
static int neigh_both(const struct sockaddr *a, const struct sockaddr *b, char *buf, size_t len)
{
	char v4[128], v6[128];

	if (neigh_term(a->sa_family == AF_INET ? a : b, v4, sizeof v4) < 0 ||
	    neigh_term(a->sa_family == AF_INET ? b : a, v6, sizeof v6) < 0)
		return -1;
	snprintf(buf, len, "%s or %s", v4, v6);
	return 0;
}

/* The filter for exactly this exchange.  A local port of 0 (not bound
 * yet) leaves that term out.  With o->dns, also the resolver's DNS (UDP and
 * TCP); with o->any_remote, SMTP from our address to any host on remote's
 * port, and ARP about our own address (the next hop is not known before
 * the lookup, or there are several).  0 ok, -1 bad address. */
static int build_filter(struct capture *c, const struct capture_opts *o)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	char tcp[320], lport[32] = "", rhost[80] = "", dns[128] = "", neigh[264];
	char lhost[128], l2[INET6_ADDRSTRLEN];
	unsigned lp, rp, dp, l2p;
	int n;

	if (addr_sockaddr(o->local, l, sizeof l, &lp) < 0 ||
	    addr_sockaddr(o->remote, r, sizeof r, &rp) < 0 ||
	    (!o->any_remote && o->local->sa_family != o->remote->sa_family))
		return -1;
	if (lp)
		snprintf(lport, sizeof lport, " and tcp port %u", lp);
	if (o->dns && addr_sockaddr(o->dns, d, sizeof d, &dp) < 0)
		return -1;
	if (o->dns)
		snprintf(dns, sizeof dns, "(host %s and port %u) or ", d, dp);
	if (!o->any_remote)
		snprintf(rhost, sizeof rhost, " and host %s", r);
	if (o->any_remote && o->local2 && addr_sockaddr(o->local2, l2, sizeof l2, &l2p) < 0)
		return -1;
	if (o->any_remote && o->local2)
		snprintf(lhost, sizeof lhost, "(host %s or host %s)", l, l2);
	else
		snprintf(lhost, sizeof lhost, "host %s", l);
	snprintf(tcp, sizeof tcp, "%s%s%s and tcp port %u", lhost, rhost, lport, rp);
	if (!o->nexthop && !o->any_remote)     /* loopback: no ARP / ND */
		n = snprintf(c->filter, sizeof c->filter, "%s", tcp);
	else if (neigh_term(o->any_remote ? o->local : o->nexthop, neigh, sizeof neigh) < 0)
		return -1;
	else if (o->any_remote && o->local2 && neigh_both(o->local, o->local2, neigh, sizeof neigh) < 0)
		return -1;
	else
		n = snprintf(c->filter, sizeof c->filter, "%s or %s(%s)", neigh, dns, tcp);
	return n > 0 && (size_t)n < sizeof c->filter ? 0 : -1;
}

static int activate_error(struct capture *c, int rc)
{
	const char *why = pcap_geterr(c->pc);

	if (rc == PCAP_ERROR_PERM_DENIED)
		cap_set_err(c, "capture on %s needs root or CAP_NET_RAW: run with sudo, "
		        "or grant it: sudo setcap cap_net_raw,cap_net_admin=eip "
		        "./smtptrace", c->ifname);
	else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
		cap_set_err(c, "capture on %s: no such interface", c->ifname);
	else if (rc == PCAP_ERROR_IFACE_NOT_UP)
		cap_set_err(c, "capture on %s: interface is down", c->ifname);
	else
		cap_set_err(c, "capture on %s: %s", c->ifname,
		        why && *why ? why : pcap_statustostr(rc));
	return -1;
}

/* pcap_set_* before activation only fail on an already active handle;
 * the tstamp precision may be unsupported, then we get microseconds. */
static int activate(struct capture *c)
{
	int rc;

	pcap_set_snaplen(c->pc, CAP_SNAPLEN);
	pcap_set_immediate_mode(c->pc, 1);
	pcap_set_tstamp_precision(c->pc, PCAP_TSTAMP_PRECISION_NANO);
	pcap_set_buffer_size(c->pc, (int)c->ring);
	pcap_set_promisc(c->pc, 0);
	rc = pcap_activate(c->pc);
	return rc < 0 ? activate_error(c, rc) : 0;   /* > 0: warnings, fine */
}

static int set_filter(struct capture *c)
{
	struct bpf_program prog;

	if (pcap_compile(c->pc, &prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		cap_set_err(c, "capture filter \"%s\": %s", c->filter, pcap_geterr(c->pc));
		return -1;
	}
	if (pcap_setfilter(c->pc, &prog) < 0) {
		pcap_freecode(&prog);
		cap_set_err(c, "capture on %s: setting the filter: %s", c->ifname,
		        pcap_geterr(c->pc));
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

static int open_handle(struct capture *c)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";

	c->pc = pcap_create(c->ifname, errbuf);
	if (!c->pc) {
		cap_set_err(c, "capture on %s: %s", c->ifname, errbuf);
		return -1;
	}
	if (activate(c) < 0 || set_filter(c) < 0)
		return -1;
	if (pcap_setnonblock(c->pc, 1, errbuf) < 0) {
		cap_set_err(c, "capture on %s: %s", c->ifname, errbuf);
		return -1;
	}
	if (pcap_get_selectable_fd(c->pc) < 0) {
		cap_set_err(c, "capture on %s: no selectable descriptor", c->ifname);
		return -1;
	}
	c->linktype = pcap_datalink(c->pc);
	return 0;
}

int cap_handle_open(struct capture *c, const struct capture_opts *o)
{
	c->ring = capture_ring_bytes(o->expect_bytes);
	if (build_filter(c, o) < 0) {
		cap_set_err(c, "capture on %s: bad address for the filter", c->ifname);
		return -1;
	}
	return open_handle(c);
}
