#!/usr/bin/env python3
"""bench.py - huigao's benchmark: latency, backlog drain, memory and idle CPU.

Run by bench/run.sh (which builds the mock gateway first):

    python3 bench/bench.py --build BUILD --mockgw PATH [--out DIR]

Workloads, each against a fresh database made with `huigaoctl init`, a fresh
mock gateway (bench/mockgw.c) and a fresh huigaod:

  latency  the daemon running and idle; single steps inserted one at a time,
           each its own transaction, at a steady rate from a separate
           process; latency = gateway receive time - step_events.committed_ms.
  sparse   the same, one step every BENCH_SPARSE_GAP_MS (longer than the
           daemon's 5 s fallback poll), so no later commit wakes the daemon.
  drain    BENCH_BACKLOG steps committed in one transaction while no daemon
           runs; then the daemon starts; time to the last gateway receive and
           to every notification 'sent' in the database; every key must
           arrive exactly once.
  memory   idle RSS of a fresh daemon idle for 5 s (latency run, before the
           first step) and after the drain; CPU time over BENCH_IDLE_SECONDS
           of idleness after the drain; peak RSS (VmHWM) just before
           stopping it.
  gammu    the same drain through Gammu SMSD, a peer: gammu-smsd with its
           SQL service on SQLite (libdbi's sqlite3 driver) and Gammu's dummy
           phone driver; BENCH_GAMMU_N messages inserted into its outbox
           table in one transaction, then gammu-smsd started; time until the
           outbox is empty and every message is in sentitems. The ratio of
           the two drain rates (messages per second) is printed and stored.

Environment: BENCH_RUNS (3), BENCH_LATENCY_N (rate x 20 s), BENCH_RATE (50),
BENCH_SPARSE_N (5; 0 skips it), BENCH_SPARSE_GAP_MS (6000),
BENCH_BACKLOG (10000), BENCH_IDLE_SECONDS (10), BENCH_GW_MAX_IN_FLIGHT
(unset: the gateway's default), BENCH_GW_SELFTEST (1; 0 skips measuring the
mock gateway alone), BENCH_GW_SECONDS (5), BENCH_GW_CONNS (64),
BENCH_GAMMU (1; 0 skips Gammu SMSD), BENCH_GAMMU_N (1000),
BENCH_GAMMU_JOURNAL (wal: the journal mode of Gammu's database, as huigao's;
"delete" is Gammu's out-of-the-box rollback journal), BENCH_KEEP=1
(keep the work directory), BENCH_COMMIT (the commit measured, recorded
instead of `git rev-parse HEAD`, for a tree exported with `git archive`),
TMPDIR.

Python 3 standard library only. Every wait is bounded in time and count;
every child is killed on exit (and dies with us through PR_SET_PDEATHSIG);
all traffic goes to 127.0.0.1.
"""

import argparse
import collections
import contextlib
import ctypes
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHONE = "13812345678"
CASE_NO = "(2024)冀0724执1234号"
STEP = "ENF_DEPOSIT_FROZEN"
PARAMS = '{"amount":"123456.78"}'
OCCURRED = "2024-06-01 10:00"
KEY_RE = re.compile(r"^hg-(\d+)-(\d+)-sms$")
CLK_TCK = os.sysconf("SC_CLK_TCK")
POLL = 0.05		# seconds between database polls


def env_int(name, default, lo=1, hi=10**7):
    v = os.environ.get(name, "")
    if v == "":
        return default
    try:
        n = int(v)
    except ValueError:
        sys.exit("bench: %s must be an integer, not %r" % (name, v))
    if not lo <= n <= hi:
        sys.exit("bench: %s must be in [%d, %d]" % (name, lo, hi))
    return n


# ---- children ----------------------------------------------------------------

CHILDREN = []
_libc = None


def _pdeathsig():
    """In the child: die with the parent (Linux), so nothing is left behind."""
    try:
        if _libc is not None:
            _libc.prctl(1, signal.SIGKILL)	# PR_SET_PDEATHSIG
    except Exception:
        pass


# the environment systemd/huigaod.service gives the daemon
DAEMON_ENV = dict(os.environ, GNUTLS_NO_IMPLICIT_INIT="1")


def spawn(argv, **kw):
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         preexec_fn=_pdeathsig, **kw)
    CHILDREN.append(p)
    return p


def stop(p, sig=signal.SIGTERM, timeout=15.0):
    """Signal p and wait for it (bounded); SIGKILL when it does not exit."""
    if p.poll() is None:
        try:
            p.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(5)
    if p in CHILDREN:
        CHILDREN.remove(p)
    return p.returncode


def proc_children(pid):
    """The child pids of pid (Linux), for a daemon run under a wrapper."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except (OSError, ValueError):
        return []


def kill_children():
    for p in list(CHILDREN):
        if p.poll() is None:
            for c in proc_children(p.pid):	# a wrapped daemon
                try:
                    os.kill(c, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            p.kill()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                pass
    CHILDREN.clear()


def wait_for(cond, seconds, interval=POLL):
    """Poll cond() until true; False after `seconds` (time and count bound)."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / interval) + 2):
        if cond():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return cond()


# ---- /proc -------------------------------------------------------------------

