#!/usr/bin/env python3
"""mock_tencent - a mock Tencent Cloud SMS (SendSms, API 2021-01-11) for the
huigao end-to-end tests.

    mock_tencent.py --port PORT --log FILE.jsonl --secret-id ID
                    --secret-key KEY --app-id 1400006666
                    [--plan JSON] [--max-seconds N]

Listens on 127.0.0.1:PORT (0 = any free port) and writes the port it got to
FILE.jsonl.port (atomically, once listening).  Every request is checked the
way the vendor checks it, with its own TC3-HMAC-SHA256 implementation
(reference/gateways.md §2; Python standard library only): the signed
headers as listed (names and values lowercased), the SHA-256 of the exact
body bytes, a credential scope of the UTC date of X-TC-Timestamp and service
"sms", X-TC-Timestamp within 5 minutes, the key chain TC3+key -> date ->
service -> tc3_request.

Errors come back as Tencent sends them, with HTTP 200:
    {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
     "Message": ...}, "RequestId": ...}}
(AuthFailure.SecretIdNotFound for an unknown SecretId,
AuthFailure.SignatureExpire for an old timestamp).  A correct request gets
the next answer of the plan, else one SendStatusSet entry per number with
Code "Ok" and a SerialNo.

The plan is a JSON list of answers used once each, in order:
    {"code": "InvalidParameterValue.IncorrectPhoneNumber"}  per-number Code
    {"error": "FailedOperation.InsufficientBalanceInSmsPackage"} request-level
    {"status": 503, "body": "<html>busy</html>"}              sent as it is

Every request is appended to FILE.jsonl as one JSON line:
    {"n", "t", "method", "path", "headers", "body", "json": the parsed body,
     "verdict": "Ok" or a code, "status", "answer"}

Stops on SIGTERM/SIGINT, and by itself after --max-seconds (default 600).
"""

import hashlib
import hmac
import json
import sys
import time
import uuid
from datetime import datetime, timezone

import mockbase


class Reject(Exception):
    def __init__(self, code, message):
        super().__init__(code)
        self.code, self.message = code, message


