/*
 * fuzz_util.c - small helpers shared by the harnesses (see fuzz.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return (s);
}

/* The same rules as RFC 3629: no overlongs, surrogates or > U+10FFFF. */
int
fuzz_utf8_valid(const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	uint32_t		 cp;
	size_t			 n, i;

	while (*s != '\0') {
		if (s[0] < 0x80) {
			s++;
			continue;
		}
		if (s[0] >= 0xc2 && s[0] <= 0xdf)
			n = 2, cp = s[0] & 0x1f;
		else if ((s[0] & 0xf0) == 0xe0)
			n = 3, cp = s[0] & 0x0f;
		else if (s[0] >= 0xf0 && s[0] <= 0xf4)
			n = 4, cp = s[0] & 0x07;
		else
			return (0);
		for (i = 1; i < n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		s += n;
	}
	return (1);
}

void
fuzz_fail(const char *fmt, ...)
{
	va_list	 ap;

	fputs("fuzz: contract broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
