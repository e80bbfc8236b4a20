/*
 * huigaoctl.c - the administrator's tool: create or migrate the database,
 * record cases, parties and steps (as the court's system would), inspect,
 * retry and cancel notifications, and preview a step's exact text.
 *
 * Exit codes: 0 success, 1 a runtime error (named on stderr), 2 bad usage,
 * 78 a configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "huigao.h"
#include "report.h"
#include "store.h"

#define EXIT_USAGE	2

struct ctl {
	const char	*cfgpath;
	struct config	*cfg;
	struct store	*st;
	sqlite3		*db;
	int		 json;
};

struct cmd {
	const char	*name;
	const char	*sub;		/* second word, or NULL */
	int		(*fn)(struct ctl *, int, char **);
	const char	*usage;
};

static void
die(const char *fmt, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;
static void
die(const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "huigaoctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* Load the configuration; its errors exit 78. */
static void
ctl_config(struct ctl *c)
{
	char	*cause = NULL;

	if (c->cfg != NULL)
		return;
	if ((c->cfg = cfg_load(c->cfgpath, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		exit(EXIT_CONFIG);
	}
	setenv("TZ", c->cfg->timezone, 1);
	tzset();
}

/* Open the database named by the configuration. */
static void
ctl_open(struct ctl *c, int flags)
{
	char	*cause = NULL;

	ctl_config(c);
	if (store_open(c->cfg->database, flags, &c->st, &cause) != STORE_OK)
		die("%s", cause);
	if (!(flags & STORE_CREATE) && store_check_schema(c->st, &cause) !=
	    STORE_OK)
		die("%s", cause);
	c->db = store_db(c->st);
	sqlite3_busy_timeout(c->db, 5000);
}

/* Prepare or die with the database's message. */
static sqlite3_stmt *
ctl_prepare(struct ctl *c, const char *sql)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(c->db, sql, -1, &s, NULL) != SQLITE_OK)
		die("database: %s", sqlite3_errmsg(c->db));
	return (s);
}

/* Step a write statement; die on failure with the database's reason. */
static void
ctl_done(struct ctl *c, sqlite3_stmt *s, const char *what)
{
	if (sqlite3_step(s) != SQLITE_DONE) {
		char	*msg = xstrdup(sqlite3_errmsg(c->db));

		sqlite3_finalize(s);
		die("%s: %s", what, msg);
	}
	sqlite3_finalize(s);
}

/* The id of a case by its number (normalised first); dies if unknown. */
static int64_t
ctl_case_id(struct ctl *c, const char *no, char **court)
{
	sqlite3_stmt	*s;
	char		*norm = NULL, *cause = NULL;
	int64_t		 id = -1;

	if (text_case_no_normalize(no, &norm, &cause) == -1) {
		free(cause);
		norm = xstrdup(no);
	}
	s = ctl_prepare(c, "SELECT id, court FROM cases WHERE case_no = ?1");
	sqlite3_bind_text(s, 1, norm, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (court != NULL)
			*court = xstrdup((const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_finalize(s);
	if (id == -1)
		die("no case \"%s\" in the database (add it with: huigaoctl "
		    "case add --no '%s' --court KEY)", norm, norm);
	free(norm);
	return (id);
}

/* "k=v" pairs into a JSON object; integers stay strings (as written). */
static void
ctl_param(json_t *params, const char *kv)
{
	const char	*eq = strchr(kv, '=');
	char		*k;

	if (eq == NULL || eq == kv)
		die("--param takes key=value, not \"%s\"", kv);
	k = xstrndup(kv, (size_t)(eq - kv));
	json_object_set_new(params, k, json_string(eq + 1));
	free(k);
}

static int
cmd_init(struct ctl *c, int argc, char **argv)
{
	char	*cause = NULL;
	int	 from, to;

	(void)argv;
	if (argc > 1)
		return (EXIT_USAGE);
	ctl_open(c, STORE_CREATE);
	if (store_migrate(c->st, &from, &to, &cause) != STORE_OK)
		die("%s", cause);
	if (from == to)
		printf("%s: schema version %d, up to date\n", c->cfg->database, to);
	else
		printf("%s: schema version %d -> %d\n", c->cfg->database, from, to);
	return (0);
}

static int
cmd_case_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "no", 1, NULL, 'n' },
	    { "court", 1, NULL, 'c' }, { NULL, 0, NULL, 0 } };
	const char	*no = NULL, *court = NULL;
	char		*norm = NULL, *cause = NULL;
	sqlite3_stmt	*s;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n') no = optarg;
		else if (ch == 'c') court = optarg;
		else return (EXIT_USAGE);
	}
	if (no == NULL || optind != argc)
		return (EXIT_USAGE);
	ctl_open(c, 0);
	if (court == NULL && c->cfg->ncourts == 1)
		court = c->cfg->courts[0].key;
	if (court == NULL || cfg_court(c->cfg, court) == NULL)
		die("--court must name a court of the configuration (%s)",
		    c->cfg->courts[0].key);
	if (text_case_no_normalize(no, &norm, &cause) == -1)
		die("case number: %s", cause);
	s = ctl_prepare(c, "INSERT INTO cases(case_no, court) VALUES (?1, ?2)");
	sqlite3_bind_text(s, 1, norm, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, court, -1, SQLITE_STATIC);
	ctl_done(c, s, "adding the case");
	printf("%lld\n", (long long)sqlite3_last_insert_rowid(c->db));
	free(norm);
	return (0);
}

static int
cmd_party_add(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "case", 1, NULL, 'c' },
	    { "role", 1, NULL, 'r' }, { "name", 1, NULL, 'n' },
	    { "phone", 1, NULL, 'p' }, { "openid", 1, NULL, 'w' },
	    { "email", 1, NULL, 'e' }, { "opted-out", 0, NULL, 'o' },
	    { NULL, 0, NULL, 0 } };
	const char	*no = NULL, *role = NULL, *name = NULL, *phone = NULL;
	const char	*openid = NULL, *email = NULL;
	char		 norm[32], *cause = NULL;
	sqlite3_stmt	*s;
	int		 ch, opted = 0;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': no = optarg; break;
		case 'r': role = optarg; break;
		case 'n': name = optarg; break;
		case 'p': phone = optarg; break;
		case 'w': openid = optarg; break;
		case 'e': email = optarg; break;
		case 'o': opted = 1; break;
		default: return (EXIT_USAGE);
		}
	}
	if (no == NULL || role == NULL || optind != argc)
		return (EXIT_USAGE);
	if (cfg_role_parse(role) == 0)
		die("--role must be applicant, agent or respondent");
	ctl_open(c, 0);
	if (phone != NULL) {
		if (text_phone_normalize(phone, norm, sizeof(norm), &cause) == 0)
			phone = norm;
		else
			fprintf(stderr, "huigaoctl: warning: %s; this party "
			    "will get no SMS\n", cause);
		free(cause);
	}
	s = ctl_prepare(c, "INSERT INTO parties(case_id, role, name, phone,"
	    " wechat_openid, email, opted_out) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_bind_int64(s, 1, ctl_case_id(c, no, NULL));
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, openid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, email, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, opted);
	ctl_done(c, s, "adding the party");
	printf("%lld\n", (long long)sqlite3_last_insert_rowid(c->db));
	return (0);
}