def proc_status(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def proc_cpu(pid):
    """utime + stime of PID in seconds, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_runtime(pid):
    """Time PID spent on a CPU in seconds, from /proc/PID/schedstat (ns
    resolution, where utime+stime counts 10 ms ticks), or None."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return [float(x) for x in f.read().split()[:3]]
    except OSError:
        return None


# ---- machine -----------------------------------------------------------------

def cmd_out(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return r.stdout.strip() if r.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired):
        return None


def machine():
    model = None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass

    def pc(pkg):
        return cmd_out(["pkg-config", "--modversion", pkg])
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "mem_total_kb": mem,
        "kernel": platform.release(),
        "os": cmd_out(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "sqlite": pc("sqlite3"),
        "sqlite_runtime_python": sqlite3.sqlite_version,
        "libcurl": pc("libcurl"),
        "libevent": pc("libevent"),
        "python": platform.python_version(),
        "loadavg_at_start": loadavg(),
        "git_commit": os.environ.get("BENCH_COMMIT") or
        cmd_out(["git", "-C", ROOT, "rev-parse", "HEAD"]),
        "git_dirty": None if os.environ.get("BENCH_COMMIT") else
        bool(cmd_out(["git", "-C", ROOT, "status", "--porcelain",
                      "--untracked-files=no"])),
    }


def free_port():
    """A free port on 127.0.0.1 for the daemon's status server, so that it
    never takes the default 9277 from another daemon on this machine."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- one workload's setup ------------------------------------------------------

class Setup:
    """A work dir with a mock gateway, a config, a fresh database, a daemon."""

    def __init__(self, args, name):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix="%s." % name, dir=args.work)
        self.db = os.path.join(self.dir, "huigao.db")
        self.conf = os.path.join(self.dir, "huigao.conf")
        self.gw = None
        self.gw_out = os.path.join(self.dir, "gw.out")
        self.daemon = None
        self.daemon_log = os.path.join(self.dir, "huigaod.log")

    # the gateway
    def start_gw(self, lifetime=900):
        portfile = os.path.join(self.dir, "gw.port")
        self.gw_err = open(os.path.join(self.dir, "gw.err"), "w")
        self.gw = spawn([self.args.mockgw, "-P", "0", "-p", portfile,
                         "-o", self.gw_out, "-t", str(lifetime)],
                        stdout=self.gw_err, stderr=self.gw_err)
        if not wait_for(lambda: os.path.exists(portfile) or
                        self.gw.poll() is not None, 10):
            raise RuntimeError("mock gateway did not start")
        if self.gw.poll() is not None:
            raise RuntimeError("mock gateway exited: %s" % open(
                os.path.join(self.dir, "gw.err")).read())
        with open(portfile) as f:
            self.port = int(f.read())
        self.url = "http://127.0.0.1:%d/send" % self.port

    def stop_gw(self):
        """Stop the gateway; its records as a list of (usec, key)."""
        stop(self.gw)
        self.gw_err.close()
        recs = []
        if not wait_for(lambda: os.path.exists(self.gw_out), 10):
            raise RuntimeError("mock gateway wrote no records")
        with open(self.gw_out) as f:
            for line in f:
                usec, _, key = line.rstrip("\n").partition(" ")
                recs.append((int(usec), key))
        return recs

    # config and database
    def write_conf(self):
        d = self.args
        gwx = (" max_in_flight = %d;" % d.gw_max_in_flight
               if d.gw_max_in_flight else "")
        text = (
            'database = "%s";\n'
            'timezone = "Asia/Shanghai";\n'
            'courts = { gy = { name = "沽源县人民法院"; sign = "沽源县人民法院"; }; };\n'
            '@include "%s/config/steps.conf"\n'
            'routes = { sms = [ "hook" ]; };\n'
            'gateways = ( { name = "hook"; type = "webhook"; url = "%s";'
            ' allow_http = true;%s } );\n'
            'delivery = { batch = %d; max_in_flight = %d; };\n'
            'log = { level = "warning"; };\n'
            'status = { listen = "127.0.0.1:%d"; };\n'
            % (self.db, ROOT, self.url, gwx, d.batch, d.max_in_flight,
               free_port()))
        with open(self.conf + ".tmp", "w") as f:
            f.write(text)
        os.rename(self.conf + ".tmp", self.conf)

    def init_db(self):
        r = subprocess.run([self.args.huigaoctl, "-c", self.conf, "init"],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError("huigaoctl init failed: %s%s" %
                               (r.stdout, r.stderr))
        with self.connect() as c:
            c.execute("BEGIN")
            c.execute("INSERT INTO cases(case_no, court) VALUES (?, 'gy')",
                      (CASE_NO,))
            c.execute("INSERT INTO parties(case_id, role, name, phone)"
                      " VALUES (1, 'applicant', '王小明', ?)", (PHONE,))
            c.execute("COMMIT")

    def connect(self):
        """A connection in autocommit mode, closed at the end of `with`."""
        return contextlib.closing(sqlite3.connect(self.db, timeout=10,
                                                  isolation_level=None))

    def prepare(self):
        self.start_gw()
        self.write_conf()
        self.init_db()

    # the daemon
    def start_daemon(self):
        self.daemon_logf = open(self.daemon_log, "a")
        self.daemon = spawn(self.args.wrap + [self.args.huigaod, "-c",
                                              self.conf],
                            stdout=self.daemon_logf,
                            stderr=subprocess.STDOUT, env=DAEMON_ENV)
        return self.daemon

    def daemon_alive(self):
        return self.daemon is not None and self.daemon.poll() is None

    def stop_daemon(self):
        t0 = time.monotonic()
        if self.args.wrap and self.daemon.poll() is None:
            # stop the daemon, not its wrapper (strace would just detach);
            # the wrapper then exits by itself and writes its report
            kids = proc_children(self.daemon.pid)
            for c in kids:
                try:
                    os.kill(c, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            if kids:
                try:
                    self.daemon.wait(60)
                except subprocess.TimeoutExpired:
                    pass
        rc = stop(self.daemon)
        self.daemon_logf.close()
        return rc, time.monotonic() - t0

    def log_lines(self):
        try:
            with open(self.daemon_log, "rb") as f:
                return sum(1 for _ in f)
        except OSError:
            return None

    def count_sent(self, c):
        return c.execute("SELECT count(*) FROM notifications"
                         " WHERE state = 'sent'").fetchone()[0]

    def states(self):
        with self.connect() as c:
            return dict(c.execute("SELECT state, count(*) FROM notifications"
                                  " GROUP BY state").fetchall())

    def cleanup(self):
        if not self.args.keep:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---- analysis ------------------------------------------------------------------

def pct(sorted_vals, p):
    """Nearest-rank percentile of an ascending list."""
    if not sorted_vals:
        return None
    k = max(1, -(-len(sorted_vals) * p // 100))	# ceil(n * p / 100)
    return sorted_vals[int(k) - 1]


def check_keys(recs, expected):
    """Duplicates, missing and unexpected keys of the gateway's records."""
    got = collections.Counter(k for _, k in recs)
    dups = sorted(k for k, n in got.items() if n > 1)
    missing = sorted(expected - set(got))
    extra = sorted(set(got) - expected)
    return {
        "received": len(recs),
        "distinct": len(got),
        "duplicates": len(dups),
        "duplicate_requests": sum(got[k] - 1 for k in dups),
        "missing": len(missing),
        "unexpected": len(extra),
        "duplicate_keys": dups[:50],
        "missing_keys": missing[:50],
        "unexpected_keys": extra[:50],
    }


def expected_keys(st):
    with st.connect() as c:
        rows = c.execute("SELECT s.id, p.id FROM case_steps s JOIN parties p"
                         " ON p.case_id = s.case_id").fetchall()
    return {"hg-%d-%d-sms" % (s, p) for s, p in rows}


def report_keys(what, k):
    if k["duplicates"] or k["missing"] or k["unexpected"]:
        print("  %s: %d duplicate keys (%d extra requests), %d missing, "
              "%d unexpected" % (what, k["duplicates"],
                                 k["duplicate_requests"], k["missing"],
                                 k["unexpected"]))
        for name in ("duplicate_keys", "missing_keys", "unexpected_keys"):
            if k[name]:
                print("    %s: %s%s" % (name, " ".join(k[name][:20]),
                                       " ..." if len(k[name]) > 20 else ""))


# ---- workloads -----------------------------------------------------------------

def insert_steady(db, n, rate):
    """Child process: n single-step transactions at a steady rate."""
    c = sqlite3.connect(db, timeout=10, isolation_level=None)
    sync = c.execute("PRAGMA synchronous").fetchone()[0]
    t0 = time.monotonic() + 0.05
    lag = 0.0
    for i in range(n):
        target = t0 + i / rate
        d = target - time.monotonic()
        if d > 0:
            time.sleep(d)
        else:
            lag = max(lag, -d)
        c.execute("INSERT INTO case_steps(case_id, step_code, occurred_at,"
                  " params) VALUES (1, ?, ?, ?)", (STEP, OCCURRED, PARAMS))
    took = time.monotonic() - t0
    c.close()
    print(json.dumps({"inserted": n, "seconds": round(took, 3),
                      "rate": round(n / took, 2) if took > 0 else None,
                      "max_lag_ms": round(lag * 1000, 2),
                      "synchronous": sync}))


def run_latency(args, run, n, rate, name="latency"):
    st = Setup(args, "%s-%d" % (name, run))
    res = {"run": run, "steps": n, "rate": rate, "loadavg": loadavg()}
    try:
        st.prepare()
        d = st.start_daemon()
        # idle for 5 s: started, nothing to do
        time.sleep(5.0)
        if not st.daemon_alive():
            raise RuntimeError("huigaod exited at start: see %s" % st.daemon_log)
        res["idle_rss_kb_fresh"] = proc_status(d.pid, "VmRSS")
        cpu0 = proc_cpu(d.pid)
        ins = subprocess.run([sys.executable, os.path.abspath(__file__),
                              "insert-steady", st.db, str(n), str(rate)],
                             capture_output=True, text=True,
                             timeout=n / rate + 120)
        if ins.returncode != 0:
            raise RuntimeError("inserter failed: %s" % ins.stderr)
        res["inserter"] = json.loads(ins.stdout)
        with st.connect() as c:
            # bounded by twice the fallback poll interval (5 s) and more
            ok = wait_for(lambda: st.count_sent(c) >= n, 60)
        res["cpu_s"] = round(proc_cpu(d.pid) - cpu0, 3)
        res["all_sent"] = ok
        rc, _ = st.stop_daemon()
        res["daemon_exit"] = rc
        recs = st.stop_gw()
        res["keys"] = check_keys(recs, expected_keys(st))
        with st.connect() as c:
            committed = dict(c.execute(
                "SELECT step_id, committed_ms FROM step_events"
                " WHERE kind = 'insert'").fetchall())
        first = {}
        for usec, key in recs:
            if key not in first or usec < first[key]:
                first[key] = usec
        lat = []
        for key, usec in first.items():
            m = KEY_RE.match(key)
            if m and int(m.group(1)) in committed:
                lat.append(usec / 1000.0 - committed[int(m.group(1))])
        lat.sort()
        res["samples"] = len(lat)
        res["latency_ms"] = {
            "p50": round(pct(lat, 50), 2) if lat else None,
            "p90": round(pct(lat, 90), 2) if lat else None,
            "p99": round(pct(lat, 99), 2) if lat else None,
            "max": round(lat[-1], 2) if lat else None,
            "min": round(lat[0], 2) if lat else None,
            "mean": round(statistics.fmean(lat), 2) if lat else None,
            "over_10ms": sum(1 for x in lat if x > 10),
            "over_100ms": sum(1 for x in lat if x > 100),
            "over_1s": sum(1 for x in lat if x > 1000),
        }
        res["latencies_ms"] = [round(x, 2) for x in lat] if n <= 100 else None
        res["states"] = st.states()
        res["log_lines"] = st.log_lines()
        report_keys("latency run %d" % run, res["keys"])
    finally:
        kill_children()
        st.cleanup()
    return res


def insert_backlog(st, n):
    with st.connect() as c:
        c.execute("BEGIN")
        c.executemany("INSERT INTO case_steps(case_id, step_code, occurred_at,"
                      " params) VALUES (1, ?, ?, ?)",
                      ((STEP, OCCURRED, PARAMS) for _ in range(n)))
        c.execute("COMMIT")


def run_drain(args, run):
    n = args.backlog
    st = Setup(args, "drain-%d" % run)
    res = {"run": run, "steps": n, "loadavg": loadavg()}
    try:
        st.prepare()
        insert_backlog(st, n)
        bound = max(120.0, n / 50.0)
        gw_cpu0 = proc_cpu(st.gw.pid)
        with st.connect() as c:
            t_start = time.time()
            d = st.start_daemon()
            t_sent = None
            polls = 0
            deadline = time.monotonic() + bound
            while time.monotonic() < deadline and polls < bound / POLL + 10:
                polls += 1
                if st.count_sent(c) >= n:
                    t_sent = time.time()
                    break
                if not st.daemon_alive():
                    break
                time.sleep(POLL)
        res["drain_cpu_s"] = proc_cpu(d.pid)
        res["gw_cpu_s"] = round(proc_cpu(st.gw.pid) - gw_cpu0, 3)
        res["all_sent"] = t_sent is not None
        res["polls"] = polls
        if t_sent is None:
            print("  drain run %d: not every notification sent within %.0f s"
                  " (%s)" % (run, bound, st.states()))
        # memory and idleness after the drain
        if st.daemon_alive():
            time.sleep(5.0)
            res["idle_rss_kb_after_drain"] = proc_status(d.pid, "VmRSS")
            cpu0, rt0 = proc_cpu(d.pid), proc_runtime(d.pid)
            time.sleep(args.idle_seconds)
            cpu1, rt1 = proc_cpu(d.pid), proc_runtime(d.pid)
            res["idle_seconds"] = args.idle_seconds
            res["idle_cpu_ms"] = round((cpu1 - cpu0) * 1000, 1)
            if rt0 is not None and rt1 is not None:
                res["idle_runtime_us"] = round((rt1 - rt0) * 1e6)
                # per minute, whatever BENCH_IDLE_SECONDS was
                res["idle_runtime_ms_per_min"] = round(
                    (rt1 - rt0) * 1e3 * 60 / args.idle_seconds, 3)
            res["peak_rss_kb"] = proc_status(d.pid, "VmHWM")
        rc, took = st.stop_daemon()
        res["daemon_exit"] = rc
        res["stop_seconds"] = round(took, 3)
        recs = st.stop_gw()
        res["keys"] = check_keys(recs, expected_keys(st))
        if recs:
            first = min(u for u, _ in recs) / 1e6
            last = max(u for u, _ in recs) / 1e6
            res["first_receive_s"] = round(first - t_start, 3)
            res["last_receive_s"] = round(last - t_start, 3)
            res["msgs_per_s_gateway"] = round(n / (last - t_start), 1)
            if last > first:
                res["msgs_per_s_steady"] = round((len(recs) - 1) /
                                                 (last - first), 1)
        if t_sent is not None:
            res["all_sent_s"] = round(t_sent - t_start, 3)
            res["msgs_per_s_sent"] = round(n / (t_sent - t_start), 1)
            res["gw_cpu_share"] = round(res["gw_cpu_s"] /
                                        (t_sent - t_start), 3)
            res["daemon_cpu_share"] = round(res["drain_cpu_s"] /
                                            (t_sent - t_start), 3)
        if res["drain_cpu_s"] is not None:
            res["cpu_us_per_msg"] = round(res["drain_cpu_s"] * 1e6 / n, 1)
        res["gw_cpu_us_per_msg"] = round(res["gw_cpu_s"] * 1e6 / n, 1)
        res["states"] = st.states()
        with st.connect() as c:
            # every attempt recorded: one 'ok' attempt row per message
            res["attempts"] = dict(c.execute(
                "SELECT coalesce(outcome, 'open'), count(*) FROM attempts"
                " GROUP BY 1").fetchall())
            res["attempts_ok"] = res["attempts"].get("ok", 0)
            row = c.execute("SELECT body FROM notifications"
                            " WHERE body IS NOT NULL LIMIT 1").fetchone()
            res["body"] = row[0] if row else None
        res["log_lines"] = st.log_lines()
        report_keys("drain run %d" % run, res["keys"])
        if res["attempts_ok"] != n:
            print("  drain run %d: %d 'ok' attempts recorded for %d messages"
                  " (%s)" % (run, res["attempts_ok"], n, res["attempts"]))
    finally:
        kill_children()
        st.cleanup()
    return res


# ---- the mock gateway alone -----------------------------------------------------

def loadgen_py(url, seconds, conns):
    """Fallback load generator (threads, http.client keep-alive): a lower
    bound on the gateway's capacity, as Python is slower than the gateway."""
    import http.client
    import threading
    from urllib.parse import urlsplit
    u = urlsplit(url)
    body = json.dumps({"id": 1, "key": "hg-1-1-sms", "to": PHONE,
                       "text": "x" * 100}).encode()
    counts = [0] * conns
    stop_at = time.monotonic() + seconds

    def worker(i):
        h = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        n = 0
        while time.monotonic() < stop_at:
            h.request("POST", u.path, body, {
                "Content-Type": "application/json",
                "Idempotency-Key": "py-%d-%d" % (i, n)})
            h.getresponse().read()
            n += 1
        counts[i] = n
        h.close()
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(conns)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    for t in ts:
        t.join(seconds + 30)
    return sum(counts), time.monotonic() - t0


def gw_selftest(args):
    st = Setup(args, "mockgw")
    res = {"seconds": args.gw_seconds, "connections": args.gw_conns,
           "loadavg": loadavg()}
    try:
        st.start_gw(lifetime=args.gw_seconds + 120)
        cpu0 = proc_cpu(st.gw.pid)
        wrk = shutil.which("wrk")
        if wrk:
            res["tool"] = "wrk -t1 -c%d -d%ds -s bench/wrk-post.lua" % (
                args.gw_conns, args.gw_seconds)
            r = subprocess.run([wrk, "-t1", "-c%d" % args.gw_conns,
                                "-d%ds" % args.gw_seconds, "--latency", "-s",
                                os.path.join(ROOT, "bench", "wrk-post.lua"),
                                st.url], capture_output=True, text=True,
                               timeout=args.gw_seconds + 60)
            m = re.search(r"Requests/sec:\s*([\d.]+)", r.stdout)
            res["requests_per_s"] = float(m.group(1)) if m else None
            m = re.search(r"50%\s+(\S+)", r.stdout)
            res["latency_p50"] = m.group(1) if m else None
            m = re.search(r"99%\s+(\S+)", r.stdout)
            res["latency_p99"] = m.group(1) if m else None
            m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", r.stdout)
            res["non_2xx"] = int(m.group(1)) if m else 0
            m = re.search(r"Socket errors:.*", r.stdout)
            res["socket_errors"] = m.group(0) if m else None
            took = args.gw_seconds
        else:
            res["tool"] = "python http.client, %d threads (lower bound)" % \
                args.gw_conns
            n, took = loadgen_py(st.url, args.gw_seconds, args.gw_conns)
            res["requests_per_s"] = round(n / took, 1)
        cpu = proc_cpu(st.gw.pid) - cpu0
        res["gw_cpu_share"] = round(cpu / took, 3)
        recs = st.stop_gw()
        res["recorded"] = len(recs)
        # the capacity of one core, whatever else the machine is doing
        res["requests_per_cpu_s"] = round(len(recs) / cpu) if cpu > 0 else None
    finally:
        kill_children()
        st.cleanup()
    return res


# ---- Gammu SMSD: the same drain through a peer --------------------------------

# Where Debian (and Gammu's own install) put the SQLite schema of its SQL
# service.
GAMMU_SCHEMAS = (
    "/usr/share/doc/gammu-smsd/examples/sqlite.sql",
    "/usr/share/doc/gammu-smsd/examples/sqlite.sql.gz",
    "/usr/share/doc/gammu/examples/sql/sqlite.sql",
    "/usr/share/doc/gammu/examples/sql/sqlite.sql.gz",
    "/usr/share/doc/gammu-doc/examples/sql/sqlite.sql",
    "/usr/share/doc/gammu-doc/examples/sql/sqlite.sql.gz",
    "/usr/local/share/doc/gammu/examples/sql/sqlite.sql",
)
# Gammu's text when no drain ran first (--only gammu): what huigao renders
GAMMU_BODY = "【沽源县人民法院】%s案已冻结被执行人银行存款123456.78元。" % CASE_NO
GAMMU_PHONEID = "huigao-bench"
GAMMU_CREATOR = "huigao-bench"


def gammu_find():
    """gammu-smsd, its libdbi SQLite driver and its SQLite schema: a dict,
    or a string saying exactly what is missing."""
    import glob
    import gzip
    exe = shutil.which("gammu-smsd")
    if not exe:
        return "gammu-smsd is not installed (Debian: gammu-smsd)"
    dbd = sorted(glob.glob("/usr/lib/*/dbd/libdbdsqlite3.so") +
                 glob.glob("/usr/lib/dbd/libdbdsqlite3.so") +
                 glob.glob("/usr/local/lib/dbd/libdbdsqlite3.so"))
    if not dbd:
        return ("libdbi's SQLite 3 driver libdbdsqlite3.so is not installed "
                "(Debian: libdbd-sqlite3)")
    schema = next((f for f in GAMMU_SCHEMAS if os.path.exists(f)), None)
    if not schema:
        return "gammu-smsd's sqlite.sql schema was not found in %s" % (
            ", ".join(GAMMU_SCHEMAS))
    opener = gzip.open if schema.endswith(".gz") else open
    with opener(schema, "rt", encoding="utf-8") as f:
        sql = f.read()
    ver = cmd_out([exe, "--version"])
    return {"exe": exe, "dbd": dbd[0], "schema": schema, "schema_sql": sql,
            "version": ver.splitlines()[0] if ver else None,
            "packages": {p: cmd_out(["dpkg-query", "-W", "-f=${Version}", p])
                         for p in ("gammu-smsd", "libgammu8", "libdbi1",
                                   "libdbd-sqlite3")}}


def gammu_conf(path, workdir, dbname, phone, log):
    """gammu-smsd's configuration: the dummy phone driver and the SQL service
    on SQLite through libdbi, set for the highest drain rate it can do."""
    text = (
        "# written by bench/bench.py\n"
        "[gammu]\n"
        "model = dummy\n"
        "connection = none\n"
        "device = %s\n"
        "\n"
        "[smsd]\n"
        "service = sql\n"
        "driver = sqlite3\n"
        "dbdir = %s/\n"
        "database = %s\n"
        "logfile = %s\n"
        "debuglevel = 0\n"
        "phoneid = %s\n"
        # one message per main-loop turn and sleep(LoopSleep) seconds after
        # each: 0 is the only value that sends more than 1 msg/s
        "loopsleep = 0\n"
        "commtimeout = 0\n"
        "statusfrequency = 0\n"
        "checksecurity = 0\n"
        "checkbattery = 0\n"
        "checksignal = 0\n"
        "checknetwork = 0\n"
        "receive = 0\n"
        "deliveryreport = no\n"
        % (phone, workdir, dbname, log, GAMMU_PHONEID))
    with open(path, "w") as f:
        f.write(text)
    return text


def run_gammu(args, run, body):
    """Gammu SMSD drains args.gammu_n messages from its outbox table."""
    g = args.gammu
    n = args.gammu_n
    st = Setup(args, "gammu-%d" % run)
    db = os.path.join(st.dir, "smsd.db")
    phone = os.path.join(st.dir, "phone") + "/"
    conf = os.path.join(st.dir, "smsdrc")
    log = os.path.join(st.dir, "smsd.log")
    res = {"run": run, "messages": n, "loadavg": loadavg(), "body": body,
           "body_chars": len(body)}
    p = errf = None
    try:
        os.mkdir(phone)
        with contextlib.closing(sqlite3.connect(db, timeout=10,
                                                isolation_level=None)) as c:
            c.executescript(g["schema_sql"])
            if args.gammu_journal:
                res["journal_mode"] = c.execute(
                    "PRAGMA journal_mode = %s" % args.gammu_journal
                ).fetchone()[0]
            else:
                res["journal_mode"] = c.execute(
                    "PRAGMA journal_mode").fetchone()[0]
            # due a minute ago, in Gammu's own clock (it compares with
            # datetime('now', 'localtime')); one UCS-2 part each (<= 70 chars)
            c.execute("BEGIN")
            c.executemany(
                "INSERT INTO outbox(DestinationNumber, TextDecoded, Coding,"
                " MultiPart, CreatorID, InsertIntoDB, SendingDateTime,"
                " SendingTimeOut) VALUES (?, ?, 'Unicode_No_Compression',"
                " 'false', ?, datetime('now', 'localtime', '-1 minute'),"
                " datetime('now', 'localtime', '-1 minute'),"
                " datetime('now', 'localtime', '-1 minute'))",
                ((PHONE, body, GAMMU_CREATOR) for _ in range(n)))
            c.execute("COMMIT")
        res["config"] = gammu_conf(conf, st.dir, "smsd.db", phone, log)
        errf = open(os.path.join(st.dir, "smsd.err"), "w")
        bound = max(120.0, n / 5.0)
        with contextlib.closing(sqlite3.connect(db, timeout=10,
                                                isolation_level=None)) as c:
            t_start = time.time()
            p = spawn([g["exe"], "-c", conf], stdout=errf,
                      stderr=subprocess.STDOUT)
            t_done = t_first = None
            sent_first = 0
            polls = busy = 0
            outbox = sent = None
            deadline = time.monotonic() + bound
            while time.monotonic() < deadline and polls < bound / POLL + 10:
                polls += 1
                try:
                    outbox, sent = c.execute(
                        "SELECT (SELECT count(*) FROM outbox),"
                        " (SELECT count(*) FROM sentitems)").fetchone()
                except sqlite3.OperationalError:	# locked (rollback mode)
                    busy += 1
                    outbox = None
                if outbox is not None and sent and t_first is None:
                    t_first, sent_first = time.time(), sent
                if outbox == 0 and sent >= n:
                    t_done = time.time()
                    break
                if p.poll() is not None:
                    break
                time.sleep(POLL)
            res["cpu_s"] = proc_cpu(p.pid)
            res["peak_rss_kb"] = proc_status(p.pid, "VmHWM")
            res["polls"] = polls
            res["polls_locked"] = busy
            res["all_sent"] = t_done is not None
            if t_done is None:
                print("  gammu run %d: outbox %s, sentitems %s of %d after "
                      "%.0f s (gammu-smsd %s)" % (
                          run, outbox, sent, n, bound,
                          "exited %s" % p.returncode
                          if p.poll() is not None else "running"))
        rc = stop(p)
        p = None
        errf.close()
        errf = None
        res["exit"] = rc
        with contextlib.closing(sqlite3.connect(db, timeout=10,
                                                isolation_level=None)) as c:
            res["outbox_left"] = c.execute(
                "SELECT count(*) FROM outbox").fetchone()[0]
            res["sentitems"] = c.execute(
                "SELECT count(*) FROM sentitems").fetchone()[0]
            res["sentitems_distinct_ids"] = c.execute(
                "SELECT count(DISTINCT ID) FROM sentitems").fetchone()[0]
            res["sentitems_status"] = dict(c.execute(
                "SELECT Status, count(*) FROM sentitems"
                " GROUP BY 1").fetchall())
            res["phone_sent_counter"] = c.execute(
                "SELECT sum(Sent) FROM phones").fetchone()[0]
        # what the dummy phone wrote under its directory
        files = 0
        for _, _, fs in os.walk(phone):
            files += sum(1 for f in fs if f != "operations.log")
        res["dummy_phone_files"] = files
        try:
            res["dummy_operations_log_bytes"] = os.path.getsize(
                os.path.join(phone, "operations.log"))
        except OSError:
            res["dummy_operations_log_bytes"] = None
        with open(os.path.join(st.dir, "smsd.err"), "rb") as f:
            errs = f.read().decode("utf-8", "replace").splitlines()
        res["stderr_lines"] = len(errs)
        res["stderr_sample"] = sorted(set(
            re.sub(r"\[\d+\]", "[PID]", e) for e in errs))[:5]
        if t_done is not None:
            took = t_done - t_start
            res["all_sent_s"] = round(took, 3)
            res["msgs_per_s"] = round(n / took, 2)
            # without the start-up: from the first poll that saw a sent item
            if t_first is not None and t_done > t_first:
                res["first_sent_s"] = round(t_first - t_start, 3)
                res["msgs_per_s_steady"] = round((n - sent_first) /
                                                 (t_done - t_first), 2)
        if res["cpu_s"] is not None:
            res["cpu_us_per_msg"] = round(res["cpu_s"] * 1e6 / n, 1)
        ok = sum(v for k, v in res["sentitems_status"].items()
                 if k.startswith("SendingOK"))
        res["sent_ok"] = ok
        if ok != n or res["sentitems_distinct_ids"] != n:
            print("  gammu run %d: %d sent OK, %d distinct of %d (%s)" % (
                run, ok, res["sentitems_distinct_ids"], n,
                res["sentitems_status"]))
    finally:
        if p is not None:
            stop(p)
        if errf is not None:
            errf.close()
        kill_children()
        st.cleanup()
    return res


# ---- report --------------------------------------------------------------------

def med(runs, *path):
    vals = []
    for r in runs:
        v = r
        for p in path:
            v = v.get(p) if isinstance(v, dict) else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals.append(v)
    return (statistics.median(vals) if vals else None), vals


ROWS = [
    # label, unit, workload, path
    ("latency p50", "ms", "latency", ("latency_ms", "p50")),
    ("latency p90", "ms", "latency", ("latency_ms", "p90")),
    ("latency p99", "ms", "latency", ("latency_ms", "p99")),
    ("latency max", "ms", "latency", ("latency_ms", "max")),
    ("latency > 10 ms (of the run's steps)", "", "latency",
     ("latency_ms", "over_10ms")),
    ("daemon CPU during latency run", "s", "latency", ("cpu_s",)),
    ("sparse latency p50", "ms", "sparse", ("latency_ms", "p50")),
    ("sparse latency max", "ms", "sparse", ("latency_ms", "max")),
    ("sparse latency > 1 s", "", "sparse", ("latency_ms", "over_1s")),
    ("drain: first gateway receive", "s", "drain", ("first_receive_s",)),
    ("drain: last gateway receive", "s", "drain", ("last_receive_s",)),
    ("drain: all 'sent' in the DB", "s", "drain", ("all_sent_s",)),
    ("drain rate (to last receive)", "msg/s", "drain", ("msgs_per_s_gateway",)),
    ("drain rate (to all 'sent')", "msg/s", "drain", ("msgs_per_s_sent",)),
    ("drain rate (first..last receive)", "msg/s", "drain",
     ("msgs_per_s_steady",)),
    ("daemon CPU during drain", "s", "drain", ("drain_cpu_s",)),
    ("daemon CPU per message (drain)", "us", "drain", ("cpu_us_per_msg",)),
    ("daemon CPU share of drain wall time", "", "drain", ("daemon_cpu_share",)),
    ("gateway CPU share of drain wall time", "", "drain", ("gw_cpu_share",)),
    ("gateway CPU per message (drain)", "us", "drain", ("gw_cpu_us_per_msg",)),
    ("peak RSS (VmHWM) after drain", "kB", "drain", ("peak_rss_kb",)),
    ("idle RSS, fresh daemon idle 5 s", "kB", "latency",
     ("idle_rss_kb_fresh",)),
    ("idle RSS, 5 s after drain", "kB", "drain", ("idle_rss_kb_after_drain",)),
    ("idle CPU over BENCH_IDLE_SECONDS (utime+stime)", "ms", "drain",
     ("idle_cpu_ms",)),
    ("idle CPU over BENCH_IDLE_SECONDS (schedstat)", "us", "drain",
     ("idle_runtime_us",)),
    ("idle CPU per minute (schedstat)", "ms", "drain",
     ("idle_runtime_ms_per_min",)),
    ("'ok' attempts recorded (drain)", "", "drain", ("attempts_ok",)),
    ("duplicate keys (drain)", "", "drain", ("keys", "duplicates")),
    ("missing keys (drain)", "", "drain", ("keys", "missing")),
    ("duplicate keys (latency)", "", "latency", ("keys", "duplicates")),
    ("missing keys (latency)", "", "latency", ("keys", "missing")),
    ("daemon log lines (drain)", "", "drain", ("log_lines",)),
    ("Gammu SMSD: all sent (outbox empty)", "s", "gammu", ("all_sent_s",)),
    ("Gammu SMSD: first sent item seen", "s", "gammu", ("first_sent_s",)),
    ("Gammu SMSD: drain rate (to outbox empty)", "msg/s", "gammu",
     ("msgs_per_s",)),
    ("Gammu SMSD: drain rate (first..last sent)", "msg/s", "gammu",
     ("msgs_per_s_steady",)),
    ("Gammu SMSD: CPU per message", "us", "gammu", ("cpu_us_per_msg",)),
    ("Gammu SMSD: peak RSS (VmHWM)", "kB", "gammu", ("peak_rss_kb",)),
    ("Gammu SMSD: sent OK (sentitems)", "", "gammu", ("sent_ok",)),
]


def comparison(results):
    """huigao's drain rate over Gammu SMSD's, medians of the same run."""
    hg, hg_runs = med(results["drain"], "msgs_per_s_sent")
    gm, gm_runs = med(results["gammu"], "msgs_per_s")
    hc, _ = med(results["drain"], "cpu_us_per_msg")
    gc, _ = med(results["gammu"], "cpu_us_per_msg")
    return {
        "huigao_msgs_per_s": hg, "huigao_runs": hg_runs,
        "gammu_msgs_per_s": gm, "gammu_runs": gm_runs,
        "ratio": round(hg / gm, 1) if hg and gm else None,
        "huigao_cpu_us_per_msg": hc, "gammu_cpu_us_per_msg": gc,
        "cpu_ratio": round(gc / hc, 1) if hc and gc else None,
        "how": "median huigao drain rate to every notification 'sent' in its "
               "database over median Gammu SMSD drain rate to an empty "
               "outbox with every message in sentitems; messages per "
               "second, not totals (the backlogs differ in size)",
    }


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float) and not v.is_integer():
        return "%.2f" % v if abs(v) < 100 else "%.0f" % v
    return "%d" % v


