/*
 * report.c - the court's figures, computed from one read snapshot of the
 * database and rendered as a text table, CSV, JSON or a self-contained
 * HTML page with inline SVG charts (Chinese labels, printable).
 *
 * The computation runs a handful of grouped SELECTs, each row adding to
 * its court's scope and to the total; only the latencies are kept row by
 * row, for the median and the 90th percentile. Every rate is an exact
 * integer ratio rounded half-up with integer arithmetic (report_hundredths).
 * The definitions of report_definitions[] are the contract of the figures;
 * each renderer prints them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "huigao.h"
#include "report.h"

#define NSTATES		7
#define MAX_DAILY	92	/* longer spans are charted by month */
#define REPORT_TITLE	"执行信息回告统计报告"

enum { ST_PENDING, ST_SENDING, ST_SENT, ST_DELIVERED, ST_UNDELIVERED,
	ST_DEAD, ST_SUPPRESSED };

static const char *const state_names[NSTATES] = { "pending", "sending",
	"sent", "delivered", "undelivered", "dead", "suppressed" };
static const char *const state_zh[NSTATES] = { "待发送", "发送中",
	"已发送", "已送达", "未送达", "发送失败", "不予发送" };
static const char *const channel_zh[CH_COUNT] = { "短信", "微信",
	"电子邮件" };
/* The enforcement step groups, in the order of the procedure. */
static const char *const enf_groups[] = { "ENF_", "DSP_", "FND_", "ADJ_",
	"CLS_" };
#define NGROUPS	(sizeof(enf_groups) / sizeof(enf_groups[0]))

const char *const report_definitions[] = {
	"Period: a step belongs to the period when the date part of its "
	"case_steps.occurred_at (local time) is between --from and --to, both "
	"inclusive (the whole --to day); notifications belong to the period of "
	"their step.",
	"Cases with steps: cases with at least one step in the period.",
	"Tracked: a case with a TRK_* (post-judgment tracking) step in the "
	"period.",
	"Performed voluntarily: a tracked case whose first TRK_PERFORMED step "
	"precedes its first ENF_FILED step, or that has no ENF_FILED step; all "
	"the case's steps count, whatever their date, ordered by occurred_at, "
	"then by the order of recording.",
	"Moved to enforcement: a tracked case with an ENF_FILED step.",
	"Voluntary-performance rate = performed voluntarily / tracked; "
	"forced-enforcement rate = tracked cases moved to enforcement / tracked "
	"(a case performed before its enforcement filing counts in both).",
	"Enforcement steps by type: steps of the period whose code begins with "
	"ENF_, DSP_, FND_, ADJ_ or CLS_.",
	"Notifications by channel and state: the notifications of the period's "
	"steps, in their current state (pending and sending are not final).",
	"Per gateway: attempts = attempts made through it; sent, delivered, "
	"undelivered, dead = notifications last routed to it now in that state; "
	"delivery rate = delivered / (delivered + undelivered); acceptance rate "
	"= (sent + delivered + undelivered) / (sent + delivered + undelivered + "
	"dead).",
	"Commit to sent, commit to delivered: seconds from the court's commit "
	"of the step (committed_ms) to sent_ms, over notifications now sent, "
	"delivered or undelivered, and to delivered_ms, over delivered ones; "
	"median and p90 by the nearest-rank method (the smallest value with at "
	"least 50% or 90% of the values at or below it).",
	"Notifications per case = notifications / cases with steps in the "
	"period.",
	"Rates and ratios are computed from exact counts and rounded half-up to "
	"two decimals (92/141 = 65.25%); \"-\" means there is nothing to divide "
	"by.",
	"Notifications per day: by the date of the step they tell of; by month "
	"when the period is longer than 92 days.",
	NULL
};

static const char *const definitions_zh[] = {
	"统计期间：以案件节点 case_steps.occurred_at（本地时间）的日期为"
	"准，起止日期均含当日全天；通知归属其所告知节点的期间。",
	"有节点的案件：统计期间内至少有一个节点的案件。",
	"跟踪履行案件：统计期间内有 TRK_*（跟踪履行）节点的案件。",
	"自动履行：跟踪履行案件中，首个 TRK_PERFORMED（自动履行完毕）节点早"
	"于首个 ENF_FILED（执行立案）节点，或没有 ENF_FILED 节点的案件；按"
	"案件全部节点（不限期间）的发生时间排序，时间相同按录入顺序。",
	"转入强制执行：有 ENF_FILED（执行立案）节点的跟踪履行案件。",
	"自动履行率 = 自动履行 ÷ 跟踪履行案件；强制执行率 = 转入强制执行 ÷ "
	"跟踪履行案件（先自动履行、后又执行立案的案件两者都计）。",
	"执行节点（按类型）：统计期间内代码以 ENF_、DSP_、FND_、ADJ_、CLS_ "
	"开头的节点数。",
	"通知（按渠道与状态）：统计期间节点产生的通知，按当前状态计（待发"
	"送、发送中为非最终状态）。",
	"网关：尝试次数 = 经该网关的发送尝试；已发送、已送达、未送达、发送"
	"失败 = 最后经该网关且现处该状态的通知；送达率 = 已送达 ÷（已送达 +"
	" 未送达）；受理率 =（已发送 + 已送达 + 未送达）÷（已发送 + 已送达 "
	"+ 未送达 + 发送失败）。",
	"提交→发送、提交→送达：自法院系统提交节点（committed_ms）至发送（"
	"sent_ms，统计已发送、已送达、未送达的通知）及至送达（"
	"delivered_ms，统计已送达的通知）的秒数；中位数与 P90 按最近秩法（"
	"至少 50% 或 90% 的值不大于它的最小值）。",
	"案均通知 = 通知数 ÷ 有节点的案件数。",
	"比率以精确计数计算，四舍五入保留两位小数（92/141 = 65.25%），括号"
	"内为计数；“—”表示分母为零。",
	"每日通知数：按通知所告知节点的日期统计；期间超过 92 天时按月统计。",
	NULL
};

/* Latencies of one scope or gateway, in ms. */
struct rlat {
	int64_t		*v;
	size_t		 n, cap;
	int64_t		 median, p90;	/* valid when n > 0 */
};

struct rgw {
	char		*name;
	int64_t		 attempts;
	int64_t		 st[NSTATES];
	struct rlat	 sent, dlv;
};

/* A named count: a step code, a day, a month. */
struct rcount {
	char		*key;
	char		*label;		/* the step's Chinese label, or NULL */
	int64_t		 n;
};

/* The figures of one court, or of all of them. */
struct rscope {
	char		*key;
	char		*name;
	int		 configured;
	int64_t		 active, tracked, voluntary, enforced;
	int64_t		 notif[CH_COUNT][NSTATES];
	int64_t		 nnotif;
	struct rcount	*steps;
	size_t		 nsteps;
	struct rcount	*days;
	size_t		 ndays;
	struct rgw	*gws;
	size_t		 ngws;
	struct rlat	 sent, dlv;
};

struct report {
	char		 from[REPORT_DATE_LEN];
	char		 to[REPORT_DATE_LEN];
	char		*court;		/* the filter, or NULL */
	char		 generated[32];
	const struct config *cfg;	/* borrowed during report_build only */
	struct rscope	 total;
	struct rscope	*courts;
	size_t		 ncourts;
	struct rcount	*buckets;	/* the per-day chart of the total */
	size_t		 nbuckets;
	int		 monthly;
};

/* ---- pure helpers ---------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* Days of a month, leap years included. */
static int
days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (29);
	return (mdays[m - 1]);
}

/* Strict YYYY-MM-DD: ten characters, a real day of years 1..9999. */
int
report_date_days(const char *s, int64_t *days)
{
	int	 i, y, m, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return (-1);
	}
	y = atoi(s);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return (-1);
	*days = days_from_civil(y, m, d);
	return (0);
}

/* The inverse of days_from_civil (H. Hinnant). */
void
report_days_date(int64_t z, char *buf, size_t len)
{
	int64_t	 era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(buf, len, "%04lld-%02lld-%02lld", (long long)y, (long long)m,
	    (long long)d);
}

/* Half-up: floor((2 * num * scale * 100 + den) / (2 * den)). */
int64_t
report_hundredths(int64_t num, int64_t den, int64_t scale)
{
	if (den <= 0 || num < 0 || scale <= 0 ||
	    num > INT64_MAX / (200 * scale))
		return (-1);
	return ((num * scale * 200 + den) / (2 * den));
}

void
report_fmt_hundredths(int64_t h, char *buf, size_t len)
{
	if (h < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld.%02lld", (long long)(h / 100),
		    (long long)(h % 100));
}

void
report_fmt_rate(int64_t num, int64_t den, char *buf, size_t len)
{
	int64_t	 h = report_hundredths(num, den, 100);

	if (h < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld.%02lld%%", (long long)(h / 100),
		    (long long)(h % 100));
}

void
report_fmt_ms(int64_t ms, char *buf, size_t len)
{
	const char	*sign = ms < 0 ? "-" : "";

	if (ms < 0)
		ms = -ms;
	snprintf(buf, len, "%s%lld.%03lld", sign, (long long)(ms / 1000),
	    (long long)(ms % 1000));
}

/* Rank ceil(p * n / 100), 1-based, clamped to 1..n. */
int64_t
report_percentile(const int64_t *v, size_t n, int p)
{
	size_t	 rank = ((size_t)p * n + 99) / 100;

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (v[rank - 1]);
}

void
report_html_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

/*
 * A field that a spreadsheet would take for a formula (=, +, @) gets a
 * leading apostrophe; numbers are never written that way.
 */
