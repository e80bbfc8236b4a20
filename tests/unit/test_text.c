/*
 * test_text.c - unit tests of text.c: template rendering, masking, phone
 * numbers, SMS counting (domestic rules and the published Twilio
 * segmentation vectors of reference/gateways.md §10.2), dates and case
 * numbers (reference/domain.md §4).
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

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* "1234567890" repeated, starting at digit offset `start`, n characters. */
static char *
digits(const char *prefix, size_t start, size_t n)
{
	size_t	 plen = strlen(prefix), i;
	char	*s = malloc(plen + n + 1);

	assert_non_null(s);
	memcpy(s, prefix, plen);
	for (i = 0; i < n; i++)
		s[plen + i] = (char)('0' + (start + i + 1) % 10);
	s[plen + n] = '\0';
	return (s);
}

/* n copies of the UTF-8 character c after prefix. */
static char *
repeat(const char *prefix, const char *c, size_t n)
{
	size_t	 plen = strlen(prefix), clen = strlen(c), i;
	char	*s = malloc(plen + clen * n + 1);

	assert_non_null(s);
	memcpy(s, prefix, plen);
	for (i = 0; i < n; i++)
		memcpy(s + plen + i * clen, c, clen);
	s[plen + clen * n] = '\0';
	return (s);
}

/* Render tmpl with a params object given as JSON text; returns 0 or -1. */
static int
render(const char *tmpl, const char *params_json, char **out, char **cause)
{
	struct render_ctx	 ctx;
	json_t			*params;
	int			 rv;

	params = json_loads(params_json, 0, NULL);
	assert_non_null(params);
	memset(&ctx, 0, sizeof(ctx));
	ctx.case_no = "(2024)冀0724执1234号";
	ctx.court = "沽源县人民法院";
	ctx.step = "冻结银行存款";
	ctx.date = "6月30日";
	ctx.name = "王小明";
	ctx.params = params;
	*out = NULL;
	*cause = NULL;
	rv = text_render(tmpl, &ctx, out, cause);
	json_decref(params);
	return (rv);
}

/* Render and expect success with exactly `want`. */
static void
expect_render(const char *tmpl, const char *params_json, const char *want)
{
	char	*out, *cause;

	assert_int_equal(render(tmpl, params_json, &out, &cause), 0);
	assert_null(cause);
	assert_string_equal(out, want);
	free(out);
}

/* Render and expect failure with exactly `want` as the cause. */
static void
expect_render_error(const char *tmpl, const char *params_json,
    const char *want)
{
	char	*out, *cause;

	assert_int_equal(render(tmpl, params_json, &out, &cause), -1);
	assert_null(out);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

/* ---- rendering ---- */

static void
test_render_builtin_keys(void **state)
{
	(void)state;
	expect_render("{court}:{case_no}案{step}，{date}，{name}", "{}",
	    "沽源县人民法院:(2024)冀0724执1234号案冻结银行存款，6月30日，王某");
}

static void
test_render_params_string(void **state)
{
	(void)state;
	expect_render("{case_no}案已冻结被执行人银行存款{amount}元。",
	    "{\"amount\": \"123456.78\"}",
	    "(2024)冀0724执1234号案已冻结被执行人银行存款123456.78元。");
}

static void
test_render_missing_key_is_an_error(void **state)
{
	(void)state;
	expect_render_error("存款{amount}元", "{}",
	    "template key \"amount\" is missing from params");
}

static void
test_render_double_braces_are_literal(void **state)
{
	(void)state;
	expect_render("{{a}} {{{amount}}} }}{{", "{\"amount\": \"1\"}",
	    "{a} {1} }{");
}

static void
test_render_iso_date_becomes_chinese_date(void **state)
{
	static const struct {
		const char	*value;
		const char	*want;
	} t[] = {
		{ "2024-06-30", "6月30日" },
		{ "2024-01-05", "1月5日" },
		{ "2024-06-30T10:00:00+08:00", "6月30日" },
		{ "2024-06-30 10:00", "6月30日" },
		{ "2024-02-30", "2024-02-30" },		/* not a date: as is */
		{ "2024-06-30 以后", "2024-06-30 以后" },	/* free text */
		{ "6月30日", "6月30日" },
	};
	char	 params[128];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		snprintf(params, sizeof(params), "{\"deadline\": \"%s\"}",
		    t[i].value);
		expect_render("{deadline}", params, t[i].want);
	}
}

