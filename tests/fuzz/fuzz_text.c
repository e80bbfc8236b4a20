/*
 * fuzz_text.c - the pure string functions of text.c (and the masks and
 * time parsers next to them) on arbitrary bytes.
 *
 * The input up to its first NUL is the string. Each function is called as
 * the daemon calls it, and once more with a small output buffer (its size
 * taken from the input's length) so truncation is exercised too. Besides
 * memory errors, the harness checks the contracts of huigao.h: normalised
 * phone numbers and case numbers are well-formed and normalise to
 * themselves, masks hide all but a few characters, SMS counts fail exactly
 * on invalid UTF-8 and agree with a plain recount.
 */
#include <stdlib.h>
#include <string.h>

#include "huigao.h"
#include "adapter.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

/* A buffer of exactly n bytes on the heap, so ASan sees one byte too far. */
static char *
exact_buf(size_t n)
{
	char	*p = malloc(n);

	if (p == NULL)
		abort();
	memset(p, 'X', n);
	return (p);
}

/* Code points in s; invalid bytes count one each. */
static size_t
count_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

/* UTF-16 code units of valid UTF-8: one per code point, two above U+FFFF. */
static size_t
utf16_units(const char *s)
{
	const unsigned char *p;
	size_t		 n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p & 0xc0) != 0x80)
			n += *p >= 0xf0 ? 2 : 1;
	}
	return (n);
}

/* Phone: a normalised number is 1[3-9] and nine digits, and a fixed point. */
static void
check_phone(const char *in, size_t small)
{
	char	 out[32], again[32], *cause = NULL, *buf;
	size_t	 i;
	int	 rv;

	rv = text_phone_normalize(in, out, sizeof(out), &cause);
	FUZZ_CHECK((rv == 0) == (cause == NULL), "phone: rv %d, cause %s",
	    rv, cause ? cause : "NULL");
	if (rv == 0) {
		FUZZ_CHECK(strlen(out) == 11 && out[0] == '1' && out[1] >= '3'
		    && out[1] <= '9', "phone: \"%s\" normalised to \"%s\"", in,
		    out);
		for (i = 0; i < 11; i++)
			FUZZ_CHECK(out[i] >= '0' && out[i] <= '9',
			    "phone: non-digit in \"%s\"", out);
		FUZZ_CHECK(text_phone_normalize(out, again, sizeof(again),
		    NULL) == 0 && strcmp(out, again) == 0,
		    "phone: \"%s\" is not a fixed point", out);
	} else
		FUZZ_CHECK(fuzz_utf8_valid(cause), "phone: cause not UTF-8");
	free(cause);
	cause = NULL;
	buf = exact_buf(small);
	rv = text_phone_normalize(in, buf, small, &cause);
	FUZZ_CHECK(rv == -1 || memchr(buf, '\0', small) != NULL,
	    "phone: no NUL in a %zu-byte buffer", small);
	free(cause);
	free(buf);
}

/* A mask keeps at most 5 characters of the original besides its stars. */
static void
check_mask_output(const char *what, const char *in, const char *out,
    size_t outlen)
{
	size_t	 kept = 0;
	const char *p;

	FUZZ_CHECK(memchr(out, '\0', outlen) != NULL, "%s: no NUL", what);
	if (strchr(in, '@') != NULL) {
		/* e-mail masks keep the domain: valid in, valid out */
		FUZZ_CHECK(!fuzz_utf8_valid(in) || fuzz_utf8_valid(out),
		    "%s: \"%s\" not UTF-8", what, out);
		return;
	}
	/* phone masks write invalid bytes as '?' */
	FUZZ_CHECK(fuzz_utf8_valid(out), "%s: \"%s\" not UTF-8", what, out);
	for (p = out; *p != '\0'; p++) {
		if (*p != '*' && ((unsigned char)*p & 0xc0) != 0x80)
			kept++;
	}
	FUZZ_CHECK(kept <= 5, "%s: \"%s\" keeps %zu characters", what, out,
	    kept);
}