void
report_csv_field(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	if (*s == '=' || *s == '+' || *s == '@')
		fputc('\'', f);
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* ---- inline SVG ------------------------------------------------------ */

#define SVG_W		960	/* a full-width chart */
#define HB_W		560	/* a half-width chart of horizontal bars */
#define HB_ROW		28
#define HB_LABEL	170
#define HB_BAR		250

static const char *const palette[] = { "#b91c1c", "#1d4ed8", "#047857",
	"#b45309", "#6d28d9", "#0e7490", "#be185d", "#4d7c0f" };
#define NPALETTE	(sizeof(palette) / sizeof(palette[0]))

/* The opening tag and the accessible title of a chart. */
static void
svg_open(FILE *f, const char *title, int w, int h)
{
	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
	    "role=\"img\" aria-label=\"", w, h);
	report_html_text(f, title);
	fputs("\"><title>", f);
	report_html_text(f, title);
	fputs("</title>\n", f);
}

/* "无数据" in the middle of an empty chart. */
static void
svg_nodata(FILE *f, int x, int y)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
	    "class=\"nodata\">无数据</text>\n", x, y);
}

/* The largest value of a chart, 0 when none is positive. */
static int64_t
bars_max(const struct report_bar *b, size_t n)
{
	int64_t	 max = 0;
	size_t	 i;

	for (i = 0; i < n; i++)
		if (b[i].value > max)
			max = b[i].value;
	return (max);
}

/* One labelled horizontal bar on a light track. */
static void
svg_hbar(FILE *f, const struct report_bar *b, size_t i, int64_t max)
{
	int	 y = 8 + (int)i * HB_ROW;
	int	 w = (int)(b->value > 0 ? b->value * HB_BAR / max : 0);

	if (b->value > 0 && w < 2)
		w = 2;
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	    "class=\"lb\">", HB_LABEL - 10, y + 18);
	report_html_text(f, b->label);
	fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"#eef0f3\"/>", HB_LABEL, y + 4, HB_BAR, HB_ROW - 8);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"%s\"/>", HB_LABEL, y + 4, w, HB_ROW - 8,
	    palette[i % NPALETTE]);
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"val\">", HB_LABEL + HB_BAR +
	    8, y + 18);
	report_html_text(f, b->text);
	fputs("</text>\n", f);
}

/* One row per bar: label, light track, bar, text. */
void
report_svg_hbars(FILE *f, const char *title, const struct report_bar *b,
    size_t n, int64_t max)
{
	size_t	 i;

	svg_open(f, title, HB_W, 16 + (int)(n > 0 ? n : 1) * HB_ROW);
	if (max <= 0)
		max = bars_max(b, n);
	if (max <= 0)
		max = 1;
	if (n == 0)
		svg_nodata(f, HB_W / 2, 8 + HB_ROW / 2 + 5);
	for (i = 0; i < n; i++)
		svg_hbar(f, &b[i], i, max);
	fputs("</svg>\n", f);
}

#define VB_H		280
#define VB_LEFT		52
#define VB_RIGHT	12
#define VB_TOP		24
#define VB_BOTTOM	48
#define VB_PLOT_W	(SVG_W - VB_LEFT - VB_RIGHT)
#define VB_PLOT_H	(VB_H - VB_TOP - VB_BOTTOM)

/* The axes of a vertical bar chart, with the largest value marked. */
static void
svg_vaxes(FILE *f, int64_t max)
{
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#9ca3af\"/>", VB_LEFT, VB_TOP + VB_PLOT_H,
	    VB_LEFT + VB_PLOT_W, VB_TOP + VB_PLOT_H);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#e5e7eb\" stroke-dasharray=\"4 3\"/>", VB_LEFT, VB_TOP,
	    VB_LEFT + VB_PLOT_W, VB_TOP);
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"ax\">"
	    "%lld</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\" "
	    "class=\"ax\">0</text>\n", VB_LEFT - 6, VB_TOP + 4, (long long)max,
	    VB_LEFT - 6, VB_TOP + VB_PLOT_H + 4);
}

/* Bar i of n; its label under it every `every` bars, its value above. */
static void
svg_vbar(FILE *f, const struct report_bar *b, size_t i, size_t n,
    int64_t max, size_t every)
{
	int	 x0 = VB_LEFT + (int)(i * VB_PLOT_W / n);
	int	 x1 = VB_LEFT + (int)((i + 1) * VB_PLOT_W / n);
	int	 gap = x1 - x0 > 6 ? 2 : 0, h, cx = (x0 + x1) / 2;

	h = (int)(b->value * VB_PLOT_H / max);
	if (b->value > 0 && h < 1)
		h = 1;
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"%s\"/>", x0 + gap, VB_TOP + VB_PLOT_H - h, x1 - x0 - 2 * gap,
	    h, palette[1]);
	if (n <= 31 && b->value > 0)
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		    "class=\"vv\">%lld</text>", cx, VB_TOP + VB_PLOT_H - h - 4,
		    (long long)b->value);
	if (i % every == 0) {
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" "
		    "class=\"ax\">", cx, VB_TOP + VB_PLOT_H + 18);
		report_html_text(f, b->label);
		fputs("</text>", f);
	}
	fputc('\n', f);
}

/* One bar per period, under a dashed line at the largest value. */
void
report_svg_vbars(FILE *f, const char *title, const struct report_bar *b,
    size_t n)
{
	int64_t	 max = bars_max(b, n);
	size_t	 i, every = (n + 14) / 15;

	svg_open(f, title, SVG_W, VB_H);
	if (max <= 0)
		max = 1;
	svg_vaxes(f, max);
	if (n == 0 || bars_max(b, n) == 0)
		svg_nodata(f, SVG_W / 2, VB_TOP + VB_PLOT_H / 2);
	for (i = 0; i < n; i++)
		svg_vbar(f, &b[i], i, n, max, every);
	fputs("</svg>\n", f);
}

/* ---- the query ------------------------------------------------------- */

/* Dates are checked here, so that huigaoctl and /v1/report refuse the same. */
int
report_query_parse(const char *from, const char *to, const char *court,
    struct report_query *q, char **cause)
{
	int64_t	 a = 0, b = 0;

	memset(q, 0, sizeof(*q));
	if (from != NULL && report_date_days(from, &a) == -1) {
		*cause = xasprintf("--from \"%s\" is not a date: use YYYY-MM-DD, "
		    "a real calendar day", from);
		return (-1);
	}
	if (to != NULL && report_date_days(to, &b) == -1) {
		*cause = xasprintf("--to \"%s\" is not a date: use YYYY-MM-DD, "
		    "a real calendar day", to);
		return (-1);
	}
	if (from != NULL && to != NULL && a > b) {
		*cause = xasprintf("--from %s is after --to %s", from, to);
		return (-1);
	}
	if (court != NULL && *court == '\0') {
		*cause = xstrdup("--court needs a court key");
		return (-1);
	}
	if (from != NULL)
		memcpy(q->from, from, REPORT_DATE_LEN);
	if (to != NULL)
		memcpy(q->to, to, REPORT_DATE_LEN);
	q->court = court;
	return (0);
}

/* In the order of enum report_format. */
int
report_format_parse(const char *s)
{
	static const char *const names[] = { "table", "csv", "json", "html" };
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return ((int)i);
	return (-1);
}

/* ---- building -------------------------------------------------------- */

/* Keep one latency; the array grows by doubling. */
static void
lat_push(struct rlat *l, int64_t v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = v;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

/* Sort, take the median and p90, and drop the values. */
static void
lat_finish(struct rlat *l)
{
	if (l->n > 0) {
		qsort(l->v, l->n, sizeof(*l->v), cmp_i64);
		l->median = report_percentile(l->v, l->n, 50);
		l->p90 = report_percentile(l->v, l->n, 90);
	}
	free(l->v);
	l->v = NULL;
	l->cap = 0;
}

/* Add n to the count named key, creating it. */
static void
count_add(struct rcount **a, size_t *na, const char *key, const char *label,
    int64_t n)
{
	size_t	 i;

	for (i = 0; i < *na; i++) {
		if (strcmp((*a)[i].key, key) == 0) {
			(*a)[i].n += n;
			return;
		}
	}
	*a = xreallocarray(*a, *na + 1, sizeof(**a));
	(*a)[*na].key = xstrdup(key);
	(*a)[*na].label = label ? xstrdup(label) : NULL;
	(*a)[*na].n = n;
	(*na)++;
}

/* Free a list of named counts. */
static void
counts_free(struct rcount *a, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(a[i].key);
		free(a[i].label);
	}
	free(a);
}

/* The gateway of a scope, created on first use. */
static struct rgw *
gw_get(struct rscope *sc, const char *name)
{
	size_t	 i;

	for (i = 0; i < sc->ngws; i++)
		if (strcmp(sc->gws[i].name, name) == 0)
			return (&sc->gws[i]);
	sc->gws = xreallocarray(sc->gws, sc->ngws + 1, sizeof(*sc->gws));
	memset(&sc->gws[sc->ngws], 0, sizeof(*sc->gws));
	sc->gws[sc->ngws].name = xstrdup(name);
	return (&sc->gws[sc->ngws++]);
}

/* Add a court scope; its name from the configuration when it has one. */
static struct rscope *
scope_add(struct report *r, const char *key)
{
	const struct court_cfg	*cc = cfg_court(r->cfg, key);
	struct rscope		*sc;

	r->courts = xreallocarray(r->courts, r->ncourts + 1,
	    sizeof(*r->courts));
	sc = &r->courts[r->ncourts++];
	memset(sc, 0, sizeof(*sc));
	sc->key = xstrdup(key);
	sc->name = xstrdup(cc != NULL ? cc->name : key);
	sc->configured = cc != NULL;
	return (sc);
}

/* The scope of a court key, added if the database has one we did not list. */
static struct rscope *
scope_get(struct report *r, const char *key)
{
	size_t	 i;

	for (i = 0; i < r->ncourts; i++)
		if (strcmp(r->courts[i].key, key) == 0)
			return (&r->courts[i]);
	return (scope_add(r, key));
}

/* A text column, borrowed until the next step. */
static const char *
col_text(sqlite3_stmt *s, int i)
{
	return ((const char *)sqlite3_column_text(s, i));
}

