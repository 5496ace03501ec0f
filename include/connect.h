/* connect.h - connect to the first address of a list that answers (RFC
 * 5321 5.1: every MX host, every address of each, in order), each within
 * the connect timeout, saying in the transcript which failed and why.
 * Shared by `send` and `telnet`. */
#ifndef SMTPTRACE_CONNECT_H
#define SMTPTRACE_CONNECT_H

#include <signal.h>
#include <stdio.h>
#include "dns.h"

struct connect_try {
	const struct dns_target *t;
	double timeout;                      /* seconds, for each address */
	FILE *log;                           /* transcript ("=== " / "*** "); NULL: quiet */
	int first_fd;                        /* >= 0: a socket made (and bound) for the
	                                        first address; connect_any owns it */
	volatile sig_atomic_t *fd_slot;      /* the socket being tried, for a signal handler */
	volatile sig_atomic_t *interrupted;  /* set by that handler: stop trying */
};

/* 0 with *fd connected (blocking) and *which its index in t, or an exit
 * code (EX_CONNECT, EX_TIMEOUT: the last failure's; EX_INTERRUPTED) with
 * the reason in err. */
int connect_any(const struct connect_try *ct, int *fd, size_t *which,
                char *err, size_t errlen);

/* "198.51.100.25:25" / "[2001:db8::25]:25" */
void addr_text(const struct sockaddr *sa, char *buf, size_t len);

#endif
