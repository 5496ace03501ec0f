/* engine.h - the analysis engine shared by `send` (live) and `analyze`.
 *
 * Frames go in one at a time, in capture order; the engine decodes them,
 * finds the TCP connections that carry SMTP, reassembles each direction,
 * dissects commands, replies and the message body, and ties every command
 * and reply to the frames that carried it.  A session is published as soon as
 * it is over, so memory is bounded by the sessions open at once, not by the
 * size of the capture.  Finished sessions, with their timeline, go to the
 * subscribers (struct engine_sink); the engine knows no output. */
#ifndef SMTPTRACE_ENGINE_H
#define SMTPTRACE_ENGINE_H

#include <stdint.h>
#include <stddef.h>
#include "exitcodes.h"
#include "sendrec.h"

struct session;
struct tls_keys;
struct timeline;

/* What only the live sender knows; NULL for `analyze`. */
struct sender_info {
	const struct sent_rec *sent;   /* byte ranges of what it wrote */
	size_t nsent;
	const char *server_arg;        /* --server as given */
	int server_port;
	unsigned local_port;           /* the client's port on the connection that carried
	                                  the dialogue; 0 unknown (the facts below then apply
	                                  to every session) */
	const char *ifname;
	const char *nexthop;           /* printable next-hop address */
	int via_gateway, loopback;
	int neigh_cached;              /* 1: an entry existed and --fresh-arp was not given */
	int fresh_arp;                 /* --fresh-arp deleted the entry */
	uint64_t ps_recv, ps_drop, ps_ifdrop;
	const char *capture_file;      /* where it was saved, NULL if not */
	/* how the dialogue ended (has_result 0: not known) */
	int has_result;
	int exit_code;                 /* EX_*: the process's exit code */
	enum smtp_stage stage;         /* where it stopped (STAGE_DONE on success) */
	const char *error;             /* one line, NULL on success */
};

/* The run as a whole, for a subscriber's end(). */
struct flow_stats;
struct engine_stats {
	size_t nsessions;              /* SMTP sessions found */
	uint64_t nframes;              /* frames read */
	uint64_t nother;               /* frames that were not ARP/ND/TCP */
	const char *input_error;       /* the input ended abnormally, NULL if not */
	const struct sender_info *sender;
	const struct flow_stats *flow; /* the flow table's counters (flow-table.h) */
};

/* What a subscriber needs the engine to keep. */
enum {
	ENGINE_NEED_FRAMES = 1 << 0,   /* every frame of a session (timeline per frame) */
};

/* A subscriber to finished sessions: the outputs (out.h), and whatever
 * reads the timeline next.  Called in session order; the session and its
 * timeline are valid only during the call. */
struct engine_sink {
	void *ctx;
	unsigned needs;                /* ENGINE_NEED_* */
	void (*begin)(void *ctx);
	void (*session)(void *ctx, const struct session *s, const struct timeline *t);
	void (*end)(void *ctx, const struct engine_stats *st);
};

struct engine_opts {
	int port;                  /* --port P: treat TCP port P as SMTP (0: detect) */
	int implicit_tls;          /* port speaks TLS from the first byte (send --smtps, 465) */
	int session;               /* --session N: publish only session N (0: all) */
	int show_secrets;          /* AUTH passwords shown */
	int idle_timeout;          /* --idle-timeout: seconds of capture time; 0 default, < 0 never */
	int memory_limit_mb;       /* --memory-limit: MiB; 0 default (flow-table.h) */
	const struct sender_info *sender;
	const struct tls_keys *keys;     /* TLS secrets (--keylog, DSBs, send's own); may be NULL */
	const struct engine_sink *sinks; /* subscribers, called in this order; must outlive the engine */
	size_t nsinks;
	size_t keep_data;          /* --show-data: octets of each message kept as sent (0: none) */
};

struct engine;

struct engine *engine_new(const struct engine_opts *o, int linktype);
/* ts in nanoseconds since the epoch.  Frame numbers count from 1 in call order. */
void engine_frame(struct engine *e, uint64_t ts_ns, const uint8_t *data,
                  uint32_t caplen, uint32_t wirelen);
/* The input ended abnormally (cut short): note it in the output. */
void engine_input_error(struct engine *e, const char *what);
/* Flush every session still open, then the subscribers' end().
 * Returns the number of SMTP sessions found. */
size_t engine_finish(struct engine *e);
void engine_free(struct engine *e);
/* The engine's counters (flow-table.h), final after engine_finish(). */
const struct flow_stats *engine_flow_stats(const struct engine *e);

#endif
