/*
 * cfg.c - load the libconfig file into plain structs, checking every key.
 *
 * Parameters are declared in tables with their default, minimum and
 * maximum (as Postfix does); an unknown key anywhere is an error, and every
 * error names the file and line it came from. A configuration is immutable
 * once loaded; SIGHUP loads a new one and swaps it in only if it is valid.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "huigao.h"
#include "adapter.h"

static const char *const channel_names[CH_COUNT + 1] = { "sms", "wechat",
    "email", NULL };

/* An integer parameter with its range; values in seconds become ms. */
struct intparam {
	const char	*key;
	long long	 def;
	long long	 min;
	long long	 max;
	int		 seconds;	/* stored in ms */
	size_t		 off;		/* offset in struct delivery_cfg */
	int		 size;		/* sizeof the field */
};

#define DOFF(f)	offsetof(struct delivery_cfg, f), (int)sizeof(((struct delivery_cfg *)0)->f)
static const struct intparam delivery_params[] = {
	{ "batch",		200,	1,	10000,		0, DOFF(batch) },
	{ "max_in_flight",	64,	1,	10000,		0, DOFF(max_in_flight) },
	{ "retry_base",		30,	1,	86400,		1, DOFF(retry_base_ms) },
	{ "retry_max",		3600,	1,	604800,		1, DOFF(retry_max_ms) },
	{ "max_attempts",	20,	1,	1000,		0, DOFF(max_attempts) },
	{ "max_age",		259200,	60,	2592000,	1, DOFF(max_age_ms) },
	{ "poll_interval",	5,	1,	3600,		1, DOFF(poll_ms) },
	{ "lease",		120,	10,	86400,		1, DOFF(lease_ms) },
	{ "drain",		10,	0,	600,		1, DOFF(drain_ms) },
	{ "max_response",	65536,	1024,	16777216,	0, DOFF(max_response) },
	{ "backlog_alert",	3600,	0,	2592000,	1, DOFF(backlog_alert_ms) },
};
#define NDELIVERY (sizeof(delivery_params) / sizeof(delivery_params[0]))

static const char *const top_keys[] = { "database", "timezone", "courts",
    "steps", "routes", "gateways", "delivery", "status", "log", "alerts",
    NULL };
static const char *const court_keys[] = { "name", "sign", NULL };
static const char *const step_keys[] = { "label", "notify", "text", "urgent",
    "vendor_templates", "channels", "channels_by_role", NULL };
static const char *const role_names[] = { "applicant", "agent", "respondent",
    NULL };
static const char *const gw_common_keys[] = { "name", "type", "url",
    "endpoint", "allow_http", "connect_timeout", "timeout", "max_in_flight",
    "rate", "max_parts", "breaker_failures", "breaker_cooldown", "ca_file",
    NULL };
static const char *const vtpl_keys[] = { "id", "params", NULL };
static const char *const delivery_keys[] = { "batch", "max_in_flight",
    "retry_base", "retry_max", "max_attempts", "max_age", "window",
    "poll_interval", "lease", "drain", "max_response", "backlog_alert", NULL };
static const char *const status_keys[] = { "listen", "token", "token_file",
    "callback_url", NULL };
static const char *const log_keys[] = { "level", NULL };

char *
cfg_error(const config_setting_t *s, const char *fmt, ...)
{
	va_list		 ap;
	char		*msg, *out;
	const char	*file = s ? config_setting_source_file(s) : NULL;
	int		 line;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	line = s ? (int)config_setting_source_line(s) : 0;
	/* the root group has no line: point at the top of the file */
	out = xasprintf("%s:%d: %s", file ? file : "?", line > 0 ? line : 1, msg);
	free(msg);
	return (out);
}

const char *
cfg_channel_name(enum channel ch)
{
	return ((unsigned)ch < CH_COUNT ? channel_names[ch] : "?");
}

int
cfg_channel_parse(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < CH_COUNT; i++) {
		if (strcmp(s, channel_names[i]) == 0)
			return (i);
	}
	return (-1);
}

unsigned
cfg_role_parse(const char *s)
{
	if (s == NULL)
		return (0);
	if (strcmp(s, "applicant") == 0)
		return (ROLE_APPLICANT);
	if (strcmp(s, "agent") == 0)
		return (ROLE_AGENT);
	if (strcmp(s, "respondent") == 0)
		return (ROLE_RESPONDENT);
	return (0);
}

static int
key_in(const char *key, const char *const *list)
{
	for (; list != NULL && *list != NULL; list++) {
		if (strcmp(key, *list) == 0)
			return (1);
	}
	return (0);
}

/* Every child of a group must be in one of the two lists. */
static int
cfg_keys(const config_setting_t *g, const char *const *a,
    const char *const *b, const char *where, char **cause)
{
	config_setting_t	*c;
	int			 i;

	for (i = 0; (c = config_setting_get_elem(g, (unsigned)i)) != NULL; i++) {
		const char	*k = config_setting_name(c);

		if (k != NULL && !key_in(k, a) && !key_in(k, b)) {
			*cause = cfg_error(c, "unknown key \"%s\" in %s", k, where);
			return (-1);
		}
	}
	return (0);
}

/* A string setting: 1 found, 0 absent, -1 wrong type (with cause). */
static int
cfg_str(const config_setting_t *g, const char *key, const char **out,
    int required, char **cause)
{
	config_setting_t	*s = config_setting_get_member(g, key);

	*out = NULL;
	if (s == NULL) {
		if (required) {
			*cause = cfg_error(g, "missing \"%s\"", key);
			return (-1);
		}
		return (0);
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		*cause = cfg_error(s, "\"%s\" must be a string", key);
		return (-1);
	}
	*out = config_setting_get_string(s);
	if (required && **out == '\0') {
		*cause = cfg_error(s, "\"%s\" must not be empty", key);
		return (-1);
	}
	return (1);
}

