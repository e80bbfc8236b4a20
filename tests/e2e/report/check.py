#!/usr/bin/env python3
"""check.py - compare a huigaoctl report with the figures of expected.py.

    check.py table|csv|json|html FILE [--court KEY] [--dom]
    check.py get FILE EXPR         print EXPR over the JSON document `d`

Every figure of every scope is compared exactly; all differences are
listed, and the exit status is 1 when there is any. --court KEY: the file
is a report of that court alone. --dom: FILE is the DOM a browser dumped
(the self-containment checks are made on the generated file instead).
"""
import csv
import html.parser
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import expected as E  # noqa: E402

PERIOD = ("2024-06-01", "2024-06-30")
ERRORS = []


def eq(what, got, want):
    if got != want:
        ERRORS.append("%s: got %r, want %r" % (what, got, want))


def ms(s):
    return None if s is None else int(s.replace(".", ""))


def rate_text(r, pct=True):
    """(92, 141, "65.25") -> "65.25% (92/141)"; no rate -> "- (0/0)"."""
    count, of, v = r
    return "%s%s (%d/%d)" % (v if v is not None else "-",
                             "%" if v is not None and pct else "", count, of)


# ---- JSON -----------------------------------------------------------------

def json_rate(what, got, want, key="percent"):
    eq(what, (got["count"], got["of"], got[key]), want)


def json_lat(what, got, want):
    n, med, p90 = want
    eq(what, (got["n"], got["median_s"], got["p90_s"], got["median_ms"],
              got["p90_ms"]), (n, med, p90, ms(med), ms(p90)))


def json_gateway(what, g, w):
    for k in ("attempts", "sent", "delivered", "undelivered", "dead"):
        eq("%s.%s" % (what, k), g[k], w[k])
    json_rate(what + ".delivery_rate", g["delivery_rate"], w["delivery"])
    json_rate(what + ".acceptance_rate", g["acceptance_rate"],
              w["acceptance"])
    json_lat(what + ".commit_to_sent", g["commit_to_sent"], w["to_sent"])
    json_lat(what + ".commit_to_delivered", g["commit_to_delivered"],
             w["to_delivered"])


def json_notifs(what, n, w):
    eq(what + ".total", n["total"], w["nnotif"])
    json_rate(what + ".per_case", n["per_case"], w["per_case"], "value")
    for ch in E.CHANNELS:
        want = w["notif"].get(ch, E.notif())
        got = {k: n["by_channel"][ch][k] for k in E.STATES}
        eq("%s.%s" % (what, ch), got, want)
        eq("%s.%s.total" % (what, ch), n["by_channel"][ch]["total"],
           sum(want.values()))


def json_scope(what, s, key, w):
    eq(what + ".court", (s["court"], s["name"], s["configured"]),
       (key, w["name"], w["configured"]))
    eq(what + ".cases", s["cases"], {
        "with_steps": w["active"], "tracked": w["tracked"],
        "performed_voluntarily": w["voluntary"][0],
        "moved_to_enforcement": w["enforced"][0]})
    json_rate(what + ".voluntary_performance_rate",
              s["voluntary_performance_rate"], w["voluntary"])
    json_rate(what + ".forced_enforcement_rate",
              s["forced_enforcement_rate"], w["enforced"])
    eq(what + ".enforcement_steps",
       [(x["code"], x.get("label"), x["count"])
        for x in s["enforcement_steps"]], w["steps"])
    eq(what + ".enforcement_steps_total", s["enforcement_steps_total"],
       w["steps_total"])
    json_notifs(what + ".notifications", s["notifications"], w)
    eq(what + ".gateways", [g["name"] for g in s["gateways"]],
       sorted(w["gateways"]))
    for g in s["gateways"]:
        if g["name"] in w["gateways"]:
            json_gateway("%s.gateways.%s" % (what, g["name"]), g,
                         w["gateways"][g["name"]])
    json_lat(what + ".commit_to_sent", s["commit_to_sent"], w["to_sent"])
    json_lat(what + ".commit_to_delivered", s["commit_to_delivered"],
             w["to_delivered"])
    eq(what + ".per_day", {x["date"]: x["notifications"]
                           for x in s["per_day"]}, w["days"])


def check_json(path, court):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    total, courts = E.scopes(court)
    eq("period", (d["period"]["from"], d["period"]["to"]), PERIOD)
    eq("court", d["court"], court)
    eq("empty", d["empty"], False)
    eq("title", d["title"], "执行信息回告统计报告")
    json_scope("total", d["total"], "*", total)
    eq("courts", [c["court"] for c in d["courts"]], [k for k, _ in courts])
    for c, (k, w) in zip(d["courts"], courts):
        json_scope("courts." + k, c, k, w)
    if not any("92/141 = 65.25%" in x for x in d["definitions"]):
        ERRORS.append("definitions: the rounding rule is missing")


