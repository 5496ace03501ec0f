/* capture.h - the capture thread: libpcap on the sender's interface, with
 * the filter attached before the sender connects.  struct capture is
 * opaque: capture_new() opens the handle, the accessors read the results. */
#ifndef SMTPTRACE_CAPTURE_H
#define SMTPTRACE_CAPTURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/* A captured frame, kept in memory for the timeline (and written to the
 * file as it arrives, so an interrupted run still leaves its capture). */
struct cap_frame {
	uint64_t ts_ns;
	uint32_t caplen, wirelen;
	uint8_t *data;
};

struct capture_opts {
	const char *ifname;
	const struct sockaddr *local;   /* bound: the filter names its port */
	const struct sockaddr *remote;
	const struct sockaddr *nexthop; /* NULL: loopback, no ARP / ND */
	const struct sockaddr *dns;     /* non-NULL: also this resolver's DNS
	                                   (UDP and TCP, its port): send resolves
	                                   names while capturing */
	int any_remote;                 /* SMTP from local to any host on remote's
	                                   port (remote's address ignored: the
	                                   addresses are tried in turn), and ARP /
	                                   ND about local instead of a next hop */
	const struct sockaddr *local2;  /* any_remote: also SMTP from this address
	                                   (the other family); NULL: none */
	size_t expect_bytes;            /* what the client will send: sizes the ring */
	double linger;                  /* s to wait for the TCP close after the
	                                   client is done; 0: the default (0.3) */
};

struct capture_stats {
	uint64_t recv, drop, ifdrop;    /* libpcap's ps_recv, ps_drop, ps_ifdrop */
	int close_seen;                 /* the TCP close completed (FINs acked, or RST) */
};

struct capture;

/* Open o->ifname (immediate mode, nanosecond timestamps, a ring sized from
 * o->expect_bytes) and attach the filter for this exchange: ARP (or IPv6
 * ND) for the next hop, and the TCP connection between local and remote.
 * When it returns a capture, the filter is active: anything sent afterwards
 * is captured (the ready barrier).  NULL with a one-line reason in err
 * (mentions CAP_NET_RAW when it is a permission problem). */
struct capture *capture_new(const struct capture_opts *o, char *err, size_t errlen);
/* Start writing pcapng to `out` (may be NULL: memory only) and start the
 * thread.  The file's header is flushed first, so an unwritable file fails
 * here, before anything is sent.  0 / -1 (capture_error says why). */
int capture_start(struct capture *c, FILE *out);
/* Tell the thread the client is finished; it returns once the TCP close is
 * complete or `linger` seconds passed, after draining what the kernel holds.
 * Joins the thread, fills the stats, writes the ISB, flushes the file.
 * 0, or -1 when anything failed on the way (a write to the file, libpcap). */
int capture_stop(struct capture *c);
/* 1 when writing the file failed (the capture file is not complete). */
int capture_file_failed(const struct capture *c);
const char *capture_error(const struct capture *c);   /* "" if none */
const char *capture_ifname(const struct capture *c);
int capture_linktype(const struct capture *c);
/* Read after capture_stop. */
size_t capture_nframes(const struct capture *c);
const struct cap_frame *capture_frame(const struct capture *c, size_t i);
void capture_get_stats(const struct capture *c, struct capture_stats *st);
void capture_free(struct capture *c);

/* Decryption secrets (NSS key log lines, e.g. from OpenSSL's keylog
 * callback) for the capture file: capture_stop() writes them as a pcapng
 * Decryption Secrets Block, and when the file is a regular file and every
 * frame is in memory it rewrites the file so that the block comes before
 * the packets (Wireshark then decrypts without options).  Any thread may
 * call it, before capture_stop().  0, or -1 past 1 MiB of secrets. */
int capture_add_secrets(struct capture *c, const void *keylog, size_t len);      /* NULL is fine; stops a running thread */

/* The kernel ring's size for a message of `bytes` (exposed for tests). */
size_t capture_ring_bytes(size_t bytes);

#endif