/* A boolean setting with a default. */
static int
cfg_bool(const config_setting_t *g, const char *key, int def, int *out,
    char **cause)
{
	config_setting_t	*s = config_setting_get_member(g, key);

	*out = def;
	if (s == NULL)
		return (0);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		*cause = cfg_error(s, "\"%s\" must be true or false", key);
		return (-1);
	}
	*out = config_setting_get_bool(s);
	return (0);
}

/* An integer setting within [min, max]. */
static int
cfg_int(const config_setting_t *g, const char *key, long long def,
    long long min, long long max, long long *out, char **cause)
{
	config_setting_t	*s = config_setting_get_member(g, key);
	long long		 v;

	*out = def;
	if (s == NULL)
		return (0);
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		*cause = cfg_error(s, "\"%s\" must be an integer", key);
		return (-1);
	}
	v = config_setting_get_int64(s);
	if (v < min || v > max) {
		*cause = cfg_error(s, "\"%s\" is %lld; it must be between %lld "
		    "and %lld", key, v, min, max);
		return (-1);
	}
	*out = v;
	return (0);
}

/* Read a secret file: private to us (or a systemd credential), one line. */
static int
cfg_secret_file(const config_setting_t *g, const char *key, const char *path,
    char **out, char **cause)
{
	struct stat	 sb;
	char		 buf[4096];
	const char	*creds = getenv("CREDENTIALS_DIRECTORY");
	ssize_t		 n;
	int		 fd, credential;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		*cause = cfg_error(g, "%s_file \"%s\": %s", key, path,
		    strerror(errno));
		return (-1);
	}
	/* systemd's credentials are private to the service whatever their
	 * mode (systemd 255+ gives them mode 0440 with an ACL) */
	credential = creds != NULL && strncmp(path, creds, strlen(creds)) == 0;
	if (fstat(fd, &sb) == -1 || (!credential && (sb.st_mode & 077) != 0)) {
		*cause = cfg_error(g, "%s_file \"%s\": permissions %04o are too "
		    "open; a secret file must not be readable by group or others "
		    "(chmod 600)", key, path, (unsigned)(sb.st_mode & 07777));
		close(fd);
		return (-1);
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		*cause = cfg_error(g, "%s_file \"%s\": empty or unreadable",
		    key, path);
		return (-1);
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	*out = xstrdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return (0);
}

/* Where a *_file name is: absolute as given, else a systemd credential or
 * beside the configuration. */
static char *
cfg_file_path(const char *file, const char *cfgdir)
{
	const char	*creds = getenv("CREDENTIALS_DIRECTORY");

	if (file[0] == '/')
		return (xstrdup(file));
	if (creds != NULL)
		return (xasprintf("%s/%s", creds, file));
	return (xasprintf("%s/%s", cfgdir, file));
}

int
cfg_secret(const config_setting_t *g, const char *key, const char *cfgdir,
    char **out, char **cause)
{
	const char	*inline_v, *file;
	char		*fkey, *path;
	int		 r1, r2, rv;

	*out = NULL;
	fkey = xasprintf("%s_file", key);
	r1 = cfg_str(g, key, &inline_v, 0, cause);
	r2 = r1 < 0 ? -1 : cfg_str(g, fkey, &file, 0, cause);
	free(fkey);
	if (r1 < 0 || r2 < 0)
		return (-1);
	if (r1 == 1 && r2 == 1) {
		*cause = cfg_error(g, "give \"%s\" or \"%s_file\", not both",
		    key, key);
		return (-1);
	}
	if (r1 == 1) {
		*out = xstrdup(inline_v);
		return (0);
	}
	if (r2 == 0)
		return (0);
	path = cfg_file_path(file, cfgdir);
	rv = cfg_secret_file(g, key, path, out, cause);
	free(path);
	return (rv);
}

/* courts = { key = { name; sign; }; ... } */
static int
cfg_courts(struct config *c, config_setting_t *g, char **cause)
{
	config_setting_t	*e;
	const char		*name, *sign;
	int			 i, n;

	if (g == NULL || !config_setting_is_group(g) ||
	    (n = config_setting_length(g)) == 0) {
		*cause = cfg_error(g ? g : config_root_setting(&c->lc),
		    "\"courts\" must be a group with at least one court");
		return (-1);
	}
	c->courts = xcalloc((size_t)n, sizeof(*c->courts));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(g, (unsigned)i);
		if (!config_setting_is_group(e)) {
			*cause = cfg_error(e, "court \"%s\" must be a group",
			    config_setting_name(e));
			return (-1);
		}
		if (cfg_keys(e, court_keys, NULL, "a court", cause) == -1 ||
		    cfg_str(e, "name", &name, 1, cause) == -1 ||
		    cfg_str(e, "sign", &sign, 0, cause) == -1)
			return (-1);
		if (sign == NULL)
			sign = name;
		if (strstr(sign, "【") != NULL || strstr(sign, "】") != NULL) {
			*cause = cfg_error(e, "\"sign\" is given without 【】; "
			    "huigao adds the brackets");
			return (-1);
		}
		c->courts[c->ncourts].key = xstrdup(config_setting_name(e));
		c->courts[c->ncourts].name = xstrdup(name);
		c->courts[c->ncourts++].sign = xstrdup(sign);
	}
	return (0);
}

