/* util-wrap.h - long lines folded to a terminal's width, nothing lost.
 *
 * Text given here is already terminal-safe (util-text.h's text_safe:
 * valid UTF-8, no controls).  Widths are terminal columns: wcwidth of each
 * code point under a UTF-8 locale (a byte that is not valid UTF-8 counts
 * one column).  Lines break after a run of spaces; a word longer than a
 * whole line breaks at a character boundary.  The spaces at a break are
 * the only bytes not printed. */
#ifndef SMTPTRACE_UTIL_WRAP_H
#define SMTPTRACE_UTIL_WRAP_H

#include <stddef.h>
#include <stdio.h>

/* Terminal columns of s[0..n). */
size_t wrap_cols(const char *s, size_t n);

/* The bytes of the next line of s[0..n) when a line holds `room` columns:
 * at least one character, the spaces it ends with included (they are not
 * shown and do not count); n when all of it fits. */
size_t wrap_next(const char *s, size_t n, size_t room);

/* Write s[0..n) folded: its first line goes on at column `at` (already
 * written), every further line starts with `indent` spaces; no line is
 * wider than `width` (unless even one character does not fit).  color
 * (NULL: none) is put around each line's text.  No newline after the last. */
void wrap_put(FILE *o, const char *s, size_t n, size_t at, size_t indent, size_t width,
              const char *color);

/* A line of two parts, continuing at column `at`: a (in color), then sep
 * and b (when b is not empty), and a newline.  With width 0, or when it
 * all fits, on one line; else a folded, then b folded on lines of its own
 * (a's trailing spaces not shown), further lines indented by
 * wrap_indent(indent, width, 20). */
void wrap_pair(FILE *o, size_t at, const char *a, const char *sep, const char *b,
               const char *color, size_t width, size_t indent);

/* A continuation indent: `want` when at least `min_room` columns remain
 * after it at `width`, else the largest indent that leaves them (0 at worst). */
size_t wrap_indent(size_t want, size_t width, size_t min_room);

#endif
