/* capture.h - the capture thread: libpcap on the sender's interface, with
 * the filter attached before the sender connects. */
#ifndef SMTPTRACE_CAPTURE_H
#define SMTPTRACE_CAPTURE_H

#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <sys/socket.h>
#include <pcap/pcap.h>
#include "pcapng.h"

/* Captured frames are kept in memory for the timeline (and written to the
 * file as they arrive, so an interrupted run still leaves its capture). */
struct cap_frame {
	uint64_t ts_ns;
	uint32_t caplen, wirelen;
	uint8_t *data;
};

struct capture {
	/* set by capture_open */
	pcap_t *pc;
	int linktype;
	char ifname[64];
	char filter[512];
	/* output */
	struct pcapng_writer w;
	FILE *out;                  /* NULL: keep in memory only */
	/* frames (owned, appended by the thread; read by others after join) */
	struct cap_frame *frames;
	size_t nframes, cap;
	/* thread control */
	pthread_t thr;
	int stop_pipe[2];           /* main writes 1 byte: "the client is done" */
	int running;
	double linger;              /* seconds to wait after the client is done for the TCP close (default 0.3) */
	/* results */
	uint64_t ps_recv, ps_drop, ps_ifdrop;
	int close_seen;             /* the TCP close completed (FIN both ways + last ACK, or RST) */
	char err[256];
};

/* Open `ifname` (immediate mode, nanosecond timestamps, 64 MiB buffer) and
 * attach the filter for this exchange: ARP (or IPv6 ND) for `nexthop`, and
 * the TCP connection between `local` and `remote`.  When it returns 0 the
 * filter is active: anything sent afterwards is captured (the ready barrier).
 * -1 with capture->err set (mentions CAP_NET_RAW when it is a permission
 * problem). */
int capture_open(struct capture *c, const char *ifname,
                 const struct sockaddr *local, const struct sockaddr *remote,
                 const struct sockaddr *nexthop);
/* Start writing pcapng to `out` (may be NULL) and start the thread. */
int capture_start(struct capture *c, FILE *out);
/* Tell the thread the client is finished; it returns once the TCP close is
 * complete or `linger` seconds passed, after draining what the kernel holds.
 * Joins the thread, fills the stats, writes the ISB, flushes the file. */
int capture_stop(struct capture *c);
void capture_free(struct capture *c);

#endif