/* Shared option parsing of step add and preview. */
struct stepargs {
	const char	*no;
	const char	*code;
	const char	*at;
	const char	*after;
	const char	*court;
	json_t		*params;
};

static int
stepargs_parse(int argc, char **argv, struct stepargs *a)
{
	static const struct option opts[] = { { "case", 1, NULL, 'c' },
	    { "step", 1, NULL, 's' }, { "param", 1, NULL, 'p' },
	    { "at", 1, NULL, 'a' }, { "notify-after", 1, NULL, 'n' },
	    { "court", 1, NULL, 'C' }, { NULL, 0, NULL, 0 } };
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->params = json_object();
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': a->no = optarg; break;
		case 's': a->code = optarg; break;
		case 'p': ctl_param(a->params, optarg); break;
		case 'a': a->at = optarg; break;
		case 'n': a->after = optarg; break;
		case 'C': a->court = optarg; break;
		default: return (-1);
		}
	}
	return (a->no == NULL || a->code == NULL || optind != argc ? -1 : 0);
}

static int
cmd_step_add(struct ctl *c, int argc, char **argv)
{
	struct stepargs	 a;
	sqlite3_stmt	*s;
	char		 now[32], *params;
	int64_t		 ms;

	if (stepargs_parse(argc, argv, &a) == -1)
		return (EXIT_USAGE);
	ctl_open(c, 0);
	if (cfg_step(c->cfg, a.code) == NULL)
		die("unknown step code \"%s\" (see steps in %s)", a.code,
		    c->cfgpath);
	if (a.at != NULL && util_parse_time(a.at, &ms) == -1)
		die("--at \"%s\" is not an ISO 8601 time", a.at);
	if (a.after != NULL && util_parse_time(a.after, &ms) == -1)
		die("--notify-after \"%s\" is not an ISO 8601 time", a.after);
	util_iso_local(util_now_ms(), now, sizeof(now));
	params = json_dumps(a.params, JSON_COMPACT | JSON_SORT_KEYS);
	s = ctl_prepare(c, "INSERT INTO case_steps(case_id, step_code,"
	    " occurred_at, params, notify_after) VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_int64(s, 1, ctl_case_id(c, a.no, NULL));
	sqlite3_bind_text(s, 2, a.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a.at ? a.at : now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, params, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a.after, -1, SQLITE_STATIC);
	ctl_done(c, s, "adding the step");
	printf("%lld\n", (long long)sqlite3_last_insert_rowid(c->db));
	free(params);
	json_decref(a.params);
	return (0);
}

static int
cmd_preview(struct ctl *c, int argc, char **argv)
{
	const struct court_cfg	*court;
	const struct step_cfg	*sc;
	struct stepargs		 a;
	struct render_ctx	 rc;
	struct sms_count	 cnt;
	char			*text = NULL, *cause = NULL, *dbcourt = NULL;
	char			*norm = NULL, *full, date[64], now[32];

	if (stepargs_parse(argc, argv, &a) == -1)
		return (EXIT_USAGE);
	ctl_config(c);
	if ((sc = cfg_step(c->cfg, a.code)) == NULL)
		die("unknown step code \"%s\"", a.code);
	if (a.court == NULL && access(c->cfg->database, F_OK) == 0) {
		ctl_open(c, 0);
		ctl_case_id(c, a.no, &dbcourt);
	}
	if ((court = cfg_court(c->cfg, a.court ? a.court : dbcourt ? dbcourt :
	    c->cfg->courts[0].key)) == NULL)
		die("unknown court \"%s\"", a.court ? a.court : dbcourt);
	if (text_case_no_normalize(a.no, &norm, &cause) == -1)
		die("case number: %s", cause);
	util_iso_local(util_now_ms(), now, sizeof(now));
	text_format_date(a.at ? a.at : now, date, sizeof(date));
	memset(&rc, 0, sizeof(rc));
	rc.case_no = norm;
	rc.court = court->name;
	rc.step = sc->label;
	rc.date = date;
	rc.name = "";
	rc.params = a.params;
	if (sc->roles == 0)
		die("step %s is internal: it notifies nobody", sc->code);
	if (text_render(sc->text, &rc, &text, &cause) == -1)
		die("%s", cause);
	full = xasprintf("【%s】%s", court->sign, text);
	text_sms_count(full, 0, &cnt);
	printf("%s\n%zu characters, %zu SMS part%s\n", full, cnt.chars,
	    cnt.parts, cnt.parts == 1 ? "" : "s");
	free(full);
	free(text);
	free(norm);
	free(dbcourt);
	json_decref(a.params);
	return (0);
}

/* A masked recipient for listings. */
static const char *
ctl_mask(const unsigned char *to, char *buf, size_t len)
{
	if (to == NULL)
		return ("-");
	policy_mask((const char *)to, buf, len);
	return (buf);
}

/* Milliseconds since the epoch as local time, or "-". */
static const char *
ctl_time(sqlite3_stmt *s, int col, char *buf, size_t len)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return ("-");
	util_iso_local(sqlite3_column_int64(s, col), buf, len);
	return (buf);
}