/* notify = [ "applicant", ... ] */
static int
cfg_step_roles(struct step_cfg *st, config_setting_t *e, char **cause)
{
	config_setting_t	*l = config_setting_get_member(e, "notify");
	const char		*r;
	unsigned		 bit;
	int			 i;

	if (l == NULL)
		return (0);
	if (!config_setting_is_array(l) && !config_setting_is_list(l)) {
		*cause = cfg_error(l, "\"notify\" must be a list of roles");
		return (-1);
	}
	for (i = 0; i < config_setting_length(l); i++) {
		r = config_setting_get_string_elem(l, i);
		if ((bit = cfg_role_parse(r)) == 0) {
			*cause = cfg_error(l, "unknown role \"%s\" in notify "
			    "(applicant, agent, respondent)", r ? r : "?");
			return (-1);
		}
		st->roles |= bit;
	}
	return (0);
}

/* A list of channel names into a bit set. */
static int
cfg_chanlist(config_setting_t *l, const char *what, unsigned *out,
    char **cause)
{
	const char	*name;
	int		 i, ch;

	if ((!config_setting_is_array(l) && !config_setting_is_list(l)) ||
	    config_setting_length(l) == 0) {
		*cause = cfg_error(l, "\"%s\" must be a non-empty list", what);
		return (-1);
	}
	*out = 0;
	for (i = 0; i < config_setting_length(l); i++) {
		name = config_setting_get_string_elem(l, i);
		if ((ch = cfg_channel_parse(name)) < 0) {
			*cause = cfg_error(l, "unknown channel \"%s\" (sms, "
			    "wechat, email)", name ? name : "?");
			return (-1);
		}
		*out |= 1u << ch;
	}
	return (0);
}

/* channels = [ "sms", ... ] (default sms); channels_by_role = { agent = [...]; } */
static int
cfg_step_channels(struct step_cfg *st, config_setting_t *e, char **cause)
{
	config_setting_t	*l = config_setting_get_member(e, "channels");
	config_setting_t	*g = config_setting_get_member(e,
	    "channels_by_role"), *r;
	int			 i;

	st->channels = 1u << CH_SMS;
	if (l != NULL && cfg_chanlist(l, "channels", &st->channels, cause) == -1)
		return (-1);
	if (g == NULL)
		return (0);
	if (!config_setting_is_group(g) ||
	    cfg_keys(g, role_names, NULL, "channels_by_role", cause) == -1) {
		if (*cause == NULL)
			*cause = cfg_error(g, "channels_by_role must be a group "
			    "keyed by role");
		return (-1);
	}
	for (i = 0; i < 3; i++) {
		if ((r = config_setting_get_member(g, role_names[i])) != NULL &&
		    cfg_chanlist(r, role_names[i], &st->role_channels[i],
		    cause) == -1)
			return (-1);
	}
	return (0);
}

unsigned
cfg_channels_for(const struct step_cfg *st, const char *role)
{
	int	 i;

	for (i = 0; role != NULL && i < 3; i++) {
		if (strcmp(role, role_names[i]) == 0 && st->role_channels[i] != 0)
			return (st->role_channels[i]);
	}
	return (st->channels);
}

/* Check a template's placeholders and its length. */
static int
cfg_step_text(struct step_cfg *st, config_setting_t *e, char **cause)
{
	config_setting_t	*s = config_setting_get_member(e, "text");
	char			**keys, *why = NULL;
	size_t			 nkeys;
	struct sms_count	 cnt;

	if (text_template_keys(st->text, &keys, &nkeys, &why) == -1) {
		*cause = cfg_error(s, "step %s: %s", st->code, why);
		free(why);
		return (-1);
	}
	text_free_keys(keys, nkeys);
	if (text_sms_count(st->text, 0, &cnt) == -1) {
		*cause = cfg_error(s, "step %s: the text is not valid UTF-8",
		    st->code);
		return (-1);
	}
	if (cnt.chars > SMS_MAX_CHARS) {
		*cause = cfg_error(s, "step %s: the text has %zu characters; "
		    "an SMS carries at most %d", st->code, cnt.chars,
		    SMS_MAX_CHARS);
		return (-1);
	}
	return (0);
}

/* One entry of params: "var" or "vendorkey=var". */
static void
vtpl_param(struct vtpl *t, const char *p)
{
	const char	*eq = strchr(p, '=');

	t->keys[t->n] = eq ? xstrndup(p, (size_t)(eq - p)) : xstrdup(p);
	t->vars[t->n] = xstrdup(eq ? eq + 1 : p);
	t->n++;
}

/* vendor_templates = { gw = { id = "..."; params = [ ... ]; }; ... } */
static int
cfg_step_vtpls(struct step_cfg *st, config_setting_t *e, char **cause)
{
	config_setting_t	*g = config_setting_get_member(e,
	    "vendor_templates"), *t, *l;
	const char		*id, *p;
	struct vtpl		*v;
	int			 i, j, n, np;

	if (g == NULL)
		return (0);
	if (!config_setting_is_group(g)) {
		*cause = cfg_error(g, "step %s: vendor_templates must be a group "
		    "keyed by gateway name", st->code);
		return (-1);
	}
	n = config_setting_length(g);
	st->vtpls = xcalloc((size_t)n, sizeof(*st->vtpls));
	for (i = 0; i < n; i++) {
		t = config_setting_get_elem(g, (unsigned)i);
		v = &st->vtpls[st->nvtpls++];
		v->gateway = xstrdup(config_setting_name(t));
		if (!config_setting_is_group(t) ||
		    cfg_keys(t, vtpl_keys, NULL, "a vendor template", cause) ==
		    -1 || cfg_str(t, "id", &id, 1, cause) == -1) {
			if (*cause == NULL)
				*cause = cfg_error(t, "vendor_templates.%s must "
				    "be a group { id = ...; params = [...]; }",
				    v->gateway);
			return (-1);
		}
		v->id = xstrdup(id);
		l = config_setting_get_member(t, "params");
		np = l ? config_setting_length(l) : 0;
		if (l != NULL && !config_setting_is_array(l) &&
		    !config_setting_is_list(l)) {
			*cause = cfg_error(l, "params must be a list of names");
			return (-1);
		}
		v->keys = xcalloc((size_t)np + 1, sizeof(char *));
		v->vars = xcalloc((size_t)np + 1, sizeof(char *));
		for (j = 0; j < np; j++) {
			if ((p = config_setting_get_string_elem(l, j)) == NULL ||
			    *p == '\0') {
				*cause = cfg_error(l, "params must be non-empty "
				    "strings");
				return (-1);
			}
			vtpl_param(v, p);
		}
	}
	return (0);
}