static void
test_render_numbers_printed_plainly(void **state)
{
	(void)state;
	expect_render("{a}|{b}|{c}|{d}|{e}",
	    "{\"a\": 123456, \"b\": 123456.78, \"c\": 15.0, \"d\": -3, "
	    "\"e\": 10000000000000000}",
	    "123456|123456.78|15|-3|10000000000000000");
}

static void
test_render_party_is_masked(void **state)
{
	(void)state;
	expect_render("追加{party}为被执行人", "{\"party\": \"张三\"}",
	    "追加张某为被执行人");
	expect_render("追加{party}为被执行人",
	    "{\"party\": \"沽源县某某有限公司\"}",
	    "追加沽源县某某有限公司为被执行人");
}

static void
test_render_non_scalar_is_an_error(void **state)
{
	(void)state;
	expect_render_error("{x}", "{\"x\": [1]}",
	    "template key \"x\" must be text or a number, not an array");
	expect_render_error("{x}", "{\"x\": {}}",
	    "template key \"x\" must be text or a number, not an object");
	expect_render_error("{x}", "{\"x\": true}",
	    "template key \"x\" must be text or a number, not a boolean");
	expect_render_error("{x}", "{\"x\": null}",
	    "template key \"x\" must be text or a number, not null");
}

static void
test_render_unbalanced_braces_are_errors(void **state)
{
	(void)state;
	expect_render_error("ab{amount", "{}",
	    "unbalanced \"{\" at offset 2 of the template");
	expect_render_error("ab}cd", "{}",
	    "unbalanced \"}\" at offset 2 of the template");
	expect_render_error("a{}b", "{}",
	    "empty placeholder at offset 1 of the template");
	expect_render_error("{金额}", "{}",
	    "bad character in placeholder at offset 1 of the template "
	    "(use \"{{\" for a literal brace)");
}

static void
test_render_invalid_utf8_template_is_an_error(void **state)
{
	(void)state;
	expect_render_error("abc\xff", "{}",
	    "the template is not valid UTF-8");
	expect_render_error("\xe6\x89", "{}",
	    "the template is not valid UTF-8");
}

static void
test_render_builtin_falls_back_to_params(void **state)
{
	struct render_ctx	 ctx;
	char			*out = NULL, *cause = NULL;

	(void)state;
	memset(&ctx, 0, sizeof(ctx));
	ctx.params = json_pack("{s:s}", "date", "2024-07-01");
	assert_int_equal(text_render("{date}", &ctx, &out, &cause), 0);
	assert_string_equal(out, "7月1日");
	free(out);
	assert_int_equal(text_render("{case_no}", &ctx, &out, &cause), -1);
	assert_string_equal(cause,
	    "template key \"case_no\" is missing from params");
	free(cause);
	json_decref(ctx.params);
}

static void
test_render_null_template_and_ctx(void **state)
{
	char	*out = NULL, *cause = NULL;

	(void)state;
	assert_int_equal(text_render(NULL, NULL, &out, &cause), -1);
	assert_string_equal(cause, "the template is missing");
	free(cause);
	assert_int_equal(text_render("纯文本", NULL, &out, &cause), 0);
	assert_string_equal(out, "纯文本");
	free(out);
}

