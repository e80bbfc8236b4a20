/*
 * test_report.c - unit tests of the pure parts of report.c: strict dates
 * and the day arithmetic, half-up rounding with integers (92/141 = 65.25%),
 * nearest-rank percentiles, seconds, HTML and CSV escaping, the inline SVG
 * charts, and the parsing of the report's arguments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "huigao.h"
#include "report.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* What a writer printed, via open_memstream; the caller frees it. */
struct capture {
	FILE	*f;
	char	*buf;
	size_t	 len;
};

static void
cap_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	assert_non_null(c->f = open_memstream(&c->buf, &c->len));
}

static char *
cap_close(struct capture *c)
{
	fclose(c->f);
	return (c->buf);
}

/* How many times needle occurs in s. */
static int
occurrences(const char *s, const char *needle)
{
	int	 n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return (n);
}

static void
test_report_date_accepts_real_days(void **state)
{
	static const struct { const char *s; int64_t days; } ok[] = {
		{ "1970-01-01", 0 }, { "2024-06-01", 19875 },
		{ "2000-02-29", 11016 }, { "2024-02-29", 19782 },
		{ "0001-01-01", -719162 }, { "9999-12-31", 2932896 },
		{ "2024-12-31", 20088 },
	};
	int64_t	 d;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(ok); i++) {
		assert_int_equal(report_date_days(ok[i].s, &d), 0);
		assert_int_equal(d, ok[i].days);
	}
}