static const char *
col_str(sqlite3_stmt *s, int i)
{
	const unsigned char	*t = sqlite3_column_text(s, i);

	return (t ? (const char *)t : "");
}

#define LIST_SQL \
	"SELECT n.id, n.state, n.channel, n.recipient, c.case_no, s.step_code," \
	" n.attempts, n.next_attempt_at, n.gateway, n.last_error, n.updated_at," \
	" n.urgent, s.notify_after" \
	" FROM notifications n JOIN case_steps s ON s.id = n.step_id" \
	" JOIN cases c ON c.id = s.case_id" \
	" WHERE (?1 IS NULL OR n.state = ?1) AND (?2 IS NULL OR c.case_no = ?2)" \
	" ORDER BY n.id DESC LIMIT ?3"

/*
 * Why a pending row is not going out now: its notify_after embargo, the
 * sending window, or a retry's backoff. Empty when it is due.
 */
static void
list_waiting(struct ctl *c, sqlite3_stmt *s, char *buf, size_t len)
{
	const struct delivery_cfg	*dc = &c->cfg->delivery;
	int64_t				 now = util_now_ms(), next, after;
	char				 t[32];

	buf[0] = '\0';
	if (strcmp(col_str(s, 1), "pending") != 0)
		return;
	next = sqlite3_column_int64(s, 7);
	if (sqlite3_column_text(s, 12) != NULL &&
	    util_parse_time(col_str(s, 12), &after) == 0 && after > now) {
		snprintf(buf, len, "held until %s (notify_after)",
		    col_str(s, 12));
		return;
	}
	if (next > now) {
		util_iso_local(next, t, sizeof(t));
		snprintf(buf, len, "retry at %s", t);
		return;
	}
	if (!sqlite3_column_int(s, 11) && !policy_in_window(dc, now)) {
		util_iso_local(policy_window_open(dc, now), t, sizeof(t));
		snprintf(buf, len, "waits for the sending window %02d:%02d-"
		    "%02d:%02d (opens %s)", dc->window_start / 60,
		    dc->window_start % 60, dc->window_end / 60,
		    dc->window_end % 60, t);
	}
}

