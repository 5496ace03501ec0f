/* util-fmt.c - see util-fmt.h. */
#include <stdarg.h>
#include <string.h>
#include "util-fmt.h"
#include "util-text.h"

void sb_add(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	if (s->n >= sizeof s->b - 1)
		return;
	va_start(ap, fmt);
	int r = vsnprintf(s->b + s->n, sizeof s->b - s->n, fmt, ap);
	va_end(ap);
	if (r > 0)
		s->n += (size_t)r < sizeof s->b - s->n ? (size_t)r : sizeof s->b - s->n - 1;
}

void sb_str(struct sbuf *s, const char *t)
{
	size_t n = strlen(t);
	if (n > sizeof s->b - 1 - s->n)
		n = sizeof s->b - 1 - s->n;
	memcpy(s->b + s->n, t, n);
	s->n += n;
	s->b[s->n] = '\0';
}

char *u64_digits(uint64_t v, char *end)
{
	*end = '\0';
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void sb_u(struct sbuf *s, const char *label, uint64_t v)
{
	char d[24];
	sb_str(s, label);
	sb_str(s, u64_digits(v, d + sizeof d - 1));
}

void put_u(FILE *f, uint64_t v)
{
	char d[24];
	fputs_unlocked(u64_digits(v, d + sizeof d - 1), f);
}

void put_secs_n(FILE *f, uint64_t ns, int neg, int digits)
{
	char d[24];
	uint64_t scale = 1, unit = 1;
	for (int i = digits; i < 9; i++)
		scale *= 10;
	for (int i = 0; i < digits; i++)
		unit *= 10;
	uint64_t v = (ns + scale / 2) / scale;
	char *frac = u64_digits(v % unit + unit, d + sizeof d - 1);
	if (neg)
		putc_unlocked('-', f);
	put_u(f, v / unit);
	putc_unlocked('.', f);
	fputs_unlocked(frac + 1, f);
}

void put_reltime(FILE *f, uint64_t t0, uint64_t ts, int digits)
{
	if (ts >= t0)
		put_secs_n(f, ts - t0, 0, digits);
	else
		put_secs_n(f, t0 - ts, 1, digits);
}

double rel_secs(uint64_t t0, uint64_t ts)
{
	return ts >= t0 ? (double)(ts - t0) / 1e9 : -(double)(t0 - ts) / 1e9;
}

void bytes_h(uint64_t n, char *out, size_t cap)
{
	if (n < 10000) snprintf(out, cap, "%llu B", (unsigned long long)n);
	else if (n < 10000000) snprintf(out, cap, "%.1f kB", (double)n / 1e3);
	else snprintf(out, cap, "%.1f MB", (double)n / 1e6);
}

const char *fmt_safe(const char *s, char *buf, size_t cap)
{
	size_t n = strlen(s);
	if (text_is_plain(s, n))
		return s;
	text_safe(buf, cap, s, n, NULL);
	return buf;
}

void put_safe(FILE *f, const char *s)
{
	size_t n = strlen(s);
	if (text_is_plain(s, n)) {
		fwrite_unlocked(s, 1, n, f);
		return;
	}
	char buf[1024];
	while (n) {
		size_t used = 0, w = text_safe(buf, sizeof buf, s, n, &used);
		fwrite_unlocked(buf, 1, w, f);
		if (!used)
			break;
		s += used;
		n -= used;
	}
}