static void
test_report_date_refuses_malformed(void **state)
{
	static const char *const bad[] = { "2024-13-01", "2024-00-10",
	    "2024-06-31", "2023-02-29", "1900-02-29", "2024-06-00",
	    "yesterday", "2024-6-1", "2024-06-01T00:00", "2024-06-01 ",
	    " 2024-06-01", "2024/06/01", "0000-01-01", "", "20240601",
	    "2024-06-1x", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x94"
	    "-06-01" };
	int64_t	 d = 42;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		if (report_date_days(bad[i], &d) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(report_date_days(NULL, &d), -1);
	assert_int_equal(d, 42);
}

static void
test_report_days_round_trip(void **state)
{
	char	 buf[REPORT_DATE_LEN];
	int64_t	 d, back;

	(void)state;
	report_days_date(19875, buf, sizeof(buf));
	assert_string_equal(buf, "2024-06-01");
	report_days_date(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01");
	report_days_date(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31");
	for (d = -719162; d <= 2932896; d += 997) {
		report_days_date(d, buf, sizeof(buf));
		assert_int_equal(report_date_days(buf, &back), 0);
		assert_int_equal(back, d);
	}
}

static void
test_report_rates_round_half_up(void **state)
{
	static const struct { int64_t num, den, scale, want; } t[] = {
		{ 92, 141, 100, 6525 },		/* 65.248... the court wrote 65.24 */
		{ 1, 32, 100, 313 },		/* 3.125: half goes up */
		{ 31, 32, 100, 9688 },		/* 96.875 */
		{ 1, 8, 100, 1250 },
		{ 1, 3, 100, 3333 },
		{ 2, 3, 100, 6667 },
		{ 99, 152, 100, 6513 },
		{ 141, 141, 100, 10000 },
		{ 0, 7, 100, 0 },
		{ 1, 200, 1, 1 },		/* 0.005 per case -> 0.01 */
		{ 1, 201, 1, 0 },
		{ 49, 142, 1, 35 },
		{ 3, 1, 1, 300 },
		{ 1, 20000, 100, 1 },		/* 0.005% -> 0.01% */
		{ 1, 20001, 100, 0 },
		{ 40000000000000LL, 40000000000001LL, 100, 10000 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		if (report_hundredths(t[i].num, t[i].den, t[i].scale) !=
		    t[i].want)
			fail_msg("%lld/%lld x%lld: got %lld, want %lld",
			    (long long)t[i].num, (long long)t[i].den,
			    (long long)t[i].scale, (long long)report_hundredths(
			    t[i].num, t[i].den, t[i].scale), (long long)t[i].want);
	}
}

static void
test_report_rates_without_a_denominator(void **state)
{
	(void)state;
	assert_int_equal(report_hundredths(0, 0, 100), -1);
	assert_int_equal(report_hundredths(5, 0, 100), -1);
	assert_int_equal(report_hundredths(-1, 5, 100), -1);
	assert_int_equal(report_hundredths(1, -5, 100), -1);
	assert_int_equal(report_hundredths(INT64_MAX, 1, 100), -1);
}

static void
test_report_rates_formatted(void **state)
{
	char	 buf[32];

	(void)state;
	report_fmt_rate(92, 141, buf, sizeof(buf));
	assert_string_equal(buf, "65.25%");
	report_fmt_rate(141, 141, buf, sizeof(buf));
	assert_string_equal(buf, "100.00%");
	report_fmt_rate(0, 1, buf, sizeof(buf));
	assert_string_equal(buf, "0.00%");
	report_fmt_rate(0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	report_fmt_hundredths(35, buf, sizeof(buf));
	assert_string_equal(buf, "0.35");
	report_fmt_hundredths(-1, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	report_fmt_hundredths(123405, buf, sizeof(buf));
	assert_string_equal(buf, "1234.05");
}

static void
test_report_seconds_are_exact(void **state)
{
	static const struct { int64_t ms; const char *want; } t[] = {
		{ 1800, "1.800" }, { 0, "0.000" }, { 61005, "61.005" },
		{ 7, "0.007" }, { -250, "-0.250" }, { 86400000, "86400.000" },
	};
	char	 buf[32];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		report_fmt_ms(t[i].ms, buf, sizeof(buf));
		assert_string_equal(buf, t[i].want);
	}
}

static void
test_report_percentile_nearest_rank(void **state)
{
	static const int64_t ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const int64_t two[] = { 10, 20 };
	int64_t	 v[36];
	size_t	 i;

	(void)state;
	assert_int_equal(report_percentile(ten, 10, 50), 5);
	assert_int_equal(report_percentile(ten, 10, 90), 9);
	assert_int_equal(report_percentile(ten, 10, 91), 10);
	assert_int_equal(report_percentile(ten, 10, 100), 10);
	assert_int_equal(report_percentile(ten, 10, 1), 1);
	assert_int_equal(report_percentile(two, 2, 50), 10);
	assert_int_equal(report_percentile(two, 2, 51), 20);
	assert_int_equal(report_percentile(two, 1, 90), 10);
	for (i = 0; i < nitems(v); i++)
		v[i] = (int64_t)(i + 1) * 100;
	assert_int_equal(report_percentile(v, 36, 50), 1800);
	assert_int_equal(report_percentile(v, 36, 90), 3300);
}

static void
test_report_html_is_escaped(void **state)
{
	struct capture	 c;
	char		*s;

	(void)state;
	cap_open(&c);
	report_html_text(c.f, "<a href='x'>&\"沽源\"</a>");
	report_html_text(c.f, NULL);
	s = cap_close(&c);
	assert_string_equal(s, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;沽源&quot;"
	    "&lt;/a&gt;");
	free(s);
}

static void
test_report_csv_fields_quoted(void **state)
{
	static const struct { const char *in, *want; } t[] = {
		{ "plain", "plain" }, { "沽源县人民法院", "沽源县人民法院" },
		{ "a,b", "\"a,b\"" }, { "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" }, { "=1+1", "'=1+1" },
		{ "@x", "'@x" }, { "65.25", "65.25" }, { "", "" },
	};
	struct capture	 c;
	char		*s;
	size_t		 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		cap_open(&c);
		report_csv_field(c.f, t[i].in);
		s = cap_close(&c);
		assert_string_equal(s, t[i].want);
		free(s);
	}
	cap_open(&c);
	report_csv_field(c.f, NULL);
	s = cap_close(&c);
	assert_string_equal(s, "");
	free(s);
}

static void
test_report_svg_bars_scale_to_max(void **state)
{
	static const struct report_bar b[] = { { "半", 50, "50" },
	    { "<全>", 100, "100" }, { "零", 0, "0" } };
	struct capture	 c;
	char		*s;

	(void)state;
	cap_open(&c);
	report_svg_hbars(c.f, "标题", b, nitems(b), 0);
	s = cap_close(&c);
	assert_non_null(strstr(s, "<svg"));
	assert_non_null(strstr(s, "<title>标题</title>"));
	assert_non_null(strstr(s, "width=\"125\""));	/* half of 250 */
	assert_non_null(strstr(s, "width=\"250\""));
	assert_non_null(strstr(s, "&lt;全&gt;"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "http"));
	assert_int_equal(occurrences(s, "<rect"), 6);	/* track + bar each */
	assert_int_equal(occurrences(s, "</svg>"), 1);
	free(s);
}

static void
test_report_svg_rates_against_100_percent(void **state)
{
	static const struct report_bar b[] = { { "hook", 9688, "96.88%" } };
	struct capture	 c;
	char		*s;

	(void)state;
	cap_open(&c);
	report_svg_hbars(c.f, "送达率", b, 1, 10000);
	s = cap_close(&c);
	assert_non_null(strstr(s, "width=\"242\""));	/* 9688 * 250 / 10000 */
	free(s);
}

static void
test_report_svg_empty_charts_say_so(void **state)
{
	static const struct report_bar z[] = { { "06-01", 0, NULL },
	    { "06-02", 0, NULL } };
	struct capture	 c;
	char		*s;

	(void)state;
	cap_open(&c);
	report_svg_hbars(c.f, "空", NULL, 0, 0);
	report_svg_vbars(c.f, "空", NULL, 0);
	report_svg_vbars(c.f, "零", z, nitems(z));
	s = cap_close(&c);
	assert_int_equal(occurrences(s, "无数据"), 3);
	assert_int_equal(occurrences(s, "</svg>"), 3);
	free(s);
}

static void
test_report_svg_days_labelled(void **state)
{
	struct report_bar	 b[30];
	char			 lab[30][8];
	struct capture		 c;
	char			*s;
	size_t			 i;

	(void)state;
	for (i = 0; i < nitems(b); i++) {
		snprintf(lab[i], sizeof(lab[i]), "06-%02zu", i + 1);
		b[i].label = lab[i];
		b[i].value = (int64_t)i % 4;
		b[i].text = NULL;
	}
	cap_open(&c);
	report_svg_vbars(c.f, "每日通知数", b, nitems(b));
	s = cap_close(&c);
	assert_int_equal(occurrences(s, "<rect"), 30);
	assert_non_null(strstr(s, ">06-01<"));		/* every second day */
	assert_null(strstr(s, ">06-02<"));
	assert_non_null(strstr(s, ">06-29<"));
	assert_null(strstr(s, "无数据"));
	free(s);
}

static void
test_report_arguments_checked(void **state)
{
	struct report_query	 q;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(report_query_parse("2024-06-01", "2024-06-30", "gy",
	    &q, &cause), 0);
	assert_string_equal(q.from, "2024-06-01");
	assert_string_equal(q.to, "2024-06-30");
	assert_string_equal(q.court, "gy");
	assert_int_equal(report_query_parse(NULL, NULL, NULL, &q, &cause), 0);
	assert_string_equal(q.from, "");
	assert_null(q.court);
	assert_int_equal(report_query_parse("2024-13-01", NULL, NULL, &q,
	    &cause), -1);
	assert_non_null(strstr(cause, "--from \"2024-13-01\""));
	free(cause);
	assert_int_equal(report_query_parse(NULL, "yesterday", NULL, &q,
	    &cause), -1);
	assert_non_null(strstr(cause, "--to \"yesterday\""));
	free(cause);
	assert_int_equal(report_query_parse("2024-07-01", "2024-06-30", NULL,
	    &q, &cause), -1);
	assert_non_null(strstr(cause, "after"));
	free(cause);
	assert_int_equal(report_query_parse(NULL, NULL, "", &q, &cause), -1);
	free(cause);
	assert_int_equal(report_query_parse("2024-06-30", "2024-06-30", NULL,
	    &q, &cause), 0);
}

static void
test_report_formats_named(void **state)
{
	(void)state;
	assert_int_equal(report_format_parse("table"), REPORT_TABLE);
	assert_int_equal(report_format_parse("csv"), REPORT_CSV);
	assert_int_equal(report_format_parse("json"), REPORT_JSON);
	assert_int_equal(report_format_parse("html"), REPORT_HTML);
	assert_int_equal(report_format_parse("HTML"), -1);
	assert_int_equal(report_format_parse("pdf"), -1);
	assert_int_equal(report_format_parse(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_date_accepts_real_days),
		cmocka_unit_test(test_report_date_refuses_malformed),
		cmocka_unit_test(test_report_days_round_trip),
		cmocka_unit_test(test_report_rates_round_half_up),
		cmocka_unit_test(test_report_rates_without_a_denominator),
		cmocka_unit_test(test_report_rates_formatted),
		cmocka_unit_test(test_report_seconds_are_exact),
		cmocka_unit_test(test_report_percentile_nearest_rank),
		cmocka_unit_test(test_report_html_is_escaped),
		cmocka_unit_test(test_report_csv_fields_quoted),
		cmocka_unit_test(test_report_svg_bars_scale_to_max),
		cmocka_unit_test(test_report_svg_rates_against_100_percent),
		cmocka_unit_test(test_report_svg_empty_charts_say_so),
		cmocka_unit_test(test_report_svg_days_labelled),
		cmocka_unit_test(test_report_arguments_checked),
		cmocka_unit_test(test_report_formats_named),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
