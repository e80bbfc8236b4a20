/*
 * util.c - allocation that cannot fail, clocks, time parsing and small
 * string helpers shared by huigaod, huigaoctl and the tests.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "huigao.h"

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		fatal("malloc");
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatal("calloc");
	return (p);
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	void	*q;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("xreallocarray: overflow");
	if ((q = realloc(p, n * size == 0 ? 1 : n * size)) == NULL)
		fatal("realloc");
	return (q);
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("strdup");
	return (p);
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("strndup");
	return (p);
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char	*p;

	if (vasprintf(&p, fmt, ap) == -1)
		fatal("vasprintf");
	return (p);
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return (p);
}

int64_t
util_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int64_t
util_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

void
util_iso_utc(int64_t ms, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);
	char		 tmp[32];

	gmtime_r(&t, &tm);
	strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03dZ", tmp, (int)(ms % 1000));
}

void
util_iso_local(int64_t ms, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 t = (time_t)(ms / 1000);

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Read exactly n digits; -1 if any is missing. */
static int
util_digits(const char **pp, int n)
{
	int	 v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**pp))
			return (-1);
		v = v * 10 + (*(*pp)++ - '0');
	}
	return (v);
}

/* Parse the optional time-of-day part after the date; 0 or -1. */
static int
util_parse_clock(const char **pp, struct tm *tm, int *msec)
{
	const char	*p = *pp;

	if ((tm->tm_hour = util_digits(&p, 2)) < 0 || *p++ != ':' ||
	    (tm->tm_min = util_digits(&p, 2)) < 0)
		return (-1);
	if (*p == ':') {
		p++;
		if ((tm->tm_sec = util_digits(&p, 2)) < 0)
			return (-1);
		if (*p == '.') {
			int	 scale = 100;

			for (p++; isdigit((unsigned char)*p); p++) {
				*msec += (*p - '0') * scale;
				scale /= 10;
			}
		}
	}
	if (tm->tm_hour > 23 || tm->tm_min > 59 || tm->tm_sec > 60)
		return (-1);
	*pp = p;
	return (0);
}

int
util_parse_time(const char *s, int64_t *ms)
{
	struct tm	 tm;
	const char	*p = s;
	int		 msec = 0, utc = 0, off = 0;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || (tm.tm_year = util_digits(&p, 4)) < 0 || *p++ != '-' ||
	    (tm.tm_mon = util_digits(&p, 2)) < 1 || *p++ != '-' ||
	    (tm.tm_mday = util_digits(&p, 2)) < 1)
		return (-1);
	if (tm.tm_mon > 12 || tm.tm_mday > 31)
		return (-1);
	if (*p == 'T' || *p == ' ') {
		p++;
		if (util_parse_clock(&p, &tm, &msec) == -1)
			return (-1);
	}
	if (*p == 'Z') {
		utc = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int	 sign = *p++ == '-' ? -1 : 1, hh, mm;

		if ((hh = util_digits(&p, 2)) < 0)
			return (-1);
		if (*p == ':')
			p++;
		if ((mm = util_digits(&p, 2)) < 0)
			return (-1);
		utc = 1;
		off = sign * (hh * 60 + mm);
	}
	if (*p != '\0')
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	if (utc)
		t = timegm(&tm) - (time_t)off * 60;
	else
		t = mktime(&tm);
	if (t == (time_t)-1)
		return (-1);
	*ms = (int64_t)t * 1000 + msec;
	return (0);
}

int
util_parse_hhmm(const char *s)
{
	const char	*p = s;
	int		 h, m;

	if (s == NULL)
		return (-1);
	if ((h = util_digits(&p, 2)) < 0 || *p++ != ':' ||
	    (m = util_digits(&p, 2)) < 0 || *p != '\0')
		return (-1);
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return (-1);
	return (h * 60 + m);
}

void
util_sanitize(char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
	}
}

size_t
util_strlcpy_utf8(char *dst, const char *src, size_t len)
{
	size_t	 n;

	if (len == 0)
		return (strlen(src));
	n = strlen(src);
	if (n < len) {
		memcpy(dst, src, n + 1);
		return (n);
	}
	n = len - 1;
	/* back off continuation bytes so no sequence is split */
	while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
		n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return (n);
}
