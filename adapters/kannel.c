/*
 * kannel.c - Kannel's sendsms HTTP interface (reference/gateways.md 7).
 *
 * One GET per message to `url` (the smsbox's sendsms URL, e.g.
 * http://127.0.0.1:13013/cgi-bin/sendsms; plain http needs allow_http):
 * username, password, from (optional: Kannel may set a global sender), to,
 * smsc (optional), coding=2 and charset=UTF-16BE with the text converted
 * here from UTF-8 to UTF-16BE, every byte percent-encoded; and, when the
 * status server has a public callback_url and the message a receipt token,
 * dlr-mask (default 31) and dlr-url = callback_url/v1/receipts/kannel?key=
 * <key>&token=<token>&status=%d (Kannel puts the report type in for %d).
 *
 * Long texts. The adapter interface sends one request per message, so the
 * parts are not sent one by one with our own UDH: Kannel concatenates.
 * Given `concatenation = true` in the sendsms-user group, bearerbox cuts the
 * UCS-2 text into parts of 134 octets (67 UTF-16 units) behind the 6-octet
 * UDH 05 00 03 <ref> <total> <seq> when it exceeds 140 octets (70 units),
 * and asks a delivery report for the first part only (gw/sms.c sms_split).
 * It cuts by bytes: a character outside the BMP (an emoji, a rare CJK
 * ideograph of extension B and later), two UTF-16 units, would be split in
 * half when it straddles unit 67, 134, ... The adapter computes that split
 * exactly (kannel_parts) and refuses such a text with a clear reason
 * (PERMFAIL) instead of sending a broken character; a text with non-BMP
 * characters elsewhere, or one that fits in one part, goes out unchanged.
 *
 * Kannel truncates silently what exceeds the sendsms-user's max-messages
 * (default 1: 70 characters) and answers "0: Accepted for delivery" all the
 * same. Set max-messages in Kannel, and the gateway's max_parts here to the
 * same number: a longer text is then refused here, with its counts.
 * The SMSC's max-sms-octets must stay at its default, 140.
 *
 * Answers (7.2, exact strings of gw/smsbox.c): "0: Accepted for delivery",
 * "3: Queued for later delivery" and "Sent." are OK (Kannel returns no
 * message id); authorization failure, a missing sender, "Temporal failure"
 * and "Sending failed." are the gateway's fault (TEMPFAIL, failover);
 * "Not routable", denied or missing receivers and misformed fields are
 * permanent. Anything else did not come from Kannel's sendsms (a wrong url,
 * a proxy): the gateway's fault. Kannel offers no idempotency.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapter.h"

#define KANNEL_ONE_PART		70	/* UTF-16 units in a single SMS */
#define KANNEL_PER_PART		67	/* and per part of a concatenated one */

struct kannel_priv {
	char	*username;
	char	*password;
	char	*from;		/* or NULL */
	char	*smsc;		/* or NULL */
	int	 dlr_mask;
};

static const char *const kannel_keys[] = { "username", "password",
    "password_file", "from", "smsc", "dlr_mask", NULL };

/* What an answer of smsbox means (gateways.md 7.2). */
struct kannel_answer {
	const char	*text;
	enum outcome	 outcome;
	int		 gwfault;
	const char	*why;		/* our words, when Kannel's are unclear */
};

static const struct kannel_answer kannel_answers[] = {
	{ "0: Accepted for delivery", OUTCOME_OK, 0, NULL },
	{ "3: Queued for later delivery", OUTCOME_OK, 0, NULL },
	{ "Authorization failed for sendsms", OUTCOME_TEMPFAIL, 1,
	    "check username and password against Kannel's sendsms-user" },
	{ "Temporal failure, try again later.", OUTCOME_TEMPFAIL, 1, NULL },
	{ "Sending failed.", OUTCOME_TEMPFAIL, 1, NULL },
	{ "Sender missing and no global set, rejected", OUTCOME_TEMPFAIL, 1,
	    "set \"from\" or Kannel's global-sender" },
	{ "Not routable. Do not try again.", OUTCOME_PERMFAIL, 0,
	    "Kannel has no SMSC route for this number" },
	{ "Missing receiver number, rejected", OUTCOME_PERMFAIL, 0, NULL },
	{ "Missing receiver(s) number(s), rejected", OUTCOME_PERMFAIL, 0, NULL },
	{ "Empty receiver number not allowed, rejected", OUTCOME_PERMFAIL, 0,
	    NULL },
	{ "Number(s) has/have been denied by white- and/or black-lists.",
	    OUTCOME_PERMFAIL, 0, NULL },
	{ "UDH field is too long, rejected", OUTCOME_PERMFAIL, 0, NULL },
};

