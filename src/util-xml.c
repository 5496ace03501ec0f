/* util-xml.c - see util-xml.h. */
#include <string.h>
#include "util-text.h"
#include "util-xml.h"

void xml_putn(FILE *f, const void *raw, size_t n)
{
	char safe[1024];
	const char *p = raw;
	while (n) {
		size_t used = 0;
		size_t k = text_safe(safe, sizeof safe, p, n, &used);
		for (size_t i = 0; i < k; i++) {
			switch (safe[i]) {
			case '&': fputs("&amp;", f); break;
			case '<': fputs("&lt;", f); break;
			case '>': fputs("&gt;", f); break;
			case '"': fputs("&quot;", f); break;
			case '\'': fputs("&#39;", f); break;
			default: putc(safe[i], f);
			}
		}
		if (!used)
			break;
		p += used;
		n -= used;
	}
}

void xml_put(FILE *f, const char *raw)
{
	xml_putn(f, raw, strlen(raw));
}

void xml_put_lines(FILE *f, const void *raw, size_t n)
{
	const char *p = raw, *end = p + n;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = nl ? (size_t)(nl - p) : (size_t)(end - p);
		xml_putn(f, p, k);
		if (nl)
			putc('\n', f);
		p += k + (nl != NULL);
	}
}
