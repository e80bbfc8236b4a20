/*
 * smtp.c - e-mail through libcurl's SMTP (reference/gateways.md §8).
 *
 * Keys: url ("smtps://host:465", implicit TLS; or "smtp://host:587", where
 * STARTTLS is required unless allow_plain = true permits a server without
 * TLS: a test server or a local relay), from (the envelope and header
 * sender address), username with password (or password_file) for AUTH.
 *
 * build fills the SMTP fields of the request: url, mail_from "<from>", rcpt
 * "<to>", copies of username and password (the core wipes them), smtp_plain,
 * and the body: one RFC 5322 message, UTF-8, every line ending in CRLF and
 * none longer than 76 characters:
 *   Date           from now_ms, always in +0800 (China has no DST)
 *   From           the court's name as RFC 2047 encoded words, <from>
 *   To             the recipient's address
 *   Subject        【signature】step label, as RFC 2047 "B" encoded words of
 *                  at most 75 characters, folded, never splitting a character
 *   Message-ID     <key@domain of from>: the notification's stable key, the
 *                  same on every attempt, so a repeated send (SMTP has no
 *                  idempotency) can be recognised by the recipient and audits
 *   MIME-Version, Content-Type text/plain; charset=UTF-8,
 *   Content-Transfer-Encoding base64 (lines of 76), Auto-Submitted:
 *   auto-generated (RFC 3834: no vacation auto-replies to a court notice).
 *
 * Dot-stuffing. The message is not dot-stuffed here, on purpose: libcurl
 * does it for SMTP uploads (since 7.26.0, curl commit 7ba07c8; its tests
 * 803/901/1520: "CRLF." is sent as "CRLF.." and the data is ended with
 * "CRLF.CRLF"), and it does so on CRLF line endings, which this message
 * has throughout; stuffing here too would double the dots. It is moot
 * anyway: no header line starts with '.', and the body is base64, whose
 * alphabet has no '.'. (A line ".a" sent with curl 7.88 through Exim
 * arrived as ".a".)
 *
 * Answers: the core passes the last SMTP reply code as the status. 2xx is
 * OK (the provider id is the Message-ID). 4xx is TEMPFAIL; 421 (the server
 * is closing), 432 and 454 (authentication or TLS unavailable) are the
 * server's fault: the next attempt fails over. 5xx is PERMFAIL (the
 * recipient's address or the message was refused), except authentication
 * (530, 534, 535, 538) and commands the server does not accept (500-504,
 * a client/server mismatch that would refuse every message): TEMPFAIL and
 * the server's fault, so a configuration error never kills notices.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "adapter.h"

#define SMTP_LINE	76	/* the longest line written */

struct smtp_priv {
	char	*url;
	char	*from;
	char	*domain;	/* of from, for Message-IDs */
	char	*username;
	char	*password;
	int	 plain;		/* smtp:// without STARTTLS allowed */
};

static const char *const smtp_keys[] = { "from", "username", "password",
    "password_file", "allow_plain", NULL };

/* ---- the message ---- */

/* Characters that end an address or would need quoting in one. */
#define SMTP_ADDR_BAD	"<>()[],;:\\\""

/* 1 for local@domain in printable ASCII, without specials or spaces. */
static int
smtp_addr_ok(const char *a)
{
	const char	*at, *p;

	if (a == NULL || strlen(a) < 3 || strlen(a) > 254 ||
	    (at = strchr(a, '@')) == NULL || strchr(at + 1, '@') != NULL ||
	    at == a || at[1] == '\0' || at[1] == '.')
		return (0);
	for (p = a; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f ||
		    strchr(SMTP_ADDR_BAD, *p) != NULL)
			return (0);
	return (1);
}

/* A growing string. */
struct sbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

static void
sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sbuf_str(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

/*
 * 1 if s can stand in a header as it is: printable ASCII without "=?"; in
 * a display name (phrase), atoms and spaces only, or it must be encoded.
 */
static int
smtp_plain_text(const char *s, int phrase)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p < ' ' || *p >= 0x7f)
			return (0);
		if (phrase && !((*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    strchr(" !#$%&'*+-/=?^_`{|}~", *p) != NULL))
			return (0);
	}
	return (strstr(s, "=?") == NULL);
}

/*
 * Append s as RFC 2047 encoded words, the first in `room` columns, the
 * others on continuation lines; *col is the column reached. A word holds
 * whole UTF-8 characters only (RFC 2047 §5) and is at most 75 characters.
 */