# ---- CSV ------------------------------------------------------------------

def csv_expected(key, w):
    """The rows a scope must have: (section, item, detail) -> rest."""
    def r(count, of=None, value=None, unit=None):
        return (str(count), "" if of is None else str(of),
                value or "", unit or "")
    rows = {("cases", "with_steps", ""): r(w["active"]),
            ("cases", "tracked", ""): r(w["tracked"]),
            ("cases", "performed_voluntarily", ""): r(*w["voluntary"], "%"),
            ("cases", "moved_to_enforcement", ""): r(*w["enforced"], "%"),
            ("steps", "total", ""): r(w["steps_total"]),
            ("notifications", "total", ""): r(w["nnotif"]),
            ("notifications", "per_case", ""): r(*w["per_case"])}
    for code, label, n in w["steps"]:
        rows[("steps", code, label)] = r(n)
    for ch, states in w["notif"].items():
        for st, n in states.items():
            rows[("notifications", ch, st)] = r(n)
    for name, g in w["gateways"].items():
        for k in ("attempts", "sent", "delivered", "undelivered", "dead"):
            rows[("gateway", name, k)] = r(g[k])
        rows[("gateway", name, "delivery_rate")] = r(*g["delivery"], "%")
        rows[("gateway", name, "acceptance_rate")] = r(*g["acceptance"], "%")
        csv_lat(rows, ("gateway", name), g, r)
    csv_lat(rows, ("latency", "all"), w, r)
    for day, n in w["days"].items():
        rows[("day", day, "")] = r(n)
    return {(key, w["name"]) + k: v for k, v in rows.items()}


def csv_lat(rows, prefix, w, r):
    for what in ("to_sent", "to_delivered"):
        n, med, p90 = w[what]
        rows[prefix + (what + "_median",)] = r(n, None, med, "s")
        rows[prefix + (what + "_p90",)] = r(n, None, p90, "s")


def check_csv(path, court):
    with open(path, encoding="utf-8", newline="") as f:
        raw = f.read()
    # Excel opens a CSV as UTF-8 only when it starts with a byte-order mark
    if not raw.startswith("\ufeff"):
        ERRORS.append("csv: no UTF-8 byte-order mark (Excel would read GBK)")
    raw = raw.lstrip("\ufeff")
    if "\r\n" not in raw or "\n" in raw.replace("\r\n", ""):
        ERRORS.append("csv: lines must end with CRLF")
    rows = list(csv.reader(raw.splitlines()))
    eq("csv header", rows[0], ["court", "court_name", "section", "item",
                               "detail", "count", "of", "value", "unit"])
    got = {tuple(x[:5]): tuple(x[5:]) for x in rows[1:]}
    eq("csv rows unique", len(got), len(rows) - 1)
    total, courts = E.scopes(court)
    want = csv_expected("*", total)
    for k, w in courts:
        want.update(csv_expected(k, w))
    for k in sorted(set(got) | set(want)):
        eq("csv " + ",".join(k), got.get(k), want.get(k))


# ---- the text table -------------------------------------------------------

def table_lines(key, w):
    """Lines (whitespace collapsed) a scope's section must contain."""
    if w["active"] == 0:
        return ["no cases with steps in the period"]
    out = ["cases with steps in the period %d" % w["active"],
           "tracked (a TRK_* step) %d" % w["tracked"],
           "performed voluntarily %d of %d %s" % (
               w["voluntary"][:2] + (w["voluntary"][2] + "%",)),
           "moved to enforcement %d of %d %s" % (
               w["enforced"][:2] + (w["enforced"][2] + "%",)),
           "total %d" % w["steps_total"],
           "notifications per case %s (%d / %d cases)" % (
               w["per_case"][2], w["nnotif"], w["per_case"][1])]
    out += ["%s %d %s" % (code, n, label) for code, label, n in w["steps"]]
    tot = E.notif()
    for ch in E.CHANNELS:
        if ch in w["notif"]:
            v = [w["notif"][ch][s] for s in E.STATES]
            out.append(" ".join([ch] + [str(x) for x in v + [sum(v)]]))
            for s in E.STATES:
                tot[s] += w["notif"][ch][s]
    out.append(" ".join(["total"] + [str(tot[s]) for s in E.STATES] +
                        [str(w["nnotif"])]))
    for name, g in sorted(w["gateways"].items()):
        out.append("%s %d %d %d %d %d %s %s %s %s" % (
            name, g["attempts"], g["sent"], g["delivered"], g["undelivered"],
            g["dead"], rate_text(g["delivery"]), rate_text(g["acceptance"]),
            "/".join(g["to_sent"][1:]), "/".join(g["to_delivered"][1:])))
    for what, label in (("to_sent", "sent"), ("to_delivered", "delivered")):
        n, med, p90 = w[what]
        out.append("commit to %s median %s s, p90 %s s (n = %d)" % (
            label, med, p90, n) if n else "commit to %s -" % label)
    return out


