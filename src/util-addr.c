/* util-addr.c - see util-addr.h. */
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "util-addr.h"

void addr_ip(int family, const uint8_t *a, char *out, size_t cap)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, out, (socklen_t)cap))
		snprintf(out, cap, "?");
}

void addr_ep(int family, const uint8_t *a, unsigned port, char *out, size_t cap)
{
	char ip[ADDR_IP_MAX];
	addr_ip(family, a, ip, sizeof ip);
	snprintf(out, cap, family == 6 ? "[%s]:%u" : "%s:%u", ip, port);
}

void addr_mac(const uint8_t *m, char *out)
{
	snprintf(out, ADDR_MAC_MAX, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int addr_sockaddr(const struct sockaddr *sa, char *out, size_t cap, unsigned *port)
{
	const void *a;
	unsigned p;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)sa;
		a = &s4->sin_addr;
		p = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;
		a = &s6->sin6_addr;
		p = ntohs(s6->sin6_port);
	} else {
		snprintf(out, cap, "?");
		return -1;
	}
	if (port)
		*port = p;
	if (!inet_ntop(sa->sa_family, a, out, (socklen_t)cap)) {
		snprintf(out, cap, "?");
		return -1;
	}
	return 0;
}