static void
smtp_words(struct sbuf *b, const char *s, size_t room, size_t *col)
{
	char	 word[80];
	size_t	 left = strlen(s), n, max;
	int	 first = 1;

	while (left > 0 || first) {
		if (!first) {
			sbuf_str(b, "\r\n ");
			room = SMTP_LINE - 1;
		}
		/* "=?UTF-8?B?" + base64 + "?=": 12 characters around 4/3 n */
		max = room > 75 ? 75 : room;
		n = max > 12 ? (max - 12) / 4 * 3 : 0;
		if (n > left)
			n = left;
		while (n > 0 && n < left &&
		    ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		if (n == 0 && left > 0)
			n = 1;	/* room too small: never loop for ever */
		adapter_base64(s, n, word);
		sbuf_str(b, "=?UTF-8?B?");
		sbuf_str(b, word);
		sbuf_str(b, "?=");
		*col = (first ? SMTP_LINE - room : 1) + 12 + strlen(word);
		s += n;
		left -= n;
		first = 0;
	}
}

/*
 * "Name: value[ tail]\r\n", value encoded and folded when it must be; with
 * a tail (an address), value is a display name.
 */
static void
smtp_fold(struct sbuf *b, const char *name, const char *value,
    const char *tail)
{
	size_t	 col = strlen(name) + 2;

	sbuf_str(b, name);
	sbuf_str(b, ": ");
	if (value != NULL && smtp_plain_text(value, tail != NULL) &&
	    col + strlen(value) <= SMTP_LINE) {
		sbuf_str(b, value);
		col += strlen(value);
	} else if (value != NULL)
		smtp_words(b, value, SMTP_LINE - col, &col);
	if (tail != NULL) {
		if (value != NULL && col + 1 + strlen(tail) > SMTP_LINE)
			sbuf_str(b, "\r\n");
		if (value != NULL)
			sbuf_str(b, " ");
		sbuf_str(b, tail);
	}
	sbuf_str(b, "\r\n");
}

/* One header, as smtp_message writes it (adapter.h). */
char *
smtp_header(const char *name, const char *utf8)
{
	struct sbuf	 b;

	memset(&b, 0, sizeof(b));
	smtp_fold(&b, name, utf8, NULL);
	return (b.p);
}

/* RFC 5322 date-time in China time: "Thu, 25 Feb 2021 23:02:10 +0800". */
static void
smtp_date(int64_t ms, char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t		 t = (time_t)(ms / 1000) + 8 * 3600;
	struct tm	 tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s, %d %s %04d %02d:%02d:%02d +0800",
	    days[tm.tm_wday], tm.tm_mday, mons[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The key as a Message-ID left part: dot-atom text, anything else as '-'. */
static char *
smtp_msgid_left(const char *key)
{
	char	*s = xstrdup(key), *p;

	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$%&'*+-/=?^_`{|}~",
		    *p) != NULL || (*p == '.' && p != s && p[1] != '\0' &&
		    p[1] != '.')))
			*p = '-';
	return (s);
}

/* The body: text with CRLF line endings, base64 in lines of 76. */
static void
smtp_body(struct sbuf *b, const char *text)
{
	struct sbuf	 t;
	char		 line[SMTP_LINE + 1];
	const char	*p;
	size_t		 off, n;

	memset(&t, 0, sizeof(t));
	for (p = text; *p != '\0'; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;	/* the LF that follows writes CRLF */
		if (*p == '\n' || *p == '\r')
			sbuf_str(&t, "\r\n");
		else
			sbuf_add(&t, p, 1);
	}
	if (t.len < 2 || memcmp(t.p + t.len - 2, "\r\n", 2) != 0)
		sbuf_str(&t, "\r\n");
	for (off = 0; off < t.len; off += n) {
		n = t.len - off > 57 ? 57 : t.len - off;	/* 57 -> 76 */
		adapter_base64(t.p + off, n, line);
		sbuf_str(b, line);
		sbuf_str(b, "\r\n");
	}
	free(t.p);
}

/* The whole message: headers, blank line, base64 body (adapter.h). */
char *
smtp_message(const struct smtp_mail *mail, size_t *len, char **cause)
{
	struct sbuf	 b;
	char		 date[64], *addr, *left;
	const char	*domain;

	if (!smtp_addr_ok(mail->from) || !smtp_addr_ok(mail->to)) {
		*cause = xasprintf("\"%s\" is not an e-mail address",
		    smtp_addr_ok(mail->from) ? "the recipient" : "from");
		return (NULL);
	}
	if (mail->key == NULL || mail->key[0] == '\0' ||
	    mail->subject == NULL || mail->text == NULL) {
		*cause = xstrdup("an e-mail needs a key, a subject and a text");
		return (NULL);
	}
	domain = strchr(mail->from, '@') + 1;
	memset(&b, 0, sizeof(b));
	smtp_date(mail->date_ms, date, sizeof(date));
	smtp_fold(&b, "Date", date, NULL);
	addr = xasprintf("<%s>", mail->from);
	smtp_fold(&b, "From", mail->from_name != NULL &&
	    mail->from_name[0] != '\0' ? mail->from_name : NULL, addr);
	free(addr);
	smtp_fold(&b, "To", mail->to, NULL);
	smtp_fold(&b, "Subject", mail->subject, NULL);
	left = smtp_msgid_left(mail->key);
	addr = xasprintf("<%s@%s>", left, domain);
	smtp_fold(&b, "Message-ID", NULL, addr);
	free(addr);
	free(left);
	sbuf_str(&b, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n"
	    "Auto-Submitted: auto-generated\r\n"
	    "\r\n");
	smtp_body(&b, mail->text);
	*len = b.len;
	return (b.p);
}

