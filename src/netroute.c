/* netroute.c - ask the kernel over rtnetlink how it reaches a host
 * (RTM_GETROUTE) and inspect or flush the neighbour entry of the next hop
 * (RTM_GETNEIGH / RTM_DELNEIGH).  A raw NETLINK_ROUTE socket, no libnl.
 * Every message and attribute is walked with NLMSG_OK / RTA_OK and each
 * payload length is checked before it is copied. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "netroute.h"
#include "util-addr.h"

#define NL_BUFSZ 32768

struct nlreq {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct ndmsg nd;
	} u;
	char attrs[64];
};

/* The address bytes of a sockaddr: 4 for IPv4, 16 for IPv6, else 0. */
static size_t addr_bytes(const struct sockaddr *sa, const void **p)
{
	if (sa->sa_family == AF_INET) {
		*p = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		*p = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		return 16;
	}
	*p = NULL;
	return 0;
}

/* Store `len` raw address bytes of `family` into a sockaddr_storage (port 0). */
static void set_addr(struct sockaddr_storage *ss, int family,
                     const void *a, size_t len)
{
	memset(ss, 0, sizeof *ss);
	if (family == AF_INET && len == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a, 4);
	} else if (family == AF_INET6 && len == 16) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a, 16);
	}
}

static void add_attr(struct nlreq *r, unsigned short type,
                     const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)(void *)
	                     ((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void errno_reason(char *err, size_t errlen, const char *what, int e)
{
	if (e == EPERM || e == EACCES)
		snprintf(err, errlen, "%s: %s (needs root or CAP_NET_ADMIN)",
		         what, strerror(e));
	else
		snprintf(err, errlen, "%s: %s", what, strerror(e));
}

/* A netlink route socket that never blocks for more than 2 s. */
static int nl_socket(void)
{
	struct timeval tv = { 2, 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

static int nl_send(int fd, struct nlreq *r)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	return sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&kernel,
	              sizeof kernel) == (ssize_t)r->nh.nlmsg_len ? 0 : -1;
}

/* Called for each reply message of our request (not ERROR/DONE).
 * Return 1 to stop early, 0 to go on. */
typedef int (*nl_cb)(const struct nlmsghdr *nh, void *arg);

/* The errno carried by an NLMSG_ERROR message (0 for an ACK). */
static int nl_error(const struct nlmsghdr *nh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof *e))
		return EPROTO;
	return -e->error;
}

/* Walk one datagram.  Returns 1 when the exchange is over (DONE, ERROR or
 * the callback stopped), 0 to read more, and sets *e to an errno or 0. */
static int nl_walk(const char *buf, size_t n, uint32_t seq, nl_cb cb,
                   void *arg, int *e)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)(const void *)buf;
	unsigned int len = (unsigned int)n;

	for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
		if (nh->nlmsg_seq != seq)
			continue;               /* stale reply to someone else */
		if (nh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nh->nlmsg_type == NLMSG_ERROR) {
			*e = nl_error(nh);
			return 1;
		}
		if (cb && cb(nh, arg))
			return 1;
	}
	return 0;
}

/* Send `r`, feed the replies to `cb` until DONE, ERROR (an ACK) or the
 * callback stops.  Returns 0 or an errno. */
static int nl_talk(struct nlreq *r, nl_cb cb, void *arg)
{
	static uint32_t seq_counter;
	char buf[NL_BUFSZ] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = nl_socket(), e = 0;

	if (fd < 0)
		return errno;
	r->nh.nlmsg_seq = ++seq_counter ^ (uint32_t)getpid() << 16;
	if (nl_send(fd, r) < 0) {
		e = errno;
		close(fd);
		return e;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EPROTO;
			break;
		}
		if (nl_walk(buf, (size_t)n, r->nh.nlmsg_seq, cb, arg, &e))
			break;
		if (!(r->nh.nlmsg_flags & NLM_F_DUMP) && !(r->nh.nlmsg_flags & NLM_F_ACK))
			break;  /* a plain request gets a single answer */
	}
	close(fd);
	return e;
}

/* ---- RTM_GETROUTE ---- */

struct route_reply {
	struct route_info *ri;
	int got;
	int type;                       /* rtm_type */
	int has_src;
};