/* One row of list, as text or JSON. */
static void
list_row(struct ctl *c, sqlite3_stmt *s, json_t *arr)
{
	char		 buf[64], next[32], wait[128];
	const char	*to;

	to = ctl_mask(sqlite3_column_text(s, 3), buf, sizeof(buf));
	list_waiting(c, s, wait, sizeof(wait));
	if (c->json) {
		json_array_append_new(arr, json_pack(
		    "{s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:s?, s:s?, s:s?, s:s, "
		    "s:s?}",
		    "id", (json_int_t)sqlite3_column_int64(s, 0),
		    "state", col_str(s, 1), "channel", col_str(s, 2), "to", to,
		    "case_no", col_str(s, 4), "step", col_str(s, 5),
		    "attempts", sqlite3_column_int(s, 6),
		    "next_attempt_at", sqlite3_column_type(s, 7) == SQLITE_NULL ?
		    NULL : ctl_time(s, 7, next, sizeof(next)),
		    "gateway", sqlite3_column_text(s, 8) ? col_str(s, 8) : NULL,
		    "last_error", sqlite3_column_text(s, 9) ? col_str(s, 9) : NULL,
		    "updated_at", col_str(s, 10),
		    "waiting", wait[0] ? wait : NULL));
		return;
	}
	printf("%-6lld %-11s %-6s %-13s %-26s %-28s %3d  %-19s %.60s\n",
	    (long long)sqlite3_column_int64(s, 0), col_str(s, 1), col_str(s, 2),
	    to, col_str(s, 4), col_str(s, 5), sqlite3_column_int(s, 6),
	    ctl_time(s, 7, next, sizeof(next)), wait[0] ? wait : col_str(s, 9));
}

static int
cmd_list(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "state", 1, NULL, 's' },
	    { "case", 1, NULL, 'c' }, { "limit", 1, NULL, 'l' },
	    { "json", 0, NULL, 'j' }, { NULL, 0, NULL, 0 } };
	const char	*state = NULL, *no = NULL;
	long		 limit = 100;
	sqlite3_stmt	*s;
	json_t		*arr = json_array();
	int		 ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's': state = optarg; break;
		case 'c': no = optarg; break;
		case 'l': limit = strtol(optarg, NULL, 10); break;
		case 'j': c->json = 1; break;
		default: return (EXIT_USAGE);
		}
	}
	if (optind != argc || limit <= 0)
		return (EXIT_USAGE);
	ctl_open(c, STORE_READONLY);
	s = ctl_prepare(c, LIST_SQL);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, limit);
	if (!c->json)
		printf("%-6s %-11s %-6s %-13s %-26s %-28s %3s  %-19s %s\n", "ID",
		    "STATE", "CHAN", "TO", "CASE", "STEP", "TRY", "NEXT",
		    "WAITING / LAST ERROR");
	while (sqlite3_step(s) == SQLITE_ROW)
		list_row(c, s, arr);
	sqlite3_finalize(s);
	if (c->json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
	}
	json_decref(arr);
	return (0);
}