const struct vtpl *
cfg_vtpl(const struct step_cfg *st, const char *gateway)
{
	size_t	 i;

	for (i = 0; st != NULL && gateway != NULL && i < st->nvtpls; i++) {
		if (strcmp(st->vtpls[i].gateway, gateway) == 0)
			return (&st->vtpls[i]);
	}
	return (NULL);
}

/* One step of the catalogue. */
static int
cfg_step_one(struct config *c, config_setting_t *e, char **cause)
{
	struct step_cfg	*st = &c->steps[c->nsteps];
	const char	*label, *text;

	if (!config_setting_is_group(e)) {
		*cause = cfg_error(e, "step \"%s\" must be a group",
		    config_setting_name(e));
		return (-1);
	}
	st->code = xstrdup(config_setting_name(e));
	st->line = config_setting_source_line(e);
	c->nsteps++;
	if (cfg_keys(e, step_keys, NULL, "a step", cause) == -1 ||
	    cfg_str(e, "label", &label, 1, cause) == -1 ||
	    cfg_str(e, "text", &text, 0, cause) == -1 ||
	    cfg_bool(e, "urgent", 0, &st->urgent, cause) == -1 ||
	    cfg_step_roles(st, e, cause) == -1 ||
	    cfg_step_channels(st, e, cause) == -1)
		return (-1);
	st->label = xstrdup(label);
	if (cfg_step_vtpls(st, e, cause) == -1)
		return (-1);
	if (text == NULL) {
		if (st->roles != 0) {
			*cause = cfg_error(e, "step %s notifies parties but has "
			    "no \"text\"", st->code);
			return (-1);
		}
		st->text = xstrdup("");
		return (0);
	}
	st->text = xstrdup(text);
	return (cfg_step_text(st, e, cause));
}

static int
step_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct step_cfg *)a)->code,
	    ((const struct step_cfg *)b)->code));
}

static int
cfg_steps(struct config *c, config_setting_t *g, char **cause)
{
	int	 i, n;

	if (g == NULL || !config_setting_is_group(g) ||
	    (n = config_setting_length(g)) == 0) {
		*cause = cfg_error(g ? g : config_root_setting(&c->lc),
		    "\"steps\" must be a group with at least one step "
		    "(@include \"steps.conf\" for the default catalogue)");
		return (-1);
	}
	c->steps = xcalloc((size_t)n, sizeof(*c->steps));
	for (i = 0; i < n; i++) {
		if (cfg_step_one(c, config_setting_get_elem(g, (unsigned)i),
		    cause) == -1)
			return (-1);
	}
	qsort(c->steps, c->nsteps, sizeof(*c->steps), step_cmp);
	return (0);
}

/* The URL of an HTTP gateway: https, or http when allowed. */
static int
cfg_gw_url(struct gateway *gw, config_setting_t *e, char **cause)
{
	const char	*url, *ep;
	int		 r1, r2;

	if ((r1 = cfg_str(e, "url", &url, 0, cause)) == -1 ||
	    (r2 = cfg_str(e, "endpoint", &ep, 0, cause)) == -1)
		return (-1);
	if (r1 == 1 && r2 == 1) {
		*cause = cfg_error(e, "gateway \"%s\": give \"url\" or "
		    "\"endpoint\", not both", gw->name);
		return (-1);
	}
	if (r1 == 0 && r2 == 0) {
		if (gw->ad->needs_url) {
			*cause = cfg_error(e, "gateway \"%s\": missing \"url\"",
			    gw->name);
			return (-1);
		}
		return (0);
	}
	gw->endpoint = xstrdup(r1 == 1 ? url : ep);
	if (gw->ad->own_url || strncmp(gw->endpoint, "https://", 8) == 0)
		return (0);
	if (strncmp(gw->endpoint, "http://", 7) == 0) {
		if (gw->allow_http)
			return (0);
		*cause = cfg_error(e, "gateway \"%s\": plain http:// is refused; "
		    "use https:// or set allow_http = true", gw->name);
		return (-1);
	}
	*cause = cfg_error(e, "gateway \"%s\": \"%s\" is not an http(s) URL",
	    gw->name, gw->endpoint);
	return (-1);
}

/* rate: messages per second, an integer or a real, 0 = unlimited. */
static int
cfg_rate(const config_setting_t *g, double *out, char **cause)
{
	config_setting_t	*s = config_setting_get_member(g, "rate");

	*out = 0;
	if (s == NULL)
		return (0);
	if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		*out = config_setting_get_float(s);
	else if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64)
		*out = (double)config_setting_get_int64(s);
	else {
		*cause = cfg_error(s, "\"rate\" must be a number (messages "
		    "per second)");
		return (-1);
	}
	if (*out < 0 || *out > 100000) {
		*cause = cfg_error(s, "\"rate\" is %g; it must be between 0 "
		    "and 100000", *out);
		return (-1);
	}
	return (0);
}

/*
 * Open a CA file and count its certificates the way OpenSSL loads it for
 * libcurl (X509_load_cert_crl_file: any bad PEM block spoils the file).
 * -1 with errno set when it cannot be read; -2 when it is not PEM.
 */