/* text_phone_mask and policy_mask agree with the rules of huigao.h. */
static void
check_masks(const char *in, size_t small)
{
	char	 out[64], pol[64], norm[16], want[16], *buf, *name;
	int	 phone;

	phone = text_phone_normalize(in, norm, sizeof(norm), NULL) == 0;
	if (phone) {
		/* 13812345678 -> 138****5678 */
		memcpy(want, norm, 3);
		memcpy(want + 3, "****", 4);
		memcpy(want + 7, norm + 7, 5);
	}
	text_phone_mask(in, out, sizeof(out));
	if (phone)
		FUZZ_CHECK(strcmp(out, want) == 0, "text_phone_mask: \"%s\" "
		    "for %s", out, norm);
	else
		check_mask_output("text_phone_mask", in, out, sizeof(out));
	policy_mask(in, pol, sizeof(pol));
	if (phone)
		FUZZ_CHECK(strcmp(pol, want) == 0, "policy_mask: \"%s\" for %s",
		    pol, norm);
	else
		check_mask_output("policy_mask", in, pol, sizeof(pol));
	buf = exact_buf(small);
	text_phone_mask(in, buf, small);
	FUZZ_CHECK(memchr(buf, '\0', small) != NULL &&
	    strncmp(buf, out, strlen(buf)) == 0, "text_phone_mask: a %zu-byte "
	    "buffer gave \"%s\", not a prefix of \"%s\"", small, buf, out);
	policy_mask(in, buf, small);
	FUZZ_CHECK(memchr(buf, '\0', small) != NULL &&
	    strncmp(buf, pol, strlen(buf)) == 0, "policy_mask: a %zu-byte "
	    "buffer gave \"%s\", not a prefix of \"%s\"", small, buf, pol);
	free(buf);
	name = text_mask_name(in);
	FUZZ_CHECK(name != NULL, "text_mask_name: NULL");
	FUZZ_CHECK(fuzz_utf8_valid(name), "text_mask_name: not UTF-8");
	free(name);
}

/* A normalised case number is valid UTF-8 without spaces, and a fixed point. */
static void
check_case_no(const char *in)
{
	char	*out = NULL, *again = NULL, *cause = NULL;
	int	 rv;

	rv = text_case_no_normalize(in, &out, &cause);
	FUZZ_CHECK((rv == 0) == (out != NULL) && (rv == 0) == (cause == NULL),
	    "case_no: rv %d with out %p, cause %p", rv, (void *)out,
	    (void *)cause);
	if (rv == 0) {
		FUZZ_CHECK(fuzz_utf8_valid(out) && strchr(out, ' ') == NULL,
		    "case_no: bad output \"%s\"", out);
		FUZZ_CHECK(text_case_no_normalize(out, &again, NULL) == 0 &&
		    strcmp(out, again) == 0, "case_no: \"%s\" is not a fixed "
		    "point", out);
	} else
		FUZZ_CHECK(fuzz_utf8_valid(cause), "case_no: cause not UTF-8");
	free(out);
	free(again);
	free(cause);
}

/* Domestic: code points (non-BMP as two), 70 in one part, 67 after. */
static void
check_sms_domestic(const char *in, int valid)
{
	struct sms_count sc;
	size_t		 chars, parts;
	int		 rv;

	rv = text_sms_count(in, 0, &sc);
	FUZZ_CHECK((rv == 0) == valid, "sms domestic: rv %d on %s UTF-8", rv,
	    valid ? "valid" : "invalid");
	if (rv != 0)
		return;
	chars = utf16_units(in);
	parts = chars == 0 ? 0 : chars <= 70 ? 1 : (chars + 66) / 67;
	FUZZ_CHECK(sc.encoding == SMS_DOMESTIC && sc.chars == chars &&
	    sc.parts == parts, "sms domestic: %zu chars %zu parts, want %zu %zu",
	    sc.chars, sc.parts, chars, parts);
}

