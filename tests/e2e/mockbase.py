"""mockbase - what the mock gateways of the huigao end-to-end tests share
(mock_aliyun.py, mock_tencent.py, mock_twilio.py, mock_wechat.py, mockgw.py).

    import mockbase

    class Handler(mockbase.Handler):      # HTTP/1.1 keep-alive, TCP_NODELAY,
        server_version = "mock_x/1"       # quiet, read_body(), answer()
        def do_POST(self):
            ...
            self.server.log.append({...})  # one JSON line, numbered "n"
            self.answer(200, {...})

    def main():
        args, server = mockbase.setup("mock X", Handler, ["--key"], plan=True)
        server.key = args.key
        return mockbase.serve(server, args, "mock_x")

setup() parses --port, --log, --max-seconds and the mock's own options, and
makes the server: a log (JsonLog) at --log, a lock, the plan of --plan and
next_planned().  serve() writes the port it got to LOG.port (atomically,
once listening) and serves until SIGTERM/SIGINT or --max-seconds.
Standard library only.
"""

import argparse
import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonLog:
    """Appends one JSON line per entry to a file, flushed per line, each
    numbered "n" from 1; thread-safe."""

    def __init__(self, path):
        self.lock = threading.Lock()
        self.file = open(path, "a", encoding="utf-8")
        self.n = 0

    def append(self, entry):
        with self.lock:
            self.n += 1
            entry["n"] = self.n
            self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.file.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as real gateways do
    # Headers and body go out in two writes; without TCP_NODELAY the body
    # waits for the client's delayed ACK (40 ms) on every keep-alive request.
    disable_nagle_algorithm = True
    content_type = "application/json"
    ensure_ascii = False            # how answer() serialises a JSON value

    def log_message(self, fmt, *args):
        pass

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def answer(self, status, value, headers=None):
        """Send a JSON value (a str is sent as it is) with extra headers."""
        data = (value if isinstance(value, str) else
                json.dumps(value, ensure_ascii=self.ensure_ascii)).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", self.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The default listen backlog of 5 drops SYNs when a daemon opens its
    # max_in_flight connections at once; the client then retries after 1, 3,
    # 7 s... which looks like a slow daemon.
    request_queue_size = 256
    sent = 0                        # requests that asked the plan so far

    def next_planned(self, default=None):
        """The next answer of the plan (default once it is used up), and
        how many requests have asked for one, this one included."""
        with self.lock:
            self.sent += 1
            return (self.plan.pop(0) if self.plan else default), self.sent

    def handle_error(self, request, client_address):
        # A client that goes away mid-answer (e.g. a daemon killed with -9)
        # is part of the tests, not an error worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def arguments(description):
    """An argument parser with the options every mock takes."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--port", type=int, default=0,
                    help="port on 127.0.0.1 (0 = any free one)")
    ap.add_argument("--log", required=True, help="request log (JSON lines)")
    ap.add_argument("--max-seconds", type=float, default=600)
    return ap


def setup(description, handler, required=(), plan=False, more=(),
          cls=Server):
    """Parse the command line: --port, --log, --max-seconds, the required
    string options, --plan (a JSON list, default []) when plan is true, and
    more (pairs of an option and its add_argument keywords).  Returns the
    arguments and a cls on 127.0.0.1:--port serving handler, with a JsonLog
    at --log as its log, a lock, and the plan."""
    ap = arguments(description)
    for name in required:
        ap.add_argument(name, required=True)
    if plan:
        ap.add_argument("--plan", default="[]")
    for name, kw in more:
        ap.add_argument(name, **kw)
    args = ap.parse_args()
    server = cls(("127.0.0.1", args.port), handler)
    server.log = JsonLog(args.log)
    server.lock = threading.Lock()
    server.plan = json.loads(args.plan) if plan else []
    return args, server


def write_port_file(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, path)


def serve(server, args, name):
    """Announce the port in args.log + ".port", serve until SIGTERM/SIGINT
    or args.max_seconds; returns the exit status (0)."""
    write_port_file(args.log + ".port", server.server_address[1])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever,
                     kwargs={"poll_interval": 0.1}, daemon=True).start()
    if not stop.wait(args.max_seconds):
        sys.stderr.write("%s: --max-seconds %g reached, exiting\n"
                         % (name, args.max_seconds))
    server.shutdown()
    server.server_close()
    return 0