/* The attempt history of one notification. */
static json_t *
show_attempts(struct ctl *c, int64_t id)
{
	sqlite3_stmt	*s;
	json_t		*arr = json_array();

	s = ctl_prepare(c, "SELECT id, gateway, started_at, finished_at,"
	    " outcome, http_status, error, duration_ms FROM attempts"
	    " WHERE notification_id = ?1 ORDER BY id");
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s?, "
		    "s:s?, s:I, s:s?, s:I}", "id",
		    (json_int_t)sqlite3_column_int64(s, 0), "gateway",
		    col_str(s, 1), "started_at", col_str(s, 2), "finished_at",
		    sqlite3_column_text(s, 3) ? col_str(s, 3) : NULL, "outcome",
		    sqlite3_column_text(s, 4) ? col_str(s, 4) : NULL,
		    "http_status", (json_int_t)sqlite3_column_int64(s, 5),
		    "error", sqlite3_column_text(s, 6) ? col_str(s, 6) : NULL,
		    "duration_ms", (json_int_t)sqlite3_column_int64(s, 7)));
	sqlite3_finalize(s);
	return (arr);
}

/* Print a notification as aligned text. */
static void
show_text(json_t *o)
{
	const char	*k;
	json_t		*v, *a;
	size_t		 i;

	json_object_foreach(o, k, v) {
		if (json_is_array(v))
			continue;
		if (json_is_string(v))
			printf("%-16s %s\n", k, json_string_value(v));
		else if (json_is_integer(v))
			printf("%-16s %lld\n", k, (long long)json_integer_value(v));
	}
	printf("attempts:\n");
	json_array_foreach(json_object_get(o, "history"), i, a) {
		printf("  #%zu %s %s %s http=%lld %lldms %s\n", i + 1,
		    json_string_value(json_object_get(a, "started_at")),
		    json_string_value(json_object_get(a, "gateway")),
		    json_is_string(json_object_get(a, "outcome")) ?
		    json_string_value(json_object_get(a, "outcome")) : "(open)",
		    (long long)json_integer_value(json_object_get(a, "http_status")),
		    (long long)json_integer_value(json_object_get(a, "duration_ms")),
		    json_is_string(json_object_get(a, "error")) ?
		    json_string_value(json_object_get(a, "error")) : "");
	}
}

static int
cmd_show(struct ctl *c, int argc, char **argv)
{
	sqlite3_stmt	*s;
	json_t		*o;
	char		 to[64], next[32], *end;
	int64_t		 id;

	if (argc == 3 && strcmp(argv[2], "--json") == 0) {
		c->json = 1;
		argc--;
	}
	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) <= 0 || *end != '\0')
		return (EXIT_USAGE);
	ctl_open(c, STORE_READONLY);
	s = ctl_prepare(c, "SELECT n.id, n.state, n.channel, n.recipient,"
	    " c.case_no, s.step_code, n.attempts, n.next_attempt_at, n.gateway,"
	    " n.last_error, n.body, n.key, n.provider_id, n.created_at,"
	    " n.updated_at, p.role FROM notifications n"
	    " JOIN case_steps s ON s.id = n.step_id JOIN cases c ON c.id ="
	    " s.case_id JOIN parties p ON p.id = n.party_id WHERE n.id = ?1");
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW)
		die("no notification %lld", (long long)id);
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, "
	    "s:s, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)id,
	    "state", col_str(s, 1), "channel", col_str(s, 2),
	    "to", ctl_mask(sqlite3_column_text(s, 3), to, sizeof(to)),
	    "role", col_str(s, 15), "case_no", col_str(s, 4),
	    "step", col_str(s, 5), "attempts", sqlite3_column_int(s, 6),
	    "next_attempt_at", ctl_time(s, 7, next, sizeof(next)),
	    "gateway", col_str(s, 8), "last_error", col_str(s, 9),
	    "text", col_str(s, 10), "key", col_str(s, 11),
	    "provider_id", col_str(s, 12), "created_at", col_str(s, 13),
	    "updated_at", col_str(s, 14));
	sqlite3_finalize(s);
	json_object_set_new(o, "history", show_attempts(c, id));
	if (c->json) {
		json_dumpf(o, stdout, JSON_INDENT(2));
		printf("\n");
	} else
		show_text(o);
	json_decref(o);
	return (0);
}

