/* netroute.h - ask the kernel (rtnetlink) how it would reach a host. */
#ifndef SMTPTRACE_NETROUTE_H
#define SMTPTRACE_NETROUTE_H

#include <netinet/in.h>
#include <net/if.h>
#include <sys/socket.h>

struct route_info {
	int family;                     /* AF_INET / AF_INET6 */
	int ifindex;
	char ifname[IF_NAMESIZE];
	struct sockaddr_storage src;    /* preferred source address (port 0) */
	struct sockaddr_storage nexthop;/* the gateway, or the destination itself */
	int via_gateway;                /* 1 if nexthop is a gateway */
	int loopback;                   /* the route leaves through a loopback device */
};

/* RTM_GETROUTE for `dst`.  0 on success; -1 with a one-line reason in err. */
int route_lookup(const struct sockaddr *dst, struct route_info *ri,
                 char *err, size_t errlen);

/* RTM_DELNEIGH for the next hop on ri->ifindex (needs CAP_NET_ADMIN).
 * 0 deleted, 1 there was no entry, -1 error (reason in err). */
int neigh_delete(const struct route_info *ri, char *err, size_t errlen);

/* Is there a neighbour entry (REACHABLE/STALE/...) for the next hop?
 * 1 yes, 0 no, -1 error.  Used to explain a missing ARP exchange. */
int neigh_present(const struct route_info *ri);

#endif
