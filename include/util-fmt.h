/* util-fmt.h - small formatting helpers shared by the outputs: a bounded
 * string builder, decimal numbers and seconds without printf (the outputs
 * run over millions of frames), byte counts for people. */
#ifndef SMTPTRACE_UTIL_FMT_H
#define SMTPTRACE_UTIL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A line being built; never overflows, cut at its capacity. */
struct sbuf { char b[1024]; size_t n; };

static inline void sb_init(struct sbuf *s) { s->n = 0; s->b[0] = '\0'; }
void sb_add(struct sbuf *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_str(struct sbuf *s, const char *t);
void sb_u(struct sbuf *s, const char *label, uint64_t v);   /* label then v in decimal */

/* literals: length known at compile time */
#define PUT_LIT(f, lit) fwrite_unlocked(lit, 1, sizeof(lit) - 1, f)

/* Decimal digits of v ending at `end` (a buffer of 21 bytes before it);
 * returns the first digit. */
char *u64_digits(uint64_t v, char *end);
void put_u(FILE *f, uint64_t v);
/* Seconds from nanoseconds with `digits` decimals (1..9), rounded as
 * printf's %.Nf would, without floating point; neg: a minus sign first. */
void put_secs_n(FILE *f, uint64_t ns, int neg, int digits);
/* ts relative to t0, 9 decimals, negative when earlier. */
void put_reltime(FILE *f, uint64_t t0, uint64_t ts, int digits);
double rel_secs(uint64_t t0, uint64_t ts);
/* Wire text for a terminal (util-text.h's text_safe): s itself when it
 * is plain printable ASCII, else its safe rendering in buf (cut to cap). */
const char *fmt_safe(const char *s, char *buf, size_t cap);
/* The same, written to f whole. */
void put_safe(FILE *f, const char *s);
/* "812 B", "12.3 kB", "45.6 MB" */
void bytes_h(uint64_t n, char *out, size_t cap);

#endif
