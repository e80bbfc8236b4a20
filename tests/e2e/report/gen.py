#!/usr/bin/env python3
"""gen.py DB - fill an initialised huigao database with the report dataset.

The figures it must give are written out by hand in expected.py; this file
only builds the cases, steps, notifications and attempts behind them.
Period of interest: 2024-06-01 .. 2024-06-30 (local dates).

Court gy (沽源县人民法院), 141 cases tracked in June, 92 performed voluntarily:
  A  90  TRK_JUDGMENT_EFFECTIVE, then TRK_PERFORMED            voluntary
  B   1  TRK_PERFORMED 06-10, ENF_FILED 06-20                   voluntary, enforced
  C   1  judgment effective in May, TRK_PERFORMED 06-30 23:59:59 voluntary
  D   2  ENF_FILED 06-10, TRK_PERFORMED 06-25                   enforced
  E   1  ENF_FILED and TRK_PERFORMED at the same minute,
         ENF_FILED recorded first                               enforced
  F  29  TRK_*, ENF_FILED and enforcement steps                 enforced
  G  17  TRK_JUDGMENT_EFFECTIVE only (one at 06-01T00:00:00)    tracked only
  H   5  tracked only in May (23:59:59 on 05-31) or July        outside
  I   1  ENF_FILED only (no tracking)                           with steps
Court kb (康保县人民法院): 10 tracked, 7 performed, 3 enforced.
Court old (not in the configuration): 1 tracked.  Court zb: no cases.

Notifications (by the day of their step):
  gy sms on gateway hook, on the TRK_PERFORMED of A0..A42:
     31 delivered, 1 undelivered, 4 sent, 2 dead, 2 pending, 3 suppressed
  gy wechat on gateway backup, on A43..A48: 4 delivered, 2 undelivered
  kb wechat on backup, on K0..K3: delivered, undelivered, sent, dead
  one more on a July step (outside the period).
"""
import sqlite3
import sys

BASE_MS = 1717200000000     # the committed_ms of every step (a fixed origin)


class Gen:
    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.ncase = 0
        self.nnotif = 0

    def case(self, court):
        self.ncase += 1
        cur = self.db.execute(
            "INSERT INTO cases(case_no, court) VALUES (?, ?)",
            ("(2024)冀0724执%d号" % self.ncase, court))
        cid = cur.lastrowid
        cur = self.db.execute(
            "INSERT INTO parties(case_id, role, name, phone)"
            " VALUES (?, 'applicant', '王小明', ?)",
            (cid, "138%08d" % cid))
        return cid, cur.lastrowid

    def step(self, case, code, at):
        cur = self.db.execute(
            "INSERT INTO case_steps(case_id, step_code, occurred_at)"
            " VALUES (?, ?, ?)", (case[0], code, at))
        return cur.lastrowid

    def notif(self, case, step, channel, state, gateway, sent=None,
              delivered=None, attempts=()):
        """One notification; sent/delivered are ms after the commit."""
        self.nnotif += 1
        cur = self.db.execute(
            "INSERT INTO notifications(step_id, party_id, channel, recipient,"
            " body, state, attempts, gateway, created_at, updated_at, key,"
            " queued_ms, committed_ms, sent_ms, delivered_ms)"
            " VALUES (?, ?, ?, ?, 'text', ?, ?, ?, '2024-06-01T00:00:00.000Z',"
            " '2024-06-01T00:00:00.000Z', ?, ?, ?, ?, ?)",
            (step, case[1], channel, "138%08d" % case[0], state,
             len(attempts), gateway, "k%d" % self.nnotif, BASE_MS, BASE_MS,
             None if sent is None else BASE_MS + sent,
             None if delivered is None else BASE_MS + delivered))
        nid = cur.lastrowid
        for gw, outcome in attempts:
            self.db.execute(
                "INSERT INTO attempts(notification_id, gateway, started_at,"
                " finished_at, outcome) VALUES (?, ?, '2024-06-01T00:00:00Z',"
                " '2024-06-01T00:00:01Z', ?)", (nid, gw, outcome))


