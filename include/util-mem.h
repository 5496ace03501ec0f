/* util-mem.h - one allocation policy: small allocations that fail end the
 * program with exit 70 (EX_INTERNAL) and one line on stderr.  Large,
 * data-driven buffers use plain malloc and degrade explicitly instead. */
#ifndef SMTPTRACE_UTIL_MEM_H
#define SMTPTRACE_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow *v (element size `size`) so that it holds at least `need` elements;
 * *cap doubles from `first`. */
void xgrow(void *vp, size_t *cap, size_t need, size_t size, size_t first);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Print "smtptrace: out of memory (WHAT)" and exit 70. */
_Noreturn void out_of_memory(const char *what);

#endif
