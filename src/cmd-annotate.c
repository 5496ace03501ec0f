/* cmd-annotate.c - `smtptrace annotate FILE -w OUT.pcapng`: the capture
 * copied to pcapng with every traced frame's role as its packet comment.
 *
 * Two passes over FILE: the engine first (annot.c collects the comments
 * of each finished session), then libpcap again to copy every packet with
 * its original timestamp (nanoseconds) and bytes.  libpcap 1.10 hides a
 * pcapng's packet comments and Decryption Secrets Blocks, so a bounded
 * block scan (pcapng-scan.c) reads those; the secrets are written before
 * the first packet, existing comments are kept in front of ours
 * ("theirs | smtptrace ...").  The output is created like send's capture
 * (capfile.c: 0600, no symlink followed), before privileges are dropped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "annot.h"
#include "decode.h"
#include "exitcodes.h"
#include "pcapng-scan.h"
#include "pcapng.h"
#include "send-int.h"
#include "util-mem.h"

struct ann_run {
	const char *path;
	FILE *in;
	int fd2;                       /* the input again, for the second pass */
	FILE *out;
	char outpath[PATH_MAX];
	struct pcapng_extras ex;
	struct annot *an;
	int cut;                       /* the input ended inside a packet */
};

static pcap_t *open_pcap(FILE *f, const char *path, int *rc)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		fclose(f);
		*rc = st_fail(EX_INPUT, "%s: %s", path, err[0] ? err : strerror(errno));
	}
	return pc;
}

static uint64_t ts_of(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
}

/* Pass 1: the engine's sessions into the comment store. */
static int pass_engine(struct ann_run *r, const struct send_args *a)
{
	int rc = 0, n;
	pcap_t *pc = open_pcap(r->in, r->path, &rc);
	r->in = NULL;
	if (!pc)
		return rc;
	int dlt = pcap_datalink(pc);
	if (!decode_linktype_supported(dlt)) {
		pcap_close(pc);
		return st_fail(EX_INPUT, "%s: link type %d is not supported", r->path, dlt);
	}
	struct engine_sink sink;
	annot_sink(r->an, &sink);
	struct engine_opts o = a->eo;
	o.sinks = &sink;
	o.nsinks = 1;
	struct engine *e = engine_new(&o, dlt);
	struct pcap_pkthdr *h;
	const u_char *data;
	while ((n = pcap_next_ex(pc, &h, &data)) == 1)
		engine_frame(e, ts_of(h), data, h->caplen, h->len);
	if (n == PCAP_ERROR) {
		engine_input_error(e, pcap_geterr(pc));
		st_fail(0, "%s: capture cut short: %s (the packets before it are copied)", r->path,
		        pcap_geterr(pc));
		r->cut = 1;
	}
	engine_finish(e);
	engine_free(e);
	pcap_close(pc);
	return 0;
}

/* Theirs, then ours. */
static const char *comment_for(const struct ann_run *r, size_t k, char *buf, size_t cap)
{
	const char *theirs = pcapng_extras_comment(&r->ex, k);
	const char *ours = annot_get(r->an, (uint32_t)(k + 1));
	if (!theirs || !ours)
		return theirs ? theirs : ours;
	snprintf(buf, cap, "%s | %s", theirs, ours);
	return buf;
}

static void section_comment(const struct ann_run *r, char *c, size_t cap)
{
	snprintf(c, cap, "annotated by smtptrace: packet comments give each frame's role; "
	         "command line: %s; server %s", cli_cmdline(),
	         annot_servers(r->an)[0] ? annot_servers(r->an) : "(no SMTP session found)");
}

