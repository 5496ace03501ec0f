/* out-data.c - --show-data: each message's bytes as they were on the wire,
 * after the session's timeline, like Wireshark's Follow TCP Stream: one
 * wire line an output line, its line ending written \r\n (a bare LF \n, a
 * lone CR \r), dot-stuffing as sent, "[frame N]" where a segment begins
 * (the frames are the timeline's, tl_data_frame); other bytes terminal-safe
 * (text_safe).  In JSON, "data": the bytes as one string (json_put). */
#include <string.h>
#include "out.h"
#include "session.h"
#include "timeline.h"
#include "util-fmt.h"
#include "util-text.h"

/* Bytes without CR or LF, terminal-safe. */
static void put_run(FILE *o, const uint8_t *p, size_t n)
{
	char buf[1024];
	while (n) {
		size_t used = 0;
		text_safe(buf, sizeof buf, p, n, &used);
		fputs(buf, o);
		if (!used)
			break;
		p += used;
		n -= used;
	}
}

/* data[i..end): runs, line endings; returns where it stopped (a line end
 * or end).  *bol: at the start of an output line. */
static size_t put_upto(FILE *o, const uint8_t *d, size_t i, size_t end, int *bol)
{
	while (i < end) {
		if (*bol)
			fputs("    ", o);
		*bol = 0;
		size_t k = i;
		while (k < end && d[k] != '\r' && d[k] != '\n')
			k++;
		put_run(o, d + i, k - i);
		if (k == end)
			return end;
		if (d[k] == '\r' && k + 1 < end && d[k + 1] == '\n') {
			fputs("\\r\\n\n", o);
			k += 2;
		} else if (d[k] == '\n') {
			fputs("\\n\n", o);
			k++;
		} else {
			fputs("\\r", o);
			i = k + 1;
			continue;
		}
		*bol = 1;
		i = k;
	}
	return i;
}

static void show_one(FILE *o, const struct session *s, const struct exchange *x)
{
	const struct body_info *b = x->bi;
	fprintf(o, "\n  Message as sent (%zu bytes shown; \\r\\n is CR LF, a line's doubled '.' is "
	        "dot-stuffing)%s:\n", b->ndata, x->plain ? ", decrypted from TLS" : "");
	int bol = 1;
	uint32_t last = 0;
	for (size_t i = 0; b->data && i < b->ndata;) {
		uint64_t end = b->data_off + b->ndata;
		uint32_t f = x->plain ? 0 : tl_data_frame(s, b->data_off + i, &end);
		if (f && f != last) {
			fprintf(o, "%s  [frame %u]\n", bol ? "" : "\n", f);
			bol = 1;
			last = f;
		}
		size_t stop = end - b->data_off;
		if (stop > b->ndata || stop <= i)
			stop = b->ndata;
		i = put_upto(o, b->data, i, stop, &bol);
	}
	if (!bol)
		putc('\n', o);
	if (b->data_not_shown)
		fprintf(o, "  … %llu bytes not shown (%s)\n", (unsigned long long)b->data_not_shown,
		        b->data_gap ? "a gap in the capture: the copy stops there" : "over the --show-data limit");
}

void text_show_data(FILE *o, const struct session *s)
{
	for (size_t i = 0; i < s->nex; i++)
		if (s->ex[i].bi && (s->ex[i].bi->data || s->ex[i].bi->data_not_shown))
			show_one(o, s, &s->ex[i]);
}

void json_message_data(FILE *o, const struct body_info *b)
{
	if (!b->data && !b->data_not_shown)
		return;
	fputs(",\"data\":", o);
	json_put(o, b->data ? b->data : (const uint8_t *)"", b->ndata);
	fprintf(o, ",\"data_not_shown\":%llu", (unsigned long long)b->data_not_shown);
}