def check_table(path, court):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    sections, cur = {}, None
    for line in text.splitlines():
        if line.startswith("== "):
            cur = line
            sections[cur] = set()
        elif cur is not None:
            sections[cur].add(" ".join(line.split()))
    total, courts = E.scopes(court)
    heads = [("== all courts (合计) ==", total)]
    for k, w in courts:
        note = "" if w["configured"] else ", not in the configuration"
        heads.append(("== %s (%s%s) ==" % (w["name"], k, note), w))
    eq("table sections", list(sections), [h for h, _ in heads])
    for (head, w), key in zip(heads, ["*"] + [k for k, _ in courts]):
        for line in table_lines(key, w):
            if line not in sections.get(head, ()):
                ERRORS.append("table %s: no line %r" % (head, line))
    want = "huigao report: %s to %s" % PERIOD
    if not text.startswith(want):
        ERRORS.append("table: does not start with %r" % want)
    if "Definitions:" not in text:
        ERRORS.append("table: no definitions")


# ---- HTML -----------------------------------------------------------------

class Page(html.parser.HTMLParser):
    """Tables (rows of <td> texts), <h2>s and <p>s per section, and SVGs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections = {}          # key -> {"h2", "tables", "p"}
        self.summary = []           # rows of the summary table
        self.svgs = []              # {"title", "rects", "texts": [(cls, t)]}
        self.text = []
        self.sec = self.table = self.row = self.cell = None
        self.svg = self.grab = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and (a.get("id") or "").startswith("court-"):
            self.sec = {"h2": "", "tables": [], "p": []}
            self.sections[a["id"][6:]] = self.sec
        elif tag == "table":
            self.table = []
            if "summary" in (a.get("class") or ""):
                self.summary = self.table
            elif self.sec is not None:
                self.sec["tables"].append(self.table)
        elif tag == "tr":
            self.row = []
        elif tag == "td":
            self.cell = []
        elif tag == "svg":
            self.svg = {"title": "", "rects": 0, "texts": []}
            self.svgs.append(self.svg)
        elif tag == "rect" and self.svg is not None:
            self.svg["rects"] += 1
        elif tag in ("title", "text", "h2", "p") and self.grab is None:
            self.grab = (tag, a.get("class"), [])

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row and self.table is not None:
            self.table.append(self.row)
            self.row = None
        elif tag == "section":
            self.sec = None
        elif tag == "svg":
            self.svg = None
        elif self.grab is not None and tag == self.grab[0]:
            self.finish_grab()

    def finish_grab(self):
        tag, cls, buf = self.grab
        t = " ".join("".join(buf).split())
        self.grab = None
        if tag == "title" and self.svg is not None:
            self.svg["title"] = t
        elif tag == "text" and self.svg is not None:
            self.svg["texts"].append((cls, t))
        elif tag == "h2" and self.sec is not None:
            self.sec["h2"] = t
        elif tag == "p" and self.sec is not None:
            self.sec["p"].append(t)

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)
        if self.grab is not None:
            self.grab[2].append(data)


def dash(v):
    return "—" if v is None else v


def html_rate(r):
    count, of, v = r
    return "%s (%d/%d)" % ("—" if v is None else v + "%", count, of)


def html_name(w):
    return w["name"] + ("" if w["configured"] else "（未配置）")


def summary_row(w):
    return [html_name(w), str(w["active"]), str(w["tracked"]),
            str(w["voluntary"][0]), html_rate(w["voluntary"]),
            str(w["enforced"][0]), html_rate(w["enforced"]),
            str(w["steps_total"]), str(w["nnotif"]), dash(w["per_case"][2])]


def html_tables(w):
    """The tables of a scope's section, row by row."""
    cases = [["有节点的案件", str(w["active"]), ""],
             ["跟踪履行案件", str(w["tracked"]), ""],
             ["自动履行", str(w["voluntary"][0]), html_rate(w["voluntary"])],
             ["转入强制执行", str(w["enforced"][0]), html_rate(w["enforced"])]]
    steps = [[label, code, str(n)] for code, label, n in w["steps"]]
    steps.append(["合计", "", str(w["steps_total"])])
    notifs, tot = [], [0] * len(E.STATES)
    for ch in E.CHANNELS:
        if ch in w["notif"]:
            v = [w["notif"][ch][s] for s in E.STATES]
            notifs.append([E.CHANNEL_ZH[ch]] + [str(x) for x in v + [sum(v)]])
            tot = [a + b for a, b in zip(tot, v)]
    notifs.append(["合计"] + [str(x) for x in tot + [w["nnotif"]]])
    gws = [[name, str(g["attempts"]), str(g["sent"]), str(g["delivered"]),
            str(g["undelivered"]), str(g["dead"]), html_rate(g["delivery"]),
            html_rate(g["acceptance"])] + list(g["to_sent"][1:]) +
           list(g["to_delivered"][1:])
           for name, g in sorted(w["gateways"].items())]
    lat = [["提交→发送", str(w["to_sent"][0])] +
           [dash(x) for x in w["to_sent"][1:]],
           ["提交→送达", str(w["to_delivered"][0])] +
           [dash(x) for x in w["to_delivered"][1:]]]
    return [cases, steps, notifs, gws or [["没有经网关发送的通知"]], lat]


