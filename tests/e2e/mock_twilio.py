#!/usr/bin/env python3
"""mock_twilio - a mock of Twilio's Messages API for the huigao e2e tests.

    mock_twilio.py --log FILE.jsonl --account-sid AC... --auth-token-file F
                   [--port PORT] [--callbacks] [--max-seconds N]

Listens on 127.0.0.1:PORT (0 = any free port) and writes the port it got to
FILE.jsonl.port (atomically, once listening).  It answers

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json

as Twilio does (reference/gateways.md 3): HTTP basic auth with the account
SID and auth token, checked independently of huigao; a wrong or missing one
gets 401 with Twilio's error 20003 ("Authenticate") and a WWW-Authenticate
header; a path SID other than the authenticated one gets 404 (20404).  The
form must carry To (E.164, else 400 / 21211), From or MessagingServiceSid
(else 21603) and Body (else 21602; over 1600 characters 21617).  Success is
201 with a Message resource: sid "SM" + 32 hex digits, status "queued"
("accepted" with a messaging service), num_segments, error_code null.

Every request to the API is appended to FILE.jsonl as one JSON line

    {"n": 1, "t": ..., "method": "POST", "path": ..., "headers": {...},
     "auth": "ok" | "wrong" | "missing", "form": {name: value, ...},
     "answer": 201, "code": null | 20003 | ..., "sid": "SM..." | null}

With --callbacks, each created message with a StatusCallback is followed by
two callbacks to it, MessageStatus "sent" then "delivered", form-encoded and
signed with X-Twilio-Signature (HMAC-SHA1 over the URL and the sorted
parameters, base64), as Twilio sends them; their HTTP status is logged as
{"callback": URL, "status": "delivered", "answer": 200}.

Stops on SIGTERM/SIGINT, and by itself after --max-seconds (default 600).
Standard library only.
"""

import base64
import hashlib
import hmac
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import mockbase

PATH = re.compile(r"^/2010-04-01/Accounts/([^/]+)/Messages\.json$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def twilio_error(code, status, message):
    return {"code": code, "message": message,
            "more_info": "https://www.twilio.com/docs/errors/%d" % code,
            "status": status}


def signature(token, url, params):
    """X-Twilio-Signature, as twilio-python's RequestValidator computes it."""
    data = url + "".join(k + v for k, v in sorted(params))
    mac = hmac.new(token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")


def segments(body):
    """UCS-2 segments (every huigao text has 【】): 70, then 67 per part."""
    units = len(body.encode("utf-16-be")) // 2
    return 1 if units <= 70 else -(-units // 67)


class Handler(mockbase.Handler):
    server_version = "mock_twilio/1"
    content_type = "application/json; charset=utf-8"
    ensure_ascii = True

    def auth(self):
        h = self.headers.get("Authorization", "")
        if not h.startswith("Basic "):
            return "missing"
        try:
            user, _, pw = base64.b64decode(h[6:], validate=True) \
                .decode("utf-8").partition(":")
        except ValueError:
            return "wrong"
        ok_user = hmac.compare_digest(user, self.server.sid)
        ok_pw = hmac.compare_digest(pw, self.server.token)
        return "ok" if ok_user and ok_pw else "wrong"

    def do_GET(self):
        self.answer(405, twilio_error(20004, 405, "Method not allowed"))

    def do_POST(self):
        t = time.time()
        raw = self.read_body()
        pairs = urllib.parse.parse_qsl(raw.decode("utf-8", "replace"),
                                       keep_blank_values=True)
        form = dict(pairs)
        status, value, headers = self.create(form)
        entry = {"t": t, "method": "POST", "path": self.path,
                 "headers": dict(self.headers.items()), "auth": self.auth(),
                 "form": form, "answer": status,
                 "code": value.get("code"), "sid": value.get("sid")}
        self.server.log.append(entry)
        self.answer(status, value, headers)
        if status == 201 and self.server.callbacks and \
                form.get("StatusCallback"):
            threading.Thread(target=self.server.callback,
                             args=(form, value), daemon=True).start()

    def create(self, form):
        m = PATH.match(self.path)
        if m is None:
            return 404, twilio_error(20404, 404, "The requested resource %s "
                                     "was not found" % self.path), None
        if self.auth() != "ok":
            return 401, twilio_error(20003, 401, "Authenticate"), \
                {"WWW-Authenticate": 'Basic realm="Twilio API"'}
        if m.group(1) != self.server.sid:
            return 404, twilio_error(20404, 404, "The requested resource %s "
                                     "was not found" % self.path), None
        ctype = self.headers.get("Content-Type", "")
        if not ctype.startswith("application/x-www-form-urlencoded"):
            return 400, twilio_error(20001, 400, "Content-Type must be "
                                     "form-encoded"), None
        to = form.get("To", "")
        if not E164.match(to):
            return 400, twilio_error(21211, 400, "The 'To' number %s is not "
                                     "a valid phone number." % to), None
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return 400, twilio_error(21603, 400, "A 'From' or "
                                     "'MessagingServiceSid' parameter is "
                                     "required to send a message"), None
        body = form.get("Body", "")
        if not body:
            return 400, twilio_error(21602, 400, "Message body is "
                                     "required."), None
        if len(body) > 1600:
            return 400, twilio_error(21617, 400, "The concatenated message "
                                     "body exceeds the 1600 character "
                                     "limit."), None
        sid = "SM" + secrets.token_hex(16)
        now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
        return 201, {
            "sid": sid, "account_sid": self.server.sid, "to": to,
            "from": form.get("From"), "body": body,
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "status": "accepted" if form.get("MessagingServiceSid")
                      else "queued",
            "num_segments": str(segments(body)), "num_media": "0",
            "direction": "outbound-api", "api_version": "2010-04-01",
            "price": None, "price_unit": "USD", "error_code": None,
            "error_message": None, "date_created": now, "date_sent": None,
            "date_updated": now,
            "uri": "/2010-04-01/Accounts/%s/Messages/%s.json"
                   % (self.server.sid, sid)}, None


class Server(mockbase.Server):
    def callback(self, form, msg):
        """StatusCallback: sent, then delivered, each signed as Twilio does."""
        url = form["StatusCallback"]
        for status in ("sent", "delivered"):
            time.sleep(0.2)
            params = [("AccountSid", self.sid), ("ApiVersion", "2010-04-01"),
                      ("From", form.get("From") or ""),
                      ("MessageSid", msg["sid"]), ("MessageStatus", status),
                      ("SmsSid", msg["sid"]), ("SmsStatus", status),
                      ("To", form["To"])]
            data = urllib.parse.urlencode(params).encode("utf-8")
            req = urllib.request.Request(url, data=data, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature(self.token, url, params),
                "User-Agent": "TwilioProxy/1.1"})
            try:
                with urllib.request.urlopen(req, timeout=5) as r:
                    code = r.status
            except urllib.error.HTTPError as e:
                code = e.code
            except OSError as e:
                code = "error: %s" % e
            self.log.append({"t": time.time(), "callback": url,
                             "status": status, "answer": code})


def main():
    args, server = mockbase.setup(
        "mock Twilio Messages API", Handler,
        ["--account-sid", "--auth-token-file"],
        more=[("--callbacks", {"action": "store_true"})], cls=Server)
    server.sid = args.account_sid
    with open(args.auth_token_file, encoding="utf-8") as f:
        server.token = f.read().strip()
    server.callbacks = args.callbacks
    return mockbase.serve(server, args, "mock_twilio")


if __name__ == "__main__":
    sys.exit(main())
