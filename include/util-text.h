/* util-text.h - bytes from the wire made safe to show.
 *
 * Terminal (text_safe): printable ASCII and valid UTF-8 pass through;
 * everything that could drive a terminal or reorder what it shows is written
 * as \xNN per original byte: C0 controls (TAB included) and DEL, ESC, raw
 * bytes 0x80-0xff that are not part of valid UTF-8 (raw C1 among them), the
 * C1 code points U+0080-U+009F encoded in UTF-8, and the bidirectional
 * formatting characters (U+061C, U+200E-U+200F, U+202A-U+202E,
 * U+2066-U+2069) and line/paragraph separators (U+2028-U+2029).
 *
 * JSON (json_put): always valid UTF-8 (RFC 8259): '"' and '\\' escaped,
 * C0/DEL/C1/bidi as \uXXXX escapes, each byte of invalid UTF-8 as U+FFFD
 * (written \ufffd). */
#ifndef SMTPTRACE_UTIL_TEXT_H
#define SMTPTRACE_UTIL_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Length (1-4) of the valid UTF-8 sequence at p (shortest form, no
 * surrogates, at most U+10FFFF), its code point in *cp; 0 if invalid or cut. */
size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp);

/* Is this code point one that text_safe / json_put neutralise? */
int text_cp_unsafe(uint32_t cp);

/* Write a terminal-safe rendering of src[0..n) into dst (NUL-terminated,
 * never more than cap bytes, cut only between whole renderings).  Returns
 * the length written.  *consumed (may be NULL) gets the source bytes used. */
size_t text_safe(char *dst, size_t cap, const void *src, size_t n, size_t *consumed);

/* Does src[0..n) need text_safe at all?  (Fast path for plain ASCII.) */
int text_is_plain(const void *src, size_t n);

/* Write src[0..n) as a JSON string, quotes included. */
void json_put(FILE *f, const void *src, size_t n);
/* json_put of a NUL-terminated string, or `null` for NULL. */
void json_put_str(FILE *f, const char *s);

#endif