/* Requeue rows; a row whose text was never rendered is expanded again. */
static int64_t
retry_rows(struct ctl *c, const char *where, int64_t id)
{
	sqlite3_stmt	*s;
	char		*sql;
	int64_t		 now = util_now_ms(), n;
	char		 iso[32];

	util_iso_utc(now, iso, sizeof(iso));
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		die("database: %s", sqlite3_errmsg(c->db));
	sql = xasprintf("INSERT INTO step_events(step_id, kind, committed_ms)"
	    " SELECT DISTINCT step_id, 'update', %lld FROM notifications"
	    " WHERE %s AND body IS NULL", (long long)now, where);
	s = ctl_prepare(c, sql);
	free(sql);
	sqlite3_bind_int64(s, 1, id);
	ctl_done(c, s, "retry");
	sql = xasprintf("UPDATE notifications SET state = 'pending',"
	    " attempts = 0, queued_ms = %lld, next_attempt_at = %lld,"
	    " last_error = NULL, updated_at = '%s' WHERE %s AND body IS NOT NULL",
	    (long long)now, (long long)now, iso, where);
	s = ctl_prepare(c, sql);
	free(sql);
	sqlite3_bind_int64(s, 1, id);
	ctl_done(c, s, "retry");
	n = sqlite3_changes(c->db);
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die("database: %s", sqlite3_errmsg(c->db));
	return (n);
}

static int
cmd_retry(struct ctl *c, int argc, char **argv)
{
	static const char	*retryable = "state IN ('dead', 'undelivered')"
	    " OR (state = 'suppressed' AND last_error = 'cancelled by operator')";
	char			*where, *end;
	int64_t			 id = 0, n;

	if (argc != 2)
		return (EXIT_USAGE);
	ctl_open(c, 0);
	if (strcmp(argv[1], "--dead") == 0)
		where = xstrdup("state = 'dead' AND ?1 = 0");
	else if ((id = strtoll(argv[1], &end, 10)) > 0 && *end == '\0')
		where = xasprintf("id = ?1 AND (%s)", retryable);
	else
		return (EXIT_USAGE);
	n = retry_rows(c, where, id);
	free(where);
	if (id > 0 && n == 0) {
		sqlite3_stmt	*s = ctl_prepare(c, "SELECT state FROM "
		    "notifications WHERE id = ?1");
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) != SQLITE_ROW)
			die("no notification %lld", (long long)id);
		printf("notification %lld is %s; queued for rendering again if "
		    "it had no text, otherwise only dead, undelivered or "
		    "cancelled notifications can be retried\n", (long long)id,
		    col_str(s, 0));
		sqlite3_finalize(s);
		return (0);
	}
	printf("%lld notification%s queued again\n", (long long)n,
	    n == 1 ? "" : "s");
	return (0);
}

static int
cmd_cancel(struct ctl *c, int argc, char **argv)
{
	sqlite3_stmt	*s;
	char		*end, iso[32];
	int64_t		 id;

	if (argc != 2 || (id = strtoll(argv[1], &end, 10)) <= 0 || *end != '\0')
		return (EXIT_USAGE);
	ctl_open(c, 0);
	util_iso_utc(util_now_ms(), iso, sizeof(iso));
	s = ctl_prepare(c, "UPDATE notifications SET state = 'suppressed',"
	    " next_attempt_at = NULL, last_error = 'cancelled by operator',"
	    " updated_at = ?2 WHERE id = ?1 AND state IN ('pending', 'dead')");
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, iso, -1, SQLITE_STATIC);
	ctl_done(c, s, "cancel");
	if (sqlite3_changes(c->db) == 0) {
		s = ctl_prepare(c, "SELECT state FROM notifications WHERE id = ?1");
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) != SQLITE_ROW)
			die("no notification %lld", (long long)id);
		die("notification %lld is %s; only pending or dead ones can be "
		    "cancelled", (long long)id, col_str(s, 0));
	}
	printf("notification %lld cancelled\n", (long long)id);
	return (0);
}

