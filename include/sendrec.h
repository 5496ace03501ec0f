/* sendrec.h - what the sender wrote, by stream offset: shared by the client
 * (which records it) and the analysis (which checks it against the
 * capture), so that the analysis need not include the client. */
#ifndef SMTPTRACE_SENDREC_H
#define SMTPTRACE_SENDREC_H

#include <stdint.h>

/* Offsets are relative to the first byte after the SYN, i.e. relative
 * sequence number 1 == offset 0. */
struct sent_rec {
	uint64_t off, end;       /* [off, end) in the client->server stream */
	char verb[16];           /* "EHLO", "MAIL", ...; "" for the message body */
	int is_body;             /* 1: the dot-stuffed message including ".\r\n" */
	int reply_code;          /* the code the client judged (0: none) */
	int tls;                 /* sent inside TLS: off/end count plaintext bytes, not TCP's */
};

#endif
