/*
 * huigao.h - the table of contents of huigaod and huigaoctl.
 *
 * One section per source file; a function's prefix is its file name.
 * Strings returned through `char **cause` are allocated and owned by the
 * caller; they are complete sentences without a trailing newline, and carry
 * "FILE:LINE: " first when they come from the configuration.
 */
#ifndef HUIGAO_H
#define HUIGAO_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <libconfig.h>

#define HUIGAO_VERSION		"0.1.0"
#define HUIGAO_DEFAULT_CONF	"/etc/huigao/huigao.conf"
#define EXIT_CONFIG		78	/* EX_CONFIG from sysexits.h */

#define ATTR_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#define ATTR_NORETURN		__attribute__((noreturn))

/* ---- log.c: the OpenBSD log API; stderr, journald-aware ---- */
/* verbose: -1 warnings only, 0 info, 1 debug */
void	log_init(const char *ident, int verbose);
void	log_setverbose(int verbose);
int	log_getverbose(void);
void	log_warn(const char *, ...) ATTR_PRINTF(1, 2);	/* appends strerror(errno) */
void	log_warnx(const char *, ...) ATTR_PRINTF(1, 2);
void	log_info(const char *, ...) ATTR_PRINTF(1, 2);
void	log_debug(const char *, ...) ATTR_PRINTF(1, 2);
void	fatal(const char *, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;
void	fatalx(const char *, ...) ATTR_PRINTF(1, 2) ATTR_NORETURN;

/* ---- util.c: allocation that cannot fail, time, small string helpers ---- */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) ATTR_PRINTF(1, 2);
char	*xvasprintf(const char *, va_list) ATTR_PRINTF(1, 0);
int64_t	 util_now_ms(void);		/* wall clock, ms since the epoch */
int64_t	 util_mono_ms(void);		/* monotonic clock, ms */
/* "2026-11-27T22:30:53.123Z" into buf (at least 25 bytes). */
void	 util_iso_utc(int64_t ms, char *buf, size_t len);
/* "2026-11-28 06:30:53" in local time into buf (at least 20 bytes). */
void	 util_iso_local(int64_t ms, char *buf, size_t len);
/*
 * Parse an ISO 8601 local time: "YYYY-MM-DD", "YYYY-MM-DD HH:MM",
 * "YYYY-MM-DDTHH:MM:SS" (optionally with ".fff", "Z" or "+08:00").
 * Returns 0 and the epoch ms, or -1.
 */
int	 util_parse_time(const char *, int64_t *ms);
/* Parse "HH:MM" into minutes after midnight; -1 on error. */
int	 util_parse_hhmm(const char *);
/* Allowed characters only; used to keep header values and log fields clean. */
void	 util_sanitize(char *s);
/* Copy at most len-1 bytes, always NUL-terminate, never split a UTF-8 sequence. */
size_t	 util_strlcpy_utf8(char *dst, const char *src, size_t len);

/* ---- text.c: rendering, masking, phone numbers, SMS length (pure) ---- */
struct render_ctx {
	const char	*case_no;
	const char	*court;		/* court display name */
	const char	*step;		/* step label */
	const char	*date;		/* already formatted: "6月30日" */
	const char	*name;		/* recipient name, masked by text_render */
	json_t		*params;	/* JSON object, borrowed */
};

/*
 * Replace {key} placeholders. Built-in keys: case_no, court, step, date,
 * name (masked). Other keys come from params: strings as they are (an ISO
 * date "YYYY-MM-DD" becomes "6月30日"), integers and reals printed plainly,
 * the values of "party" masked like names. "{{" and "}}" are literal braces.
 * Returns 0 and *out, or -1 and *cause (a missing key, a non-scalar value,
 * an unbalanced brace).
 */
int	 text_render(const char *tmpl, const struct render_ctx *, char **out,
	    char **cause);
/* The placeholder names of a template, for config checks; -1 and *cause on syntax errors. */
int	 text_template_keys(const char *tmpl, char ***keys, size_t *nkeys,
	    char **cause);
void	 text_free_keys(char **keys, size_t nkeys);
/* 王小明 -> 王某, 欧阳娜娜 -> 欧阳某; organisations (…公司, …银行) unchanged. */
char	*text_mask_name(const char *name);
/*
 * Normalise a mainland China mobile number: strips spaces, dashes, dots,
 * parentheses and a +86 / 0086 / 86 prefix; the result is 11 digits,
 * "1[3-9]XXXXXXXXX". Returns 0, or -1 and *cause.
 */
