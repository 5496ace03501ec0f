/* pcapng.h - a small pcapng writer (libpcap writes only pcap).
 * One section, one interface, Enhanced Packet Blocks with nanosecond
 * timestamps (if_tsresol = 9) and an optional comment per packet. */
#ifndef SMTPTRACE_PCAPNG_H
#define SMTPTRACE_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

struct pcapng_writer {
	FILE *f;
	int err;        /* sticky: a write failed (errno value) */
};

/* Write the SHB (shb_userappl "smtptrace VERSION") and one IDB.  0 / -1. */
int pcapng_open(struct pcapng_writer *w, FILE *f, int linktype, uint32_t snaplen,
                const char *ifname, const char *comment);
/* ts in nanoseconds since the epoch. comment may be NULL. 0 / -1. */
int pcapng_write_packet(struct pcapng_writer *w, uint64_t ts_ns,
                        const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                        const char *comment);
/* Interface Statistics Block (isb_ifrecv, isb_ifdrop) written at the end. */
int pcapng_write_stats(struct pcapng_writer *w, uint64_t ts_ns,
                       uint64_t recv, uint64_t drop);
int pcapng_flush(struct pcapng_writer *w);

#endif
