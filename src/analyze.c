/* analyze.c - `smtptrace analyze FILE`: read a capture with libpcap (pcap or
 * pcapng, micro- or nanosecond) and run it through the engine. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <pcap/pcap.h>
#include "cap-dsb.h"
#include "decode.h"
#include "engine.h"
#include "exitcodes.h"
#include "out.h"
#include "smtptrace.h"
#include "tls-keys.h"

/* Read every frame of pc into a new engine that publishes to the output
 * oo; returns 0 or EX_CUT. */
static int run(pcap_t *pc, const char *path, int dlt, const struct engine_opts *eo,
               const struct out_opts *oo)
{
	struct engine_sink sink;
	if (out_open(oo, &sink) < 0)
		return EX_INTERNAL;
	struct engine_opts o = *eo;
	o.sinks = &sink;
	o.nsinks = 1;
	struct engine *e = engine_new(&o, dlt);
	if (!e) {
		out_close(&sink);
		return EX_INTERNAL;
	}
	struct pcap_pkthdr *h;
	const u_char *data;
	int r, rc = 0;
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
		engine_frame(e, ts, data, h->caplen, h->len);
	}
	if (r == PCAP_ERROR) {
		/* e.g. "truncated dump file; tried to read 1500 captured bytes, only got 12" */
		char what[PCAP_ERRBUF_SIZE + 64];
		snprintf(what, sizeof what, "capture cut short: %s", pcap_geterr(pc));
		engine_input_error(e, what);
		fprintf(stderr, "smtptrace: %s: %s\n", path, what);
		rc = EX_CUT;
	}
	size_t n = engine_finish(e);
	engine_free(e);
	if (out_close(&sink) < 0 && !rc)
		rc = EX_INTERNAL;
	if (eo->session && (size_t)eo->session > n) {
		fprintf(stderr, "smtptrace: --session %d: %s has %zu SMTP session%s\n", eo->session, path, n,
		        n == 1 ? "" : "s");
		if (!rc)
			rc = EX_USAGE_;
	}
	return rc;
}

/* The TLS secrets: --keylog FILE, and the Decryption Secrets Blocks of a
 * pcapng file f (a regular file; standard input is not scanned).  *out is
 * NULL when there are none.  0, or EX_INPUT after saying why. */
static int load_secrets(FILE *f, const char *keylog, struct tls_keys **out)
{
	struct tls_keys *k = tls_keys_new();
	char err[256];
	*out = NULL;
	if (keylog && tls_keys_load_file(k, keylog, err, sizeof err) < 0) {
		fprintf(stderr, "smtptrace: --keylog %s: %s\n", keylog, err);
		tls_keys_free(k);
		return EX_INPUT;
	}
	struct cap_dsb_stats st;
	cap_dsb_scan_fd(fileno(f), k, &st);
	if (keylog || st.blocks)
		*out = k;
	else
		tls_keys_free(k);
	return 0;
}

/* Read the open capture f through the engine. */
static int analyze_open(FILE *f, const char *path, const struct engine_opts *eo,
                        const struct out_opts *oo)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	/* the file is open: parse what it holds without root */
	char perr[256];
	if (drop_privileges(NULL, perr, sizeof perr)) {
		fprintf(stderr, "smtptrace: %s\n", perr);
		if (f != stdin)
			fclose(f);
		return EX_INTERNAL;
	}
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		if (f != stdin)
			fclose(f);
		/* libpcap says "unknown file format" for a file that is not a capture */
		if (err[0] && strstr(err, path))   /* libpcap named the file already */
			fprintf(stderr, "smtptrace: %s\n", err);
		else
			fprintf(stderr, "smtptrace: %s: %s\n", path, err[0] ? err : strerror(errno));
		return EX_INPUT;
	}
	int dlt = pcap_datalink(pc);
	if (!decode_linktype_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		fprintf(stderr, "smtptrace: %s: link type %s (%d) is not supported "
		        "(Ethernet, Linux cooked v1/v2, BSD loopback and raw IP are)\n",
		        path, name ? name : "?", dlt);
		pcap_close(pc);
		return EX_INPUT;
	}
	/* Sessions come and go by the thousand: keep freed memory for the next
	 * one instead of returning it to the kernel (which zeroes it again). */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	static char obuf[1 << 20];
	FILE *out = oo->out ? oo->out : stdout;
	setvbuf(out, obuf, _IOFBF, sizeof obuf);
	int rc = run(pc, path, dlt, eo, oo);
	pcap_close(pc);
	if (fflush(out) != 0) {
		fprintf(stderr, "smtptrace: writing the output: %s\n", strerror(errno));
		return EX_INTERNAL;
	}
	return rc;
}

int analyze_file(const char *path, const char *keylog, const struct engine_opts *eo,
                 const struct out_opts *oo)
{
	/* Our own FILE with a 1 MiB buffer: one read() per MiB instead of per
	 * 4 KiB.  libpcap takes it over (pcap_close closes it). */
	static char iobuf[1 << 20];
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "smtptrace: %s: %s\n", path, strerror(errno));
		return EX_INPUT;
	}
	setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
	struct tls_keys *keys;
	if (load_secrets(f, keylog, &keys)) {
		if (f != stdin)
			fclose(f);
		return EX_INPUT;
	}
	struct engine_opts o = *eo;
	o.keys = keys;
	int rc = analyze_open(f, path, &o, oo);
	tls_keys_free(keys);
	return rc;
}