static void route_attr(struct route_reply *rr, const struct rtattr *a)
{
	struct route_info *ri = rr->ri;
	size_t len = RTA_PAYLOAD(a);
	size_t alen = ri->family == AF_INET ? 4 : 16;

	switch (a->rta_type) {
	case RTA_OIF:
		if (len >= sizeof(uint32_t))
			memcpy(&ri->ifindex, RTA_DATA(a), sizeof(uint32_t));
		break;
	case RTA_GATEWAY:
		if (len == alen) {
			set_addr(&ri->nexthop, ri->family, RTA_DATA(a), len);
			ri->via_gateway = 1;
		}
		break;
	case RTA_VIA: {     /* IPv4 route through an IPv6 gateway (or the reverse) */
		const struct rtvia *v = RTA_DATA(a);
		if (len >= sizeof *v) {
			size_t vlen = len - sizeof *v;
			if ((v->rtvia_family == AF_INET && vlen >= 4) ||
			    (v->rtvia_family == AF_INET6 && vlen >= 16)) {
				set_addr(&ri->nexthop, v->rtvia_family, v->rtvia_addr,
				         v->rtvia_family == AF_INET ? 4 : 16);
				ri->via_gateway = 1;
			}
		}
		break;
	}
	case RTA_PREFSRC:
		if (len == alen) {
			set_addr(&ri->src, ri->family, RTA_DATA(a), len);
			rr->has_src = 1;
		}
		break;
	}
}

static int route_cb(const struct nlmsghdr *nh, void *arg)
{
	struct route_reply *rr = arg;
	const struct rtmsg *rtm = NLMSG_DATA(nh);
	const struct rtattr *a;
	unsigned int len;

	if (nh->nlmsg_type != RTM_NEWROUTE || nh->nlmsg_len < NLMSG_LENGTH(sizeof *rtm))
		return 0;
	rr->got = 1;
	rr->type = rtm->rtm_type;
	len = nh->nlmsg_len - NLMSG_LENGTH(sizeof *rtm);
	for (a = RTM_RTA(rtm); RTA_OK(a, len); a = RTA_NEXT(a, len))
		route_attr(rr, a);
	return 1;
}

/* When the kernel gives no preferred source (IPv6 often doesn't), let it
 * pick one: connect() on a UDP socket sends nothing. */
static int source_by_connect(const struct sockaddr *dst, struct route_info *ri)
{
	struct sockaddr_storage d;
	socklen_t sl = sizeof ri->src;
	socklen_t dl = dst->sa_family == AF_INET ? sizeof(struct sockaddr_in)
	                                         : sizeof(struct sockaddr_in6);
	int fd = socket(dst->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = -1;

	if (fd < 0)
		return -1;
	memcpy(&d, dst, dl);
	if (d.ss_family == AF_INET)
		((struct sockaddr_in *)(void *)&d)->sin_port = htons(9);
	else
		((struct sockaddr_in6 *)(void *)&d)->sin6_port = htons(9);
	if (connect(fd, (struct sockaddr *)&d, dl) == 0 &&
	    getsockname(fd, (struct sockaddr *)&ri->src, &sl) == 0) {
		if (ri->src.ss_family == AF_INET)
			((struct sockaddr_in *)(void *)&ri->src)->sin_port = 0;
		else
			((struct sockaddr_in6 *)(void *)&ri->src)->sin6_port = 0;
		rc = 0;
	}
	close(fd);
	return rc;
}

static int if_is_loopback(const char *ifname)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), lo = 0;

	if (fd < 0)
		return 0;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
		lo = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
	close(fd);
	return lo;
}

static void build_getroute(struct nlreq *r, const struct sockaddr *dst)
{
	const void *a;
	size_t alen = addr_bytes(dst, &a);

	memset(r, 0, sizeof *r);
	r->nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r->nh.nlmsg_type = RTM_GETROUTE;
	r->nh.nlmsg_flags = NLM_F_REQUEST;
	r->u.rt.rtm_family = (unsigned char)dst->sa_family;
	r->u.rt.rtm_dst_len = (unsigned char)(alen * 8);
	r->u.rt.rtm_flags = RTM_F_LOOKUP_TABLE;
	add_attr(r, RTA_DST, a, alen);
}

int route_lookup(const struct sockaddr *dst, struct route_info *ri,
                 char *err, size_t errlen)
{
	struct route_reply rr = { .ri = ri };
	struct nlreq r;
	const void *a;
	char host[INET6_ADDRSTRLEN] = "?";
	size_t alen;
	int e;

	memset(ri, 0, sizeof *ri);
	alen = addr_bytes(dst, &a);
	if (!alen) {
		snprintf(err, errlen, "route lookup: not an IPv4 or IPv6 address");
		return -1;
	}
	addr_sockaddr(dst, host, sizeof host, NULL);
	ri->family = dst->sa_family;
	build_getroute(&r, dst);
	e = nl_talk(&r, route_cb, &rr);
	if (e || !rr.got) {
		char what[96];
		snprintf(what, sizeof what, "no route to %s", host);
		errno_reason(err, errlen, what, e ? e : EPROTO);
		return -1;
	}
	if (rr.type == RTN_UNREACHABLE || rr.type == RTN_BLACKHOLE ||
	    rr.type == RTN_PROHIBIT) {
		snprintf(err, errlen, "no route to %s (route type %s)", host,
		         rr.type == RTN_BLACKHOLE ? "blackhole" :
		         rr.type == RTN_PROHIBIT ? "prohibit" : "unreachable");
		return -1;
	}
	if (!if_indextoname((unsigned int)ri->ifindex, ri->ifname)) {
		snprintf(err, errlen, "route to %s: interface %d: %s", host,
		         ri->ifindex, strerror(errno));
		return -1;
	}
	if (!ri->via_gateway)
		set_addr(&ri->nexthop, ri->family, a, alen);
	if (!rr.has_src && source_by_connect(dst, ri) < 0) {
		snprintf(err, errlen, "route to %s: no source address: %s", host,
		         strerror(errno));
		return -1;
	}
	ri->loopback = rr.type == RTN_LOCAL || if_is_loopback(ri->ifname);
	return 0;
}

