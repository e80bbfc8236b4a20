/*
 * fixture.h - what the unit tests in tests/unit share (fixture.c is linked
 * into every test binary): the configuration a group of tests loads, the
 * fixed notice the scheduler would hand an adapter, an adapter's build and
 * parse run without a network, and golden files. Tests run from the
 * repository root; HUIGAO_UPDATE_GOLDEN=1 rewrites the golden files
 * instead of comparing. Include after <cmocka.h>, "huigao.h" and
 * "adapter.h".
 */
#ifndef HUIGAO_FIXTURE_H
#define HUIGAO_FIXTURE_H

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* The text of the fixed notice: the debtor's bank deposit is frozen. */
#define FIXTURE_TEXT	"【沽源县人民法院】(2024)冀0724执1234号案已冻结被执行人银行存款" \
	"123456.78元。"

/*
 * One answer of a template vendor (Alibaba, Tencent) and how it must be
 * classified: the HTTP status and body, the outcome, whether it is the
 * gateway's fault, and a substring of the error (or NULL).
 */
struct fixture_answer {
	long		 status;
	const char	*body;
	enum outcome	 want;
	int		 gwfault;
	const char	*reason;
};

/* ---- fixture.c: the configuration ---- */

/* Start test program prog; fixture_setup will load conf (NULL: none). */
void		 fixture_init(const char *prog, const char *conf);
/* cmocka group setup and teardown: that configuration, for the group. */
int		 fixture_setup(void **state);
int		 fixture_teardown(void **state);
/* A gateway of the group's configuration; the test fails without it. */
struct gateway	*fixture_gateway(const char *name);
/* The vendor template of step on gateway gw there, or NULL. */
const struct vtpl *fixture_vtpl(const char *step, const char *gw);
/* A configuration of one test's own (cfg_unref it); the test fails if it
 * does not load. */
struct config	*fixture_load(const char *path);

/* ---- fixture.c: messages ---- */

/*
 * The fixed notice as the scheduler would fill it: id 42, key hg-7-3-sms,
 * the SMS to 13812345678 of FIXTURE_TEXT for court gy, variables "{}",
 * first attempt, 2021-02-25 15:02:10 UTC. A test changes what it needs.
 */
void		 fixture_message(struct message *);
/* The same, asking for delivery receipts at callback_url (with a token). */
void		 fixture_receipt_message(struct message *,
		    const char *callback_url);
/*
 * The same for template vendor gateway gw of the group's configuration,
 * with variables vars at 2024-06-01 10:00 in Beijing and the step's vendor
 * template (the test fails without one). Returns the gateway.
 */
const struct gateway *fixture_template_message(struct message *,
		    const char *gw, const char *vars);

/* ---- fixture.c: requests ---- */

/* The request as text: method, URL, headers, blank line, body. */
char		*fixture_request_text(const struct request *);
/* Build m on g into req (the caller clears it): 0 and the request as text
 * in *out, or -1 and the cause in *out (never NULL). */
int		 fixture_try_build(const struct gateway *g,
		    const struct message *m, struct request *req, char **out);
/* The request of m on g as text; the test fails if it is refused. */
char		*fixture_build(const struct gateway *, const struct message *);
/* The cause of refusing m on g; the test fails if it is built. */
char		*fixture_build_error(const struct gateway *,
		    const struct message *);
/* Build m on g and compare the request with a golden file. */
void		 fixture_golden_build(const struct gateway *,
		    const struct message *, const char *path);

/* ---- fixture.c: answers ---- */

/* Parse an answer (body may be NULL) with adapter ad into res, overwritten. */
void		 fixture_parse(const struct adapter *ad, const struct gateway *,
		    long status, const char *body, int64_t retry_after_ms,
		    struct result *res);
/* Parse every answer with ad (no gateway); fail at the first one misread. */
void		 fixture_check_answers(const struct adapter *ad,
		    const struct fixture_answer *, size_t n);
/* "ok", "tempfail" or "permfail", as the golden files write it. */
const char	*fixture_outcome(enum outcome);

/* ---- fixture.c: files ---- */

/* The contents of a file, NUL-terminated (free it), or NULL. */
char		*fixture_slurp(const char *path);
/* Compare got with a golden file, or rewrite it under HUIGAO_UPDATE_GOLDEN. */
void		 fixture_golden(const char *path, const char *got);

#endif /* HUIGAO_FIXTURE_H */