/* ---- configuration ---- */

/*
 * url (cfg.c keeps it as the endpoint; own_url: the scheme is checked
 * here): smtps://host[:port] or smtp://host[:port], no credentials in it.
 */
static int
smtp_url(const struct gateway *gw, const config_setting_t *g, char **out,
    char **cause)
{
	const char	*host, *p;
	int		 r = 1;

	if (gw->endpoint != NULL)
		*out = xstrdup(gw->endpoint);
	else if ((r = adapter_cfg_str(gw, g, "url", out, cause)) == -1)
		return (-1);
	if (r == 0) {
		*cause = cfg_error(g, "gateway \"%s\": missing \"url\" "
		    "(smtps://host:465 or smtp://host:587)", gw->name);
		return (-1);
	}
	if (strncmp(*out, "smtps://", 8) == 0)
		host = *out + 8;
	else if (strncmp(*out, "smtp://", 7) == 0)
		host = *out + 7;
	else {
		*cause = cfg_error(g, "gateway \"%s\": \"url\" must be "
		    "smtps://host:465 or smtp://host:587", gw->name);
		return (-1);
	}
	for (p = *out; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f)
			break;
	if (*p != '\0' || *host == '\0' || *host == '/' || *host == ':' ||
	    strpbrk(*out, "?#") != NULL || strchr(host, '@') != NULL) {
		/* not echoed: it may hold a password */
		*cause = cfg_error(g, "gateway \"%s\": \"url\" must be "
		    "scheme://host[:port], without spaces, credentials (use "
		    "username and password) or a query", gw->name);
		return (-1);
	}
	return (0);
}

/* from: required, a plain address (the display name is the court's). */
static int
smtp_from(struct gateway *gw, struct smtp_priv *p, const config_setting_t *g,
    char **cause)
{
	int	 r;

	if ((r = adapter_cfg_str(gw, g, "from", &p->from, cause)) == -1)
		return (-1);
	if (r == 0) {
		*cause = cfg_error(g, "gateway \"%s\": missing \"from\" (the "
		    "sender address, e.g. noreply@court.example)", gw->name);
		return (-1);
	}
	if (!smtp_addr_ok(p->from)) {
		*cause = cfg_error(g, "gateway \"%s\": \"from\" \"%s\" is not "
		    "an address like noreply@court.example (no name, no <>)",
		    gw->name, p->from);
		return (-1);
	}
	p->domain = xstrdup(strchr(p->from, '@') + 1);
	return (0);
}

/* username and password: both or neither. */
static int
smtp_auth(struct gateway *gw, struct smtp_priv *p, const config_setting_t *g,
    const char *cfgdir, char **cause)
{
	if (adapter_cfg_str(gw, g, "username", &p->username, cause) == -1 ||
	    cfg_secret(g, "password", cfgdir, &p->password, cause) == -1)
		return (-1);
	if (p->password != NULL && p->password[0] == '\0') {
		free(p->password);
		p->password = NULL;
	}
	if (p->username != NULL && p->password == NULL) {
		*cause = cfg_error(g, "gateway \"%s\": \"username\" without "
		    "\"password\" (or \"password_file\")", gw->name);
		return (-1);
	}
	if (p->username == NULL && p->password != NULL) {
		*cause = cfg_error(g, "gateway \"%s\": a password without "
		    "\"username\"", gw->name);
		return (-1);
	}
	return (0);
}

/* allow_plain: a boolean, default false. */
static int
smtp_allow_plain(const struct gateway *gw, const config_setting_t *g, int *out,
    char **cause)
{
	config_setting_t	*s;

	*out = 0;
	s = config_setting_get_member(g, "allow_plain");
	if (s == NULL)
		return (0);
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		*cause = cfg_error(s, "gateway \"%s\": \"allow_plain\" must be "
		    "true or false", gw->name);
		return (-1);
	}
	*out = config_setting_get_bool(s);
	return (0);
}

