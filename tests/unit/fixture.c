/*
 * fixture.c - the helpers every unit test may use (see fixture.h): one
 * copy of what the vendor tests used to repeat each in its own file.
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
#include "adapter.h"
#include "fixture.h"

static const char	*group_conf;	/* what fixture_setup loads */
static struct config	*group_cfg;	/* and what it loaded */

/* ---- the configuration ---- */

void
fixture_init(const char *prog, const char *conf)
{
	log_init(prog, 0);
	group_conf = conf;
}

/* Load the configuration fixture_init named: 0, or -1 (the group fails). */
int
fixture_setup(void **state)
{
	char	*cause = NULL;

	(void)state;
	if (group_conf == NULL) {
		fprintf(stderr, "fixture_setup: no config in fixture_init\n");
		return (-1);
	}
	if ((group_cfg = cfg_load(group_conf, &cause)) == NULL) {
		fprintf(stderr, "%s\n", cause);
		free(cause);
		return (-1);
	}
	return (0);
}

int
fixture_teardown(void **state)
{
	(void)state;
	cfg_unref(group_cfg);
	group_cfg = NULL;
	return (0);
}

struct gateway *
fixture_gateway(const char *name)
{
	struct gateway	*g;

	if (group_cfg == NULL)
		fail_msg("no configuration: run the group with fixture_setup");
	if ((g = cfg_gateway(group_cfg, name)) == NULL)
		fail_msg("no gateway %s in %s", name, group_conf);
	return (g);
}

const struct vtpl *
fixture_vtpl(const char *step, const char *gw)
{
	if (group_cfg == NULL)
		fail_msg("no configuration: run the group with fixture_setup");
	return (cfg_vtpl(cfg_step(group_cfg, step), gw));
}

struct config *
fixture_load(const char *path)
{
	struct config	*cfg;
	char		*cause = NULL;

	if ((cfg = cfg_load(path, &cause)) == NULL)
		fail_msg("%s", cause);
	return (cfg);
}

/* ---- messages ---- */

void
fixture_message(struct message *m)
{
	memset(m, 0, sizeof(*m));
	m->id = 42;
	m->key = "hg-7-3-sms";
	m->channel = "sms";
	m->to = "13812345678";
	m->text = FIXTURE_TEXT;
	m->sign = "沽源县人民法院";
	m->case_no = "(2024)冀0724执1234号";
	m->step = "ENF_DEPOSIT_FROZEN";
	m->label = "冻结银行存款";
	m->court = "gy";
	m->vars = "{}";
	m->attempt = 1;
	m->now_ms = 1614265330000LL;	/* 2021-02-25 15:02:10 UTC */
}

void
fixture_receipt_message(struct message *m, const char *callback_url)
{
	fixture_message(m);
	m->callback_url = callback_url;
	m->receipt_token = "5f0c6d1e9a8b7c6d5e4f30211203f4e5";
}

const struct gateway *
fixture_template_message(struct message *m, const char *gw,
    const char *vars)
{
	const struct gateway	*g = fixture_gateway(gw);

	fixture_message(m);
	m->vars = vars;
	m->now_ms = 1717207200000LL;	/* 2024-06-01 10:00 in Beijing */
	m->tpl = fixture_vtpl(m->step, gw);
	assert_non_null(m->tpl);
	return (g);
}

/* ---- requests ---- */

char *
fixture_request_text(const struct request *r)
{
	char	*s, *t;
	size_t	 i;

	/* a NULL method is POST (adapter.h) */
	s = xasprintf("%s %s\n", r->method != NULL ? r->method : "POST",
	    r->url);
	for (i = 0; i < r->nheaders; i++) {
		t = xasprintf("%s%s\n", s, r->headers[i]);
		free(s);
		s = t;
	}
	t = xasprintf("%s\n%.*s\n", s, (int)r->bodylen,
	    r->body != NULL ? r->body : "");
	free(s);
	return (t);
}

int
fixture_try_build(const struct gateway *g, const struct message *m,
    struct request *req, char **out)
{
	char	*cause = NULL;

	memset(req, 0, sizeof(*req));
	if (g->ad->build(g, m, req, &cause) == -1) {
		if (cause == NULL)
			fail_msg("%s: refused without a cause", g->name);
		*out = cause;
		return (-1);
	}
	*out = fixture_request_text(req);
	return (0);
}

char *
fixture_build(const struct gateway *g, const struct message *m)
{
	struct request	 req;
	char		*s;

	if (fixture_try_build(g, m, &req, &s) == -1)
		fail_msg("build: %s", s);
	request_clear(&req);
	return (s);
}

char *
fixture_build_error(const struct gateway *g, const struct message *m)
{
	struct request	 req;
	char		*s;

	if (fixture_try_build(g, m, &req, &s) == 0)
		fail_msg("%s: built, not refused:\n%s", g->name, s);
	request_clear(&req);
	return (s);
}

void
fixture_golden_build(const struct gateway *g, const struct message *m,
    const char *path)
{
	char	*got;

	got = fixture_build(g, m);
	fixture_golden(path, got);
	free(got);
}

/* ---- answers ---- */

void
fixture_parse(const struct adapter *ad, const struct gateway *g, long status,
    const char *body, int64_t retry_after_ms, struct result *res)
{
	struct response	 resp;

	memset(&resp, 0, sizeof(resp));
	memset(res, 0, sizeof(*res));
	resp.status = status;
	resp.body = body;
	resp.bodylen = body != NULL ? strlen(body) : 0;
	resp.retry_after_ms = retry_after_ms;
	ad->parse(g, NULL, &resp, res);
}

void
fixture_check_answers(const struct adapter *ad,
    const struct fixture_answer *a, size_t n)
{
	struct result	 res;
	size_t		 i;

	for (i = 0; i < n; i++) {
		fixture_parse(ad, NULL, a[i].status, a[i].body, -1, &res);
		if (res.outcome != a[i].want || res.gwfault != a[i].gwfault)
			fail_msg("row %zu (HTTP %ld %s): outcome %d gwfault "
			    "%d, want %d %d", i, a[i].status, a[i].body,
			    res.outcome, res.gwfault, a[i].want, a[i].gwfault);
		assert_int_equal(res.http_status, a[i].status);
		if (a[i].reason != NULL &&
		    strstr(res.error, a[i].reason) == NULL)
			fail_msg("row %zu: error \"%s\", want \"%s\"", i,
			    res.error, a[i].reason);
		if (res.outcome != OUTCOME_OK && res.error[0] == '\0')
			fail_msg("row %zu: a failure without a reason", i);
	}
}

const char *
fixture_outcome(enum outcome o)
{
	return (o == OUTCOME_OK ? "ok" : o == OUTCOME_TEMPFAIL ? "tempfail" :
	    "permfail");
}

/* ---- files ---- */

char *
fixture_slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 n;

	if (f == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	buf[fread(buf, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return (buf);
}

void
fixture_golden(const char *path, const char *got)
{
	FILE	*f;
	char	*want;

	if (getenv("HUIGAO_UPDATE_GOLDEN") != NULL) {
		if ((f = fopen(path, "w")) == NULL)
			fail_msg("cannot write %s", path);
		fputs(got, f);
		fclose(f);
	}
	if ((want = fixture_slurp(path)) == NULL)
		fail_msg("%s is missing; HUIGAO_UPDATE_GOLDEN=1 writes it",
		    path);
	if (strcmp(got, want) != 0)
		print_error("%s differs; the test got:\n%s", path, got);
	assert_string_equal(got, want);
	free(want);
}
