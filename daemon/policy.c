/*
 * policy.c - who gets what, on which channel, and when.
 *
 * policy_recipient() decides for one party of one step whether a message
 * goes out and to which normalised address; every "no" comes with a reason
 * that ends up in notifications.last_error. The window functions answer
 * whether the daily sending window (local time, possibly across midnight)
 * is open and when it opens next.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "huigao.h"

#define OPENID_MAX	64
#define EMAIL_MAX	254

/* ROLE_* for a parties.role string, 0 if unknown. */
static unsigned
policy_role(const char *role)
{
	if (role == NULL)
		return (0);
	if (strcmp(role, "applicant") == 0)
		return (ROLE_APPLICANT);
	if (strcmp(role, "agent") == 0)
		return (ROLE_AGENT);
	if (strcmp(role, "respondent") == 0)
		return (ROLE_RESPONDENT);
	return (0);
}

/* The configuration name of a channel. */
static const char *
policy_channel_name(enum channel ch)
{
	switch (ch) {
	case CH_SMS:
		return ("sms");
	case CH_WECHAT:
		return ("wechat");
	case CH_EMAIL:
		return ("email");
	default:
		return ("unknown");
	}
}

/* A WeChat openid: 1-64 of [A-Za-z0-9_-]. */
static int
valid_openid(const char *s)
{
	size_t	 n = strlen(s);

	return (n > 0 && n <= OPENID_MAX &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_-") == n);
}

/*
 * An e-mail address fit for an SMTP envelope: one '@' with text on both
 * sides, a dot inside the domain, no blanks, controls or list separators.
 */
static int
valid_email(const char *s)
{
	const char	*at, *dot;
	size_t		 i, n = strlen(s);

	if (n == 0 || n > EMAIL_MAX || (at = strchr(s, '@')) == NULL ||
	    strchr(at + 1, '@') != NULL || at == s)
		return (0);
	for (i = 0; i < n; i++) {
		/* ASCII only: no SMTPUTF8, and no invalid UTF-8 into logs */
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>,;\"", s[i]) != NULL)
			return (0);
	}
	dot = strchr(at + 1, '.');
	return (dot != NULL && dot != at + 1 && s[n - 1] != '.');
}

/* Mask an e-mail address: w***@example.org. */
static void
mask_email(const char *to, char *out, size_t outlen)
{
	const char	*at = strchr(to, '@');
	char		 tmp[EMAIL_MAX + 8];

	/* keep the first character only if it is plain ASCII */
	if (isalnum((unsigned char)to[0]))
		snprintf(tmp, sizeof(tmp), "%c***@%s", to[0], at + 1);
	else
		snprintf(tmp, sizeof(tmp), "***@%s", at + 1);
	util_strlcpy_utf8(out, tmp, outlen);
}

/* Fill `to` with src, or fail when it does not fit. */
static int
copy_to(char *to, size_t tolen, const char *src)
{
	if (tolen == 0 || strlen(src) >= tolen)
		return (-1);
	memcpy(to, src, strlen(src) + 1);
	return (0);
}

/* The SMS recipient: a mainland mobile number. */
static int
recipient_sms(const struct party *p, char *to, size_t tolen, char *reason,
    size_t rlen)
{
	char	 masked[64];

	if (p->phone == NULL || p->phone[0] == '\0') {
		snprintf(reason, rlen, "no phone number");
		return (1);
	}
	if (tolen < 12) {
		snprintf(reason, rlen, "recipient buffer too small");
		return (1);
	}
	if (text_phone_normalize(p->phone, to, tolen, NULL) == -1) {
		text_phone_mask(p->phone, masked, sizeof(masked));
		snprintf(reason, rlen, "no usable phone number: \"%s\"",
		    masked);
		return (1);
	}
	return (0);
}

/* The WeChat recipient: an official-account openid. */
static int
recipient_wechat(const struct party *p, char *to, size_t tolen, char *reason,
    size_t rlen)
{
	if (p->wechat_openid == NULL || p->wechat_openid[0] == '\0') {
		snprintf(reason, rlen, "no WeChat openid");
		return (1);
	}
	if (!valid_openid(p->wechat_openid) ||
	    copy_to(to, tolen, p->wechat_openid) == -1) {
		snprintf(reason, rlen, "no usable WeChat openid (1 to %d of "
		    "A-Z a-z 0-9 _ -)", OPENID_MAX);
		return (1);
	}
	return (0);
}