/* A notification state as an index into state_names, or -1. */
static int
state_index(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < NSTATES; i++)
		if (strcmp(s, state_names[i]) == 0)
			return (i);
	return (-1);
}

#define R_DAY	"substr(s.occurred_at, 1, 10)"
#define R_IN	"((?1 IS NULL OR " R_DAY " >= ?1) AND " \
		"(?2 IS NULL OR " R_DAY " <= ?2))"
#define R_COURT	"(?3 IS NULL OR c.court = ?3)"
#define R_ORDER	"coalesce(strftime('%Y-%m-%dT%H:%M:%f', s.occurred_at)," \
		" s.occurred_at) || printf('#%020d', s.id)"
#define R_NJOIN	" FROM notifications n JOIN case_steps s ON s.id = n.step_id" \
		" JOIN cases c ON c.id = s.case_id WHERE " R_IN " AND " R_COURT

/* Per case: its court, tracked?, any step?, first performance, first filing. */
static const char q_cases[] =
    "SELECT c.court, max(s.step_code GLOB 'TRK_*' AND " R_IN "),"
    " max(" R_IN "),"
    " min(CASE WHEN s.step_code = 'TRK_PERFORMED' THEN " R_ORDER " END),"
    " min(CASE WHEN s.step_code = 'ENF_FILED' THEN " R_ORDER " END)"
    " FROM cases c JOIN case_steps s ON s.case_id = c.id"
    " WHERE " R_COURT " GROUP BY c.id";
static const char q_steps[] =
    "SELECT c.court, s.step_code, count(*)"
    " FROM case_steps s JOIN cases c ON c.id = s.case_id"
    " WHERE " R_IN " AND " R_COURT " AND substr(s.step_code, 1, 4)"
    " IN ('ENF_', 'DSP_', 'FND_', 'ADJ_', 'CLS_')"
    " GROUP BY c.court, s.step_code";
static const char q_notif[] =
    "SELECT c.court, n.channel, n.state, n.gateway, count(*)" R_NJOIN
    " GROUP BY c.court, n.channel, n.state, n.gateway";
static const char q_attempts[] =
    "SELECT c.court, a.gateway, count(*)"
    " FROM attempts a JOIN notifications n ON n.id = a.notification_id"
    " JOIN case_steps s ON s.id = n.step_id JOIN cases c ON c.id = s.case_id"
    " WHERE " R_IN " AND " R_COURT " GROUP BY c.court, a.gateway";
static const char q_latency[] =
    "SELECT c.court, n.gateway, n.state, n.sent_ms - n.committed_ms,"
    " n.delivered_ms - n.committed_ms" R_NJOIN
    " AND n.state IN ('sent', 'delivered', 'undelivered')"
    " AND n.sent_ms IS NOT NULL AND n.committed_ms IS NOT NULL";
static const char q_days[] =
    "SELECT c.court, " R_DAY ", count(*)" R_NJOIN
    " AND " R_DAY " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
    " GROUP BY c.court, " R_DAY;

/* One classified case, into its court and the total. */
static void
row_case(struct report *r, sqlite3_stmt *s)
{
	struct rscope	*sv[2] = { &r->total, scope_get(r, col_text(s, 0)) };
	const char	*perf = col_text(s, 3), *filed = col_text(s, 4);
	int		 tracked = sqlite3_column_int(s, 1), i;
	int		 vol, enf;

	if (sqlite3_column_int(s, 2) == 0)
		return;
	vol = tracked && perf != NULL && (filed == NULL ||
	    strcmp(perf, filed) < 0);
	enf = tracked && filed != NULL;
	for (i = 0; i < 2; i++) {
		sv[i]->active++;
		sv[i]->tracked += tracked != 0;
		sv[i]->voluntary += vol;
		sv[i]->enforced += enf;
	}
}

/* One enforcement step code and its count. */
static void
row_step(struct report *r, sqlite3_stmt *s)
{
	struct rscope		*sv[2] = { &r->total,
	    scope_get(r, col_text(s, 0)) };
	const struct step_cfg	*st = cfg_step(r->cfg, col_text(s, 1));
	int			 i;

	for (i = 0; i < 2; i++)
		count_add(&sv[i]->steps, &sv[i]->nsteps, col_text(s, 1),
		    st != NULL ? st->label : NULL, sqlite3_column_int64(s, 2));
}

/* Notifications by channel, state and gateway. */
static void
row_notif(struct report *r, sqlite3_stmt *s)
{
	struct rscope	*sv[2] = { &r->total, scope_get(r, col_text(s, 0)) };
	int		 ch = cfg_channel_parse(col_text(s, 1)), i;
	int		 st = state_index(col_text(s, 2));
	int64_t		 n = sqlite3_column_int64(s, 4);

	if (ch < 0 || st < 0)
		return;		/* the schema's CHECKs rule this out */
	for (i = 0; i < 2; i++) {
		sv[i]->notif[ch][st] += n;
		sv[i]->nnotif += n;
		if (col_text(s, 3) != NULL)
			gw_get(sv[i], col_text(s, 3))->st[st] += n;
	}
}

/* Attempts by the gateway that made them. */
static void
row_attempt(struct report *r, sqlite3_stmt *s)
{
	struct rscope	*sv[2] = { &r->total, scope_get(r, col_text(s, 0)) };
	int		 i;

	for (i = 0; i < 2; i++)
		gw_get(sv[i], col_text(s, 1))->attempts +=
		    sqlite3_column_int64(s, 2);
}

/* One sent (and maybe delivered) notification's latencies. */
static void
row_latency(struct report *r, sqlite3_stmt *s)
{
	struct rscope	*sv[2] = { &r->total, scope_get(r, col_text(s, 0)) };
	const char	*gw = col_text(s, 1);
	int		 dlv, i;

	dlv = state_index(col_text(s, 2)) == ST_DELIVERED &&
	    sqlite3_column_type(s, 4) != SQLITE_NULL;
	for (i = 0; i < 2; i++) {
		lat_push(&sv[i]->sent, sqlite3_column_int64(s, 3));
		if (dlv)
			lat_push(&sv[i]->dlv, sqlite3_column_int64(s, 4));
		if (gw == NULL)
			continue;
		lat_push(&gw_get(sv[i], gw)->sent, sqlite3_column_int64(s, 3));
		if (dlv)
			lat_push(&gw_get(sv[i], gw)->dlv,
			    sqlite3_column_int64(s, 4));
	}
}

/* Notifications of one day. */
static void
row_day(struct report *r, sqlite3_stmt *s)
{
	struct rscope	*sv[2] = { &r->total, scope_get(r, col_text(s, 0)) };
	int		 i;

	for (i = 0; i < 2; i++)
		count_add(&sv[i]->days, &sv[i]->ndays, col_text(s, 1), NULL,
		    sqlite3_column_int64(s, 2));
}

/* Run one grouped query with the period and court bound, row by row. */
static int
report_query(struct report *r, sqlite3 *db, const char *sql,
    void (*row)(struct report *, sqlite3_stmt *), char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	if (r->from[0] != '\0')
		sqlite3_bind_text(s, 1, r->from, -1, SQLITE_STATIC);
	if (r->to[0] != '\0')
		sqlite3_bind_text(s, 2, r->to, -1, SQLITE_STATIC);
	if (r->court != NULL)
		sqlite3_bind_text(s, 3, r->court, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			row(r, s);
	}
	if (rc != SQLITE_DONE)
		*cause = xasprintf("database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/* Does the database hold a case of this court? -1 on error. */
static int
court_in_db(sqlite3 *db, const char *key, char **cause)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM cases WHERE court = ?1 "
	    "LIMIT 1", -1, &s, NULL) != SQLITE_OK) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db));
		return (-1);
	}
	return (rc == SQLITE_ROW);
}

/* The configured courts' keys, for an error message. */
static char *
court_keys(const struct config *cfg)
{
	char	*s = xstrdup(""), *t;
	size_t	 i;

	for (i = 0; i < cfg->ncourts; i++) {
		t = xasprintf("%s%s%s", s, i ? ", " : "", cfg->courts[i].key);
		free(s);
		s = t;
	}
	return (s);
}

/*
 * The courts to report on, in the configuration's order, then those only
 * the database knows, by key. An unknown --court is REPORT_EUSAGE.
 */
static int
report_courts(struct report *r, sqlite3 *db, char **cause)
{
	sqlite3_stmt	*s;
	size_t		 i;
	int		 rc;
	char		*keys;

	if (r->court != NULL) {
		if (cfg_court(r->cfg, r->court) == NULL &&
		    (rc = court_in_db(db, r->court, cause)) != 1) {
			if (rc == -1)
				return (REPORT_ERR);
			keys = court_keys(r->cfg);
			*cause = xasprintf("--court \"%s\" is not a court of the "
			    "configuration (%s) nor of any case", r->court, keys);
			free(keys);
			return (REPORT_EUSAGE);
		}
		scope_add(r, r->court);
		return (REPORT_OK);
	}
	for (i = 0; i < r->cfg->ncourts; i++)
		scope_add(r, r->cfg->courts[i].key);
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT court FROM cases ORDER BY "
	    "court", -1, &s, NULL) != SQLITE_OK) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db));
		return (REPORT_ERR);
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		scope_get(r, col_text(s, 0));
	if (rc != SQLITE_DONE)
		*cause = xasprintf("database: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return (rc == SQLITE_DONE ? REPORT_OK : REPORT_ERR);
}

/* The position of a step code's group in the procedure. */
static int
group_of(const char *code)
{
	size_t	 i;

	for (i = 0; i < NGROUPS; i++)
		if (strncmp(code, enf_groups[i], 4) == 0)
			return ((int)i);
	return ((int)NGROUPS);
}

/* Steps: by group in the order of the procedure, then most frequent first. */
static int
cmp_step(const void *a, const void *b)
{
	const struct rcount	*x = a, *y = b;
	int			 gx = group_of(x->key), gy = group_of(y->key);

	if (gx != gy)
		return (gx - gy);
	if (x->n != y->n)
		return (x->n > y->n ? -1 : 1);
	return (strcmp(x->key, y->key));
}

