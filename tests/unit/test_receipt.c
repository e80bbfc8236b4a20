/*
 * test_receipt.c - parsing of the delivery receipts each gateway sends
 * (the formats of reference/gateways.md), and the per-message token.
 */
#include <sys/queue.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "huigao.h"
#include "receipt.h"

static void
test_aliyun_push_is_parsed(void **state)
{
	const char	*body = "[{\"phone_number\":\"13812345678\","
	    "\"send_time\":\"2017-01-01 00:00:00\",\"report_time\":"
	    "\"2017-01-01 00:00:00\",\"success\":true,\"err_code\":\"DELIVERED\","
	    "\"err_msg\":\"用户接收成功\",\"sms_size\":\"1\",\"biz_id\":"
	    "\"12345^0\",\"out_id\":\"hg-1-1-sms\"},{\"success\":false,"
	    "\"err_code\":\"MK:0001\",\"biz_id\":\"9\",\"out_id\":\"hg-2-1-sms\"}]";
	struct receipt	*r;
	size_t		 n;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(receipt_parse_aliyun(body, strlen(body), &r, &n,
	    &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].key, "hg-1-1-sms");
	assert_string_equal(r[0].provider_id, "12345^0");
	assert_int_equal(r[0].status, RCPT_DELIVERED);
	assert_string_equal(r[0].provider_status, "DELIVERED");
	assert_int_equal(r[1].status, RCPT_UNDELIVERED);
	assert_string_equal(r[1].provider_status, "MK:0001");
	free(r);
}

static void
test_tencent_callback_is_parsed(void **state)
{
	const char	*body = "[{\"user_receive_time\":\"2015-10-17 08:03:04\","
	    "\"nationcode\":\"86\",\"mobile\":\"13812345678\",\"report_status\":"
	    "\"SUCCESS\",\"errmsg\":\"DELIVRD\",\"description\":\"用户短信送达成功\","
	    "\"sid\":\"2019:538884*\"}]";
	struct receipt	*r;
	size_t		 n;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(receipt_parse_tencent(body, strlen(body), &r, &n,
	    &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].provider_id, "2019:538884*");
	assert_string_equal(r[0].phone, "13812345678");
	assert_int_equal(r[0].status, RCPT_DELIVERED);
	free(r);
}

/* Bodies that must be refused, with a reason. */
static const char *const garbage[] = {
	"", "not json", "{}", "[]", "[1]", "[{\"success\":true}]",
	"[{\"biz_id\":\"1\"}]", "[{\"sid\":\"1\",\"report_status\":\"MAYBE\"}]",
	"[{\"biz_id\":\"1\",\"success\":\"yes\"}]",
};

static void
test_garbage_receipts_are_refused(void **state)
{
	struct receipt	*r = NULL;
	size_t		 i, n;
	char		*cause;

	(void)state;
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		cause = NULL;
		if (receipt_parse_aliyun(garbage[i], strlen(garbage[i]), &r, &n,
		    &cause) == 0 && receipt_parse_tencent(garbage[i],
		    strlen(garbage[i]), &r, &n, &cause) == 0)
			fail_msg("accepted by both: %s", garbage[i]);
		free(cause);
		cause = NULL;
		/* and neither parser accepts the empty and non-array ones */
		if (i < 5) {
			assert_int_equal(receipt_parse_aliyun(garbage[i],
			    strlen(garbage[i]), &r, &n, &cause), -1);
			free(cause);
		}
	}
}

/* Parse a query string into a header list. */
static void
query(struct evkeyvalq *q, const char *s)
{
	TAILQ_INIT(q);
	assert_int_equal(evhttp_parse_query_str(s, q), 0);
}

static const struct {
	const char		*status;
	enum receipt_status	 want;
} twilio_states[] = {
	{ "delivered", RCPT_DELIVERED }, { "read", RCPT_DELIVERED },
	{ "undelivered", RCPT_UNDELIVERED }, { "failed", RCPT_UNDELIVERED },
	{ "sent", RCPT_INTERMEDIATE }, { "queued", RCPT_INTERMEDIATE },
};

static void
test_twilio_statuses_map_to_final_or_intermediate(void **state)
{
	struct evkeyvalq	 q;
	struct receipt		 r;
	char			 form[256], *cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(twilio_states) / sizeof(twilio_states[0]); i++) {
		snprintf(form, sizeof(form), "MessageSid=SM1&MessageStatus=%s&"
		    "To=%%2B8613812345678", twilio_states[i].status);
		query(&q, form);
		assert_int_equal(receipt_parse_twilio(&q, "hg-1-1-sms", &r,
		    &cause), 0);
		assert_int_equal(r.status, twilio_states[i].want);
		assert_string_equal(r.key, "hg-1-1-sms");
		assert_string_equal(r.phone, "+8613812345678");
		evhttp_clear_headers(&q);
	}
	query(&q, "MessageStatus=delivered");
	assert_int_equal(receipt_parse_twilio(&q, "k", &r, &cause), -1);
	free(cause);
	evhttp_clear_headers(&q);
}

static void
test_kannel_dlr_bits_map_to_states(void **state)
{
	static const struct { const char *q; int ok; enum receipt_status want; }
	    t[] = {
		{ "key=k&token=t&status=1", 1, RCPT_DELIVERED },
		{ "key=k&token=t&status=2", 1, RCPT_UNDELIVERED },
		{ "key=k&token=t&status=16", 1, RCPT_UNDELIVERED },
		{ "key=k&token=t&status=8", 1, RCPT_INTERMEDIATE },
		{ "key=k&token=t&status=4", 1, RCPT_INTERMEDIATE },
		{ "key=k&token=t&status=x", 0, RCPT_INTERMEDIATE },
		{ "key=k&status=1", 0, RCPT_INTERMEDIATE },
		{ "token=t&status=1", 0, RCPT_INTERMEDIATE },
	};
	struct evkeyvalq	 q;
	struct receipt		 r;
	char			*cause;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cause = NULL;
		query(&q, t[i].q);
		if (t[i].ok) {
			assert_int_equal(receipt_parse_kannel(&q, &r, &cause), 0);
			assert_int_equal(r.status, t[i].want);
		} else {
			assert_int_equal(receipt_parse_kannel(&q, &r, &cause), -1);
			assert_non_null(cause);
		}
		free(cause);
		evhttp_clear_headers(&q);
	}
}

static void
test_receipt_token_is_per_message_and_stable(void **state)
{
	char	 a[RECEIPT_TOKEN_LEN + 1], b[RECEIPT_TOKEN_LEN + 1];
	char	 c[RECEIPT_TOKEN_LEN + 1];

	(void)state;
	receipt_token("secret", "hg-1-1-sms", a);
	receipt_token("secret", "hg-1-1-sms", b);
	receipt_token("secret", "hg-2-1-sms", c);
	assert_int_equal(strlen(a), RECEIPT_TOKEN_LEN);
	assert_true(receipt_equal(a, b));
	assert_false(receipt_equal(a, c));
	receipt_token("other", "hg-1-1-sms", c);
	assert_false(receipt_equal(a, c));
	assert_false(receipt_equal(a, ""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aliyun_push_is_parsed),
		cmocka_unit_test(test_tencent_callback_is_parsed),
		cmocka_unit_test(test_garbage_receipts_are_refused),
		cmocka_unit_test(test_twilio_statuses_map_to_final_or_intermediate),
		cmocka_unit_test(test_kannel_dlr_bits_map_to_states),
		cmocka_unit_test(test_receipt_token_is_per_message_and_stable),
	};

	log_init("test_receipt", 0);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