static void
test_render_huge_value_is_refused(void **state)
{
	char	*big, *out = NULL, *cause = NULL;
	struct render_ctx ctx;

	(void)state;
	big = repeat("", "长", 30000);		/* 90000 bytes */
	memset(&ctx, 0, sizeof(ctx));
	ctx.params = json_pack("{s:s}", "reason", big);
	assert_int_equal(text_render("{reason}", &ctx, &out, &cause), -1);
	assert_null(out);
	assert_string_equal(cause,
	    "the rendered text is longer than 65536 bytes");
	free(cause);
	json_decref(ctx.params);
	free(big);
}

static void
test_template_keys_in_order_once(void **state)
{
	char	**keys, *cause = NULL;
	size_t	  n;

	(void)state;
	assert_int_equal(text_template_keys("{case_no}案{asset}于{deadline}"
	    "{{x}}{asset}", &keys, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_string_equal(keys[0], "case_no");
	assert_string_equal(keys[1], "asset");
	assert_string_equal(keys[2], "deadline");
	text_free_keys(keys, n);
}

static void
test_template_keys_syntax_error(void **state)
{
	char	**keys, *cause = NULL;
	size_t	  n;

	(void)state;
	assert_int_equal(text_template_keys("{case_no", &keys, &n, &cause), -1);
	assert_null(keys);
	assert_int_equal(n, 0);
	assert_string_equal(cause,
	    "unbalanced \"{\" at offset 0 of the template");
	free(cause);
}

/* ---- names ---- */

static void
test_mask_name_table(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "王小明", "王某" },
		{ "张三", "张某" },
		{ "王", "王某" },
		{ "王某", "王某" },
		{ " 李四　", "李某" },
		{ "欧阳娜娜", "欧阳某" },
		{ "司马光", "司马某" },
		{ "诸葛亮", "诸葛某" },
		{ "上官婉儿", "上官某" },
		{ "东方明", "东方某" },
		{ "皇甫嵩", "皇甫某" },
		{ "慕容复", "慕容某" },
		{ "令狐冲", "令狐某" },
		{ "夏侯惇", "夏侯某" },
		{ "尉迟恭", "尉迟某" },
		{ "公孙胜", "公孙某" },
		{ "长孙无忌", "长孙某" },
		{ "宇文泰", "宇文某" },
		{ "司徒雷", "司徒某" },
		{ "端木赐", "端木某" },
		{ "阿依古丽·买买提", "阿某" },
		{ "沽源县某某商贸有限公司", "沽源县某某商贸有限公司" },
		{ "中国农业银行沽源支行", "中国农业银行沽源支行" },
		{ "张家口某集团", "张家口某集团" },
		{ "沽源县某某砖厂", "沽源县某某砖厂" },
		{ "某某农民专业合作社", "某某农民专业合作社" },
		{ "某某律师事务所", "某某律师事务所" },
		{ "沽源县医院", "沽源县医院" },
		{ "沽源县第一中学校", "沽源县第一中学校" },
		{ "某某村民委员会", "某某村民委员会" },
		{ "沽源县自然资源局", "沽源县自然资源局" },
		{ "某某超市店", "某某超市店" },
		{ "某某协会", "某某协会" },
		{ "某某股份", "某某股份" },
		{ "John Smith", "J***" },
		{ "alice", "a***" },
		{ "", "" },
		{ "\xff\xfe", "某" },
	};
	size_t	 i;
	char	*m;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		m = text_mask_name(t[i].in);
		assert_non_null(m);
		if (strcmp(m, t[i].want) != 0)
			fail_msg("mask(\"%s\") = \"%s\", want \"%s\"", t[i].in,
			    m, t[i].want);
		free(m);
	}
	assert_null(text_mask_name(NULL));
}

/* ---- phone numbers ---- */