/* Days and months sort as strings. */
static int
cmp_key(const void *a, const void *b)
{
	return (strcmp(((const struct rcount *)a)->key,
	    ((const struct rcount *)b)->key));
}

/* Gateways by name. */
static int
cmp_gw(const void *a, const void *b)
{
	return (strcmp(((const struct rgw *)a)->name,
	    ((const struct rgw *)b)->name));
}

/* Percentiles, and every list in its reading order. */
static void
scope_finish(struct rscope *sc)
{
	size_t	 i;

	lat_finish(&sc->sent);
	lat_finish(&sc->dlv);
	for (i = 0; i < sc->ngws; i++) {
		lat_finish(&sc->gws[i].sent);
		lat_finish(&sc->gws[i].dlv);
	}
	if (sc->nsteps > 0)
		qsort(sc->steps, sc->nsteps, sizeof(*sc->steps), cmp_step);
	if (sc->ndays > 0)
		qsort(sc->days, sc->ndays, sizeof(*sc->days), cmp_key);
	if (sc->ngws > 0)
		qsort(sc->gws, sc->ngws, sizeof(*sc->gws), cmp_gw);
}

/* The count of a day in the total, 0 if none. */
static int64_t
day_count(const struct report *r, const char *day)
{
	size_t	 i;

	for (i = 0; i < r->total.ndays; i++)
		if (strcmp(r->total.days[i].key, day) == 0)
			return (r->total.days[i].n);
	return (0);
}

/* The span of the per-day chart: the period when short, else the data's. */
static int
chart_span(const struct report *r, int64_t *first, int64_t *last)
{
	int64_t	 a, b;

	if (r->from[0] != '\0' && r->to[0] != '\0' &&
	    report_date_days(r->from, &a) == 0 &&
	    report_date_days(r->to, &b) == 0 && b - a < MAX_DAILY) {
		*first = a;
		*last = b;
		return (0);
	}
	if (r->total.ndays == 0 ||
	    report_date_days(r->total.days[0].key, first) == -1 ||
	    report_date_days(r->total.days[r->total.ndays - 1].key, last) == -1)
		return (-1);
	return (0);
}

/* The per-day chart of the total: every day of the span, or every month. */
static void
report_buckets(struct report *r)
{
	int64_t	 first, last, d;
	char	 day[REPORT_DATE_LEN], month[8];
	size_t	 i;

	if (chart_span(r, &first, &last) == -1)
		return;
	r->monthly = last - first >= MAX_DAILY;
	for (d = first; d <= last; d++) {
		report_days_date(d, day, sizeof(day));
		if (!r->monthly) {
			count_add(&r->buckets, &r->nbuckets, day, NULL,
			    day_count(r, day));
			continue;
		}
		snprintf(month, sizeof(month), "%.7s", day);
		count_add(&r->buckets, &r->nbuckets, month, NULL, 0);
	}
	for (i = 0; r->monthly && i < r->total.ndays; i++) {
		snprintf(month, sizeof(month), "%.7s", r->total.days[i].key);
		count_add(&r->buckets, &r->nbuckets, month, NULL,
		    r->total.days[i].n);
	}
}

/* Every query, inside one read transaction when the caller has none. */
static int
report_fill(struct report *r, sqlite3 *db, char **cause)
{
	int	 own = sqlite3_get_autocommit(db), rv;

	if (own && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db));
		return (REPORT_ERR);
	}
	if ((rv = report_courts(r, db, cause)) == REPORT_OK &&
	    (report_query(r, db, q_cases, row_case, cause) == -1 ||
	    report_query(r, db, q_steps, row_step, cause) == -1 ||
	    report_query(r, db, q_notif, row_notif, cause) == -1 ||
	    report_query(r, db, q_attempts, row_attempt, cause) == -1 ||
	    report_query(r, db, q_latency, row_latency, cause) == -1 ||
	    report_query(r, db, q_days, row_day, cause) == -1))
		rv = REPORT_ERR;
	if (own)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return (rv);
}

/* Fill, then finish every scope; the configuration is not kept. */
int
report_build(sqlite3 *db, const struct config *cfg,
    const struct report_query *q, struct report **out, char **cause)
{
	struct report	*r = xcalloc(1, sizeof(*r));
	size_t		 i;
	int		 rv;

	memcpy(r->from, q->from, sizeof(r->from));
	memcpy(r->to, q->to, sizeof(r->to));
	r->from[REPORT_DATE_LEN - 1] = r->to[REPORT_DATE_LEN - 1] = '\0';
	r->court = q->court != NULL ? xstrdup(q->court) : NULL;
	r->cfg = cfg;
	r->total.key = xstrdup("*");
	r->total.name = xstrdup("合计");
	r->total.configured = 1;
	util_iso_local(util_now_ms(), r->generated, sizeof(r->generated));
	if ((rv = report_fill(r, db, cause)) != REPORT_OK) {
		report_free(r);
		return (rv);
	}
	scope_finish(&r->total);
	for (i = 0; i < r->ncourts; i++)
		scope_finish(&r->courts[i]);
	report_buckets(r);
	r->cfg = NULL;
	*out = r;
	return (REPORT_OK);
}

/* Free what a scope owns, not the scope. */
static void
scope_free(struct rscope *sc)
{
	size_t	 i;

	free(sc->key);
	free(sc->name);
	counts_free(sc->steps, sc->nsteps);
	counts_free(sc->days, sc->ndays);
	for (i = 0; i < sc->ngws; i++) {
		free(sc->gws[i].name);
		free(sc->gws[i].sent.v);
		free(sc->gws[i].dlv.v);
	}
	free(sc->gws);
	free(sc->sent.v);
	free(sc->dlv.v);
}

/* NULL is allowed. */
void
report_free(struct report *r)
{
	size_t	 i;

	if (r == NULL)
		return;
	scope_free(&r->total);
	for (i = 0; i < r->ncourts; i++)
		scope_free(&r->courts[i]);
	free(r->courts);
	counts_free(r->buckets, r->nbuckets);
	free(r->court);
	free(r);
}

/* No case had a step in the period. */
int
report_empty(const struct report *r)
{
	return (r->total.active == 0);
}

/* ---- small accessors shared by the renderers ------------------------- */

/* Notifications of a channel, every state. */
static int64_t
ch_total(const struct rscope *sc, int ch)
{
	int64_t	 n = 0;
	int	 st;

	for (st = 0; st < NSTATES; st++)
		n += sc->notif[ch][st];
	return (n);
}

/* Notifications in a state, every channel. */
static int64_t
state_total(const struct rscope *sc, int st)
{
	int64_t	 n = 0;
	int	 ch;

	for (ch = 0; ch < CH_COUNT; ch++)
		n += sc->notif[ch][st];
	return (n);
}

/* Enforcement steps of every type. */
static int64_t
steps_total(const struct rscope *sc)
{
	int64_t	 n = 0;
	size_t	 i;

	for (i = 0; i < sc->nsteps; i++)
		n += sc->steps[i].n;
	return (n);
}

/* Handed to a gateway and answered: sent, delivered or undelivered. */
static int64_t
gw_accepted(const struct rgw *g)
{
	return (g->st[ST_SENT] + g->st[ST_DELIVERED] + g->st[ST_UNDELIVERED]);
}

/* Notifications that ended on a gateway: accepted or dead. */
static int64_t
gw_final(const struct rgw *g)
{
	return (gw_accepted(g) + g->st[ST_DEAD]);
}

/* Notifications a receipt ended: delivered or undelivered. */
static int64_t
gw_receipts(const struct rgw *g)
{
	return (g->st[ST_DELIVERED] + g->st[ST_UNDELIVERED]);
}

/* The first day, or NULL for an open start. */
static const char *
period_from(const struct report *r)
{
	return (r->from[0] != '\0' ? r->from : NULL);
}

/* The last day, or NULL for an open end. */
static const char *
period_to(const struct report *r)
{
	return (r->to[0] != '\0' ? r->to : NULL);
}

/* ---- JSON ------------------------------------------------------------ */

/* {"count", "of", "percent"|"value"}: the rate as an exact decimal string. */
static json_t *
json_rate(int64_t num, int64_t den, int64_t scale)
{
	int64_t	 h = report_hundredths(num, den, scale);
	char	 buf[32];

	report_fmt_hundredths(h, buf, sizeof(buf));
	return (json_pack("{s:I, s:I, s:o}", "count", (json_int_t)num, "of",
	    (json_int_t)den, scale == 100 ? "percent" : "value",
	    h < 0 ? json_null() : json_string(buf)));
}

/* A latency in ms, or null without values. */
static json_t *
json_ms(const struct rlat *l, int64_t v)
{
	return (l->n > 0 ? json_integer(v) : json_null());
}

/* A latency as exact seconds "1.800", or null without values. */
static json_t *
json_s(const struct rlat *l, int64_t v)
{
	char	 buf[32];

	if (l->n == 0)
		return (json_null());
	report_fmt_ms(v, buf, sizeof(buf));
	return (json_string(buf));
}

/* {"n", "median_ms", "p90_ms", "median_s", "p90_s"} */
static json_t *
json_lat(const struct rlat *l)
{
	return (json_pack("{s:I, s:o, s:o, s:o, s:o}", "n", (json_int_t)l->n,
	    "median_ms", json_ms(l, l->median), "p90_ms", json_ms(l, l->p90),
	    "median_s", json_s(l, l->median), "p90_s", json_s(l, l->p90)));
}

/* A gateway: counts by final state, its two rates, its latencies. */
static json_t *
json_gateway(const struct rgw *g)
{
	json_t	*o = json_pack("{s:s, s:I}", "name", g->name, "attempts",
	    (json_int_t)g->attempts);
	int	 st;

	for (st = 0; st < NSTATES; st++)
		if (st != ST_PENDING && st != ST_SENDING)
			json_object_set_new(o, state_names[st],
			    json_integer(g->st[st]));
	json_object_set_new(o, "delivery_rate", json_rate(g->st[ST_DELIVERED],
	    gw_receipts(g), 100));
	json_object_set_new(o, "acceptance_rate", json_rate(gw_accepted(g),
	    gw_final(g), 100));
	json_object_set_new(o, "commit_to_sent", json_lat(&g->sent));
	json_object_set_new(o, "commit_to_delivered", json_lat(&g->dlv));
	return (o);
}