static int
cfg_pem_certs(const char *path)
{
	STACK_OF(X509_INFO)	*infos;
	struct stat		 sb;
	FILE			*f;
	int			 fd, i, n = 0;

	/* O_NONBLOCK: a FIFO must not hang the load (it is refused below) */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return (-1);
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
		return (-1);
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return (-1);
	}
	infos = PEM_X509_INFO_read(f, NULL, NULL, NULL);
	fclose(f);
	if (infos == NULL)
		return (-2);
	for (i = 0; i < sk_X509_INFO_num(infos); i++)
		if (sk_X509_INFO_value(infos, i)->x509 != NULL)
			n++;
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	return (n);
}

/*
 * ca_file: the PEM file of CAs that the gateway's TLS certificate is
 * verified against instead of the system's (a court's own CA). It is not a
 * secret, so any mode will do; it is checked now so that a wrong path or a
 * key given for a certificate fails the configuration, not every send.
 */
static int
cfg_gw_ca_file(struct gateway *gw, config_setting_t *e, const char *dir,
    char **cause)
{
	config_setting_t	*s = config_setting_get_member(e, "ca_file");
	const char		*file, *why;
	char			*path;
	int			 n;

	if (s == NULL)
		return (0);
	if (cfg_str(e, "ca_file", &file, 1, cause) == -1)
		return (-1);
	if (gw->ad->send_local != NULL) {
		*cause = cfg_error(s, "gateway \"%s\": \"ca_file\" is for "
		    "gateways reached over TLS; type \"%s\" sends nothing over "
		    "the network", gw->name, gw->ad->name);
		return (-1);
	}
	path = cfg_file_path(file, dir);
	ERR_clear_error();
	if ((n = cfg_pem_certs(path)) > 0) {
		gw->ca_file = path;
		return (0);
	}
	if (n == -1)
		*cause = cfg_error(s, "gateway \"%s\": ca_file \"%s\": %s",
		    gw->name, path, strerror(errno));
	else if (n == -2) {
		why = ERR_reason_error_string(ERR_peek_last_error());
		*cause = cfg_error(s, "gateway \"%s\": ca_file \"%s\" is not "
		    "valid PEM (%s)", gw->name, path, why != NULL ? why :
		    "a broken block");
	} else
		*cause = cfg_error(s, "gateway \"%s\": ca_file \"%s\" holds no "
		    "PEM certificate (-----BEGIN CERTIFICATE-----)", gw->name,
		    path);
	ERR_clear_error();
	free(path);
	return (-1);
}

/* The keys every gateway shares. */
static int
cfg_gw_common(struct config *c, struct gateway *gw, config_setting_t *e,
    const char *dir, char **cause)
{
	const char	*name, *type;
	long long	 v;
	size_t		 i;

	if (cfg_str(e, "name", &name, 1, cause) == -1 ||
	    cfg_str(e, "type", &type, 1, cause) == -1)
		return (-1);
	for (i = 0; i < c->ngws; i++) {
		if (strcmp(c->gws[i].name, name) == 0) {
			*cause = cfg_error(e, "duplicate gateway name \"%s\"",
			    name);
			return (-1);
		}
	}
	gw->name = xstrdup(name);
	gw->line = config_setting_source_line(e);
	if ((gw->ad = adapter_find(type)) == NULL) {
		*cause = cfg_error(e, "gateway \"%s\": unknown type \"%s\" "
		    "(known: %s)", name, type, adapter_types());
		return (-1);
	}
	if (cfg_keys(e, gw_common_keys, gw->ad->keys, "a gateway", cause) ==
	    -1 || cfg_bool(e, "allow_http", 0, &gw->allow_http, cause) == -1)
		return (-1);
	if (cfg_int(e, "connect_timeout", 5, 1, 120, &v, cause) == -1)
		return (-1);
	gw->connect_timeout_ms = (long)v * 1000;
	if (cfg_int(e, "timeout", 20, 1, 600, &v, cause) == -1)
		return (-1);
	gw->timeout_ms = (long)v * 1000;
	if (cfg_int(e, "max_in_flight", 32, 1, 10000, &v, cause) == -1)
		return (-1);
	gw->max_in_flight = (int)v;
	if (cfg_int(e, "max_parts", 0, 0, 10, &v, cause) == -1)
		return (-1);
	gw->max_parts = (int)v;
	if (cfg_int(e, "breaker_failures", 5, 1, 1000, &v, cause) == -1)
		return (-1);
	gw->breaker_failures = (int)v;
	if (cfg_int(e, "breaker_cooldown", 30, 1, 3600, &v, cause) == -1)
		return (-1);
	gw->breaker_cooldown_ms = v * 1000;
	if (cfg_rate(e, &gw->rate, cause) == -1 ||
	    cfg_gw_ca_file(gw, e, dir, cause) == -1)
		return (-1);
	return (cfg_gw_url(gw, e, cause));
}

static int
cfg_gateways(struct config *c, config_setting_t *l, const char *dir,
    char **cause)
{
	config_setting_t	*e;
	struct gateway		*gw;
	int			 i, n;

	if (l == NULL || !config_setting_is_list(l) ||
	    (n = config_setting_length(l)) == 0) {
		*cause = cfg_error(l ? l : config_root_setting(&c->lc),
		    "\"gateways\" must be a list ( { name = ...; type = ...; } )"
		    " with at least one gateway");
		return (-1);
	}
	c->gws = xcalloc((size_t)n, sizeof(*c->gws));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(l, (unsigned)i);
		gw = &c->gws[c->ngws];
		if (!config_setting_is_group(e)) {
			*cause = cfg_error(e, "each gateway must be a group");
			return (-1);
		}
		if (cfg_gw_common(c, gw, e, dir, cause) == -1) {
			free(gw->name);
			free(gw->endpoint);
			free(gw->ca_file);
			memset(gw, 0, sizeof(*gw));
			return (-1);
		}
		c->ngws++;
		if (gw->ad->init != NULL && gw->ad->init(gw, e, dir, cause) == -1)
			return (-1);
	}
	return (0);
}