static void
test_phone_normalize_accepts(void **state)
{
	static const char *const good[] = {
		"13812345678", "138 1234 5678", "138-1234-5678",
		"138.1234.5678", "(138)12345678", "+8613812345678",
		"+86 138 1234 5678", "008613812345678", "8613812345678",
		"+86-138-1234-5678", " 13812345678 ",
	};
	char	 out[16], *cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(good); i++) {
		cause = NULL;
		if (text_phone_normalize(good[i], out, sizeof(out),
		    &cause) != 0)
			fail_msg("\"%s\": %s", good[i], cause);
		assert_string_equal(out, "13812345678");
	}
	assert_int_equal(text_phone_normalize("19912345678", out, sizeof(out),
	    NULL), 0);
	assert_string_equal(out, "19912345678");
}

static void
test_phone_normalize_rejects(void **state)
{
	static const char *const bad[] = {
		"0313-1234567", "12812345678", "23812345678", "1381234567",
		"138123456789", "+8513812345678", "+86 0313 1234567",
		"1381234567a", "１３８１２３４５６７８", "86138123456",
		"+13812345678", "13812345678900000000000000000000000000000",
		"138\xff" "2345678",
	};
	char	 out[16], *cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		if (text_phone_normalize(bad[i], out, sizeof(out),
		    &cause) != -1)
			fail_msg("\"%s\" accepted as %s", bad[i], out);
		assert_non_null(cause);
		free(cause);
	}
}

static void
test_phone_normalize_causes(void **state)
{
	char	 out[16], *cause = NULL;

	(void)state;
	assert_int_equal(text_phone_normalize("0313-1234567", out, sizeof(out),
	    &cause), -1);
	assert_string_equal(cause,
	    "\"0313-1234567\" is not a mainland mobile number");
	free(cause);
	assert_int_equal(text_phone_normalize("", out, sizeof(out), &cause),
	    -1);
	assert_string_equal(cause, "no phone number");
	free(cause);
	assert_int_equal(text_phone_normalize(NULL, out, sizeof(out), &cause),
	    -1);
	assert_string_equal(cause, "no phone number");
	free(cause);
	assert_int_equal(text_phone_normalize("13812345678", out, 11, &cause),
	    -1);
	free(cause);
}

static void
test_phone_mask_table(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "13812345678", "138****5678" },
		{ "+86 138-1234-5678", "138****5678" },
		{ "0313-1234567", "031*******67" },
		{ "12345", "1***5" },
		{ "12", "**" },
		{ "", "" },
		{ "010-12345678901234567890", "010********90" },
	};
	char	 out[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		text_phone_mask(t[i].in, out, sizeof(out));
		if (strcmp(out, t[i].want) != 0)
			fail_msg("mask(\"%s\") = \"%s\", want \"%s\"", t[i].in,
			    out, t[i].want);
	}
	text_phone_mask(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	text_phone_mask("13812345678", out, 5);
	assert_string_equal(out, "138*");
}

/* ---- SMS counting, domestic ---- */

static void
test_sms_domestic_parts_table(void **state)
{
	static const struct {
		size_t	 chars;
		size_t	 parts;
	} t[] = {
		{ 1, 1 }, { 68, 1 }, { 70, 1 }, { 71, 2 }, { 134, 2 },
		{ 135, 3 }, { 160, 3 }, { 500, 8 }, { 600, 9 },
	};
	struct sms_count sc;
	char	*s;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		s = repeat("", "执", t[i].chars);
		assert_int_equal(text_sms_count(s, 0, &sc), 0);
		assert_int_equal(sc.encoding, SMS_DOMESTIC);
		assert_int_equal(sc.chars, t[i].chars);
		assert_int_equal(sc.parts, t[i].parts);
		free(s);
	}
}

static void
test_sms_domestic_ascii_uses_70(void **state)
{
	struct sms_count sc;
	char	*s = digits("", 0, 71);

	(void)state;
	assert_int_equal(text_sms_count(s, 0, &sc), 0);
	assert_int_equal(sc.chars, 71);
	assert_int_equal(sc.parts, 2);
	free(s);
}