/* ---- neighbours ---- */

struct neigh_query {
	int ifindex, family;
	const void *addr;
	size_t alen;
	int found;
	uint16_t state;
};

static int neigh_cb(const struct nlmsghdr *nh, void *arg)
{
	struct neigh_query *q = arg;
	const struct ndmsg *nd = NLMSG_DATA(nh);
	const struct rtattr *a;
	unsigned int len;

	if (nh->nlmsg_type != RTM_NEWNEIGH || nh->nlmsg_len < NLMSG_LENGTH(sizeof *nd))
		return 0;
	if (nd->ndm_ifindex != q->ifindex || nd->ndm_family != q->family)
		return 0;
	len = nh->nlmsg_len - NLMSG_LENGTH(sizeof *nd);
	for (a = (const struct rtattr *)(const void *)((const char *)nd +
	          NLMSG_ALIGN(sizeof *nd));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == q->alen &&
		    memcmp(RTA_DATA(a), q->addr, q->alen) == 0) {
			q->found = 1;
			q->state = nd->ndm_state;
		}
	}
	return 0;       /* read the whole dump so the socket ends clean */
}

/* The NUD state of the next hop's entry, via a dump of the neighbour table
 * (works on every kernel, unlike a single RTM_GETNEIGH).  Returns 0 and
 * sets *found / *state, or an errno. */
static int neigh_lookup(const struct route_info *ri, int *found, uint16_t *state)
{
	struct neigh_query q = { .ifindex = ri->ifindex,
	                         .family = ri->nexthop.ss_family };
	struct nlreq r;
	int e;

	q.alen = addr_bytes((const struct sockaddr *)&ri->nexthop, &q.addr);
	if (!q.alen)
		return EINVAL;
	memset(&r, 0, sizeof r);
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	r.nh.nlmsg_type = RTM_GETNEIGH;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	r.u.nd.ndm_family = (unsigned char)q.family;
	e = nl_talk(&r, neigh_cb, &q);
	*found = q.found;
	*state = q.state;
	return e;
}

int neigh_present(const struct route_info *ri)
{
	uint16_t state = 0;
	int found = 0;

	if (neigh_lookup(ri, &found, &state))
		return -1;
	return found && !(state & (NUD_FAILED | NUD_INCOMPLETE | NUD_NOARP));
}

int neigh_delete(const struct route_info *ri, char *err, size_t errlen)
{
	struct nlreq r;
	const void *a;
	size_t alen = addr_bytes((const struct sockaddr *)&ri->nexthop, &a);
	uint16_t state = 0;
	int found = 0, e;

	if (ri->loopback)
		return 1;               /* no ARP/ND on loopback */
	if (!alen) {
		snprintf(err, errlen, "neighbour delete: no next-hop address");
		return -1;
	}
	/* A static (PERMANENT) or NOARP entry is the admin's configuration:
	 * leave it alone and report "nothing to flush". */
	e = neigh_lookup(ri, &found, &state);
	if (!e && (!found || (state & (NUD_PERMANENT | NUD_NOARP))))
		return 1;
	memset(&r, 0, sizeof r);
	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg));
	r.nh.nlmsg_type = RTM_DELNEIGH;
	r.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	r.u.nd.ndm_family = (unsigned char)ri->nexthop.ss_family;
	r.u.nd.ndm_ifindex = ri->ifindex;
	add_attr(&r, NDA_DST, a, alen);
	e = nl_talk(&r, NULL, NULL);
	if (e == ENOENT)
		return 1;
	if (e) {
		char what[160], host[INET6_ADDRSTRLEN] = "?";
		addr_sockaddr((const struct sockaddr *)&ri->nexthop, host, sizeof host, NULL);
		snprintf(what, sizeof what, "cannot flush the neighbour entry of %s on %s",
		         host, ri->ifname);
		errno_reason(err, errlen, what, e);
		return -1;
	}
	return 0;
}
