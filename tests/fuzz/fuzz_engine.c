/* fuzz_engine.c - libFuzzer harness for the analysis engine (engine.h).
 *
 * Input layout:
 *   byte 0      link type: value % 5 picks EN10MB, LINUX_SLL, LINUX_SLL2,
 *               NULL, RAW
 *   byte 1      options: (value & 3) % 3 picks the format (text, JSON,
 *               summary; 3 is text with an idle timeout of 1 s and frames
 *               100 ms apart, so flows expire); bit 2 raw_seq, bit 3 show_secrets, bit 4 color,
 *               bit 5 --port 25 instead of detection, bit 6 --session 1,
 *               bit 7 frames look snapped (wire length > captured length)
 *   then frames, each a 2-byte big-endian length and that many bytes; a last
 *   frame shorter than its length is fed as it is and then reported with
 *   engine_input_error(), as a capture cut short would be.
 *
 * Each frame is copied to a buffer of exactly its size, so that AddressSanitizer
 * sees a read past the end of a frame.  Timestamps advance 1 ms per frame
 * (100 ms in the idle-timeout mode).
 * Build and run with tests/fuzz/run.sh; see docs/fuzzing.md. */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "engine.h"
#include "out.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int linktypes[5] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_RAW,
};

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	int linktype = linktypes[data[0] % 5];
	uint8_t fl = data[1];

	struct out_opts oo;
	memset(&oo, 0, sizeof oo);
	static const enum out_format fmts[3] = { OUT_TEXT, OUT_JSON, OUT_SUMMARY };
	oo.format = fmts[(fl & 3) % 3];
	oo.raw_seq = (fl >> 2) & 1;
	oo.color = (fl >> 4) & 1;
	oo.out = devnull;
	struct engine_sink sink;
	out_open(&oo, &sink);
	struct engine_opts o;
	memset(&o, 0, sizeof o);
	o.show_secrets = (fl >> 3) & 1;
	o.port = (fl & 0x20) ? 25 : 0;
	o.session = (fl & 0x40) ? 1 : 0;
	o.sender = NULL;
	o.sinks = &sink;
	o.nsinks = 1;
	int snapped = (fl & 0x80) != 0;
	uint64_t step = 1000000;
	if ((fl & 3) == 3) {
		o.idle_timeout = 1;
		step = 100000000;
	}

	struct engine *e = engine_new(&o, linktype);
	if (!e) {
		out_close(&sink);
		return 0;
	}
	const uint8_t *p = data + 2, *end = data + size;
	uint64_t ts = 1709283600ull * 1000000000ull;
	while (end - p >= 2) {
		uint32_t len = (uint32_t)p[0] << 8 | p[1];
		p += 2;
		int cut = 0;
		if ((size_t)(end - p) < len) {
			len = (uint32_t)(end - p);
			cut = 1;
		}
		/* an exactly-sized copy: overreads are caught */
		uint8_t *f = malloc(len ? len : 1);
		if (!f)
			abort();
		memcpy(f, p, len);
		engine_frame(e, ts, f, len, snapped ? len + 64 : len);
		free(f);
		p += len;
		ts += step;
		if (cut) {
			engine_input_error(e, "truncated packet");
			break;
		}
	}
	engine_finish(e);
	engine_free(e);
	out_close(&sink);
	fflush(devnull);
	return 0;
}
