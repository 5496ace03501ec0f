/* capture-int.h - the capture's state, shared by capture.c (the thread,
 * the file, the public calls) and capture-handle.c (the libpcap handle and
 * its filter).  Internal: everyone else sees capture.h only. */
#ifndef SMTPTRACE_CAPTURE_INT_H
#define SMTPTRACE_CAPTURE_INT_H

#include <pthread.h>
#include <pcap/pcap.h>
#include "capture.h"
#include "pcapng.h"

struct capture {
	pcap_t *pc;
	int linktype;
	char ifname[64];
	char filter[512];
	size_t ring;                    /* kernel buffer asked for */
	/* output */
	struct pcapng_writer w;
	FILE *out;                      /* NULL: keep in memory only */
	int file_failed;                /* a write to `out` failed */
	char note[600];                 /* appended to the SHB comment (capture_annotate) */
	/* frames (owned, appended by the thread; read by others after join) */
	struct cap_frame *frames;
	size_t nframes, cap;
	/* thread control */
	pthread_t thr;
	int stop_pipe[2];               /* main writes 1 byte: "the client is done" */
	int running;
	double linger;                  /* seconds to wait for the TCP close */
	/* decryption secrets (NSS key log), added by any thread */
	pthread_mutex_t lock;
	char *secrets;
	size_t nsecrets;
	/* results */
	struct capture_stats st;
	int oom;                        /* frames missing from memory */
	char err[256];
};

/* The first error wins: it is the cause, later ones are consequences. */
__attribute__((format(printf, 2, 3)))
void cap_set_err(struct capture *c, const char *fmt, ...);

/* Build the filter, open and activate the handle (ring sized from
 * o->expect_bytes), attach the filter, non-blocking.  0, or -1 with
 * c->err set. */
int cap_handle_open(struct capture *c, const struct capture_opts *o);

#endif