/* Notifications by channel and state, their total, per case. */
static json_t *
json_notifications(const struct rscope *sc)
{
	json_t	*by = json_object(), *c;
	int	 ch, st;

	for (ch = 0; ch < CH_COUNT; ch++) {
		c = json_object();
		for (st = 0; st < NSTATES; st++)
			json_object_set_new(c, state_names[st],
			    json_integer(sc->notif[ch][st]));
		json_object_set_new(c, "total", json_integer(ch_total(sc, ch)));
		json_object_set_new(by, cfg_channel_name((enum channel)ch), c);
	}
	return (json_pack("{s:I, s:o, s:o}", "total", (json_int_t)sc->nnotif,
	    "by_channel", by, "per_case", json_rate(sc->nnotif, sc->active, 1)));
}

/* A list of named counts as [{k: key, v: n, "label"?}]. */
static json_t *
json_counts(const struct rcount *a, size_t n, const char *k, const char *v)
{
	json_t	*arr = json_array(), *o;
	size_t	 i;

	for (i = 0; i < n; i++) {
		o = json_pack("{s:s, s:I}", k, a[i].key, v, (json_int_t)a[i].n);
		if (a[i].label != NULL)
			json_object_set_new(o, "label", json_string(a[i].label));
		json_array_append_new(arr, o);
	}
	return (arr);
}

/* Every figure of one court, or of the total. */
static json_t *
json_scope(const struct rscope *sc)
{
	json_t	*gws = json_array();
	size_t	 i;

	for (i = 0; i < sc->ngws; i++)
		json_array_append_new(gws, json_gateway(&sc->gws[i]));
	return (json_pack("{s:s, s:s, s:b, s:{s:I, s:I, s:I, s:I}, s:o, s:o, "
	    "s:o, s:I, s:o, s:o, s:o, s:o, s:o}",
	    "court", sc->key, "name", sc->name, "configured", sc->configured,
	    "cases", "with_steps", (json_int_t)sc->active, "tracked",
	    (json_int_t)sc->tracked, "performed_voluntarily",
	    (json_int_t)sc->voluntary, "moved_to_enforcement",
	    (json_int_t)sc->enforced,
	    "voluntary_performance_rate", json_rate(sc->voluntary, sc->tracked,
	    100), "forced_enforcement_rate", json_rate(sc->enforced,
	    sc->tracked, 100),
	    "enforcement_steps", json_counts(sc->steps, sc->nsteps, "code",
	    "count"), "enforcement_steps_total", (json_int_t)steps_total(sc),
	    "notifications", json_notifications(sc), "gateways", gws,
	    "commit_to_sent", json_lat(&sc->sent),
	    "commit_to_delivered", json_lat(&sc->dlv),
	    "per_day", json_counts(sc->days, sc->ndays, "date",
	    "notifications")));
}

/* The period, the total, each court, the definitions. */
json_t *
report_to_json(const struct report *r)
{
	json_t	*courts = json_array(), *defs = json_array();
	size_t	 i;

	for (i = 0; i < r->ncourts; i++)
		json_array_append_new(courts, json_scope(&r->courts[i]));
	for (i = 0; report_definitions[i] != NULL; i++)
		json_array_append_new(defs, json_string(report_definitions[i]));
	return (json_pack("{s:s, s:s, s:s, s:{s:s?, s:s?}, s:s?, s:b, s:o, "
	    "s:o, s:o}", "title", REPORT_TITLE, "version", HUIGAO_VERSION,
	    "generated_at", r->generated, "period", "from", period_from(r),
	    "to", period_to(r), "court", r->court, "empty", report_empty(r),
	    "total", json_scope(&r->total), "courts", courts,
	    "definitions", defs));
}

/* Build, convert, free. */
int
report_json(sqlite3 *db, const struct config *cfg,
    const struct report_query *q, json_t **out, char **cause)
{
	struct report	*r;
	int		 rv;

	if ((rv = report_build(db, cfg, q, &r, cause)) != REPORT_OK)
		return (rv);
	*out = report_to_json(r);
	report_free(r);
	return (REPORT_OK);
}

/* ---- the text table -------------------------------------------------- */

/* "92 of 141  65.25%" */
static void
table_rate(FILE *f, const char *what, int64_t num, int64_t den)
{
	char	 buf[32];

	report_fmt_rate(num, den, buf, sizeof(buf));
	fprintf(f, "  %-34s %8lld of %-8lld %8s\n", what, (long long)num,
	    (long long)den, buf);
}

/* The case counts and the two rates. */
static void
table_cases(FILE *f, const struct rscope *sc)
{
	fprintf(f, "  %-34s %8lld\n", "cases with steps in the period",
	    (long long)sc->active);
	fprintf(f, "  %-34s %8lld\n", "tracked (a TRK_* step)",
	    (long long)sc->tracked);
	table_rate(f, "performed voluntarily", sc->voluntary, sc->tracked);
	table_rate(f, "moved to enforcement", sc->enforced, sc->tracked);
}

/* Enforcement steps by type, with their Chinese labels last. */
static void
table_steps(FILE *f, const struct rscope *sc)
{
	size_t	 i;

	fprintf(f, "\n  %-34s %8s\n", "enforcement steps by type", "count");
	for (i = 0; i < sc->nsteps; i++)
		fprintf(f, "    %-32s %8lld  %s\n", sc->steps[i].key,
		    (long long)sc->steps[i].n, sc->steps[i].label ?
		    sc->steps[i].label : "");
	fprintf(f, "    %-32s %8lld\n", "total", (long long)steps_total(sc));
}

/* One row of the channel x state table. */
static void
table_notif_row(FILE *f, const char *name, const int64_t *v, int64_t total)
{
	int	 st;

	fprintf(f, "    %-11s", name);
	for (st = 0; st < NSTATES; st++)
		fprintf(f, " %11lld", (long long)v[st]);
	fprintf(f, " %11lld\n", (long long)total);
}

/* Notifications: channel x state, totals, per case. */
static void
table_notifs(FILE *f, const struct rscope *sc)
{
	int64_t	 tot[NSTATES];
	char	 buf[32];
	int	 ch, st;

	fprintf(f, "\n  %-13s", "notifications");
	for (st = 0; st < NSTATES; st++)
		fprintf(f, " %11s", state_names[st]);
	fprintf(f, " %11s\n", "total");
	for (ch = 0; ch < CH_COUNT; ch++)
		if (ch_total(sc, ch) > 0)
			table_notif_row(f, cfg_channel_name((enum channel)ch),
			    sc->notif[ch], ch_total(sc, ch));
	for (st = 0; st < NSTATES; st++)
		tot[st] = state_total(sc, st);
	table_notif_row(f, "total", tot, sc->nnotif);
	report_fmt_hundredths(report_hundredths(sc->nnotif, sc->active, 1),
	    buf, sizeof(buf));
	fprintf(f, "  %-34s %8s  (%lld / %lld cases)\n", "notifications per "
	    "case", buf, (long long)sc->nnotif, (long long)sc->active);
}

/* "1.800/3.300 s" or "-" */
static void
fmt_lat(const struct rlat *l, char *buf, size_t len)
{
	char	 a[32], b[32];

	if (l->n == 0) {
		snprintf(buf, len, "-");
		return;
	}
	report_fmt_ms(l->median, a, sizeof(a));
	report_fmt_ms(l->p90, b, sizeof(b));
	snprintf(buf, len, "%s/%s", a, b);
}

/* "96.88% (31/32)" */
static void
fmt_rate_counts(int64_t num, int64_t den, char *buf, size_t len)
{
	char	 r[32];

	report_fmt_rate(num, den, r, sizeof(r));
	snprintf(buf, len, "%s (%lld/%lld)", r, (long long)num, (long long)den);
}

/* One line per gateway: counts, rates with counts, latencies. */
static void
table_gateways(FILE *f, const struct rscope *sc)
{
	const struct rgw	*g;
	char			 dr[96], ar[96], ls[96], ld[96];
	size_t			 i;

	fprintf(f, "\n  %-12s %8s %6s %9s %11s %6s  %-18s %-18s %-17s %s\n",
	    "gateway", "attempts", "sent", "delivered", "undelivered", "dead",
	    "delivery rate", "acceptance rate", "to sent p50/p90 s",
	    "to delivered p50/p90 s");
	for (i = 0; i < sc->ngws; i++) {
		g = &sc->gws[i];
		fmt_rate_counts(g->st[ST_DELIVERED], gw_receipts(g), dr,
		    sizeof(dr));
		fmt_rate_counts(gw_accepted(g), gw_final(g), ar, sizeof(ar));
		fmt_lat(&g->sent, ls, sizeof(ls));
		fmt_lat(&g->dlv, ld, sizeof(ld));
		fprintf(f, "    %-10s %8lld %6lld %9lld %11lld %6lld  %-18s "
		    "%-18s %-17s %s\n", g->name, (long long)g->attempts,
		    (long long)g->st[ST_SENT], (long long)g->st[ST_DELIVERED],
		    (long long)g->st[ST_UNDELIVERED], (long long)g->st[ST_DEAD],
		    dr, ar, ls, ld);
	}
	if (sc->ngws == 0)
		fprintf(f, "    (no notification reached a gateway)\n");
}

/* The median and p90 of a latency, or "-". */
static void
table_latency(FILE *f, const char *what, const struct rlat *l)
{
	char	 a[32], b[32];

	if (l->n == 0) {
		fprintf(f, "  %-34s %8s\n", what, "-");
		return;
	}
	report_fmt_ms(l->median, a, sizeof(a));
	report_fmt_ms(l->p90, b, sizeof(b));
	fprintf(f, "  %-34s median %s s, p90 %s s (n = %zu)\n", what, a, b,
	    l->n);
}

