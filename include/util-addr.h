/* util-addr.h - addresses as text, one copy for every module: IP
 * addresses (family 4 or 6 and raw bytes, or a sockaddr), endpoints
 * ("1.2.3.4:25", "[::1]:25") and MAC addresses. */
#ifndef SMTPTRACE_UTIL_ADDR_H
#define SMTPTRACE_UTIL_ADDR_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

enum { ADDR_IP_MAX = 46, ADDR_EP_MAX = 64, ADDR_MAC_MAX = 18 };

/* family 6: a[16] is IPv6, otherwise a[4] is IPv4; "?" if it cannot be shown */
void addr_ip(int family, const uint8_t *a, char *out, size_t cap);
/* "1.2.3.4:25" or "[2001:db8::1]:25" */
void addr_ep(int family, const uint8_t *a, unsigned port, char *out, size_t cap);
/* "00:11:22:33:44:55" into out[ADDR_MAC_MAX] */
void addr_mac(const uint8_t *m, char *out);
/* A sockaddr (AF_INET / AF_INET6): its address into out, its port into
 * *port (may be NULL).  Returns 0, or -1 (out = "?") for another family. */
int addr_sockaddr(const struct sockaddr *sa, char *out, size_t cap, unsigned *port);

#endif
