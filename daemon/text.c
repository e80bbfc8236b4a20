/*
 * text.c - the words of a notification: template rendering, name and phone
 * masking, mainland mobile numbers, case numbers, dates, and SMS length as
 * carriers count it.
 *
 * Everything here is pure (no globals, no I/O) and safe on any input:
 * invalid UTF-8, huge strings and NULLs end in -1 and a cause, never a crash.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "huigao.h"

#define TEXT_MAX_RENDER	65536	/* bytes; far above any SMS, e-mail, WeChat */
#define TEXT_MAX_KEY	64	/* placeholder name length */
#define TEXT_ECHO_MAX	48	/* bytes of bad input quoted back in a cause */

/* A growable string. */
struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* One step of a template scan: literal text (key == 0) or a placeholder. */
typedef int (*scan_cb)(void *arg, const char *s, size_t len, int key,
    char **cause);

static const char *const compound_surnames[] = {
	"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "夏侯",
	"尉迟", "公孙", "长孙", "宇文", "司徒", "端木", "西门", "南宫", "独孤",
	"澹台", "公冶", "宗政", "濮阳", "淳于", "单于", "太叔", "申屠", "轩辕",
	"钟离", "闾丘", "东郭", "呼延", "万俟", "百里", "第五",
};

static const char *const org_markers[] = {
	"公司", "银行", "集团", "厂", "中心", "合作社", "事务所", "医院",
	"学校", "委员会", "局", "院", "店", "社", "所", "部", "处", "协会",
	"基金会", "有限", "股份",
};

/* GSM 03.38 basic table, the characters outside printable ASCII. */
static const uint32_t gsm7_basic_extra[] = {
	'\n', '\r', 0x00a3, 0x00a5, 0x00e8, 0x00e9, 0x00f9, 0x00ec, 0x00f2,
	0x00c7, 0x00d8, 0x00f8, 0x00c5, 0x00e5, 0x0394, 0x03a6, 0x0393, 0x039b,
	0x03a9, 0x03a0, 0x03a8, 0x03a3, 0x0398, 0x039e, 0x00c6, 0x00e6, 0x00df,
	0x00c9, 0x00a4, 0x00a1, 0x00c4, 0x00d6, 0x00d1, 0x00dc, 0x00a7, 0x00bf,
	0x00e4, 0x00f6, 0x00f1, 0x00fc, 0x00e0,
};

/* GSM 03.38 extension table: ESC + character, two septets each. */
static const uint32_t gsm7_ext[] = {
	'\f', '^', '{', '}', '\\', '[', '~', ']', '|', 0x20ac,
};