/* routes = { sms = [ "a", "b" ]; ... } */
static int
cfg_routes(struct config *c, config_setting_t *g, char **cause)
{
	config_setting_t	*l;
	struct route_cfg	*r;
	const char		*name;
	int			 ch, i;

	if (g == NULL || !config_setting_is_group(g)) {
		*cause = cfg_error(g ? g : config_root_setting(&c->lc),
		    "\"routes\" must be a group, e.g. routes = { sms = "
		    "[ \"hook\" ]; };");
		return (-1);
	}
	if (cfg_keys(g, channel_names, NULL, "routes", cause) == -1)
		return (-1);
	for (ch = 0; ch < CH_COUNT; ch++) {
		if ((l = config_setting_get_member(g, channel_names[ch])) == NULL)
			continue;
		if (!config_setting_is_array(l) && !config_setting_is_list(l)) {
			*cause = cfg_error(l, "routes.%s must be a list of "
			    "gateway names", channel_names[ch]);
			return (-1);
		}
		r = &c->routes[ch];
		r->gws = xcalloc((size_t)config_setting_length(l) + 1,
		    sizeof(*r->gws));
		for (i = 0; i < config_setting_length(l); i++) {
			name = config_setting_get_string_elem(l, i);
			if (name == NULL || (r->gws[r->ngws] =
			    cfg_gateway(c, name)) == NULL) {
				*cause = cfg_error(l, "routes.%s: unknown "
				    "gateway \"%s\"", channel_names[ch],
				    name ? name : "?");
				return (-1);
			}
			/* a staff chat robot never carries an applicant's notice */
			if (r->gws[r->ngws]->ad->robot) {
				*cause = cfg_error(l, "routes.%s: gateway \"%s\" "
				    "is a %s staff robot; it can only be used in "
				    "alerts", channel_names[ch], name,
				    r->gws[r->ngws]->ad->name);
				return (-1);
			}
			r->ngws++;
		}
	}
	return (0);
}

/* A step routed to a template vendor needs that vendor's template id. */
static int
cfg_check_vtpls(struct config *c, const struct step_cfg *st,
    config_setting_t *where, char **cause)
{
	const struct route_cfg	*r;
	size_t			 i;
	int			 ch;

	for (i = 0; i < st->nvtpls; i++) {
		if (cfg_gateway(c, st->vtpls[i].gateway) == NULL) {
			*cause = cfg_error(where, "step %s: vendor_templates "
			    "names unknown gateway \"%s\"", st->code,
			    st->vtpls[i].gateway);
			return (-1);
		}
	}
	for (ch = 0; ch < CH_COUNT && st->roles != 0; ch++) {
		if (((st->channels | st->role_channels[0] | st->role_channels[1] |
		    st->role_channels[2]) & (1u << ch)) == 0)
			continue;
		r = &c->routes[ch];
		for (i = 0; i < r->ngws; i++) {
			if (r->gws[i]->ad->templated &&
			    cfg_vtpl(st, r->gws[i]->name) == NULL) {
				*cause = cfg_error(where, "step %s is routed to "
				    "gateway \"%s\" (type %s) but has no "
				    "vendor_templates.%s template id", st->code,
				    r->gws[i]->name, r->gws[i]->ad->name,
				    r->gws[i]->name);
				return (-1);
			}
		}
	}
	return (0);
}

/* Every channel a step uses needs a route (and its vendor templates). */
static int
cfg_check_routes(struct config *c, config_setting_t *steps, char **cause)
{
	size_t	 i;
	int	 ch;

	for (i = 0; i < c->nsteps; i++) {
		if (cfg_check_vtpls(c, &c->steps[i], config_setting_get_member(
		    steps, c->steps[i].code), cause) == -1)
			return (-1);
	}

	for (i = 0; i < c->nsteps; i++) {
		if (c->steps[i].roles == 0)
			continue;
		for (ch = 0; ch < CH_COUNT; ch++) {
			if (((c->steps[i].channels | c->steps[i].role_channels[0] |
			    c->steps[i].role_channels[1] |
			    c->steps[i].role_channels[2]) & (1u << ch)) &&
			    c->routes[ch].ngws == 0) {
				*cause = cfg_error(config_setting_get_member(
				    steps, c->steps[i].code), "step %s uses "
				    "channel %s, but routes.%s lists no gateway",
				    c->steps[i].code, channel_names[ch],
				    channel_names[ch]);
				return (-1);
			}
		}
	}
	return (0);
}

/* alerts = [ "robot", ... ]: where staff alerts go. */
static int
cfg_alerts(struct config *c, config_setting_t *l, char **cause)
{
	const char	*name;
	struct gateway	*gw;
	int		 i;

	if (l == NULL)
		return (0);
	if (!config_setting_is_array(l) && !config_setting_is_list(l)) {
		*cause = cfg_error(l, "\"alerts\" must be a list of gateway "
		    "names");
		return (-1);
	}
	c->alerts = xcalloc((size_t)config_setting_length(l) + 1,
	    sizeof(*c->alerts));
	for (i = 0; i < config_setting_length(l); i++) {
		name = config_setting_get_string_elem(l, i);
		if (name == NULL || (gw = cfg_gateway(c, name)) == NULL) {
			*cause = cfg_error(l, "alerts: unknown gateway \"%s\"",
			    name ? name : "?");
			return (-1);
		}
		if (!gw->ad->robot) {
			*cause = cfg_error(l, "alerts: gateway \"%s\" is of type "
			    "%s; alerts go to wecom, dingtalk or feishu robots",
			    name, gw->ad->name);
			return (-1);
		}
		c->alerts[c->nalerts++] = gw;
	}
	return (0);
}