def court_gy(g):
    performed = []                      # (case, TRK_PERFORMED step) of A
    for i in range(90):                 # A
        c = g.case("gy")
        g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-06-%02d 09:00" % (1 + i % 10))
        day = 11 + i % 20
        at = ("2024-06-%02dT10:00:00" if i % 7 == 0 else "2024-06-%02d 10:00")
        performed.append((c, g.step(c, "TRK_PERFORMED", at % day)))
    c = g.case("gy")                    # B
    g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-06-02 09:00")
    g.step(c, "TRK_PERFORMED", "2024-06-10 10:00")
    g.step(c, "ENF_FILED", "2024-06-20 09:00")
    c = g.case("gy")                    # C
    g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-05-20 09:00")
    g.step(c, "TRK_PERFORMED", "2024-06-30 23:59:59")
    for i in range(2):                  # D
        c = g.case("gy")
        g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-06-03 09:00")
        g.step(c, "ENF_FILED", "2024-06-10 09:00")
        g.step(c, "TRK_PERFORMED", "2024-06-25 09:00")
    c = g.case("gy")                    # E
    g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-06-03 09:00")
    g.step(c, "ENF_FILED", "2024-06-15 10:00")
    g.step(c, "TRK_PERFORMED", "2024-06-15T10:00:00")
    july = None
    for i in range(29):                 # F
        c = g.case("gy")
        g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-06-01 00:00:00")
        g.step(c, "TRK_VERIFY_REQUEST", "2024-06-08 09:00")
        g.step(c, "ENF_FILED", "2024-06-%02d 09:00" % (12 + i % 15))
        g.step(c, "ENF_DEPOSIT_FROZEN", "2024-06-%02d 16:00" % (12 + i % 15))
        if i < 5:
            g.step(c, "DSP_AUCTION_ANNOUNCED", "2024-06-28 09:00")
        if i < 3:
            g.step(c, "FND_RECEIVED", "2024-06-29 09:00")
        if i < 2:
            g.step(c, "ADJ_OBJECTION_FILED", "2024-06-29 10:00")
        if i == 0:
            g.step(c, "CLS_FULFILLED", "2024-06-30 17:00")
            july = (c, g.step(c, "ENF_ASSET_SEALED", "2024-07-01 00:00:00"))
        if i == 1:
            g.step(c, "TRK_PERFORMED", "2024-08-02 09:00")
    for i in range(17):                 # G
        c = g.case("gy")
        at = "2024-06-%02d 09:00" % (1 + i % 30)
        if i == 0:
            at = "2024-06-01T00:00:00"
        elif i == 1:
            at = "2024-06-30 23:59"
        g.step(c, "TRK_JUDGMENT_EFFECTIVE", at)
    for i in range(5):                  # H
        c = g.case("gy")
        if i < 3:
            g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-05-31 23:59:59")
            if i == 0:
                g.step(c, "ENF_FILED", "2024-05-31 23:59:59")
        else:
            g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-07-01 00:00:00")
            g.step(c, "TRK_PERFORMED", "2024-07-05 09:00")
    c = g.case("gy")                    # I
    g.step(c, "ENF_FILED", "2024-06-18 09:00")
    return performed, july


def notify_gy(g, performed, july):
    for j in range(43):                 # sms on hook
        c, s = performed[j]
        sent = (j + 1) * 100
        if j <= 30:
            att = [("hook", "tempfail")] if j <= 2 else []
            g.notif(c, s, "sms", "delivered", "hook", sent, (j + 1) * 1000,
                    att + [("hook", "ok")])
        elif j == 31:
            g.notif(c, s, "sms", "undelivered", "hook", sent, 99000,
                    [("hook", "ok")])
        elif j <= 35:
            g.notif(c, s, "sms", "sent", "hook", sent, None, [("hook", "ok")])
        elif j <= 37:
            g.notif(c, s, "sms", "dead", "hook", None, None,
                    [("hook", "tempfail")] * 2 + [("hook", "permfail")])
        elif j <= 39:
            g.notif(c, s, "sms", "pending", None, None, None,
                    [("hook", "tempfail")])
        else:
            g.notif(c, s, "sms", "suppressed", None)
    for k in range(6):                  # wechat on backup
        c, s = performed[43 + k]
        state = "delivered" if k < 4 else "undelivered"
        g.notif(c, s, "wechat", state, "backup", 5000 + k * 500,
                60000 + k * 10000 if k < 4 else 120000, [("backup", "ok")])
    g.notif(july[0], july[1], "sms", "delivered", "hook", 50, 60,
            [("hook", "ok")])


def court_kb(g):
    performed = []
    for i in range(10):
        c = g.case("kb")
        g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-06-05 09:00")
        if i < 7:
            performed.append((c, g.step(c, "TRK_PERFORMED", "2024-06-05 15:00")))
        else:
            g.step(c, "ENF_FILED", "2024-06-20 09:00")
    c, s = performed[0]
    g.notif(c, s, "wechat", "delivered", "backup", 2000, 45000,
            [("backup", "ok")])
    c, s = performed[1]
    g.notif(c, s, "wechat", "undelivered", "backup", 2500, 50000,
            [("backup", "ok")])
    c, s = performed[2]
    g.notif(c, s, "wechat", "sent", "backup", 9000, None, [("backup", "ok")])
    c, s = performed[3]
    g.notif(c, s, "wechat", "dead", "backup", None, None,
            [("backup", "tempfail"), ("backup", "permfail")])


def main():
    g = Gen(sys.argv[1])
    with g.db:
        performed, july = court_gy(g)
        notify_gy(g, performed, july)
        court_kb(g)
        c = g.case("old")
        g.step(c, "TRK_JUDGMENT_EFFECTIVE", "2024-06-07 09:00")
    g.db.close()


if __name__ == "__main__":
    main()
