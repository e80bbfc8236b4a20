#!/usr/bin/env python3
"""mock_aliyun - a mock Alibaba Cloud SMS (dysmsapi SendSms) for the huigao
end-to-end tests.

    mock_aliyun.py --port PORT --log FILE.jsonl --key-id ID --secret SECRET
                   [--plan JSON] [--max-seconds N]

Listens on 127.0.0.1:PORT (0 = any free port) and writes the port it got to
FILE.jsonl.port (atomically, once listening).  Every request is checked the
way the vendor checks it, with its own implementation of both signatures
(reference/gateways.md §1; Python standard library only, nothing shared
with the C code):

  ACS3-HMAC-SHA256   Authorization header, x-acs-* headers signed, the
                     x-acs-content-sha256 of the body, x-acs-date within
                     15 minutes, the nonce never seen before;
  RPC HMAC-SHA1      every parameter (query and form body), key secret + "&".

A wrong signature is answered as Alibaba answers it: HTTP 400
{"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not
matched with our calculation. server string to sign is:..."}; an unknown
AccessKeyId HTTP 404 InvalidAccessKeyId.NotFound; an old date HTTP 400
InvalidTimeStamp.Expired; a reused nonce SignatureNonceUsed.  A correct
request gets the next answer of the plan, else success:
{"Code": "OK", "Message": "OK", "BizId": "<n>^0", "RequestId": ...}.

The plan is a JSON list of answers used once each, in order:
    {"code": "isv.AMOUNT_NOT_ENOUGH", "message": "...", "status": 200}
    {"status": 503, "body": "<html>busy</html>"}   (sent as it is)

Every request is appended to FILE.jsonl as one JSON line:
    {"n", "t", "method", "path", "headers", "body", "style": "v3"|"v2",
     "params": {business and common parameters}, "verdict": "OK" or a code,
     "status": HTTP status, "answer": the answer's JSON (or text)}

Stops on SIGTERM/SIGINT, and by itself after --max-seconds (default 600).
"""

import base64
import calendar
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.parse
import uuid

import mockbase


def pct(s):
    """percentEncode: RFC 3986 unreserved kept, uppercase hex, %20."""
    return urllib.parse.quote(s, safe="-_.~")


def canonical_query(params):
    return "&".join("%s=%s" % (pct(k), pct(v))
                    for k, v in sorted(params.items(),
                                       key=lambda kv: pct(kv[0])))


def parse_pairs(s):
    return dict(urllib.parse.parse_qsl(s, keep_blank_values=True))


class Checker:
    """The vendor's side of both signatures; raises Reject on a failure."""

    def __init__(self, key_id, secret):
        self.key_id = key_id
        self.secret = secret
        self.nonces = set()
        self.lock = threading.Lock()

    def fresh(self, date, nonce):
        try:
            t = calendar.timegm(time.strptime(date, "%Y-%m-%dT%H:%M:%SZ"))
        except ValueError:
            raise Reject(400, "InvalidTimeStamp.Format",
                         "Specified time stamp or date value is not well "
                         "formatted.")
        if abs(time.time() - t) > 15 * 60:
            raise Reject(400, "InvalidTimeStamp.Expired",
                         "Specified time stamp or date value is expired.")
        with self.lock:
            if nonce in self.nonces:
                raise Reject(400, "SignatureNonceUsed",
                             "Specified signature nonce was used already.")
            self.nonces.add(nonce)

    def key(self, key_id):
        if key_id != self.key_id:
            raise Reject(404, "InvalidAccessKeyId.NotFound",
                         "Specified access key is not found.")

    def v3(self, method, path, query, headers, body):
        """ACS3-HMAC-SHA256; returns the business parameters."""
        auth = headers.get("authorization", "")
        fields = dict(f.split("=", 1) for f in
                      auth[len("ACS3-HMAC-SHA256 "):].split(","))
        self.key(fields.get("Credential"))
        signed = fields.get("SignedHeaders", "").split(";")
        if signed != sorted(signed):
            raise Reject(400, "SignatureDoesNotMatch",
                         "SignedHeaders must be sorted")
        for need in ("host", "x-acs-action", "x-acs-version", "x-acs-date",
                     "x-acs-signature-nonce", "x-acs-content-sha256"):
            if need not in signed or headers.get(need) is None:
                raise Reject(400, "MissingParameter",
                             "header %s is missing or not signed" % need)
        if headers["x-acs-content-sha256"] != hashlib.sha256(body).hexdigest():
            raise Reject(400, "SignatureDoesNotMatch",
                         "x-acs-content-sha256 is not the body's SHA-256")
        canon = "\n".join([
            method, path or "/", canonical_query(query),
            "".join("%s:%s\n" % (h, headers.get(h, "").strip())
                    for h in signed),
            ";".join(signed), hashlib.sha256(body).hexdigest()])
        sts = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canon.encode()).hexdigest()
        want = hmac.new(self.secret.encode(), sts.encode(),
                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, fields.get("Signature", "")):
            raise Reject(400, "SignatureDoesNotMatch",
                         "Specified signature is not matched with our "
                         "calculation. server string to sign is:" + sts)
        self.fresh(headers["x-acs-date"], headers["x-acs-signature-nonce"])
        if headers["x-acs-action"] != "SendSms" or \
           headers["x-acs-version"] != "2017-05-25":
            raise Reject(400, "InvalidAction.NotFound",
                         "Specified api is not found.")
        params = dict(query)
        if body:
            params.update(parse_pairs(body.decode()))
        return params

    def v2(self, method, params):
        """RPC HMAC-SHA1 over every parameter; returns them."""
        params = dict(params)
        sig = params.pop("Signature", "")
        self.key(params.get("AccessKeyId"))
        for need in ("Timestamp", "SignatureNonce", "SignatureMethod",
                     "SignatureVersion", "Action", "Version"):
            if need not in params:
                raise Reject(400, "MissingParameter",
                             "%s is mandatory for this action." % need)
        sts = method + "&%2F&" + pct(canonical_query(params))
        want = base64.b64encode(hmac.new((self.secret + "&").encode(),
                                         sts.encode(),
                                         hashlib.sha1).digest()).decode()
        if not hmac.compare_digest(want, sig):
            raise Reject(400, "SignatureDoesNotMatch",
                         "Specified signature is not matched with our "
                         "calculation. server string to sign is:" + sts)
        self.fresh(params["Timestamp"], params["SignatureNonce"])
        if params["Action"] != "SendSms" or params["Version"] != "2017-05-25":
            raise Reject(400, "InvalidAction.NotFound",
                         "Specified api is not found.")
        return params


