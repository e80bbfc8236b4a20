#!/bin/sh
# Alibaba Cloud SMS with signature_version = 1 (the older RPC HMAC-SHA1
# signature, for older accounts): every parameter and the Signature go in a
# form body, the mock recomputes the signature, and the notification is
# 'sent' with the BizId as provider_id.
. "$(dirname "$0")/lib.sh"

. "$E2E_DIR/lib-aliyun.sh"

start_aliyun
vendor_conf aliyun 'ali:signature_version = 1;'
send_notice
expect_sent

[ "$(mock_eval 'len(reqs), r["style"], r["verdict"]')" = "(1, 'v2', 'OK')" ] ||
	fail "mock saw: $(mock_eval 'len(reqs), r["style"], r["verdict"]')"
[ "$(step_field "$step" provider_id)" = "$(mock_eval 'r["answer"]["BizId"]')" ] ||
	fail "provider_id '$(step_field "$step" provider_id)'"
[ "$(mock_eval 'r["params"]["OutId"]')" = "$(step_field "$step" key)" ] || fail "OutId is not the key"
# the phone number travels in the body, not in the URL
[ "$(mock_eval '"13812345678" in r["path"]')" = False ] || fail "the phone number is in the URL"
[ "$(mock_eval 'r["params"]["SignatureMethod"], r["params"]["Format"], r["params"]["RegionId"]')" = \
  "('HMAC-SHA1', 'JSON', 'cn-hangzhou')" ] || fail "params: $(mock_eval 'r["params"]')"
pass