int	 text_phone_normalize(const char *in, char *out, size_t outlen,
	    char **cause);
/* 13812345678 -> 138****5678; anything else keeps its first 3 and last 2 characters at most. */
void	 text_phone_mask(const char *phone, char *out, size_t outlen);

enum sms_encoding { SMS_DOMESTIC, SMS_GSM7, SMS_UCS2 };
struct sms_count {
	enum sms_encoding encoding;
	size_t		 chars;		/* characters as the carrier counts them */
	size_t		 units;		/* septets (GSM-7) or UTF-16 code units */
	size_t		 parts;		/* billed parts */
};
#define SMS_MAX_CHARS	500
/*
 * Count as carriers do. Domestic (mainland recipient): every code point is
 * one character (a non-BMP one is two), 70 in one part, 67 per part after.
 * International: GSM-7 (160/153, extension characters take 2 septets) when
 * every character is in GSM 03.38, else UCS-2 (70/67 UTF-16 units), never
 * splitting a surrogate pair. Returns -1 on invalid UTF-8.
 */
int	 text_sms_count(const char *utf8, int international, struct sms_count *);
/* "2024-06-30..." -> "6月30日" into out; -1 if not an ISO date. */
int	 text_format_date(const char *iso, char *out, size_t outlen);
/*
 * Normalise a case number: full-width brackets and digits to ASCII, 〔〕 to
 * (), spaces removed. Returns 0 and *out when it matches the 2016 format or
 * the legacy "字第" format, -1 and *cause otherwise.
 */
int	 text_case_no_normalize(const char *in, char **out, char **cause);

/* ---- backoff.c: the retry schedule (pure) ---- */
struct retry_policy {
	int64_t	 base_ms;	/* first delay */
	int64_t	 max_ms;	/* clamp */
	int64_t	 max_age_ms;	/* give up when the next try would be later than queued + this */
	int	 max_attempts;	/* give up after this many attempts */
};
enum backoff_verdict { BACKOFF_RETRY, BACKOFF_GIVEUP_ATTEMPTS, BACKOFF_GIVEUP_AGE };
/*
 * After `attempts` attempts (>= 1) of a message queued `age_ms` ago: the
 * delay before the next one. Exponential (base * 2^(attempts-1)) with
 * +-20% jitter from `rnd`, clamped to [base/2, max]; a larger
 * retry_after_ms (or -1 for none) wins, even above max.
 */
enum backoff_verdict backoff_next(const struct retry_policy *, int attempts,
	    int64_t retry_after_ms, int64_t age_ms, uint32_t rnd,
	    int64_t *delay_ms);
const char *backoff_verdict_str(enum backoff_verdict);

/* ---- cfg.c: the libconfig file, validated into plain structs ---- */
enum channel { CH_SMS, CH_WECHAT, CH_EMAIL, CH_COUNT };
#define ROLE_APPLICANT	0x1
#define ROLE_AGENT	0x2
#define ROLE_RESPONDENT	0x4

struct adapter;

struct court_cfg {
	char		*key;
	char		*name;
	char		*sign;		/* without 【】 */
};

/* A vendor's approved template for one step on one gateway. */
struct vtpl {
	char		*gateway;	/* gateway name */
	char		*id;		/* the vendor's template id / code */
	char		**keys;		/* the vendor's parameter names, in order */
	char		**vars;		/* the huigao variable each one takes */
	size_t		 n;
};

struct step_cfg {
	char		*code;
	char		*label;
	char		*text;		/* template, without the signature */
	unsigned	 roles;		/* ROLE_* bits to notify */
	unsigned	 channels;	/* 1 << CH_* */
	unsigned	 role_channels[3]; /* per role (applicant, agent,
					 * respondent): overrides channels; 0 = none */
	int		 urgent;	/* bypasses the sending window */
	struct vtpl	*vtpls;		/* vendor_templates, per gateway */
	size_t		 nvtpls;
	int		 line;
};

struct gateway {
	char		*name;
	const struct adapter *ad;
	char		*endpoint;	/* URL or base URL */
	char		*ca_file;	/* trusted CAs (PEM) instead of the system's, or NULL */
	int		 allow_http;
	long		 connect_timeout_ms;
	long		 timeout_ms;
	int		 max_in_flight;
	double		 rate;		/* messages per second, 0 = unlimited */
	int		 max_parts;	/* SMS parts a message may take, 0 = no limit */
	int		 breaker_failures; /* consecutive gateway faults that open the circuit */
	int64_t		 breaker_cooldown_ms; /* first pause; doubles up to 10x */
	void		*priv;		/* the adapter's own */
	int		 line;
	/* runtime, owned by the scheduler; reset when a reload swaps the config */
	int		 inflight;
};