/* A scope's section; a court with nothing in the period says so. */
static void
table_scope(FILE *f, const struct rscope *sc, int total)
{
	if (total)
		fprintf(f, "\n== all courts (合计) ==\n");
	else
		fprintf(f, "\n== %s (%s%s) ==\n", sc->name, sc->key,
		    sc->configured ? "" : ", not in the configuration");
	if (sc->active == 0) {
		fprintf(f, "  no cases with steps in the period\n");
		return;
	}
	table_cases(f, sc);
	table_steps(f, sc);
	table_notifs(f, sc);
	table_gateways(f, sc);
	fputc('\n', f);
	table_latency(f, "commit to sent", &sc->sent);
	table_latency(f, "commit to delivered", &sc->dlv);
}

/* The heading, the total, each court, the definitions. */
static void
table_write(const struct report *r, FILE *f)
{
	size_t	 i;

	fprintf(f, "huigao report: %s to %s (local dates of the steps), "
	    "court: %s\ngenerated %s\n", r->from[0] ? r->from : "the first step",
	    r->to[0] ? r->to : "the last step", r->court ? r->court : "all",
	    r->generated);
	if (report_empty(r))
		fprintf(f, "\nNo steps in the period: every count is zero.\n");
	table_scope(f, &r->total, 1);
	for (i = 0; i < r->ncourts; i++)
		table_scope(f, &r->courts[i], 0);
	fprintf(f, "\nDefinitions:\n");
	for (i = 0; report_definitions[i] != NULL; i++)
		fprintf(f, "  - %s\n", report_definitions[i]);
}

/* ---- CSV ------------------------------------------------------------- */

struct csvrow {
	const char	*section;
	const char	*item;
	const char	*detail;
	int64_t		 count;
	int64_t		 of;		/* -1: none */
	const char	*value;
	const char	*unit;
};

/* court,court_name,section,item,detail,count,of,value,unit */
static void
csv_row(FILE *f, const struct rscope *sc, const struct csvrow *w)
{
	report_csv_field(f, sc->key);
	fputc(',', f);
	report_csv_field(f, sc->name);
	fputc(',', f);
	report_csv_field(f, w->section);
	fputc(',', f);
	report_csv_field(f, w->item);
	fputc(',', f);
	report_csv_field(f, w->detail);
	fprintf(f, ",%lld,", (long long)w->count);
	if (w->of >= 0)
		fprintf(f, "%lld", (long long)w->of);
	fputc(',', f);
	report_csv_field(f, w->value);
	fputc(',', f);
	report_csv_field(f, w->unit);
	fputs("\r\n", f);
}

/* A plain count row. */
static void
csv_count(FILE *f, const struct rscope *sc, const char *section,
    const char *item, const char *detail, int64_t n)
{
	struct csvrow	 w = { section, item, detail, n, -1, NULL, NULL };

	csv_row(f, sc, &w);
}

/* A rate row: count, of, the rounded value and its unit. */
static void
csv_rate(FILE *f, const struct rscope *sc, const char *section,
    const char *item, const char *detail, int64_t num, int64_t den,
    int64_t scale)
{
	char		 buf[32];
	struct csvrow	 w = { section, item, detail, num, den, NULL,
	    scale == 100 ? "%" : NULL };
	int64_t		 h = report_hundredths(num, den, scale);

	report_fmt_hundredths(h, buf, sizeof(buf));
	w.value = h < 0 ? NULL : buf;
	csv_row(f, sc, &w);
}

/* The median and p90 rows of a latency (count = the number of values). */
static void
csv_lat(FILE *f, const struct rscope *sc, const char *section,
    const char *item, const char *what, const struct rlat *l)
{
	char		 a[32], b[32], ka[64], kb[64];
	struct csvrow	 w = { section, item, ka, (int64_t)l->n, -1, NULL, "s" };

	report_fmt_ms(l->median, a, sizeof(a));
	report_fmt_ms(l->p90, b, sizeof(b));
	snprintf(ka, sizeof(ka), "%s_median", what);
	snprintf(kb, sizeof(kb), "%s_p90", what);
	w.value = l->n > 0 ? a : NULL;
	csv_row(f, sc, &w);
	w.detail = kb;
	w.value = l->n > 0 ? b : NULL;
	csv_row(f, sc, &w);
}

/* Every figure of every gateway, one row each. */
static void
csv_gateways(FILE *f, const struct rscope *sc)
{
	const struct rgw	*g;
	size_t			 i;
	int			 st;

	for (i = 0; i < sc->ngws; i++) {
		g = &sc->gws[i];
		csv_count(f, sc, "gateway", g->name, "attempts", g->attempts);
		for (st = ST_SENT; st <= ST_DEAD; st++)
			csv_count(f, sc, "gateway", g->name, state_names[st],
			    g->st[st]);
		csv_rate(f, sc, "gateway", g->name, "delivery_rate",
		    g->st[ST_DELIVERED], gw_receipts(g), 100);
		csv_rate(f, sc, "gateway", g->name, "acceptance_rate",
		    gw_accepted(g), gw_final(g), 100);
		csv_lat(f, sc, "gateway", g->name, "to_sent", &g->sent);
		csv_lat(f, sc, "gateway", g->name, "to_delivered", &g->dlv);
	}
}

/* Every figure of a scope, one row each. */
static void
csv_scope(FILE *f, const struct rscope *sc)
{
	size_t	 i;
	int	 ch, st;

	csv_count(f, sc, "cases", "with_steps", NULL, sc->active);
	csv_count(f, sc, "cases", "tracked", NULL, sc->tracked);
	csv_rate(f, sc, "cases", "performed_voluntarily", NULL, sc->voluntary,
	    sc->tracked, 100);
	csv_rate(f, sc, "cases", "moved_to_enforcement", NULL, sc->enforced,
	    sc->tracked, 100);
	for (i = 0; i < sc->nsteps; i++)
		csv_count(f, sc, "steps", sc->steps[i].key, sc->steps[i].label,
		    sc->steps[i].n);
	csv_count(f, sc, "steps", "total", NULL, steps_total(sc));
	for (ch = 0; ch < CH_COUNT; ch++)
		for (st = 0; st < NSTATES && ch_total(sc, ch) > 0; st++)
			csv_count(f, sc, "notifications",
			    cfg_channel_name((enum channel)ch), state_names[st],
			    sc->notif[ch][st]);
	csv_count(f, sc, "notifications", "total", NULL, sc->nnotif);
	csv_rate(f, sc, "notifications", "per_case", NULL, sc->nnotif,
	    sc->active, 1);
	csv_gateways(f, sc);
	csv_lat(f, sc, "latency", "all", "to_sent", &sc->sent);
	csv_lat(f, sc, "latency", "all", "to_delivered", &sc->dlv);
	for (i = 0; i < sc->ndays; i++)
		csv_count(f, sc, "day", sc->days[i].key, NULL, sc->days[i].n);
}

/*
 * A byte-order mark (Excel on a Chinese Windows reads a CSV without one as
 * GBK and garbles every name), a header, then the total's rows ("*"), then
 * each court's.
 */
static void
csv_write(const struct report *r, FILE *f)
{
	size_t	 i;

	fputs("\xef\xbb\xbf", f);
	fputs("court,court_name,section,item,detail,count,of,value,unit\r\n", f);
	csv_scope(f, &r->total);
	for (i = 0; i < r->ncourts; i++)
		csv_scope(f, &r->courts[i]);
}

/* ---- HTML ------------------------------------------------------------ */

static const char html_css[] =
    "*{box-sizing:border-box}\n"
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\","
    "\"WenQuanYi Zen Hei\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;"
    "color:#1f2937;background:#fff;margin:24px auto;max-width:1120px;"
    "padding:0 16px;line-height:1.5}\n"
    "h1{font-size:26px;margin:0 0 4px;padding-bottom:8px;"
    "border-bottom:3px solid #b91c1c}\n"
    "h2{font-size:20px;margin:32px 0 8px;padding-left:10px;"
    "border-left:5px solid #b91c1c}\n"
    "h3{font-size:16px;margin:18px 0 6px}\n"
    ".meta{color:#4b5563;font-size:14px;margin:6px 0 16px}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 14px;"
    "font-size:14px}\n"
    "th,td{border:1px solid #d1d5db;padding:4px 8px;vertical-align:top}\n"
    "table.kv{width:auto;min-width:50%}\n"
    "th{background:#f3f4f6;text-align:left;font-weight:600}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}\n"
    "tr.sum td{font-weight:700;background:#fafafa}\n"
    ".c{color:#6b7280;font-size:12px}\n"
    ".charts{display:grid;grid-template-columns:1fr 1fr;gap:14px}\n"
    "figure{margin:0;border:1px solid #e5e7eb;border-radius:4px;"
    "padding:8px 10px}\n"
    "figure.wide{grid-column:1/-1}\n"
    "figcaption{font-weight:600;margin-bottom:4px}\n"
    "svg.chart{display:block;height:auto}\n"
    "svg .lb,svg .val{font-size:14px;fill:#1f2937}\n"
    "svg .ax,svg .vv{font-size:12px;fill:#4b5563}\n"
    "svg .nodata{font-size:16px;fill:#9ca3af}\n"
    ".empty{padding:10px 12px;background:#fef3c7;border:1px solid #f59e0b;"
    "border-radius:4px}\n"
    ".notes{font-size:13px;color:#374151}\n"
    ".notes li{margin:2px 0}\n"
    "@page{size:A4;margin:14mm}\n"
    "@media print{body{margin:0;max-width:none;padding:0;font-size:10pt}"
    "h1{font-size:18pt}h2{font-size:13pt}table{font-size:9pt}"
    "section.scope{break-before:page}"
    "figure,table,tr{break-inside:avoid}"
    ".charts{grid-template-columns:1fr 1fr}"
    "th,tr.sum td,.empty,svg{-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}}\n";

