/*
 * check.h - the counting check of the C unit tests.
 *
 * CHECK(cond, fmt, ...) counts a pass, or counts a failure and prints the
 * file, the line and the message; a test ends by printing
 * "N passed, N failed" from the two counters.
 */
#ifndef MDF_TEST_CHECK_H
#define MDF_TEST_CHECK_H

#include <stdio.h>

static int passed, failed;

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			passed++;					\
		} else {						\
			failed++;					\
			printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

#endif