def summarise(results):
    table = []
    for label, unit, wl, path in ROWS:
        m, vals = med(results[wl], *path)
        table.append({"metric": label, "unit": unit, "median": m,
                      "runs": vals})
    return table


def print_table(args, mach, gw, table, cmp=None):
    print()
    print("huigao benchmark: %d run(s), medians; %s x %s, kernel %s" % (
        args.runs, mach["nproc"], mach["cpu_model"], mach["kernel"]))
    print("latency: %d steps at %g/s, one transaction each; sparse: %d steps "
          "one every %g s; drain: %d steps in one transaction; batch=%d "
          "max_in_flight=%d" % (args.latency_n, args.rate, args.sparse_n,
                                args.sparse_gap_ms / 1000, args.backlog,
                                args.batch, args.max_in_flight))
    if gw:
        print("mock gateway alone: %s req/s (%s; gateway CPU share %s, "
              "%s req per CPU second)" % (
                  fmt(gw.get("requests_per_s")), gw.get("tool"),
                  fmt(gw.get("gw_cpu_share")),
                  fmt(gw.get("requests_per_cpu_s"))))
    print()
    w = max(len(r["metric"]) for r in table) + 2
    print("%-*s %12s  %-6s %s" % (w, "metric", "median", "unit", "runs"))
    print("%s %12s  %-6s %s" % ("-" * w, "-" * 12, "-" * 6, "-" * 24))
    for r in table:
        print("%-*s %12s  %-6s %s" % (w, r["metric"], fmt(r["median"]),
                                      r["unit"],
                                      " ".join(fmt(v) for v in r["runs"])))
    print()
    if cmp:
        print("huigao %s msg/s (%d steps) / Gammu SMSD %s msg/s (%d messages)"
              " = %sx; CPU per message %s us / %s us = %sx" % (
                  fmt(cmp["huigao_msgs_per_s"]), args.backlog,
                  fmt(cmp["gammu_msgs_per_s"]), args.gammu_n,
                  fmt(cmp["ratio"]), fmt(cmp["huigao_cpu_us_per_msg"]),
                  fmt(cmp["gammu_cpu_us_per_msg"]), fmt(cmp["cpu_ratio"])))
        print()