/* Pass 2: every packet again, with its comment. */
static int pass_copy(struct ann_run *r)
{
	int rc = 0, n;
	FILE *f = fdopen(r->fd2, "rb");
	if (!f)
		return st_fail(EX_INTERNAL, "%s: %s", r->path, strerror(errno));
	r->fd2 = -1;
	pcap_t *pc = open_pcap(f, r->path, &rc);
	if (!pc)
		return rc;
	struct pcapng_writer w;
	char shb[1024], *buf = xmalloc(2 * 65536 + 8);
	section_comment(r, shb, sizeof shb);
	pcapng_open(&w, r->out, pcap_datalink(pc), (uint32_t)pcap_snapshot(pc), NULL, shb);
	for (size_t i = 0; i < r->ex.ndsb; i++)
		pcapng_write_secrets(&w, r->ex.dsb[i].type, r->ex.dsb[i].data, r->ex.dsb[i].len);
	struct pcap_pkthdr *h;
	const u_char *data;
	for (size_t k = 0; (n = pcap_next_ex(pc, &h, &data)) == 1 && !w.err; k++)
		pcapng_write_packet(&w, ts_of(h), data, h->caplen, h->len,
		                    comment_for(r, k, buf, 2 * 65536 + 8));
	if (n == PCAP_ERROR)       /* pass 1 read it whole: the file changed meanwhile */
		st_fail(0, "%s: %s (the copy stops there)", r->path, pcap_geterr(pc));
	free(buf);
	pcap_close(pc);
	if (pcapng_flush(&w) < 0 || fclose(r->out) != 0) {
		r->out = NULL;
		return st_fail(EX_INTERNAL, "writing %s: %s", r->outpath, strerror(w.err ? w.err : errno));
	}
	r->out = NULL;
	return 0;
}

/* The input, its extras, the output file, then no more privileges. */
static int open_files(struct ann_run *r, const struct send_args *a)
{
	char err[PATH_MAX + 256];
	struct privs_target who;
	if (!strcmp(r->path, "-"))
		return st_fail(EX_USAGE_, "annotate reads its input twice: give a file, not standard input");
	if (!(r->in = fopen(r->path, "rb")))
		return st_fail(EX_INPUT, "%s: %s", r->path, strerror(errno));
	if (pcapng_scan(r->in, &r->ex, err, sizeof err) < 0)
		st_fail(0, "%s: %s: comments and secrets after it are not kept", r->path, err);
	if (r->ex.dropped)
		st_fail(0, "%s: %zu comments or secrets past %u MiB not kept", r->path, r->ex.dropped,
		        PCAPNG_SCAN_MAX_BYTES >> 20);
	rewind(r->in);
	if ((r->fd2 = dup(fileno(r->in))) < 0)
		return st_fail(EX_INTERNAL, "dup: %s", strerror(errno));
	if (privs_target(NULL, &who, err, sizeof err) < 0)
		return st_fail(EX_USAGE_, "%s", err);
	if (!(r->out = capfile_open(a, &who, "", r->outpath, sizeof r->outpath, err, sizeof err)))
		return st_fail(EX_INTERNAL, "%s", err);
	if (privs_apply(&who, err, sizeof err) < 0)
		return st_fail(EX_INTERNAL, "%s", err);
	return 0;
}

int annotate_file(const char *path, const struct send_args *a)
{
	struct ann_run r = { .path = path, .fd2 = -1, .an = annot_new() };
	int rc = open_files(&r, a);
	if (!rc)
		rc = pass_engine(&r, a);
	if (!rc && lseek(r.fd2, 0, SEEK_SET) != 0)
		rc = st_fail(EX_INTERNAL, "%s: seek: %s", path, strerror(errno));
	if (!rc)
		rc = pass_copy(&r);
	if (!rc) {
		fprintf(stderr, "smtptrace: %s: %zu frames annotated%s\n", r.outpath, annot_count(r.an),
		        annot_count(r.an) ? "" : " (no SMTP session found)");
		if (annot_dropped(r.an))
			st_fail(0, "%zu comments past %u MiB left out", annot_dropped(r.an), ANNOT_MAX_BYTES >> 20);
		if (r.cut)
			rc = EX_CUT;
	}
	if (r.in) fclose(r.in);
	if (r.out) fclose(r.out);
	if (r.fd2 >= 0) close(r.fd2);
	pcapng_extras_free(&r.ex);
	annot_free(r.an);
	return rc;
}
