/* pcapng-scan.h - what libpcap does not give back when it reads a pcapng
 * file: the packets' comments (opt_comment of Enhanced/obsolete Packet
 * Blocks) and the Decryption Secrets Blocks.  `annotate` keeps both in
 * the file it writes.  Bounded: blocks over 16 MiB end the scan, and at
 * most PCAPNG_SCAN_MAX_BYTES of comments and secrets are kept. */
#ifndef SMTPTRACE_PCAPNG_SCAN_H
#define SMTPTRACE_PCAPNG_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "util-strtab.h"

#define PCAPNG_SCAN_MAX_BYTES (32u << 20)

struct pcapng_secret {
	uint32_t type;
	uint32_t len;
	uint8_t *data;
};

struct pcapng_extras {
	struct strtab comment;   /* by packet index (0-based, libpcap's order) */
	struct pcapng_secret *dsb;
	size_t ndsb;
	size_t bytes;            /* kept so far */
	size_t dropped;          /* comments/secrets past the bound */
	int is_pcapng;
};

/* Scan f from its start (a pcap file is left alone: is_pcapng 0).
 * 0, or -1 when the block structure is broken (err says where; what was
 * found before stays). */
int pcapng_scan(FILE *f, struct pcapng_extras *x, char *err, size_t errlen);
const char *pcapng_extras_comment(const struct pcapng_extras *x, size_t pkt);
void pcapng_extras_free(struct pcapng_extras *x);

#endif