static const char *const case_provinces[] = {
	"京", "津", "冀", "晋", "内", "辽", "吉", "黑", "沪", "苏", "浙", "皖",
	"闽", "赣", "鲁", "豫", "鄂", "湘", "粤", "桂", "琼", "渝", "川", "黔",
	"云", "藏", "陕", "甘", "青", "宁", "新",
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Decode one UTF-8 sequence. Returns its length and the code point, or 0
 * when the bytes are not well-formed (overlong, surrogate, > U+10FFFF,
 * truncated). Never reads past a NUL.
 */
static size_t
utf8_next(const char *s, uint32_t *cpp)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 n, i;

	if (p[0] < 0x80) {
		*cpp = p[0];
		return (1);
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	*cpp = cp;
	return (n);
}

/* Is the whole string well-formed UTF-8? */
static int
utf8_valid(const char *s)
{
	uint32_t	 cp;
	size_t		 n;

	while (*s != '\0') {
		if ((n = utf8_next(s, &cp)) == 0)
			return (0);
		s += n;
	}
	return (1);
}

/* Append n bytes; fails (-1) when the result would pass TEXT_MAX_RENDER. */
static int
buf_add(struct buf *b, const char *s, size_t n)
{
	if (n > TEXT_MAX_RENDER || b->len + n > TEXT_MAX_RENDER)
		return (-1);
	if (b->len + n + 1 > b->cap) {
		b->cap = b->len + n + 1 < 64 ? 64 : (b->len + n + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return (0);
}

/*
 * Quote untrusted input back in a cause: at most TEXT_ECHO_MAX bytes,
 * control characters, quotes and invalid bytes shown as '?'.
 */
static void
text_echo(const char *in, char *out, size_t outlen)
{
	size_t	 o = 0, n;
	uint32_t cp;

	while (*in != '\0' && o + 5 < outlen && o < TEXT_ECHO_MAX) {
		n = utf8_next(in, &cp);
		if (n == 0 || cp < 0x20 || cp == 0x7f || cp == '"') {
			out[o++] = '?';
			in += n == 0 ? 1 : n;
			continue;
		}
		memcpy(out + o, in, n);
		o += n;
		in += n;
	}
	if (*in != '\0' && o + 3 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Set *cause when the caller wants one. */
static void
set_cause(char **cause, char *msg)
{
	if (cause != NULL)
		*cause = msg;
	else
		free(msg);
}

/* ---- templates ---- */

/* Parse one "{key}" at *pp (just after the '{'); the key's length or -1. */
static int
scan_key(const char *tmpl, const char **pp, char **cause)
{
	const char	*p = *pp, *start = *pp;

	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (*p != '}') {
		if (*p == '\0' || *p == '{')
			set_cause(cause, xasprintf("unbalanced \"{\" at offset "
			    "%zu of the template", (size_t)(start - 1 - tmpl)));
		else
			set_cause(cause, xasprintf("bad character in "
			    "placeholder at offset %zu of the template (use "
			    "\"{{\" for a literal brace)", (size_t)(p - tmpl)));
		return (-1);
	}
	if (p == start || p - start > TEXT_MAX_KEY) {
		set_cause(cause, xasprintf("%s placeholder at offset %zu of "
		    "the template", p == start ? "empty" : "overlong",
		    (size_t)(start - 1 - tmpl)));
		return (-1);
	}
	*pp = p + 1;
	return ((int)(p - start));
}

/* Walk a template, calling cb for literal runs and for placeholders. */
static int
tmpl_scan(const char *tmpl, scan_cb cb, void *arg, char **cause)
{
	const char	*p = tmpl, *lit = tmpl, *key;
	int		 klen;

	if (tmpl == NULL) {
		set_cause(cause, xstrdup("the template is missing"));
		return (-1);
	}
	if (!utf8_valid(tmpl)) {
		set_cause(cause, xstrdup("the template is not valid UTF-8"));
		return (-1);
	}
	while (*p != '\0') {
		if (*p != '{' && *p != '}') {
			p++;
			continue;
		}
		if (cb(arg, lit, (size_t)(p - lit), 0, cause) == -1)
			return (-1);
		if (p[0] == p[1]) {	/* "{{" or "}}": the second one is text */
			lit = p + 1;
			p += 2;
			continue;
		}
		if (*p == '}') {
			set_cause(cause, xasprintf("unbalanced \"}\" at offset "
			    "%zu of the template", (size_t)(p - tmpl)));
			return (-1);
		}
		key = ++p;
		if ((klen = scan_key(tmpl, &p, cause)) == -1 ||
		    cb(arg, key, (size_t)klen, 1, cause) == -1)
			return (-1);
		lit = p;
	}
	return (cb(arg, lit, (size_t)(p - lit), 0, cause));
}

/* Print a JSON real plainly: 123456.78, 1000000, never an exponent. */
static void
format_real(double v, char *out, size_t outlen)
{
	int	 prec;

	if (fabs(v) >= 1e15) {
		snprintf(out, outlen, "%.0f", v);
		return;
	}
	/* the fewest decimals (at most 6) that give back the same value */
	for (prec = 0; prec < 6; prec++) {
		snprintf(out, outlen, "%.*f", prec, v);
		if (strtod(out, NULL) == v)
			return;
	}
	snprintf(out, outlen, "%.6f", v);
	/* trim trailing zeros (and a bare point) of the last resort */
	while (strchr(out, '.') != NULL && (out[strlen(out) - 1] == '0' ||
	    out[strlen(out) - 1] == '.'))
		out[strlen(out) - 1] = '\0';
}

/* The JSON type of a value, for causes. */
static const char *
json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return ("an object");
	case JSON_ARRAY:
		return ("an array");
	case JSON_TRUE:
	case JSON_FALSE:
		return ("a boolean");
	case JSON_NULL:
		return ("null");
	default:
		return ("a value");
	}
}

/* Render one params value; -2 and *cause unless text or a number. */
static int
render_param(struct buf *b, const char *key, const json_t *v, char **cause)
{
	char		 tmp[512], *masked;
	const char	*s;
	int		 rv;

	if (json_is_integer(v)) {
		snprintf(tmp, sizeof(tmp), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return (buf_add(b, tmp, strlen(tmp)));
	}
	if (json_is_real(v)) {
		format_real(json_real_value(v), tmp, sizeof(tmp));
		return (buf_add(b, tmp, strlen(tmp)));
	}
	if (!json_is_string(v)) {
		set_cause(cause, xasprintf("template key \"%s\" must be text "
		    "or a number, not %s", key, json_type_name(v)));
		return (-2);
	}
	s = json_string_value(v);
	if (strcmp(key, "party") == 0) {
		masked = text_mask_name(s);
		rv = buf_add(b, masked, strlen(masked));
		free(masked);
		return (rv);
	}
	if (text_format_date(s, tmp, sizeof(tmp)) == 0)
		s = tmp;
	return (buf_add(b, s, strlen(s)));
}

/* The built-in value of key, or NULL when it is not built in or not set. */
static const char *
builtin_value(const struct render_ctx *ctx, const char *key)
{
	if (ctx == NULL)
		return (NULL);
	if (strcmp(key, "case_no") == 0)
		return (ctx->case_no);
	if (strcmp(key, "court") == 0)
		return (ctx->court);
	if (strcmp(key, "step") == 0)
		return (ctx->step);
	if (strcmp(key, "date") == 0)
		return (ctx->date);
	if (strcmp(key, "name") == 0)
		return (ctx->name);
	return (NULL);
}

/* Append a built-in value (the name masked). */
static int
render_builtin(struct buf *b, const char *key, const char *val, char **cause)
{
	char	*masked;
	int	 rv;

	if (!utf8_valid(val)) {
		set_cause(cause, xasprintf("the value of template key \"%s\" "
		    "is not valid UTF-8", key));
		return (-2);
	}
	if (strcmp(key, "name") != 0)
		return (buf_add(b, val, strlen(val)));
	masked = text_mask_name(val);
	rv = buf_add(b, masked, strlen(masked));
	free(masked);
	return (rv);
}

struct render_state {
	const struct render_ctx	*ctx;
	struct buf		 b;
};

/* scan_cb for text_render. */
static int
render_cb(void *arg, const char *s, size_t len, int iskey, char **cause)
{
	struct render_state	*rs = arg;
	json_t			*params;
	const char		*val;
	char			 key[TEXT_MAX_KEY + 1];
	int			 rv;

	params = rs->ctx != NULL ? rs->ctx->params : NULL;
	if (!iskey)
		rv = buf_add(&rs->b, s, len);
	else {
		memcpy(key, s, len);
		key[len] = '\0';
		if ((val = builtin_value(rs->ctx, key)) != NULL)
			rv = render_builtin(&rs->b, key, val, cause);
		else if (json_is_object(params) &&
		    json_object_get(params, key) != NULL)
			rv = render_param(&rs->b, key,
			    json_object_get(params, key), cause);
		else {
			set_cause(cause, xasprintf("template key \"%s\" is "
			    "missing from params", key));
			return (-1);
		}
	}
	if (rv == -1)
		set_cause(cause, xasprintf("the rendered text is longer than "
		    "%d bytes", TEXT_MAX_RENDER));
	return (rv == 0 ? 0 : -1);
}

/* Fill a template from the context; see huigao.h for the rules. */
int
text_render(const char *tmpl, const struct render_ctx *ctx, char **out,
    char **cause)
{
	struct render_state	 rs;

	*out = NULL;
	memset(&rs, 0, sizeof(rs));
	rs.ctx = ctx;
	if (ctx != NULL && ctx->params != NULL &&
	    !json_is_object(ctx->params)) {
		set_cause(cause, xstrdup("params is not a JSON object"));
		return (-1);
	}
	if (tmpl_scan(tmpl, render_cb, &rs, cause) == -1) {
		free(rs.b.p);
		return (-1);
	}
	*out = rs.b.p != NULL ? rs.b.p : xstrdup("");
	return (0);
}

struct keys_state {
	char	**keys;
	size_t	  n;
};

/* scan_cb for text_template_keys: collect each name once, in order. */
static int
keys_cb(void *arg, const char *s, size_t len, int iskey, char **cause)
{
	struct keys_state	*ks = arg;
	size_t			 i;

	(void)cause;
	if (!iskey)
		return (0);
	for (i = 0; i < ks->n; i++) {
		if (strlen(ks->keys[i]) == len &&
		    memcmp(ks->keys[i], s, len) == 0)
			return (0);
	}
	ks->keys = xreallocarray(ks->keys, ks->n + 1, sizeof(*ks->keys));
	ks->keys[ks->n++] = xstrndup(s, len);
	return (0);
}

/* The distinct placeholder names of a template, in order. */
int
text_template_keys(const char *tmpl, char ***keys, size_t *nkeys, char **cause)
{
	struct keys_state	 ks = { NULL, 0 };

	*keys = NULL;
	*nkeys = 0;
	if (tmpl_scan(tmpl, keys_cb, &ks, cause) == -1) {
		text_free_keys(ks.keys, ks.n);
		return (-1);
	}
	*keys = ks.keys;
	*nkeys = ks.n;
	return (0);
}

/* Free what text_template_keys() returned. */
void
text_free_keys(char **keys, size_t nkeys)
{
	size_t	 i;

	if (keys == NULL)
		return;
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
}

/* ---- names ---- */

/* Skip leading ASCII blanks and U+3000; return the new start. */
static const char *
skip_blanks(const char *s)
{
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			return (s);
	}
}

/* Length of s without trailing ASCII blanks and U+3000. */
static size_t
trim_len(const char *s)
{
	size_t	 n = strlen(s);

	for (;;) {
		if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 3 && memcmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
			n -= 3;
		else
			return (n);
	}
}

/* Does the name look like an organisation (…公司, …银行, …局)? */
static int
is_organisation(const char *name)
{
	size_t	 i;

	for (i = 0; i < nitems(org_markers); i++) {
		if (strstr(name, org_markers[i]) != NULL)
			return (1);
	}
	return (0);
}

/* Keep the surname (one character, or a compound one) and add "某". */
static char *
mask_person(const char *name)
{
	uint32_t	 cp;
	size_t		 i, n;

	if ((unsigned char)name[0] < 0x80) {
		if (isalnum((unsigned char)name[0]))
			return (xasprintf("%c***", name[0]));
		return (xstrdup("***"));
	}
	for (i = 0; i < nitems(compound_surnames); i++) {
		n = strlen(compound_surnames[i]);
		if (strncmp(name, compound_surnames[i], n) == 0)
			return (xasprintf("%.*s某", (int)n, name));
	}
	if ((n = utf8_next(name, &cp)) == 0)
		return (xstrdup("某"));
	return (xasprintf("%.*s某", (int)n, name));
}

/* Mask a person's name (王某, 欧阳某, J***); organisations stay as they are. */
char *
text_mask_name(const char *name)
{
	char	*trimmed, *masked;

	if (name == NULL)
		return (NULL);
	name = skip_blanks(name);
	trimmed = xstrndup(name, trim_len(name));
	if (trimmed[0] == '\0' || (utf8_valid(trimmed) &&
	    is_organisation(trimmed)))
		return (trimmed);
	masked = utf8_valid(trimmed) ? mask_person(trimmed) : xstrdup("某");
	free(trimmed);
	return (masked);
}

/* ---- phone numbers ---- */

/* Is s exactly a mainland mobile number, 1[3-9] and nine digits? */
static int
is_mobile(const char *s)
{
	size_t	 i;

	if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return (0);
	for (i = 2; i < 11; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (0);
	}
	return (1);
}

/* Copy in without separators; 0, or -1 when it does not fit in 32 bytes. */
static int
strip_separators(const char *in, char *out, size_t outlen)
{
	size_t	 o = 0;

	for (; *in != '\0'; in++) {
		if (strchr(" \t-.()", *in) != NULL)
			continue;
		if (o + 1 >= outlen)
			return (-1);
		out[o++] = *in;
	}
	out[o] = '\0';
	return (0);
}

/* Drop a +86 / 0086 / 86 country prefix followed by 11 digits. */
static const char *
strip_country(const char *s)
{
	static const char *const prefixes[] = { "+86", "0086", "86" };
	size_t		 i, n;

	for (i = 0; i < nitems(prefixes); i++) {
		n = strlen(prefixes[i]);
		if (strncmp(s, prefixes[i], n) == 0 && strlen(s + n) == 11)
			return (s + n);
	}
	return (s);
}

/* A mainland mobile number as 11 digits, or -1 and why not. */
int
text_phone_normalize(const char *in, char *out, size_t outlen, char **cause)
{
	char		 tmp[32], echo[64];
	const char	*p;

	if (outlen > 0)
		out[0] = '\0';
	if (in == NULL || *skip_blanks(in) == '\0') {
		set_cause(cause, xstrdup("no phone number"));
		return (-1);
	}
	if (strip_separators(in, tmp, sizeof(tmp)) == -1 ||
	    !is_mobile(p = strip_country(tmp))) {
		text_echo(in, echo, sizeof(echo));
		set_cause(cause, xasprintf("\"%s\" is not a mainland mobile "
		    "number", echo));
		return (-1);
	}
	if (outlen < 12) {
		set_cause(cause, xstrdup("phone number buffer too small"));
		return (-1);
	}
	memcpy(out, p, 12);
	return (0);
}

/* Append one character of s (invalid byte or control as '?'); its length. */
static size_t
copy_char(const char *s, char *out, size_t *o)
{
	uint32_t	 cp;
	size_t		 n;

	if ((n = utf8_next(s, &cp)) == 0 || cp < 0x20 || cp == 0x7f) {
		out[(*o)++] = '?';
		return (n == 0 ? 1 : n);
	}
	memcpy(out + *o, s, n);
	*o += n;
	return (n);
}

/* Bytes of the character at s, an invalid byte counting as one. */
static size_t
char_len(const char *s)
{
	uint32_t	 cp;
	size_t		 n;

	return ((n = utf8_next(s, &cp)) == 0 ? 1 : n);
}

/* Number of characters in s, an invalid byte counting as one. */
static size_t
char_count(const char *s)
{
	size_t	 c = 0;

	for (; *s != '\0'; s += char_len(s))
		c++;
	return (c);
}

/* 138****5678 for logs; other strings keep at most 3 + 2 characters. */
void
text_phone_mask(const char *phone, char *out, size_t outlen)
{
	char	 norm[16], tmp[64];
	size_t	 n, head, tail, stars, i, o = 0;

	if (outlen == 0)
		return;
	if (phone == NULL || *phone == '\0') {
		out[0] = '\0';
		return;
	}
	if (text_phone_normalize(phone, norm, sizeof(norm), NULL) == 0) {
		snprintf(tmp, sizeof(tmp), "%.3s****%s", norm, norm + 7);
		util_strlcpy_utf8(out, tmp, outlen);
		return;
	}
	n = char_count(phone);
	head = n / 3 < 3 ? n / 3 : 3;
	tail = n / 4 < 2 ? n / 4 : 2;
	stars = n - head - tail > 8 ? 8 : n - head - tail;
	for (i = 0; i < head; i++)
		phone += copy_char(phone, tmp, &o);
	for (i = 0; i < n - head - tail; i++)
		phone += char_len(phone);
	memset(tmp + o, '*', stars);
	o += stars;
	for (i = 0; i < tail; i++)
		phone += copy_char(phone, tmp, &o);
	tmp[o] = '\0';
	util_strlcpy_utf8(out, tmp, outlen);
}

/* ---- SMS length ---- */

/* Septets a code point takes in GSM-7: 1, 2 (extension), or 0 if none. */
static int
gsm7_septets(uint32_t cp)
{
	size_t	 i;

	if (cp >= 0x20 && cp < 0x7f && strchr("`^{}\\[~]|", (int)cp) == NULL)
		return (1);
	for (i = 0; i < nitems(gsm7_basic_extra); i++) {
		if (gsm7_basic_extra[i] == cp)
			return (1);
	}
	for (i = 0; i < nitems(gsm7_ext); i++) {
		if (gsm7_ext[i] == cp)
			return (2);
	}
	return (0);
}

/* Does cp continue the grapheme before it (mark, selector, modifier, tag)? */
static int
is_extender(uint32_t cp)
{
	return ((cp >= 0x0300 && cp <= 0x036f) ||
	    (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xfe20 && cp <= 0xfe2f) || cp == 0x200d ||
	    (cp >= 0x1f3fb && cp <= 0x1f3ff) ||
	    (cp >= 0xe0020 && cp <= 0xe007f) ||
	    (cp >= 0xe0100 && cp <= 0xe01ef));
}

#define is_regional(cp)	((cp) >= 0x1f1e6 && (cp) <= 0x1f1ff)

/*
 * Read one grapheme cluster (an approximation good for SMS: combining
 * marks, variation selectors, ZWJ sequences, emoji modifiers, tags and
 * flag pairs stay together; CR and LF stay apart). Returns bytes read and
 * the UTF-16 units it takes; 0 on invalid UTF-8.
 */
static size_t
next_grapheme(const char *s, size_t *units)
{
	uint32_t	 cp, prev;
	size_t		 n, len, ri;

	if ((len = utf8_next(s, &cp)) == 0)
		return (0);
	*units = cp > 0xffff ? 2 : 1;
	ri = is_regional(cp);
	while (s[len] != '\0') {
		prev = cp;
		if ((n = utf8_next(s + len, &cp)) == 0)
			return (0);
		if (!is_extender(cp) && prev != 0x200d &&
		    !(ri == 1 && is_regional(cp)))
			break;
		if (is_regional(cp))
			ri++;
		len += n;
		*units += cp > 0xffff ? 2 : 1;
	}
	return (len);
}

/* Domestic count: every code point one character, non-BMP two; 70/67. */
static int
count_domestic(const char *s, struct sms_count *sc)
{
	uint32_t	 cp;
	size_t		 n;

	sc->encoding = SMS_DOMESTIC;
	for (; *s != '\0'; s += n) {
		if ((n = utf8_next(s, &cp)) == 0)
			return (-1);
		sc->chars += cp > 0xffff ? 2 : 1;
	}
	sc->units = sc->chars;
	if (sc->chars == 0)
		sc->parts = 0;
	else
		sc->parts = sc->chars <= 70 ? 1 : (sc->chars + 66) / 67;
	return (0);
}

/* Add an atom of `size` units to a greedy split into parts of `cap`. */
static void
split_add(size_t size, size_t cap, size_t *used, size_t *parts)
{
	if (*parts == 0 || *used + size > cap) {
		(*parts)++;
		*used = 0;
	}
	*used += size;
}

/* International GSM-7: septets, escape pairs never split; 160/153. */
static void
count_gsm7(const char *s, struct sms_count *sc)
{
	uint32_t	 cp;
	size_t		 n, used = 0, parts = 0;
	int		 septets;

	sc->encoding = SMS_GSM7;
	for (; *s != '\0'; s += n) {
		n = utf8_next(s, &cp);
		septets = gsm7_septets(cp);
		sc->chars++;
		sc->units += (size_t)septets;
		split_add((size_t)septets, 153, &used, &parts);
	}
	sc->parts = sc->units == 0 ? 0 : sc->units <= 160 ? 1 : parts;
}

/* Split an oversized grapheme at code points, never inside a pair. */
static void
split_cluster(const char *s, size_t len, size_t *used, size_t *parts)
{
	uint32_t	 cp;
	size_t		 n, i;

	for (i = 0; i < len; i += n) {
		n = utf8_next(s + i, &cp);
		split_add(cp > 0xffff ? 2 : 1, 67, used, parts);
	}
}

/* International UCS-2: UTF-16 units, graphemes kept whole; 70/67. */
static int
count_ucs2(const char *s, struct sms_count *sc)
{
	size_t	 len, units, used = 0, parts = 0;

	sc->encoding = SMS_UCS2;
	for (; *s != '\0'; s += len) {
		if ((len = next_grapheme(s, &units)) == 0)
			return (-1);
		sc->chars++;
		sc->units += units;
		if (units > 67)
			split_cluster(s, len, &used, &parts);
		else
			split_add(units, 67, &used, &parts);
	}
	sc->parts = sc->units <= 70 ? 1 : parts;
	return (0);
}

/* Count characters, units and billed parts as the carrier does. */
int
text_sms_count(const char *utf8, int international, struct sms_count *sc)
{
	uint32_t	 cp;
	const char	*p;
	size_t		 n;
	int		 gsm = 1;

	if (sc == NULL)
		return (-1);
	memset(sc, 0, sizeof(*sc));
	if (utf8 == NULL)
		return (-1);
	if (!international)
		return (count_domestic(utf8, sc));
	for (p = utf8; *p != '\0'; p += n) {
		if ((n = utf8_next(p, &cp)) == 0)
			return (-1);
		if (gsm7_septets(cp) == 0)
			gsm = 0;
	}
	if (gsm) {
		count_gsm7(utf8, sc);
		return (0);
	}
	return (count_ucs2(utf8, sc));
}

/* ---- dates ---- */

/* Read exactly n ASCII digits at s; -1 if any is missing. */
static int
read_digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	return (v);
}

/* Days in a month of the Gregorian calendar. */
static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (29);
	return (days[m - 1]);
}

/* "2024-06-30" (optionally with a time) -> "6月30日". */
int
text_format_date(const char *iso, char *out, size_t outlen)
{
	int	 y, m, d, n;

	if (iso == NULL || (y = read_digits(iso, 4)) < 0 || iso[4] != '-' ||
	    (m = read_digits(iso + 5, 2)) < 1 || m > 12 || iso[7] != '-' ||
	    (d = read_digits(iso + 8, 2)) < 1 || d > month_days(y, m))
		return (-1);
	/* a time of day may follow; free text may not */
	if (iso[10] != '\0' && ((iso[10] != 'T' && iso[10] != ' ') ||
	    !isdigit((unsigned char)iso[11]) ||
	    strspn(iso + 11, "0123456789:.+-Z") != strlen(iso + 11)))
		return (-1);
	n = snprintf(out, outlen, "%d月%d日", m, d);
	if (n < 0 || (size_t)n >= outlen) {
		if (outlen > 0)
			out[0] = '\0';
		return (-1);
	}
	return (0);
}

/* ---- case numbers ---- */

/* The ASCII replacement of a full-width or bracket character, or 0. */
static int
case_fold(uint32_t cp)
{
	if (cp >= 0xff10 && cp <= 0xff19)
		return ((int)('0' + cp - 0xff10));
	switch (cp) {
	case 0xff08: case 0x3014: case 0xfe5d: case 0xff3b: case '[':
		return ('(');
	case 0xff09: case 0x3015: case 0xfe5e: case 0xff3d: case ']':
		return (')');
	default:
		return (0);
	}
}

/* Is cp whitespace to drop (ASCII, NBSP, ideographic space)? */
static int
case_space(uint32_t cp)
{
	return (cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xa0 ||
	    cp == 0x3000);
}

/* Fold brackets, digits and spaces; NULL if in is not valid UTF-8. */
static char *
case_fold_all(const char *in)
{
	struct buf	 b = { NULL, 0, 0 };
	uint32_t	 cp;
	size_t		 n;
	char		 c;

	if (buf_add(&b, "", 0) == -1)
		return (NULL);
	for (; *in != '\0'; in += n) {
		if ((n = utf8_next(in, &cp)) == 0) {
			free(b.p);
			return (NULL);
		}
		if (case_space(cp))
			continue;
		c = (char)case_fold(cp);
		if (buf_add(&b, c != 0 ? &c : in, c != 0 ? 1 : n) == -1) {
			free(b.p);
			return (NULL);
		}
	}
	return (b.p);
}

/* A CJK unified ideograph (U+4E00..U+9FFF) at s: its length, else 0. */
static size_t
cjk_at(const char *s)
{
	uint32_t	 cp;
	size_t		 n;

	if ((n = utf8_next(s, &cp)) == 0 || cp < 0x4e00 || cp > 0x9fff)
		return (0);
	return (n);
}

/* Count ASCII digits at s. */
static size_t
digits_at(const char *s)
{
	return (strspn(s, "0123456789"));
}

/* "(YYYY)" with a 19xx or 20xx year; bytes consumed or 0. */
static size_t
case_year(const char *s)
{
	if (s[0] != '(' || (strncmp(s + 1, "19", 2) != 0 &&
	    strncmp(s + 1, "20", 2) != 0) || digits_at(s + 1) != 4 ||
	    s[5] != ')')
		return (0);
	return (6);
}

/* The court code of the 2016 format (最高法, 冀, 冀07, 冀0724, 军, 兵09). */
static size_t
case_court(const char *s)
{
	size_t	 i, n, d;

	if (strncmp(s, "最高法", strlen("最高法")) == 0)
		return (strlen("最高法"));
	if (strncmp(s, "军", 3) == 0 || strncmp(s, "兵", 3) == 0) {
		d = digits_at(s + 3);
		return (d == 0 || (d >= 2 && d <= 4) ? 3 + d : 0);
	}
	for (i = 0; i < nitems(case_provinces); i++) {
		n = strlen(case_provinces[i]);
		if (strncmp(s, case_provinces[i], n) != 0)
			continue;
		d = digits_at(s + n);
		return (d == 0 || d == 2 || d == 4 ? n + d : 0);
	}
	return (0);
}

/* Count CJK ideographs at s, advancing *len over them. */
static size_t
cjk_run(const char *s, size_t *len)
{
	size_t	 n, count = 0;

	*len = 0;
	while ((n = cjk_at(s + *len)) != 0) {
		*len += n;
		count++;
	}
	return (count);
}

/* "NNN号" at the very end: 1 to 8 digits. */
static int
case_tail(const char *s)
{
	size_t	 d = digits_at(s);

	return (d >= 1 && d <= 8 && strcmp(s + d, "号") == 0);
}

/* The 2016 format: (2024)冀0724执1234号, (2019)最高法知民终1号. */
static int
case_match_2016(const char *s)
{
	size_t	 n, len, count;

	if (strstr(s, "字第") != NULL || (n = case_year(s)) == 0)
		return (0);
	s += n;
	if ((n = case_court(s)) == 0)
		return (0);
	s += n;
	count = cjk_run(s, &len);
	/* type code of 1-3 characters, after an optional 知 */
	if (count < 1 || count > 4 ||
	    (count == 4 && strncmp(s, "知", 3) != 0))
		return (0);
	return (case_tail(s + len));
}

/* The legacy format: (2015)沽执字第123号, (2014)沽民初字第88号. */
static int
case_match_legacy(const char *s)
{
	const char	*p;
	size_t		 n, len;

	if ((n = case_year(s)) == 0 || (p = strstr(s, "字第")) == NULL)
		return (0);
	s += n;
	(void)cjk_run(s, &len);
	/* 1 to 9 ideographs (court and type, not separable) before 字第 */
	if (p - s < 3 || p - s > 9 * 3 || len < (size_t)(p - s) + 6)
		return (0);
	return (case_tail(p + strlen("字第")));
}

/* Normalise a case number and check it is one. */
int
text_case_no_normalize(const char *in, char **out, char **cause)
{
	char	*norm, echo[64];

	*out = NULL;
	if (in == NULL || *in == '\0') {
		set_cause(cause, xstrdup("no case number"));
		return (-1);
	}
	if (strlen(in) > 256 || (norm = case_fold_all(in)) == NULL) {
		set_cause(cause, xstrdup(strlen(in) > 256 ?
		    "the case number is too long" :
		    "the case number is not valid UTF-8"));
		return (-1);
	}
	if (!case_match_2016(norm) && !case_match_legacy(norm)) {
		text_echo(in, echo, sizeof(echo));
		set_cause(cause, xasprintf("\"%s\" is not a case number like "
		    "(2024)冀0724执1234号 or (2015)沽执字第123号", echo));
		free(norm);
		return (-1);
	}
	*out = norm;
	return (0);
}