static void
test_sms_domestic_signature_counts(void **state)
{
	struct sms_count sc;

	(void)state;
	assert_int_equal(text_sms_count("【华为云】", 0, &sc), 0);
	assert_int_equal(sc.chars, 5);
	assert_int_equal(text_sms_count("【沽源县人民法院】(2024)冀0724执1234号"
	    "案已冻结被执行人银行存款123456.78元。", 0, &sc), 0);
	assert_int_equal(sc.chars, 49);		/* domain.md §3 */
	assert_int_equal(sc.parts, 1);
}

static void
test_sms_domestic_non_bmp_counts_two(void **state)
{
	struct sms_count sc;

	(void)state;
	assert_int_equal(text_sms_count("执😀", 0, &sc), 0);
	assert_int_equal(sc.chars, 3);
	assert_int_equal(sc.units, 3);
}

static void
test_sms_empty_text_has_no_parts(void **state)
{
	struct sms_count sc;

	(void)state;
	assert_int_equal(text_sms_count("", 0, &sc), 0);
	assert_int_equal(sc.parts, 0);
	assert_int_equal(text_sms_count("", 1, &sc), 0);
	assert_int_equal(sc.parts, 0);
}

/*
 * ---- SMS counting, international: the published vectors of
 * TwilioDevEd/message-segment-calculator tests/index.test.js ----
 */

/* 🏳️‍🌈: U+1F3F3 U+FE0F U+200D U+1F308, 6 UTF-16 units, one character */
#define RAINBOW_FLAG \
	"\xf0\x9f\x8f\xb3\xef\xb8\x8f\xe2\x80\x8d\xf0\x9f\x8c\x88"

static void
test_sms_twilio_vectors(void **state)
{
	static const struct {
		const char	*what;
		const char	*prefix;	/* then digits */
		size_t		 start, ndigits;
		enum sms_encoding enc;
		size_t		 segments, message_bits, characters;
	} t[] = {
		{ "GSM-7 in one segment", "", 0, 160, SMS_GSM7, 1, 1120,
		    160 },
		{ "GSM-7 in two segments", "", 0, 161, SMS_GSM7, 2, 1127,
		    161 },
		{ "GSM-7 in three segments", "", 0, 307, SMS_GSM7, 3, 2149,
		    307 },
		{ "UCS-2 message in one segment", "😜", 1, 68, SMS_UCS2, 1,
		    1120, 69 },
		{ "UCS-2 message in two segments", "😜", 1, 69, SMS_UCS2, 2,
		    1136, 70 },
		{ "UCS-2 message in three segments", "😜", 1, 133, SMS_UCS2, 3,
		    2160, 134 },
		{ "UCS-2 with two bytes extended characters in one segments "
		    "boundary", "🇮🇹", 1, 66, SMS_UCS2, 1, 1120, 67 },
		{ "UCS-2 with extended characters in two segments boundary",
		    "🇮🇹", 1, 67, SMS_UCS2, 2, 1136, 68 },
		{ "UCS-2 with four bytes extended characters in one segments "
		    "boundary", RAINBOW_FLAG, 1, 64, SMS_UCS2, 1, 1120, 65 },
		{ "UCS-2 with four bytes extended characters in two segments "
		    "boundary", RAINBOW_FLAG, 1, 65, SMS_UCS2, 2, 1136, 66 },
	};
	struct sms_count sc;
	size_t	 i, bits;
	char	*s;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		s = digits(t[i].prefix, t[i].start, t[i].ndigits);
		assert_int_equal(text_sms_count(s, 1, &sc), 0);
		bits = sc.units * (sc.encoding == SMS_GSM7 ? 7 : 16);
		if (sc.encoding != t[i].enc || sc.parts != t[i].segments ||
		    bits != t[i].message_bits || sc.chars != t[i].characters)
			fail_msg("%s: encoding %d parts %zu bits %zu chars %zu",
			    t[i].what, (int)sc.encoding, sc.parts, bits,
			    sc.chars);
		free(s);
	}
}

