/* unit.h - a minimal unit-test harness.
 *
 * CHECK(), CHECK_STR() and CHECK_MEM() record a failed check and go on.
 * A test is a function run with UNIT_RUN(fn): it fails when any check in it
 * fails.  A test binary that uses no UNIT_RUN counts as one test.  main()
 * ends with `return UNIT_DONE();`, which prints
 *     FILE: T tests, F failed; C checks, G failed
 * (tests/run-unit.sh sums these: the totals count tests; checks are shown
 * beside them) and returns 1 when anything failed.  unit_pass may be
 * incremented directly for a check counted by hand. */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;                 /* checks */
static int unit_tests, unit_tests_failed;        /* UNIT_RUN tests */
static int unit_fail_in_tests;                   /* failed checks inside them */

#define CHECK(cond) do { if (cond) unit_pass++; else { unit_fail++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (a_ && b_ && strcmp(a_, b_) == 0) unit_pass++; else { unit_fail++; \
	fprintf(stderr, "%s:%d: CHECK_STR failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
	        a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_MEM(a, alen, b, blen) do { size_t al_ = (alen), bl_ = (blen); \
	if (al_ == bl_ && memcmp((a), (b), al_) == 0) unit_pass++; else { unit_fail++; \
	fprintf(stderr, "%s:%d: CHECK_MEM failed: %s (%zu bytes) != %s (%zu bytes)\n", \
	        __FILE__, __LINE__, #a, al_, #b, bl_); } } while (0)

/* UNIT_RUN(fn): run the test function `void fn(void)`. */
#define UNIT_RUN(fn) do { int f0_ = unit_fail; fn(); unit_tests++; \
	if (unit_fail != f0_) { unit_tests_failed++; unit_fail_in_tests += unit_fail - f0_; \
	fprintf(stderr, "%s: test %s failed\n", __FILE__, #fn); } } while (0)

/* Checks outside any UNIT_RUN count as one more test ("main"). */
#define UNIT_DONE() ( \
	unit_tests == 0 ? (unit_tests = 1, unit_tests_failed = unit_fail != 0) : \
	(unit_fail > unit_fail_in_tests ? (unit_tests++, unit_tests_failed++) : 0), \
	printf("%s: %d tests, %d failed; %d checks, %d failed\n", __FILE__, \
	       unit_tests, unit_tests_failed, unit_pass + unit_fail, unit_fail), \
	unit_fail ? 1 : 0)
#endif