/* "08:00-20:00" */
static int
cfg_window(struct config *c, config_setting_t *g, char **cause)
{
	const char	*w;
	char		 a[8], b[8];
	int		 r;

	c->delivery.window_start = c->delivery.window_end = -1;
	if ((r = cfg_str(g, "window", &w, 0, cause)) <= 0)
		return (r);
	if (strlen(w) != 11 || w[5] != '-') {
		*cause = cfg_error(config_setting_get_member(g, "window"),
		    "\"window\" must look like \"08:00-20:00\"");
		return (-1);
	}
	memcpy(a, w, 5);
	a[5] = '\0';
	memcpy(b, w + 6, 5);
	b[5] = '\0';
	c->delivery.window_start = util_parse_hhmm(a);
	c->delivery.window_end = util_parse_hhmm(b);
	if (c->delivery.window_start < 0 || c->delivery.window_end < 0 ||
	    c->delivery.window_start == c->delivery.window_end) {
		*cause = cfg_error(config_setting_get_member(g, "window"),
		    "\"window\" \"%s\" is not a valid HH:MM-HH:MM range", w);
		return (-1);
	}
	return (0);
}

/* Store an integer parameter into its field. */
static void
cfg_setfield(struct delivery_cfg *d, const struct intparam *p, long long v)
{
	char	*f = (char *)d + p->off;

	if (p->seconds)
		v *= 1000;
	if (p->size == (int)sizeof(int))
		*(int *)(void *)f = (int)v;
	else if (p->size == (int)sizeof(int64_t))
		*(int64_t *)(void *)f = (int64_t)v;
}

static int
cfg_delivery(struct config *c, config_setting_t *g, char **cause)
{
	size_t		 i;
	long long	 v;

	if (g != NULL && !config_setting_is_group(g)) {
		*cause = cfg_error(g, "\"delivery\" must be a group");
		return (-1);
	}
	if (g != NULL && cfg_keys(g, delivery_keys, NULL, "delivery", cause) ==
	    -1)
		return (-1);
	for (i = 0; i < NDELIVERY; i++) {
		if (g == NULL)
			v = delivery_params[i].def;
		else if (cfg_int(g, delivery_params[i].key, delivery_params[i].def,
		    delivery_params[i].min, delivery_params[i].max, &v, cause) ==
		    -1)
			return (-1);
		cfg_setfield(&c->delivery, &delivery_params[i], v);
	}
	if (c->delivery.retry_max_ms < c->delivery.retry_base_ms) {
		*cause = cfg_error(g, "delivery.retry_max must not be below "
		    "retry_base");
		return (-1);
	}
	if (g == NULL) {
		c->delivery.window_start = c->delivery.window_end = -1;
		return (0);
	}
	return (cfg_window(c, g, cause));
}

/* A group of simple string keys: status, log. */
static int
cfg_misc(struct config *c, const char *dir, char **cause)
{
	config_setting_t	*root = config_root_setting(&c->lc), *g;
	const char		*v;

	if (cfg_keys(root, top_keys, NULL, "the configuration", cause) == -1 ||
	    cfg_str(root, "database", &v, 1, cause) == -1)
		return (-1);
	/* a relative database path is relative to this file's directory */
	if (v[0] == '/')
		c->database = xstrdup(v);
	else {
		char	*tmp = xstrdup(c->path);

		c->database = xasprintf("%s/%s", dirname(tmp), v);
		free(tmp);
	}
	if (cfg_str(root, "timezone", &v, 0, cause) == -1)
		return (-1);
	c->timezone = xstrdup(v ? v : "Asia/Shanghai");
	if (strstr(c->timezone, "..") != NULL || c->timezone[0] == '/') {
		*cause = cfg_error(config_setting_get_member(root, "timezone"),
		    "\"timezone\" must be a zone name like \"Asia/Shanghai\"");
		return (-1);
	}
	c->status_listen = xstrdup("127.0.0.1:9277");
	c->log_level = xstrdup("info");
	if ((g = config_setting_get_member(root, "status")) != NULL) {
		if (cfg_keys(g, status_keys, NULL, "status", cause) == -1 ||
		    cfg_str(g, "listen", &v, 0, cause) == -1)
			return (-1);
		if (v != NULL) {
			free(c->status_listen);
			c->status_listen = xstrdup(v);
		}
		if (cfg_str(g, "callback_url", &v, 0, cause) == -1)
			return (-1);
		if (v != NULL)
			c->callback_url = xstrdup(v);
		if (cfg_secret(g, "token", dir, &c->status_token, cause) == -1)
			return (-1);
	}
	if ((g = config_setting_get_member(root, "log")) != NULL) {
		if (cfg_keys(g, log_keys, NULL, "log", cause) == -1 ||
		    cfg_str(g, "level", &v, 0, cause) == -1)
			return (-1);
		if (v != NULL && strcmp(v, "info") != 0 &&
		    strcmp(v, "debug") != 0 && strcmp(v, "warning") != 0) {
			*cause = cfg_error(g, "log.level must be \"warning\", "
			    "\"info\" or \"debug\"");
			return (-1);
		}
		if (v != NULL) {
			free(c->log_level);
			c->log_level = xstrdup(v);
		}
	}
	return (0);
}

/*
 * Parse the file; syntax errors come back as FILE:LINE: message. libconfig
 * 1.5 prefixes its include_dir even to absolute @include paths, so the
 * file is read from its own directory instead: relative includes resolve
 * there and absolute ones stay absolute.
 */
