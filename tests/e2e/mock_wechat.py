#!/usr/bin/env python3
"""mock_wechat - a mock WeChat official-account API for the huigao e2e tests.

    mock_wechat.py --port PORT --log FILE.jsonl --app-id ID --app-secret S
                   [--expires-in SECONDS] [--max-seconds N]

Listens on 127.0.0.1:PORT (0 = any free port) and writes the port it got to
FILE.jsonl.port (atomically, once listening).  It speaks the two calls
huigao's wechat adapter makes:

  GET  /cgi-bin/token?grant_type=client_credential&appid=ID&secret=S
       -> {"access_token": "tok-<n>-<random>", "expires_in": SECONDS}, or
          {"errcode": 40013, ...} for another appid, {"errcode": 40001, ...}
          for a wrong secret, {"errcode": 40002, ...} for a wrong grant_type.
          Earlier tokens stay valid until their own expiry, as WeChat's do
          for a while after a new one is issued.
  POST /cgi-bin/message/template/send?access_token=T
       -> checks that T is a token it issued and that has not expired:
          {"errcode": 42001, ...} when it expired, {"errcode": 40001, ...}
          when it is unknown or was expired on command; then that the body
          is a template message (touser, template_id, data of {"value": s});
          then answers from the plan (FIFO of answers) or
          {"errcode": 0, "errmsg": "ok", "msgid": <n>}.

Every call is appended to FILE.jsonl as one JSON line (the secret redacted):

    {"n": 1, "t": 1717207200.1, "kind": "token" | "send", "token": "...",
     "valid": true, "json": <body or null>, "answer": {...}}

Control endpoints (never logged):
    POST /_expire    every token issued so far stops being valid
    POST /_plan      {"answers": [{"errcode": 43004, "errmsg": "..."}, ...]}
                     answers for the next sends that carry a valid token
    GET  /_state     {"fetches": n, "sends": n, "ok": n, "refused": n,
                      "valid_tokens": n}
    GET  /_health    200

Stops on SIGTERM/SIGINT, and by itself after --max-seconds (default 600).
Standard library only.
"""

import json
import secrets
import sys
import threading
import time
from urllib.parse import parse_qs, urlsplit

import mockbase


class State:
    """Tokens, counters, the plan and the log; thread-safe."""

    def __init__(self, args, log):
        self.lock = threading.Lock()
        self.app_id = args.app_id
        self.app_secret = args.app_secret
        self.expires_in = args.expires_in
        self.tokens = {}            # token -> monotonic expiry
        self.revoked = set()
        self.plan = []
        self.counts = {"fetches": 0, "sends": 0, "ok": 0, "refused": 0}
        self.msgid = 1000
        self.log = log

    def record(self, entry):
        entry["t"] = time.time()
        self.log.append(entry)

    def issue(self, query):
        """The answer to a token request."""
        q = {k: v[0] for k, v in parse_qs(query).items()}
        if q.get("grant_type") != "client_credential":
            return {"errcode": 40002, "errmsg": "invalid grant_type"}
        if q.get("appid") != self.app_id:
            return {"errcode": 40013, "errmsg": "invalid appid"}
        if q.get("secret") != self.app_secret:
            return {"errcode": 40001, "errmsg": "invalid credential, "
                    "access_token is invalid or not latest"}
        with self.lock:
            self.counts["fetches"] += 1
            tok = "tok-%d-%s" % (self.counts["fetches"], secrets.token_hex(8))
            self.tokens[tok] = time.monotonic() + self.expires_in
        return {"access_token": tok, "expires_in": self.expires_in}

    def token_state(self, tok):
        """None if tok is valid, else the errcode answer."""
        with self.lock:
            exp = self.tokens.get(tok)
            if exp is None or tok in self.revoked:
                return {"errcode": 40001, "errmsg": "invalid credential, "
                        "access_token is invalid or not latest"}
            if time.monotonic() >= exp:
                return {"errcode": 42001, "errmsg": "access_token expired"}
        return None

    def expire_all(self):
        with self.lock:
            self.revoked.update(self.tokens)

    def valid_tokens(self):
        now = time.monotonic()
        with self.lock:
            return sum(1 for t, e in self.tokens.items()
                       if e > now and t not in self.revoked)

    def next_answer(self):
        with self.lock:
            if self.plan:
                return dict(self.plan.pop(0))
            self.msgid += 1
            return {"errcode": 0, "errmsg": "ok", "msgid": self.msgid}


def check_template(body):
    """None if body is a template message, else why not."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    for k in ("touser", "template_id"):
        if not isinstance(body.get(k), str) or not body[k]:
            return "no %s" % k
    data = body.get("data")
    if not isinstance(data, dict) or not data:
        return "no data"
    for k, v in data.items():
        if not isinstance(v, dict) or not isinstance(v.get("value"), str):
            return "data.%s is not {\"value\": string}" % k
    return None


class Handler(mockbase.Handler):
    server_version = "mock_wechat/1"
    content_type = "application/json; charset=utf-8"

    def do_GET(self):
        st = self.server.state
        u = urlsplit(self.path)
        if u.path == "/_health":
            self.answer(200, {"ok": True})
        elif u.path == "/_state":
            s = dict(st.counts)
            s["valid_tokens"] = st.valid_tokens()
            self.answer(200, s)
        elif u.path == "/cgi-bin/token":
            answer = st.issue(u.query)
            st.record({"kind": "token",
                       "query": u.query.replace(st.app_secret, "***"),
                       "answer": answer})
            self.answer(200, answer)
        else:
            self.answer(404, {"errcode": 404, "errmsg": "not found"})

    def do_POST(self):
        st = self.server.state
        u = urlsplit(self.path)
        raw = self.read_body()
        if u.path == "/_expire":
            st.expire_all()
            self.answer(200, {"ok": True})
            return
        if u.path == "/_plan":
            plan = json.loads(raw or b"{}")
            with st.lock:
                st.plan = list(plan.get("answers", []))
            self.answer(200, {"ok": True})
            return
        if u.path != "/cgi-bin/message/template/send":
            self.answer(404, {"errcode": 404, "errmsg": "not found"})
            return
        tok = parse_qs(u.query).get("access_token", [""])[0]
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = None
        bad = st.token_state(tok)
        if bad is None:
            why = check_template(body)
            if b"\\u" in raw:
                why = "\\uXXXX escapes"
            bad = {"errcode": 47001, "errmsg": why} if why else None
        answer = bad if bad is not None else st.next_answer()
        with st.lock:
            st.counts["sends"] += 1
            st.counts["ok" if answer.get("errcode") == 0 else "refused"] += 1
        st.record({"kind": "send", "token": tok,
                   "valid": bad is None, "json": body, "answer": answer})
        self.answer(200, answer)


def main():
    args, srv = mockbase.setup(
        "mock WeChat official-account API", Handler,
        ["--app-id", "--app-secret"],
        more=[("--expires-in", {"type": int, "default": 7200})])
    srv.state = State(args, srv.log)
    return mockbase.serve(srv, args, "mock_wechat")


if __name__ == "__main__":
    sys.exit(main())