static void
test_sms_twilio_escape_chars(void **state)
{
	static const char *const esc[] = {
		"|", "^", "€", "{", "}", "[", "]", "~", "\\",
	};
	struct sms_count sc;
	size_t	 i;
	char	*one, *two;

	(void)state;
	for (i = 0; i < nitems(esc); i++) {
		one = digits(esc[i], 0, 158);
		two = digits(esc[i], 0, 159);
		assert_int_equal(text_sms_count(one, 1, &sc), 0);
		assert_int_equal(sc.encoding, SMS_GSM7);
		assert_int_equal(sc.parts, 1);
		assert_int_equal(sc.units * 7, 1120);
		assert_int_equal(text_sms_count(two, 1, &sc), 0);
		assert_int_equal(sc.encoding, SMS_GSM7);
		assert_int_equal(sc.parts, 2);
		assert_int_equal(sc.units * 7, 1127);
		free(one);
		free(two);
	}
}

static void
test_sms_twilio_surrogate_pair_then_brackets(void **state)
{
	struct sms_count sc;
	char	*s;

	(void)state;
	s = repeat("😀", "]", 68);
	assert_int_equal(text_sms_count(s, 1, &sc), 0);
	assert_int_equal(sc.encoding, SMS_UCS2);
	assert_int_equal(sc.parts, 1);
	free(s);
	s = repeat("😀", "]", 69);
	assert_int_equal(text_sms_count(s, 1, &sc), 0);
	assert_int_equal(sc.parts, 2);
	free(s);
}

/* Join three strings into a new one. */
static char *
join3(const char *a, const char *b, const char *c)
{
	char	*s;

	if (asprintf(&s, "%s%s%s", a, b, c) == -1)
		fail();
	return (s);
}

static void
test_sms_surrogate_pair_moves_to_next_part(void **state)
{
	struct sms_count sc;
	char	*a, *s;

	(void)state;
	/* 66 + 2 + 66 = 134 units; split inside the pair it would be 2 */
	a = repeat("", "执", 66);
	s = join3(a, "😀", a);
	assert_int_equal(text_sms_count(s, 1, &sc), 0);
	assert_int_equal(sc.units, 134);
	assert_int_equal(sc.parts, 3);
	free(s);
	/* 66 + 2 = 68 units fit one part of 70 */
	s = join3(a, "😀", "");
	assert_int_equal(text_sms_count(s, 1, &sc), 0);
	assert_int_equal(sc.parts, 1);
	free(s);
	free(a);
}

static void
test_sms_escape_pair_moves_to_next_part(void **state)
{
	struct sms_count sc;
	char	*a, *s;

	(void)state;
	/* 152 + 2 + 152 = 306 septets; split inside ESC+€ it would be 2 */
	a = digits("", 0, 152);
	s = join3(a, "€", a);
	assert_int_equal(text_sms_count(s, 1, &sc), 0);
	assert_int_equal(sc.encoding, SMS_GSM7);
	assert_int_equal(sc.units, 306);
	assert_int_equal(sc.parts, 3);
	free(s);
	free(a);
}

static void
test_sms_twilio_crlf_counts_each(void **state)
{
	struct sms_count sc;

	(void)state;
	assert_int_equal(text_sms_count("\rabcde\r\n123", 1, &sc), 0);
	assert_int_equal(sc.encoding, SMS_GSM7);
	assert_int_equal(sc.chars, 11);
}

static void
test_sms_twilio_combining_marks_one_character(void **state)
{
	struct sms_count sc;

	(void)state;
	assert_int_equal(text_sms_count("e\xcc\x81\xcc\x81\xcc\x81", 1, &sc),
	    0);
	assert_int_equal(sc.encoding, SMS_UCS2);
	assert_int_equal(sc.chars, 1);
	assert_int_equal(sc.units, 4);
}