class Reject(Exception):
    def __init__(self, status, code, message):
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


def check_business(p):
    """The SendSms parameters the vendor insists on."""
    for need in ("PhoneNumbers", "SignName", "TemplateCode"):
        if not p.get(need):
            raise Reject(400, "Missing" + need,
                         "%s is mandatory for this action." % need)
    if not p["PhoneNumbers"].lstrip("+").isdigit():
        raise Reject(200, "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
    if "TemplateParam" in p:
        try:
            if not isinstance(json.loads(p["TemplateParam"]), dict):
                raise ValueError
        except ValueError:
            raise Reject(200, "isv.INVALID_JSON_PARAM", "JSON参数不合法")


class Handler(mockbase.Handler):
    server_version = "mock_aliyun/1"
    content_type = "application/json;charset=utf-8"

    def do_POST(self):
        t = time.time()
        body = self.read_body()
        url = urllib.parse.urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        query = parse_pairs(url.query)
        srv = self.server
        rid = str(uuid.uuid4()).upper()
        style = "v3" if headers.get("authorization", "").startswith(
            "ACS3-HMAC-SHA256 ") else "v2"
        params = {}
        try:
            if style == "v3":
                params = srv.checker.v3(self.command, url.path, query,
                                        headers, body)
            else:
                form = parse_pairs(body.decode()) if body else {}
                params = srv.checker.v2(self.command, {**query, **form})
            check_business(params)
            status, value, verdict = self.planned(rid)
        except Reject as r:
            status, verdict = r.status, r.code
            value = {"RequestId": rid, "HostId": "dysmsapi.aliyuncs.com",
                     "Code": r.code, "Message": r.message,
                     "Recommend": "https://api.aliyun.com/troubleshoot?q=%s"
                                  "&product=Dysmsapi" % r.code}
        srv.log.append({"t": t, "method": self.command, "path": self.path,
                        "headers": dict(self.headers.items()),
                        "body": body.decode("utf-8", "replace"),
                        "style": style, "params": params, "verdict": verdict,
                        "status": status, "answer": value})
        self.answer(status, value)

    do_GET = do_POST

    def planned(self, rid):
        a, sent = self.server.next_planned()
        biz = "%d%06d^0" % (int(time.time()), sent)
        if a is None:
            return 200, {"Code": "OK", "Message": "OK", "BizId": biz,
                         "RequestId": rid}, "OK"
        if "body" in a:
            return a.get("status", 200), a["body"], "planned"
        return a.get("status", 200), {
            "RequestId": rid, "Code": a["code"],
            "Message": a.get("message", a["code"])}, a["code"]


def main():
    args, server = mockbase.setup("mock Alibaba Cloud SMS", Handler,
                                  ["--key-id", "--secret"], plan=True)
    server.checker = Checker(args.key_id, args.secret)
    return mockbase.serve(server, args, "mock_aliyun")


if __name__ == "__main__":
    sys.exit(main())