/* ---- UTF-8 to UCS-2, and Kannel's split ---- */

/* One UTF-8 sequence: its length and code point; 0 at NUL or if invalid. */
static size_t
kannel_utf8(const unsigned char *s, uint32_t *cp)
{
	uint32_t	 c = s[0];
	size_t		 n, i;

	if (c < 0x80) {
		*cp = c;
		return (c != 0 ? 1 : 0);
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07;
	else
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/* Put one UTF-16 unit, big-endian. */
static void
kannel_put16(unsigned char *out, size_t *len, uint32_t u)
{
	out[(*len)++] = (unsigned char)(u >> 8);
	out[(*len)++] = (unsigned char)(u & 0xff);
}

/*
 * Convert to UTF-16BE (when out is not NULL; *out is allocated) and work
 * out Kannel's split: the first non-BMP character whose two units would
 * land in two parts, if any. -1 on invalid UTF-8.
 */
static int
kannel_ucs2(const char *utf8, unsigned char **out, size_t *outlen,
    struct kannel_parts *kp)
{
	const unsigned char	*s = (const unsigned char *)utf8;
	unsigned char		*buf = NULL;
	uint32_t		 cp;
	size_t			 n, len = 0, chars = 0, u;

	memset(kp, 0, sizeof(*kp));
	if (out != NULL)
		buf = xmalloc(2 * strlen(utf8) + 2);
	for (; *s != '\0'; s += n) {
		if ((n = kannel_utf8(s, &cp)) == 0) {
			free(buf);
			return (-1);
		}
		chars++;
		u = kp->units;
		kp->units += cp > 0xffff ? 2 : 1;
		/* a pair at units u, u+1 is cut when a part ends after u */
		if (cp > 0xffff && (u + 1) % KANNEL_PER_PART == 0 &&
		    kp->cut_part == 0) {
			kp->cut_part = (u + 1) / KANNEL_PER_PART;
			kp->cut_char = chars;
			kp->cut_cp = cp;
		}
		if (buf == NULL)
			continue;
		if (cp > 0xffff) {
			kannel_put16(buf, &len, 0xd800 + ((cp - 0x10000) >> 10));
			kannel_put16(buf, &len, 0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else
			kannel_put16(buf, &len, cp);
	}
	if (kp->units == 0)
		kp->parts = 0;
	else if (kp->units <= KANNEL_ONE_PART) {
		kp->parts = 1;
		kp->cut_part = kp->cut_char = 0;	/* one part: no cut */
		kp->cut_cp = 0;
	} else
		kp->parts = (kp->units + KANNEL_PER_PART - 1) / KANNEL_PER_PART;
	if (out != NULL) {
		*out = buf;
		*outlen = len;
	}
	return (0);
}

int
kannel_parts(const char *utf8, struct kannel_parts *kp)
{
	return (kannel_ucs2(utf8, NULL, NULL, kp));
}

/* ---- configuration ---- */

/* dlr_mask: Kannel's report bits, 1 to 32; 0 asks for no report. */
static int
kannel_dlr_mask(const struct gateway *gw, const config_setting_t *s, int *out,
    char **cause)
{
	config_setting_t	*v = config_setting_get_member(s, "dlr_mask");

	*out = 31;
	if (v == NULL)
		return (0);
	if (config_setting_type(v) != CONFIG_TYPE_INT ||
	    config_setting_get_int(v) < 0 || config_setting_get_int(v) > 63) {
		*cause = cfg_error(v, "gateway \"%s\": \"dlr_mask\" must be an "
		    "integer from 0 to 63 (1 delivered, 2 undelivered, 4 "
		    "queued on the SMSC, 8 accepted by the SMSC, 16 rejected "
		    "by the SMSC, 32 intermediate)", gw->name);
		return (-1);
	}
	*out = config_setting_get_int(v);
	return (0);
}

static int
kannel_init(struct gateway *gw, const config_setting_t *s, const char *cfgdir,
    char **cause)
{
	struct kannel_priv	*p = xcalloc(1, sizeof(*p));

	gw->priv = p;	/* kannel_free cleans up after a failure too */
	if (adapter_cfg_str(gw, s, "username", &p->username, cause) == -1)
		return (-1);
	if (p->username == NULL) {
		*cause = cfg_error(s, "gateway \"%s\": missing \"username\" "
		    "(of a sendsms-user group of Kannel)", gw->name);
		return (-1);
	}
	if (adapter_cfg_secret(gw, s, "password", cfgdir, &p->password,
	    cause) == -1 ||
	    adapter_cfg_str(gw, s, "from", &p->from, cause) == -1 ||
	    adapter_cfg_str(gw, s, "smsc", &p->smsc, cause) == -1 ||
	    kannel_dlr_mask(gw, s, &p->dlr_mask, cause) == -1)
		return (-1);
	return (0);
}

static void
kannel_free(struct gateway *gw)
{
	struct kannel_priv	*p = gw->priv;

	if (p == NULL)
		return;
	adapter_secret_free(p->password);
	free(p->username);
	free(p->from);
	free(p->smsc);
	free(p);
	gw->priv = NULL;
}

/* ---- the request ---- */

/*
 * Append sep, "name=value", percent-encoded: unreserved bytes as they are.
 * The encoded copy is wiped: the password is one of the values.
 */
static void
kannel_param(FILE *f, int sep, const char *name, const char *value)
{
	char	*v = adapter_percent_encode(value);

	fprintf(f, "%c%s=%s", sep, name, v);
	adapter_secret_free(v);
}

/* The text passes the gateway's max_parts and is cut nowhere inside a character. */
static int
kannel_check(const struct gateway *gw, const struct kannel_parts *kp,
    char **cause)
{
	if (kp->units == 0) {
		*cause = xstrdup("the text is empty");
		return (-1);
	}
	if (gw->max_parts > 0 && kp->parts > (size_t)gw->max_parts) {
		*cause = xasprintf("the text takes %zu SMS parts (%zu "
		    "characters, UCS-2); gateway \"%s\" allows %d (max_parts)",
		    kp->parts, kp->units, gw->name, gw->max_parts);
		return (-1);
	}
	if (kp->cut_part != 0) {
		*cause = xasprintf("character %zu (U+%04X) would be cut in half "
		    "between SMS parts %zu and %zu: Kannel splits UCS-2 every "
		    "67 units; rephrase the text or send it through another "
		    "gateway", kp->cut_char, (unsigned)kp->cut_cp,
		    kp->cut_part, kp->cut_part + 1);
		return (-1);
	}
	return (0);
}

/* dlr-mask and dlr-url, when receipts can come back. */
static void
kannel_dlr(FILE *f, const struct kannel_priv *p, const struct message *m)
{
	char	*url, *key, *token;
	size_t	 n;

	if (p->dlr_mask == 0 || m->callback_url == NULL ||
	    m->callback_url[0] == '\0' || m->receipt_token == NULL)
		return;
	n = strlen(m->callback_url);
	if (m->callback_url[n - 1] == '/')
		n--;
	key = adapter_percent_encode(m->key);
	token = adapter_percent_encode(m->receipt_token);
	url = xasprintf("%.*s/v1/receipts/kannel?key=%s&token=%s&status=%%d",
	    (int)n, m->callback_url, key, token);
	fprintf(f, "&dlr-mask=%d", p->dlr_mask);
	kannel_param(f, '&', "dlr-url", url);
	free(url);
	free(key);
	free(token);
}

/* The sendsms URL with every parameter. */
static char *
kannel_url(const struct gateway *gw, const struct kannel_priv *p,
    const struct message *m, const unsigned char *u16, size_t u16len)
{
	char	*url = NULL;
	size_t	 len = 0, i;
	FILE	*f;

	if ((f = open_memstream(&url, &len)) == NULL)
		fatal("open_memstream");
	fputs(gw->endpoint, f);
	kannel_param(f, strchr(gw->endpoint, '?') != NULL ? '&' : '?',
	    "username", p->username);
	kannel_param(f, '&', "password", p->password);
	if (p->from != NULL)
		kannel_param(f, '&', "from", p->from);
	kannel_param(f, '&', "to", m->to);
	if (p->smsc != NULL)
		kannel_param(f, '&', "smsc", p->smsc);
	fputs("&coding=2&charset=UTF-16BE&text=", f);
	for (i = 0; i < u16len; i++)
		fprintf(f, "%%%02X", u16[i]);
	kannel_dlr(f, p, m);
	if (fclose(f) != 0)
		fatal("open_memstream");
	return (url);
}

static int
kannel_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct kannel_priv	*p = gw->priv;
	struct kannel_parts		 kp;
	unsigned char			*u16;
	size_t				 u16len, n;

	n = m->to != NULL ? strlen(m->to) : 0;
	if (n < 3 || n > 20 || strspn(m->to, "+0123456789") != n) {
		*cause = xstrdup("the recipient is not a phone number");
		return (-1);
	}
	if (kannel_ucs2(m->text ? m->text : "", &u16, &u16len, &kp) == -1) {
		*cause = xstrdup("the text is not valid UTF-8");
		return (-1);
	}
	if (kannel_check(gw, &kp, cause) == -1) {
		free(u16);
		return (-1);
	}
	req->url = kannel_url(gw, p, m, u16, u16len);
	req->method = "GET";
	free(u16);
	return (0);
}

/* ---- the answer ---- */

/* Kannel's answer without surrounding white space, into buf. */
static void
kannel_text(const struct response *resp, char *buf, size_t len)
{
	size_t	 n = resp->body != NULL ? resp->bodylen : 0, a = 0;

	while (a < n && strchr(" \t\r\n", resp->body[a]) != NULL)
		a++;
	while (n > a && strchr(" \t\r\n", resp->body[n - 1]) != NULL)
		n--;
	if (n - a >= len)
		n = a + len - 1;
	memcpy(buf, resp->body != NULL ? resp->body + a : "", n - a);
	buf[n - a] = '\0';
}

/* The "field misformed, rejected" family: a request Kannel cannot parse. */
static int
kannel_misformed(const char *t)
{
	const char	*suffix = " misformed, rejected";
	size_t		 n = strlen(t), k = strlen(suffix);

	return ((n > k && strcmp(t + n - k, suffix) == 0) ||
	    strcmp(t, "Account field misformed or too long, rejected") == 0);
}

static void
kannel_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	const struct kannel_answer	*a;
	char				 t[128];
	size_t				 i;
	int				 ok2xx = resp->status >= 200 &&
					    resp->status < 300;

	(void)gw;
	(void)m;
	res->http_status = resp->status;
	res->retry_after_ms = resp->retry_after_ms;
	res->gwfault = 0;
	kannel_text(resp, t, sizeof(t));
	for (i = 0; i < sizeof(kannel_answers) / sizeof(kannel_answers[0]);
	    i++) {
		a = &kannel_answers[i];
		if (strcmp(t, a->text) != 0 || (a->outcome == OUTCOME_OK &&
		    !ok2xx))
			continue;
		res->gwfault = a->gwfault;
		if (a->outcome == OUTCOME_OK)
			result_set(res, OUTCOME_OK, "%s", "");
		else
			result_set(res, a->outcome, "Kannel (HTTP %ld): %s%s%s",
			    resp->status, a->text, a->why ? "; " : "",
			    a->why ? a->why : "");
		return;
	}
	if (ok2xx && strncmp(t, "Sent.", 5) == 0) {
		/* immediate-sendsms-reply; our one receiver may be denied */
		if (strstr(t, "Denied receivers") != NULL)
			result_set(res, OUTCOME_PERMFAIL, "Kannel (HTTP %ld): "
			    "the receiver was denied by its white- or "
			    "black-list", resp->status);
		else
			result_set(res, OUTCOME_OK, "%s", "");
		return;
	}
	if (kannel_misformed(t)) {
		result_set(res, OUTCOME_PERMFAIL, "Kannel (HTTP %ld): %s",
		    resp->status, t);
		return;
	}
	/* not smsbox's words; the body is not quoted: it may echo the URL */
	res->gwfault = 1;
	result_set(res, OUTCOME_TEMPFAIL, "unexpected answer from Kannel "
	    "(HTTP %ld, %zu bytes); is \"url\" its sendsms URL?",
	    resp->status, resp->bodylen);
}

const struct adapter adapter_kannel = {
	.name = "kannel",
	.keys = kannel_keys,
	.needs_url = 1,
	.init = kannel_init,
	.build = kannel_build,
	.parse = kannel_parse,
	.free = kannel_free,
};