static void
test_sms_gsm7_basic_table_stays_gsm7(void **state)
{
	struct sms_count sc;

	(void)state;
	assert_int_equal(text_sms_count("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ "
	    "!\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà", 1,
	    &sc), 0);
	assert_int_equal(sc.encoding, SMS_GSM7);
	assert_int_equal(text_sms_count("a`b", 1, &sc), 0);
	assert_int_equal(sc.encoding, SMS_UCS2);
	assert_int_equal(text_sms_count("执行", 1, &sc), 0);
	assert_int_equal(sc.encoding, SMS_UCS2);
}

static void
test_sms_invalid_utf8_is_refused(void **state)
{
	static const char *const bad[] = {
		"\xff", "abc\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xe6\x89", "\xf0\x9f\x98",
	};
	struct sms_count sc;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		assert_int_equal(text_sms_count(bad[i], 0, &sc), -1);
		assert_int_equal(text_sms_count(bad[i], 1, &sc), -1);
	}
	assert_int_equal(text_sms_count(NULL, 0, &sc), -1);
}

/* ---- dates ---- */

static void
test_format_date_table(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;		/* NULL: refused */
	} t[] = {
		{ "2024-06-30", "6月30日" },
		{ "2024-12-01T08:00:00", "12月1日" },
		{ "2024-02-29", "2月29日" },
		{ "2023-02-29", NULL },
		{ "2024-13-01", NULL },
		{ "2024-00-10", NULL },
		{ "2024-6-30", NULL },
		{ "2024-06-3", NULL },
		{ "2024-06-30x", NULL },
		{ "2024-06-30 下午", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	char	 out[32];
	size_t	 i;
	int	 rv;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		rv = text_format_date(t[i].in, out, sizeof(out));
		if (t[i].want == NULL)
			assert_int_equal(rv, -1);
		else {
			assert_int_equal(rv, 0);
			assert_string_equal(out, t[i].want);
		}
	}
	assert_int_equal(text_format_date("2024-06-30", out, 5), -1);
}

/* ---- case numbers (domain.md §4) ---- */

static void
test_case_no_normalize_accepts(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} t[] = {
		{ "(2024)冀0724执123号", "(2024)冀0724执123号" },
		{ "（2024）冀07执恢12号", "(2024)冀07执恢12号" },
		{ "(2024)冀执监5号", "(2024)冀执监5号" },
		{ "(2016)兵09执12号", "(2016)兵09执12号" },
		{ "(2019)最高法知民终1号", "(2019)最高法知民终1号" },
		{ "〔2023〕京73民初１２号", "(2023)京73民初12号" },
		{ "(2024) 冀0724 执 123号", "(2024)冀0724执123号" },
		{ "(2015)沽执字第123号", "(2015)沽执字第123号" },
		{ "(2015)沽执恢字第3号", "(2015)沽执恢字第3号" },
		{ "(2014)沽民初字第88号", "(2014)沽民初字第88号" },
		{ "(2024)冀0724民初1234号", "(2024)冀0724民初1234号" },
		{ "（２０２４）冀０７２４执１２３４号",
		    "(2024)冀0724执1234号" },
		{ "(2024)冀0724执保3号", "(2024)冀0724执保3号" },
		{ "(2012)东执字第253号", "(2012)东执字第253号" },
	};
	char	*out, *cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(t); i++) {
		cause = NULL;
		if (text_case_no_normalize(t[i].in, &out, &cause) != 0)
			fail_msg("\"%s\": %s", t[i].in, cause);
		assert_string_equal(out, t[i].want);
		free(out);
	}
}