/* The e-mail recipient. */
static int
recipient_email(const struct party *p, char *to, size_t tolen, char *reason,
    size_t rlen)
{
	char	 masked[64];

	if (p->email == NULL || p->email[0] == '\0') {
		snprintf(reason, rlen, "no e-mail address");
		return (1);
	}
	if (!valid_email(p->email) || copy_to(to, tolen, p->email) == -1) {
		if (strchr(p->email, '@') != NULL && valid_email(p->email))
			mask_email(p->email, masked, sizeof(masked));
		else
			text_phone_mask(p->email, masked, sizeof(masked));
		snprintf(reason, rlen, "no usable e-mail address: \"%s\"",
		    masked);
		return (1);
	}
	return (0);
}

/*
 * Is this step sent to this party's role on this channel at all? An
 * unknown step (st == NULL) is left to the caller.
 */
static int
policy_step_allows(const struct step_cfg *st, const struct party *p,
    enum channel ch, char *reason, size_t rlen)
{
	unsigned	 role = policy_role(p->role);

	if (st == NULL)
		return (1);
	if (role == 0) {
		snprintf(reason, rlen, "unknown party role \"%.32s\"",
		    p->role != NULL ? p->role : "");
		return (0);
	}
	if ((st->roles & role) == 0) {
		snprintf(reason, rlen, "step %s is not notified to role %s",
		    st->code, p->role);
		return (0);
	}
	/* a step may be limited to some channels; 0 means every channel */
	if (cfg_channels_for(st, p->role) != 0 &&
	    (cfg_channels_for(st, p->role) & (1U << ch)) == 0) {
		snprintf(reason, rlen, "step %s is not sent by %s", st->code,
		    policy_channel_name(ch));
		return (0);
	}
	return (1);
}

/* Role, opt-out, then the channel's address: 0 and `to`, or 1 and why. */
int
policy_recipient(const struct step_cfg *st, const struct party *p,
    enum channel ch, char *to, size_t tolen, char *reason, size_t rlen)
{
	if (tolen > 0)
		to[0] = '\0';
	if (rlen > 0)
		reason[0] = '\0';
	if (p == NULL) {
		snprintf(reason, rlen, "no party");
		return (1);
	}
	if ((int)ch < 0 || (int)ch >= CH_COUNT) {
		snprintf(reason, rlen, "unknown channel %d", (int)ch);
		return (1);
	}
	if (!policy_step_allows(st, p, ch, reason, rlen))
		return (1);
	if (p->opted_out) {
		snprintf(reason, rlen, "party opted out");
		return (1);
	}
	switch (ch) {
	case CH_SMS:
		return (recipient_sms(p, to, tolen, reason, rlen));
	case CH_WECHAT:
		return (recipient_wechat(p, to, tolen, reason, rlen));
	default:
		return (recipient_email(p, to, tolen, reason, rlen));
	}
}

/* Mask a recipient for logs. */
void
policy_mask(const char *to, char *out, size_t outlen)
{
	if (outlen == 0)
		return;
	if (to != NULL && strchr(to, '@') != NULL && valid_email(to))
		mask_email(to, out, outlen);
	else
		text_phone_mask(to, out, outlen);
}

/* No window configured (or not a usable one): always open. */
static int
window_none(const struct delivery_cfg *d)
{
	return (d->window_start < 0 || d->window_end < 0 ||
	    d->window_start >= 24 * 60 || d->window_end > 24 * 60 ||
	    d->window_start == d->window_end);
}

/* Minutes after local midnight at ms. */
static int
local_minutes(int64_t ms, struct tm *tm)
{
	time_t	 t = (time_t)(ms / 1000);

	if (ms < 0 && ms % 1000 != 0)
		t--;
	localtime_r(&t, tm);
	return (tm->tm_hour * 60 + tm->tm_min);
}

/* Is local time ms inside the daily sending window? */
int
policy_in_window(const struct delivery_cfg *d, int64_t ms)
{
	struct tm	 tm;
	int		 m;

	if (window_none(d))
		return (1);
	m = local_minutes(ms, &tm);
	if (d->window_start < d->window_end)
		return (m >= d->window_start && m < d->window_end);
	/* across midnight, e.g. 20:00-08:00 */
	return (m >= d->window_start || m < d->window_end);
}

/* ms itself when inside the window, else the next opening. */
int64_t
policy_window_open(const struct delivery_cfg *d, int64_t ms)
{
	struct tm	 tm;
	time_t		 t;
	int		 m;

	if (policy_in_window(d, ms))
		return (ms);
	m = local_minutes(ms, &tm);
	/* closed: the window opens today at start, or tomorrow if past it */
	if (m >= d->window_start)
		tm.tm_mday++;
	tm.tm_hour = d->window_start / 60;
	tm.tm_min = d->window_start % 60;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || (int64_t)t * 1000 < ms)
		return (ms);
	return ((int64_t)t * 1000);
}