/* The court's figures for a period: see report.h and report --help. */
static int
cmd_report(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "from", 1, NULL, 'f' },
	    { "to", 1, NULL, 't' }, { "court", 1, NULL, 'C' },
	    { "format", 1, NULL, 'F' }, { "output", 1, NULL, 'o' },
	    { "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 } };
	const char		*from = NULL, *to = NULL, *court = NULL;
	const char		*fmt = "table", *out = NULL;
	struct report_query	 q;
	struct report		*rep;
	char			*cause = NULL;
	int			 ch, format, rv;

	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'C': court = optarg; break;
		case 'F': fmt = optarg; break;
		case 'o': out = optarg; break;
		case 'h': report_help(stdout); return (0);
		default: return (EXIT_USAGE);
		}
	}
	if (optind != argc)
		return (EXIT_USAGE);
	if ((format = report_format_parse(fmt)) == -1) {
		fprintf(stderr, "huigaoctl: --format must be table, csv, json or "
		    "html, not \"%s\"\n", fmt);
		return (EXIT_USAGE);
	}
	if (report_query_parse(from, to, court, &q, &cause) == -1) {
		fprintf(stderr, "huigaoctl: %s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	ctl_open(c, STORE_READONLY);
	if ((rv = report_build(c->db, c->cfg, &q, &rep, &cause)) != REPORT_OK) {
		fprintf(stderr, "huigaoctl: %s\n", cause);
		free(cause);
		if (rv != REPORT_EUSAGE)
			return (1);
		store_close(c->st);	/* main skips these on usage errors */
		cfg_unref(c->cfg);
		c->st = NULL;
		c->cfg = NULL;
		return (EXIT_USAGE);
	}
	if (out != NULL)
		rv = report_write_file(rep, (enum report_format)format, out, &cause);
	else if ((rv = report_write(rep, (enum report_format)format, stdout)) ==
	    -1)
		cause = xasprintf("standard output: %s", strerror(errno));
	report_free(rep);
	if (rv == -1)
		die("%s", cause);
	return (0);
}

static const struct cmd cmds[] = {
	{ "init", NULL, cmd_init, "init" },
	{ "case", "add", cmd_case_add, "case add --no CASE_NO [--court KEY]" },
	{ "party", "add", cmd_party_add, "party add --case NO --role ROLE "
	    "[--name N] [--phone P] [--openid O] [--email E] [--opted-out]" },
	{ "step", "add", cmd_step_add, "step add --case NO --step CODE "
	    "[--param k=v]... [--at TIME] [--notify-after TIME]" },
	{ "list", NULL, cmd_list, "list [--state S] [--case NO] [--limit N] "
	    "[--json]" },
	{ "show", NULL, cmd_show, "show ID [--json]" },
	{ "retry", NULL, cmd_retry, "retry ID | retry --dead" },
	{ "cancel", NULL, cmd_cancel, "cancel ID" },
	{ "preview", NULL, cmd_preview, "preview --case NO --step CODE "
	    "[--param k=v]... [--court KEY]" },
	{ "report", NULL, cmd_report, "report [--from DATE] [--to DATE] "
	    "[--court KEY] [--format table|csv|json|html] [-o FILE]" },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void
usage(void)
{
	size_t	 i;

	fprintf(stderr, "usage: huigaoctl [-c file] command ...\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(stderr, "  huigaoctl %s\n", cmds[i].usage);
	exit(EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	struct ctl	 c;
	size_t		 i;
	int		 ch, rv, skip;

	memset(&c, 0, sizeof(c));
	c.cfgpath = HUIGAO_DEFAULT_CONF;
	log_init("huigaoctl", 0);
	while ((ch = getopt(argc, argv, "+c:hV")) != -1) {
		switch (ch) {
		case 'c': c.cfgpath = optarg; break;
		case 'V': printf("huigaoctl %s\n", HUIGAO_VERSION); return (0);
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < NCMDS; i++) {
		if (strcmp(argv[0], cmds[i].name) != 0)
			continue;
		if (cmds[i].sub != NULL && (argc < 2 ||
		    strcmp(argv[1], cmds[i].sub) != 0))
			continue;
		skip = cmds[i].sub != NULL ? 1 : 0;
		optind = 1;
		rv = cmds[i].fn(&c, argc - skip, argv + skip);
		if (rv == EXIT_USAGE) {
			fprintf(stderr, "usage: huigaoctl %s\n", cmds[i].usage);
			return (EXIT_USAGE);
		}
		store_close(c.st);
		cfg_unref(c.cfg);
		return (rv);
	}
	fprintf(stderr, "huigaoctl: unknown command \"%s\"\n", argv[0]);
	usage();
}