def html_section(key, w, sec, total):
    what = "section " + key
    if sec is None:
        ERRORS.append(what + ": missing")
        return
    eq(what + " heading", sec["h2"], "合计（全部法院）" if total
       else html_name(w))
    if w["active"] == 0:
        eq(what + " tables", sec["tables"], [])
        if not any("案件节点，各项数字均为 0" in p for p in sec["p"]):
            ERRORS.append(what + ": no 'nothing in the period' note")
        return
    for i, want in enumerate(html_tables(w)):
        got = sec["tables"][i] if i < len(sec["tables"]) else None
        eq("%s table %d" % (what, i), got, want)
    want = "案均通知：%s (%d/%d)" % ((dash(w["per_case"][2]),) +
                                  w["per_case"][:2])
    if want not in sec["p"]:
        ERRORS.append("%s: no %r in %r" % (what, want, sec["p"]))


def html_charts(page, total, courts):
    eq("charts", [s["title"] for s in page.svgs],
       ["每日通知数", "各法院自动履行率", "各网关送达率", "执行节点（按类型）"])
    if len(page.svgs) != 4:
        return
    days, rates, gws, steps = page.svgs
    eq("per-day bars", days["rects"], 30)
    eq("per-day values", [t for c, t in days["texts"] if c == "vv"],
       [str(n) for _, n in sorted(total["days"].items())])
    vals = [dash(w["voluntary"][2]) if w["voluntary"][2] is None
            else rate_text(w["voluntary"]) for _, w in courts]
    eq("court chart", [t for c, t in rates["texts"] if c == "val"],
       vals + [rate_text(total["voluntary"])])
    eq("gateway chart", [(t) for c, t in gws["texts"] if c in ("lb", "val")],
       [x for name, g in sorted(total["gateways"].items())
        for x in (name, rate_text(g["delivery"]))])
    eq("steps chart", [t for c, t in steps["texts"] if c in ("lb", "val")],
       [x for _, label, n in total["steps"] for x in (label, str(n))])


def self_contained(path):
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    for bad in ("<script", "src=", "href=", "http:", "https:", "url(",
                "@import", "<link", "<iframe", "<img"):
        if bad in raw.lower():
            ERRORS.append("html: not self-contained, has %r" % bad)
    for good in ('<html lang="zh-CN">', '<meta charset="utf-8">',
                 "@media print", "@page", "<svg"):
        if good not in raw:
            ERRORS.append("html: lacks %r" % good)


def check_html(path, court, dom):
    page = Page()
    with open(path, encoding="utf-8") as f:
        page.feed(f.read())
    if not dom:
        self_contained(path)
    total, courts = E.scopes(court)
    eq("summary", page.summary, [summary_row(w) for _, w in courts] +
       [summary_row(total)])
    eq("sections", list(page.sections), ["*"] + [k for k, _ in courts])
    html_section("*", total, page.sections.get("*"), True)
    for k, w in courts:
        html_section(k, w, page.sections.get(k), False)
    html_charts(page, total, courts)
    text = "".join(page.text)
    for want in ("执行信息回告统计报告", "统计期间：2024-06-01 至 2024-06-30",
                 "92/141 = 65.25%"):
        if want not in text:
            ERRORS.append("html text: no %r" % want)


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[0] == "get":
        with open(args[1], encoding="utf-8") as f:
            d = json.load(f)  # noqa: F841 (used by the expression)
        print(json.dumps(eval(args[2]), ensure_ascii=False))
        return 0
    court = args[args.index("--court") + 1] if "--court" in args else None
    fmt, path = args[0], args[1]
    if fmt == "json":
        check_json(path, court)
    elif fmt == "csv":
        check_csv(path, court)
    elif fmt == "table":
        check_table(path, court)
    elif fmt == "html":
        check_html(path, court, "--dom" in args)
    else:
        sys.exit("check.py: unknown format %s" % fmt)
    for e in ERRORS:
        print("  " + e)
    if ERRORS:
        print("%s: %d difference(s)" % (path, len(ERRORS)))
    return 1 if ERRORS else 0


if __name__ == "__main__":
    sys.exit(main())
