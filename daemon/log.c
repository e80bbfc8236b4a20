/*
 * log.c - logging in the OpenBSD style (log_warn, log_info, fatal, ...).
 *
 * Everything goes to stderr. Under systemd (JOURNAL_STREAM set) each line
 * carries a "<N>" syslog priority prefix so journald records the level;
 * elsewhere it carries a local timestamp. Callers never pass phone numbers
 * unmasked, message bodies at info level, or secrets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "huigao.h"

static const char	*log_ident = "huigao";
static int		 log_verbose;
static int		 log_journal;

/* Set the program name and verbosity; detect journald. */
void
log_init(const char *ident, int verbose)
{
	log_ident = ident;
	log_verbose = verbose;
	log_journal = getenv("JOURNAL_STREAM") != NULL;
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return (log_verbose);
}

/* Write one line with its priority; never fails loudly. */
static void
log_vline(int pri, const char *level, const char *fmt, va_list ap,
    const char *suffix) ATTR_PRINTF(3, 0);
static void
log_vline(int pri, const char *level, const char *fmt, va_list ap,
    const char *suffix)
{
	char		 msg[2048], ts[32];
	struct tm	 tm;
	struct timespec	 now;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_journal) {
		fprintf(stderr, "<%d>%s%s%s\n", pri, msg, suffix ? ": " : "",
		    suffix ? suffix : "");
	} else {
		clock_gettime(CLOCK_REALTIME, &now);
		localtime_r(&now.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ld %s[%s] %s%s%s\n", ts,
		    now.tv_nsec / 1000000, log_ident, level, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	}
	fflush(stderr);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vline(LOG_WARNING, "warn", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vline(LOG_WARNING, "warn", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 0)
		return;		/* log.level = "warning" */
	va_start(ap, fmt);
	log_vline(LOG_INFO, "info", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vline(LOG_DEBUG, "debug", fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vline(LOG_CRIT, "fatal", fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vline(LOG_CRIT, "fatal", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