/* A right-aligned number cell. */
static void
html_cell_n(FILE *f, int64_t n)
{
	fprintf(f, "<td class=\"n\">%lld</td>", (long long)n);
}

/* A rate cell: "65.25%" and, smaller, "(92/141)". */
static void
html_cell_rate(FILE *f, int64_t num, int64_t den)
{
	char	 buf[32];

	report_fmt_rate(num, den, buf, sizeof(buf));
	fprintf(f, "<td class=\"n\">%s <span class=\"c\">(%lld/%lld)</span>"
	    "</td>", strcmp(buf, "-") == 0 ? "—" : buf, (long long)num,
	    (long long)den);
}

/* An escaped text cell. */
static void
html_cell_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	report_html_text(f, s);
	fputs("</td>", f);
}

/* The court's display name; unconfigured ones say so. */
static void
html_name(FILE *f, const struct rscope *sc)
{
	report_html_text(f, sc->name);
	if (!sc->configured)
		fputs("（未配置）", f);
}

/* One court (or the total) of the summary table. */
static void
html_summary_row(FILE *f, const struct rscope *sc, int sum)
{
	char	 buf[32];

	fprintf(f, "<tr%s><td>", sum ? " class=\"sum\"" : "");
	html_name(f, sc);
	fputs("</td>", f);
	html_cell_n(f, sc->active);
	html_cell_n(f, sc->tracked);
	html_cell_n(f, sc->voluntary);
	html_cell_rate(f, sc->voluntary, sc->tracked);
	html_cell_n(f, sc->enforced);
	html_cell_rate(f, sc->enforced, sc->tracked);
	html_cell_n(f, steps_total(sc));
	html_cell_n(f, sc->nnotif);
	report_fmt_hundredths(report_hundredths(sc->nnotif, sc->active, 1),
	    buf, sizeof(buf));
	fprintf(f, "<td class=\"n\">%s</td></tr>\n", strcmp(buf, "-") == 0 ?
	    "—" : buf);
}

/* The headline figures, a row per court and the total. */
static void
html_summary(FILE *f, const struct report *r)
{
	size_t	 i;

	fputs("<h2>概览</h2>\n<table class=\"summary\"><thead><tr><th>法院</th>"
	    "<th class=\"n\">有节点的案件</th><th class=\"n\">跟踪履行案件</th>"
	    "<th class=\"n\">自动履行</th><th class=\"n\">自动履行率</th>"
	    "<th class=\"n\">转入强制执行</th><th class=\"n\">强制执行率</th>"
	    "<th class=\"n\">执行节点</th><th class=\"n\">通知</th>"
	    "<th class=\"n\">案均通知</th></tr></thead><tbody>\n", f);
	for (i = 0; i < r->ncourts; i++)
		html_summary_row(f, &r->courts[i], 0);
	html_summary_row(f, &r->total, 1);
	fputs("</tbody></table>\n", f);
}

/* The per-day (or per-month) chart of the total. */
static void
chart_days(FILE *f, const struct report *r)
{
	struct report_bar	*b = xcalloc(r->nbuckets, sizeof(*b));
	size_t			 i;

	for (i = 0; i < r->nbuckets; i++) {
		/* "06-01" for a day, "2024-06" for a month */
		b[i].label = r->monthly ? r->buckets[i].key :
		    r->buckets[i].key + 5;
		b[i].value = r->buckets[i].n;
	}
	fprintf(f, "<figure class=\"wide\"><figcaption>%s</figcaption>\n",
	    r->monthly ? "每月通知数" : "每日通知数");
	report_svg_vbars(f, r->monthly ? "每月通知数" : "每日通知数", b,
	    r->nbuckets);
	fputs("</figure>\n", f);
	free(b);
}

/* Bars of rates: value in hundredths of a percent, text with the counts. */
static void
rate_bar(struct report_bar *b, const char *label, int64_t num, int64_t den,
    char *buf, size_t len)
{
	int64_t	 h = report_hundredths(num, den, 100);

	b->label = label;
	b->value = h < 0 ? 0 : h;
	if (h < 0)
		snprintf(buf, len, "—");
	else
		fmt_rate_counts(num, den, buf, len);
	b->text = buf;
}

/* The delivery rate per gateway, against 100%. */
static void
chart_gateways(FILE *f, const struct rscope *sc)
{
	struct report_bar	*b = xcalloc(sc->ngws, sizeof(*b));
	char			(*t)[96] = xcalloc(sc->ngws + 1, sizeof(*t));
	size_t			 i;

	for (i = 0; i < sc->ngws; i++)
		rate_bar(&b[i], sc->gws[i].name, sc->gws[i].st[ST_DELIVERED],
		    gw_receipts(&sc->gws[i]), t[i], sizeof(t[i]));
	fputs("<figure><figcaption>各网关送达率</figcaption>\n", f);
	report_svg_hbars(f, "各网关送达率", b, sc->ngws, 10000);
	fputs("</figure>\n", f);
	free(t);
	free(b);
}

/* Enforcement steps by type, against the most frequent. */
static void
chart_steps(FILE *f, const struct rscope *sc)
{
	struct report_bar	*b = xcalloc(sc->nsteps, sizeof(*b));
	char			(*t)[24] = xcalloc(sc->nsteps + 1, sizeof(*t));
	size_t			 i;

	for (i = 0; i < sc->nsteps; i++) {
		b[i].label = sc->steps[i].label ? sc->steps[i].label :
		    sc->steps[i].key;
		b[i].value = sc->steps[i].n;
		snprintf(t[i], sizeof(t[i]), "%lld", (long long)sc->steps[i].n);
		b[i].text = t[i];
	}
	fputs("<figure><figcaption>执行节点（按类型）</figcaption>\n", f);
	report_svg_hbars(f, "执行节点（按类型）", b, sc->nsteps, 0);
	fputs("</figure>\n", f);
	free(t);
	free(b);
}

/* The voluntary-performance rate per court and in total. */
static void
chart_courts(FILE *f, const struct report *r)
{
	struct report_bar	*b = xcalloc(r->ncourts + 1, sizeof(*b));
	char			(*t)[96] = xcalloc(r->ncourts + 1, sizeof(*t));
	size_t			 i;

	for (i = 0; i < r->ncourts; i++)
		rate_bar(&b[i], r->courts[i].name, r->courts[i].voluntary,
		    r->courts[i].tracked, t[i], sizeof(t[i]));
	rate_bar(&b[i], "合计", r->total.voluntary, r->total.tracked, t[i],
	    sizeof(t[i]));
	fputs("<figure><figcaption>各法院自动履行率</figcaption>\n", f);
	report_svg_hbars(f, "各法院自动履行率", b, r->ncourts + 1, 10000);
	fputs("</figure>\n", f);
	free(t);
	free(b);
}

/* The four charts, from the total. */
static void
html_charts(FILE *f, const struct report *r)
{
	fputs("<h2>图表</h2>\n<div class=\"charts\">\n", f);
	chart_days(f, r);
	chart_courts(f, r);
	chart_gateways(f, &r->total);
	chart_steps(f, &r->total);
	fputs("</div>\n", f);
}

/* The case counts and the two rates, with their counts. */
static void
html_cases(FILE *f, const struct rscope *sc)
{
	fputs("<h3>案件</h3>\n<table class=\"kv\"><thead><tr><th>指标</th><th class=\"n\">"
	    "案件数</th><th class=\"n\">比率</th></tr></thead><tbody>\n", f);
	fputs("<tr><td>有节点的案件</td>", f);
	html_cell_n(f, sc->active);
	fputs("<td></td></tr>\n<tr><td>跟踪履行案件</td>", f);
	html_cell_n(f, sc->tracked);
	fputs("<td></td></tr>\n<tr><td>自动履行</td>", f);
	html_cell_n(f, sc->voluntary);
	html_cell_rate(f, sc->voluntary, sc->tracked);
	fputs("</tr>\n<tr><td>转入强制执行</td>", f);
	html_cell_n(f, sc->enforced);
	html_cell_rate(f, sc->enforced, sc->tracked);
	fputs("</tr>\n</tbody></table>\n", f);
}

/* Enforcement steps by type, with a total row. */
static void
html_steps(FILE *f, const struct rscope *sc)
{
	size_t	 i;

	fputs("<h3>执行节点（按类型）</h3>\n<table><thead><tr><th>节点</th>"
	    "<th>代码</th><th class=\"n\">数量</th></tr></thead><tbody>\n", f);
	for (i = 0; i < sc->nsteps; i++) {
		fputs("<tr>", f);
		html_cell_text(f, sc->steps[i].label ? sc->steps[i].label : "");
		html_cell_text(f, sc->steps[i].key);
		html_cell_n(f, sc->steps[i].n);
		fputs("</tr>\n", f);
	}
	fputs("<tr class=\"sum\"><td>合计</td><td></td>", f);
	html_cell_n(f, steps_total(sc));
	fputs("</tr>\n</tbody></table>\n", f);
}

/* Notifications: channel x state, totals, then per case. */
static void
html_notifs(FILE *f, const struct rscope *sc)
{
	char	 buf[32];
	int	 ch, st;

	fputs("<h3>通知（按渠道与状态）</h3>\n<table><thead><tr><th>渠道</th>",
	    f);
	for (st = 0; st < NSTATES; st++)
		fprintf(f, "<th class=\"n\">%s</th>", state_zh[st]);
	fputs("<th class=\"n\">合计</th></tr></thead><tbody>\n", f);
	for (ch = 0; ch < CH_COUNT; ch++) {
		if (ch_total(sc, ch) == 0)
			continue;
		fprintf(f, "<tr><td>%s</td>", channel_zh[ch]);
		for (st = 0; st < NSTATES; st++)
			html_cell_n(f, sc->notif[ch][st]);
		html_cell_n(f, ch_total(sc, ch));
		fputs("</tr>\n", f);
	}
	fputs("<tr class=\"sum\"><td>合计</td>", f);
	for (st = 0; st < NSTATES; st++)
		html_cell_n(f, state_total(sc, st));
	html_cell_n(f, sc->nnotif);
	report_fmt_hundredths(report_hundredths(sc->nnotif, sc->active, 1),
	    buf, sizeof(buf));
	fprintf(f, "</tr>\n</tbody></table>\n<p>案均通知：%s <span class=\"c\">"
	    "(%lld/%lld)</span></p>\n", strcmp(buf, "-") == 0 ? "—" : buf,
	    (long long)sc->nnotif, (long long)sc->active);
}

