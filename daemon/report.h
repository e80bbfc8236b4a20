/*
 * report.h - the figures a court reads: cases tracked after judgment, the
 * voluntary-performance and forced-enforcement rates, enforcement steps by
 * type, notifications by channel and state, delivery per gateway, the time
 * from a step's commit to sent and to delivered; per court and in total,
 * as a text table, CSV, JSON or one self-contained HTML page.
 *
 * Contract: report_build() only reads (one read transaction, so every
 * figure comes from the same snapshot); it never writes. Every rate is
 * computed from exact integer counts and rounded half-up to two decimals
 * with integer arithmetic; the counts are always given beside it. The
 * definitions are those of report_definitions[] and are printed with every
 * report. huigaoctl report uses report_write(); the status server serves
 * /v1/report with report_json().
 */
#ifndef HUIGAO_REPORT_H
#define HUIGAO_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <sqlite3.h>

#include "huigao.h"

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON, REPORT_HTML };

#define REPORT_DATE_LEN	11	/* "YYYY-MM-DD" and its NUL */

/* What to report on; empty dates mean an open end. */
struct report_query {
	char		 from[REPORT_DATE_LEN];	/* first day, inclusive */
	char		 to[REPORT_DATE_LEN];	/* last day, inclusive (the whole day) */
	const char	*court;			/* a cases.court key, or NULL for all */
};

struct report;

/* The definitions behind every figure, one English sentence each. */
extern const char *const report_definitions[];

/*
 * Fill a query from the user's words: dates "YYYY-MM-DD" (a real calendar
 * day), either may be NULL; from must not be after to. Returns 0, or -1
 * and *cause naming the bad argument (a usage error).
 */
int	 report_query_parse(const char *from, const char *to, const char *court,
	    struct report_query *, char **cause);
/* "table", "csv", "json", "html" -> REPORT_*; -1 if unknown. */
int	 report_format_parse(const char *);
#define REPORT_OK	0
#define REPORT_ERR	(-1)	/* a database error: *cause */
#define REPORT_EUSAGE	(-2)	/* a bad argument (unknown court): *cause */

/*
 * Compute the report into *out. A court neither in the configuration nor
 * in the database is REPORT_EUSAGE; a database error REPORT_ERR. An empty
 * period is not an error: every count is zero. cfg is only read here.
 */
int	 report_build(sqlite3 *, const struct config *,
	    const struct report_query *, struct report **out, char **cause);
void	 report_free(struct report *);
/* Nonzero when the period holds no step of any selected case. */
int	 report_empty(const struct report *);
/* The report as one JSON object (a new reference). */
json_t	*report_to_json(const struct report *);
/*
 * Build and return the JSON in one call, for the status server's
 * /v1/report?from=...&to=...&court=... (REPORT_EUSAGE -> 400, REPORT_ERR
 * -> 500). Parse the query with report_query_parse() first.
 */
int	 report_json(sqlite3 *, const struct config *,
	    const struct report_query *, json_t **out, char **cause);
/* Render in a format; -1 on a write error (errno set by stdio). */
int	 report_write(const struct report *, enum report_format, FILE *);
/* Render into path through a temporary file and rename(2); -1 and *cause. */
int	 report_write_file(const struct report *, enum report_format,
	    const char *path, char **cause);
/* The usage of huigaoctl report, its exit codes and the definitions. */
void	 report_help(FILE *);

/* ---- pure helpers, exported for the unit tests ---- */

/* Strict "YYYY-MM-DD" with a real calendar day: 0 and *days since 1970-01-01, or -1. */
int	 report_date_days(const char *ymd, int64_t *days);
/* Days since 1970-01-01 -> "YYYY-MM-DD". */
void	 report_days_date(int64_t days, char *buf, size_t len);
/*
 * num/den * scale, rounded half-up to hundredths, as an integer number of
 * hundredths (92/141, scale 100 -> 6525); -1 when den is 0 or an argument
 * is negative. Integer arithmetic only.
 */
int64_t	 report_hundredths(int64_t num, int64_t den, int64_t scale);
/* Hundredths as "65.25"; "-" for -1. */
void	 report_fmt_hundredths(int64_t h, char *buf, size_t len);
/* A rate as "65.25%", or "-" when den is 0. */
void	 report_fmt_rate(int64_t num, int64_t den, char *buf, size_t len);
/* Milliseconds as seconds, "1.800" (exact). */
void	 report_fmt_ms(int64_t ms, char *buf, size_t len);
/*
 * Nearest-rank percentile of n sorted values: the smallest value with at
 * least p% of the values at or below it (p in 1..100). n must be > 0.
 */
int64_t	 report_percentile(const int64_t *sorted, size_t n, int p);
/* Write s with &, <, >, " and ' escaped for HTML text and attributes. */
void	 report_html_text(FILE *, const char *s);
/* Write s as one CSV field (RFC 4180 quoting when needed). */
void	 report_csv_field(FILE *, const char *s);

/* One bar of an inline SVG chart. */
struct report_bar {
	const char	*label;		/* left of the bar or under it */
	int64_t		 value;		/* length, relative to max */
	const char	*text;		/* printed at the end of the bar */
};
/*
 * An inline <svg> of horizontal bars, `max` the full width (0: the largest
 * value). No scripts, no external references; labels are escaped.
 */
void	 report_svg_hbars(FILE *, const char *title, const struct report_bar *,
	    size_t n, int64_t max);
/* An inline <svg> of vertical bars (one per day or month), labels below. */
void	 report_svg_vbars(FILE *, const char *title, const struct report_bar *,
	    size_t n);

#endif /* HUIGAO_REPORT_H */