struct route_cfg {
	struct gateway	**gws;
	size_t		 ngws;
};

struct delivery_cfg {
	int		 batch;
	int		 max_in_flight;
	int64_t		 retry_base_ms;
	int64_t		 retry_max_ms;
	int		 max_attempts;
	int64_t		 max_age_ms;
	int		 window_start;	/* minutes after midnight, -1 = no window */
	int		 window_end;
	int64_t		 poll_ms;	/* fallback timer */
	int64_t		 lease_ms;	/* how long a claimed row stays leased */
	int64_t		 drain_ms;	/* SIGTERM: how long to wait for in-flight sends */
	size_t		 max_response;	/* bytes kept of a gateway's answer */
	int64_t		 backlog_alert_ms; /* alert when the oldest pending is older; 0 = off */
};

struct config {
	char		*path;
	config_t	 lc;		/* keeps borrowed settings alive */
	char		*database;
	char		*timezone;
	char		*log_level;
	char		*status_listen;
	char		*status_token;	/* bearer token for the status server, or NULL */
	char		*callback_url;	/* public base URL of the status server for receipts, or NULL */
	struct court_cfg *courts;
	size_t		 ncourts;
	struct step_cfg	*steps;		/* sorted by code */
	size_t		 nsteps;
	struct gateway	*gws;
	size_t		 ngws;
	struct route_cfg routes[CH_COUNT];
	struct gateway	**alerts;	/* staff alert robots */
	size_t		 nalerts;
	struct delivery_cfg delivery;
	int		 refs;		/* in-flight deliveries holding this config */
};

/* Load and validate; NULL and *cause ("FILE:LINE: message") on any error. */
struct config *cfg_load(const char *path, char **cause);
struct config *cfg_ref(struct config *);
void	 cfg_unref(struct config *);
const struct court_cfg *cfg_court(const struct config *, const char *key);
const struct step_cfg *cfg_step(const struct config *, const char *code);
struct gateway *cfg_gateway(const struct config *, const char *name);
/* The vendor template of a step for a gateway, or NULL. */
const struct vtpl *cfg_vtpl(const struct step_cfg *, const char *gateway);
const char *cfg_channel_name(enum channel);
int	 cfg_channel_parse(const char *);	/* -1 if unknown */
unsigned cfg_role_parse(const char *);		/* ROLE_* or 0 */
/* The channels a step uses for a party of this role. */
unsigned cfg_channels_for(const struct step_cfg *, const char *role);
/*
 * Read a secret given inline as `key` or as a file `key_file` (relative
 * paths under $CREDENTIALS_DIRECTORY, else the config's directory). A file
 * readable by group or others is refused. *out is NULL when neither is set.
 */
int	 cfg_secret(const config_setting_t *, const char *key,
	    const char *cfgdir, char **out, char **cause);
/* "FILE:LINE: " + message, for adapter init errors. */
char	*cfg_error(const config_setting_t *, const char *fmt, ...) ATTR_PRINTF(2, 3);

/* ---- policy.c: who gets what, on which channel ---- */
struct party {
	int64_t		 id;
	const char	*role;
	const char	*name;
	const char	*phone;
	const char	*wechat_openid;
	const char	*email;
	int		 opted_out;
};
/*
 * Decide for one party and channel of a step. Returns 0 with the
 * normalised recipient in `to`, or 1 (suppressed) with the reason in
 * `reason`. `st` may be NULL (unknown step code: the caller decides).
 */
int	 policy_recipient(const struct step_cfg *st, const struct party *,
	    enum channel, char *to, size_t tolen, char *reason, size_t rlen);
/* Mask a recipient for logs: phones 138****5678, e-mails w***@example.org. */
void	 policy_mask(const char *to, char *out, size_t outlen);
/* Inside the daily window at local time `ms`? Always 1 when no window. */
int	 policy_in_window(const struct delivery_cfg *, int64_t ms);
/* The next time (ms) the window opens at or after `ms`. */
int64_t	 policy_window_open(const struct delivery_cfg *, int64_t ms);

#endif /* HUIGAO_H */