static int
smtp_init(struct gateway *gw, const config_setting_t *g, const char *cfgdir,
    char **cause)
{
	struct smtp_priv	*p = xcalloc(1, sizeof(*p));
	int			 plain;

	gw->priv = p;	/* smtp_free releases a half-built one */
	if (smtp_url(gw, g, &p->url, cause) == -1 ||
	    smtp_from(gw, p, g, cause) == -1 ||
	    smtp_auth(gw, p, g, cfgdir, cause) == -1 ||
	    smtp_allow_plain(gw, g, &plain, cause) == -1)
		return (-1);
	/* implicit TLS is TLS whatever allow_plain says */
	p->plain = plain && strncmp(p->url, "smtp://", 7) == 0;
	return (0);
}

static void
smtp_free(struct gateway *gw)
{
	struct smtp_priv	*p = gw->priv;

	if (p == NULL)
		return;
	adapter_secret_free(p->password);
	free(p->url);
	free(p->from);
	free(p->domain);
	free(p->username);
	free(p);
	gw->priv = NULL;
}

/* ---- requests and answers ---- */

/* The SMTP fields of the request; the subject is 【signature】label. */
static int
smtp_build(const struct gateway *gw, const struct message *m,
    struct request *req, char **cause)
{
	const struct smtp_priv	*p = gw->priv;
	struct smtp_mail	 mail;
	char			*subject;

	if (!smtp_addr_ok(m->to)) {
		*cause = xstrdup("the recipient is not an e-mail address");
		return (-1);
	}
	if (m->sign != NULL && m->sign[0] != '\0')
		subject = xasprintf("【%s】%s", m->sign,
		    m->label != NULL ? m->label : m->step);
	else
		subject = xstrdup(m->label != NULL ? m->label : m->step);
	memset(&mail, 0, sizeof(mail));
	mail.from = p->from;
	mail.from_name = m->court_name;
	mail.to = m->to;
	mail.subject = subject;
	mail.text = m->text;
	mail.key = m->key;
	mail.date_ms = m->now_ms;
	req->body = smtp_message(&mail, &req->bodylen, cause);
	free(subject);
	if (req->body == NULL)
		return (-1);
	req->url = xstrdup(p->url);
	req->mail_from = xasprintf("<%s>", p->from);
	req->rcpt = xasprintf("<%s>", m->to);
	req->smtp_plain = p->plain;
	if (p->username != NULL) {
		req->username = xstrdup(p->username);
		req->password = xstrdup(p->password);
	}
	return (0);
}

/* The last SMTP reply code decides (see the top of the file). */
static void
smtp_parse(const struct gateway *gw, const struct message *m,
    const struct response *resp, struct result *res)
{
	const struct smtp_priv	*p = gw != NULL ? gw->priv : NULL;
	char			 why[121], *left;
	long			 c = resp->status;

	res->http_status = c;
	res->retry_after_ms = resp->retry_after_ms;
	res->gwfault = 0;
	util_strlcpy_utf8(why, resp->body != NULL ? resp->body : "",
	    sizeof(why));
	util_sanitize(why);
	if (c >= 200 && c < 300) {
		result_set(res, OUTCOME_OK, "%s", "");
		if (p != NULL && m != NULL && m->key != NULL) {
			left = smtp_msgid_left(m->key);
			snprintf(res->provider_id, sizeof(res->provider_id),
			    "%s@%s", left, p->domain);
			free(left);
		}
		return;
	}
	if (c == 530 || c == 534 || c == 535 || c == 538) {
		result_set(res, OUTCOME_TEMPFAIL, "SMTP %ld: authentication "
		    "refused; check username and password%s%s", c,
		    why[0] ? ": " : "", why);
		res->gwfault = 1;
	} else if (c >= 500 && c <= 504) {
		result_set(res, OUTCOME_TEMPFAIL, "SMTP %ld: the server "
		    "refused a command%s%s", c, why[0] ? ": " : "", why);
		res->gwfault = 1;
	} else if (c >= 500 && c < 600)
		result_set(res, OUTCOME_PERMFAIL, "SMTP %ld: refused "
		    "permanently%s%s", c, why[0] ? ": " : "", why);
	else if (c >= 400 && c < 500) {
		result_set(res, OUTCOME_TEMPFAIL, "SMTP %ld: temporary "
		    "failure%s%s", c, why[0] ? ": " : "", why);
		res->gwfault = c == 421 || c == 432 || c == 454;
	} else {
		result_set(res, OUTCOME_TEMPFAIL, "%s %ld: no usable SMTP "
		    "reply%s%s", c == 0 ? "status" : "SMTP", c, why[0] ? ": " :
		    "", why);
		res->gwfault = 1;
	}
}

const struct adapter adapter_smtp = {
	.name = "smtp",
	.keys = smtp_keys,
	.needs_url = 1,
	.own_url = 1,
	.init = smtp_init,
	.build = smtp_build,
	.parse = smtp_parse,
	.free = smtp_free,
};
