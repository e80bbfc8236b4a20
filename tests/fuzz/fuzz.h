/*
 * fuzz.h - what every harness in tests/fuzz shares.
 *
 * A harness defines LLVMFuzzerTestOneInput (and LLVMFuzzerInitialize when
 * it needs set-up). Linked with clang -fsanitize=fuzzer it is a libFuzzer
 * target; linked with replay.c (any compiler) it is a program that runs the
 * files named on its command line, for `make test`.
 */
#ifndef HUIGAO_FUZZ_H
#define HUIGAO_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR	"tests/fuzz"	/* the Makefile gives the absolute path */
#endif

int	 LLVMFuzzerInitialize(int *argc, char ***argv);
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data (free it); embedded NULs are kept. */
char	*fuzz_cstr(const uint8_t *data, size_t size);
/* Is s (up to its NUL) well-formed UTF-8? */
int	 fuzz_utf8_valid(const char *s);
/* abort() with a message when a harness finds a broken contract. */
void	 fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond))							\
		fuzz_fail(__VA_ARGS__);					\
} while (0)

#endif /* HUIGAO_FUZZ_H */