def hmac256(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class Checker:
    """The vendor's side of TC3-HMAC-SHA256; raises Reject on a failure."""

    def __init__(self, secret_id, secret_key, app_id):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.app_id = app_id

    def auth(self, headers, body):
        auth = headers.get("authorization", "")
        if not auth.startswith("TC3-HMAC-SHA256 "):
            raise Reject("AuthFailure.SignatureFailure",
                         "The signature algorithm is not TC3-HMAC-SHA256.")
        fields = dict(f.strip().split("=", 1) for f in
                      auth[len("TC3-HMAC-SHA256 "):].split(","))
        cred = fields.get("Credential", "").split("/")
        if len(cred) != 4 or cred[3] != "tc3_request":
            raise Reject("AuthFailure.SignatureFailure",
                         "The Credential is malformed.")
        sid, date, service = cred[0], cred[1], cred[2]
        if sid != self.secret_id:
            raise Reject("AuthFailure.SecretIdNotFound",
                         "The SecretId is not found, please ensure that your "
                         "SecretId is correct.")
        try:
            ts = int(headers.get("x-tc-timestamp", ""))
        except ValueError:
            raise Reject("MissingParameter",
                         "The request is missing a required parameter "
                         "`X-TC-Timestamp`.")
        if abs(time.time() - ts) > 300:
            raise Reject("AuthFailure.SignatureExpire",
                         "Signature expire. Server Time: %s" %
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        utc = datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d")
        if date != utc or service != "sms":
            raise Reject("AuthFailure.SignatureFailure",
                         "The provided credentials could not be validated "
                         "because of exceeding request date.")
        signed = fields.get("SignedHeaders", "").split(";")
        if "content-type" not in signed or "host" not in signed:
            raise Reject("AuthFailure.SignatureFailure",
                         "content-type and host must be signed.")
        canon = "\n".join([
            "POST", "/", "",
            "".join("%s:%s\n" % (h, headers.get(h, "").strip().lower())
                    for h in signed),
            ";".join(signed), hashlib.sha256(body).hexdigest()])
        sts = "TC3-HMAC-SHA256\n%d\n%s/%s/tc3_request\n%s" % (
            ts, date, service, hashlib.sha256(canon.encode()).hexdigest())
        k = hmac256(hmac256(hmac256(("TC3" + self.secret_key).encode(), date),
                            service), "tc3_request")
        want = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, fields.get("Signature", "")):
            raise Reject("AuthFailure.SignatureFailure",
                         "The provided credentials could not be validated. "
                         "Please check your signature is correct.")

    def request(self, headers, body):
        """The SendSms request itself; returns the parsed body."""
        if headers.get("x-tc-action") != "SendSms" or \
           headers.get("x-tc-version") != "2021-01-11":
            raise Reject("InvalidAction",
                         "The action or version is not supported.")
        if not headers.get("x-tc-region"):
            raise Reject("MissingParameter",
                         "The request is missing a required parameter "
                         "`Region`.")
        try:
            req = json.loads(body.decode("utf-8"))
        except ValueError:
            raise Reject("InvalidParameter", "The body is not JSON.")
        for k in ("PhoneNumberSet", "SmsSdkAppId", "TemplateId", "SignName"):
            if not req.get(k):
                raise Reject("MissingParameter",
                             "The request is missing a required parameter "
                             "`%s`." % k)
        if req["SmsSdkAppId"] != self.app_id:
            raise Reject("UnauthorizedOperation.SmsSdkAppIdVerifyFail",
                         "SmsSdkAppId verify failed.")
        params = req.get("TemplateParamSet", [])
        if not isinstance(params, list) or \
           not all(isinstance(p, str) for p in params):
            raise Reject("InvalidParameterValue.TemplateParameterFormatError",
                         "TemplateParamSet must be a list of strings.")
        return req


class Handler(mockbase.Handler):
    server_version = "mock_tencent/1"

    def do_POST(self):
        t = time.time()
        body = self.read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        srv = self.server
        rid = str(uuid.uuid4())
        req = None
        try:
            srv.checker.auth(headers, body)
            req = srv.checker.request(headers, body)
            status, value, verdict = self.planned(req, rid)
        except Reject as r:
            status, verdict = 200, r.code
            value = {"Response": {"Error": {"Code": r.code,
                                            "Message": r.message},
                                  "RequestId": rid}}
        srv.log.append({"t": t, "method": self.command, "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": body.decode("utf-8", "replace"), "json": req,
                        "verdict": verdict, "status": status,
                        "answer": value})
        self.answer(status, value)

    def planned(self, req, rid):
        a, sent = self.server.next_planned({})
        serial = "2028:%d%010d" % (int(time.time()), sent)
        if "body" in a:
            return a.get("status", 200), a["body"], "planned"
        if "error" in a:
            return 200, {"Response": {"Error": {
                "Code": a["error"], "Message": a.get("message", a["error"])},
                "RequestId": rid}}, a["error"]
        code = a.get("code", "Ok")
        ok = code == "Ok"
        entries = [{"SerialNo": serial if ok else "", "PhoneNumber": p,
                    "Fee": 1 if ok else 0,
                    "SessionContext": req.get("SessionContext", ""),
                    "Code": code,
                    "Message": "send success" if ok else
                               a.get("message", code),
                    "IsoCode": "CN"} for p in req["PhoneNumberSet"]]
        return 200, {"Response": {"SendStatusSet": entries,
                                  "RequestId": rid}}, code


def main():
    args, server = mockbase.setup(
        "mock Tencent Cloud SMS", Handler,
        ["--secret-id", "--secret-key", "--app-id"], plan=True)
    server.checker = Checker(args.secret_id, args.secret_key, args.app_id)
    return mockbase.serve(server, args, "mock_tencent")


if __name__ == "__main__":
    sys.exit(main())