# ---- main ----------------------------------------------------------------------

def main():
    global _libc
    if len(sys.argv) == 5 and sys.argv[1] == "insert-steady":
        insert_steady(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--mockgw", required=True)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results"))
    ap.add_argument("--only", choices=("latency", "sparse", "drain", "gammu"),
                    action="append", help="run only these workloads")
    ap.add_argument("--wrap", default="",
                    help="prefix for the daemon's command, for profiling "
                    "(e.g. \"perf record -g -o FILE --\"); the /proc "
                    "figures are then the wrapper's and no JSON is written")
    args = ap.parse_args()
    args.wrap = shlex.split(args.wrap)
    only = set(args.only or ("latency", "sparse", "drain", "gammu"))
    build = os.path.abspath(args.build)
    args.huigaod = os.path.join(build, "huigaod")
    args.huigaoctl = os.path.join(build, "huigaoctl")
    for p in (args.huigaod, args.huigaoctl, args.mockgw):
        if not os.access(p, os.X_OK):
            sys.exit("bench: not built: %s" % p)
    args.runs = env_int("BENCH_RUNS", 3, 1, 50)
    args.rate = env_int("BENCH_RATE", 50, 1, 10000)
    args.latency_n = env_int("BENCH_LATENCY_N", args.rate * 20, 1, 10**6)
    args.backlog = env_int("BENCH_BACKLOG", 10000, 1, 10**6)
    args.sparse_n = env_int("BENCH_SPARSE_N", 5, 0, 1000)
    args.sparse_gap_ms = env_int("BENCH_SPARSE_GAP_MS", 6000, 100, 600000)
    args.gw_max_in_flight = env_int("BENCH_GW_MAX_IN_FLIGHT", 0, 0, 10000)
    args.gw_seconds = env_int("BENCH_GW_SECONDS", 5, 1, 600)
    args.gw_conns = env_int("BENCH_GW_CONNS", 64, 1, 1000)
    args.keep = os.environ.get("BENCH_KEEP", "") == "1"
    args.idle_seconds = env_int("BENCH_IDLE_SECONDS", 10, 1, 3600)
    args.gammu_n = env_int("BENCH_GAMMU_N", 1000, 1, 100000)
    args.gammu_journal = os.environ.get("BENCH_GAMMU_JOURNAL", "wal").lower()
    if args.gammu_journal not in ("wal", "delete", "truncate", "persist",
                                  "memory", "off", ""):
        sys.exit("bench: BENCH_GAMMU_JOURNAL must be a journal mode "
                 "(wal, delete, ...), not %r" % args.gammu_journal)
    if os.environ.get("BENCH_GAMMU", "1") == "0" or args.wrap:
        only.discard("gammu")
    args.gammu = None
    if "gammu" in only:
        args.gammu = gammu_find()
        if isinstance(args.gammu, str):
            sys.exit("bench: cannot run Gammu SMSD for the comparison: %s;\n"
                     "bench: run scripts/install-deps.sh, or BENCH_GAMMU=0 "
                     "to skip it" % args.gammu)
    args.batch, args.max_in_flight = 500, 128
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        _libc = None

    def on_signal(sig, frame):
        raise SystemExit(128 + sig)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    args.work = tempfile.mkdtemp(prefix="huigao-bench.")
    try:
        mach = machine()
        started = datetime.datetime.now(datetime.timezone.utc)
        gw = None
        if os.environ.get("BENCH_GW_SELFTEST", "1") != "0" and \
                not args.wrap and not args.only:
            print("bench: mock gateway alone (%d s, %d connections) ..." % (
                args.gw_seconds, args.gw_conns), flush=True)
            gw = gw_selftest(args)
            print("  %s req/s, gateway CPU share %s, %s req per CPU second" % (
                fmt(gw.get("requests_per_s")), fmt(gw.get("gw_cpu_share")),
                fmt(gw.get("requests_per_cpu_s"))), flush=True)
        results = {"latency": [], "sparse": [], "drain": [], "gammu": []}
        body = None
        for run in range(1, args.runs + 1):
            if "latency" in only:
                print("bench: run %d/%d: latency (%d steps at %d/s) ..." % (
                    run, args.runs, args.latency_n, args.rate), flush=True)
                r = run_latency(args, run, args.latency_n, args.rate)
                results["latency"].append(r)
                print("  p50 %s ms, p99 %s ms, max %s ms; %d/%d received" % (
                    fmt(r["latency_ms"]["p50"]), fmt(r["latency_ms"]["p99"]),
                    fmt(r["latency_ms"]["max"]), r["keys"]["distinct"],
                    args.latency_n), flush=True)
            if "sparse" in only and args.sparse_n > 0:
                print("bench: run %d/%d: sparse latency (%d steps, one every "
                      "%g s) ..." % (run, args.runs, args.sparse_n,
                                     args.sparse_gap_ms / 1000), flush=True)
                r = run_latency(args, run, args.sparse_n,
                                1000.0 / args.sparse_gap_ms, "sparse")
                results["sparse"].append(r)
                print("  latencies (ms): %s" % " ".join(
                    fmt(x) for x in r.get("latencies_ms") or []), flush=True)
            if "drain" in only:
                print("bench: run %d/%d: drain (%d steps) ..." % (
                    run, args.runs, args.backlog), flush=True)
                r = run_drain(args, run)
                results["drain"].append(r)
                print("  %s msg/s to the last receive, all sent after %s s, "
                      "peak RSS %s kB" % (fmt(r.get("msgs_per_s_gateway")),
                                          fmt(r.get("all_sent_s")),
                                          fmt(r.get("peak_rss_kb"))),
                      flush=True)
                body = r.get("body") or body
            if "gammu" in only:
                print("bench: run %d/%d: Gammu SMSD drain (%d messages) ..." %
                      (run, args.runs, args.gammu_n), flush=True)
                r = run_gammu(args, run, body or GAMMU_BODY)
                results["gammu"].append(r)
                print("  %s msg/s, all sent after %s s, %s us CPU per message"
                      % (fmt(r.get("msgs_per_s")), fmt(r.get("all_sent_s")),
                         fmt(r.get("cpu_us_per_msg"))), flush=True)
        table = summarise(results)
        cmp = comparison(results) if results["gammu"] and \
            results["drain"] else None
        print_table(args, mach, gw, table, cmp)
        doc = {
            "date": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": mach,
            "method": {
                "runs": args.runs,
                "latency": {
                    "steps": args.latency_n, "rate_per_s": args.rate,
                    "how": "daemon idle 5 s, then a separate process inserts "
                           "single steps, each its own transaction (Python "
                           "sqlite3, autocommit), on a fixed schedule; "
                           "latency = mock gateway receive time (usec) - "
                           "step_events.committed_ms (trigger, ms)"},
                "sparse": {
                    "steps": args.sparse_n,
                    "gap_ms": args.sparse_gap_ms,
                    "how": "as latency, one step every gap_ms (longer than "
                           "the 5 s fallback poll): the daemon's wake-up "
                           "path alone, without later commits to help it"},
                "drain": {
                    "steps": args.backlog,
                    "how": "steps committed in one transaction with no "
                           "daemon running; time from spawning huigaod to "
                           "the last gateway receive, and to count(sent) = N "
                           "(polled every %d ms)" % int(POLL * 1000)},
                "memory": "VmRSS of a fresh daemon idle 5 s; VmRSS 5 s after "
                          "the drain; utime+stime (10 ms ticks) and "
                          "/proc/PID/schedstat run time (ns) over the next "
                          "%d s; VmHWM just before SIGTERM" %
                          args.idle_seconds,
                "gammu": None if args.gammu is None else {
                    "messages": args.gammu_n,
                    "journal_mode": args.gammu_journal or "default",
                    "gammu_smsd": args.gammu["version"],
                    "packages": args.gammu["packages"],
                    "schema": args.gammu["schema"],
                    "libdbi_driver": args.gammu["dbd"],
                    "how": "Gammu's SQLite schema, the messages inserted into "
                           "outbox in one transaction with no daemon running "
                           "(the text of huigao's drain, one UCS-2 part, due "
                           "a minute ago); then gammu-smsd (SQL service, "
                           "libdbi sqlite3, dummy phone driver) is started; "
                           "time from spawning it to an empty outbox with "
                           "every message in sentitems (polled every %d ms "
                           "from another connection)" % int(POLL * 1000)},
                "config": {"batch": args.batch,
                           "max_in_flight": args.max_in_flight,
                           "gateway_max_in_flight": args.gw_max_in_flight or
                           "default",
                           "log_level": "warning",
                           "gateway": "webhook, allow_http, bench/mockgw.c"},
                "step": {"code": STEP, "params": PARAMS,
                         "recipients": "one applicant, phone " + PHONE},
            },
            "mockgw_capacity": gw,
            "comparison_gammu": cmp,
            "table": table,
            "runs": results,
        }
        if args.wrap:
            print("bench: --wrap given: no JSON written")
            return 0
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, started.strftime("%Y%m%dT%H%M%SZ") +
                            ".json")
        with open(path + ".tmp", "w") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")
        os.rename(path + ".tmp", path)
        print("bench: results in %s" % os.path.relpath(path))
        bad = any(not r.get("all_sent") or r["keys"]["duplicates"] or
                  r["keys"]["missing"] for wl in ("latency", "sparse", "drain")
                  for r in results[wl])
        bad = bad or any(not r.get("all_sent") or
                         r.get("sent_ok") != r["messages"]
                         for r in results["gammu"])
        return 1 if bad else 0
    finally:
        kill_children()
        if args.keep:
            print("bench: work dir kept: %s" % args.work)
        else:
            shutil.rmtree(args.work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
