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

import argparse
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


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


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mock_tencent/1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, value):
        data = (value if isinstance(value, str)
                else json.dumps(value, ensure_ascii=False)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        t = time.time()
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
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
        srv.record({"t": t, "method": self.command, "path": self.path,
                    "headers": dict(self.headers.items()),
                    "body": body.decode("utf-8", "replace"), "json": req,
                    "verdict": verdict, "status": status, "answer": value})
        self.answer(status, value)

    def planned(self, req, rid):
        srv = self.server
        with srv.lock:
            a = srv.plan.pop(0) if srv.plan else {}
            srv.sent += 1
            serial = "2028:%d%010d" % (int(time.time()), srv.sent)
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


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def record(self, entry):
        with self.lock:
            entry["n"] = self.n = self.n + 1
            self.logf.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.logf.flush()


def main():
    ap = argparse.ArgumentParser(description="mock Tencent Cloud SMS")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret-id", required=True)
    ap.add_argument("--secret-key", required=True)
    ap.add_argument("--app-id", required=True)
    ap.add_argument("--plan", default="[]")
    ap.add_argument("--max-seconds", type=float, default=600)
    args = ap.parse_args()

    server = Server(("127.0.0.1", args.port), Handler)
    server.checker = Checker(args.secret_id, args.secret_key, args.app_id)
    server.plan = json.loads(args.plan)
    server.lock = threading.Lock()
    server.sent = server.n = 0
    server.logf = open(args.log, "a", encoding="utf-8")
    tmp = "%s.port.tmp.%d" % (args.log, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.log + ".port")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever,
                     kwargs={"poll_interval": 0.1}, daemon=True).start()
    stop.wait(args.max_seconds)
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
