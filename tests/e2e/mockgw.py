#!/usr/bin/env python3
"""mockgw - a mock webhook gateway for the huigao end-to-end tests.

    mockgw.py --port PORT --log FILE.jsonl [--plan JSON] [--max-seconds N]

Listens on 127.0.0.1:PORT (0 = any free port) and writes the port it got to
FILE.jsonl.port (atomically, once listening).  Every POST to a path that does
not start with /_ is appended to FILE.jsonl as one JSON line

    {"n": 1, "t": 1717207200.123, "method": "POST", "path": "/send",
     "headers": {...}, "body": "<raw body>", "json": <parsed body or null>,
     "answer": <status, or "reset">}

and answered from the plan: a FIFO list of responses, then the default
response once the list is empty.  A response is

    {"status": 200, "headers": {...}, "body": "...", "delay": 0.5, "reset": false}

("body" may also be a JSON value, sent serialised; "delay" sleeps before
answering; "reset" closes the connection with a TCP RST instead of answering).

Control endpoints (never logged):
    POST /_plan      {"responses": [...], "default": {...}} replaces the plan
                     (the default is kept when "default" is absent)
    GET  /_plan      the current plan
    GET  /_requests  the JSON list of logged requests
    GET  /_health    200

Stops on SIGTERM/SIGINT, and by itself after --max-seconds (default 600).
Standard library only.
"""

import json
import socket
import struct
import sys
import threading
import time

import mockbase

DEFAULT_RESPONSE = {"status": 200, "body": '{"ok":true}'}


class Plan:
    """The FIFO of planned responses and the default; thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.responses = []
        self.default = dict(DEFAULT_RESPONSE)

    def replace(self, spec):
        if isinstance(spec, list):
            spec = {"responses": spec}
        if not isinstance(spec, dict):
            raise ValueError("a plan is a JSON object")
        responses = spec.get("responses", [])
        default = spec.get("default")
        if not isinstance(responses, list):
            raise ValueError('"responses" must be a list')
        for r in responses + ([default] if default is not None else []):
            check_response(r)
        with self.lock:
            self.responses = list(responses)
            if default is not None:
                self.default = dict(default)

    def next(self):
        with self.lock:
            if self.responses:
                return self.responses.pop(0)
            return self.default

    def snapshot(self):
        with self.lock:
            return {"responses": list(self.responses),
                    "default": dict(self.default)}


def check_response(r):
    if not isinstance(r, dict):
        raise ValueError("a response is a JSON object")
    status = r.get("status", 200)
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise ValueError("bad status: %r" % (status,))
    if not isinstance(r.get("headers", {}), dict):
        raise ValueError('"headers" must be an object')
    if not isinstance(r.get("delay", 0), (int, float)):
        raise ValueError('"delay" must be a number')


class RequestLog:
    """Appends one JSON line per request to the log file, flushed per line."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")
        self.entries = []

    def append(self, entry):
        with self.lock:
            entry["n"] = len(self.entries) + 1
            self.entries.append(entry)
            self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.file.flush()

    def all(self):
        with self.lock:
            return list(self.entries)


class Handler(mockbase.Handler):
    server_version = "mockgw/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("mockgw: " + (fmt % args) + "\n")

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def answer(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        self.send_response(status)
        names = {k.lower() for k in (headers or {})}
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        if "content-type" not in names:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def answer_json(self, status, value):
        self.answer(status, json.dumps(value, ensure_ascii=False))

    def reset(self):
        """Close the connection abruptly: a TCP RST, no HTTP answer."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def do_GET(self):
        if self.path == "/_health":
            self.answer_json(200, {"ok": True})
        elif self.path == "/_requests":
            self.answer_json(200, self.server.log.all())
        elif self.path == "/_plan":
            self.answer_json(200, self.server.plan.snapshot())
        else:
            self.do_POST()	# a GET gateway (Kannel's sendsms): logged and planned

    def do_POST(self):
        t = time.time()
        raw = self.read_body() if self.command != "GET" else b""
        if self.path.startswith("/_"):
            return self.control(raw)
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        response = self.server.plan.next()
        self.server.log.append({
            "t": t, "method": self.command, "path": self.path,
            "headers": dict(self.headers.items()), "body": text,
            "json": parsed,
            "answer": "reset" if response.get("reset") or
                      response.get("partial") else
                      response.get("status", 200)})
        self.respond(response)

    do_PUT = do_POST

    def respond(self, r):
        delay = r.get("delay", 0)
        if delay:
            time.sleep(delay)
        if r.get("reset"):
            return self.reset()
        if r.get("partial"):
            # headers and part of the body, then a TCP RST: a reset
            # in the middle of the response
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json"
                             b"\r\nContent-Length: 1000\r\n\r\n{\"ok\":")
            self.wfile.flush()
            time.sleep(0.05)
            return self.reset()
        body = r.get("body", "")
        if not isinstance(body, str):
            body = json.dumps(body, ensure_ascii=False)
        self.answer(r.get("status", 200), body, r.get("headers"))

    def control(self, raw):
        if self.path != "/_plan":
            return self.answer_json(404, {"error": "not found"})
        try:
            self.server.plan.replace(json.loads(raw.decode("utf-8")))
        except ValueError as e:
            return self.answer_json(400, {"error": str(e)})
        self.answer_json(200, {"ok": True})


def main():
    ap = mockbase.arguments("mock webhook gateway")
    ap.add_argument("--plan", help="initial plan, JSON")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--tls-cert", help="serve HTTPS with this certificate")
    ap.add_argument("--tls-key", help="and this key")
    args = ap.parse_args()

    plan = Plan()
    if args.plan:
        try:
            plan.replace(json.loads(args.plan))
        except ValueError as e:
            sys.exit("mockgw: bad --plan: %s" % e)

    server = mockbase.Server(("127.0.0.1", args.port), Handler)
    if args.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.plan = plan
    server.log = RequestLog(args.log)
    server.verbose = args.verbose
    return mockbase.serve(server, args, "mockgw")


if __name__ == "__main__":
    sys.exit(main())