static int
cfg_parse(struct config *c, const char *path, char **dir, char **cause)
{
	char		*tmp, *abs;
	const char	*efile;
	int		 cwd, ok, saved;

	config_init(&c->lc);
	tmp = xstrdup(path);
	*dir = xstrdup(dirname(tmp));
	free(tmp);
	if ((abs = realpath(path, NULL)) == NULL) {
		*cause = xasprintf("%s: cannot read the file: %s", path,
		    strerror(errno));
		return (-1);
	}
	if ((cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    chdir(*dir) == -1) {
		*cause = xasprintf("%s: cannot enter its directory: %s", path,
		    strerror(errno));
		if (cwd != -1)
			close(cwd);
		free(abs);
		return (-1);
	}
	errno = 0;
	ok = config_read_file(&c->lc, abs) == CONFIG_TRUE;
	saved = errno;
	if (fchdir(cwd) == -1)
		fatal("fchdir");
	close(cwd);
	if (!ok) {
		efile = config_error_file(&c->lc);
		if (efile == NULL || strcmp(efile, abs) == 0)
			efile = path;
		if (config_error_type(&c->lc) == CONFIG_ERR_FILE_IO &&
		    config_error_line(&c->lc) == 0)
			*cause = xasprintf("%s: cannot read the file: %s", path,
			    strerror(saved ? saved : ENOENT));
		else
			*cause = xasprintf("%s:%d: %s", efile,
			    config_error_line(&c->lc), config_error_text(&c->lc));
	}
	free(abs);
	return (ok ? 0 : -1);
}

struct config *
cfg_load(const char *path, char **cause)
{
	struct config		*c = xcalloc(1, sizeof(*c));
	config_setting_t	*root;
	char			*dir = NULL;

	*cause = NULL;
	c->path = xstrdup(path);
	c->refs = 1;
	if (cfg_parse(c, path, &dir, cause) == -1)
		goto fail;
	root = config_root_setting(&c->lc);
	if (cfg_misc(c, dir, cause) == -1 ||
	    cfg_courts(c, config_setting_get_member(root, "courts"), cause) ==
	    -1 ||
	    cfg_steps(c, config_setting_get_member(root, "steps"), cause) ==
	    -1 ||
	    cfg_gateways(c, config_setting_get_member(root, "gateways"), dir,
	    cause) == -1 ||
	    cfg_routes(c, config_setting_get_member(root, "routes"), cause) ==
	    -1 ||
	    cfg_check_routes(c, config_setting_get_member(root, "steps"),
	    cause) == -1 ||
	    cfg_delivery(c, config_setting_get_member(root, "delivery"),
	    cause) == -1 ||
	    cfg_alerts(c, config_setting_get_member(root, "alerts"), cause) ==
	    -1)
		goto fail;
	free(dir);
	return (c);
fail:
	free(dir);
	cfg_unref(c);
	return (NULL);
}

struct config *
cfg_ref(struct config *c)
{
	c->refs++;
	return (c);
}

static void
vtpl_free(struct step_cfg *st)
{
	size_t	 i, j;

	for (i = 0; i < st->nvtpls; i++) {
		for (j = 0; j < st->vtpls[i].n; j++) {
			free(st->vtpls[i].keys[j]);
			free(st->vtpls[i].vars[j]);
		}
		free(st->vtpls[i].keys);
		free(st->vtpls[i].vars);
		free(st->vtpls[i].gateway);
		free(st->vtpls[i].id);
	}
	free(st->vtpls);
}

/* Free everything the loader allocated. */
static void
cfg_free(struct config *c)
{
	size_t	 i;
	int	 ch;

	for (i = 0; i < c->ncourts; i++) {
		free(c->courts[i].key);
		free(c->courts[i].name);
		free(c->courts[i].sign);
	}
	for (i = 0; i < c->nsteps; i++) {
		free(c->steps[i].code);
		free(c->steps[i].label);
		free(c->steps[i].text);
		vtpl_free(&c->steps[i]);
	}
	for (i = 0; i < c->ngws; i++) {
		if (c->gws[i].ad != NULL && c->gws[i].ad->free != NULL)
			c->gws[i].ad->free(&c->gws[i]);
		free(c->gws[i].name);
		free(c->gws[i].endpoint);
		free(c->gws[i].ca_file);
	}
	for (ch = 0; ch < CH_COUNT; ch++)
		free(c->routes[ch].gws);
	free(c->alerts);
	free(c->courts);
	free(c->steps);
	free(c->gws);
	free(c->database);
	free(c->timezone);
	free(c->log_level);
	free(c->status_listen);
	if (c->status_token != NULL)
		explicit_bzero(c->status_token, strlen(c->status_token));
	free(c->status_token);
	free(c->callback_url);
	free(c->path);
	config_destroy(&c->lc);
	free(c);
}

void
cfg_unref(struct config *c)
{
	if (c != NULL && --c->refs <= 0)
		cfg_free(c);
}

const struct court_cfg *
cfg_court(const struct config *c, const char *key)
{
	size_t	 i;

	for (i = 0; key != NULL && i < c->ncourts; i++) {
		if (strcmp(c->courts[i].key, key) == 0)
			return (&c->courts[i]);
	}
	return (NULL);
}

const struct step_cfg *
cfg_step(const struct config *c, const char *code)
{
	struct step_cfg	 k;

	if (code == NULL || c->nsteps == 0)
		return (NULL);
	k.code = (char *)(uintptr_t)code;
	return (bsearch(&k, c->steps, c->nsteps, sizeof(*c->steps), step_cmp));
}

struct gateway *
cfg_gateway(const struct config *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->ngws; i++) {
		if (strcmp(c->gws[i].name, name) == 0)
			return (&c->gws[i]);
	}
	return (NULL);
}
