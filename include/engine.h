/* engine.h - the analysis engine shared by `send` (live) and `analyze`.
 *
 * Frames go in one at a time, in capture order; the engine decodes them,
 * finds the TCP connections that carry SMTP, reassembles each direction,
 * dissects commands, replies and the message body, and ties every command
 * and reply to the frames that carried it.  A session is printed as soon as
 * it is over, so memory is bounded by the sessions open at once, not by the
 * size of the capture. */
#ifndef SMTPTRACE_ENGINE_H
#define SMTPTRACE_ENGINE_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include "client.h"

/* What only the live sender knows; NULL for `analyze`. */
struct sender_info {
	const struct sent_rec *sent;   /* byte ranges of what it wrote */
	size_t nsent;
	const char *server_arg;        /* --server as given */
	int server_port;
	const char *ifname;
	const char *nexthop;           /* printable next-hop address */
	int via_gateway, loopback;
	int neigh_cached;              /* 1: an entry existed and --fresh-arp was not given */
	int fresh_arp;                 /* --fresh-arp deleted the entry */
	uint64_t ps_recv, ps_drop, ps_ifdrop;
	const char *capture_file;      /* where it was saved, NULL if not */
	const struct client_result *result;
};

enum engine_format { FMT_TEXT, FMT_JSON, FMT_SUMMARY };

struct engine_opts {
	enum engine_format format;
	int port;                  /* --port P: treat TCP port P as SMTP (0: detect) */
	int session;               /* --session N: print only session N (0: all) */
	int show_secrets;          /* AUTH passwords shown */
	int raw_seq;               /* raw instead of relative sequence numbers */
	int color;                 /* ANSI colour in text output */
	int width;                 /* cut frame lines to this many columns (a terminal); 0: never */
	int idle_timeout;          /* --idle-timeout: seconds of capture time; 0 default, < 0 never */
	int memory_limit_mb;       /* --memory-limit: MiB; 0 default (flow-table.h) */
	FILE *out;
	const struct sender_info *sender;
};

struct engine;

struct engine *engine_new(const struct engine_opts *o, int linktype);
/* ts in nanoseconds since the epoch.  Frame numbers count from 1 in call order. */
void engine_frame(struct engine *e, uint64_t ts_ns, const uint8_t *data,
                  uint32_t caplen, uint32_t wirelen);
/* The input ended abnormally (cut short): note it in the output. */
void engine_input_error(struct engine *e, const char *what);
/* Flush every session still open, print the trailer (JSON: close the
 * document).  Returns the number of SMTP sessions found. */
size_t engine_finish(struct engine *e);
void engine_free(struct engine *e);
/* The engine's counters (flow-table.h), final after engine_finish(). */
struct flow_stats;
const struct flow_stats *engine_stats(const struct engine *e);

#endif