/* International: GSM-7 160/153, else UCS-2 70/67; parts bound the units. */
static void
check_sms_international(const char *in, int valid)
{
	struct sms_count sc;
	int		 rv;

	rv = text_sms_count(in, 1, &sc);
	FUZZ_CHECK((rv == 0) == valid, "sms international: rv %d on %s UTF-8",
	    rv, valid ? "valid" : "invalid");
	if (rv != 0)
		return;
	FUZZ_CHECK(sc.encoding == SMS_GSM7 || sc.encoding == SMS_UCS2,
	    "sms international: encoding %d", sc.encoding);
	if (sc.units == 0) {
		FUZZ_CHECK(sc.parts <= 1, "sms: %zu parts for nothing", sc.parts);
		return;
	}
	if (sc.encoding == SMS_GSM7) {
		FUZZ_CHECK(sc.units <= 160 ? sc.parts == 1 :
		    sc.parts * 153 >= sc.units && (sc.parts - 1) * 152 < sc.units,
		    "sms gsm7: %zu septets in %zu parts", sc.units, sc.parts);
		FUZZ_CHECK(sc.chars <= sc.units && sc.units <= 2 * sc.chars,
		    "sms gsm7: %zu chars, %zu septets", sc.chars, sc.units);
	} else {
		FUZZ_CHECK(sc.units <= 70 ? sc.parts == 1 :
		    sc.parts * 67 >= sc.units && sc.parts <= sc.units,
		    "sms ucs2: %zu units in %zu parts", sc.units, sc.parts);
		FUZZ_CHECK(sc.chars <= count_chars(in) && sc.units >= sc.chars,
		    "sms ucs2: %zu chars, %zu units", sc.chars, sc.units);
	}
}

/* Kannel's own UCS-2 split of the same text. */
static void
check_kannel_parts(const char *in, int valid)
{
	struct kannel_parts kp;
	size_t		 units, parts;
	int		 rv;

	memset(&kp, 0, sizeof(kp));
	rv = kannel_parts(in, &kp);
	FUZZ_CHECK((rv == 0) == valid, "kannel_parts: rv %d on %s UTF-8", rv,
	    valid ? "valid" : "invalid");
	if (rv != 0)
		return;
	/* Kannel cuts UCS-2 by bytes: 1 part up to 70 units, else 67 each */
	units = utf16_units(in);
	parts = units <= 70 ? 1 : (units + 66) / 67;
	FUZZ_CHECK(kp.units == units && (units == 0 || kp.parts == parts) &&
	    kp.cut_part <= kp.parts, "kannel_parts: %zu units %zu parts cut %zu,"
	    " want %zu units %zu parts", kp.units, kp.parts, kp.cut_part, units,
	    parts);
}

/* "6月30日" or -1; never writes past outlen. */
static void
check_date(const char *in, size_t small)
{
	char	 out[32], *buf;
	int	 rv;

	if ((rv = text_format_date(in, out, sizeof(out))) == 0)
		FUZZ_CHECK(strstr(out, "月") != NULL && strstr(out, "日") != NULL,
		    "format_date: \"%s\"", out);
	buf = exact_buf(small);
	if (text_format_date(in, buf, small) == 0)
		FUZZ_CHECK(rv == 0 && strcmp(buf, out) == 0,
		    "format_date: small buffer gave \"%s\"", buf);
	free(buf);
}

/* The time parsers of util.c, and the UTF-8 copy. */
static void
check_util(const char *in, size_t small)
{
	int64_t	 ms;
	char	*buf, *copy;
	int	 m;

	(void)util_parse_time(in, &ms);
	m = util_parse_hhmm(in);
	FUZZ_CHECK(m >= -1 && m <= 24 * 60, "parse_hhmm: %d", m);
	buf = exact_buf(small);
	(void)util_strlcpy_utf8(buf, in, small);
	FUZZ_CHECK(memchr(buf, '\0', small) != NULL, "strlcpy_utf8: no NUL");
	if (fuzz_utf8_valid(in))
		FUZZ_CHECK(fuzz_utf8_valid(buf), "strlcpy_utf8: split a "
		    "character");
	free(buf);
	copy = xstrdup(in);
	util_sanitize(copy);
	FUZZ_CHECK(strlen(copy) == strlen(in), "sanitize changed the length");
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*in;
	size_t	 small;
	int	 valid;

	if (size > 4096)
		return (0);
	in = fuzz_cstr(data, size);
	small = size % 24 + 1;		/* 1..24 bytes */
	valid = fuzz_utf8_valid(in);
	check_phone(in, small);
	check_masks(in, small);
	check_case_no(in);
	check_sms_domestic(in, valid);
	check_sms_international(in, valid);
	check_kannel_parts(in, valid);
	check_date(in, small);
	check_util(in, small);
	free(in);
	return (0);
}