/* A latency cell in seconds, or a dash. */
static void
html_cell_lat(FILE *f, const struct rlat *l, int64_t v)
{
	char	 buf[32];

	if (l->n == 0) {
		fputs("<td class=\"n\">—</td>", f);
		return;
	}
	report_fmt_ms(v, buf, sizeof(buf));
	fprintf(f, "<td class=\"n\">%s</td>", buf);
}

/* One gateway: counts, rates with counts, latencies. */
static void
html_gateway_row(FILE *f, const struct rgw *g)
{
	fputs("<tr>", f);
	html_cell_text(f, g->name);
	html_cell_n(f, g->attempts);
	html_cell_n(f, g->st[ST_SENT]);
	html_cell_n(f, g->st[ST_DELIVERED]);
	html_cell_n(f, g->st[ST_UNDELIVERED]);
	html_cell_n(f, g->st[ST_DEAD]);
	html_cell_rate(f, g->st[ST_DELIVERED], gw_receipts(g));
	html_cell_rate(f, gw_accepted(g), gw_final(g));
	html_cell_lat(f, &g->sent, g->sent.median);
	html_cell_lat(f, &g->sent, g->sent.p90);
	html_cell_lat(f, &g->dlv, g->dlv.median);
	html_cell_lat(f, &g->dlv, g->dlv.p90);
	fputs("</tr>\n", f);
}

/* The gateway table under a two-row heading. */
static void
html_gateways(FILE *f, const struct rscope *sc)
{
	size_t	 i;

	fputs("<h3>网关</h3>\n<table><thead><tr><th rowspan=\"2\">网关</th>"
	    "<th class=\"n\" rowspan=\"2\">尝试次数</th>"
	    "<th class=\"n\" rowspan=\"2\">已发送</th>"
	    "<th class=\"n\" rowspan=\"2\">已送达</th>"
	    "<th class=\"n\" rowspan=\"2\">未送达</th>"
	    "<th class=\"n\" rowspan=\"2\">发送失败</th>"
	    "<th class=\"n\" rowspan=\"2\">送达率</th>"
	    "<th class=\"n\" rowspan=\"2\">受理率</th>"
	    "<th class=\"n\" colspan=\"2\">提交→发送（秒）</th>"
	    "<th class=\"n\" colspan=\"2\">提交→送达（秒）</th></tr>"
	    "<tr><th class=\"n\">中位数</th><th class=\"n\">P90</th>"
	    "<th class=\"n\">中位数</th><th class=\"n\">P90</th></tr>"
	    "</thead><tbody>\n", f);
	for (i = 0; i < sc->ngws; i++)
		html_gateway_row(f, &sc->gws[i]);
	if (sc->ngws == 0)
		fputs("<tr><td colspan=\"12\">没有经网关发送的通知</td></tr>\n", f);
	fputs("</tbody></table>\n", f);
}

/* The scope's latencies over every gateway. */
static void
html_latency(FILE *f, const struct rscope *sc)
{
	fputs("<h3>时效</h3>\n<table class=\"kv\"><thead><tr><th>区间</th><th class=\"n\">"
	    "通知数</th><th class=\"n\">中位数（秒）</th><th class=\"n\">P90（秒）"
	    "</th></tr></thead><tbody>\n<tr><td>提交→发送</td>", f);
	html_cell_n(f, (int64_t)sc->sent.n);
	html_cell_lat(f, &sc->sent, sc->sent.median);
	html_cell_lat(f, &sc->sent, sc->sent.p90);
	fputs("</tr>\n<tr><td>提交→送达</td>", f);
	html_cell_n(f, (int64_t)sc->dlv.n);
	html_cell_lat(f, &sc->dlv, sc->dlv.median);
	html_cell_lat(f, &sc->dlv, sc->dlv.p90);
	fputs("</tr>\n</tbody></table>\n", f);
}

/* A court's (or the total's) section; a new page when printed. */
static void
html_scope(FILE *f, const struct rscope *sc, int total)
{
	fprintf(f, "<section class=\"scope\" id=\"court-");
	report_html_text(f, sc->key);
	fputs("\">\n<h2>", f);
	if (total)
		fputs("合计（全部法院）", f);
	else
		html_name(f, sc);
	fputs("</h2>\n", f);
	if (sc->active == 0) {
		fprintf(f, "<p class=\"empty\">统计期间内没有%s案件节点，"
		    "各项数字均为 0。</p>\n</section>\n", total ? "" : "该法院的");
		return;
	}
	html_cases(f, sc);
	html_steps(f, sc);
	html_notifs(f, sc);
	html_gateways(f, sc);
	html_latency(f, sc);
	fputs("</section>\n", f);
}

/* The document head, the inline stylesheet and the period line. */
static void
html_head(FILE *f, const struct report *r)
{
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<meta "
	    "name=\"generator\" content=\"huigao %s\">\n<title>%s</title>\n"
	    "<style>\n%s</style>\n</head>\n<body>\n<h1>%s</h1>\n"
	    "<p class=\"meta\">统计期间：%s 至 %s（按节点发生日期） · 法院：",
	    HUIGAO_VERSION, REPORT_TITLE, html_css, REPORT_TITLE,
	    r->from[0] ? r->from : "最早节点", r->to[0] ? r->to : "最新节点");
	if (r->court != NULL && r->ncourts == 1)
		html_name(f, &r->courts[0]);
	else
		fputs("全部", f);
	fprintf(f, " · 生成时间：%s</p>\n", r->generated);
	if (report_empty(r))
		fputs("<p class=\"empty\">统计期间内没有任何案件节点，"
		    "各项数字均为 0。</p>\n", f);
}

/* Head, summary, charts, sections, definitions: one file. */
static void
html_write(const struct report *r, FILE *f)
{
	size_t	 i;

	html_head(f, r);
	html_summary(f, r);
	html_charts(f, r);
	html_scope(f, &r->total, 1);
	for (i = 0; i < r->ncourts; i++)
		html_scope(f, &r->courts[i], 0);
	fputs("<section class=\"notes\">\n<h2>说明</h2>\n<ol>\n", f);
	for (i = 0; definitions_zh[i] != NULL; i++)
		fprintf(f, "<li>%s</li>\n", definitions_zh[i]);
	fputs("</ol>\n</section>\n</body>\n</html>\n", f);
}

/* ---- output ---------------------------------------------------------- */

/* Every renderer writes through stdio; errors show at the flush. */
int
report_write(const struct report *r, enum report_format fmt, FILE *f)
{
	json_t	*o;

	switch (fmt) {
	case REPORT_TABLE:
		table_write(r, f);
		break;
	case REPORT_CSV:
		csv_write(r, f);
		break;
	case REPORT_JSON:
		o = report_to_json(r);
		json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', f);
		json_decref(o);
		break;
	case REPORT_HTML:
		html_write(r, f);
		break;
	}
	if (fflush(f) == EOF || ferror(f))
		return (-1);
	return (0);
}

/* A temporary file beside path, with the mode a plain create would give. */
static FILE *
tmp_beside(const char *path, char **tmp, char **cause)
{
	mode_t	 um = umask(0);
	int	 fd;
	FILE	*f;

	umask(um);
	*tmp = xasprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(*tmp)) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return (NULL);
	}
	fchmod(fd, 0666 & ~um);
	if ((f = fdopen(fd, "w")) == NULL) {
		*cause = xasprintf("%s: %s", *tmp, strerror(errno));
		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return (f);
}

/* Readers of path never see a half-written report. */
int
report_write_file(const struct report *r, enum report_format fmt,
    const char *path, char **cause)
{
	char	*tmp;
	FILE	*f;
	int	 rv = -1;

	if ((f = tmp_beside(path, &tmp, cause)) == NULL)
		return (-1);
	if (report_write(r, fmt, f) == -1)
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
	else if (fsync(fileno(f)) == -1)
		*cause = xasprintf("%s: fsync: %s", tmp, strerror(errno));
	else
		rv = 0;
	if (fclose(f) == EOF && rv == 0) {
		*cause = xasprintf("%s: %s", tmp, strerror(errno));
		rv = -1;
	}
	if (rv == 0 && rename(tmp, path) == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		rv = -1;
	}
	if (rv == -1)
		unlink(tmp);
	free(tmp);
	return (rv);
}

/* The text of huigaoctl report --help. */
void
report_help(FILE *f)
{
	size_t	 i;

	fputs("usage: huigaoctl report [--from DATE] [--to DATE] [--court KEY] "
	    "[--format table|csv|json|html] [-o FILE]\n"
	    "  --from DATE    first day, YYYY-MM-DD (local), inclusive; default: "
	    "the first step\n"
	    "  --to DATE      last day, YYYY-MM-DD (local), inclusive of the "
	    "whole day; default: the last step\n"
	    "  --court KEY    one court (cases.court, a key of courts in the "
	    "configuration); default: every court and the total\n"
	    "  --format F     table (default), csv, json, or html (one "
	    "self-contained printable page with charts)\n"
	    "  -o FILE        write FILE (replaced atomically) instead of "
	    "standard output\n"
	    "Exit status: 0 done (an empty period too), 1 a database or output "
	    "error, 2 a bad argument (a malformed date, --from after --to, an "
	    "unknown court or format), 78 a configuration error.\n"
	    "Definitions:\n", f);
	for (i = 0; report_definitions[i] != NULL; i++)
		fprintf(f, "  - %s\n", report_definitions[i]);
}
