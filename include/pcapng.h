/* pcapng.h - a small pcapng writer (libpcap writes only pcap).
 * One section, one interface, Enhanced Packet Blocks with nanosecond
 * timestamps (if_tsresol = 9) and an optional comment per packet (opt_comment),
 * decryption secrets (TLS key log), interface statistics. */
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
/* Interface Statistics Block written at the end: isb_ifrecv, isb_ifdrop
 * (dropped by the interface) and isb_osdrop (dropped by the OS: the kernel's
 * capture buffer, libpcap's ps_drop). */
int pcapng_write_stats(struct pcapng_writer *w, uint64_t ts_ns,
                       uint64_t recv, uint64_t ifdrop, uint64_t osdrop);

/* Decryption Secrets Block.  Readers apply it to the packets after it, so
 * write it before the first packet it decrypts.  With type
 * PCAPNG_SECRETS_TLS_KEYLOG and NSS key log lines ("CLIENT_RANDOM ..."),
 * Wireshark decrypts the TLS sessions without options.  0 / -1. */
#define PCAPNG_SECRETS_TLS_KEYLOG 0x544c534bu
int pcapng_write_secrets(struct pcapng_writer *w, uint32_t type,
                         const void *data, uint32_t len);
int pcapng_flush(struct pcapng_writer *w);

#endif