static void
test_case_no_normalize_rejects(void **state)
{
	static const char *const bad[] = {
		"2024冀0724执123号", "(2024)冀0724执号", "(2024)冀0724执123",
		"(1899)冀0724执123号", "(2024)冀072执123号",
		"(2024)冀0724执123456789号", "(2024)冀0724号",
		"(2024)X0724执1号",
		"(2024)冀0724执行案件一1号", "(2015)执字第号", "(2015)字第1号",
		"(2015)沽执字第123", "\xff", "", "(2024)冀0724执1号附",
	};
	char	*out, *cause;
	size_t	 i;

	(void)state;
	for (i = 0; i < nitems(bad); i++) {
		cause = NULL;
		if (text_case_no_normalize(bad[i], &out, &cause) != -1)
			fail_msg("\"%s\" accepted as %s", bad[i], out);
		assert_null(out);
		assert_non_null(cause);
		free(cause);
	}
}

static void
test_case_no_normalize_cause(void **state)
{
	char	*out, *cause = NULL;

	(void)state;
	assert_int_equal(text_case_no_normalize("2024冀0724执123号", &out,
	    &cause), -1);
	assert_string_equal(cause, "\"2024冀0724执123号\" is not a case number "
	    "like (2024)冀0724执1234号 or (2015)沽执字第123号");
	free(cause);
	assert_int_equal(text_case_no_normalize("(2024)\xff", &out, &cause),
	    -1);
	assert_string_equal(cause, "the case number is not valid UTF-8");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_builtin_keys),
		cmocka_unit_test(test_render_params_string),
		cmocka_unit_test(test_render_missing_key_is_an_error),
		cmocka_unit_test(test_render_double_braces_are_literal),
		cmocka_unit_test(test_render_iso_date_becomes_chinese_date),
		cmocka_unit_test(test_render_numbers_printed_plainly),
		cmocka_unit_test(test_render_party_is_masked),
		cmocka_unit_test(test_render_non_scalar_is_an_error),
		cmocka_unit_test(test_render_unbalanced_braces_are_errors),
		cmocka_unit_test(test_render_invalid_utf8_template_is_an_error),
		cmocka_unit_test(test_render_builtin_falls_back_to_params),
		cmocka_unit_test(test_render_null_template_and_ctx),
		cmocka_unit_test(test_render_huge_value_is_refused),
		cmocka_unit_test(test_template_keys_in_order_once),
		cmocka_unit_test(test_template_keys_syntax_error),
		cmocka_unit_test(test_mask_name_table),
		cmocka_unit_test(test_phone_normalize_accepts),
		cmocka_unit_test(test_phone_normalize_rejects),
		cmocka_unit_test(test_phone_normalize_causes),
		cmocka_unit_test(test_phone_mask_table),
		cmocka_unit_test(test_sms_domestic_parts_table),
		cmocka_unit_test(test_sms_domestic_ascii_uses_70),
		cmocka_unit_test(test_sms_domestic_signature_counts),
		cmocka_unit_test(test_sms_domestic_non_bmp_counts_two),
		cmocka_unit_test(test_sms_empty_text_has_no_parts),
		cmocka_unit_test(test_sms_twilio_vectors),
		cmocka_unit_test(test_sms_twilio_escape_chars),
		cmocka_unit_test(test_sms_twilio_surrogate_pair_then_brackets),
		cmocka_unit_test(test_sms_surrogate_pair_moves_to_next_part),
		cmocka_unit_test(test_sms_escape_pair_moves_to_next_part),
		cmocka_unit_test(test_sms_twilio_crlf_counts_each),
		cmocka_unit_test(test_sms_twilio_combining_marks_one_character),
		cmocka_unit_test(test_sms_gsm7_basic_table_stays_gsm7),
		cmocka_unit_test(test_sms_invalid_utf8_is_refused),
		cmocka_unit_test(test_format_date_table),
		cmocka_unit_test(test_case_no_normalize_accepts),
		cmocka_unit_test(test_case_no_normalize_rejects),
		cmocka_unit_test(test_case_no_normalize_cause),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
